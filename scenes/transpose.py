"""WhyTranspose: the sum runs down a column of ``W[2]``, which is a row of ``W[2]ᵀ``.

The step ``dZ1.transpose`` states ``Σ_k w_ki dz_kj = (W[2]ᵀ dZ[2])_ij``. The scene lights up
column ``i`` of ``W[2]`` (where the index ``k`` of the sum runs), then transposes the matrix in
front of the viewer: every entry flies from its slot ``(k, i)`` to the slot ``(i, k)`` of
``W[2]ᵀ``, column by column, each highlighted column becoming a highlighted row. Finally that row
meets column ``j`` of ``dZ[2]`` and both fly into the sum they make.

Render with ``manim -ql scenes/transpose.py WhyTranspose``.
"""

from __future__ import annotations

from manim import (
    DOWN,
    PI,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    LaggedStart,
    ReplacementTransform,
    TransformFromCopy,
    VGroup,
    VMobject,
    Write,
)

from derivations.steps import Highlight, Step
from derivations.vocabulary import Role, StepId, StepKind, index_of

from scenes.build import Box, MatrixView, equation_tex, fit_first, fit_into, matrix_view, part_of
from scenes.build import stack_boxes
from scenes.segment import Segment, SegmentScene

#: Small matrices are drawn up to this much larger than entry size; the equation is larger
#: than body text: they are what this scene is about.
MAX_GROWTH = 1.35
HERO_SCALE = 1.2
#: Most detailed to most compact presentation of the three matrices.
LIMITS = ((9, 9), (4, 4), (3, 3))
#: The step this scene shows.
TRANSPOSE = StepId("dZ1", StepKind.TRANSPOSE)


class TransposeSegment(Segment):
    """The transposition of ``W[l+1]``, animated entry by entry (step ``dZ1.transpose``)."""

    step_ids = (TRANSPOSE,)

    def play(self) -> None:
        step = self.begin_step(self.step(TRANSPOSE))
        equation_box, body_box = self.bands()
        pairs = step.highlights
        source_name, target_name = pairs[0][0].matrix, pairs[0][1].matrix
        other_name = next(m.name for m in step.matrices
                          if m.name not in (source_name, target_name))

        equation = equation_tex(step.equation, self.theme, HERO_SCALE * self.theme.body_size)
        fit_into(equation, equation_box, self.theme)
        row = fit_first([lambda limit=limit: self.matrices(step, limit, source_name,
                                                           target_name, other_name)
                         for limit in LIMITS], body_box, self.theme)
        grow = min(body_box.width / row.width, body_box.height / row.height, MAX_GROWTH)
        if grow > 1:
            row.scale(grow)
        source, target, other = row.views  # type: ignore[attr-defined]

        self.scene.play(Write(equation), run_time=self.t(1.2))
        self.scene.play(FadeIn(source), run_time=self.t(0.8))

        # -- the index of the sum runs down a column of the source
        first_source, first_target = pairs[0]
        band = source.band(self.theme, col=first_source.col)
        arrow = self.down_arrow(band, self.theme.text)
        summand = part_of(equation, self.summand_part(step, source_name))
        self.scene.play(Create(band), GrowArrow(arrow),
                        Indicate(summand, scale_factor=1.15, color=self.theme.highlight),
                        run_time=self.t(1.2))
        self.wait(self.t(0.6))

        # -- the transposition: entry (k, i) flies to (i, k), each column becomes a row
        shell = VGroup(target.label, target.matrix.get_brackets())
        self.scene.play(FadeIn(shell), FadeOut(arrow), run_time=self.t(0.6))
        target_band = target.band(self.theme, row=first_target.row)
        self.scene.play(*self.column_to_row(source, target, first_source),
                        ReplacementTransform(band, target_band), run_time=self.t(1.8))
        rest = [pair for pair in pairs[1:] if pair[0].col in source.cols]
        if rest:
            self.scene.play(LaggedStart(*[
                anim for pair in rest for anim in self.column_to_row(source, target, pair[0])],
                lag_ratio=0.15), run_time=self.t(2.0))
        dots = [m for m in target.matrix.get_entries() if m not in target.cells.values()]
        if dots:
            self.scene.play(*[FadeIn(d) for d in dots], run_time=self.t(0.4))
        self.scene.settle(target)
        self.wait(self.t(0.5))

        # -- the row of the transpose meets a column of the other factor
        other_band = other.band(self.theme, col=0)
        self.scene.play(source.animate.set_opacity(0.35), FadeIn(other),
                        run_time=self.t(0.8))
        self.scene.play(Create(other_band), run_time=self.t(0.6))
        row_entries = target.row_mobjects(first_target.row)
        column_entries = other.col_mobjects(0)
        other_part = next(p.name for p in step.equation if p.symbol == other.symbol
                          and p.name != other_name)
        landing = VGroup(summand.copy(), part_of(equation, other_part).copy())
        self.scene.play(TransformFromCopy(row_entries, landing[0]),
                        TransformFromCopy(column_entries, landing[1]), run_time=self.t(1.5))
        self.scene.remove(*landing)
        result = VGroup(*equation.submobjects[self.equals_index(step) + 1:])
        self.scene.play(Indicate(result, scale_factor=1.1, color=self.theme.highlight),
                        run_time=self.t(1.0))
        self.end_step(pause=1.0)

    # ---------------------------------------------------------------- layout

    @staticmethod
    def bands() -> tuple[Box, Box]:
        """The equation band and the matrices band, below the title."""
        equation, body = stack_boxes((0.55, 1.5, 5.4))[1:]
        return equation, Box(body.center, body.width - 0.6, body.height)

    def matrices(self, step: Step, limit: tuple[int, int], *names: str) -> VGroup:
        """The three matrices side by side at one level of detail; ``.views`` lists them."""
        views = [matrix_view(step.matrix(name), self.theme, limit=limit) for name in names]
        for view, name in zip(views, names, strict=True):
            view.symbol = step.matrix(name).symbol  # type: ignore[attr-defined]
        row = VGroup(*views).arrange(RIGHT, buff=0.6)
        row.views = views  # type: ignore[attr-defined]
        return row

    @staticmethod
    def summand_part(step: Step, source_name: str) -> str:
        """The equation part that is the general entry of the transposed matrix (``w_ki``)."""
        general = step.matrix(source_name).general_entry.name
        names = [part.name for part in step.equation]
        return general if general in names else next(
            p.name for p in step.equation if p.symbol == step.matrix(source_name).symbol)

    @staticmethod
    def equals_index(step: Step) -> int:
        """Index (among non-empty parts) of the equation's ``=``."""
        kept = tuple(part for part in step.equation if part.tex)
        index = index_of(kept, Role.EQUALS)
        if index is None:
            raise ValueError(f"step {step.id} has no '=' in its equation")
        return index

    @staticmethod
    def down_arrow(band: VMobject, colour: str) -> Arrow:
        """An arrow beside ``band``, pointing down it: the direction the index runs."""
        arrow = Arrow(band.get_corner(UP + RIGHT), band.get_corner(DOWN + RIGHT), buff=0.05,
                      color=colour, stroke_width=5, max_tip_length_to_length_ratio=0.2)
        return arrow.next_to(band, RIGHT, buff=0.08)

    def column_to_row(self, source: MatrixView, target: MatrixView, column: Highlight
                      ) -> list[TransformFromCopy]:
        """Entry ``(k, i)`` of column ``i`` of ``source`` flies to slot ``(i, k)`` of
        ``target``, along an arc."""
        assert column.col is not None
        moves = []
        for k in source.rows:
            if k is None:
                continue
            cell, slot = source.cell(k, column.col), target.cell(column.col, k)
            if cell is not None and slot is not None:
                moves.append(TransformFromCopy(cell, slot, path_arc=-PI / 3))
        return moves


class WhyTranspose(SegmentScene):
    """Where the ``T`` comes from: a column of ``W[2]`` is a row of ``W[2]ᵀ``."""

    segment = TransposeSegment
    step_ids = TransposeSegment.step_ids


__all__ = ["TransposeSegment", "WhyTranspose"]
