"""Lecture: a title card, the map of the two parts, then every segment in order, one section
per step.

The segments are the bodies of the single scenes (:mod:`scenes.expand`, :mod:`scenes.partials`,
:mod:`scenes.fold`, :mod:`scenes.transpose`, :mod:`scenes.shapes`, :mod:`scenes.vector`,
:mod:`scenes.numbers`, :mod:`scenes.parameter_gradients`), played one after another on one
scene, the body cleared between them. A network with more than two layers then shows the
general-layer recursion and the order in which backprop runs it; every lecture ends back at
the question, on the recap card (:mod:`scenes.recap`).

Render with ``manim -ql scenes/lecture.py Lecture``; change the title, the course or the
network in a subclass::

    class MyLecture(Lecture):
        spec = NetworkSpec(layer_dims=(2, 3, 2, 1), m=2)
        course = "Neural networks · Week 4"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    GrowArrow,
    SurroundingRectangle,
    VGroup,
    VMobject,
    Write,
)

from derivations.speech import subtitle_text
from derivations.steps import Parts, Step
from derivations.vocabulary import Role, StepId, StepKind
from scenes.base import TITLE_TEX_SCALE, DerivationScene
from scenes.equations import EquationTex, split_at_equals
from scenes.expand import ExpandSegment
from scenes.fold import FactorSegment, FoldUpSegment
from scenes.layout import Box, fit_first, fit_into, stack_boxes
from scenes.network import NetworkSegment
from scenes.numbers import NumbersSegment
from scenes.parameter_gradients import OtherGradientsSegment
from scenes.partials import PartialsSegment
from scenes.plan import PartTwoSegment, PlanSegment
from scenes.recap import RecapSegment
from scenes.segment import Segment
from scenes.shapes import PitfallSegment, ShapeSegment
from scenes.transpose import TransposeSegment
from scenes.vector import VectorSegment
from scenes.words import words_part

if TYPE_CHECKING:
    from derivations import Derivation

    from .pacing import Pacing

#: Where the formula goes in a title (``str.format`` style); the formula is the folded
#: ``dZ[1]`` of the derivation, typeset from its parts.
FORMULA = "{formula}"
#: The forward equations are drawn at most this much larger than body text.
MAX_GROWTH = 1.35
#: Space between the forward equations' rows, and between their two columns, in scene units.
ROW_GAP, COLUMN_GAP = 0.5, 1.3
#: Nominal length of the title card, in seconds.
TITLE_SECONDS = 5.8


#: The folded ``dZ[1]``: the formula the whole lecture arrives at.
DZ1_FOLD = StepId("dZ1", StepKind.FOLD)
FORWARD = StepId("dZ1", StepKind.FORWARD)
RECURSION = StepId("general", StepKind.RECURSION)


class TitleSegment(Segment):
    """The title card: ``scene.title`` (with the derived formula in it) and ``scene.course``."""

    step_ids = (DZ1_FOLD,)
    #: the card is played on a lecture, which has the title and the course
    scene: Lecture

    @classmethod
    def narrated_ids_for(cls, derivation: Derivation | None) -> tuple[StepId, ...]:
        """None: the card shows the folded formula and says nothing."""
        return ()

    def play(self) -> None:
        self.scene.next_section("Title")
        card = fit_first(
            [self.card_builder(arrange) for arrange in ("row", "column")],
            self.card_box(),
            self.theme,
        )
        self.scene.play(FadeIn(card[0], shift=0.2 * DOWN), run_time=self.t(1.5))
        self.scene.play(FadeIn(card[1]), run_time=self.t(1.0))
        self.wait(self.t(2.5))

    @staticmethod
    def card_box() -> Box:
        """The middle of the frame, with a generous margin."""
        from manim import config

        return Box((0.0, 0.0), config.frame_width - 1.2, config.frame_height - 2.0)

    def words(self, text: str, size: float) -> EquationTex | None:
        """``text`` in the formulas' own type (as every title is), or ``None`` when blank."""
        if not text.strip():
            return None
        return EquationTex((words_part(text.strip(), "card"),), self.theme, size * TITLE_TEX_SCALE)

    def card_builder(self, arrange: str) -> Callable[[], VGroup]:
        """A builder of the card with the title on one line (``"row"``) or three."""

        def build() -> VGroup:
            size = 1.3 * self.theme.title_size
            before, found, after = str(self.scene.title).partition(FORMULA)
            pieces: list[VMobject | None] = [self.words(before, size)]
            if found:
                pieces.append(
                    EquationTex(
                        self.step(DZ1_FOLD).equation, self.theme, 1.1 * self.theme.body_size
                    )
                )
                pieces.append(self.words(after, size))
            heading = VGroup(*[p for p in pieces if p is not None])
            heading.arrange(RIGHT if arrange == "row" else DOWN, buff=0.3)
            course = self.words(str(self.scene.course), self.theme.title_size)
            assert course is not None, "the course line is not empty"
            return VGroup(heading, course).arrange(DOWN, buff=0.8)

        return build


class ForwardSegment(Segment):
    """Step ``dZ1.forward``: the forward equations the derivation starts from, one row per
    layer (``Z[l] = …`` beside ``A[l] = …``, the ``=`` signs of a column one above another),
    the loss and the cost centred under them."""

    step_ids = (FORWARD,)

    def play(self) -> None:
        step = self.begin_step(self.step(FORWARD))
        rows = [[EquationTex(parts, self.theme) for parts in row] for row in layer_rows(step.lines)]
        block = forward_grid(rows)
        fit_into(block, stack_boxes((0.55, 7.0))[1], self.theme, grow=MAX_GROWTH)
        for row in rows:
            for line in row:
                self.scene.play(Write(line), run_time=self.t(1.0))
        self.end_step()


def layer_of(parts: Parts) -> str | None:
    """The layer an equation computes, read off its left side's symbol (``"2"`` for
    ``Z[2] = …``), or ``None`` (the loss)."""
    left = split_at_equals(parts)[0]
    found = re.search(r"\d+$", left[0].symbol or "") if left else None
    return found.group(0) if found else None


def layer_rows(lines: Sequence[Parts]) -> list[list[Parts]]:
    """The lines in rows: consecutive lines of the same layer share a row (``Z[l]``,
    ``A[l]``); a line of no layer is a row of its own."""
    rows: list[list[Parts]] = []
    for parts in lines:
        layer = layer_of(parts)
        if rows and layer is not None and layer_of(rows[-1][0]) == layer:
            rows[-1].append(parts)
        else:
            rows.append([parts])
    return rows


def forward_grid(rows: Sequence[Sequence[EquationTex]]) -> VGroup:
    """``rows`` of equations as a grid: in each column of the rows that have two or more
    equations the ``=`` signs stand one above another; a row of one equation is centred under
    the grid. Rows are :data:`ROW_GAP` apart, columns :data:`COLUMN_GAP`."""
    columns = max(len(row) for row in rows)
    grid = [row for row in rows if len(row) == columns]
    # each column's = sign at x = 0, then the columns side by side
    left = [max(_equals_x(row[k]) - row[k].get_left()[0] for row in grid) for k in range(columns)]
    right = [max(row[k].get_right()[0] - _equals_x(row[k]) for row in grid) for k in range(columns)]
    anchors = [0.0]
    for k in range(1, columns):
        anchors.append(anchors[-1] + right[k - 1] + COLUMN_GAP + left[k])
    top = 0.0
    for row in rows:
        height = max(line.height for line in row)
        for k, line in enumerate(row):
            x = anchors[k] - _equals_x(line) if len(row) == columns else -line.get_center()[0]
            line.shift(np.array([x, top - height / 2 - line.get_center()[1], 0.0]))
        top -= height + ROW_GAP
    block = VGroup(*[line for row in rows for line in row])
    middle = (anchors[0] - left[0] + anchors[-1] + right[-1]) / 2
    for row in rows:  # the lone rows under the grid's middle
        if len(row) != columns:
            row[0].set_x(middle)
    return block


def _equals_x(line: EquationTex) -> float:
    """The x of a line's first ``=`` (its centre when it has none)."""
    try:
        return float(line.with_role(Role.EQUALS).get_center()[0])
    except KeyError:
        return float(line.get_center()[0])


class RecursionSegment(Segment):
    """Step ``general.recursion``: the rule for any hidden layer, run from the output down."""

    step_ids = (RECURSION,)

    @classmethod
    def step_ids_for(cls, derivation: Derivation | None) -> tuple[StepId, ...]:
        """The recursion and the folded ``dZ`` of every layer, output first."""
        if derivation is None:
            return cls.step_ids
        layers = range(derivation.spec.num_layers, 0, -1)
        return (*cls.step_ids, *[StepId(f"dZ{layer}", StepKind.FOLD) for layer in layers])

    @classmethod
    def narrated_ids_for(cls, derivation: Derivation | None) -> tuple[StepId, ...]:
        """Only the recursion: the folded ``dZ`` of each layer is drawn, not narrated."""
        return cls.step_ids

    def play(self) -> None:
        step = self.begin_step(self.step(RECURSION))
        general_box, chain_box = stack_boxes((0.55, 1.4, 5.5))[1:]
        general = EquationTex(step.equation, self.theme, 1.2 * self.theme.body_size)
        fit_into(general, general_box, self.theme)
        frame = SurroundingRectangle(general, color=self.theme.text, buff=0.2, corner_radius=0.1)
        self.scene.play(Write(general), run_time=self.t(1.5))
        self.scene.play(Create(frame), run_time=self.t(0.6))

        folds = [
            self.step(i) for i in self.step_ids_for(self.scene.derivation) if i not in self.step_ids
        ]
        equations = [EquationTex(s.equation, self.theme) for s in folds]
        lines = VGroup(*equations).arrange(DOWN, buff=1.1)
        middle = lines.get_center()[0]
        for line in equations:  # the = signs one above another
            line.shift((middle - line.with_role(Role.EQUALS).get_center()[0]) * RIGHT)
        fit_into(lines, chain_box, self.theme)
        self.scene.play(Write(equations[0]), run_time=self.t(1.0))
        for (above, below), (upper, fold) in zip(pairwise(equations), pairwise(folds), strict=True):
            passed = passed_on(upper, fold)
            start = above[0].get_bottom() + 0.05 * DOWN
            end = below.part(passed).get_top() + 0.05 * UP
            arrow = Arrow(
                start,
                end,
                buff=0.05,
                stroke_width=4,
                color=self.theme.colour(passed),
                max_tip_length_to_length_ratio=0.15,
            )
            self.scene.play(GrowArrow(arrow), run_time=self.t(0.6))
            self.scene.play(Write(below), run_time=self.t(1.0))
        self.end_step(pause=2.0)


def passed_on(upper: Step, lower: Step) -> str:
    """The name of the part of ``lower``'s formula that ``upper`` computed (``dZ[2]`` in
    ``dZ[1] = W[2]ᵀ dZ[2] ∗ g′(Z[1])``): the right-hand part coloured like ``upper``'s
    left-hand side."""
    computed = {part.symbol for part in split_at_equals(upper.equation)[0]}
    right = split_at_equals(lower.equation)[1]
    return next(part.name for part in right if part.symbol in computed)


class Lecture(DerivationScene):
    """The whole derivation as one video: title card, then every segment.

    ``title`` may contain ``{formula}``, where the folded ``dZ[1]`` of the derivation is
    typeset; ``course`` is shown under it. Both are plain text.
    """

    title: ClassVar[str] = "Where does {formula} come from?"
    course: ClassVar[str] = "Deep Learning Specialization · Course 1 · Week 3"
    #: One argument in two parts, announced by the map after the title. Part 1, the question:
    #: derive (the network, the scalars, one partial, g' factored out, the transpose: the
    #: edges' picture, then the index sum that proves it, the fold), then check what was
    #: derived, each check leading from the one before: its shapes (wrong forms fail, the
    #: right one fits, the square pitfall where only values tell), so the learner's own route
    #: (the vector chain rule) derives the same formula, and real numbers and a nudge confirm
    #: one entry of it. Part 2, announced: the rest of the slide, starting from dZ[2], which
    #: part 1 took as given. Every step is narrated once and none is shown twice.
    segments: ClassVar[tuple[type[Segment], ...]] = (
        TitleSegment,
        PlanSegment,
        NetworkSegment,
        ForwardSegment,
        ExpandSegment,
        PartialsSegment,
        FactorSegment,
        TransposeSegment,
        FoldUpSegment,
        ShapeSegment,
        PitfallSegment,
        VectorSegment,
        NumbersSegment,
        PartTwoSegment,
        OtherGradientsSegment,
    )

    #: Render only this part: 0 is the title card, part k is segment k. A part starts from an
    #: empty body; the steps the parts before it narrate count as already begun, so a repeated
    #: step is marked as continued exactly as in the whole lecture. ``None``: all parts.
    #: Parts rendered one by one and joined end to end make the whole lecture.
    part: ClassVar[int | None] = None

    @classmethod
    def every_segment(cls) -> tuple[type[Segment], ...]:
        """Every segment any network's lecture plays, in the lecture's order: the one place
        that order is kept (the CLI lists the single scenes by it)."""
        return (*cls.segments, RecursionSegment, RecapSegment)

    @classmethod
    def segments_for(cls, derivation: Derivation) -> tuple[type[Segment], ...]:
        """The segments to play; networks of more than two layers add the recursion, and
        every lecture ends back at the question, on the recap card."""
        deep = derivation.spec.num_layers > 2
        return tuple(s for s in cls.every_segment() if deep or s is not RecursionSegment)

    @classmethod
    def estimated_duration(cls, derivation: Derivation, pacing: Pacing) -> float:
        """A lower bound of the length: the title card and every narration, read once."""
        ids = dict.fromkeys(
            i
            for segment in cls.segments_for(derivation)
            for i in segment.narrated_ids_for(derivation)
        )
        return TITLE_SECONDS / pacing.speed + sum(
            pacing.reading_time(subtitle_text(derivation.step(i).narration)) for i in ids
        )

    def construct(self) -> None:
        segments = self.segments_for(self.derivation)
        if self.part is not None:
            for earlier in segments[: self.part]:
                self.begun.extend(earlier.narrated_ids_for(self.derivation))
            segments = segments[self.part : self.part + 1]
        for segment in segments:
            segment(self).play()
            self.clear_at_next_step()


__all__ = ["ForwardSegment", "Lecture", "RecursionSegment", "TitleSegment"]
