"""ExpandToScalars: tiny matrices, every product expanded into a sum of scalars.

``W[l+1]`` and ``A[l]`` appear with their scalar entries. For each entry of ``Z[l+1]`` the row
of ``W[l+1]`` and the column of ``A[l]`` that make it light up, the scalar sum is written, and
it flies into its slot of the result. Then ``A[l] = g(Z[l])`` acts entry by entry.

Render with ``manim -ql scenes/expand.py ExpandToScalars``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from manim import (
    DOWN,
    UP,
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ScaleInPlace,
    VGroup,
    VMobject,
    there_and_back,
)

from derivations.steps import Step
from derivations.vocabulary import StepId, StepKind
from scenes.equations import EquationTex
from scenes.layout import Box, fit_first, fit_into, stack_boxes
from scenes.matrices import (
    MatrixRow,
    MatrixView,
    grid_view,
    highlight_bands,
    matrix_view,
    regroup,
    reveal,
)
from scenes.segment import Segment, SegmentScene

#: The factor matrices, alone on screen in the first step, are drawn up to this much larger
#: than in their band (where the expansion needs them later).
ALONE_GROWTH = 1.6
#: Most detailed to most compact presentation of the matrices.
LIMITS = ((9, 9), (4, 4), (3, 3))
#: How many entries are expanded slowly before the rest are filled in quickly.
DETAILED_ENTRIES = 1
#: The quickest an entry is filled in (seconds, bands and sum): faster than this and the eye
#: cannot follow which row and column make it.
FASTEST_FILL = 0.45


def swap(old: VMobject, new: VMobject) -> AnimationGroup:
    """``old`` leaves upwards, then ``new`` comes in from below: one after the other, so no
    frame shows two formulas overlaid."""
    return AnimationGroup(
        FadeOut(old, shift=0.25 * UP), FadeIn(new, shift=0.25 * UP), lag_ratio=1.0
    )


def fill_seconds(available: float, entries: int, nominal: float) -> float:
    """How long each of ``entries`` quick fills takes so that all of them fit into
    ``available`` seconds (the rest of the sentence that narrates them): at most ``nominal``,
    at least :data:`FASTEST_FILL`.

    >>> fill_seconds(3.0, 3, 0.7), fill_seconds(6.0, 2, 0.7), fill_seconds(1.0, 9, 0.7)
    (0.7, 0.7, 0.45)
    >>> fill_seconds(2.7, 5, 0.7)
    0.54
    """
    if entries == 0:
        return nominal
    return round(max(FASTEST_FILL, min(nominal, available / entries)), 6)


class ExpandSegment(Segment):
    """Stage 3 of the method: expand ``Z[2] = W[2] A[1] + b[2]`` and ``A[1] = g(Z[1])``."""

    target = "dZ1"
    step_ids = (
        StepId("dZ1", StepKind.CONCRETE),
        StepId("dZ1", StepKind.EXPAND),
        StepId("dZ1", StepKind.ACTIVATE),
    )

    def play(self) -> None:
        concrete, expand, activate = (self.step(i) for i in self.step_ids)
        equation_box, matrices_box, work_box, result_box = self.bands()

        # -- the tiny matrices
        self.begin_step(concrete)
        equation = EquationTex(concrete.equation, self.theme)
        fit_into(equation, equation_box, self.theme)
        views = self.factor_views(concrete, expand, matrices_box)
        # alone on screen for now: shown large in the whole body, then moved to their band
        factors = VGroup(*views.values())
        place, width = factors.get_center(), factors.width
        whole = Box(
            (matrices_box.center[0], (matrices_box.top + result_box.bottom) / 2),
            matrices_box.width,
            matrices_box.top - result_box.bottom,
        )
        fit_into(factors, whole, self.theme, grow=ALONE_GROWTH)
        self.scene.play(reveal(equation), run_time=self.t(1.2))
        self.scene.play(
            LaggedStart(*[FadeIn(v) for v in views.values()], lag_ratio=0.4), run_time=self.t(1.5)
        )
        self.end_step()

        # -- every entry of the product as a scalar sum: the first one slowly while the
        # first sentence says what an entry is, the others under the second sentence
        self.begin_step(expand)
        self.scene.play(
            factors.animate.scale(width / factors.width).move_to(place), run_time=self.t(0.6)
        )
        general = EquationTex(expand.equation, self.theme)
        fit_into(general, work_box, self.theme)
        result = fit_first(self.result_builders(expand), result_box, self.theme)
        self.scene.play(
            FadeIn(general, shift=0.2 * DOWN), FadeIn(result.frame()), run_time=self.t(0.8)
        )
        shown = [(r, c) for r in result.rows if r is not None for c in result.cols if c is not None]
        detailed, rest = shown[:DETAILED_ENTRIES], shown[DETAILED_ENTRIES:]
        work: VMobject = general
        for row, col in detailed:
            work = self.expand_entry(expand, row, col, views, result, work, work_box)
        # "That is a plain sum of products of scalars": the other entries follow the general
        # formula, which comes back, so a lit row and column never sit beside another entry's sum
        self.wait_for_sentence(1)
        if rest:
            self.scene.play(swap(work, general), run_time=self.t(0.6))
        seconds = fill_seconds(self.until_sentence(2), len(rest), self.t(0.7))
        for row, col in rest:
            self.fill_entry(expand, row, col, views, result, seconds)
        self.settle(result)
        self.end_step()

        # -- the activation acts entry by entry
        self.begin_step(activate)
        self.clear_body()
        self.show_activation(concrete, activate, equation_box)
        self.end_step(pause=1.0)

    # ---------------------------------------------------------------- layout

    def bands(self) -> list[Box]:
        """Equation, factor matrices, the entry being expanded, and the result."""
        return stack_boxes((0.55, 0.9, 2.6, 0.9, 2.6))[1:]

    def factor_views(self, concrete: Step, expand: Step, box: Box) -> dict[str, MatrixView]:
        """The matrices the expanded entries are made of (``W2``, ``A1``, ``b2``: the sources of
        the grid's cells), side by side, in their most detailed legible presentation."""
        sources = [h.matrix for h in expand.grid.cells[0].sources] if expand.grid else []
        names = [n for n in sources if n in {m.name for m in concrete.matrices}]

        def build(limit: tuple[int, int]) -> MatrixRow:
            return MatrixRow(
                {
                    name: matrix_view(concrete.matrix(name), self.theme, limit=limit)
                    for name in names
                }
            )

        return fit_first([partial(build, limit) for limit in LIMITS], box, self.theme).views

    def result_builders(self, expand: Step) -> list[Callable[[], MatrixView]]:
        """From the most detailed result grid to the most compact."""
        grid = expand.grid
        assert grid is not None, f"step {expand.id} has no entry grid"
        return [
            partial(grid_view, grid, self.theme, side=side, limit=limit)
            for side, limit in (("rhs", (9, 9)), ("rhs", (3, 3)), ("lhs", (9, 9)), ("lhs", (3, 3)))
        ]

    # ---------------------------------------------------------------- choreography

    def source_bands(self, step: Step, row: int, col: int, views: dict[str, MatrixView]) -> VGroup:
        """Highlight bands on the row, column and bias entry that entry ``(row, col)`` of the
        result is made from (those of them the views show)."""
        assert step.grid is not None, f"step {step.id} has no entry grid"
        cell = step.grid.cell(row, col)
        bands = VGroup()
        for source in cell.sources:
            view = views.get(source.matrix)
            if view is None:
                continue
            bands.add(
                view.band(self.theme, row=source.row)
                if source.row is not None
                else view.band(self.theme, col=source.col)
            )
        return bands

    def expand_entry(
        self,
        step: Step,
        row: int,
        col: int,
        views: dict[str, MatrixView],
        result: MatrixView,
        work: VMobject,
        work_box: Box,
    ) -> VMobject:
        """Light up the sources of entry ``(row, col)``, write its scalar sum, fly it into place.

        Returns the mobject now in the work line (nothing: the sum itself moved into its slot).
        """
        assert step.grid is not None, f"step {step.id} has no entry grid"
        cell = step.grid.cell(row, col)
        bands = self.source_bands(step, row, col, views)
        sum_tex = EquationTex(cell.parts, self.theme)
        fit_into(sum_tex, work_box, self.theme)
        target = result.cell(row, col)
        assert target is not None, f"entry ({row}, {col}) of {result.name} is not shown"
        self.scene.play(Create(bands), run_time=self.t(0.6))
        self.scene.play(swap(work, sum_tex), run_time=self.t(0.9))
        # the sum itself moves into the slot, its left side fading first: the same glyphs,
        # and no copy is left behind to overlap the one that leaves
        self.scene.play(
            *regroup(sum_tex.pieces(), target.pieces()), FadeOut(bands), run_time=self.t(0.9)
        )
        return VGroup()

    def fill_entry(
        self,
        step: Step,
        row: int,
        col: int,
        views: dict[str, MatrixView],
        result: MatrixView,
        seconds: float,
    ) -> None:
        """The quick version of :meth:`expand_entry` for the entries after the first few:
        light up the sources of ``(row, col)`` while its sum appears in its slot, in
        ``seconds`` in all."""
        bands = self.source_bands(step, row, col, views)
        target = result.cell(row, col)
        assert target is not None, f"entry ({row}, {col}) of {result.name} is not shown"
        self.scene.play(FadeIn(bands), FadeIn(target, scale=0.8), run_time=0.7 * seconds)
        self.scene.play(FadeOut(bands), run_time=0.3 * seconds)

    def show_activation(self, concrete: Step, activate: Step, box: Box) -> None:
        """``Z[l]`` entry by entry, each entry becoming ``g(z)`` in ``A[l]``."""
        grid = activate.grid
        assert grid is not None, f"step {activate.id} has no entry grid"
        equation = EquationTex(activate.equation, self.theme)
        fit_into(equation, box, self.theme)
        z_name = next(h.matrix for h in grid.cells[0].sources)
        body = stack_boxes((0.55, 0.9, 6.1))[2]

        def build(limit: tuple[int, int]) -> MatrixRow:
            return MatrixRow(
                {
                    "Z": matrix_view(concrete.matrix(z_name), self.theme, limit=limit),
                    "A": grid_view(grid, self.theme, limit=limit),
                },
                buff=1.2,
            )

        pair = fit_first([partial(build, limit) for limit in LIMITS], body, self.theme)
        z_view, a_view = pair.views["Z"], pair.views["A"]
        self.scene.play(reveal(equation), run_time=self.t(1.0))
        self.scene.play(
            FadeIn(z_view),
            FadeIn(a_view.frame()),
            run_time=self.t(0.8),
        )
        # each g(z) fades in in its own slot while its z pulses: nothing travels across the
        # other entries, and no two glyphs are ever overlaid
        moves = [
            AnimationGroup(
                ScaleInPlace(source, 1.2, rate_func=there_and_back),
                FadeIn(target, scale=0.85),
            )
            for (r, c), target in a_view.cells.items()
            if (source := z_view.cell(r, c)) is not None
        ]
        dots = a_view.ellipses()
        self.scene.play(
            LaggedStart(*moves, lag_ratio=0.3), *[FadeIn(d) for d in dots], run_time=self.t(2.0)
        )
        # "so a_ij depends on z_ij and on nothing else": one pair, lit together
        self.wait_for_sentence(1)
        pair_cells = [z_view.cell(0, 0), a_view.cell(0, 0)]
        bands = highlight_bands([m for m in pair_cells if m is not None], self.theme)
        self.scene.play(Create(bands), run_time=self.t(0.6))
        self.scene.add(bands)
        self.settle(a_view)


class ExpandToScalars(SegmentScene):
    """Stage 3 of the method: expand ``Z[2] = W[2] A[1] + b[2]`` and ``A[1] = g(Z[1])``."""

    segment = ExpandSegment
    target = ExpandSegment.target
    step_ids = ExpandSegment.step_ids


__all__ = ["ExpandSegment", "ExpandToScalars"]
