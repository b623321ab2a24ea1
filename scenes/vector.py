"""ColumnByColumn: the learner's route, Jacobians for one example, and the columns stacked.

Three steps of the derivation (``dZ1.jacobian``, ``dZ1.elementwise``, ``dZ1.stack``):

1. The chain rule of matrix calculus, one Jacobian per link; for one example (column
   ``j``), the forward pass, then the two Jacobians of the chain, ``∂z[2]/∂a[1] = W[2]`` and
   ``∂a[1]/∂z[1] = diag(g′)``, each with its shape underneath.
2. The Jacobians chained in order give ``∂ℒ/∂z[1]`` as a row; transposed (the rule shown),
   ``dz[1] = diag(g′) W[2]ᵀ dz[2]``, a shape under every factor (all on one row: a factor
   too narrow for its label gets room), and the element-wise form under it. The five lines
   are placed once, where the whole derivation fills the body, and drawn as they are said.
3. The columns of ``dZ[1]`` are the examples: each is highlighted with its ``dz[1](j)``, and
   side by side they are ``dZ[1] = W[2]ᵀ dZ[2] ∗ g′(Z[1])``, ticked as the fold's formula
   (a second view of one result, so not boxed again).

Render with ``chainrule render ColumnByColumn -q l --no-voice``.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    MoveToTarget,
    VGroup,
    VMobject,
    config,
)

from derivations.sequence_vector import shape_label
from derivations.speech import spoken, subtitle_text
from derivations.steps import MatrixDisplay, Parts, ShapeBadge, Step
from derivations.vocabulary import Role, StepId, StepKind, index_of
from scenes.badges import tick
from scenes.base import still_wait_covering
from scenes.equations import EquationTex
from scenes.layout import Box, fit_first
from scenes.matrices import MatrixView, matrix_view
from scenes.numbers import body_boxes, fit
from scenes.segment import Segment, SegmentScene
from scenes.theme import Theme

JACOBIAN = StepId("dZ1", StepKind.JACOBIAN)
ELEMENTWISE = StepId("dZ1", StepKind.ELEMENTWISE)
STACK = StepId("dZ1", StepKind.STACK)
#: Space kept between two column labels under a matrix (scene units, before fitting).
LABEL_GAP = 0.35


def second_equals(parts: Parts) -> int | None:
    """The index of the second ``=`` of ``parts`` (``None`` if there are fewer than two).

    >>> from derivations.vocabulary import EQUALS, TexPart
    >>> second_equals((TexPart("a", "a"), EQUALS, TexPart("b", "b"), EQUALS))
    3
    """
    first = index_of(parts, Role.EQUALS)
    return None if first is None else index_of(parts, Role.EQUALS, first + 1)


def stack_layout() -> tuple[Box, Box, Box]:
    """The boxes of the stacking step: the rule for one column across the top; below it the
    matrix with its column labels on the left (the full height, so its entries and labels
    are large) and the matrix formula on the right."""
    top, rest = body_boxes((1.0, 4.2), gap=TITLE_GAP)
    left_share = 0.46
    left_width = rest.width * left_share
    left = Box(
        (rest.center[0] - rest.width / 2 + left_width / 2, rest.center[1]), left_width, rest.height
    )
    right_width = rest.width - left_width - 0.9  # room for the frame around the formula
    right = Box(
        (rest.center[0] + rest.width / 2 - right_width / 2 - 0.25, rest.center[1]),
        right_width,
        rest.height,
    )
    return top, left, right


def bracket_end(parts: Parts, start: int) -> int:
    """The index of the part that closes the brackets ``parts[start]`` leaves open
    (``start`` itself when it opens none): ``diag(g′(`` + ``z[1]`` + ``))`` is one factor,
    set as three parts so that ``z[1]`` has its own colour.

    >>> from derivations.vocabulary import TexPart
    >>> parts = (TexPart("g", "g("), TexPart("z", "z^{(j)}"), TexPart("c", ")"), TexPart("w", "W"))
    >>> bracket_end(parts, 0), bracket_end(parts, 3)
    (2, 3)
    """
    depth = 0
    for index in range(start, len(parts)):
        depth += parts[index].tex.count("(") - parts[index].tex.count(")")
        if depth <= 0:
            return index
    return len(parts) - 1


class ShapedEquation(VGroup):
    """An equation with the shape of some of its parts set under them, in TeX like the
    formulas (letters over numbers, :func:`~derivations.sequence_vector.shape_label`).

    Every label is centred under its part (a part that opens brackets, with the parts up to
    where they close: :func:`bracket_end`), and all of them sit on one row just under the
    equation. Where a label would come closer than :data:`LABEL_GAP` to the one before it
    (``W^{[2]}`` is narrow between two wide factors, its label is not), its part and all that
    follow move right by the missing room: the equation opens a gap there and keeps TeX's
    spacing everywhere else. ``equation`` is the :class:`~scenes.equations.EquationTex`,
    ``labels`` the shape labels in the order of their parts. Badges naming no part of
    ``parts`` are ignored.
    """

    def __init__(self, parts: Parts, badges: tuple[ShapeBadge, ...], theme: Theme) -> None:
        super().__init__()
        self.equation = EquationTex(parts, theme)
        by_part = {badge.part: badge for badge in badges}
        kept = tuple(part for part in parts if part.tex)
        pieces = self.equation.submobjects
        self.labels: list[EquationTex] = []
        moved, last_right, index = 0.0, None, 0
        while index < len(kept):
            end = bracket_end(kept, index) if kept[index].name in by_part else index
            term = VGroup(*pieces[index : end + 1]).shift(moved * RIGHT)
            if kept[index].name in by_part:
                label = EquationTex(
                    (shape_label(by_part[kept[index].name]),), theme, theme.entry_size
                )
                label.set_x(term.get_x())
                room = 0.0 if last_right is None else last_right + LABEL_GAP - label.get_left()[0]
                if room > 0:
                    term.shift(room * RIGHT)
                    label.shift(room * RIGHT)
                    moved += room
                last_right = label.get_right()[0]
                self.labels.append(label)
            index = end + 1
        top = self.equation.get_bottom()[1] - LABEL_BUFF
        for label in self.labels:
            label.align_to(np.array([0.0, top, 0.0]), UP)
        self.add(self.equation, *self.labels)


#: Space between two formulas set side by side on one row (scene units, before fitting).
PAIR_GAP = 1.0
#: Space kept between the title band and a Jacobian screen's first line (scene units): more
#: than the body boxes' usual gap, so a fraction's top never reads as touching the title.
TITLE_GAP = 0.5


#: Space between an equation and its row of shape labels (scene units, before fitting).
LABEL_BUFF = 0.15


#: A line shown alone at the centre of the body is grown by at most this factor.
CENTRE_GROWTH = 1.4


def centre_stage(line: VMobject) -> VMobject:
    """Move ``line``, already placed where the step's lines will stand, to the centre of the
    body, grown (by at most :data:`CENTRE_GROWTH`, within the body's width): the first line
    of a screen is shown there while the narration is about it alone, not at the top of an
    empty screen. Its place is kept as its ``target``; ``MoveToTarget(line)`` takes it there.
    """
    box = body_boxes((1.0,), gap=0.35)[0]
    line.generate_target()
    grow = min(CENTRE_GROWTH, 0.9 * box.width / max(line.width, 1e-6))
    line.scale(max(grow, 1.0)).move_to(box.point())
    return line


#: How long a line takes to fade in whole (nominal seconds): short enough that it is complete
#: as its sentence begins to say it, and never drawn glyph by glyph.
REVEAL_SECONDS = 0.5
#: How far a line rises as it fades in (scene units).
REVEAL_SHIFT = 0.15


#: What the narration of ``dZ1.jacobian`` says as it names each Jacobian (each is drawn then).
JACOBIAN_WORDS = ("so ∂z[2] / ∂a[1] is W[2]", "so ∂a[1] / ∂z[1] = diag")


def said_share(sentence: str, words: str) -> float | None:
    """The share of ``sentence`` said before ``words``: of its text as the voice speaks it
    (:func:`~derivations.speech.spoken`: ``W[2] a[1]`` takes longer to say than to write),
    else as written or as the subtitles show it; ``None`` if it does not say them.

    >>> said_share("Take one. z[2] = W[2] a[1] + b[2], so it is W[2].", "so it is")  # spoken
    0.779...
    >>> said_share("Take one.", "so it is") is None
    True
    >>> said_share("It needs vectors.", "z = W a") is None
    True
    """
    for text, wanted in (
        (spoken(sentence), spoken(words)),
        (sentence, words),
        (subtitle_text(sentence), subtitle_text(words)),
    ):
        at = text.find(wanted)
        if at >= 0:
            return at / max(len(text), 1)
    return None


class ColumnLabelledMatrix(VGroup):
    """A matrix view with a label under some of its columns: ``view``, and ``labels`` in the
    order of the columns they label."""

    def __init__(self, view: MatrixView, labels: list[EquationTex]) -> None:
        super().__init__(view, *labels)
        self.view, self.labels = view, labels


class VectorSegment(Segment):
    """The vector chain rule for one example, then the ``m`` columns side by side."""

    target = "dZ1"
    step_ids = (JACOBIAN, ELEMENTWISE, STACK)

    def play(self) -> None:
        jacobian, elementwise, stack = (self.step(i) for i in self.step_ids)

        # -- the learner's route: one example, two Jacobians with their shapes
        self.begin_step(jacobian)
        chain, forward, jacobians = self.jacobian_lines(jacobian)
        centre_stage(chain)  # alone while the route is introduced, then to its place
        self.reveal(chain)
        self.wait_until_said("take one example")
        self.scene.play(MoveToTarget(chain), run_time=self.t(0.8))
        self.wait_until_said("z[2] = W[2] a[1]")
        self.reveal(forward)
        for words, shaped in zip(JACOBIAN_WORDS, jacobians, strict=True):
            self.wait_until_said(words)  # each Jacobian as it is named
            self.write_badged(shaped)
        self.end_step(pause=2.0)

        # -- chain the Jacobians (a row), transpose (a column), element by element
        self.begin_step(elementwise)
        self.clear_body()
        row_line, rule, column_line, entrywise, fact = self.chain_lines(elementwise)
        centre_stage(row_line)  # alone while it is a row, then to its place
        self.reveal(row_line.equation)
        self.wait_until_said("is a row")
        self.show_shapes(row_line)
        self.wait_until_said("gradients as columns")
        self.scene.play(MoveToTarget(row_line), run_time=self.t(0.8))
        definition = VGroup(*column_line.equation.submobjects[:3])
        self.reveal(definition)
        self.wait_until_said("Transposing a product")
        self.reveal(rule)
        self.wait_until_said("So dz[1] = diag")
        rest = VGroup(*column_line.equation.submobjects[3:])
        self.reveal(rest)
        self.show_shapes(column_line)
        self.wait_until_said("And diag")  # the identity, beside the transpose rule
        self.reveal(fact)
        self.wait_until_said("so dz[1] = W[2]")  # the element-wise form, under the column form
        self.reveal(entrywise)
        self.end_step(pause=2.0)

        # -- the columns side by side
        self.begin_step(stack)
        self.clear_body()
        top, main, bottom = stack_layout()
        column_rule = fit(EquationTex(stack.lines[0], self.theme), top, self.theme)
        self.reveal(column_rule)
        labelled = self.matrix(stack.matrices[0], main, labels=stack.lines[1])  # dZ[1]
        view = labelled.view
        assert view.label is not None, "a matrix view is labelled unless asked not to be"
        self.scene.play(FadeIn(VGroup(view.label, view.matrix)), run_time=self.t(1.0))
        self.wait_until_said("dZ[1], dZ[2] and Z[1]")
        for j, label in enumerate(labelled.labels):
            band = view.band(self.theme, col=j)
            self.scene.play(
                Create(band),
                FadeIn(label, shift=0.2 * DOWN),
                run_time=self.t(0.6 if j < 2 else 0.3),
            )
            self.scene.play(FadeOut(band), run_time=self.t(0.3 if j < 2 else 0.2))
        final = EquationTex(stack.equation, self.theme)
        same = VGroup(
            tick(self.theme), EquationTex(stack.lines[2], self.theme, self.theme.entry_size)
        ).arrange(RIGHT, buff=0.2)
        fit(VGroup(final, same.next_to(final, DOWN, buff=0.35)), bottom, self.theme)
        self.wait_until_said("That gives")
        self.reveal(final)
        self.scene.play(FadeIn(same, shift=0.2 * UP), run_time=self.t(0.6))
        self.end_step(pause=2.0)

    # ---------------------------------------------------------------- timing

    # ---------------------------------------------------------------- building

    def matrix(self, display: MatrixDisplay, box: Box, labels: Parts = ()) -> ColumnLabelledMatrix:
        """``display`` (one of a step's matrices), as detailed as the box allows; ``labels``
        (parts, one per column) are made for the columns it shows, under them at the entries'
        size, the columns spaced so that they stay apart, not yet on screen."""

        def build(limit: tuple[int, int]) -> ColumnLabelledMatrix:
            view = matrix_view(display, self.theme, limit=limit, min_cell_width=0.0)
            made = {
                c: EquationTex((labels[c],), self.theme, self.theme.entry_size)
                for c in view.cols
                if c is not None and c < len(labels)
            }
            if made:
                widest = max(label.width for label in made.values()) + LABEL_GAP
                view = matrix_view(display, self.theme, limit=limit, min_cell_width=widest)
            for c, label in made.items():
                label.next_to(view.matrix, DOWN, buff=0.3).set_x(view.col_mobjects(c).get_x())
            return ColumnLabelledMatrix(view, list(made.values()))

        group = fit_first(
            [partial(build, limit) for limit in ((9, 9), (4, 4), (3, 3))], box, self.theme
        )
        fit(group, box, self.theme, growth=1.7)
        return group

    def wait_until_said(self, words: str) -> None:
        """Hold until ``words`` are about to be said, so that a line revealed next is whole
        as they are: the voice's sentence that says them begins, plus its length in the
        share of its text before them, less :data:`REVEAL_SECONDS`. The voice splits only
        before a capital, a digit or a bracket, so one of its sentences can hold two written
        ones ("… one column. z[2] = …"): waiting for the sentence alone would show the
        second one's picture while the first is said."""
        scene = self.scene
        for index, sentence in enumerate(scene.sentence_texts):
            share = said_share(sentence, words)
            if share is not None:
                start, end = scene.until_sentence(index), scene.until_sentence(index + 1)
                seconds = start + share * (end - start) - self.t(REVEAL_SECONDS)
                if seconds > 1.0 / config.frame_rate:
                    scene.wait(still_wait_covering(seconds, config.frame_rate))
                return
        scene.wait_for_words(words)  # says no sentence: wait_for_words explains the error

    def reveal(self, line: VMobject) -> None:
        """Bring ``line`` in whole, fading in over :data:`REVEAL_SECONDS`: never stroke by
        stroke, so no frame shows a half-drawn formula while the narration already says it."""
        self.scene.play(FadeIn(line, shift=REVEAL_SHIFT * UP), run_time=self.t(REVEAL_SECONDS))

    def badged(self, parts: Parts, badges: tuple[ShapeBadge, ...]) -> ShapedEquation:
        """``parts`` with the shapes of its parts underneath."""
        return ShapedEquation(parts, badges, self.theme)

    def write_badged(self, badged: ShapedEquation) -> None:
        """Reveal ``badged``'s equation, then bring its shapes in one after another."""
        self.reveal(badged.equation)
        self.show_shapes(badged)

    def show_shapes(self, badged: ShapedEquation) -> None:
        """Bring ``badged``'s shapes in one after another."""
        self.scene.play(
            LaggedStart(*[FadeIn(b, shift=0.2 * UP) for b in badged.labels], lag_ratio=0.3),
            run_time=self.t(1.0),
        )

    def jacobian_lines(self, step: Step) -> tuple[EquationTex, EquationTex, list[ShapedEquation]]:
        """The Jacobian step's lines, one under another, fitted into the body: the chain
        rule, the forward pass of one example, and the Jacobians with their shapes side by
        side (one under the other, the screen is taller than the body at the legible size)."""
        forward_parts, *jacobian_parts = step.lines
        chain = EquationTex(step.equation, self.theme)
        forward = EquationTex(forward_parts, self.theme)
        jacobians = [self.badged(parts, step.badges) for parts in jacobian_parts]
        pair = VGroup(*jacobians).arrange(RIGHT, buff=PAIR_GAP, aligned_edge=UP)
        first_equals = jacobians[0].equation.with_role(Role.EQUALS).get_y()
        for shaped in jacobians[1:]:  # their = signs on one height, as one line
            shaped.shift((first_equals - shaped.equation.with_role(Role.EQUALS).get_y()) * UP)
        lines = VGroup(chain, forward, pair).arrange(DOWN, buff=0.3)
        fit(lines, body_boxes((1.0,), gap=TITLE_GAP)[0], self.theme)
        return chain, forward, jacobians

    def chain_lines(
        self, step: Step
    ) -> tuple[ShapedEquation, VMobject, ShapedEquation, VMobject, VMobject]:
        """The chain step's five lines, placed once where they stay, the whole derivation
        fitted into the body: the row chain with its shapes, the transpose rule and beside it
        the fact that makes the product element-wise (the two identities used, on one row, so
        that the screen fits the body at the legible size), the column form with its shapes,
        and the element-wise form (its ``=`` under the column form's second ``=``). Each is
        drawn as it is said, and nothing moves, so the first line already stands where the
        screen will be filled."""
        rule_parts, column_parts, entrywise_parts, fact_parts = step.lines
        row_line = self.badged(step.equation, step.badges)
        rule = EquationTex(rule_parts, self.theme, self.theme.entry_size)
        column_line = self.badged(column_parts, step.badges)
        identity = tuple(part for part in fact_parts if part.role is not Role.SEPARATOR)
        fact = EquationTex(identity, self.theme, self.theme.entry_size)
        VGroup(rule, fact).arrange(RIGHT, buff=PAIR_GAP)
        fact.align_to(rule, DOWN)
        upper = VGroup(row_line, VGroup(rule, fact), column_line).arrange(DOWN, buff=0.35)
        entrywise = EquationTex(entrywise_parts, self.theme)
        entrywise.next_to(column_line, DOWN, buff=0.35)
        second = column_line.equation.submobjects[second_equals(column_parts) or 0]
        entrywise.shift((second.get_left()[0] - entrywise[0].get_left()[0]) * RIGHT)
        fit(VGroup(upper, entrywise), body_boxes((1.0,), gap=TITLE_GAP)[0], self.theme)
        return row_line, rule, column_line, entrywise, fact


class ColumnByColumn(SegmentScene):
    """The vector chain rule for one example, then the ``m`` columns side by side."""

    segment = VectorSegment
    target = VectorSegment.target
    step_ids = VectorSegment.step_ids


__all__ = [
    "ColumnByColumn",
    "ColumnLabelledMatrix",
    "ShapedEquation",
    "VectorSegment",
    "bracket_end",
    "centre_stage",
    "second_equals",
]
