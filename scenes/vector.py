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
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    MoveToTarget,
    VGroup,
    VMobject,
    Write,
)

from derivations.sequence_vector import shape_label
from derivations.steps import MatrixDisplay, Parts, ShapeBadge, Step
from derivations.vocabulary import Role, StepId, StepKind, index_of
from scenes.badges import tick
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
    top, rest = body_boxes((1.0, 4.2))
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


class ShapedEquation(VGroup):
    """An equation with the shape of some of its parts set under them, in TeX like the
    formulas (letters over numbers, :func:`~derivations.sequence_vector.shape_label`).

    Every label is centred under its part, and all of them sit on one row just under the
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
        kept = [part for part in parts if part.tex]
        self.labels: list[EquationTex] = []
        moved, last_right = 0.0, None
        for part, piece in zip(kept, self.equation.submobjects, strict=True):
            piece.shift(moved * RIGHT)
            if part.name not in by_part:
                continue
            label = EquationTex((shape_label(by_part[part.name]),), theme, theme.entry_size)
            label.set_x(piece.get_x())
            room = 0.0 if last_right is None else last_right + LABEL_GAP - label.get_left()[0]
            if room > 0:
                piece.shift(room * RIGHT)
                label.shift(room * RIGHT)
                moved += room
            last_right = label.get_right()[0]
            self.labels.append(label)
        top = self.equation.get_bottom()[1] - LABEL_BUFF
        for label in self.labels:
            label.align_to(np.array([0.0, top, 0.0]), UP)
        self.add(self.equation, *self.labels)


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


#: What the narration of ``dZ1.jacobian`` says as it names each Jacobian (each is drawn then).
JACOBIAN_WORDS = ("is W[2] itself", "entry by entry, so")


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
        self.scene.play(Write(chain), run_time=self.t(1.5))
        self.scene.wait_for_words("take one example")
        self.scene.play(MoveToTarget(chain), run_time=self.t(0.8))
        self.scene.play(Write(forward), run_time=self.t(1.2))
        for words, shaped in zip(JACOBIAN_WORDS, jacobians, strict=True):
            self.scene.wait_for_words(words)  # each Jacobian as it is named
            self.write_badged(shaped)
        self.end_step(pause=2.0)

        # -- chain the Jacobians (a row), transpose (a column), element by element
        self.begin_step(elementwise)
        self.clear_body()
        row_line, rule, column_line, entrywise, fact = self.chain_lines(elementwise)
        centre_stage(row_line)  # alone while it is a row, then to its place
        self.scene.play(Write(row_line.equation), run_time=self.t(1.2))
        self.scene.wait_for_words("is a row")
        self.show_shapes(row_line)
        self.scene.wait_for_words("gradients as columns")
        self.scene.play(MoveToTarget(row_line), run_time=self.t(0.8))
        definition = VGroup(*column_line.equation.submobjects[:3])
        self.scene.play(Write(definition), run_time=self.t(1.0))
        self.scene.wait_for_words("reverses the order")
        self.scene.play(FadeIn(rule), run_time=self.t(0.8))
        self.scene.wait_for_words("as in the index sum")
        rest = VGroup(*column_line.equation.submobjects[3:])
        self.scene.play(Write(rest), run_time=self.t(1.2))
        self.show_shapes(column_line)
        self.scene.wait_for_words("And diag")  # the element-wise form, under the column form
        self.scene.play(FadeIn(fact), run_time=self.t(0.8))
        self.scene.play(Write(entrywise), run_time=self.t(1.2))
        self.end_step(pause=2.0)

        # -- the columns side by side
        self.begin_step(stack)
        self.clear_body()
        top, main, bottom = stack_layout()
        column_rule = fit(EquationTex(stack.lines[0], self.theme), top, self.theme)
        self.scene.play(Write(column_rule), run_time=self.t(1.2))
        labelled = self.matrix(stack.matrices[0], main, labels=stack.lines[1])  # dZ[1]
        view = labelled.view
        assert view.label is not None, "a matrix view is labelled unless asked not to be"
        self.scene.play(FadeIn(VGroup(view.label, view.matrix)), run_time=self.t(1.0))
        self.scene.wait_for_words("one column per example")
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
        self.scene.wait_for_words("the same formula as the fold")
        self.scene.play(Write(final), run_time=self.t(1.2))
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

    def badged(self, parts: Parts, badges: tuple[ShapeBadge, ...]) -> ShapedEquation:
        """``parts`` with the shapes of its parts underneath."""
        return ShapedEquation(parts, badges, self.theme)

    def write_badged(self, badged: ShapedEquation) -> None:
        """Write ``badged``'s equation, then bring its shapes in one after another."""
        self.scene.play(Write(badged.equation), run_time=self.t(1.2))
        self.show_shapes(badged)

    def show_shapes(self, badged: ShapedEquation) -> None:
        """Bring ``badged``'s shapes in one after another."""
        self.scene.play(
            LaggedStart(*[FadeIn(b, shift=0.2 * UP) for b in badged.labels], lag_ratio=0.3),
            run_time=self.t(1.0),
        )

    def jacobian_lines(self, step: Step) -> tuple[EquationTex, EquationTex, list[ShapedEquation]]:
        """The Jacobian step's lines, one under another, fitted into the body: the chain
        rule, the forward pass of one example, and each Jacobian with its shape."""
        forward_parts, *jacobian_parts = step.lines
        chain = EquationTex(step.equation, self.theme)
        forward = EquationTex(forward_parts, self.theme)
        jacobians = [self.badged(parts, step.badges) for parts in jacobian_parts]
        lines = VGroup(chain, forward, *jacobians).arrange(DOWN, buff=0.3)
        fit(lines, body_boxes((1.0,), gap=0.35)[0], self.theme)
        return chain, forward, jacobians

    def chain_lines(
        self, step: Step
    ) -> tuple[ShapedEquation, VMobject, ShapedEquation, VMobject, VMobject]:
        """The chain step's five lines, placed once where they stay, the whole derivation
        fitted into the body: the row chain with its shapes, the transpose rule, the column
        form with its shapes, the element-wise form (its ``=`` under the column form's second
        ``=``) and the fact that makes it element-wise. Each is drawn as it is said, and
        nothing moves, so the first line already stands where the screen will be filled."""
        rule_parts, column_parts, entrywise_parts, fact_parts = step.lines
        row_line = self.badged(step.equation, step.badges)
        rule = EquationTex(rule_parts, self.theme, self.theme.entry_size)
        column_line = self.badged(column_parts, step.badges)
        upper = VGroup(row_line, rule, column_line).arrange(DOWN, buff=0.35)
        entrywise = EquationTex(entrywise_parts, self.theme)
        entrywise.next_to(column_line, DOWN, buff=0.35)
        second = column_line.equation.submobjects[second_equals(column_parts) or 0]
        entrywise.shift((second.get_left()[0] - entrywise[0].get_left()[0]) * RIGHT)
        fact = EquationTex(fact_parts, self.theme, self.theme.entry_size)
        fact.next_to(entrywise, DOWN, buff=0.3).align_to(entrywise, LEFT)
        fit(VGroup(upper, entrywise, fact), body_boxes((1.0,), gap=0.35)[0], self.theme)
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
    "centre_stage",
    "second_equals",
]
