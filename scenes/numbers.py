"""RealNumbers: one forward pass with real numbers, ``∂𝓛/∂z[1]_11`` from them, and the nudge
that checks it.

Three steps of the derivation (``dZ1.forward_numbers``, ``dZ1.numbers``, ``dZ1.nudge``), told so
that a learner can recompute every number from the screen. Every number drawn comes from the
step's TeX parts, computed and verified by the derivation:

1. The inputs ``X`` and the 0/1 labels ``Y`` (with the title: the section never opens on an empty
   body); ``W[1]`` and ``b[1]`` under ``Z[1] = W[1] X + b[1]``, and the ``Z[1]`` they give; then
   the layers above ``Z[1]`` and the output ``A[L]`` under ``A[L] = σ(…)``, ``Y`` beside it.
2. ``dZ[L] = A[L] − Y`` with its numbers (``A[L]`` and ``Y`` stay, ``W[2]`` and ``Z[1]`` below);
   then ``W[2]``, ``dZ[2]`` and ``Z[1]`` with column ``i`` of ``W[2]``, column ``j`` of ``dZ[2]``
   and the entry ``z[1]_ij`` lit; ``g′(z[1]_ij)`` gets its value; the chain rule is written with
   the entries' names, each factor then becomes its number, and the sum its value.
3. ``Z[1]``, ``A[L]`` and ``Y``: the entry of ``Z[1]`` changes by ``ε``; the loss, recomputed,
   changes; the change is set against ``ε`` times the value.

Each screen is a :class:`Board` (matrices in rows under a formula line); a matrix on two
screens in a row moves to its new place (:meth:`NumbersSegment.move_to`).

The transpose-free formula fails once in the lecture, in the shape check (or, where the shapes
fit, in the square pitfall), not here as well.

Render with ``chainrule render RealNumbers -q l --no-voice``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from manim import (
    DOWN,
    RIGHT,
    UP,
    Animation,
    Create,
    FadeIn,
    FadeOut,
    FadeTransform,
    Mobject,
    ReplacementTransform,
    Transform,
    VGroup,
    VMobject,
    Write,
    config,
)

from derivations.sequence_numbers import NUDGED_INDEX, NUDGED_MATRIX, nudged_name
from derivations.steps import MatrixDisplay, Parts, Step
from derivations.vocabulary import Role, StepId, StepKind, TexPart
from scenes.equations import EquationTex, break_points, equation_lines, line_pieces
from scenes.layout import Box, fit_first, fit_into, safe_box, smallest_font
from scenes.matrices import MatrixRow, MatrixView, highlight_band, matrix_view
from scenes.segment import Segment, SegmentScene
from scenes.theme import Theme

FORWARD = StepId("dZ1", StepKind.FORWARD_NUMBERS)
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


#: Space between matrices side by side, and between the rows of a board (scene units, before
#: scaling).
GRID_BUFF = (0.5, 0.3)
#: Font size a board's presentation should keep (a scaled entry's sub- and superscripts then
#: stay about 16 px tall at 1080p); a board that cannot is shown with its matrices' corners,
#: then as it is, never below the theme's legible minimum.
BOARD_FONT = 32.0
#: Space between the title band and a board (scene units): a title with a superscript
#: (``dZ^{[1]}``) reaches lower than one without.
BOARD_GAP = 0.35
#: Heights of the nudge's bands: the matrices, the nudged entry beside the loss before and
#: after, and the change against the prediction.
NUDGE_ROWS = (3.0, 0.55, 0.65)


class Board(VGroup):
    """Matrices in rows (each row centred, left to right), with a formula line above them:
    one screen of the numbers. ``views[name]`` is the view of matrix ``name``; ``line`` the
    formula (or ``None``)."""

    def __init__(self, rows: Sequence[Sequence[MatrixView]], line: VMobject | None) -> None:
        lines = [VGroup(*row).arrange(RIGHT, buff=GRID_BUFF[0]) for row in rows if row]
        stack = VGroup(*lines).arrange(DOWN, buff=GRID_BUFF[1])
        super().__init__(*([line] if line is not None else []), stack)
        if line is not None:
            line.next_to(stack, UP, buff=GRID_BUFF[1])
        self.line = line
        self.views: dict[str, MatrixView] = {v.name: v for row in rows for v in row}


def board_builders(
    rows: Sequence[Sequence[MatrixDisplay]], line: Parts | None, theme: Theme
) -> list[Callable[[], Board]]:
    """Ways to draw a board, from the most to the least detailed: every entry, then the
    corners of the larger matrices; each as given, then with the rows of three or more
    matrices wrapped in two, then with every row of two or more wrapped."""

    def build(limit: tuple[int, int], shortest_split: int | None) -> Board:
        shaped = [list(row) for row in rows]
        if shortest_split is not None:
            shaped = [
                part
                for row in shaped
                for part in (_halves(row) if len(row) >= shortest_split else [row])
            ]
        return Board(
            [[matrix_view(d, theme, limit=limit) for d in row] for row in shaped],
            EquationTex(line, theme) if line else None,
        )

    return [
        partial(build, limit, shortest) for shortest in (None, 3, 2) for limit in ((9, 9), (3, 3))
    ]


def _halves(row: list[MatrixDisplay]) -> list[list[MatrixDisplay]]:
    """``row`` as two rows (the first one longer), or as it is when it holds one matrix."""
    if len(row) < 2:
        return [row]
    middle = (len(row) + 1) // 2
    return [row[:middle], row[middle:]]


def board(
    rows: Sequence[Sequence[MatrixDisplay]],
    line: Parts | None,
    box: Box,
    theme: Theme,
    optional: int = 0,
) -> Board:
    """The first presentation of ``rows`` (:func:`board_builders`) that fits ``box`` at
    :data:`BOARD_FONT`, else the first that fits it legibly, else the largest; grown by up
    to :data:`MAX_GROWTH` when the box has room. The last ``optional`` rows are left out
    when only the board without them fits at a size (a screen that shows less, legibly)."""
    shortened = [rows[: len(rows) - optional]] if optional else []
    built = [build() for kept in (rows, *shortened) for build in board_builders(kept, line, theme)]
    sizes = [smallest_font(b) * _room(b, box) for b in built]
    for floor in (BOARD_FONT, theme.min_font_size):
        for candidate, size in zip(built, sizes, strict=True):
            if size >= floor - 1e-6:
                return fit(candidate, box, theme)
    return fit(built[max(range(len(built)), key=sizes.__getitem__)], box, theme)


def _room(mobject: Mobject, box: Box) -> float:
    """The largest scale at which ``mobject`` fits ``box`` (at most 1)."""
    return min(1.0, box.width / max(mobject.width, 1e-6), box.height / max(mobject.height, 1e-6))


class NumbersSegment(Segment):
    """One forward pass with real numbers, ``∂𝓛/∂z[1]_11`` computed from them, and the nudge
    of ``z[1]_11`` that checks it."""

    target = "dZ1"
    step_ids = (FORWARD, NUMBERS, NUDGE)

    def play(self) -> None:
        forward, numbers, nudge = (self.step(i) for i in self.step_ids)
        self.displays = {d.name: d for s in (forward, numbers, nudge) for d in s.matrices}
        self.shown: dict[str, MatrixView] = {}
        self.line: VMobject | None = None
        self.forward_pass(forward)
        self.end_step(pause=1.0)
        self.one_entry(numbers)
        self.end_step(pause=2.0)
        self.nudge(nudge)
        self.end_step(pause=2.0)

    # ---------------------------------------------------------------- the three steps

    def forward_pass(self, step: Step) -> None:
        """``X`` and ``Y`` with the title; ``W[1]``, ``b[1]`` and the ``Z[1]`` they give with
        ``Z[1] = W[1] X + b[1]``; then the layers above ``Z[1]`` give ``A[L]`` (``Y`` moves
        beside it), under ``A[L] = σ(…)``."""
        names = [d.name for d in step.matrices]
        last = names[-1]
        first = self.board([["X", "Y"], names[NUDGED_INDEX - 2 : NUDGED_INDEX + 1]], step.lines[0])
        data = [first.views["X"], first.views["Y"]]
        self.begin_step(step, along=[FadeIn(view) for view in data])
        self.shown = {"X": first.views["X"], "Y": first.views["Y"]}
        self.wait_for_words("Weights and biases")
        assert first.line is not None
        layer_one = [first.views[n] for n in names[NUDGED_INDEX - 2 : NUDGED_INDEX]]
        self.scene.play(
            Write(first.line), *[FadeIn(view) for view in layer_one], run_time=self.t(1.2)
        )
        self.scene.play(FadeIn(first.views["Z1"], shift=0.2 * RIGHT), run_time=self.t(0.8))
        self.shown, self.line = dict(first.views), first.line
        self.wait_for_words("the rest of the forward pass")
        self.move_to(self.board([names[NUDGED_INDEX:-1], [last, "Y"]], step.lines[1]))

    def one_entry(self, step: Step) -> None:
        """``dZ[L] = A[L] − Y`` with its numbers; then ``W[2]``, ``dZ[2]`` and ``Z[1]`` with
        the entries the paths multiply lit, ``g′(z[1]_ij)``, and the chain rule turning from
        names into numbers."""
        slope_line, names_line, output_line = step.lines
        names = [d.name for d in step.matrices]
        factors = names[-2:]  # W[2], Z[1]
        self.begin_step(step)
        # W[2] and Z[1] stay on from the forward pass where the screen holds them legibly
        self.move_to(self.board([names[:-2], factors], output_line, optional=1))
        top, middle, bottom = body_boxes((2.6, 0.9, 2.0))
        self.wait_for_words("multiplies its three factors")
        views = self.factor_matrices(step, top)
        self.move_to(views)
        bands = self.entry_bands(step, views)
        self.scene.play(Create(bands), run_time=self.t(0.8))
        slope = fit(EquationTex(slope_line, self.theme), middle, self.theme)
        self.scene.play(Write(slope), run_time=self.t(1.0))
        valued = self.names_become_numbers(names_line, step.equation, bottom)
        self.wait_for_words("gives ∂ℒ")
        ring = highlight_band(result_of(valued), self.theme)
        self.scene.play(Create(ring), run_time=self.t(0.6))
        self.extras = [bands, slope, valued, ring]

    def nudge(self, step: Step) -> None:
        """``Z[1]``, ``A[L]`` and ``Y``; ``z[1]_ij`` changes in its matrix, 𝓛 changes, the
        change meets ``ε`` × value."""
        grid_box, pair_box, change_box = body_boxes(NUDGE_ROWS, gap=0.15)
        self.begin_step(step)
        self.scene.play(*[FadeOut(m) for m in self.extras], run_time=self.t(0.5))
        names = [d.name for d in step.matrices if d.name != nudged_name(self.scene.spec.num_layers)]
        self.move_to(self.board([names], None, grid_box))
        i, j = step.picked or (0, 0)
        z_line = EquationTex(step.lines[0], self.theme)
        loss_line = EquationTex(step.lines[1], self.theme)
        fit(VGroup(z_line, loss_line).arrange(RIGHT, buff=1.0), pair_box, self.theme)
        change = fit(EquationTex(step.equation, self.theme), change_box, self.theme)
        cell = self.shown[NUDGED_MATRIX].cell(i, j)
        band = highlight_band(cell if cell is not None else z_line[2], self.theme)
        self.scene.play(Create(band), Write(VGroup(*z_line[:3])), run_time=self.t(1.0))
        self.scene.play(Write(VGroup(*z_line[3:])), run_time=self.t(0.8))
        if cell is not None:  # the entry changes in its matrix, its band widening with it
            moved = self.number_like(step.lines[0][-1], cell)
            self.scene.play(
                Transform(cell, moved),
                Transform(band, highlight_band(moved, self.theme)),
                run_time=self.t(0.8),
            )
            retext(cell, moved)
        self.wait_for_words("Run the forward pass again")
        self.forward_again(step)
        self.wait_for_words("cross-entropy")
        self.scene.play(Write(VGroup(*loss_line[:3])), run_time=self.t(1.0))
        self.scene.play(Write(VGroup(*loss_line[3:])), run_time=self.t(1.0))
        self.wait_for_words("changes by")
        delta, _, predicted = nudge_parts(step.equation)
        self.scene.play(Write(VGroup(*change.submobjects[: delta + 1])), run_time=self.t(1.0))
        self.wait_for_words("the chain rule predicted")
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

    def forward_again(self, step: Step) -> None:
        """The forward pass run again: each entry of ``A[L]`` on screen whose shown value the
        nudge changes turns into its value after the nudge, lit by a band."""
        last = self.scene.spec.num_layers
        before, after = step.matrix(f"A{last}"), step.matrix(nudged_name(last))
        view = self.shown[before.name]
        changes: list[Animation] = []
        pairs: list[tuple[VMobject, VMobject]] = []
        bands = VGroup()
        for (r, c), part in changed_entries(before, after):
            cell = view.cell(r, c)
            if cell is None:  # elided in a compact view
                continue
            moved = self.number_like(part, cell)
            changes.append(Transform(cell, moved))
            pairs.append((cell, moved))
            bands.add(highlight_band(moved, self.theme))
        if changes:
            self.scene.play(*changes, Create(bands), run_time=self.t(1.0))
            for shown, moved_to in pairs:
                retext(shown, moved_to)

    # ---------------------------------------------------------------- building

    def board(
        self,
        rows: Sequence[Sequence[str]],
        line: Parts | None,
        box: Box | None = None,
        optional: int = 0,
    ) -> Board:
        """The matrices named in ``rows`` under ``line``, fitted into ``box`` (the body by
        default); the last ``optional`` rows may be left out (:func:`board`)."""
        target = box if box is not None else body_boxes((1.0,), gap=BOARD_GAP)[0]
        displays = [[self.displays[name] for name in row] for row in rows]
        return board(displays, line, target, self.theme, optional)

    def move_to(self, new: Board | MatrixRow) -> None:
        """From the matrices (and formula line) on screen to ``new``: a matrix in both moves
        to its new place, the others fade out or in; ``new`` is then what is shown."""
        old, coming = self.shown, new.views
        moves = [ReplacementTransform(old[n], view) for n, view in coming.items() if n in old]
        leaving = [FadeOut(view) for n, view in old.items() if n not in coming]
        arriving: list[Animation] = [FadeIn(view) for n, view in coming.items() if n not in old]
        line = getattr(new, "line", None)
        if self.line is not None:
            leaving.append(FadeOut(self.line))
        if line is not None:
            arriving.append(Write(line))
        if leaving:
            self.scene.play(*leaving, run_time=self.t(0.5))
        self.scene.play(*moves, *arriving, run_time=self.t(1.2))
        self.shown, self.line = dict(coming), line

    def factor_matrices(self, step: Step, box: Box) -> MatrixRow:
        """``W[2]``, ``dZ[2]`` and ``Z[1]`` side by side, with their numbers (``Z[1]`` left
        out where the three are too wide: its entry's value is on the line of ``g′``
        below, "g′(z[1]₁₁) = g′(2.9)")."""
        shown = ("W2", "dZ2", NUDGED_MATRIX)

        def build(limit: tuple[int, int], names: tuple[str, ...]) -> MatrixRow:
            return MatrixRow(
                {n: matrix_view(self.displays[n], self.theme, limit=limit) for n in names},
                buff=0.4,
            )

        built = fit_first(
            [
                *[partial(build, limit, shown) for limit in ((9, 9), (4, 4), (3, 3))],
                partial(build, (3, 3), shown[:2]),
            ],
            box,
            self.theme,
        )
        return fit(built, box, self.theme)

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

    def entry_bands(self, step: Step, views: MatrixRow) -> VGroup:
        """Column ``i`` of ``W[2]``, column ``j`` of ``dZ[2]``, entry ``z[1]_ij``."""
        i, j = step.picked or (0, 0)
        by_name = views.views
        bands = VGroup(
            by_name["W2"].band(self.theme, col=i), by_name["dZ2"].band(self.theme, col=j)
        )
        cell = by_name[NUDGED_MATRIX].cell(i, j) if NUDGED_MATRIX in by_name else None
        if cell is not None:
            bands.add(highlight_band(cell, self.theme))
        return bands

    def number_like(self, part: TexPart, cell: VMobject) -> VMobject:
        """``part`` typeset like a matrix entry, in the place of ``cell``."""
        number = EquationTex((part,), self.theme, self.theme.entry_size)
        return number.scale_to_fit_height(cell.height).move_to(cell)


def retext(shown: Mobject, source: Mobject) -> None:
    """After ``shown`` was transformed into ``source``'s shape, give it ``source``'s TeX
    strings too (a ``Transform`` moves points only), so that what the scene holds says what
    the frame shows."""
    for mine, theirs in zip(shown.get_family(), source.get_family(), strict=False):
        if hasattr(theirs, "tex_string"):
            setattr(mine, "tex_string", theirs.tex_string)  # noqa: B010


def changed_entries(
    before: MatrixDisplay, after: MatrixDisplay
) -> list[tuple[tuple[int, int], TexPart]]:
    """The entries ``(row, col)`` whose shown TeX differs between ``before`` and ``after``,
    each with its part in ``after``."""
    return [
        ((r, c), new[0])
        for r, (old_row, new_row) in enumerate(zip(before.entries, after.entries, strict=True))
        for c, (old, new) in enumerate(zip(old_row, new_row, strict=True))
        if [p.tex for p in old] != [p.tex for p in new]
    ]


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
    "changed_entries",
    "nudge_parts",
    "result_of",
    "sides",
]
