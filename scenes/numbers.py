"""RealNumbers: ``∂𝓛/∂z[1]_11`` with real values, and the nudge that checks it.

Two steps of the derivation (``dZ1.numbers``, ``dZ1.nudge``).
Every number drawn comes from the step's TeX parts, computed and verified by the derivation:

1. ``W[2]``, ``dZ[2]`` and ``Z[1]`` with their numbers; column ``i`` of ``W[2]``, column ``j`` of
   ``dZ[2]`` and the entry ``z[1]_ij`` are highlighted; ``g′(z[1]_ij)`` gets its value; the chain
   rule is written with the entries' names, each factor then becomes its number, and the sum
   its value.
2. The forward pass the nudge runs again is shown: ``W[1]``, ``X``, ``b[1]`` and the ``Z[1]``
   they give, the later weights and biases, the output ``A[L]`` and the 0/1 labels ``Y``
   (wrapped into legible rows, :func:`wrapped`). The entry of ``Z[1]`` changes by ``ε`` there;
   the loss, recomputed, changes; the change is set against ``ε`` times the value.

The transpose-free formula fails once in the lecture, in the shape check (or, where the shapes
fit, in the square pitfall), not here as well.

Render with ``chainrule render RealNumbers -q l --no-voice``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TypeVar

from manim import (
    DOWN,
    RIGHT,
    Create,
    FadeIn,
    FadeOut,
    FadeTransform,
    LaggedStart,
    Mobject,
    Transform,
    VGroup,
    VMobject,
    Write,
    config,
)

from derivations.sequence_numbers import NUDGED_INDEX, NUDGED_MATRIX
from derivations.steps import Parts, Step
from derivations.vocabulary import Role, StepId, StepKind, TexPart
from scenes.equations import EquationTex, break_points, equation_lines, line_pieces
from scenes.layout import Box, fit_first, fit_into, safe_box, smallest_font
from scenes.matrices import MatrixRow, MatrixView, highlight_band, matrix_view
from scenes.segment import Segment, SegmentScene
from scenes.theme import Theme

NUMBERS = StepId("dZ1", StepKind.NUMBERS)
NUDGE = StepId("dZ1", StepKind.NUDGE)

M = TypeVar("M", bound=Mobject)

#: The bottom part of the frame where subtitles are shown: nothing is drawn there.
SUBTITLE_BAND = 0.12
#: Space kept free at the sides inside the safe area (:func:`scenes.layout.safe_box`), in scene
#: units.
BODY_MARGIN = 0.1


def body_boxes(heights: Sequence[float], gap: float = 0.2) -> list[Box]:
    """Horizontal bands, top to bottom, in proportion to ``heights``, between the title band
    and the subtitle band (the bottom :data:`SUBTITLE_BAND` of the frame stays empty), as
    wide as the safe area less :data:`BODY_MARGIN` on each side."""
    half = config.frame_height / 2
    top = half - 0.25 - 0.55 * (config.frame_height - 0.65) / 7.55 - gap
    bottom = -half + SUBTITLE_BAND * config.frame_height + 0.05
    usable = top - bottom - gap * (len(heights) - 1)
    width = safe_box().width - 2 * BODY_MARGIN
    boxes = []
    for height in heights:
        h = usable * height / sum(heights)
        boxes.append(Box((0.0, top - h / 2), width, h))
        top -= h + gap
    return boxes


def result_of(lines: VMobject) -> VMobject:
    """The mobject of the value an equation computes: its last part (the derivation writes
    the value last, after its ``≈``), in ``lines`` (one ``MathTex`` or a group of them)."""
    return line_pieces(lines)[-1]


def sides(parts: Parts) -> list[list[int]]:
    """The indices of the parts of each side of a chain ``a = b ≈ c = d``, split at the parts
    with the role :attr:`~derivations.vocabulary.Role.EQUALS` (``=`` and ``≈``).

    >>> from derivations.vocabulary import EQUALS
    >>> a, b = TexPart("a", "a"), TexPart("b", "b")
    >>> sides((a, EQUALS, b, b, EQUALS, a))
    [[0], [2, 3], [5]]
    """
    found: list[list[int]] = [[]]
    for index, part in enumerate(parts):
        if part.role is Role.EQUALS:
            found.append([])
        else:
            found[-1].append(index)
    return found


def nudge_parts(equation: Parts) -> tuple[int, int, int]:
    """In the nudge's ``Δ𝓛 = Δ ≈ ε × (value) = predicted``: the indices of the change of the
    loss ``Δ``, of the value, and of the predicted change (each the last part of its side)."""
    _, change, product, predicted = sides(equation)
    return change[-1], product[-1], predicted[-1]


#: How much larger than its natural size an item may grow to fill its box: small enough that a
#: decimal point (a 5.9 px square at 1080p at the body size) stays a dot, not a glyph too small
#: to read.
MAX_GROWTH = 1.15


def fit(mobject: M, box: Box, theme: Theme, growth: float = MAX_GROWTH) -> M:
    """Scale ``mobject`` into ``box`` (never below the legible minimum), growing it by up to
    ``growth`` when the box has room, and centre it there."""
    if fit_into(mobject, box, theme):
        room = min(box.width / max(mobject.width, 1e-6), box.height / max(mobject.height, 1e-6))
        if room > 1:
            mobject.scale(min(room, growth)).move_to(box.point())
    return mobject


def lines_in(parts: Parts, box: Box, theme: Theme, growth: float = MAX_GROWTH) -> VGroup:
    """``parts`` broken after ``+`` to fit ``box`` (at up to ``growth`` times their size),
    scaled into it."""
    lines = equation_lines(parts, theme, break_points(parts, theme, box.width / growth))
    fit(lines, box, theme, growth)
    return lines


#: Heights of the nudge's bands: the two rows of the forward pass, the nudged entry beside the
#: loss before and after, and the change against the prediction.
NUDGE_ROWS = (4.0, 0.5, 0.6)
#: Space between matrices of the forward pass, and between its rows (scene units, before
#: scaling).
GRID_BUFF = (0.5, 0.12)


def wrapped(views: Mapping[str, MatrixView], box: Box, theme: Theme) -> MatrixRow:
    """``views`` in reading order, wrapped into rows at the largest scale (at most 1) that
    fits ``box``, never below the legible minimum (there it may overflow the box). Returns
    a :class:`MatrixRow` keeping each view under its name; its rows are centred."""
    items = list(views.values())
    smallest = min(smallest_font(v) for v in items)
    floor = min(1.0, theme.min_font_size / smallest)
    scales = [1.0 - k * (1.0 - floor) / 24 for k in range(25)]
    for scale in scales:
        rows = _pack(items, box.width / scale)
        height = sum(max(v.height for v in row) for row in rows) + GRID_BUFF[1] * (len(rows) - 1)
        if height * scale <= box.height or scale == scales[-1]:
            break
    grid = MatrixRow(dict(views))
    lines = [VGroup(*row).arrange(RIGHT, buff=GRID_BUFF[0]) for row in rows]
    VGroup(*lines).arrange(DOWN, buff=GRID_BUFF[1])
    grid.scale(scale).move_to(box.point())
    return grid


def _pack(items: Sequence[VMobject], width: float) -> list[list[VMobject]]:
    """``items`` in order, greedily into rows no wider than ``width`` (one item at least)."""
    rows: list[list[VMobject]] = [[]]
    used = 0.0
    for item in items:
        needed = item.width + (GRID_BUFF[0] if rows[-1] else 0.0)
        if rows[-1] and used + needed > width:
            rows.append([])
            used, needed = 0.0, item.width
        rows[-1].append(item)
        used += needed
    return rows


class NumbersSegment(Segment):
    """Real numbers for ``∂𝓛/∂z[1]_11``, and the nudge of ``z[1]_11`` with its forward pass."""

    target = "dZ1"
    step_ids = (NUMBERS, NUDGE)

    def play(self) -> None:
        numbers, nudge = (self.step(i) for i in self.step_ids)
        top, middle, bottom = body_boxes((2.6, 0.9, 2.0))

        # -- the numbers, the highlighted entries, the chain rule with values
        self.begin_step(numbers)
        views = self.matrices(numbers, top)
        self.scene.play(FadeIn(views), run_time=self.t(1.0))
        bands = self.entry_bands(numbers, views)
        self.scene.play(Create(bands), run_time=self.t(0.8))
        slope = fit(EquationTex(numbers.lines[0], self.theme), middle, self.theme)
        self.scene.play(Write(slope), run_time=self.t(1.0))
        valued = self.names_become_numbers(numbers.lines[1], numbers.equation, bottom)
        ring = highlight_band(result_of(valued), self.theme)
        self.scene.play(Create(ring), run_time=self.t(0.6))
        self.end_step(pause=2.0)

        # -- the nudge, with the forward pass it runs again
        self.begin_step(nudge)
        grid_box, *rows = body_boxes(NUDGE_ROWS, gap=0.15)
        self.scene.play(
            FadeOut(slope),
            FadeOut(ring),
            FadeOut(bands),
            FadeOut(valued),
            FadeOut(views),
            run_time=self.t(0.6),
        )
        forward = self.forward_rows(nudge, grid_box)
        self.scene.play(
            LaggedStart(*[FadeIn(v) for v in forward.views.values()], lag_ratio=0.3),
            run_time=self.t(2.0),
        )
        self.nudge(nudge, forward, rows)
        self.end_step(pause=2.0)

    # ---------------------------------------------------------------- building

    def forward_rows(self, nudge: Step, box: Box) -> MatrixRow:
        """The forward pass the nudge runs again: ``W[1]``, ``X``, ``b[1]`` and the ``Z[1]``
        they give, every later weight and bias, the output ``A[L]`` and the labels ``Y``, in
        reading order, wrapped into as few rows as keep them legible in ``box``. Where that
        is too tall, without ``Z[1]`` (the nudged entry is on the line below; ``Z[1]`` was on
        screen a moment before), then with the corners of the largest matrices only, then
        (a large network) only the layers above ``Z[1]``."""
        shown = list(nudge.matrices)
        without = shown[:NUDGED_INDEX] + shown[NUDGED_INDEX + 1 :]
        tries = (
            (shown, (9, 9)),
            (without, (9, 9)),
            (without, (3, 3)),
            (shown[NUDGED_INDEX + 1 :], (3, 3)),  # a large network: from A[1] on, its corners
        )
        for displays, limit in tries:
            views = {d.name: matrix_view(d, self.theme, limit=limit) for d in displays}
            grid = wrapped(views, box, self.theme)
            if grid.height <= box.height + 1e-6 and grid.width <= box.width + 1e-6:
                break
        return grid

    def names_become_numbers(self, names: Parts, values: Parts, box: Box) -> VGroup:
        """Write ``names`` (the chain rule with the entries' names), turn each factor into its
        number (``values`` has the same parts, then ``≈`` and the result), write the result."""
        valued = lines_in(values, box, self.theme)
        breaks = break_points(values, self.theme, box.width / MAX_GROWTH)
        symbolic = equation_lines(names, self.theme, [b for b in breaks if b < len(names)])
        fit(symbolic, box, self.theme)
        self.scene.play(Write(symbolic), run_time=self.t(1.5))
        self.wait(self.t(0.3))
        before, after = line_pieces(symbolic), line_pieces(valued)
        # each name fades into its number (no half-morphed glyphs), done well before the
        # narration reaches the value
        self.scene.play(
            *[FadeTransform(a, b) for a, b in zip(before, after[: len(before)], strict=True)],
            run_time=self.t(1.2),
        )
        self.scene.play(Write(VGroup(*after[len(before) :])), run_time=self.t(1.0))
        self.settle(valued)
        return valued

    def matrices(self, step: Step, box: Box) -> MatrixRow:
        """The step's matrices side by side, with their numbers."""

        def build(limit: tuple[int, int], shown: tuple[str, ...]) -> MatrixRow:
            return MatrixRow(
                {
                    d.name: matrix_view(d, self.theme, limit=limit)
                    for d in step.matrices
                    if d.name in shown
                },
                buff=0.4,
            )

        every = tuple(d.name for d in step.matrices)
        # too wide for the frame at a legible size: Z[1] goes (its entry's value is on the
        # line of g′ below, "g′(z[1]₁₁) = g′(2.9)"), W[2] and dZ[2] stay
        factors = tuple(name for name in every if name != NUDGED_MATRIX)
        built = fit_first(
            [
                *[partial(build, limit, every) for limit in ((9, 9), (4, 4), (3, 3))],
                partial(build, (3, 3), factors),
            ],
            box,
            self.theme,
        )
        return fit(built, box, self.theme)

    def entry_bands(self, step: Step, views: MatrixRow, transposed: bool = True) -> VGroup:
        """Column ``i`` of ``W[2]`` (row ``i`` if not ``transposed``), column ``j`` of
        ``dZ[2]``, entry ``z[1]_ij``."""
        i, j = step.picked or (0, 0)
        by_name = views.views
        bands = VGroup(
            by_name["W2"].band(self.theme, col=i)
            if transposed
            else by_name["W2"].band(self.theme, row=i),
            by_name["dZ2"].band(self.theme, col=j),
        )
        cell = by_name[NUDGED_MATRIX].cell(i, j) if NUDGED_MATRIX in by_name else None
        if cell is not None:
            bands.add(highlight_band(cell, self.theme))
        return bands

    def nudge(self, step: Step, inputs: MatrixRow, rows: list[Box]) -> None:
        """``z[1]_ij`` changes in its matrix, 𝓛 changes, the change meets ``ε`` × value."""
        pair_box, change_box = rows
        i, j = step.picked or (0, 0)
        z_line = EquationTex(step.lines[0], self.theme)
        loss_line = EquationTex(step.lines[1], self.theme)
        fit(VGroup(z_line, loss_line).arrange(RIGHT, buff=1.0), pair_box, self.theme)
        change = fit(EquationTex(step.equation, self.theme), change_box, self.theme)
        z_view = inputs.views.get(step.matrices[NUDGED_INDEX].name)
        cell = z_view.cell(i, j) if z_view is not None else None
        band = highlight_band(cell if cell is not None else z_line[2], self.theme)
        self.scene.play(Create(band), Write(VGroup(*z_line[:3])), run_time=self.t(1.0))
        self.scene.play(Write(VGroup(*z_line[3:])), run_time=self.t(0.8))
        if cell is not None:
            moved = self.number_like(step.lines[0][-1], cell)
            self.scene.play(Transform(cell, moved), run_time=self.t(0.8))
        self.scene.play(Write(VGroup(*loss_line[:3])), run_time=self.t(1.0))
        self.scene.play(Write(VGroup(*loss_line[3:])), run_time=self.t(1.0))
        self.wait(self.t(0.6))
        delta, _, predicted = nudge_parts(step.equation)
        self.scene.play(Write(VGroup(*change.submobjects[: delta + 1])), run_time=self.t(1.0))
        self.scene.play(Write(VGroup(*change.submobjects[delta + 1 :])), run_time=self.t(1.2))
        self.scene.play(
            Create(
                VGroup(
                    *[
                        highlight_band(change.submobjects[index], self.theme)
                        for index in (delta, predicted)
                    ]
                )
            ),
            run_time=self.t(0.6),
        )

    def number_like(self, part: TexPart, cell: VMobject) -> VMobject:
        """``part`` typeset like a matrix entry, in the place of ``cell``."""
        number = EquationTex((part,), self.theme, self.theme.entry_size)
        return number.scale_to_fit_height(cell.height).move_to(cell)


class RealNumbers(SegmentScene):
    """Real numbers for ``∂𝓛/∂z[1]_11``, and the nudge of ``z[1]_11`` with its forward pass."""

    segment = NumbersSegment
    target = NumbersSegment.target
    step_ids = NumbersSegment.step_ids


__all__ = [
    "SUBTITLE_BAND",
    "NumbersSegment",
    "RealNumbers",
    "body_boxes",
    "nudge_parts",
    "result_of",
    "sides",
]
