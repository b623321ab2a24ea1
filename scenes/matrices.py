"""Matrices from derivation data: bracketed views of entries or grid cells, rows of them, and
highlight bands.

Large matrices get a *compact presentation*: rather than shrinking text below
:attr:`Theme.min_font_size`, a view keeps its first and last rows/columns and puts ellipses
(drawn as dots, not TeX) in between; see :func:`visible_indices` and
:func:`~scenes.layout.fit_first`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    Animation,
    AnimationGroup,
    Dot,
    FadeIn,
    FadeOut,
    Mobject,
    MobjectMatrix,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
    VMobject,
    Wait,
)

from derivations.steps import EntryGrid, MatrixDisplay, Parts, TexPart
from derivations.vocabulary import EQUALS

from .equations import EquationTex, split_at_equals
from .theme import Theme

# --------------------------------------------------------------------------- ellipses


def ellipsis_dots(direction: np.ndarray, theme: Theme, spacing: float = 0.13) -> VGroup:
    """Three dots in ``direction`` (``RIGHT`` for ⋯, ``DOWN`` for ⋮, ``DR`` for ⋱).

    Drawn as dots so that no TeX for an ellipsis is typed in the scenes.
    """
    unit = np.asarray(direction, dtype=float)
    unit = unit / np.linalg.norm(unit)
    return VGroup(
        *[Dot(point=i * spacing * unit, radius=0.03, color=theme.text) for i in (-1, 0, 1)]
    )


def visible_indices(count: int, limit: int) -> tuple[int | None, ...]:
    """Which of ``count`` rows (or columns) a view shows; ``None`` marks an ellipsis.

    >>> visible_indices(3, 4), visible_indices(5, 3), visible_indices(5, 4)
    ((0, 1, 2), (0, None, 4), (0, 1, None, 4))
    """
    if limit < 3:
        raise ValueError(
            f"limit = {limit} is too small: a compact view shows at least the "
            f"first row, an ellipsis and the last row (limit >= 3)"
        )
    if count <= limit:
        return tuple(range(count))
    return (*range(limit - 2), None, count - 1)


# --------------------------------------------------------------------------- highlights


def highlight_band(mobject: Mobject, theme: Theme, buff: float = 0.08) -> SurroundingRectangle:
    """A translucent rounded band in the theme's highlight colour around ``mobject``."""
    return SurroundingRectangle(
        mobject,
        color=theme.highlight,
        buff=buff,
        corner_radius=0.08,
        stroke_width=2.5,
        fill_color=theme.highlight,
        fill_opacity=theme.highlight_opacity,
    )


def highlight_bands(mobjects: Sequence[Mobject], theme: Theme, buff: float = 0.08) -> VGroup:
    """:func:`highlight_band` around each of ``mobjects`` (side by side, left to right), with
    the margin shrunk where two of them stand closer than two margins, so bands never overlap.

    >>> from manim import Square, RIGHT
    >>> bands = highlight_bands([Square(1), Square(1).shift(1.1 * RIGHT)], Theme())
    >>> bool(bands[0].get_right()[0] < bands[1].get_left()[0])
    True
    """
    ordered = sorted(mobjects, key=lambda m: m.get_left()[0])
    gaps = [b.get_left()[0] - a.get_right()[0] for a, b in pairwise(ordered)]
    room = min((gap / 2 - 0.02 for gap in gaps), default=buff)
    return VGroup(*[highlight_band(m, theme, buff=max(0.0, min(buff, room))) for m in mobjects])


# --------------------------------------------------------------------------- matrices


class MatrixView(VGroup):
    """A bracketed matrix of equations, with an optional label in front.

    ``cells[(r, c)]`` is the equation of entry ``(r, c)`` (0-based, in the full matrix) for
    every *shown* entry; elided rows and columns are ellipses. ``name`` and ``symbol`` are
    those of the matrix shown (``"W2"``, its colour family), ``limit`` the most rows and
    columns the view shows. Build it with :func:`matrix_view`, :func:`grid_view` or
    :func:`parts_view`.
    """

    def __init__(
        self,
        cells: Mapping[tuple[int, int], EquationTex],
        rows: Sequence[int | None],
        cols: Sequence[int | None],
        theme: Theme,
        label: EquationTex | None = None,
        shape: tuple[int, int] | None = None,
        general: bool = False,
        min_cell_width: float = 0.0,
        name: str = "",
        symbol: str | None = None,
        limit: tuple[int, int] = (9, 9),
    ) -> None:
        super().__init__()
        if name:  # Manim's own name for a mobject is its class's
            self.name = name
        self.symbol, self.limit = symbol, limit
        self.general = general
        self.rows, self.cols = tuple(rows), tuple(cols)
        self.shape = shape or (len(rows), len(cols))
        self.cells = dict(cells)
        self.compact = general or None in self.rows or None in self.cols
        table: list[list[VMobject]] = []
        for r in self.rows:
            line: list[VMobject] = []
            for c in self.cols:
                if r is not None and c is not None:
                    line.append(cells[(r, c)])
                elif r is None and c is None:
                    line.append(ellipsis_dots(DOWN + RIGHT, theme))
                else:
                    line.append(ellipsis_dots(DOWN if r is None else RIGHT, theme))
            table.append(line)
        shown = [m for line in table for m in line]
        width = max(min_cell_width, *(m.width for m in shown))
        height = max(m.height for m in shown)
        self.matrix = MobjectMatrix(
            table,
            h_buff=width + 0.45,
            v_buff=max(height + 0.3, 0.75),
            element_alignment_corner=ORIGIN,
            bracket_h_buff=0.15,
            bracket_v_buff=0.12,
        )
        self.matrix.get_brackets().set_color(theme.text)
        self.label = label
        if label is not None:
            self.add(label)
            label.next_to(self.matrix, LEFT, buff=0.2)
        self.add(self.matrix)

    def cell(self, row: int, col: int) -> EquationTex | None:
        """The mobject of entry ``(row, col)``, or ``None`` when the view elides it (a general
        view shows no particular entry)."""
        return None if self.general else self.cells.get((row, col))

    def ellipses(self) -> list[VMobject]:
        """The ellipses inside the brackets: what the view shows that is not a cell."""
        cells = list(self.cells.values())
        return [m for m in self.matrix.get_entries() if m not in cells]

    def frame(self) -> VGroup:
        """The label (if any) and the brackets: the view without its entries."""
        return VGroup(*(m for m in (self.label, self.matrix.get_brackets()) if m is not None))

    def row_mobjects(self, row: int) -> VGroup:
        """Everything shown in ``row`` (entries and ellipses); empty if the row is elided."""
        if row not in self.rows:
            return VGroup()
        return VGroup(*self.matrix.get_rows()[self.rows.index(row)])

    def col_mobjects(self, col: int) -> VGroup:
        """Everything shown in column ``col``; empty if the column is elided."""
        if col not in self.cols:
            return VGroup()
        return VGroup(*self.matrix.get_columns()[self.cols.index(col)])

    def band(
        self, theme: Theme, row: int | None = None, col: int | None = None
    ) -> SurroundingRectangle:
        """A highlight band around row ``row`` or column ``col`` (whichever is given).

        An elided row or column is represented by its ellipsis.
        """
        if (row is None) == (col is None):
            raise ValueError("band() needs exactly one of the row and col arguments")
        index = row if row is not None else col
        axis = self.rows if row is not None else self.cols
        position = axis.index(index) if index in axis else axis.index(None)
        group = (self.matrix.get_rows() if row is not None else self.matrix.get_columns())[position]
        return highlight_band(group, theme)


class MatrixRow(VGroup):
    """Matrix views side by side, left to right, each kept under a key (the name of the
    matrix it shows, or what it stands for in a scene, e.g. ``"Z"``): ``views[key]``.

    >>> from manim import config
    >>> config.verbosity = "WARNING"
    >>> from derivations import derive
    >>> step = derive().step("dZ1.concrete")
    >>> row = MatrixRow({d.name: matrix_view(d, Theme()) for d in step.matrices[:2]})
    >>> list(row.views) == [d.name for d in step.matrices[:2]], len(row.submobjects)
    (True, 2)
    """

    def __init__(self, views: Mapping[str, MatrixView], buff: float = 0.6) -> None:
        super().__init__(*views.values())
        self.arrange(RIGHT, buff=buff)
        self.views: dict[str, MatrixView] = dict(views)


def bracketed(
    entry: Callable[[int, int], EquationTex],
    shape: tuple[int, int],
    limit: tuple[int, int],
    theme: Theme,
    label: EquationTex | None,
    name: str,
    symbol: str | None,
    general_entry: EquationTex | None = None,
    min_cell_width: float = 0.0,
) -> MatrixView:
    """A ``shape`` matrix in brackets: its visible entries (``entry(r, c)`` each, at most
    ``limit`` rows and columns, the rest elided), or, given ``general_entry``, that one
    general entry alone (the most compact form, for matrices too large to write out)."""
    if general_entry is not None:
        rows: tuple[int | None, ...] = (0,)
        cols: tuple[int | None, ...] = (0,)
        cells = {(0, 0): general_entry}
    else:
        rows = visible_indices(shape[0], limit[0])
        cols = visible_indices(shape[1], limit[1])
        cells = {(r, c): entry(r, c) for r in rows if r is not None for c in cols if c is not None}
    return MatrixView(
        cells,
        rows,
        cols,
        theme,
        label,
        shape=shape,
        general=general_entry is not None,
        min_cell_width=min_cell_width,
        name=name,
        symbol=symbol,
        limit=limit,
    )


def matrix_view(
    display: MatrixDisplay,
    theme: Theme,
    font_size: float | None = None,
    limit: tuple[int, int] = (9, 9),
    with_label: bool = True,
    general: bool = False,
    min_cell_width: float = 0.0,
) -> MatrixView:
    """``display`` as a bracketed matrix of its entries, labelled ``W^{[2]} =``.

    ``limit`` caps the shown rows/columns (see :func:`visible_indices`); ``general`` shows a
    single general entry (``w^{[2]}_{ki}``) instead of all entries; ``min_cell_width`` spaces
    the columns as if every entry were at least that wide (room for labels under them).
    """
    size = font_size or theme.entry_size
    label = None
    if with_label:
        label = EquationTex((display.label, EQUALS), theme, size)
    return bracketed(
        lambda r, c: EquationTex(display.entries[r][c], theme, size),
        display.shape,
        limit,
        theme,
        label,
        display.name,
        display.symbol,
        general_entry=EquationTex((display.general_entry,), theme, size) if general else None,
        min_cell_width=0.0 if general else min_cell_width,
    )


def grid_view(
    grid: EntryGrid,
    theme: Theme,
    font_size: float | None = None,
    limit: tuple[int, int] = (9, 9),
    side: str = "rhs",
    with_label: bool = True,
) -> MatrixView:
    """An :class:`EntryGrid` as a matrix whose entries are the cells' formulas.

    ``side`` is ``"rhs"`` (what each entry equals: the scalar sums), ``"lhs"`` (the entry
    names, a compact stand-in), ``"all"`` (each whole equation) or ``"general"`` (one
    general entry, the most compact form).
    """
    size = font_size or theme.entry_size
    label = EquationTex((grid.label, EQUALS), theme, size) if with_label else None

    def entry(r: int, c: int) -> EquationTex:
        lhs, rhs = split_at_equals(grid.cell(r, c).parts)
        parts = {"rhs": rhs or lhs, "lhs": lhs or rhs, "all": grid.cell(r, c).parts}[side]
        return EquationTex(parts, theme, size)

    general = None
    if side == "general":
        lhs, rhs = split_at_equals(grid.general)
        general = EquationTex(rhs or lhs, theme, size)
    return bracketed(
        entry, grid.shape, limit, theme, label, grid.name, grid.label.symbol, general_entry=general
    )


def parts_view(
    shape: tuple[int, int],
    parts_at: Callable[[int, int], Parts],
    theme: Theme,
    label: TexPart | None = None,
    font_size: float | None = None,
    limit: tuple[int, int] = (9, 9),
    general: bool = False,
) -> MatrixView:
    """A matrix whose entry ``(r, c)`` is the equation ``parts_at(r, c)`` (e.g. the part of a
    grid cell inside its parentheses), named after ``label``; ``general`` marks a ``(1, 1)``
    view of a general entry."""
    size = font_size or theme.entry_size
    rows = visible_indices(shape[0], limit[0])
    cols = visible_indices(shape[1], limit[1])
    cells = {
        (r, c): EquationTex(parts_at(r, c), theme, size)
        for r in rows
        if r is not None
        for c in cols
        if c is not None
    }
    label_tex = EquationTex((label, EQUALS), theme, size) if label else None
    return MatrixView(
        cells,
        rows,
        cols,
        theme,
        label_tex,
        shape=shape,
        general=general,
        name=label.name if label else "",
        symbol=label.symbol if label else None,
        limit=limit,
    )


def pair_parts(sources: Sequence[str], targets: Sequence[str]) -> tuple[dict[int, int], list[int]]:
    """Which source part each target part comes from, by TeX: ``pairs[target] = source``
    (the first unused source with the same TeX), and the sources left over.

    >>> pair_parts(["w", "d", "g", "+", "w", "d", "g"], ["(", "w", "d", "+", "w", "d", ")", "g"])
    ({1: 0, 2: 1, 3: 3, 4: 4, 5: 5, 7: 2}, [6])
    """
    unused = list(range(len(sources)))
    pairs: dict[int, int] = {}
    for t, tex in enumerate(targets):
        match = next((s for s in unused if sources[s] == tex), None)
        if match is not None:
            pairs[t] = match
            unused.remove(match)
    return pairs, unused


#: How a regrouping's time is shared: the parts that leave fade out, then the matched parts
#: move, then the new parts fade in (never two of these at once, so no frame overlays a
#: fading glyph on a moving one).
PHASE_WEIGHTS = (0.25, 0.5, 0.25)


@dataclass(frozen=True)
class Regrouping:
    """The three phases of rearranging formulas into others, in order: ``leaving`` (parts
    that fade out where they are), ``moving`` (parts that travel to their new place, the same
    glyphs) and ``arriving`` (parts that fade in where they go). Regroupings played at once
    add up (``+``) so that every formula leaves, moves and arrives in step.

    >>> from manim import Square
    >>> both = Regrouping(leaving=(FadeOut(Square()),)) + Regrouping(arriving=(FadeIn(Square()),))
    >>> len(both.leaving), len(both.moving), len(both.arriving)
    (1, 0, 1)
    """

    leaving: tuple[Animation, ...] = ()
    moving: tuple[Animation, ...] = ()
    arriving: tuple[Animation, ...] = ()

    def __add__(self, other: Regrouping) -> Regrouping:
        return Regrouping(
            self.leaving + other.leaving,
            self.moving + other.moving,
            self.arriving + other.arriving,
        )

    def phases(
        self, weights: tuple[float, float, float] = PHASE_WEIGHTS
    ) -> list[tuple[float, tuple[Animation, ...]]]:
        """The non-empty phases with their share of the time (``weights``: leaving, moving,
        arriving; the shares of the empty ones go to the others)."""
        phases = zip(weights, (self.leaving, self.moving, self.arriving), strict=True)
        kept = [(weight, animations) for weight, animations in phases if animations]
        total = sum(weight for weight, _ in kept)
        return [(weight / total, animations) for weight, animations in kept]

    def animation(self, weights: tuple[float, float, float] = PHASE_WEIGHTS) -> Animation:
        """One animation playing the phases one after the other (its ``run_time`` is set by
        ``Scene.play``; each phase keeps its share of ``weights``: a replacement whose shared
        parts hardly move gives the moving phase little time)."""
        phases = self.phases(weights)
        if not phases:
            return Wait(run_time=1.0)
        # one group with a lag of a whole phase rather than a Succession: every phase begins
        # at once (a part that fades in is hidden from the first frame), and plays in turn
        return AnimationGroup(
            *[AnimationGroup(*animations, run_time=weight) for weight, animations in phases],
            lag_ratio=1.0,
        )


def regrouping(
    sources: Sequence[tuple[TexPart, VMobject]],
    targets: Sequence[tuple[TexPart, VMobject]],
    in_place: Callable[[TexPart], bool] | None = None,
) -> Regrouping:
    """Rearrange one formula's parts into another's (:func:`pair_parts`): a left-over part
    fades out, then a part with the same TeX moves to its new place (the same glyphs, so
    every frame reads), then a new part fades in. Parts ``in_place`` accepts never travel:
    they fade out where they are and in where they go (a factor leaving several terms would
    otherwise cross the terms that close up behind it)."""
    stays = in_place or (lambda part: False)
    moving_sources = [(i, sp) for i, sp in enumerate(sources) if not stays(sp[0])]
    moving_targets = [(i, tp) for i, tp in enumerate(targets) if not stays(tp[0])]
    pairs, _ = pair_parts(
        [p.tex for _, (p, _) in moving_sources], [p.tex for _, (p, _) in moving_targets]
    )
    moved = {moving_targets[t][0]: moving_sources[s][0] for t, s in pairs.items()}
    used = set(moved.values())
    return Regrouping(
        leaving=tuple(FadeOut(m) for s, (_, m) in enumerate(sources) if s not in used),
        moving=tuple(
            ReplacementTransform(sources[moved[t]][1], target)
            for t, (_, target) in enumerate(targets)
            if t in moved
        ),
        arriving=tuple(FadeIn(target) for t, (_, target) in enumerate(targets) if t not in moved),
    )


def regroup(
    sources: Sequence[tuple[TexPart, VMobject]],
    targets: Sequence[tuple[TexPart, VMobject]],
    in_place: Callable[[TexPart], bool] | None = None,
) -> list[Animation]:
    """:func:`regrouping` played as one animation: the left-over parts fade out, then the
    matched parts move, then the new parts fade in."""
    return [regrouping(sources, targets, in_place).animation()]


def in_turn(leaving: Sequence[Animation], coming: Sequence[Animation]) -> Animation:
    """``leaving`` (fade-outs) play, then ``coming``: what goes and what comes in the same
    place are never overlaid. Either may be empty."""
    if not leaving or not coming:
        return AnimationGroup(*leaving, *coming)
    return AnimationGroup(AnimationGroup(*leaving), AnimationGroup(*coming), lag_ratio=1.0)


#: How much of a reveal each glyph's own fade takes (the rest is the lag between glyphs).
REVEAL_GLYPH_SHARE = 0.2


def reveal(mobject: VMobject) -> Animation:
    """Show a formula glyph after glyph in reading order, each fading in whole: ``Write``
    draws a glyph stroke by stroke, and a half-drawn ``y`` reads as a ``ν``. The formula
    itself (not its parts one by one) is what the scene holds afterwards."""
    count = len(mobject.get_family())
    lag = (1 / REVEAL_GLYPH_SHARE - 1) / max(count - 1, 1)
    return FadeIn(mobject, lag_ratio=lag)


__all__ = [
    "PHASE_WEIGHTS",
    "REVEAL_GLYPH_SHARE",
    "MatrixRow",
    "MatrixView",
    "Regrouping",
    "bracketed",
    "ellipsis_dots",
    "grid_view",
    "highlight_band",
    "highlight_bands",
    "in_turn",
    "matrix_view",
    "pair_parts",
    "parts_view",
    "regroup",
    "regrouping",
    "reveal",
    "visible_indices",
]
