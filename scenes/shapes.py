"""ShapeCheck and SquarePitfall: shape checks with teeth, and where shapes cannot help.

``ShapeCheck`` plays step ``dZ1.candidates``: the tempting wrong forms of ``dZ[1]`` (without
the transpose, in the naive scalar order, with a matrix product for ``g′``) are listed as the
narration announces them; as each is judged it takes the stage with a shape badge under every
factor, and the shape checker's verdict, carried by the step, frames only what fails (the two
factors whose inner sizes differ, or the side whose shape is not ``dZ[1]``'s) with one cross,
and names why in a line under the equation, typeset like the formulas. Then step
``dZ1.shapes`` writes the right form and ticks every badge.

``SquarePitfall`` plays step ``dZ1.no_transpose``: on a square ``W[2]`` (the network's square
companion, named on screen) every shape of ``W[2] dZ[2]`` agrees, yet the entry it computes
differs from the true one: written wrong (``≠``, a cross) over right (``=``, a tick), with the
weights that differ framed red and green.

Render with ``chainrule render ShapeCheck`` or ``chainrule render SquarePitfall``.
"""

from __future__ import annotations

from typing import cast

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
    VMobject,
    Write,
)

from derivations.steps import Candidate, Parts, ShapeBadge
from derivations.vocabulary import StepId, StepKind
from scenes.badges import BadgedEquation, status_colour, verdict_mark
from scenes.equations import EquationTex, break_points, equation_lines
from scenes.layout import Box, fit_into, stack_boxes
from scenes.segment import Segment, SegmentScene
from scenes.theme import Theme
from scenes.words import words_part

#: The equation is the subject of these scenes: it is written larger than body text.
HERO_SCALE = 1.2
#: Space between a differing weight and its frame, and the room (buff and stroke) a frame
#: takes outside the entry it surrounds.
FRAME_BUFF, FRAME_ROOM = 0.05, 0.08
#: The tried forms are gathered this many seconds before the narration of the last one ends.
SUMMARY_LEAD = 1.0
#: The steps of each segment.
CANDIDATES = StepId("dZ1", StepKind.CANDIDATES)
SHAPES = StepId("dZ1", StepKind.SHAPES)
NO_TRANSPOSE = StepId("dZ1", StepKind.NO_TRANSPOSE)


def body_box() -> Box:
    """Everything below the title band, less a margin at the sides."""
    body = stack_boxes((0.55, 6.6))[1]
    return Box(body.center, body.width - 0.6, body.height)


def rows_of(box: Box, count: int, gap: float = 0.25) -> list[Box]:
    """``box`` split into ``count`` equal bands, top to bottom."""
    height = (box.height - gap * (count - 1)) / count
    top = box.top
    rows = []
    for _ in range(count):
        rows.append(Box((box.center[0], top - height / 2), box.width, height))
        top -= height + gap
    return rows


def write_badged(
    segment: Segment, badged: BadgedEquation, badge_seconds: float, lag: float
) -> list[Animation]:
    """Write ``badged``'s equation, bring its shape badges in one after another (``lag``,
    over ``badge_seconds``), and return the ticks that judge every badge right, for the
    caller to play when it is ready."""
    segment.scene.play(Write(badged.equation), run_time=segment.t(1.2))
    segment.scene.play(
        LaggedStart(*[FadeIn(b, shift=0.2 * UP) for b in badged.badge_row()], lag_ratio=lag),
        run_time=segment.t(badge_seconds),
    )
    ticks: list[Animation] = []
    for badge in badged.badges.values():
        ticks += badge.judge(segment.theme, ok=True)[1]
    return ticks


class ShapeSegment(Segment):
    """Steps ``dZ1.candidates`` (each wrong form judged) and ``dZ1.shapes`` (the right one)."""

    step_ids = (CANDIDATES, SHAPES)

    def play(self) -> None:
        tried, right = (self.step(i) for i in self.step_ids)
        self.begin_step(tried)
        rows = VGroup(*[self.summary_row(c) for c in tried.candidates])
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        fit_into(rows, body_box(), self.theme)
        # the forms as the opening announces them, where the summary will show them
        forms = [cast(VMobject, row[0]).copy() for row in rows]
        self.scene.play(
            LaggedStart(*[FadeIn(form, shift=0.1 * DOWN) for form in forms], lag_ratio=0.15),
            run_time=self.t(0.6),
        )
        shown: tuple[VMobject, VMobject, VGroup] | None = None
        for candidate, form in zip(tried.candidates, forms, strict=True):
            if candidate.said:  # each form is judged as its sentence is said
                self.scene.wait_for_words(candidate.said.rstrip("."))
            if shown is None:  # the first form is taken from the list, the others go
                leaving = VGroup(*[other for other in forms if other is not form])
                shown = self.try_candidate(candidate, body_box(), source=form, leaving=leaving)
            else:
                self.scene.play(FadeOut(VGroup(*shown)), run_time=self.t(0.5))
                shown = self.try_candidate(candidate, body_box())
        # -- all of them at once, each form over its verdict, as the last sentence ends
        assert shown is not None
        spoken = self.scene.until_sentence(self.scene.sentence_count)  # until the speech ends
        if spoken > SUMMARY_LEAD:
            self.wait(spoken - SUMMARY_LEAD)
        equation, verdict, rest = shown
        self.scene.play(
            ReplacementTransform(equation, rows[-1][0]),
            ReplacementTransform(verdict, rows[-1][1]),
            FadeOut(rest),
            LaggedStart(*[FadeIn(row, shift=0.1 * DOWN) for row in rows[:-1]], lag_ratio=0.3),
            run_time=self.t(1.2),
        )
        self.scene.settle(rows)
        self.end_step(pause=1.5)

        self.scene.clear_at_next_step()
        self.begin_step(right)
        badged = self.badged(right.equation, right.badges, self.hero_box())
        animations = write_badged(self, badged, badge_seconds=1.5, lag=0.35)
        frame = SurroundingRectangle(
            badged.equation,
            color=status_colour(self.theme, True),
            buff=0.15,
            corner_radius=0.1,
            stroke_width=4,
        )
        self.scene.play(LaggedStart(*animations, lag_ratio=0.15), run_time=self.t(1.5))
        self.scene.play(Create(frame), run_time=self.t(0.8))
        self.end_step(pause=2.0)

    # ---------------------------------------------------------------- layout

    @staticmethod
    def hero_box() -> Box:
        """The right form, alone, in the upper two thirds of the body."""
        body = body_box()
        height = body.height * 0.7
        return Box((body.center[0], body.top - height / 2), body.width, height)

    def badged(self, parts: Parts, badges: tuple[ShapeBadge, ...], box: Box) -> BadgedEquation:
        """An equation with its badges, fitted into ``box`` (never grown past hero size)."""
        shown = BadgedEquation(
            parts, badges, self.theme, font_size=HERO_SCALE * self.theme.body_size
        )
        fit_into(shown, box, self.theme)
        return shown

    # ---------------------------------------------------------------- choreography

    def summary_row(self, candidate: Candidate) -> VGroup:
        """A tried form, its verdict under it."""
        equation = EquationTex(candidate.equation, self.theme, HERO_SCALE * self.theme.body_size)
        return VGroup(equation, self.verdict(candidate)).arrange(DOWN, aligned_edge=LEFT, buff=0.15)

    def try_candidate(
        self,
        candidate: Candidate,
        box: Box,
        source: VMobject | None = None,
        leaving: VMobject | None = None,
    ) -> tuple[VMobject, VMobject, VGroup]:
        """One wrong form on the stage: its equation (grown out of ``source``, the form in the
        list, while ``leaving`` goes; written when there is none) and badges, then the
        checker's verdict: one frame and a cross around only what fails (:func:`culprit_frame`)
        and the reason in the formulas' type. Returns the equation, the verdict and everything
        else shown."""
        shown = BadgedEquation(
            candidate.equation,
            candidate.badges,
            self.theme,
            font_size=HERO_SCALE * self.theme.body_size,
        )
        marks = culprit_frame(shown, self.theme)
        verdict = self.verdict(candidate)
        verdict.next_to(VGroup(shown, marks), DOWN, buff=0.35)
        fit_into(VGroup(shown, marks, verdict), box, self.theme)
        if source is None:
            self.scene.play(Write(shown.equation), run_time=self.t(0.9))
        else:
            self.scene.play(
                ReplacementTransform(source, shown.equation),
                *([FadeOut(leaving)] if leaving is not None else []),
                run_time=self.t(0.9),
            )
        self.scene.play(
            LaggedStart(*[FadeIn(b, shift=0.15 * UP) for b in shown.badge_row()], lag_ratio=0.2),
            run_time=self.t(0.9),
        )
        if len(marks):
            frame, cross_mark = marks
            self.scene.play(Create(frame), FadeIn(cross_mark, scale=1.5), run_time=self.t(0.8))
        self.scene.play(FadeIn(verdict, shift=0.1 * UP), run_time=self.t(0.6))
        self.wait(self.t(1.0))
        return shown.equation, verdict, VGroup(shown.badge_row(), marks)

    def verdict(self, candidate: Candidate) -> VGroup:
        """A cross and the checker's reason, typeset like the formulas (layer names with their
        superscripts, ``g′``): the words in the error colour, the symbols in their own. A
        neutral line without a cross when the shapes fit and only values can tell."""
        colour = status_colour(self.theme, False) if not candidate.fits else self.theme.text
        parts = candidate.reason or (words_part(candidate.verdict, "verdict"),)
        words = EquationTex(parts, self.theme, self.theme.body_size * 0.8)
        for part, mobject in words.pieces():
            if part.symbol is None:
                mobject.set_color(colour)
        if candidate.fits:
            return VGroup(words)
        mark = verdict_mark(self.theme, False, height=0.28)
        return VGroup(mark, words).arrange(RIGHT, buff=0.2)


def culprit_frame(shown: BadgedEquation, theme: Theme) -> VGroup:
    """One frame in the error colour around the badges the checker marks (the two factors
    whose inner sizes differ, or the side whose shape is wrong), and a cross under it; empty
    when nothing fails. Badges whose shapes are right get no mark."""
    culprits = [badge for badge in shown.badges.values() if not badge.badge.ok]
    if not culprits:
        return VGroup()
    frame = SurroundingRectangle(
        VGroup(*culprits),
        color=status_colour(theme, False),
        buff=0.1,
        corner_radius=0.1,
        stroke_width=4,
    )
    return VGroup(frame, verdict_mark(theme, False).next_to(frame, DOWN, buff=0.12))


class PitfallSegment(Segment):
    """Step ``dZ1.no_transpose``: a square ``W[2]``, every shape right, one entry wrong."""

    step_ids = (NO_TRANSPOSE,)

    def play(self) -> None:
        step = self.begin_step(self.step(NO_TRANSPOSE))
        note_box, equation_box, lines_box = self.bands()
        note, wrong, right = step.lines[0], step.lines[1], step.lines[-1]
        caption = EquationTex(note, self.theme, self.theme.body_size)
        fit_into(caption, note_box, self.theme)
        shown = BadgedEquation(
            step.equation, step.badges, self.theme, font_size=HERO_SCALE * self.theme.body_size
        )
        fit_into(shown, equation_box, self.theme)
        self.scene.play(FadeIn(caption), run_time=self.t(0.6))
        ticks = write_badged(self, shown, badge_seconds=1.2, lag=0.3)
        self.scene.play(LaggedStart(*ticks, lag_ratio=0.15), run_time=self.t(1.2))
        self.wrong_entry(wrong, right, lines_box)
        self.end_step(pause=2.0)

    @staticmethod
    def bands() -> tuple[Box, Box, Box]:
        """The square-companion note, the badged equation, the entry comparison."""
        note, equation, lines = stack_boxes((0.55, 0.9, 2.5, 3.3))[1:]
        return (
            Box(note.center, note.width - 0.8, note.height),
            Box(equation.center, equation.width - 0.8, equation.height),
            Box(lines.center, lines.width - 0.8, lines.height),
        )

    def wrong_entry(self, candidate: Parts, truth: Parts, box: Box) -> VGroup:
        """The candidate's entry (``≠``) over the true one (``=``), each with its verdict; the
        parts where they differ are framed. Returns what was added."""
        width = box.width - 0.6
        entries = [self.entry_line(parts, width) for parts in (candidate, truth)]
        rows = VGroup(*entries).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        # the frames around the differing weights stand FRAME_ROOM outside the rows: fit the
        # rows so that the frames, too, stay inside the box (and out of the subtitle band)
        fit_into(rows, Box(box.center, width, box.height - 2 * FRAME_ROOM), self.theme)
        marks = VGroup(
            *[
                verdict_mark(self.theme, ok).next_to(row, LEFT, buff=0.25)
                for row, ok in zip(rows, (False, True), strict=True)
            ]
        )
        differing = VGroup(
            *self.differences(entries[0], candidate, truth, ok=False),
            *self.differences(entries[1], truth, candidate, ok=True),
        )
        for row, mark in zip(rows, marks, strict=True):
            self.scene.play(FadeIn(row, shift=0.2 * DOWN), FadeIn(mark), run_time=self.t(1.0))
        self.scene.play(*[Create(frame) for frame in differing], run_time=self.t(0.8))
        return VGroup(rows, marks, differing)

    def entry_line(self, parts: Parts, width: float) -> VGroup:
        """One entry equation, broken after a ``+`` where it would be wider than ``width``."""
        size = self.theme.body_size
        return equation_lines(parts, self.theme, break_points(parts, self.theme, width, size), size)

    def differences(self, lines: VGroup, parts: Parts, other: Parts, ok: bool) -> list[VMobject]:
        """Frames in the verdict colour around the parts of ``parts`` that ``other`` lacks."""
        present = {part.tex for part in other}
        frames: list[VMobject] = []
        for part in parts:
            if part.tex in present or not part.tex or part.symbol is None:
                continue
            for line in lines:
                if not isinstance(line, EquationTex):
                    continue
                try:
                    mobject = line.part(part.name)
                except KeyError:
                    continue
                frames.append(
                    SurroundingRectangle(
                        mobject,
                        color=status_colour(self.theme, ok),
                        buff=FRAME_BUFF,
                        stroke_width=3,
                    )
                )
        return frames


class ShapeCheck(SegmentScene):
    """Each tempting wrong form of ``dZ[1]`` fails on shapes; ``W[2]ᵀ dZ[2]`` fits."""

    segment = ShapeSegment
    step_ids = ShapeSegment.step_ids


class SquarePitfall(SegmentScene):
    """For a square ``W[2]`` the shapes agree without the transpose, and the values differ."""

    segment = PitfallSegment
    step_ids = PitfallSegment.step_ids


__all__ = [
    "PitfallSegment",
    "ShapeCheck",
    "ShapeSegment",
    "SquarePitfall",
    "body_box",
    "culprit_frame",
    "rows_of",
]
