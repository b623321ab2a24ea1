"""OtherGradients: ``dZ[L] = A[L] − Y``, ``dW[L]`` and ``db[L]`` in full, the layers below briefly.

Steps are taken from the derivation in its order. For the output layer:

* ``dZ[L]``: the summed loss ``ℒ``; the chain rule through the sigmoid and, under it, the
  fractions cancelling line by line (every factor that cancels is struck through); the fold,
  with "no 1/m here" on screen;
* ``dW[L]``: ``J = ℒ/m`` and the general entry ``∂J/∂w_ki = (1/m) Σ_j dz_kj a_ij`` over the
  matrices ``dZ[L]`` and ``A[L-1]``, row ``k`` and row ``i`` lit; then ``A[L-1]ᵀ`` beside
  them, each row of ``A[L-1]`` pulsing with the same column of ``A[L-1]ᵀ`` (why the transpose
  sits on the right); then the fold;
* ``db[L]``: one fold, alone on its screen (the narration gives its entry).

Each layer below is one screen: its folds ("the same pattern, with ``A[0] = X``"), each with
its shape badges; where ``m = n_x`` layer 1's fold carries a values check, and the three lines
are one picture.

Render with ``chainrule render OtherGradients``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    ApplyMethod,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    ScaleInPlace,
    SurroundingRectangle,
    VGroup,
    VMobject,
    there_and_back,
)

from derivations.steps import Highlight, MatrixDisplay, Parts, Stage, Step
from derivations.vocabulary import Role, StepId, StepKind, index_of
from scenes.badges import BadgedEquation
from scenes.equations import EquationTex, break_points, equation_lines, parts_in
from scenes.layout import Box, fit_first, fit_into, smallest_font, stack_boxes
from scenes.matrices import (
    MatrixRow,
    MatrixView,
    highlight_bands,
    in_turn,
    matrix_view,
    reveal,
)
from scenes.segment import Segment, SegmentScene
from scenes.theme import Theme
from scenes.words import NOTE_WORD, words_part

if TYPE_CHECKING:
    from derivations import Derivation

#: Targets another segment covers (``dZ1`` is the whole lecture; ``general`` its ending).
COVERED_ELSEWHERE = ("dZ1", "general")
#: Most detailed to most compact presentation of the matrices.
LIMITS = ((9, 9), (4, 4), (3, 3))
#: The gap between matrices when even the most compact views at the usual gap are too wide.
TIGHT = 0.3
#: Small matrices are drawn up to this much larger than entry size.
MAX_GROWTH = 1.3


def screen_of(derivation: Derivation, step: Step) -> str:
    """Which screen a step is shown on: its target's, or (for a target with a single step,
    the layers below the output) its layer's, so that a layer's folds share one screen.

    >>> from derivations import derive
    >>> d = derive()
    >>> screen_of(d, d.step("dW1.fold")) == screen_of(d, d.step("db1.fold"))
    True
    """
    if len(derivation.steps_for(step.target)) == 1:
        return f"layer {step.target.lstrip('dZWb')}"
    return step.target


class OtherGradientsSegment(Segment):
    """Every gradient but ``dZ[1]``: the output layer in full, the layers below in brief."""

    @classmethod
    def step_ids_for(cls, derivation: Derivation | None) -> tuple[StepId, ...]:
        """All steps of targets other than ``dZ1`` and ``general``, in derivation order."""
        if derivation is None:
            return ()
        return tuple(step.id for step in derivation.steps if step.target not in COVERED_ELSEWHERE)

    def play(self) -> None:
        derivation = self.scene.derivation
        steps = [self.step(i) for i in self.step_ids_for(derivation)]
        screen: str | None = None
        self.upper: VMobject | None = None
        self.lower: VMobject | None = None
        self.lone: list[VMobject] = []
        #: each fold of a layer below the output, with its centre and width in its band
        self.lone_places: list[tuple[VMobject, np.ndarray, float]] = []
        #: where the ``=`` of the first fold of a layer's screen is (the others align to it)
        self.lone_equals: float | None = None
        #: where the next band of a layer's screen starts, and how many bands it has so far
        self.band_top: float | None = None
        self.bands_placed = 0
        for step in steps:
            key = screen_of(derivation, step)
            if key != screen:
                if screen is not None:
                    self.scene.clear_at_next_step()
                screen, self.upper, self.lower, self.lone = key, None, None, []
                self.lone_places = []
                self.band_top, self.bands_placed = None, 0
            self.begin_step(step)
            self.show(step, derivation)
            self.end_step(pause=1.2)

    def show(self, step: Step, derivation: Derivation) -> None:
        """Dispatch on what the step carries."""
        lone = len(derivation.steps_for(step.target)) == 1
        if lone:
            count = sum(
                1
                for s in derivation.steps
                if s.target not in COVERED_ELSEWHERE
                and screen_of(derivation, s) == screen_of(derivation, step)
            )
            self.show_lone_fold(step, count)
        elif step.id.kind is StepKind.CANCEL:
            self.show_cancel(step)
        elif step.stage is Stage.FOLD and (step.badges or not step.matrices):
            self.show_fold(step)
        elif step.matrices:
            self.show_entry(step)
        elif self.lower is None:  # nothing below yet: the formula may use the whole body
            shown = self.written(step, self.body())
            grow_into(shown, self.body(), MAX_GROWTH)
            self.replace_upper(shown)
        else:
            shown = self.written(step, self.bands()[0])
            if smallest_font(shown) < LEGIBLE_SCALE * self.theme.body_size:
                # too small in the upper band: the formula takes the whole body instead
                self.scene.play(FadeOut(self.lower), run_time=self.t(0.5))
                self.lower = None
                shown = self.written(step, self.body())
            self.replace_upper(shown)

    # ---------------------------------------------------------------- layout

    @staticmethod
    def bands() -> tuple[Box, Box]:
        """The scalar formula above, matrices or the matrix form (with badges) below."""
        upper, lower = stack_boxes((0.55, 2.6, 3.6))[1:]
        return (
            Box(upper.center, upper.width - 0.6, upper.height),
            Box(lower.center, lower.width - 0.6, lower.height),
        )

    @staticmethod
    def body() -> Box:
        """Everything below the title."""
        body = stack_boxes((0.55, 6.35))[1]
        return Box(body.center, body.width - 0.6, body.height)

    def written(self, step: Step, box: Box) -> VGroup:
        """The step's lines, then its equation (each broken into lines where too wide)."""
        groups: list[Parts] = (
            [*step.lines, *split_at_second_equals(step.equation)]
            if step.equation
            else list(step.lines)
        )
        lines = VGroup()
        for parts in groups:
            breaks = break_points(parts, self.theme, box.width)
            lines.add(*equation_lines(parts, self.theme, breaks))
        lines.arrange(DOWN, buff=0.35)
        fit_into(lines, box, self.theme, grow=1.5)  # alone in its band: shown big
        return lines

    def replace_upper(self, shown: VMobject) -> None:
        """Write ``shown`` in the upper band in place of what was there (which leaves first)."""
        leaving = [FadeOut(self.upper)] if self.upper is not None else []
        self.scene.play(in_turn(leaving, [reveal(shown)]), run_time=self.t(1.2))
        self.upper = shown
        self.light(parts_in(shown, Role.SCALE))

    def light(self, pieces: list[VMobject], hold: float = 0.8) -> None:
        """Highlight bands around ``pieces`` for a moment."""
        if not pieces:
            return
        bands = highlight_bands(pieces, self.theme)
        self.scene.play(Create(bands), run_time=self.t(0.6))
        self.wait(self.t(hold))
        self.scene.play(FadeOut(bands), run_time=self.t(0.4))

    # ---------------------------------------------------------------- dZ[L]: the cancellation

    def show_cancel(self, step: Step) -> None:
        """The chain rule's value, then each line of the cancellation under it, ``=`` under
        ``=``; the factors that cancel are struck through before the next line."""
        equations = [
            EquationTex(parts, self.theme)
            for parts in (*split_at_second_equals(step.equation), *step.lines)
        ]
        lines = VGroup(*equations).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        first_equals = parts_in(equations[0], Role.EQUALS)
        anchor = (first_equals[1] if len(first_equals) > 1 else first_equals[0]).get_x()
        for line in equations[1:]:
            line.shift((anchor - line.submobjects[0].get_x()) * RIGHT)
        fit_into(lines, self.body(), self.theme)
        grow_into(lines, self.body(), MAX_GROWTH)
        if self.upper is not None:
            # the loss leaves, then the chain rule comes: different glyphs never morph
            self.scene.play(
                in_turn([FadeOut(self.upper)], [reveal(equations[0])]), run_time=self.t(1.0)
            )
        else:
            self.scene.play(reveal(equations[0]), run_time=self.t(1.0))
        for line in equations[1:]:
            # part by part, each whole: a glyph half-drawn by Write misreads (y as ν)
            self.scene.play(reveal(line), run_time=self.t(1.0))
            struck = strikes(struck_in(line, step), self.theme.highlight)
            if len(struck):
                self.scene.play(
                    LaggedStart(*[Create(s) for s in struck], lag_ratio=0.2), run_time=self.t(1.2)
                )
                line.add(struck)
        frame = SurroundingRectangle(
            equations[-1], color=self.theme.highlight, buff=0.12, corner_radius=0.08
        )
        self.scene.play(Create(frame), run_time=self.t(0.6))
        self.upper = VGroup(lines, frame)
        self.scene.settle(self.upper)

    # ---------------------------------------------------------------- general entries

    def show_entry(self, step: Step) -> None:
        """A general entry (or the transpose that folds it) above, its matrices below: the
        rows it pairs lit, and a row of the input flown into a column of its transpose."""
        upper_box, lower_box = self.bands()
        views = fit_first(self.every_detail(step), lower_box, self.theme)
        grow = min(lower_box.width / views.width, lower_box.height / views.height, MAX_GROWTH)
        if grow > 1:
            views.scale(grow)
        by_name = views.views
        displays = {display.name: display for display in step.matrices}
        transposed = [pair for pair in step.highlights if row_to_transposed_column(pair, displays)]
        shown_now = [
            view
            for name, view in by_name.items()
            if not any(pair[1].matrix == name for pair in transposed)
        ]
        self.replace_upper(self.written(step, upper_box))
        lower_out = [FadeOut(self.lower)] if self.lower is not None else []
        self.scene.play(in_turn(lower_out, [FadeIn(v) for v in shown_now]), run_time=self.t(0.8))
        meet = [pair for pair in step.highlights if pair not in transposed][:1]
        bands = VGroup()
        for pair in meet:
            for mark in pair:
                if mark.matrix in by_name:
                    bands.add(band_of(by_name[mark.matrix], mark, self.theme))
        if len(bands):
            self.scene.play(Create(bands), run_time=self.t(0.8))
            self.light(summands(self.upper, step), hold=0.6)
        if transposed:
            self.row_into_column(step, by_name, transposed, bands)
        self.lower = VGroup(*views, bands)
        self.scene.settle(self.lower)

    def row_into_column(
        self,
        step: Step,
        by_name: dict[str, MatrixView],
        pairs: list[tuple[Highlight, Highlight]],
        bands: VGroup,
    ) -> None:
        """Row ``i`` of the input is column ``i`` of its transpose: the transpose appears
        whole (brackets and every entry at once: never an empty or half-built matrix) with
        the picked row's column lit; then the picked row pulses together with its column, and
        every other row with its own, one after the other."""
        source, target = by_name[pairs[0][0].matrix], by_name[pairs[0][1].matrix]
        picked = step.picked[1] if step.picked else 0
        ordered = sorted(pairs, key=lambda pair: pair[0].row != picked)
        first = ordered[0]
        column_band = band_of(target, first[1], self.theme)
        # appear first, pulse after: a pulse begun during the fade-in would end faded
        self.scene.play(FadeIn(target), Create(column_band), run_time=self.t(0.8))
        picked_pulses = self.row_pulses(source, target, first[0])
        if picked_pulses:  # a compact view may show none of the row's entries
            self.scene.play(*picked_pulses, run_time=self.t(0.8))
        rest = [
            AnimationGroup(*pulses)
            for pair in ordered[1:]
            if (pulses := self.row_pulses(source, target, pair[0]))
        ]
        if rest:
            self.scene.play(LaggedStart(*rest, lag_ratio=0.7), run_time=self.t(1.6))
        self.scene.settle(target)
        rows_lit = len(bands) > 0  # the rows the sum pairs: light the sum again after
        bands.add(column_band)
        if rows_lit:
            self.light([self.upper] if self.upper is not None else [], hold=0.4)

    @staticmethod
    def row_pulses(source: MatrixView, target: MatrixView, row: Highlight) -> list[Animation]:
        """Entry ``(i, j)`` of row ``i`` of ``source`` and entry ``(j, i)`` of ``target`` pulse
        together (the same entry, in two places, each drawn whole)."""
        assert row.row is not None
        pulses: list[Animation] = []
        for j in source.cols:
            if j is None:
                continue
            cell, slot = source.cell(row.row, j), target.cell(j, row.row)
            if cell is not None and slot is not None:
                pulses.extend(ScaleInPlace(m, 1.2, rate_func=there_and_back) for m in (cell, slot))
        return pulses

    def matrices(self, step: Step, limit: tuple[int, int], buff: float = 0.7) -> MatrixRow:
        """The step's matrices side by side at one level of detail, by name, ``buff`` apart."""
        return MatrixRow(
            {d.name: matrix_view(d, self.theme, limit=limit) for d in step.matrices}, buff=buff
        )

    def every_detail(self, step: Step) -> list[Callable[[], MatrixRow]]:
        """Builders of the step's matrices from the most detailed to the most compact: each
        level of :data:`LIMITS`, then the most compact closer together."""
        return [
            *[partial(self.matrices, step, limit) for limit in LIMITS],
            partial(self.matrices, step, LIMITS[-1], TIGHT),
        ]

    # ---------------------------------------------------------------- folds

    @staticmethod
    def fold_bands() -> tuple[Box, Box, Box]:
        """For a fold with matrices: the scalar result in a strip above, the matrices entry
        by entry, the matrix form with its badges below."""
        upper, middle, lower = stack_boxes((0.55, 1.3, 2.0, 3.0))[1:]
        return (
            # kept TITLE_CLEARANCE below the title's band: a title with a superscript
            # (dZ^[2]) reaches below its band, and the boxed result sat against it
            Box(
                (upper.center[0], upper.center[1] - TITLE_CLEARANCE / 2),
                upper.width - 0.6,
                upper.height - TITLE_CLEARANCE,
            ),
            Box(
                (middle.center[0], middle.center[1] + 0.1), middle.width - 0.6, middle.height - 0.25
            ),  # clear of the strip above and the form below
            # room at the bottom for the highlight band that lights the note ("no 1/m here")
            Box(
                (lower.center[0], lower.center[1] + BAND_ROOM / 2),
                lower.width - 0.6,
                lower.height - BAND_ROOM,
            ),
        )

    def show_fold(self, step: Step) -> None:
        """The matrix form with its badges below (and its note, e.g. "no 1/m here"); the
        ``1/m`` of both forms lit together. A fold with matrices (``dZ[L] = A[L] − Y``) shows
        them entry by entry between the two, each example's column lit in all of them."""
        if step.matrices:
            upper_box, middle_box, lower_box = self.fold_bands()
        else:
            (upper_box, lower_box), middle_box = self.bands(), None
        if self.upper is not None and self.upper.height > upper_box.height + 0.01:
            # a tall upper (the cancellation) shrunk into the band would be unreadable: keep
            # its boxed result, the line the fold starts from, at a readable size
            kept = self.upper_result()
            fit_into(kept, upper_box, self.theme)
            self.scene.play(in_turn([FadeOut(self.upper)], [FadeIn(kept)]), run_time=self.t(0.8))
            self.upper = kept
        folded = BadgedEquation(step.equation, step.badges, self.theme)
        notes = VGroup(*[EquationTex(parts, self.theme) for parts in step.lines])
        group = VGroup(folded, *notes).arrange(DOWN, buff=0.4) if len(notes) else folded
        fit_into(group, lower_box, self.theme)
        lower_out = [FadeOut(self.lower)] if self.lower is not None else []
        views = VGroup()
        if middle_box is not None:
            views = self.columns_lit(step, middle_box, lower_out)
            lower_out = []
        self.scene.play(in_turn(lower_out, [reveal(folded.equation)]), run_time=self.t(1.2))
        self.scene.play(
            LaggedStart(*[FadeIn(b, shift=0.2 * UP) for b in folded.badge_row()], lag_ratio=0.25),
            run_time=self.t(1.0),
        )
        if len(notes):
            self.scene.play(FadeIn(notes, shift=0.1 * UP), run_time=self.t(0.6))
            self.light(list(notes), hold=1.0)
        scales = parts_in(folded.equation, Role.SCALE)
        if self.upper is not None:
            scales += parts_in(self.upper, Role.SCALE)
        self.light(scales)
        self.lower = VGroup(views, group) if len(views) else group

    def columns_lit(self, step: Step, box: Box, leaving: Sequence[Animation]) -> MatrixRow:
        """The step's matrices side by side in ``box`` (as large as it allows), then each of
        its highlighted columns (one example) lit in all of them in turn; ``leaving`` (fade-outs)
        play as they appear."""
        views = fit_first(self.every_detail(step), box, self.theme)
        grow_into(views, box, MAX_GROWTH)
        self.scene.play(in_turn(leaving, [FadeIn(views)]), run_time=self.t(0.8))
        by_name = views.views
        for marks in marks_by_first(step.highlights):
            bands = VGroup(
                *[
                    band_of(by_name[mark.matrix], mark, self.theme)
                    for mark in marks
                    if mark.matrix in by_name
                ]
            )
            self.scene.play(Create(bands), run_time=self.t(0.5))
            self.wait(self.t(0.4))
            self.scene.play(FadeOut(bands), run_time=self.t(0.3))
        return views

    def upper_result(self) -> VMobject:
        """A copy of the upper band's last line, with its frame when it has one (the boxed
        ``= a − y`` of the cancellation)."""
        assert self.upper is not None
        parts = self.upper.submobjects
        if len(parts) == 2 and isinstance(parts[1], SurroundingRectangle):
            lines = parts[0].submobjects
            kept = VGroup(lines[-1], parts[1]).copy()
            side = left_side(lines[0]) if len(lines) > 1 else None
            if side is not None:  # "= a − y" says what it equals: the first line's left side
                kept.add(side.copy().next_to(kept[0], LEFT, buff=0.2))
            return kept
        return VGroup(parts[-1]).copy()

    def show_lone_fold(self, step: Step, count: int) -> None:
        """A fold of a layer below the output: one of ``count`` bands of the layer's screen,
        shown large, ``=`` under the ``=`` of the band above; its note (``where A[0] = X``,
        a definition: smaller, set apart after the word "where") beside the part it explains
        (``Xᵀ``), lit together with it."""
        whole = self.body()  # kept clear of a title with a superscript (db^[1]), as above
        body = Box(
            (whole.center[0], whole.center[1] - TITLE_CLEARANCE / 2),
            whole.width,
            whole.height - TITLE_CLEARANCE,
        )
        gap = 0.15
        checked = self.values_check(step)
        folded = BadgedEquation(step.equation, step.badges, self.theme)
        notes = VGroup(*[definition_note(parts, self.theme) for parts in step.lines[:1]])
        explained = explained_part(folded, step)
        group = VGroup(folded)
        if len(notes):
            notes.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            notes.next_to(folded.equation, RIGHT, buff=NOTE_GAP)
            notes.set_y((explained or folded.equation).get_y())
            if notes.get_top()[1] > folded.get_top()[1]:  # a tall column of notes stays level
                notes.align_to(folded, UP)  # with the fold's top, not above it
            group.add(notes)
        if checked is not None:  # where the shapes cannot tell (m = n_x): the values do
            checked.next_to(folded, DOWN, buff=0.1)
            group.add(checked)
        legible = group.height * self.theme.min_font_size / smallest_font(group)
        box = self.band_box(body, count, gap, checked is not None, legible)
        self.band_top, self.bands_placed = box.bottom - gap, self.bands_placed + 1
        if not fit_into(group, box, self.theme, grow=LONE_GROWTH):
            # too many bands for legible text: keep the band's top, let the badges use the
            # gap below (make_room keeps it inside the body)
            group.align_to(box.point() + (box.height / 2) * UP, UP)
        self.align_equals(group, folded, box)
        moved = [
            (shown, place, width)
            for shown, place, width in self.lone_places
            if abs(shown.width - width) > 1e-3 or np.linalg.norm(shown.get_center() - place) > 1e-3
        ]
        if moved:  # the fold shown alone moves to its band, making room
            self.scene.play(
                *[
                    shown.animate.scale(width / shown.width).move_to(place)
                    for shown, place, width in moved
                ],
                run_time=self.t(0.8),
            )
        if self.lone and group.get_top()[1] > self.lone[-1].get_bottom()[1] - gap:
            # the fold above overflowed its band: start under it
            group.shift((self.lone[-1].get_bottom()[1] - gap - group.get_top()[1]) * UP)
        self.make_room(group, body)
        self.lone_places = [(g, g.get_center(), g.width) for g in (*self.lone, group)]
        if not self.lone and count > 1:  # alone on the screen for now: large, in its middle
            # a fold with its values check is one taller picture: it may take more height
            share = ALONE_SHARE_CHECKED if checked is not None else 0.5
            alone = Box(body.center, body.width, body.height * share)
            scale = min(alone.width / group.width, alone.height / group.height, ALONE_GROWTH)
            group.scale(max(scale, 1.0)).move_to(body.point())
        self.scene.play(reveal(folded.equation), run_time=self.t(1.0))
        self.scene.play(
            LaggedStart(*[FadeIn(b, shift=0.2 * UP) for b in folded.badge_row()], lag_ratio=0.25),
            run_time=self.t(0.8),
        )
        if len(notes):
            self.scene.play(FadeIn(notes, shift=0.2 * LEFT), run_time=self.t(0.6))
            defined = [note.formula for note in notes if isinstance(note, DefinitionNote)]
            self.light([m for m in (explained, *defined) if m is not None], hold=1.0)
        if checked is not None:  # shown as the narration gives the values
            self.scene.wait_for_words(VALUES_WORDS)
            self.scene.play(reveal(checked), run_time=self.t(1.2))
        self.lone.append(group)

    def band_box(
        self, body: Box, count: int, gap: float, checked: bool, legible: float = 0.0
    ) -> Box:
        """The band of the next of a layer's ``count`` folds: the room left below the bands
        already placed, shared equally by the folds still to come, except that a fold with a
        values check (three lines: the fold, its badges, the check) takes
        :data:`CHECKED_BAND_SHARE` of it; no band is lower than ``legible`` (the fold's
        height at the theme's minimum font size) while the room allows."""
        top = body.top if self.band_top is None else self.band_top
        left = max(count - self.bands_placed, 1)  # this fold included
        room = top - body.bottom - gap * (left - 1)
        height = room * CHECKED_BAND_SHARE if checked and left > 1 else room / left
        height = min(max(height, legible), room)
        return Box((body.center[0], top - height / 2), body.width, height)

    def values_check(self, step: Step) -> EquationTex | None:
        """The lines after a fold's note, as one line: the values check of a fold whose wrong
        form has the right shape (``dw ≈ … ≠ (…) ≈ …``); ``None`` when there is none."""
        rest = step.lines[1:]
        if not rest:
            return None
        # the fold's own size: the line that settles what the shapes cannot is no footnote
        return EquationTex(tuple(part for line in rest for part in line), self.theme)

    def make_room(self, group: VMobject, body: Box) -> None:
        """When ``group`` would reach below the body, the folds already on the layer's screen
        move up, the oldest fading out, until it fits (so no fold is drawn over another)."""
        shift, dropped = 0.0, []
        while self.lone and group.get_bottom()[1] + shift < body.bottom - 1e-6:
            dropped.append(self.lone.pop(0))
            first = self.lone[0] if self.lone else group
            shift = body.top - first.get_top()[1]
        if group.get_bottom()[1] + shift < body.bottom:  # alone and still too tall
            shift = body.bottom - group.get_bottom()[1]
        group.shift(shift * UP)
        if dropped:
            # the oldest leave before the others move up into their place
            moves = [ApplyMethod(g.shift, shift * UP) for g in self.lone]
            self.scene.play(in_turn([FadeOut(g) for g in dropped], moves), run_time=self.t(0.8))

    def align_equals(self, group: VMobject, folded: BadgedEquation, box: Box) -> None:
        """Shift ``group`` sideways so that its ``=`` sits under the ``=`` of the layer's first
        fold, as far as ``box`` allows."""
        found = parts_in(folded.equation, Role.EQUALS)
        if not found:
            return
        equals = found[0]
        if not self.lone:
            self.lone_equals = equals.get_x()
            return
        anchor = self.lone_equals if self.lone_equals is not None else equals.get_x()
        shift = anchor - equals.get_x()
        left, right = box.center[0] - box.width / 2, box.center[0] + box.width / 2
        shift = min(max(shift, left - group.get_left()[0]), right - group.get_right()[0])
        group.shift(shift * RIGHT)


def left_side(line: VMobject) -> VGroup | None:
    """The parts of an equation before its ``=`` (``∂ℓ/∂z``), ``None`` if it has none."""
    if not isinstance(line, EquationTex):
        return None
    roles = [part.role for part in line.parts]
    if Role.EQUALS not in roles or roles.index(Role.EQUALS) == 0:
        return None
    return VGroup(*line.submobjects[: roles.index(Role.EQUALS)])


def marks_by_first(pairs: tuple[tuple[Highlight, Highlight], ...]) -> list[list[Highlight]]:
    """The highlighted pairs grouped by their first mark, in order: each group is that mark and
    every mark it pairs with (column j of ``dZ[L]`` with column j of ``A[L]`` and of ``Y``).

    >>> a, b, c = Highlight("dZ2", col=0), Highlight("A2", col=0), Highlight("Y", col=0)
    >>> [[m.matrix for m in group] for group in marks_by_first(((a, b), (a, c)))]
    [['dZ2', 'A2', 'Y']]
    """
    groups: dict[Highlight, list[Highlight]] = {}
    for first, second in pairs:
        group = groups.setdefault(first, [first])
        if second not in group:
            group.append(second)
    return list(groups.values())


#: A definition note stands this far right of the equation it explains, and is drawn this much
#: smaller than the equation: set apart, it reads as a definition, not as one more factor.
NOTE_GAP, NOTE_SCALE = 0.7, 0.8


class DefinitionNote(VGroup):
    """``where`` and a defining equation (``A[0] = X``): a note, not a factor."""

    def __init__(self, parts: Parts, theme: Theme) -> None:
        size = max(theme.min_font_size, NOTE_SCALE * theme.body_size)
        word = EquationTex((words_part(NOTE_WORD, "note_word"),), theme, size)
        formula = EquationTex(parts, theme, size)
        super().__init__(word, formula)
        self.arrange(RIGHT, buff=0.25, aligned_edge=DOWN)
        self.word, self.formula = word, formula


def definition_note(parts: Parts, theme: Theme) -> DefinitionNote:
    """The note of a fold: ``where`` and ``parts`` (see :class:`DefinitionNote`)."""
    return DefinitionNote(parts, theme)


def explained_part(folded: BadgedEquation, step: Step) -> VMobject | None:
    """The part of the fold a note explains: the one drawn in the colour family of the note's
    last symbol (``Xᵀ`` for ``A[0] = X``), ``None`` if there is none."""
    if not step.lines:
        return None
    symbol = step.lines[0][-1].symbol
    if symbol is None:
        return None
    found = parts_in(folded.equation, where=lambda part: part.symbol == symbol)
    return found[0] if found else None


#: The first fold of a layer's screen, alone until the next one comes, is drawn up to this much
#: larger than in its band.
ALONE_GROWTH = 1.9
#: A layer's folds below the output are drawn up to this much larger than body size: two
#: short formulas with badges share the screen, which would otherwise stay half empty.
LONE_GROWTH = 2.0
#: The share of the room left on a layer's screen that a fold with a values check takes: at the
#: theme's minimum font size (32) the check's three lines take 54 % of 2-3-2's layer-1 screen
#: and db[1] below it the rest (at 60 %, db[1] no longer fitted and dW[1] was dropped).
CHECKED_BAND_SHARE = 0.55
#: What layer 1's narration says as it gives the values check, where ``m = n_x``
#: (:func:`derivations.sequence_numbers.square_input_check`).
VALUES_WORDS = "values differ"
#: The share of the body's height the first fold of a layer's screen may take while alone,
#: when it carries a values check under it (one picture: the fold, its badges, the check).
ALONE_SHARE_CHECKED = 0.8


#: How far below the title's band the strip above a fold's matrices starts.
TITLE_CLEARANCE = 0.3
#: The room a highlight band takes around what it lights (kept inside the body).
BAND_ROOM = 0.2

#: The smallest scale (against the theme's body size) a formula may be shrunk to in a band.
LEGIBLE_SCALE = 0.85


def split_at_second_equals(parts: Parts) -> tuple[Parts, ...]:
    """``a = b = c`` as ``a = b`` and ``= c`` (two lines, so a long chain is not shrunk to fit
    one); parts with fewer than two ``=`` unchanged."""
    equals = [k for k, part in enumerate(parts) if part.role is Role.EQUALS]
    if len(equals) < 2:
        return (parts,)
    return (tuple(parts[: equals[1]]), tuple(parts[equals[1] :]))


def grow_into(mobject: VMobject, box: Box, cap: float) -> None:
    """Scale ``mobject`` up (at most by ``cap``) to fill ``box``, centred there."""
    scale = min(box.width / max(mobject.width, 1e-6), box.height / max(mobject.height, 1e-6), cap)
    if scale > 1:
        mobject.scale(scale)
    mobject.move_to(box.point())


def struck_in(line: EquationTex, step: Step) -> list[VMobject]:
    """The factors of ``step.struck`` that ``line`` shows, each as one group."""
    found: list[VMobject] = []
    for group in step.struck:
        try:
            found.append(VGroup(*[line.part(name) for name in group]))
        except KeyError:
            continue
    return found


def summands(lines: VMobject | None, step: Step) -> list[VMobject]:
    """The parts of ``lines`` that are entries of the step's highlighted matrices
    (``dz_kj``, ``a_ij``): the factors the lit rows supply."""
    if lines is None:
        return []
    symbols = {display.symbol for display in step.matrices}
    return parts_in(lines, where=lambda part: part.symbol in symbols and "[" in part.name)


def is_transpose(display: MatrixDisplay, of: MatrixDisplay) -> bool:
    """Whether ``display`` is ``of`` transposed: entry ``(c, r)`` of one is entry ``(r, c)``
    of the other (the same parts)."""
    rows, cols = of.shape
    return display.shape == (cols, rows) and all(
        display.entries[c][r] == of.entries[r][c] for r in range(rows) for c in range(cols)
    )


def row_to_transposed_column(
    pair: tuple[Highlight, Highlight], displays: Mapping[str, MatrixDisplay]
) -> bool:
    """Whether ``pair`` marks a row of a matrix and the same column of its transpose (both
    among ``displays``, by name)."""
    row, column = pair
    source, target = displays.get(row.matrix), displays.get(column.matrix)
    return (
        source is not None
        and target is not None
        and row.row is not None
        and row.row == column.col
        and is_transpose(target, of=source)
    )


def band_of(view: MatrixView, mark: Highlight, theme: Theme) -> VMobject:
    """The highlight band of ``mark`` (a row or a column) in ``view``."""
    if mark.row is not None:
        return view.band(theme, row=mark.row)
    return view.band(theme, col=mark.col)


def strikes(pieces: list[VMobject], colour: str) -> VGroup:
    """A diagonal stroke through each of ``pieces`` (a factor that cancels)."""
    group = VGroup()
    for piece in pieces:
        corner = np.array([0.08, 0.06, 0.0])
        group.add(
            Line(
                piece.get_corner(DOWN + LEFT) - corner,
                piece.get_corner(UP + RIGHT) + corner,
                color=colour,
                stroke_width=4,
            )
        )
    return group


def shared_parts(before: Parts, after: Parts) -> tuple[str, ...]:
    """Names of the right-hand-side parts of ``after`` that ``before`` has too (``1/m``)."""
    names_before = {p.name: p.tex for p in before}
    equals = index_of(after, Role.EQUALS)
    start = 0 if equals is None else equals + 1
    return tuple(
        p.name for p in after[start:] if p.symbol is not None and names_before.get(p.name) == p.tex
    )


class OtherGradients(SegmentScene):
    """``dZ[L]``, then ``dW`` and ``db`` of every layer: where ``1/m`` and the sums come from."""

    segment = OtherGradientsSegment


__all__ = [
    "OtherGradients",
    "OtherGradientsSegment",
    "shared_parts",
]
