"""Turn derivation data into mobjects: coloured equations, matrices, entry grids, highlights.

Every helper *returns* mobjects (or animations); scenes decide where and when they appear.
No TeX is written here: all of it comes from :class:`~derivations.steps.TexPart` s.

Large matrices get a *compact presentation*: rather than shrinking text below
:attr:`Theme.min_font_size`, a view keeps its first and last rows/columns and puts ellipses
(drawn as dots, not TeX) in between; see :func:`visible_indices` and :func:`fit_first`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    AnimationGroup,
    Dot,
    MathTex,
    MobjectMatrix,
    ReplacementTransform,
    SurroundingRectangle,
    Text,
    TexTemplate,
    VGroup,
    VMobject,
)

from derivations.steps import EntryGrid, MatrixDisplay, Parts, Step, TexPart
from derivations.vocabulary import EQUALS, Role, index_of

from .theme import Theme

# --------------------------------------------------------------------------- equations

#: TeX's math sizes for a screen: subscripts at 80 % of the text (TeX's default is 70 %) and
#: scripts of scripts (the ``[2]`` of ``n^{[2]}`` over a sum) at 70 % (default 50 %), so that
#: an entry's indices stay readable in a video frame, where print sizes are too small.
SCREEN_MATH_SIZES = r"\DeclareMathSizes{10}{10}{8}{7}"


@lru_cache(maxsize=1)
def screen_tex_template() -> TexTemplate:
    """Manim's default TeX template with :data:`SCREEN_MATH_SIZES` (every formula of the
    scenes is typeset with it)."""
    template = TexTemplate()
    template.add_to_preamble(SCREEN_MATH_SIZES)
    return template


def equation_tex(parts: Sequence[TexPart], theme: Theme, font_size: float | None = None) -> MathTex:
    """One ``MathTex`` with a substring per part, each coloured by its ``symbol``.

    Parts with empty TeX are dropped (``MathTex`` drops them too), so the ``i``-th submobject
    is the ``i``-th non-empty part; use :func:`part_of` to find a part by name.

    Examples
    --------
    >>> from manim import config
    >>> config.verbosity = "WARNING"  # no "Writing ..." lines when the TeX is new
    >>> from derivations.steps import TexPart
    >>> from derivations.vocabulary import EQUALS
    >>> tex = equation_tex([TexPart("Z2", "Z^{[2]}", "Z2"), EQUALS], Theme())
    >>> len(tex.submobjects)
    2
    """
    kept = [part for part in parts if part.tex]
    if not kept:
        raise ValueError("equation_tex needs at least one part with TeX; got none")
    tex = MathTex(
        *[part.tex for part in kept],
        font_size=font_size or theme.body_size,
        color=theme.text,
        tex_template=screen_tex_template(),
    )
    for part, mobject in zip(kept, tex.submobjects, strict=True):
        mobject.set_color(theme.colour(part.symbol))
    tex.parts = tuple(kept)  # type: ignore[attr-defined]
    return tex


def part_of(tex: MathTex, name: str) -> VMobject:
    """The submobject of ``tex`` (built by :func:`equation_tex`) for the part called ``name``."""
    parts: tuple[TexPart, ...] = getattr(tex, "parts", ())
    for part, mobject in zip(parts, tex.submobjects, strict=True):
        if part.name == name:
            return mobject
    known = ", ".join(part.name for part in parts)
    raise KeyError(f"the equation has no part {name!r}; it has: {known}")


def part_with_role(tex: MathTex, role: Role) -> VMobject:
    """The submobject of ``tex`` (built by :func:`equation_tex`) for its first part with
    ``role`` (e.g. the ``=`` of an equation)."""
    parts: tuple[TexPart, ...] = getattr(tex, "parts", ())
    index = index_of(parts, role)
    if index is None:
        raise KeyError(
            f"the equation has no part with role {role.value!r}: "
            + " ".join(part.tex for part in parts)
        )
    return tex.submobjects[index]


def split_at_equals(parts: Parts) -> tuple[Parts, Parts]:
    """``(left side, right side)`` of an equation, split at its first ``=`` part (the first
    part with the role :attr:`~derivations.vocabulary.Role.EQUALS`).

    Without an ``=`` the left side is empty.
    """
    index = index_of(parts, Role.EQUALS)
    if index is None:
        return (), parts
    return parts[:index], parts[index + 1 :]


def line_starts(parts: Parts) -> tuple[int, ...]:
    """Where a continuation line of ``parts`` may start: just after each ``+`` part (the only
    places :func:`break_points` breaks; :mod:`scenes.typeset` predicts the lines from it).

    >>> from derivations.vocabulary import PLUS
    >>> line_starts((TexPart("a", "a"), PLUS, TexPart("b", "b")))
    (2,)
    """
    return tuple(index + 1 for index, part in enumerate(parts) if part.role is Role.PLUS)


def break_points(
    parts: Parts, theme: Theme, max_width: float, font_size: float | None = None
) -> tuple[int, ...]:
    """Indices where :func:`equation_lines` starts a new line: after a ``+`` part, so that
    each line of ``parts`` is at most ``max_width`` wide at ``font_size``.

    Widths are estimated from the parts' typeset widths, one ``MathTex`` per part.
    """
    size = font_size or theme.body_size
    widths = [
        equation_tex((part,), theme, size).width + 0.12 if part.tex else 0.0 for part in parts
    ]
    starts = set(line_starts(parts))
    breaks: list[int] = []
    start, used = 0, 0.0
    last_plus: int | None = None
    for index, width in enumerate(widths):
        if used + width > max_width and last_plus is not None and last_plus > start:
            breaks.append(last_plus)
            start = last_plus
            used = sum(widths[start:index])
            last_plus = None
        used += width
        if index + 1 in starts:
            last_plus = index + 1
    return tuple(breaks)


def equation_lines(
    parts: Parts, theme: Theme, breaks: Sequence[int] = (), font_size: float | None = None
) -> VGroup:
    """``parts`` as one ``MathTex`` per line, broken before the indices in ``breaks``
    (see :func:`break_points`), stacked and left-aligned; continuation lines are indented."""
    bounds = [0, *breaks, len(parts)]
    lines = [
        equation_tex(parts[a:b], theme, font_size)
        for a, b in pairwise(bounds)
        if any(p.tex for p in parts[a:b])
    ]
    group = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
    for line in lines[1:]:
        line.shift(0.8 * RIGHT)
    return group


def replace_parts(source: VGroup, target: VGroup) -> AnimationGroup:
    """Morph equation lines into lines with the *same part structure* (e.g. each chain-rule
    factor into its value): part ``n`` of ``source`` becomes part ``n`` of ``target``.

    Both are groups of ``MathTex`` built by :func:`equation_lines` (or single ``MathTex``).
    Parts with the same TeX simply move; the others morph. Unlike ``TransformMatchingTex``
    this pairs repeated parts by position, and it does not iterate a set.
    """

    def pieces(group: VMobject) -> list[VMobject]:
        lines = group.submobjects if not hasattr(group, "parts") else [group]
        return [m for line in lines for m in line.submobjects]

    before, after = pieces(source), pieces(target)
    if len(before) != len(after):
        raise ValueError(
            f"replace_parts needs equations with the same number of parts; got "
            f"{len(before)} and {len(after)}"
        )
    return AnimationGroup(*[ReplacementTransform(a, b) for a, b in zip(before, after, strict=True)])


def title_text(step: Step, theme: Theme) -> Text:
    """The step's title as a plain caption (the only on-screen words scenes show)."""
    return Text(step.title, font_size=theme.title_size, color=theme.text)


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


# --------------------------------------------------------------------------- matrices


class MatrixView(VGroup):
    """A bracketed matrix whose cells are arbitrary mobjects, with an optional label in front.

    ``cells[(r, c)]`` is the mobject of entry ``(r, c)`` (0-based, in the full matrix) for
    every *shown* entry; elided rows and columns are ellipses. Build it with
    :func:`matrix_view` or :func:`grid_view`.
    """

    def __init__(
        self,
        cells: dict[tuple[int, int], VMobject],
        rows: Sequence[int | None],
        cols: Sequence[int | None],
        theme: Theme,
        label: VMobject | None = None,
        shape: tuple[int, int] | None = None,
        general: bool = False,
        min_cell_width: float = 0.0,
    ) -> None:
        super().__init__()
        self.general = general
        self.rows, self.cols = tuple(rows), tuple(cols)
        self.shape = shape or (len(rows), len(cols))
        self.cells = cells
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

    def cell(self, row: int, col: int) -> VMobject | None:
        """The mobject of entry ``(row, col)``, or ``None`` when the view elides it (a general
        view shows no particular entry)."""
        return None if self.general else self.cells.get((row, col))

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

    def row_index_near(self, row: int) -> int:
        """The shown row that stands for ``row`` (the ellipsis row if ``row`` is elided)."""
        return row if row in self.rows else self.rows[self.rows.index(None)]  # type: ignore

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


def highlight_band(mobject: VMobject, theme: Theme, buff: float = 0.08) -> SurroundingRectangle:
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


def highlight_bands(mobjects: Sequence[VMobject], theme: Theme, buff: float = 0.08) -> VGroup:
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
        label = equation_tex((display.label, EQUALS), theme, size)
    if general:
        cell = equation_tex((display.general_entry,), theme, size)
        return MatrixView(
            {(0, 0): cell}, (0,), (0,), theme, label, shape=display.shape, general=True
        )
    rows = visible_indices(display.shape[0], limit[0])
    cols = visible_indices(display.shape[1], limit[1])
    cells = {
        (r, c): equation_tex(display.entries[r][c], theme, size)
        for r in rows
        if r is not None
        for c in cols
        if c is not None
    }
    return MatrixView(
        cells, rows, cols, theme, label, shape=display.shape, min_cell_width=min_cell_width
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
    label = equation_tex((grid.label, EQUALS), theme, size) if with_label else None
    if side == "general":
        lhs, rhs = split_at_equals(grid.general)
        return MatrixView(
            {(0, 0): equation_tex(rhs or lhs, theme, size)},
            (0,),
            (0,),
            theme,
            label,
            shape=grid.shape,
            general=True,
        )
    rows = visible_indices(grid.shape[0], limit[0])
    cols = visible_indices(grid.shape[1], limit[1])
    cells: dict[tuple[int, int], VMobject] = {}
    for r in rows:
        for c in cols:
            if r is None or c is None:
                continue
            lhs, rhs = split_at_equals(grid.cell(r, c).parts)
            parts = {"rhs": rhs or lhs, "lhs": lhs or rhs, "all": grid.cell(r, c).parts}[side]
            cells[(r, c)] = equation_tex(parts, theme, size)
    return MatrixView(cells, rows, cols, theme, label, shape=grid.shape)


def parts_view(
    shape: tuple[int, int],
    parts_at: Callable[[int, int], Parts],
    theme: Theme,
    label: TexPart | None = None,
    font_size: float | None = None,
    limit: tuple[int, int] = (9, 9),
) -> MatrixView:
    """A matrix whose entry ``(r, c)`` is the equation ``parts_at(r, c)`` (e.g. the part of a
    grid cell inside its parentheses)."""
    size = font_size or theme.entry_size
    rows = visible_indices(shape[0], limit[0])
    cols = visible_indices(shape[1], limit[1])
    cells = {
        (r, c): equation_tex(parts_at(r, c), theme, size)
        for r in rows
        if r is not None
        for c in cols
        if c is not None
    }
    label_tex = equation_tex((label, EQUALS), theme, size) if label else None
    return MatrixView(cells, rows, cols, theme, label_tex, shape=shape)


def inside_parentheses(parts: Parts) -> Parts:
    """The parts strictly between the first opening parenthesis (a part with the role
    :attr:`~derivations.vocabulary.Role.OPEN`) and the next closing one (or the end)."""
    opening = index_of(parts, Role.OPEN)
    if opening is None:
        raise KeyError("no opening parenthesis among " + ", ".join(p.name for p in parts))
    closing = index_of(parts, Role.CLOSE, opening + 1)
    return parts[opening + 1 : len(parts) if closing is None else closing]


# --------------------------------------------------------------------------- fitting


@dataclass(frozen=True)
class Box:
    """A rectangle of the frame (centre and size, in scene units) that content must fit."""

    center: tuple[float, float]
    width: float
    height: float

    def point(self) -> np.ndarray:
        """The centre as a 3-D point."""
        return np.array([self.center[0], self.center[1], 0.0])

    @property
    def top(self) -> float:
        """The y coordinate of the top edge."""
        return self.center[1] + self.height / 2

    @property
    def bottom(self) -> float:
        """The y coordinate of the bottom edge."""
        return self.center[1] - self.height / 2


def smallest_font(mobject: VMobject) -> float:
    """The smallest font size among the ``MathTex``/``Text`` in ``mobject``'s family
    (``inf`` when it holds no text)."""
    sizes = [
        m.font_size for m in mobject.get_family() if isinstance(m, (MathTex, Text)) and m.height > 0
    ]
    return min(sizes, default=float("inf"))


def fit_into(mobject: VMobject, box: Box, theme: Theme, grow: bool | float = False) -> bool:
    """Scale ``mobject`` down into ``box`` and centre it there; with ``grow``, scale it up to
    fill the box too (``True``: as far as the box allows; a number: at most that factor, so a
    lone formula is shown big without dwarfing the rest of the lecture). ``False`` when that
    would put text below ``theme.min_font_size`` (it is then left scaled as far as legibility
    allows, possibly overflowing)."""
    scale = min(box.width / max(mobject.width, 1e-6), box.height / max(mobject.height, 1e-6))
    if grow is False:
        scale = min(scale, 1.0)
    elif grow is not True:
        scale = min(scale, max(1.0, float(grow)))
    smallest = smallest_font(mobject)
    legible = smallest * scale >= theme.min_font_size - 1e-6
    if not legible:
        scale = theme.min_font_size / smallest
    mobject.scale(scale).move_to(box.point())
    return legible


def fit_first(builders: Iterable[Callable[[], VMobject]], box: Box, theme: Theme) -> VMobject:
    """The first built mobject that fits ``box`` with legible text (the last one regardless).

    Pass builders from the most to the least detailed presentation: e.g. every entry, then
    first/last rows and columns, then a single general entry.
    """
    built: VMobject | None = None
    for builder in builders:
        built = builder()
        if fit_into(built, box, theme):
            return built
    if built is None:
        raise ValueError("fit_first needs at least one builder")
    return built


#: Content keeps this fraction of the frame's width from the left, right and top edges (57 px
#: at 1080p): clear of the edge on any screen, TV overscan's title-safe area included.
EDGE_MARGIN = 0.03
#: The bottom of the frame where a player draws subtitles, as a fraction of the frame's
#: height, kept free of content: two lines of about 45 px type with their leading and the
#: player's bottom margin take 120–130 px of a 1080-px frame.
SUBTITLE_BAND = 0.12


def safe_box() -> Box:
    """The part of the frame content may use: :data:`EDGE_MARGIN` from the left, right and top
    edges, and above the subtitle band (:data:`SUBTITLE_BAND`).

    >>> box = safe_box()
    >>> round(box.width, 3), round(box.top, 3), round(box.bottom, 3)
    (13.369, 3.573, -3.04)
    """
    from manim import config

    margin = EDGE_MARGIN * config.frame_width
    top = config.frame_height / 2 - margin
    bottom = -config.frame_height / 2 + SUBTITLE_BAND * config.frame_height
    return Box((0.0, (top + bottom) / 2), config.frame_width - 2 * margin, top - bottom)


def frame_box(margin: float = 0.0) -> Box:
    """The safe part of the frame (:func:`safe_box`) less ``margin`` on every side."""
    safe = safe_box()
    return Box(safe.center, safe.width - 2 * margin, safe.height - 2 * margin)


def stack_boxes(heights: Sequence[float], gap: float = 0.15) -> list[Box]:
    """Split the safe part of the frame (:func:`safe_box`) into horizontal bands, top to
    bottom, in proportion to ``heights``."""
    safe = safe_box()
    usable = safe.height - gap * (len(heights) - 1)
    total = sum(heights)
    boxes, top = [], safe.top
    for height in heights:
        h = usable * height / total
        boxes.append(Box((safe.center[0], top - h / 2), safe.width, h))
        top -= h + gap
    return boxes


def place_title(title: Text, box: Box) -> Text:
    """Put a title at the top-left of ``box``."""
    left = np.array([box.center[0] - box.width / 2, 0.0, 0.0])
    return (
        title.move_to(box.point()).align_to(left, LEFT).align_to(np.array([0.0, box.top, 0.0]), UP)
    )


__all__ = [
    "Box",
    "MatrixView",
    "ellipsis_dots",
    "equation_tex",
    "fit_first",
    "fit_into",
    "frame_box",
    "grid_view",
    "highlight_band",
    "highlight_bands",
    "inside_parentheses",
    "matrix_view",
    "part_of",
    "part_with_role",
    "place_title",
    "safe_box",
    "screen_tex_template",
    "smallest_font",
    "split_at_equals",
    "stack_boxes",
    "title_text",
    "visible_indices",
]
