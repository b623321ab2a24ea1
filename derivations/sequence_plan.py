"""The lecture's plan: the slide's six formulas, split into the question and the rest.

Two steps frame the lecture as one argument:

* ``general.map`` comes first. It shows the six formulas of the course's slide (the same
  formulas, typeset from the derivation, that the recap ends on) and says what each part of the
  lecture does with them: part 1 answers the question, where the transpose, the order and the
  element-wise product of ``dZ[1]`` come from; part 2 derives the other five more briefly.
* ``general.part_two`` stands between the two parts. Part 1 is over (derived, then checked by
  shapes, by the learner's Jacobians and in real numbers); it says so, and why part 2 starts
  with ``dZ[L]``: ``dZ[1]`` took the gradient arriving from the layer above as given.

The card shows the slide as the course publishes it
(:func:`~derivations.formulas.default_formulas`), and claims what the slide claims: each formula
is the derivative of the loss or the cost (the fold claims). A derivation given a wrong formula
to prove its checks still shows the slide here, and fails at that formula's own fold step, where
it is derived. Their narration comes in *beats*, one per thing the scene shows in turn (the scene
times its highlights by them), each a sentence that fits one subtitle cue.

>>> from derivations import NetworkSpec, derive
>>> d = derive(NetworkSpec())
>>> [line[0].tex for line in plan_formulas(d.step("general.map"))]
['dZ^{[2]}', 'dW^{[2]}', 'db^{[2]}', 'dZ^{[1]}', 'dW^{[1]}', 'db^{[1]}']
>>> d.step("general.map").equation == d.step("general.recap").equation
True
"""

from __future__ import annotations

from collections.abc import Mapping

from .display import matrix_label
from .formula import Node, to_parts
from .formulas import default_formulas, fold_claims
from .network import Network
from .sequence_recap import recap_targets
from .spec import NetworkSpec
from .speech import number_words
from .steps import Stage, Step
from .vocabulary import EQUALS, Parts, StepId, StepKind, TexPart

#: The first step of the lecture: the slide and the two parts.
MAP = StepId("general", StepKind.MAP)
#: The turn from part 1 (the question) to part 2 (the rest of the slide).
PART_TWO = StepId("general", StepKind.PART_TWO)
#: The formula the question asks about; part 1 derives it, part 2 the others.
QUESTION = "dZ1"


#: The card's labels, after its formulas: part 1's, part 2's, and the mark of a derived formula.
TAGS: tuple[Parts, ...] = (
    (TexPart("part_one", r"\text{Part 1: the question}"),),
    (TexPart("part_two", r"\text{Part 2: the rest of the slide}"),),
    (TexPart("checked", r"\checkmark\ \text{derived and checked}"),),
)


def plan_formulas(step: Step) -> tuple[Parts, ...]:
    """The formula lines of a plan step (the slide's, in the recap's order)."""
    return step.lines[: -len(TAGS)]


def plan_tags(step: Step) -> tuple[Parts, ...]:
    """The label lines of a plan step: part 1's, part 2's, the check mark's."""
    return step.lines[-len(TAGS) :]


def formula_lines(step: Step) -> tuple[Parts, ...]:
    """The lines of ``step`` that are formulas, for a page or handout that lists them: a plan
    step's slide formulas (its equation repeats one of them; its tags label the picture),
    otherwise the equation and every line."""
    if step.id.kind in (StepKind.MAP, StepKind.PART_TWO):
        return plan_formulas(step)
    return (step.equation, *step.lines)


def slide_lines(net: Network, formulas: Mapping[str, Node]) -> tuple[Parts, ...]:
    """The six formulas of the slide (``target = formula``), in the recap's order."""
    return tuple(
        (matrix_label(target), EQUALS, *to_parts(formulas[target])) for target in recap_targets(net)
    )


def the_others(spec: NetworkSpec) -> str:
    """How the narration names the five formulas of part 2."""
    last = spec.num_layers
    return f"dZ[{last}], dW and db" if last == 2 else f"dZ[{last}], then dW and db of each layer"


def map_beats(spec: NetworkSpec) -> tuple[str, str, str]:
    """The map's narration: the slide, part 1, part 2 (one sentence each)."""
    last = spec.num_layers
    slide = (
        "These are the six formulas of the course's slide for backprop."
        if last == 2
        else f"These are the slide's formulas for layer {number_words(str(last))} and layer one."
    )
    return (
        slide,
        "Part one answers the question: where the transpose, the order and the element-wise "
        "product of dZ[1] come from.",
        f"Part two derives the others, {the_others(spec)}, the same way but faster.",
    )


def part_two_beats(spec: NetworkSpec) -> tuple[str, str, str]:
    """The turn to part 2: part 1 is done, what part 2 does, and why it starts at the top."""
    last = spec.num_layers
    return (
        "That answers the question: dZ[1] is derived, and checked three ways.",
        "Part two: the rest of the slide.",
        f"dZ[1] took dZ[{last}] as given, so part two starts by deriving dZ[{last}], at the output."
        if last == 2
        else f"Backprop starts at the output, so part two starts with dZ[{last}].",
    )


def plan_step(net: Network, step_id: StepId, title: str, beats: tuple[str, ...]) -> Step:
    """A card of the slide's formulas with ``title`` and the narration ``beats``; its
    ``equation`` is the question's formula; it claims every formula's fold."""
    targets = recap_targets(net)
    formulas = default_formulas(net.spec)
    lines = slide_lines(net, formulas)
    return Step(
        step_id,
        Stage.PLAN,
        title,
        " ".join(beats),
        equation=lines[targets.index(QUESTION)],
        lines=(*lines, *TAGS),
        claims=tuple(
            claim for target in targets for claim in fold_claims(net, target, formulas[target])
        ),
    )


def map_step(net: Network) -> Step:
    """``general.map``: the slide's formulas, and what parts 1 and 2 do with them."""
    return plan_step(net, MAP, "The slide, in two parts", map_beats(net.spec))


def part_two_step(net: Network) -> Step:
    """``general.part_two``: the question is answered; the rest of the slide follows."""
    return plan_step(net, PART_TWO, "The question, answered", part_two_beats(net.spec))


__all__ = [
    "MAP",
    "PART_TWO",
    "QUESTION",
    "TAGS",
    "formula_lines",
    "map_beats",
    "map_step",
    "part_two_beats",
    "part_two_step",
    "plan_formulas",
    "plan_step",
    "plan_tags",
    "slide_lines",
    "the_others",
]
