"""ShapeCheck: shape badges under every factor; the transpose-free candidate is tried.

Step ``dZ1.shapes`` writes ``dZ[1] = W[2]ᵀ dZ[2] ∗ g[1]′(Z[1])`` with a badge under each factor
(the shape in letters over the shape in numbers). Step ``dZ1.no_transpose`` swaps in
``W[2] dZ[2]``: where the derivation marks a badge as not fitting, it gets the error frame and a
cross; where every shape happens to agree (``n[1] = n[2]``), the derivation's candidate check
supplies the entry that differs, written wrong (``≠``) over right (``=``). Then the correct form
returns with every badge ticked.

Render with ``manim -ql scenes/shapes.py ShapeCheck``.
"""

from __future__ import annotations

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
    TransformFromCopy,
    TransformMatchingTex,
    VGroup,
    VMobject,
    Write,
)

from derivations.steps import Parts, Step
from derivations.vocabulary import StepId, StepKind

from scenes.badges import Badge, BadgedEquation, status_colour, verdict_mark
from scenes.build import Box, break_points, equation_lines, fit_into, part_of, stack_boxes
from scenes.segment import Segment, SegmentScene


#: The equation is the subject of this scene: it is written larger than body text.
HERO_SCALE = 1.2


class ShapeSegment(Segment):
    """Steps ``dZ1.shapes`` and ``dZ1.no_transpose``, then the correct form, all ticked."""

    step_ids = (StepId("dZ1", StepKind.SHAPES), StepId("dZ1", StepKind.NO_TRANSPOSE))

    def play(self) -> None:
        shapes, wrong = (self.step(i) for i in self.step_ids)
        equation_box, lines_box = self.bands()

        # -- the correct equation, a badge under every factor
        self.begin_step(shapes)
        right = self.badged(shapes, equation_box)
        self.scene.play(Write(right.equation), run_time=self.t(1.2))
        self.scene.play(LaggedStart(*[FadeIn(b, shift=0.2 * UP) for b in right.badge_row()],
                                    lag_ratio=0.35), run_time=self.t(2.0))
        self.end_step()

        # -- without the transpose
        self.begin_step(wrong)
        tried = self.badged(wrong, equation_box)
        self.scene.play(TransformMatchingTex(right.equation, tried.equation),
                        *self.swap_badges(right, tried), run_time=self.t(1.5))
        judged = VGroup()
        bad = [badge for badge in tried.badges.values() if not badge.badge.ok]
        if bad:
            animations: list[Animation] = []
            for badge in bad:
                marks, shown = badge.judge(self.theme)
                judged.add(marks)
                animations += shown
            self.scene.play(*animations, run_time=self.t(1.0))
            judged.add(self.inner_sizes(tried, bad[0], lines_box))
        if wrong.lines:
            judged.add(self.wrong_entry(wrong, lines_box))
        self.end_step()

        # -- back to the transpose: every badge agrees
        again = self.badged(shapes, equation_box)
        self.begin_step(shapes)  # a section of its own: "(continued)", narration not repeated
        self.scene.play(FadeOut(judged), run_time=self.t(0.5))
        self.scene.play(TransformMatchingTex(tried.equation, again.equation),
                        *self.swap_badges(tried, again), run_time=self.t(1.5))
        ticks, animations = VGroup(), []
        for badge in again.badges.values():
            marks, shown = badge.judge(self.theme, ok=True)
            ticks.add(marks)
            animations += shown
        frame = SurroundingRectangle(again.equation, color=status_colour(self.theme, True),
                                     buff=0.15, corner_radius=0.1, stroke_width=4)
        self.scene.play(LaggedStart(*animations, lag_ratio=0.15), run_time=self.t(1.5))
        self.scene.play(Create(frame), run_time=self.t(0.8))
        self.wait(self.t(1.5))

    # ---------------------------------------------------------------- layout

    @staticmethod
    def bands() -> tuple[Box, Box]:
        """The badged equation, and the entry comparison below it."""
        equation, lines = stack_boxes((0.55, 2.6, 4.0))[1:]
        return (Box(equation.center, equation.width - 0.8, equation.height),
                Box(lines.center, lines.width - 0.8, lines.height))

    def badged(self, step: Step, box: Box) -> BadgedEquation:
        """The step's equation with its badges, fitted into ``box``."""
        shown = BadgedEquation(step.equation, step.badges, self.theme,
                               font_size=HERO_SCALE * self.theme.body_size)
        fit_into(shown, box, self.theme)
        return shown

    @staticmethod
    def swap_badges(old: BadgedEquation, new: BadgedEquation) -> list[Animation]:
        """Each old badge turns into the new badge in the same position of the equation."""
        olds, news = list(old.badges.values()), list(new.badges.values())
        # badges beyond the new equation's fade out below
        moves: list[Animation] = [ReplacementTransform(a, b)
                                  for a, b in zip(olds, news, strict=False)]
        moves += [FadeOut(a) for a in olds[len(news):]]
        moves += [FadeIn(b) for b in news[len(olds):]]
        return moves

    def inner_sizes(self, tried: BadgedEquation, bad: Badge, box: Box) -> VGroup:
        """The numeric shapes of the bad factor and the factor after it, brought together;
        the two inner sizes that should agree are framed in the error colour."""
        names = list(tried.badges)
        index = names.index(bad.badge.part)
        if index + 1 >= len(names):
            return VGroup()
        left, right = bad.numbers, tried.badges[names[index + 1]].numbers
        pair = VGroup(left.copy(), right.copy()).arrange(RIGHT, buff=0.2).scale(1.4)
        pair.move_to(box.point())
        inner = VGroup(pair[0][-2], pair[1][1])
        frames = VGroup(*[SurroundingRectangle(m, color=status_colour(self.theme, False),
                                               buff=0.06, stroke_width=4) for m in inner])
        mark = verdict_mark(self.theme, False).next_to(pair, DOWN, buff=0.3)
        self.scene.play(TransformFromCopy(left, pair[0]), TransformFromCopy(right, pair[1]),
                        run_time=self.t(1.0))
        self.scene.play(Create(frames), FadeIn(mark), run_time=self.t(0.8))
        return VGroup(pair, frames, mark)

    def wrong_entry(self, step: Step, box: Box) -> VGroup:
        """The candidate's entry (``≠``) over the true one (``=``), each with its verdict; the
        parts where they differ are framed. Returns what was added."""
        candidate, truth = step.lines[0], step.lines[-1]
        width = box.width - 0.6
        rows = VGroup(*[self.entry_line(parts, width) for parts in (candidate, truth)])
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        fit_into(rows, Box(box.center, width, box.height), self.theme)
        marks = VGroup(*[verdict_mark(self.theme, ok).next_to(row, LEFT, buff=0.25)
                         for row, ok in zip(rows, (False, True), strict=True)])
        differing = VGroup(*self.differences(rows[0], candidate, truth, ok=False),
                           *self.differences(rows[1], truth, candidate, ok=True))
        for row, mark in zip(rows, marks, strict=True):
            self.scene.play(FadeIn(row, shift=0.2 * DOWN), FadeIn(mark), run_time=self.t(1.0))
        self.scene.play(*[Create(frame) for frame in differing], run_time=self.t(0.8))
        return VGroup(rows, marks, differing)

    def entry_line(self, parts: Parts, width: float) -> VGroup:
        """One entry equation, broken after a ``+`` where it would be wider than ``width``."""
        size = self.theme.body_size
        return equation_lines(parts, self.theme, break_points(parts, self.theme, width, size),
                              size)

    def differences(self, lines: VGroup, parts: Parts, other: Parts, ok: bool
                    ) -> list[VMobject]:
        """Frames in the verdict colour around the parts of ``parts`` that ``other`` lacks."""
        present = {part.tex for part in other}
        frames = []
        for part in parts:
            if part.tex in present or not part.tex or part.symbol is None:
                continue
            for line in lines:
                try:
                    mobject = part_of(line, part.name)
                except KeyError:
                    continue
                frames.append(SurroundingRectangle(mobject, color=status_colour(self.theme, ok),
                                                   buff=0.05, stroke_width=3))
        return frames


class ShapeCheck(SegmentScene):
    """Shapes under every factor; why ``W[2] dZ[2]`` fails and ``W[2]ᵀ dZ[2]`` fits."""

    segment = ShapeSegment
    step_ids = ShapeSegment.step_ids


__all__ = ["ShapeCheck", "ShapeSegment"]
