"""Recap: back to the question, on a card of the six formulas, each with its shape.

Step ``general.recap``. The card has two columns, the output layer's ``dZ``, ``dW``, ``db`` on
the left and layer 1's on the right, the ``=`` signs of a column one above another, and after
each formula its shape badge (letters over numbers), the shape of the gradient's variable.
Then the three answers to the question, each in turn: its parts of the ``dZ[1]`` formula
underlined in place (``W[2]ᵀ``; ``W[2]ᵀ dZ[2]``; ``∗ g[1]′(Z[1])``; a mark under the glyphs
never covers their neighbours), and its short label written under the card, wrapped at word
boundaries to the card's width, its leading term underlined alike; timed by the step's
narration beats. The card ends with every label on screen.

Render with ``chainrule render Recap``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from itertools import pairwise
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
    Line,
    SurroundingRectangle,
    VGroup,
    VMobject,
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
from derivations.vocabulary import Parts, Role
from scenes.badges import Badge
from scenes.base import still_wait_covering
from scenes.equations import EquationTex, equation_lines
from scenes.layout import Box, fit_first, fit_into, stack_boxes
from scenes.segment import Segment, SegmentScene
from scenes.typeset import word_boundary

if TYPE_CHECKING:
    from scenes.theme import Theme

#: Rows of the card: the gradients of one layer, one per row (``dZ``, ``dW``, ``db``).
ROWS = 3
#: The card is drawn up to this much larger than its natural size to fill the frame.
MAX_GROWTH = 1.5
#: Type sizes to try, largest first: (formula, badge letters, answer labels), the formulas' as
#: a share of the theme's body size, the others' as shares of the formulas'; the first that
#: fits the frame legibly is used. The card is as wide as the frame allows (two columns of
#: formulas and badges), so the badges and labels, a little smaller, set how large it can be:
#: at 0.95 of the formulas they reach the theme's minimum size when the formulas are about 34.
SIZES = ((1.0, 0.95, 0.95), (0.9, 1.0, 1.0), (0.8, 1.0, 1.0))
#: Space between two rows of the card, between its columns, and around the answers; between a
#: formula and its badge; between the card's frame and what it holds.
ROW_GAP, COLUMN_GAP, ANSWER_GAP = 0.2, 0.5, 0.18
BADGE_GAP, FRAME_BUFF = 0.3, 0.2
#: How far :func:`~scenes.equations.equation_lines` indents a continuation line, and how many
#: times :func:`wrapped` narrows its lines before it gives up.
CONTINUATION_INDENT, WRAP_TRIES = 0.8, 5
#: An underline mark: its gap below the glyphs it marks and its stroke width.
MARK_BUFF, MARK_WIDTH = 0.1, 5.0
#: Other formulas are dimmed to this opacity while an answer is lit.
DIMMED = 0.35
#: Seconds the finished card stays on screen after the narration ends: the lecture's last
#: frame is read, not flashed.
FINAL_HOLD = 4.0


class RecapCard(VGroup):
    """The six formulas in two columns, each followed by its shape badge, in a frame; the
    answer labels stacked under it, each wrapped to the card's width.

    ``formulas[k]`` is the equation of ``recap_formulas(step)[k]``, ``badges[k]`` its badge,
    ``question`` the ``dZ[1]`` formula, ``labels[k]`` the lines of answer ``k`` (a group of
    equations, :func:`~scenes.equations.equation_lines`).
    """

    def __init__(
        self,
        step: Step,
        theme: Theme,
        formula_share: float = 1.0,
        badge_share: float = 1.0,
        label_share: float = 1.0,
    ) -> None:
        super().__init__()
        lines = recap_formulas(step)
        by_part = {badge.part: badge for badge in step.badges}
        size = formula_share * theme.body_size
        badge_size = max(theme.min_font_size, badge_share * size)
        self.formulas = [EquationTex(parts, theme, size) for parts in lines]
        self.badges = [Badge(by_part[parts[0].name], theme, badge_size) for parts in lines]
        self.question = self.formulas[list(lines).index(step.equation)]
        # a row is as tall as its tallest formula or badge in either column, so the rows of
        # the two columns line up
        tall = [max(f.height, b.height) for f, b in zip(self.formulas, self.badges, strict=True)]
        heights = [max(tall[r::ROWS]) for r in range(ROWS)]
        columns = VGroup(
            *[
                self._column(self.formulas[k : k + ROWS], self.badges[k : k + ROWS], heights)
                for k in range(0, len(lines), ROWS)
            ]
        )
        columns.arrange(RIGHT, buff=COLUMN_GAP, aligned_edge=UP)
        self.frame = SurroundingRectangle(
            columns,
            color=theme.text,
            buff=FRAME_BUFF,
            corner_radius=0.15,
            stroke_width=2,
            stroke_opacity=0.6,
        )
        self.card = VGroup(columns, self.frame)
        # the answers are what the lecture set out to explain: as large as the formulas
        label_size = max(theme.min_font_size, label_share * size)
        self.labels = [
            wrapped(parts, theme, label_size, self.frame.width) for parts in recap_answers(step)
        ]
        answers = VGroup(*self.labels).arrange(DOWN, aligned_edge=LEFT, buff=ANSWER_GAP)
        answers.next_to(self.card, DOWN, buff=ANSWER_GAP).align_to(self.frame, LEFT)
        self.answers = answers
        self.add(self.card, answers)

    @staticmethod
    def _column(
        formulas: Sequence[EquationTex], badges: Sequence[Badge], heights: Sequence[float]
    ) -> VGroup:
        """One layer's formulas one under another, ``=`` under ``=``, each centred in its row
        (``heights`` top to bottom, :data:`ROW_GAP` apart), badges in a column at their
        right."""
        anchor = max(f.with_role(Role.EQUALS).get_center()[0] - f.get_left()[0] for f in formulas)
        top = 0.0
        for formula, height in zip(formulas, heights, strict=True):
            equals = formula.with_role(Role.EQUALS).get_center()[0]
            formula.shift(
                np.array([anchor - equals, top - height / 2 - formula.get_center()[1], 0.0])
            )
            top -= height + ROW_GAP
        right = max(f.get_right()[0] for f in formulas) + BADGE_GAP
        for formula, badge in zip(formulas, badges, strict=True):
            badge.move_to(np.array([right + badge.width / 2, formula.get_center()[1], 0.0]))
        return VGroup(*[VGroup(f, b) for f, b in zip(formulas, badges, strict=True)])


def line_breaks(widths: Sequence[float], allowed: Sequence[bool], max_width: float) -> list[int]:
    """Where to start new lines (indices of ``widths``) so that each line is at most
    ``max_width`` wide, breaking only before an index ``k`` with ``allowed[k - 1]`` (the
    boundary between ``k - 1`` and ``k``), as late as possible. A stretch with no allowed
    break stays whole.

    >>> line_breaks([2, 2, 2, 2], [True, True, True], 4.5)
    [2]
    >>> line_breaks([2, 2, 2, 2], [False, True, False], 4.5)
    [2]
    >>> line_breaks([3, 3], [False], 4.0)
    []
    """
    breaks: list[int] = []
    start, used = 0, 0.0
    last: int | None = None
    for index, width in enumerate(widths):
        if index > start and allowed[index - 1]:
            last = index
        if index > start and used + width > max_width and last is not None:
            breaks.append(last)
            start, last = last, None
            used = sum(widths[start:index])
        used += width
    return breaks


def wrapped(parts: Parts, theme: Theme, size: float, max_width: float) -> VGroup:
    """``parts`` as lines of at most ``max_width`` (continuation lines indented), broken at
    word boundaries (:func:`word_boundary`) as late as possible. Parts typeset one by one lose
    the spaces at their ends, so the breaks are found from those widths and moved earlier
    until the lines typeset together fit (or no break is left to move)."""
    kept = tuple(part for part in parts if part.tex)
    widths = [EquationTex((part,), theme, size).width for part in kept]
    allowed = [word_boundary(a, b) for a, b in pairwise(kept)]
    budget = max_width - CONTINUATION_INDENT
    lines = equation_lines(kept, theme, (), size)
    for _ in range(WRAP_TRIES):
        lines = equation_lines(kept, theme, line_breaks(widths, allowed, budget), size)
        if lines.width <= max_width:
            break
        budget *= 0.9
    return lines


def underline(mobject: VMobject, theme: Theme) -> Line:
    """A mark under ``mobject``: a line in the theme's highlight colour, as wide as its glyphs
    and :data:`MARK_BUFF` below them, so it covers none of its neighbours."""
    y = mobject.get_bottom()[1] - MARK_BUFF
    return Line(
        np.array([mobject.get_left()[0], y, 0.0]),
        np.array([mobject.get_right()[0], y, 0.0]),
        color=theme.highlight,
        stroke_width=MARK_WIDTH,
    )


def focus_parts(shown: VMobject, names: Sequence[str]) -> VGroup:
    """The first part called each of ``names`` in ``shown`` (an equation or lines of one)."""
    found: dict[str, VMobject] = {}
    for member in shown.get_family():
        if isinstance(member, EquationTex):
            for part, mobject in member.pieces():
                if part.name in names:
                    found.setdefault(part.name, mobject)
    missing = [name for name in names if name not in found]
    if missing:
        raise KeyError(f"{shown!r} has no part called {', '.join(missing)}")
    return VGroup(*[found[name] for name in names])


class RecapSegment(Segment):
    """Step ``general.recap``: the card, then the three answers lit in turn."""

    step_ids = (RECAP,)

    def play(self) -> None:
        step = self.begin_step(self.step(RECAP))
        start = float(self.scene.time)
        card = fit_first(
            [partial(RecapCard, step, self.theme, *sizes) for sizes in SIZES],
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
            marks = VGroup(
                *[
                    underline(focus_parts(shown, focus), self.theme)
                    for shown in (card.question, label)
                ]
            )
            gone = [FadeOut(lit)] if len(lit) else []
            self.scene.play(*gone, Create(marks[0]), run_time=self.t(0.6))
            self.scene.play(Write(label), Create(marks[1]), run_time=self.t(1.2))
            lit = marks
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


__all__ = ["Recap", "RecapCard", "RecapSegment", "line_breaks", "underline", "word_boundary"]
