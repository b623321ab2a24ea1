"""The lecture's map: the slide's formulas, the question on top and the rest below.

Steps ``general.map`` (right after the title card) and ``general.part_two`` (between the two
parts). Both draw one card: the question's formula ``dZ[1]`` large at the top under the label of
part 1, the slide's other five formulas below it in two columns (the output layer's, then layer
1's) under the label of part 2. The map writes the card and lights, beat by beat, the whole
slide, then the three things the question asks about in ``dZ[1]`` (the transpose, the order,
the element-wise product), then the five formulas of part 2. The turn to part 2 dims ``dZ[1]``
under a check mark, lights the five, and then the first of them, ``dZ[L]``, where part 2
starts.

Render with ``chainrule render LecturePlan``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    VGroup,
    VMobject,
)

from derivations.sequence_plan import (
    MAP,
    PART_TWO,
    map_beats,
    part_two_beats,
    plan_formulas,
    plan_tags,
)
from derivations.sequence_recap import answer_focus, answer_lines
from derivations.steps import Step
from derivations.vocabulary import Role
from scenes.equations import EquationTex
from scenes.layout import Box, fit_first, fit_into, stack_boxes
from scenes.matrices import highlight_band
from scenes.segment import Segment, SegmentScene

if TYPE_CHECKING:
    from manim import Animation

    from scenes.theme import Theme

#: Formulas per column of the lower block (one layer's ``dZ``, ``dW``, ``db``).
ROWS = 3
#: Type sizes to try, largest first, as shares of the theme's body size: (question, others).
SIZES = ((1.5, 1.0), (1.3, 0.9), (1.15, 0.8))
#: The labels of the parts, as a share of the theme's body size.
TAG_SHARE = 0.8
#: Gaps between rows, between the two columns, between a label and its formulas, and between
#: the two parts.
ROW_GAP, COLUMN_GAP, TAG_GAP, PART_GAP = 0.22, 0.9, 0.25, 0.55
#: Opacity of what the narration is not about.
DIMMED = 0.3
#: The card is drawn up to this much larger than its natural size.
MAX_GROWTH = 1.3


class PlanCard(VGroup):
    """The question's formula under part 1's label; the other formulas, in columns, under part
    2's label; and a check mark label for part 1, made (beside its label) but not added."""

    def __init__(self, step: Step, theme: Theme, question_share: float, others_share: float):
        super().__init__()
        lines = plan_formulas(step)
        part_one, part_two, checked = plan_tags(step)
        tag_size = max(theme.min_font_size, TAG_SHARE * theme.body_size)
        self.question = EquationTex(step.equation, theme, question_share * theme.body_size)
        size = max(theme.min_font_size, others_share * theme.body_size)
        self.others = [EquationTex(parts, theme, size) for parts in lines if parts != step.equation]
        self.part_one = EquationTex(part_one, theme, tag_size)
        self.part_two = EquationTex(part_two, theme, tag_size)
        self.checked = EquationTex(checked, theme, tag_size)
        top = VGroup(self.part_one, self.question).arrange(DOWN, buff=TAG_GAP)
        columns = VGroup(
            *[self._column(self.others[k : k + ROWS]) for k in range(0, len(self.others), ROWS)]
        ).arrange(RIGHT, buff=COLUMN_GAP, aligned_edge=UP)
        bottom = VGroup(self.part_two, columns).arrange(DOWN, buff=TAG_GAP)
        self.add(top, bottom)
        self.arrange(DOWN, buff=PART_GAP)
        #: the labels' height as built: the check label, kept out of the card, is scaled
        #: as the card is
        self.tag_height = self.part_one.height

    def place_checked(self) -> None:
        """The check label at the size of the part labels, to the right of part 1's."""
        self.checked.scale(self.part_one.height / self.tag_height)
        self.tag_height = self.part_one.height
        self.checked.next_to(self.part_one, RIGHT, buff=0.5)

    @staticmethod
    def _column(formulas: Sequence[EquationTex]) -> VGroup:
        """Formulas one under another, their ``=`` signs aligned."""
        column = VGroup(*formulas).arrange(DOWN, buff=ROW_GAP)
        anchor = max(f.with_role(Role.EQUALS).get_center()[0] for f in formulas)
        for formula in formulas:
            formula.shift((anchor - formula.with_role(Role.EQUALS).get_center()[0]) * RIGHT)
        return column


class PlanSegment(Segment):
    """A card of the slide's formulas, its highlights timed by the step's narration beats."""

    step_id = MAP

    @classmethod
    def step_ids_for(cls, derivation: object) -> tuple[str, ...]:
        """The one plan step this segment shows."""
        return (cls.step_id,)

    def card(self, step: Step) -> PlanCard:
        """The card, as large as the body allows with legible type."""
        card = fit_first(
            [partial(PlanCard, step, self.theme, q, o) for q, o in SIZES],
            self.box(),
            self.theme,
        )
        fit_into(card, self.box(), self.theme, grow=MAX_GROWTH)
        card.place_checked()
        return card

    @staticmethod
    def box() -> Box:
        """Everything below the title, less a margin."""
        body = stack_boxes((0.55, 7.0))[1]
        return Box(body.center, body.width - 0.4, body.height - 0.2)

    def band(self, *mobjects: VMobject) -> VGroup:
        """A highlight band around ``mobjects`` taken together."""
        return VGroup(highlight_band(VGroup(*mobjects), self.theme, buff=0.1))

    def play(self) -> None:
        step = self.step(self.step_id)
        card = self.card(step)
        start = float(self.scene.time)
        self.begin_step(step, along=self.opening(card))
        beats = self.beat_starts(step.narration, self.beats(), start)
        self.play_beats(step, card, beats)
        self.wait_until(self.scene._caption_end)
        self.scene.settle(card)
        self.end_step(pause=1.0)

    def beats(self) -> tuple[str, ...]:
        """The narration's beats."""
        return map_beats(self.scene.spec)

    def opening(self, card: PlanCard) -> list[Animation]:
        """What comes with the title: the slide's formulas."""
        return [
            FadeIn(card.question),
            LaggedStart(*[FadeIn(f) for f in card.others], lag_ratio=0.1),
        ]

    def play_beats(self, step: Step, card: PlanCard, beats: list[float]) -> None:
        """The map: the slide; the question's three parts lit in turn; part 2's formulas."""
        self.wait_until(beats[0])
        self.scene.play(
            FadeIn(card.part_one, shift=0.1 * DOWN),
            *[f.animate.set_opacity(DIMMED) for f in card.others],
            run_time=self.t(0.6),
        )
        lit = VGroup()
        share = (beats[1] - beats[0]) / 4
        for k, answer in enumerate(answer_lines()):
            self.wait_until(beats[0] + (k + 1) * share)
            focus = answer_focus(answer, step.equation)
            band = self.band(*[card.question.part(name) for name in focus])
            self.scene.play(*([FadeOut(lit)] if len(lit) else []), Create(band), run_time=0.5)
            lit = band
        self.wait_until(beats[1])
        self.scene.play(
            FadeOut(lit),
            FadeIn(card.part_two, shift=0.1 * DOWN),
            *[f.animate.set_opacity(1.0) for f in card.others],
            card.question.animate.set_opacity(DIMMED),
            card.part_one.animate.set_opacity(DIMMED),
            run_time=self.t(0.8),
        )
        self.wait_until(self.scene._caption_end)
        self.scene.play(
            card.question.animate.set_opacity(1.0),
            card.part_one.animate.set_opacity(1.0),
            run_time=self.t(0.5),
        )


class PartTwoSegment(PlanSegment):
    """Step ``general.part_two``: the question is done; the five formulas of part 2, and the
    one it starts with."""

    step_id = PART_TWO

    def beats(self) -> tuple[str, ...]:
        """The narration's beats."""
        return part_two_beats(self.scene.spec)

    def opening(self, card: PlanCard) -> list[Animation]:
        """What comes with the title: the whole card, part 1 marked done."""
        shown = (card.part_one, card.question, card.part_two, *card.others)
        return [*[FadeIn(m) for m in shown], FadeIn(card.checked, shift=0.2 * LEFT)]

    def play_beats(self, step: Step, card: PlanCard, beats: list[float]) -> None:
        """Part 2 lit; its first formula, ``dZ[L]``, singled out."""
        self.wait_until(beats[0])
        lit = self.band(card.part_two, *card.others)
        self.scene.play(
            *[m.animate.set_opacity(DIMMED) for m in (card.question, card.part_one, card.checked)],
            Create(lit),
            run_time=self.t(0.8),
        )
        self.wait_until(beats[1])
        first = self.band(card.others[0])
        self.scene.play(FadeOut(lit), Create(first), run_time=self.t(0.6))


class LecturePlan(SegmentScene):
    """The lecture's map: the slide's six formulas, the question and the rest."""

    segment = PlanSegment


class PartTwo(SegmentScene):
    """The turn to part 2: the question answered, the rest of the slide ahead."""

    segment = PartTwoSegment


__all__ = ["LecturePlan", "PartTwo", "PartTwoSegment", "PlanCard", "PlanSegment"]
