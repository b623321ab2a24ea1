"""WhyTranspose: one unbroken argument for the ``T`` in ``dZ[1] = W[2]ᵀ dZ[2] ∗ g′(Z[1])``.

Two steps, played without a break: the picture, then the proof, which alone concludes.

1. ``dZ1.backward`` — the network again, run backwards: the gradients ``dz[2]_kj`` sit at the
   output units, a pulse runs back along each edge leaving hidden unit ``i`` (the edges light
   up and show their weights ``w[2]_1i, w[2]_2i, …``), the equation of what the unit collects
   is assembled from those labels, and the same weights land in ``W[2]``: column ``i``,
   highlighted as it fills.
2. ``dZ1.transpose`` — the index sum, each beat under the sentence that says it: ``W[2]``
   takes its place in a row of matrices and the index ``k`` runs down column ``i`` ("k runs
   down column i"); the shell of ``W[2]ᵀ`` and ``dZ[2]`` appear, the row the product needs
   marked on the left factor ("takes a row"); column ``i`` is laid down, entry by entry, as
   row ``i`` of ``W[2]ᵀ``, the other columns after it ("Laid on its side"); row ``i`` of
   ``W[2]ᵀ`` meets column ``j`` of ``dZ[2]`` and both fly into the sum, which is entry
   ``(i, j)`` of ``W[2]ᵀ dZ[2]`` ("So the sum is").

Render with ``chainrule render WhyTranspose -q l --no-voice``.
"""

from __future__ import annotations

from functools import partial

from manim import (
    DOWN,
    LEFT,
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
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    VMobject,
    Write,
)

from derivations.sequence_network import LAYER, weight_part
from derivations.steps import Highlight, Step
from derivations.vocabulary import Role, StepId, StepKind, index_of
from scenes.equations import EquationTex
from scenes.layout import Box, fit_first, fit_into, stack_boxes
from scenes.matrices import MatrixRow, MatrixView, matrix_view
from scenes.network import NetworkPicture, backward_pulses, network_picture
from scenes.segment import Segment, SegmentScene

#: Clear space kept between the index arrow and the entries beside it (scene units): its
#: stroke (5) reaches about 0.03 beyond its outline, and a visible gap remains.
ARROW_CLEARANCE = 0.08

#: Small matrices are drawn up to this much larger than entry size; the equation is larger
#: than body text: they are what this scene is about.
MAX_GROWTH = 1.35
HERO_SCALE = 1.2
#: Most detailed to most compact presentation of the three matrices.
LIMITS = ((9, 9), (4, 4), (3, 3))
#: The gap between matrices when even the most compact views at the usual gap are too wide.
TIGHT = 0.3
#: The steps this scene shows, in order.
BACKWARD = StepId("dZ1", StepKind.BACKWARD)
TRANSPOSE = StepId("dZ1", StepKind.TRANSPOSE)
#: The words of ``dZ1.transpose``'s sentences its beats wait for (see the module docstring).
RUNS_DOWN, TAKES_A_ROW, LAID_DOWN, THE_SUM_IS = (
    "runs down column",
    "takes a row",
    "Laid on its side",
    "So the sum is",
)
#: The top of the band at the bottom of the frame left to subtitles (scene units).
SUBTITLE_TOP = -2.9
#: Room right of the network for the gradient tags ``dz_kj`` (scene units).
TAG_ROOM = 1.2
#: Share of the body's width the network takes in the first step (the matrix takes the rest).
NETWORK_SHARE = 0.6


class TransposeSegment(Segment):
    """Why the transpose, unbroken: backwards along the edges (``dZ1.backward``, the picture),
    then the index sum (``dZ1.transpose``, the proof: the column laid down as a row)."""

    step_ids = (BACKWARD, TRANSPOSE)

    def play(self) -> None:
        backward, transpose = (self.step(i) for i in self.step_ids)
        equation_box, body_box = self.bands()
        ((column, row),) = backward.highlights
        source_name, target_name = column.matrix, row.matrix
        other_name = next(
            m.name for m in transpose.matrices if m.name not in (source_name, target_name)
        )
        names = (source_name, target_name, other_name)
        views = fit_first(
            [
                *[partial(self.matrices, transpose, limit, *names) for limit in LIMITS],
                partial(self.matrices, transpose, LIMITS[-1], *names, buff=TIGHT),
            ],
            body_box,
            self.theme,
        )
        grow = min(body_box.width / views.width, body_box.height / views.height, MAX_GROWTH)
        if grow > 1:
            views.scale(grow)
        views.move_to(UP * (body_box.top + SUBTITLE_TOP) / 2)  # clear of the subtitles
        source, target, other = (views.views[name] for name in names)
        unit = column.col
        assert unit is not None, f"step {backward.id} highlights no column"

        equation, side, band = self.play_backward(backward, unit, source, equation_box, body_box)
        self.play_index_sum(
            transpose, unit, (equation, side, band), source, target, other, equation_box
        )

    # ---------------------------------------------------------------- 1. backwards

    def play_backward(
        self, step: Step, unit: int, source: MatrixView, equation_box: Box, body_box: Box
    ) -> tuple[EquationTex, MatrixView, SurroundingRectangle]:
        """The network run backwards into hidden unit ``unit``; returns the equation, the
        matrix ``W`` beside the network, and the band on its column."""
        self.begin_step(step)
        network_box, matrix_box = self.side_by_side(body_box)
        layer = LAYER  # the hidden layer whose unit collects (W[layer + 1] is `source`)
        room = Box(
            (network_box.center[0] - TAG_ROOM / 2, network_box.center[1]),
            network_box.width - TAG_ROOM,
            network_box.height,
        )  # the tags go right
        picture = network_picture(
            self.scene.spec, self.theme, room, focus=(layer, unit), labels="focus", upto=layer + 1
        )
        labels = VGroup(*picture.labels.values())
        picture.remove(*labels)
        self.scene.play(FadeIn(picture), run_time=self.t(0.8))

        # the gradient dz[l+1]_kj waits at unit k of the next layer
        tags = self.gradient_tags(step, picture, layer + 1)
        self.scene.play(
            LaggedStart(*[FadeIn(tag, shift=0.2 * LEFT) for tag in tags], lag_ratio=0.2),
            run_time=self.t(0.9),
        )

        # ... and runs back along the edges leaving the unit, which show their weights
        keys = picture.leaving(layer, unit)
        self.scene.play(
            *backward_pulses(picture, keys, self.theme),
            LaggedStart(*[FadeIn(picture.labels[key]) for key in keys], lag_ratio=0.2),
            run_time=self.t(1.6),
        )
        picture.add(*labels)
        self.scene.settle(picture)

        # what the unit collects, assembled from the labels on the edges
        equation = EquationTex(step.equation, self.theme, HERO_SCALE * self.theme.body_size)
        fit_into(equation, equation_box, self.theme)
        moves = []
        for key, tag in zip(keys, tags, strict=True):
            weight = equation.part(weight_part(key[0], key[1:]).name)
            moves += [
                TransformFromCopy(picture.labels[key].tex, weight),
                TransformFromCopy(tag, self.tag_part(equation, tag)),
            ]
        flown = {id(m.mobject) for m in moves}  # TransformFromCopy animates its target
        rest = [m for m in equation.submobjects if id(m) not in flown]
        self.scene.play(*moves, FadeIn(VGroup(*rest)), run_time=self.t(1.6))
        self.scene.settle(equation)

        # the same weights are column `unit` of W, lit as it fills
        side = matrix_view(step.matrix(source.name), self.theme, limit=source.limit)
        fit_into(side, matrix_box, self.theme, grow=True)
        side.scale(
            min(
                1.0,
                MAX_GROWTH * self.theme.entry_size / max(m.font_size for m in side.cells.values()),
            )
        )
        side.move_to(matrix_box.point())
        cells = [side.cell(k, unit) for _, k, _ in keys]
        shown = [c for c in cells if c is not None]
        self.scene.play(
            *[FadeIn(m) for m in side.frame()],
            *[FadeIn(m) for m in side.matrix.get_entries() if m not in shown],
            run_time=self.t(0.8),
        )
        band = side.band(self.theme, col=unit)
        fills = [
            TransformFromCopy(picture.labels[key].tex, cell)
            for key, cell in zip(keys, cells, strict=True)
            if cell is not None
        ]
        self.scene.play(
            Create(band),
            *fills,
            *[Indicate(picture.edges[key], color=self.theme.highlight) for key in keys],
            run_time=self.t(1.6),
        )
        self.scene.settle(side)
        self.end_step(pause=1.0)
        self._network = VGroup(picture, *tags)
        return equation, side, band

    def gradient_tags(self, step: Step, picture: NetworkPicture, layer: int) -> list[EquationTex]:
        """``dz^{[l]}_{kj}`` beside unit ``k`` of ``layer``: the equation's upstream parts."""
        symbol = f"dZ{layer}"
        parts = [p for p in step.equation if p.symbol == symbol]
        tags = []
        for k, part in enumerate(parts):
            tag = EquationTex((part,), self.theme, self.theme.entry_size)
            tag.next_to(picture.circle(layer, k), RIGHT, buff=0.15)
            tags.append(tag)
        return tags

    @staticmethod
    def tag_part(equation: EquationTex, tag: EquationTex) -> VMobject:
        """The part of ``equation`` with the same TeX part as ``tag``."""
        return equation.part(tag.parts[0].name)

    # ---------------------------------------------------------------- 2. the index sum

    def play_index_sum(
        self,
        step: Step,
        unit: int,
        before: tuple[VMobject, MatrixView, SurroundingRectangle],
        source: MatrixView,
        target: MatrixView,
        other: MatrixView,
        equation_box: Box,
    ) -> None:
        """The proof, narrated: ``k`` runs down column ``unit`` of ``W``; a product takes a
        row of its left factor; the column laid down is that row of ``Wᵀ`` (the other columns
        follow); the row meets a column of ``dZ`` in the sum. ``before`` is what the backward
        step left: its equation, ``W`` beside the network and the band on its column."""
        self.begin_step(step)
        previous, side, band = before
        equation = EquationTex(step.equation, self.theme, HERO_SCALE * self.theme.body_size)
        fit_into(equation, equation_box, self.theme)
        pairs = step.highlights
        first_source, first_target = pairs[0]
        assert first_source.col == unit, f"step {step.id} does not lay column {unit} first"
        source_band = source.band(self.theme, col=unit)
        self.scene.play(
            FadeOut(self._network),
            FadeOut(previous),
            ReplacementTransform(side, source),
            ReplacementTransform(band, source_band),
            run_time=self.t(1.0),
        )
        self.scene.play(Write(equation), run_time=self.t(1.0))

        # "k runs down column i": the index of the sum runs down the highlighted column
        self.scene.wait_for_words(RUNS_DOWN)
        left = unit == source.cols[-1] and len(source.cols) > 1
        arrow = self.down_arrow(
            source_band,
            self.theme.text,
            left=left,
            beside=source.matrix.get_columns()[-2] if left else None,
        )
        summand = equation.part(self.summand_part(step, source.name))
        self.scene.play(
            GrowArrow(arrow),
            Indicate(source_band, color=self.theme.highlight),
            Indicate(summand, scale_factor=1.15, color=self.theme.highlight),
            run_time=self.t(1.2),
        )

        # "takes a row of its left factor, not a column": the product's right factor comes,
        # its column marked; the column of W lit again, the wrong direction for a left factor
        self.scene.wait_for_words(TAKES_A_ROW)
        other_band = other.band(self.theme, col=0)
        self.scene.play(FadeIn(other), run_time=self.t(0.8))
        self.scene.play(
            Create(other_band),
            Indicate(source_band, color=self.theme.highlight),
            run_time=self.t(0.8),
        )

        # "Laid on its side": W's transpose comes with that column laid down as its row (never
        # an empty bracket on screen for long); the other columns follow
        self.scene.wait_for_words(LAID_DOWN)
        assert first_target.row is not None, f"step {step.id} pairs a column with no row"
        target_band = target.band(self.theme, row=first_target.row)
        self.scene.play(
            FadeIn(target.frame()),
            *self.column_to_row(source, target, first_source),
            ReplacementTransform(source_band.copy(), target_band),
            run_time=self.t(2.0),
        )
        rest = [pair for pair in pairs[1:] if pair[0].col in source.cols]
        if rest:
            self.scene.play(
                LaggedStart(
                    *[
                        anim
                        for pair in rest
                        for anim in self.column_to_row(source, target, pair[0])
                    ],
                    lag_ratio=0.15,
                ),
                run_time=self.t(1.6),
            )
        dots = target.ellipses()
        if dots:
            self.scene.play(*[FadeIn(d) for d in dots], run_time=self.t(0.4))
        self.scene.settle(target)

        # "So the sum is entry (i, j)": the row meets the column in the sum
        self.scene.wait_for_words(THE_SUM_IS)
        row_entries = target.row_mobjects(first_target.row)
        column_entries = other.col_mobjects(0)
        other_part = next(
            p.name for p in step.equation if p.symbol == other.symbol and p.name != other.name
        )
        landing = VGroup(summand.copy(), equation.part(other_part).copy())
        self.scene.play(
            TransformFromCopy(row_entries, landing[0]),
            TransformFromCopy(column_entries, landing[1]),
            run_time=self.t(1.5),
        )
        self.scene.remove(*landing)
        result = VGroup(*equation.submobjects[self.equals_index(step) + 1 :])
        self.scene.play(
            Indicate(result, scale_factor=1.1, color=self.theme.highlight), run_time=self.t(1.0)
        )
        self.end_step(pause=1.5)

    # ---------------------------------------------------------------- layout

    @staticmethod
    def bands() -> tuple[Box, Box]:
        """The equation band and the matrices band, below the title."""
        equation, body = stack_boxes((0.55, 1.5, 5.4))[1:]
        return equation, Box(body.center, body.width - 0.6, body.height)

    @staticmethod
    def side_by_side(body: Box) -> tuple[Box, Box]:
        """The network's box (left, :data:`NETWORK_SHARE` of ``body``) and the matrix's box."""
        left = body.center[0] - body.width / 2
        network_width = NETWORK_SHARE * body.width
        matrix_width = body.width - network_width - 0.3
        return (
            Box((left + network_width / 2, body.center[1]), network_width, body.height),
            Box(
                (left + network_width + 0.3 + matrix_width / 2, body.center[1]),
                matrix_width,
                body.height,
            ),
        )

    def matrices(
        self, step: Step, limit: tuple[int, int], *names: str, buff: float = 0.6
    ) -> MatrixRow:
        """The three matrices side by side at one level of detail, by name, ``buff`` apart."""
        return MatrixRow(
            {name: matrix_view(step.matrix(name), self.theme, limit=limit) for name in names},
            buff=buff,
        )

    @staticmethod
    def summand_part(step: Step, source_name: str) -> str:
        """The equation part that is the general entry of the transposed matrix (``w_ki``)."""
        general = step.matrix(source_name).general_entry.name
        names = [part.name for part in step.equation]
        return (
            general
            if general in names
            else next(p.name for p in step.equation if p.symbol == step.matrix(source_name).symbol)
        )

    @staticmethod
    def equals_index(step: Step) -> int:
        """Index (among non-empty parts) of the equation's ``=``."""
        kept = tuple(part for part in step.equation if part.tex)
        index = index_of(kept, Role.EQUALS)
        if index is None:
            raise ValueError(f"step {step.id} has no '=' in its equation")
        return index

    @staticmethod
    def down_arrow(
        band: VMobject, colour: str, left: bool = False, beside: VMobject | None = None
    ) -> Arrow:
        """An arrow beside ``band``, pointing down it: the direction the index runs (on its
        left when ``left``, e.g. for the last column, whose right is the bracket). ``beside``
        is the column on that side: the arrow is centred in the gap to it, and narrowed to
        fit there, so that it never covers that column's entries."""
        arrow = Arrow(
            band.get_corner(UP + RIGHT),
            band.get_corner(DOWN + RIGHT),
            buff=0.05,
            color=colour,
            stroke_width=5,
            max_tip_length_to_length_ratio=0.2,
        )
        arrow.next_to(band, LEFT if left else RIGHT, buff=0.06)
        if beside is not None:
            inner = band.get_left()[0] if left else band.get_right()[0]
            outer = beside.get_right()[0] if left else beside.get_left()[0]
            room = abs(inner - outer) - 2 * ARROW_CLEARANCE
            if 0 < room < arrow.width:
                arrow.stretch_to_fit_width(room)
            arrow.set_x((inner + outer) / 2)
        return arrow

    def column_to_row(
        self, source: MatrixView, target: MatrixView, column: Highlight
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
