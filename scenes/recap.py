"""Recap: back to the question, on a card of the six formulas, each with its shape.

Step ``general.recap``. The card has two columns, the output layer's ``dZ``, ``dW``, ``db`` on
the left and layer 1's on the right, the ``=`` signs of a column one above another, and after
each formula its shape badge (letters over numbers), the shape of the gradient's variable.
Then the three answers to the question, each in turn: its parts of the ``dZ[1]`` formula lit
(``W[2]ᵀ``; ``W[2]ᵀ dZ[2]``; ``∗ g[1]′(Z[1])``), and its short label written under the card
with the same parts lit, timed by the step's narration beats. The card ends with every
label on screen.

Render with ``chainrule render Recap``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

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
    SurroundingRectangle,
    VGroup,
    Write,
    config,
)

from derivations.sequence_recap import (
    RECAP,
    answer_focus,
    narration_beats,
    recap_answers,
    recap_formulas,
)
from derivations.steps import Step
from derivations.vocabulary import Role
from scenes.badges import Badge
from scenes.base import still_wait_covering
from scenes.equations import EquationTex
from scenes.layout import Box, fit_first, fit_into, stack_boxes
from scenes.matrices import highlight_band
from scenes.segment import Segment, SegmentScene

if TYPE_CHECKING:
    from scenes.theme import Theme

#: Rows of the card: the gradients of one layer, one per row (``dZ``, ``dW``, ``db``).
ROWS = 3
#: The card is drawn up to this much larger than its natural size to fill the frame.
MAX_GROWTH = 1.35
#: Type sizes to try, largest first: (formula, badge letters) as shares of the theme's body
#: and entry sizes; the first that fits the frame legibly is used.
SIZES = ((1.0, 1.0), (0.85, 0.85), (0.75, 0.8), (0.7, 0.75))
#: The answer labels under the card, as a share of the card's formula size.
LABEL_SHARE = 1.1
#: Space between two rows of the card, between its columns, and around the answers.
ROW_GAP, COLUMN_GAP, ANSWER_GAP = 0.2, 0.6, 0.18
#: Margin of a highlight band around the parts an answer explains (clear of the ``=``).
BAND_BUFF = 0.05
#: Other formulas are dimmed to this opacity while an answer is lit.
DIMMED = 0.35
#: Seconds the finished card stays on screen after the narration ends: the lecture's last
#: frame is read, not flashed.
FINAL_HOLD = 4.0


class RecapCard(VGroup):
    """The six formulas in two columns, each followed by its shape badge, in a frame; the
    answer labels stacked under it.

    ``formulas[k]`` is the equation of ``recap_formulas(step)[k]``, ``badges[k]`` its badge,
    ``question`` the ``dZ[1]`` formula, ``labels[k]`` the equation of answer ``k``.
    """

    def __init__(
        self, step: Step, theme: Theme, formula_share: float = 1.0, badge_share: float = 1.0
    ) -> None:
        super().__init__()
        lines = recap_formulas(step)
        by_part = {badge.part: badge for badge in step.badges}
        size = formula_share * theme.body_size
        badge_size = max(theme.min_font_size, badge_share * theme.entry_size)
        self.formulas = [EquationTex(parts, theme, size) for parts in lines]
        self.badges = [Badge(by_part[parts[0].name], theme, badge_size) for parts in lines]
        self.question = self.formulas[list(lines).index(step.equation)]
        columns = VGroup(
            *[
                self._column(self.formulas[k : k + ROWS], self.badges[k : k + ROWS])
                for k in range(0, len(lines), ROWS)
            ]
        )
        columns.arrange(RIGHT, buff=COLUMN_GAP, aligned_edge=UP)
        self.frame = SurroundingRectangle(
            columns,
            color=theme.text,
            buff=0.25,
            corner_radius=0.15,
            stroke_width=2,
            stroke_opacity=0.6,
        )
        self.card = VGroup(columns, self.frame)
        # the answers are what the lecture set out to explain: as large as the formulas
        self.labels = [
            EquationTex(parts, theme, max(theme.min_font_size, LABEL_SHARE * size))
            for parts in recap_answers(step)
        ]
        answers = VGroup(*self.labels).arrange(DOWN, aligned_edge=LEFT, buff=ANSWER_GAP)
        answers.next_to(self.card, DOWN, buff=1.5 * ANSWER_GAP)
        self.answers = answers
        self.add(self.card, answers)

    @staticmethod
    def _column(formulas: Sequence[EquationTex], badges: Sequence[Badge]) -> VGroup:
        """One layer's formulas one under another, ``=`` under ``=``, badges in a column at
        their right."""
        rows = max(max(f.height, b.height) for f, b in zip(formulas, badges, strict=True))
        anchor = max(f.with_role(Role.EQUALS).get_center()[0] - f.get_left()[0] for f in formulas)
        for index, formula in enumerate(formulas):
            equals = formula.with_role(Role.EQUALS).get_center()[0]
            formula.shift(
                np.array(
                    [anchor - equals, -index * (rows + ROW_GAP) - formula.get_center()[1], 0.0]
                )
            )
        right = max(f.get_right()[0] for f in formulas) + 0.4
        for formula, badge in zip(formulas, badges, strict=True):
            badge.move_to(np.array([right + badge.width / 2, formula.get_center()[1], 0.0]))
        return VGroup(*[VGroup(f, b) for f, b in zip(formulas, badges, strict=True)])


class RecapSegment(Segment):
    """Step ``general.recap``: the card, then the three answers lit in turn."""

    step_ids = (RECAP,)

    def play(self) -> None:
        step = self.begin_step(self.step(RECAP))
        start = float(self.scene.time)
        card = fit_first(
            [partial(RecapCard, step, self.theme, f, b) for f, b in SIZES],
            self.box(),
            self.theme,
        )
        fit_into(card, self.box(), self.theme, grow=MAX_GROWTH)
        pairs = [VGroup(f, b) for f, b in zip(card.formulas, card.badges, strict=True)]
        self.scene.play(
            LaggedStart(*[Write(f) for f in card.formulas], lag_ratio=0.15),
            Create(card.frame),
            run_time=self.t(2.4),
        )
        self.scene.play(
            LaggedStart(*[FadeIn(b, shift=0.15 * LEFT) for b in card.badges], lag_ratio=0.15),
            run_time=self.t(1.2),
        )
        others = [
            pair for pair, f in zip(pairs, card.formulas, strict=True) if f is not card.question
        ]
        self.scene.play(
            *[pair.animate.set_opacity(DIMMED) for pair in others], run_time=self.t(0.5)
        )
        lit = VGroup()
        beats = self.beat_starts(step.narration, narration_beats(self.scene.spec), start)
        for answer, label, at in zip(recap_answers(step), card.labels, beats, strict=True):
            self.wait_until(at)
            focus = answer_focus(answer, step.equation)
            bands = VGroup(
                *[
                    highlight_band(
                        VGroup(*[shown.part(n) for n in focus]), self.theme, buff=BAND_BUFF
                    )
                    for shown in (card.question, label)
                ]
            )
            gone = [FadeOut(lit)] if len(lit) else []
            self.scene.play(*gone, Create(bands[0]), run_time=self.t(0.6))
            self.scene.play(Write(label), Create(bands[1]), run_time=self.t(1.2))
            lit = bands
        self.wait_until(max(beats[-1] + self.t(3.0), self.scene._caption_end))
        self.scene.play(
            FadeOut(lit), *[pair.animate.set_opacity(1.0) for pair in others], run_time=self.t(0.6)
        )
        self.scene.settle(card)
        # the whole card, after the last word: the viewer's time to read it (not sped up)
        self.wait(still_wait_covering(FINAL_HOLD, config.frame_rate))

    @staticmethod
    def box() -> Box:
        """Everything below the title, less a small margin at the sides."""
        body = stack_boxes((0.55, 7.0))[1]
        return Box(body.center, body.width - 0.1, body.height - 0.1)


class Recap(SegmentScene):
    """Back to the question: the six formulas of the slide with their shapes, and the three
    answers (the transpose, the order, the element-wise product)."""

    segment = RecapSegment


__all__ = ["Recap", "RecapCard", "RecapSegment"]
