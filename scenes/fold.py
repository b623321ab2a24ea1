"""FoldBack: the grid of scalar results folds back into ``dZ[1] = W[2]ᵀ dZ[2] ∗ g[1]′(Z[1])``.

The shared factor ``g′(z_ij)`` leaves every entry's sum and becomes an element-wise product;
the sums are recognised as rows of ``W[2]ᵀ`` times columns of ``dZ[2]`` (column ``i`` of
``W[2]`` is row ``i`` of ``W[2]ᵀ``); the grid collapses into the boxed matrix formula.

Render with ``manim -ql scenes/fold.py FoldBack``.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from manim import (
    RIGHT,
    Animation,
    Create,
    FadeIn,
    FadeOut,
    ReplacementTransform,
    SurroundingRectangle,
    TransformMatchingTex,
    VGroup,
    VMobject,
)

from derivations.steps import MatrixDisplay, Step
from derivations.vocabulary import Parts, Role, StepId, StepKind, index_of
from scenes.equations import EquationTex, inside_parentheses, split_at_equals
from scenes.layout import Box, fit_first, fit_into, stack_boxes
from scenes.matrices import MatrixRow, MatrixView, grid_view, matrix_view, parts_view
from scenes.segment import Segment, SegmentScene

if TYPE_CHECKING:
    from derivations import Derivation

LIMITS: tuple[tuple[int, int], ...] = ((9, 9), (3, 3))
#: Most detailed to most compact presentation of ``W`` and ``Wᵀ`` side by side.
PAIR_LIMITS: tuple[tuple[int, int], ...] = ((9, 9), (4, 4), (3, 3))


ALL_ENTRIES = StepId("dZ1", StepKind.ALL_ENTRIES)
FOLD_FACTOR = StepId("dZ1", StepKind.FOLD_FACTOR)
TRANSPOSE = StepId("dZ1", StepKind.TRANSPOSE)
FOLD = StepId("dZ1", StepKind.FOLD)


class FoldSegment(Segment):
    """Stage 6 of the method: fold every entry back into one matrix expression."""

    target = "dZ1"
    step_ids = (ALL_ENTRIES, FOLD_FACTOR, TRANSPOSE, FOLD)
    #: ``dZ1.all_entries`` is the grid the fold starts from; TakePartials narrates it.
    narrated: ClassVar[tuple[StepId, ...]] = (FOLD_FACTOR, TRANSPOSE, FOLD)

    @classmethod
    def narrated_ids_for(cls, derivation: Derivation | None) -> tuple[StepId, ...]:
        """The factor, the transpose and the fold (see :attr:`narrated`)."""
        return cls.narrated

    #: The beats this segment plays, in order: the common factor, the transpose, the fold.
    #: The lecture plays them apart (:class:`FactorSegment`, then the network argument of
    #: ``TransposeSegment``, then :class:`FoldUpSegment`), so "why the transpose" is one
    #: argument and no step is shown twice.
    beats: tuple[str, ...] = ("factor", "transpose", "fold")

    def play(self) -> None:
        every, factor, transpose, fold = (self.step(i) for i in self.step_ids)
        equation_box, main_box = stack_boxes((0.55, 1.1, 5.9))[1:]
        upper_box, lower_box = stack_boxes((0.55, 1.1, 3.2, 2.6))[2:]
        factored_general: EquationTex | None = None
        product: ProductRow | None = None
        if "factor" in self.beats:
            factored_general, product = self.factor_beat(
                every, factor, fold, equation_box, main_box, upper_box
            )
        pair: MatrixRow | None = None
        sum_equation: EquationTex | None = None
        if "transpose" in self.beats:
            assert factored_general is not None
            pair, sum_equation = self.transpose_beat(
                transpose, factored_general, equation_box, lower_box
            )
        if "fold" in self.beats:
            if product is None:  # played on its own: the element-wise product comes back
                product = self.product_row(factor, fold, upper_box)
            self.fold_beat(
                fold,
                product,
                main_box,
                [m for m in (pair, sum_equation, factored_general) if m is not None],
            )

    def factor_beat(
        self,
        every: Step,
        factor: Step,
        fold: Step,
        equation_box: Box,
        main_box: Box,
        upper_box: Box,
    ) -> tuple[EquationTex, ProductRow]:
        """The common factor g' comes out of every entry, which becomes an element-wise
        product of the sums and the g' matrix."""
        self.begin_step(factor)
        general = EquationTex(every.equation, self.theme)
        fit_into(general, equation_box, self.theme)
        before = self.grid(every, main_box)
        self.scene.play(FadeIn(general), FadeIn(before), run_time=self.t(1.0))
        self.wait(self.t(1.0))
        factored_general = EquationTex(factor.equation, self.theme)
        fit_into(factored_general, equation_box, self.theme)
        after = self.grid(factor, main_box)
        self.scene.play(
            TransformMatchingTex(general, factored_general),
            *self.cellwise(before, after),
            run_time=self.t(2.0),
        )
        self.settle(after)
        self.wait(self.t(0.8))

        # ... and becomes an element-wise product
        product = self.product_row(factor, fold, upper_box)
        sums, gprimes = product.sums, product.gprimes
        moves = []
        for (r, c), cell in after.cells.items():
            if after.general or (sum_cell := sums.cell(r, c)) is None:
                continue
            gprime_cell = gprimes.cell(r, c)
            assert gprime_cell is not None, "the g' matrix shows the entries the sums show"
            moves.append(TransformMatchingTex(cell, VGroup(sum_cell, gprime_cell)))
        if moves:
            rest = [*sums.ellipses(), *gprimes.ellipses()]
            self.scene.play(
                *moves,
                *[FadeOut(m) for m in after.frame()],
                FadeIn(product.frame()),
                *[FadeIn(m) for m in rest],
                run_time=self.t(2.0),
            )
        else:
            self.scene.play(FadeOut(after), FadeIn(product), run_time=self.t(1.5))
        self.settle(product)
        self.end_step()
        return factored_general, product

    def transpose_beat(
        self, transpose: Step, factored_general: VMobject, equation_box: Box, lower_box: Box
    ) -> tuple[MatrixRow, EquationTex]:
        """The sums are rows of W[2]ᵀ times columns of dZ[2]."""
        self.begin_step(transpose)
        sum_equation = EquationTex(transpose.equation, self.theme)
        fit_into(sum_equation, equation_box, self.theme)
        pair = self.transpose_pair(transpose, lower_box)
        self.scene.play(
            ReplacementTransform(factored_general, sum_equation), FadeIn(pair), run_time=self.t(1.2)
        )
        self.pair_columns_with_rows(transpose, pair)
        self.end_step()
        return pair, sum_equation

    def fold_beat(
        self, fold: Step, product: ProductRow, main_box: Box, leaving: list[VMobject]
    ) -> None:
        """The grid collapses into the matrix formula, boxed."""
        self.begin_step(fold)
        if product not in self.scene.mobjects:
            self.scene.play(FadeIn(product), run_time=self.t(1.0))
            self.wait(self.t(0.8))
        final = EquationTex(fold.equation, self.theme)
        fit_into(final, main_box, self.theme, grow=1.6)  # the result, shown big
        pieces = self.formula_pieces(fold, product, final)
        leaving = [m for m in leaving if m in self.scene.mobjects]
        if leaving:
            self.scene.play(*[FadeOut(m) for m in leaving], run_time=self.t(0.6))
        self.scene.play(*pieces, run_time=self.t(2.0))
        box = SurroundingRectangle(final, color=self.theme.text, buff=0.25, corner_radius=0.1)
        self.scene.play(Create(box), run_time=self.t(1.0))
        self.end_step(pause=1.5)

    # ---------------------------------------------------------------- building

    def grid(self, step: Step, box: Box) -> MatrixView:
        """The step's entry grid (right sides), as detailed as legibility allows."""
        grid = step.grid
        assert grid is not None, f"step {step.id} has no entry grid"
        return fit_first(
            [partial(grid_view, grid, self.theme, limit=limit) for limit in LIMITS]
            + [partial(grid_view, grid, self.theme, side="general")],
            box,
            self.theme,
        )

    def product_row(self, factor: Step, fold: Step, box: Box) -> ProductRow:
        """``dZ = [the sums] ∗ [g′ entries]``, the g′ matrix taken from the fold step."""
        grid = factor.grid
        assert grid is not None, f"step {factor.id} has no entry grid"
        gprime = elementwise_factor(fold)
        star = fold.equation[_hadamard_index(fold.equation)]

        def build(limit: tuple[int, int] | None) -> ProductRow:
            if limit is None:  # the most compact: one general entry each
                sums = parts_view(
                    (1, 1),
                    lambda r, c: inside_parentheses(grid.general),
                    self.theme,
                    grid.label,
                    general=True,
                )
                gprimes = matrix_view(gprime, self.theme, with_label=False, general=True)
            else:
                sums = parts_view(
                    grid.shape,
                    lambda r, c: inside_parentheses(grid.cell(r, c).parts),
                    self.theme,
                    grid.label,
                    limit=limit,
                )
                gprimes = matrix_view(gprime, self.theme, limit=limit, with_label=False)
            return ProductRow(sums, EquationTex((star,), self.theme), gprimes)

        return fit_first([partial(build, limit) for limit in (*LIMITS, None)], box, self.theme)

    def cellwise(self, before: MatrixView, after: MatrixView) -> list[Animation]:
        """Each cell of ``before`` rearranges into the same cell of ``after``."""
        if before.general or after.general or set(before.cells) != set(after.cells):
            return [ReplacementTransform(before, after)]
        animations: list[Animation] = [
            ReplacementTransform(a, b) for a, b in zip(before.frame(), after.frame(), strict=True)
        ]
        animations += [
            TransformMatchingTex(before.cells[key], after.cells[key]) for key in before.cells
        ]
        dots_before, dots_after = before.ellipses(), after.ellipses()
        # the two matrices may show different numbers of dots: the spare ones simply stay
        animations += [
            ReplacementTransform(a, b) for a, b in zip(dots_before, dots_after, strict=False)
        ]
        return animations

    def transpose_pair(self, step: Step, box: Box) -> MatrixRow:
        """``W`` and ``Wᵀ`` side by side (the matrices the highlights pair up)."""
        names = []
        for left, right in step.highlights:
            for name in (left.matrix, right.matrix):
                if name not in names:
                    names.append(name)

        def build(limit: tuple[int, int]) -> MatrixRow:
            return MatrixRow(
                {n: matrix_view(step.matrix(n), self.theme, limit=limit) for n in names}, buff=1.0
            )

        return fit_first([partial(build, limit) for limit in PAIR_LIMITS], box, self.theme)

    def pair_columns_with_rows(self, step: Step, pair: MatrixRow) -> None:
        """Light up column ``i`` of ``W`` together with row ``i`` of ``Wᵀ``, for each ``i``."""
        views = pair.views
        shown = 0
        for left, right in step.highlights:
            bands = VGroup()
            for mark in (left, right):
                view = views[mark.matrix]
                index = mark.col if mark.col is not None else mark.row
                axis = view.cols if mark.col is not None else view.rows
                if index not in axis:
                    continue
                bands.add(
                    view.band(self.theme, row=mark.row)
                    if mark.row is not None
                    else view.band(self.theme, col=mark.col)
                )
            if len(bands) < 2:
                continue
            self.scene.play(Create(bands), run_time=self.t(0.7 if shown < 2 else 0.4))
            self.scene.play(FadeOut(bands), run_time=self.t(0.4 if shown < 2 else 0.2))
            shown += 1

    def formula_pieces(
        self, fold: Step, product: ProductRow, final_tex: EquationTex
    ) -> list[Animation]:
        """The sums become ``W[2]ᵀ dZ[2]``, the g′ matrix ``g′(Z[1])``: the final formula
        ``final_tex`` (built from ``fold.equation``)."""
        sums, star, gprimes = product.sums, product.operator, product.gprimes
        label = product.label
        lhs = split_at_equals(fold.equation)[0]
        star_at = _hadamard_index(final_tex.parts)
        pieces = final_tex.submobjects
        left = VGroup(*pieces[: len(lhs) + 1])
        matmul = VGroup(*pieces[len(lhs) + 1 : star_at])
        right = VGroup(*pieces[star_at + 1 :])
        return [
            ReplacementTransform(label, left),
            ReplacementTransform(VGroup(sums.matrix), matmul),
            ReplacementTransform(star, pieces[star_at]),
            ReplacementTransform(gprimes, right),
        ]


def _hadamard_index(parts: Parts) -> int:
    index = index_of(parts, Role.HADAMARD)
    if index is None:
        raise ValueError(
            "the folded formula has no element-wise product: "
            + " ".join(part.tex for part in parts)
        )
    return index


def elementwise_factor(fold: Step) -> MatrixDisplay:
    """The matrix the fold's element-wise product multiplies by (``g′(Z[1])``): the one the
    part after the ``∗`` is coloured like."""
    right = fold.equation[_hadamard_index(fold.equation) + 1]
    return next(m for m in fold.matrices if m.symbol == right.symbol)


class ProductRow(VGroup):
    """An element-wise product of two matrix views, ``sums ∗ gprimes``, left to right:
    ``operator`` is the ``∗`` and ``label`` the label of ``sums`` (``dZ =``)."""

    def __init__(self, sums: MatrixView, operator: EquationTex, gprimes: MatrixView) -> None:
        if sums.label is None:
            raise ValueError("the sums of a ProductRow need their label (dZ =)")
        super().__init__(sums, operator, gprimes)
        self.arrange(RIGHT, buff=0.3)
        self.sums, self.operator, self.gprimes = sums, operator, gprimes
        self.label: EquationTex = sums.label

    def frame(self) -> VGroup:
        """What stays when the entries move: the label, both pairs of brackets and the ``∗``."""
        return VGroup(*self.sums.frame(), self.operator, self.gprimes.matrix.get_brackets())


class FactorSegment(FoldSegment):
    """The lecture's first fold beat: g' comes out of every entry."""

    step_ids = (ALL_ENTRIES, FOLD_FACTOR, TRANSPOSE, FOLD)
    narrated = (FOLD_FACTOR,)
    beats = ("factor",)


class FoldUpSegment(FoldSegment):
    """The lecture's last fold beat, after the transpose is explained: the grid collapses
    into ``dZ[1] = W[2]ᵀ dZ[2] ∗ g'(Z[1])``."""

    step_ids = (ALL_ENTRIES, FOLD_FACTOR, TRANSPOSE, FOLD)
    narrated = (FOLD,)
    beats = ("fold",)


class FoldBack(SegmentScene):
    """Stage 6 of the method: fold every entry back into one matrix expression."""

    segment = FoldSegment
    target = FoldSegment.target
    step_ids = FoldSegment.step_ids


__all__ = ["FactorSegment", "FoldBack", "FoldSegment", "FoldUpSegment"]
