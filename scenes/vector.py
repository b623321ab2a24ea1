"""ColumnByColumn: the vector chain rule for one example, and the columns stacked.

Three steps of the derivation (``dZ1.jacobian``, ``dZ1.elementwise``, ``dZ1.stack``):

1. For one example (column ``j``), ``a = g(z)`` acts entry by entry, so ``∂a/∂z`` is the
   diagonal matrix ``diag(g′(z))``: written out, its diagonal highlighted.
2. The vector chain rule ``dz[1] = diag(g′) W[2]ᵀ dz[2]``; a diagonal matrix times a vector
   is an element-wise product (``diag(v) u = v ∗ u``, entries written out), so
   ``dz[1] = W[2]ᵀ dz[2] ∗ g′(z[1])`` for one example.
3. The columns of ``dZ[1]`` are the examples: each is highlighted with its ``dz[1](j)``, and
   side by side they are ``dZ[1] = W[2]ᵀ dZ[2] ∗ g′(Z[1])``.

Render with ``chainrule render ColumnByColumn -q l --no-voice``.
"""

from __future__ import annotations

from functools import partial

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Create,
    FadeIn,
    FadeOut,
    SurroundingRectangle,
    VGroup,
    VMobject,
    Write,
)

from derivations.steps import MatrixDisplay, Parts, Step
from derivations.vocabulary import EQUALS, HADAMARD, Role, StepId, StepKind, index_of
from scenes.equations import EquationTex
from scenes.layout import Box, fit_first
from scenes.matrices import MatrixView, highlight_band, matrix_view
from scenes.numbers import body_boxes, fit, lines_in
from scenes.segment import Segment, SegmentScene

JACOBIAN = StepId("dZ1", StepKind.JACOBIAN)
ELEMENTWISE = StepId("dZ1", StepKind.ELEMENTWISE)
STACK = StepId("dZ1", StepKind.STACK)
#: Space kept between two column labels under a matrix (scene units, before fitting).
LABEL_GAP = 0.35


def second_equals(parts: Parts) -> int | None:
    """The index of the second ``=`` of ``parts`` (``None`` if there are fewer than two).

    >>> from derivations.vocabulary import TexPart
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

        # -- one example: a diagonal Jacobian
        self.begin_step(jacobian)
        top, main = body_boxes((1.2, 4.0))
        rule = fit(EquationTex(jacobian.equation, self.theme), top, self.theme)
        self.scene.play(Write(rule), run_time=self.t(1.2))
        (display,) = jacobian.matrices  # the Jacobian, the step's one matrix
        view = self.matrix(display, main).view
        self.scene.play(FadeIn(view), run_time=self.t(1.0))
        n = display.shape[0]
        diagonal = VGroup(
            *[
                highlight_band(cell, self.theme)
                for r in range(n)
                if (cell := view.cell(r, r)) is not None
            ]
        )
        self.scene.play(Create(diagonal), run_time=self.t(1.0))
        self.end_step(pause=2.0)

        # -- a diagonal matrix times a vector: an element-wise product
        self.begin_step(elementwise)
        self.clear_body()
        top, names_box, main = body_boxes((1.7, 0.8, 3.0))
        product_rule = self.two_lines(elementwise.equation, top)
        self.scene.play(Write(product_rule), run_time=self.t(1.5))
        names = fit(EquationTex(elementwise.lines[0], self.theme), names_box, self.theme)
        self.scene.play(FadeIn(names), run_time=self.t(0.8))
        product = self.product_row(elementwise, main)
        for group in product:
            self.scene.play(FadeIn(group), run_time=self.t(0.8))
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
        for j, label in enumerate(labelled.labels):
            band = view.band(self.theme, col=j)
            self.scene.play(
                Create(band),
                FadeIn(label, shift=0.2 * DOWN),
                run_time=self.t(0.6 if j < 2 else 0.3),
            )
            self.scene.play(FadeOut(band), run_time=self.t(0.3 if j < 2 else 0.2))
        final = fit(EquationTex(stack.equation, self.theme), bottom, self.theme)
        frame = SurroundingRectangle(final, color=self.theme.text, buff=0.2, corner_radius=0.1)
        self.scene.play(Write(final), run_time=self.t(1.2))
        self.scene.play(Create(frame), run_time=self.t(0.6))
        self.end_step(pause=2.0)

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

    def two_lines(self, parts: Parts, box: Box) -> VGroup:
        """``parts`` on two lines, the second starting at its second ``=`` (the second part
        with the role :attr:`~derivations.vocabulary.Role.EQUALS`) and aligned under the
        first, fitted into ``box``."""
        cut = second_equals(parts)
        if cut is None:
            return lines_in(parts, box, self.theme)
        first, second = (EquationTex(p, self.theme) for p in (parts[:cut], parts[cut:]))
        second.next_to(first, DOWN, buff=0.3).align_to(first.with_role(Role.EQUALS), LEFT)
        return fit(VGroup(first, second), box, self.theme)

    def product_row(self, step: Step, box: Box) -> list[VMobject]:
        """``diag(v) u = [v_i u_i] = v ∗ u`` written out, in three groups that appear in turn.

        The step's matrices are, in order, ``diag(v)``, ``u``, ``[v_i u_i]`` and ``v``."""
        diag, u, products, v = step.matrices

        def build(limit: tuple[int, int]) -> VGroup:
            def view(display: MatrixDisplay) -> MatrixView:
                return matrix_view(display, self.theme, limit=limit, with_label=False)

            diag_label = EquationTex((diag.label,), self.theme)
            row = VGroup(
                VGroup(diag_label, view(diag), view(u)),
                VGroup(EquationTex((EQUALS,), self.theme), view(products)),
                VGroup(
                    EquationTex((EQUALS,), self.theme),
                    view(v),
                    EquationTex((HADAMARD,), self.theme),
                    view(u),
                ),
            )
            for group in row:
                group.arrange(RIGHT, buff=0.25)
            return row.arrange(RIGHT, buff=0.35)

        row = fit_first([partial(build, limit) for limit in ((9, 9), (3, 3))], box, self.theme)
        fit(row, box, self.theme)
        return list(row)


class ColumnByColumn(SegmentScene):
    """The vector chain rule for one example, then the ``m`` columns side by side."""

    segment = VectorSegment
    target = VectorSegment.target
    step_ids = VectorSegment.step_ids


__all__ = ["ColumnByColumn", "ColumnLabelledMatrix", "VectorSegment", "second_equals"]
