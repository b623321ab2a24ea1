"""Which TeX a scene will typeset, predicted from its steps by the rules that build it.

Scenes typeset formulas only as :class:`scenes.equations.EquationTex` (one ``MathTex`` per run
of :class:`~derivations.steps.TexPart` s, one string per non-empty part), and split equations
only with :mod:`scenes.equations`' :func:`~scenes.equations.split_at_equals`,
:func:`~scenes.equations.inside_parentheses` and :func:`~scenes.equations.line_starts`.
:func:`part_runs` applies those same functions to a step's displays to list every run a scene
may typeset, so a change to how scenes split an equation changes the prediction with it.
:func:`precompile_scene` batch-typesets the prediction ahead of a render
(:mod:`manim_adapter.texbatch`); a string it misses is typeset by Manim during the render, only
slower (``tests/scenes/test_typeset.py`` renders every scene after precompiling and counts those).

>>> from derivations import derive
>>> step = derive().step("dZ1.shapes")
>>> step.equation in set(part_runs(step))
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from derivations.notation import shape_text
from derivations.sequence_recap import recap_answers
from derivations.steps import Parts, Step, TexPart
from derivations.vocabulary import EQUALS, Role, StepKind, index_of
from manim_adapter.support import active
from manim_adapter.texbatch import BatchStats, bracket_requests, mathtex_request, precompile

from .equations import inside_parentheses, line_starts, split_at_equals
from .words import NOTE_WORD, title_part, words_part

if TYPE_CHECKING:
    from .base import DerivationScene


def tex_strings(parts: Parts) -> tuple[str, ...]:
    """The strings ``EquationTex(parts)`` hands ``MathTex`` (parts with TeX, in order).

    >>> tex_strings((TexPart("Z2", "Z^{[2]}"), TexPart("gap", ""), EQUALS))
    ('Z^{[2]}', '=')
    """
    return tuple(part.tex for part in parts if part.tex)


def line_runs(parts: Parts) -> Iterator[Parts]:
    """Every line ``equation_lines`` can make of ``parts`` other than the whole: a run from
    the start or a :func:`~scenes.equations.line_starts` index to a later one or the end."""
    cuts = sorted({0, *line_starts(parts), len(parts)})
    for a, start in enumerate(cuts):
        for end in cuts[a + 1 :]:
            if (start, end) != (0, len(parts)):
                yield parts[start:end]


def side_runs(parts: Parts) -> Iterator[Parts]:
    """Each side of the first ``=``, and what stands inside the first parentheses."""
    lhs, rhs = split_at_equals(parts)
    yield lhs
    yield rhs
    if index_of(parts, Role.OPEN) is not None:
        yield inside_parentheses(parts)


def equation_runs(parts: Parts, singles: bool = True) -> Iterator[Parts]:
    """``parts`` whole, each part alone (``break_points`` measures parts one at a time,
    unless ``singles`` is false), each possible line and each side."""
    yield parts
    if singles:
        yield from ((part,) for part in parts)
    yield from line_runs(parts)
    yield from side_runs(parts)


def word_boundary(before: TexPart, after: TexPart) -> bool:
    """Whether a line may break between two parts: a space ends ``before``'s text or starts
    ``after``'s (``column `` | ``i``; ``; `` | the shapes), so a term and the colon after it
    stay together.

    >>> word_boundary(TexPart("a", r"\\text{column }"), TexPart("i", "i"))
    True
    >>> word_boundary(TexPart("i", "i"), TexPart("colon", r"\\text{: }"))
    False
    """
    return before.tex.rstrip("}").endswith(" ") or after.tex.partition("{")[2].startswith(" ")


def wrapped_runs(parts: Parts) -> Iterator[Parts]:
    """Every line the recap's word wrap can make of ``parts`` (its parts with TeX): each run
    from the start or a :func:`word_boundary` to a later one or the end."""
    kept = tuple(part for part in parts if part.tex)
    cuts = [0, *(k for k in range(1, len(kept)) if word_boundary(kept[k - 1], kept[k])), len(kept)]
    for a, start in enumerate(cuts):
        for end in cuts[a + 1 :]:
            yield kept[start:end]


def part_runs(step: Step) -> Iterator[Parts]:
    """Every run of parts a scene may typeset as one ``MathTex`` for ``step``.

    The equation and each line (:func:`equation_runs`). Matrices: ``label =``, the general
    entry, every entry and its parts. The entry grid: ``label =``, every cell and the general
    cell (whole, each line and side). Chain-rule paths: every node and factor. Shape badges,
    and each judged candidate's equation and badges.
    """
    for parts in (step.equation, *step.lines):
        yield from equation_runs(parts)
    if step.id.kind is StepKind.RECAP:  # the answers, wrapped at word boundaries
        for parts in recap_answers(step):
            yield from wrapped_runs(parts)
    for matrix in step.matrices:
        yield matrix.label, EQUALS
        yield (matrix.general_entry,)
        for row in matrix.entries:
            for entry in row:
                yield entry
                yield from ((part,) for part in entry)
    if step.grid is not None:
        yield step.grid.label, EQUALS
        for parts in (step.grid.general, *(cell.parts for cell in step.grid.cells)):
            yield from equation_runs(parts, singles=False)
    if step.paths:  # the names the values step writes under its factors
        from .partials import factor_name_parts

        yield from ((part,) for part in factor_name_parts())
    for path in step.paths:
        yield (path.via,)
        for factor in path.factors:
            yield (factor.generic,)
            yield (factor.value,)
    for badge in (*step.badges, *(b for c in step.candidates for b in c.badges)):
        yield (TexPart(f"shape:{badge.part}", badge.tex),)
        yield (words_part(shape_text((badge.rows, badge.cols)), "shape_numbers"),)
    for candidate in step.candidates:
        yield from equation_runs(candidate.equation)
        yield (words_part(candidate.verdict, "verdict"),)
        if candidate.reason:
            yield candidate.reason
    yield (title_part(step.title),)
    if step.lines:  # a fold's note (parameter_gradients.DefinitionNote): "where" and its line
        yield (words_part(NOTE_WORD, "note_word"),)


def scene_step_ids(scene_class: type, derivation: Any) -> tuple[str, ...]:
    """The ids of the steps ``scene_class`` shows: its segments' steps (a lecture), its
    segment's steps, or its ``step_ids`` (all steps when it lists none)."""
    segments_for = getattr(scene_class, "segments_for", None)
    segment = getattr(scene_class, "segment", None)
    if callable(segments_for):
        segments = segments_for(derivation)
    elif segment is not None:
        segments = (segment,)
    else:
        known = tuple(step.id for step in derivation.steps)
        listed = tuple(getattr(scene_class, "step_ids", ()) or ())
        return tuple(i for i in listed if i in known) if listed else known
    return tuple(dict.fromkeys(i for segment in segments for i in segment.step_ids_for(derivation)))


def derivation_tex(derivation: Any, step_ids: Sequence[str] | None = None) -> list[tuple[str, ...]]:
    """The ``MathTex`` strings of :func:`part_runs` for the given steps (all by default), in
    order, without repeats."""
    ids = set(step_ids) if step_ids is not None else None
    seen: dict[tuple[str, ...], None] = {}
    for step in derivation.steps:
        if ids is None or step.id in ids:
            for parts in part_runs(step):
                strings = tex_strings(parts)
                if strings:
                    seen.setdefault(strings, None)
    return list(seen)


def shows_matrices(derivation: Any, step_ids: Sequence[str]) -> bool:
    """Whether any of the steps shows a matrix or an entry grid (bracketed by Manim)."""
    ids = set(step_ids)
    return any(step.matrices or step.grid for step in derivation.steps if step.id in ids)


def scene_requests(scene_class: type[DerivationScene], derivation: Any = None) -> list[Any]:
    """The TeX files (:class:`~manim_adapter.texbatch.TexRequest`) a render of
    ``scene_class`` will ask for: its steps' runs, and matrix brackets when they show
    matrices; ``derivation`` defaults to ``scene_class.build_derivation()``."""

    from .equations import screen_tex_template

    if derivation is None:
        derivation = scene_class.build_derivation()
    ids = scene_step_ids(scene_class, derivation)
    template = screen_tex_template()  # the template EquationTex typesets with
    requests = [
        mathtex_request(*strings, tex_template=template)
        for strings in derivation_tex(derivation, ids)
    ]
    if shows_matrices(derivation, ids):
        requests += bracket_requests()
    return list(dict.fromkeys(requests))


def precompile_scene(
    scene_class: type[DerivationScene],
    derivation: Any = None,
    tex_dir: str | os.PathLike[str] | None = None,
    jobs: int = 1,
) -> Any:
    """Batch-typeset what a render of ``scene_class`` will typeset into ``tex_dir`` (default:
    ``config.tex_dir``; call it inside the render's ``tempconfig``); returns the
    :class:`~manim_adapter.texbatch.BatchStats`. With a Manim the batch was not written for,
    nothing is typeset ahead (Manim typesets as usual)."""

    if not active():
        return BatchStats()
    return precompile(scene_requests(scene_class, derivation), tex_dir, jobs=jobs)


__all__ = [
    "EQUALS",
    "derivation_tex",
    "equation_runs",
    "line_runs",
    "part_runs",
    "precompile_scene",
    "scene_requests",
    "scene_step_ids",
    "shows_matrices",
    "side_runs",
    "tex_strings",
    "word_boundary",
    "wrapped_runs",
]
