"""The recap: back to the question, with the six formulas of the course's slide.

The last step of every derivation, ``general.recap``. Its ``lines`` are first the six folded
formulas, each typeset from the derivation's own formulas (never typed here): the output
layer's ``dZ[L]``, ``dW[L]``, ``db[L]``, then layer 1's ``dZ[1]``, ``dW[1]``, ``db[1]`` (for
``L = 2`` exactly the slide; deeper networks keep the output layer and the question's layer,
the layers between being the general rule the step before shows). Then come three short
*answers* to the seed's question, one line each: why ``W[2]`` is transposed, why it stands on
the left of ``dZ[2]``, and why ``g′`` enters by an element-wise product. An answer line names
the parts of the ``dZ[1]`` formula it explains by their own part names (``W2T``, ``dZ2``,
``hadamard``, ``gprime1``), so a scene can light them (:func:`answer_focus`).

``badges`` give the shape of every factor of the six formulas. Claims: each formula's fold
claims (its shape, and that it is sympy's derivative of the loss or the cost), each badge's
shape, and one claim per answer.

>>> from derivations import NetworkSpec, derive
>>> step = derive(NetworkSpec()).step("general.recap")
>>> [formula[0].tex for formula in recap_formulas(step)]
['dZ^{[2]}', 'dW^{[2]}', 'db^{[2]}', 'dZ^{[1]}', 'dW^{[1]}', 'db^{[1]}']
>>> [answer_focus(answer, step.equation) for answer in recap_answers(step)]
[('W2T',), ('W2T', 'dZ2'), ('hadamard', 'gprime1')]
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from . import notation
from .claims import Claim, EqualityClaim, ShapeClaim
from .display import general_entry, general_gprime, matrix_label
from .formula import Node, parse, to_parts
from .formulas import fold_claims
from .network import Network
from .sequence_dz import badges_for
from .spec import NetworkSpec
from .steps import ShapeBadge, Stage, Step
from .vocabulary import EQUALS, HADAMARD, Parts, Role, StepId, StepKind, TexPart, operator

#: How many formulas the card shows (the course's slide has six).
FORMULA_COUNT = 6
#: The id of the recap step.
RECAP = StepId("general", StepKind.RECAP)


def recap_targets(net: Network) -> tuple[str, ...]:
    """The six gradients of the card: the output layer's three, then layer 1's.

    >>> from derivations import NetworkSpec
    >>> recap_targets(Network(NetworkSpec(layer_dims=(2, 3, 2, 2, 1))))
    ('dZ4', 'dW4', 'db4', 'dZ1', 'dW1', 'db1')
    """
    last = net.spec.num_layers
    return tuple(f"{kind}{layer}" for layer in (last, 1) for kind in ("dZ", "dW", "db"))


def recap_formulas(step: Step) -> tuple[Parts, ...]:
    """The six formula lines of a recap step (``target = formula``)."""
    return step.lines[:FORMULA_COUNT]


def recap_answers(step: Step) -> tuple[Parts, ...]:
    """The three answer lines of a recap step: transpose, order, element-wise product."""
    return step.lines[FORMULA_COUNT:]


def answer_focus(answer: Parts, formula: Parts) -> tuple[str, ...]:
    """The names of the parts of ``formula`` that ``answer`` explains: those it names too,
    in the formula's order."""
    named = {part.name for part in answer}
    return tuple(part.name for part in formula if part.name in named)


def _text(name: str, words: str) -> TexPart:
    return TexPart(name, rf"\text{{{words}}}")


def answer_lines() -> tuple[Parts, ...]:
    """The three answers, in the notation of the screen.

    1. ``W[2]ᵀ``: the sum runs down column ``i`` of ``W[2]`` = row ``i`` of ``W[2]ᵀ`` (the
       index sum of ``dZ1.transpose``, the lecture's one argument for the transpose);
    2. ``W[2]ᵀ dZ[2]``: the sum over ``k`` pairs row ``i`` (of ``W[2]ᵀ``) with column ``j``
       (of ``dZ[2]``), which fixes the order; the shapes ``(n[1]×n[2])(n[2]×m) = (n[1]×m)``
       agree (they alone cannot tell the order when ``W[2]`` is square);
    3. ``∗ g[1]′(Z[1])``: each ``z[1]_ij`` through its own ``g[1]′``.
    """
    w2, w2t, dz2 = matrix_label("W2"), matrix_label("W2", transposed=True), matrix_label("dZ2")
    n1, n2 = notation.size_tex(1), notation.size_tex(2)
    transpose = (
        w2t,
        _text("a_edges", ": the sum runs down column "),
        TexPart("a_i", "i"),
        _text("a_of", " of "),
        w2,
        _text("a_is", " = row "),
        TexPart("a_i2", "i"),
        _text("a_of2", " of "),
        TexPart("W2T_", w2t.tex, w2t.symbol),
    )
    order = (
        w2t,
        dz2,
        _text("o_colon", ": the sum over "),
        TexPart("o_k", "k"),
        _text("o_pairs", " pairs row "),
        TexPart("o_i", "i"),
        _text("o_with", " with column "),
        TexPart("o_j", "j"),
        _text("o_then", "; "),
        TexPart("o_shapes", notation.shape_tex(n1, n2) + notation.shape_tex(n2, "m")),
        operator("o_eq", "=", Role.EQUALS),
        TexPart("o_result", notation.shape_tex(n1, "m")),
    )
    gprime = TexPart("gprime1", notation.gprime_matrix_tex(1), "gprime1")
    each = (
        HADAMARD,
        gprime,
        _text("e_each", ": each "),
        general_entry("Z1", "i", "j"),
        _text("e_own", " through its own "),
        general_gprime(1),
    )
    return transpose, order, each


def answer_claims(net: Network) -> tuple[Claim, ...]:
    """What the answers state: column ``i`` of ``W[2]`` is row ``i`` of ``W[2]ᵀ`` (for every
    ``i``); ``W[2]ᵀ dZ[2]`` has the shape of ``Z[1]``; entry ``(i, j)`` of
    ``W[2]ᵀ dZ[2] ∗ g′(Z[1])`` is entry ``(i, j)`` of ``W[2]ᵀ dZ[2]`` times ``g′(z[1]_ij)``."""
    w2, dz2, z1 = net.symbols("W2"), net.symbols("dZ2"), net.symbols("Z1")
    columns = sympy.ImmutableMatrix(w2.cols, w2.rows, lambda i, k: w2[k, i])
    product = sympy.ImmutableMatrix(w2.T * dz2)
    each = sympy.ImmutableMatrix(
        z1.rows, z1.cols, lambda i, j: product[i, j] * net.activation.gprime(z1[i, j])
    )
    hadamard = net.evaluate_symbolic(parse("W2.T @ dZ2 * gprime(Z1)"), net.display_values)
    return (
        EqualityClaim(
            "column i of W2 is row i of W2.T, for every i", columns, sympy.ImmutableMatrix(w2.T)
        ),
        EqualityClaim(
            "entry (i, j) of W2.T @ dZ2 is the sum over k of w2_ki dz2_kj: row i with column j",
            product,
            sympy.ImmutableMatrix(
                w2.cols, dz2.cols, lambda i, j: sum(w2[k, i] * dz2[k, j] for k in range(w2.rows))
            ),
        ),
        ShapeClaim(
            "W2.T @ dZ2 has the shape of Z1",
            "W2.T @ dZ2",
            tuple(net.shapes.items()),
            net.shapes["Z1"],
        ),
        EqualityClaim(
            "entry (i, j) of W2.T @ dZ2 * gprime(Z1) is entry (i, j) of W2.T @ dZ2 times g'(z1_ij)",
            hadamard,
            each,
        ),
    )


def badge_claims(net: Network, badges: tuple[ShapeBadge, ...]) -> tuple[Claim, ...]:
    """Each badge shows the shape of its part (``W2T`` is ``W2.T``, ``gprime1`` has the shape
    of ``gprime(Z1)``)."""
    claims: list[Claim] = []
    for badge in badges:
        name = badge.part
        text = (
            f"gprime(Z{name[6:]})"
            if name.startswith("gprime")
            else f"{name[:-1]}.T"
            if name.endswith("T") and name[:-1] in net.shapes
            else name
        )
        claims.append(
            ShapeClaim(
                f"the badge of {name} shows its shape",
                text,
                tuple(net.shapes.items()),
                (badge.rows, badge.cols),
            )
        )
    return tuple(claims)


def merged_badges(
    net: Network, formulas: Mapping[str, Node], targets: tuple[str, ...]
) -> tuple[ShapeBadge, ...]:
    """The badges of every factor of the formulas of ``targets``, once per part name (a part
    has one shape wherever it stands)."""
    found: dict[str, ShapeBadge] = {}
    for target in targets:
        for badge in badges_for(net, target, formulas[target]):
            found.setdefault(badge.part, badge)
    return tuple(found.values())


def narration_beats(spec: NetworkSpec) -> tuple[str, str, str, str]:
    """The narration in four beats, one per thing the scene shows in turn: the card, then the
    answers for the transpose, the order and the element-wise product (a scene times its
    highlights by them). Every sentence fits one subtitle cue."""
    last = spec.num_layers
    card = (
        "Back to the question: the six formulas of the slide, each with its shapes."
        if last == 2
        else f"Back to the question: layer {last}'s three formulas and layer 1's, with shapes."
    )
    return (
        card,
        "The transpose: the sum runs down column i of W[2], which is row i of W[2]ᵀ.",
        "The order: a product takes that row on the left, then column j of dZ[2]. "
        "The shapes agree: n[1] by n[2], times n[2] by m, gives n[1] by m.",
        "The ∗: each z[1]_ij passes through its own g′, one entry at a time.",
    )


def recap_step(net: Network, formulas: Mapping[str, Node]) -> Step:
    """The recap card: the six formulas with their shapes, and the three answers.

    ``formulas`` are the derivation's folded formulas; a wrong one fails this step's claims
    as it fails its own fold step's."""
    targets = recap_targets(net)
    lines = tuple((matrix_label(target), EQUALS, *to_parts(formulas[target])) for target in targets)
    badges = merged_badges(net, formulas, targets)
    claims = tuple(
        claim for target in targets for claim in fold_claims(net, target, formulas[target])
    )
    return Step(
        RECAP,
        Stage.RECAP,
        "Back to the question",
        " ".join(narration_beats(net.spec)),
        equation=lines[targets.index("dZ1")],
        lines=(*lines, *answer_lines()),
        badges=badges,
        claims=(*claims, *badge_claims(net, badges), *answer_claims(net)),
    )


__all__ = [
    "FORMULA_COUNT",
    "RECAP",
    "answer_claims",
    "answer_focus",
    "answer_lines",
    "badge_claims",
    "merged_badges",
    "narration_beats",
    "recap_answers",
    "recap_formulas",
    "recap_step",
    "recap_targets",
]
