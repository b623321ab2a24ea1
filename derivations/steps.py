"""Plain, frozen data that scenes consume: TeX parts, matrices, entry grids and steps.

A :class:`Step` is one move of the derivation. It carries what a scene shows (an equation split
into named :class:`TexPart` s, and optionally matrices, an entry grid, chain-rule paths or shape
badges), what a narrator says, and the :mod:`claims <derivations.claims>` that prove it.
Nothing here imports Manim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .claims import Claim


class Stage(str, Enum):
    """Where a step stands in the seed's method."""

    FORWARD = "forward"          #: 1. the forward equations
    CONCRETE = "concrete"        #: 2. tiny matrices with scalar entries
    EXPAND = "expand"            #: 3. every product expanded into scalar sums
    PARTIAL = "partial"          #: 4. one scalar partial by the scalar chain rule
    ALL_ENTRIES = "all_entries"  #: 5. the same for every entry
    FOLD = "fold"                #: 6. the scalar results folded back into matrix form
    SHAPES = "shapes"            #: 7. the shape check
    PITFALL = "pitfall"          #: where a learner's intuition goes wrong
    GENERAL = "general"          #: the general-layer recursion


@dataclass(frozen=True)
class TexPart:
    """One named piece of display LaTeX.

    ``symbol`` is the theme key that colours it (``"W2"``, ``"dZ2"``, ``"gprime1"``, ...) or
    ``None`` for operators and punctuation. Scenes pass the ``tex`` of consecutive parts as the
    separate strings of one ``MathTex`` so that ``TransformMatchingTex`` can pair them.

    >>> TexPart("W2T", r"W^{[2]T}", "W2").tex
    'W^{[2]T}'
    """

    name: str
    tex: str
    symbol: str | None = None

    def __post_init__(self) -> None:
        depth = 0
        for char in self.tex.replace(r"\{", "").replace(r"\}", ""):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth < 0:
                break
        if depth:
            raise ValueError(f"TeX part {self.name!r} has unbalanced braces: {self.tex!r}; "
                             f"every part must typeset on its own (scenes measure parts one "
                             f"by one)")


Parts = tuple[TexPart, ...]


def joined_tex(parts: Parts) -> str:
    """The whole LaTeX of ``parts``, as one string (for logging and tests)."""
    return " ".join(part.tex for part in parts)


@dataclass(frozen=True)
class MatrixDisplay:
    """A matrix written out entry by entry, e.g. ``W[2]`` with entries ``w^{[2]}_{ki}``.

    ``entries[r][c]`` is the TeX of entry ``(r+1, c+1)``; ``general_entry`` is the same entry
    with letter indices (``w^{[2]}_{ki}``) for a compact presentation of large matrices.
    """

    name: str
    label: TexPart
    entries: tuple[Parts, ...]
    general_entry: TexPart
    symbol: str

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)``."""
        return len(self.entries), len(self.entries[0])


@dataclass(frozen=True)
class Highlight:
    """A row or a column of a named matrix (0-based; ``None`` means the whole of that axis)."""

    matrix: str
    row: int | None = None
    col: int | None = None


@dataclass(frozen=True)
class GridCell:
    """One entry of an :class:`EntryGrid`: its position, its formula, what it is made from."""

    row: int
    col: int
    parts: Parts
    sources: tuple[Highlight, ...] = ()


@dataclass(frozen=True)
class EntryGrid:
    """Every entry of a result matrix written as a scalar formula (e.g. ``z^{[2]}_{kj} = ...``)."""

    name: str
    label: TexPart
    cells: tuple[GridCell, ...]
    shape: tuple[int, int]
    general: Parts

    def cell(self, row: int, col: int) -> GridCell:
        """The cell at 0-based ``(row, col)``."""
        return self.cells[row * self.shape[1] + col]


@dataclass(frozen=True)
class ChainFactor:
    """One factor of a scalar chain-rule product: its generic form, its value, and its role.

    ``role`` is ``"upstream"`` (``∂𝓛/∂z^{[2]}_{kj}``), ``"weight"`` (``∂z^{[2]}_{kj}/∂a^{[1]}_{ij}``)
    or ``"local"`` (``∂a^{[1]}_{ij}/∂z^{[1]}_{ij}``).
    """

    role: str
    generic: TexPart
    value: TexPart


@dataclass(frozen=True)
class ChainPath:
    """One path from the picked entry to the loss, through ``via`` (e.g. ``z^{[2]}_{kj}``)."""

    via: TexPart
    factors: tuple[ChainFactor, ...]


@dataclass(frozen=True)
class ShapeBadge:
    """The shape of the equation part named ``part``: numbers and letters (``n^{[1]} \\times m``)."""

    part: str
    rows: int
    cols: int
    tex: str
    ok: bool = True


@dataclass(frozen=True)
class Step:
    """One verified move of a derivation.

    Attributes
    ----------
    id : unique within a derivation, ``"<target>.<name>"``, e.g. ``"dZ1.fold"``.
    target : the gradient this step works towards (``"dZ1"``, ``"dW2"``, ...).
    stage : where it stands in the method.
    title : a short chapter title.
    narration : one or two plain-text sentences, for subtitles.
    equation : the main display, split into named parts.
    lines : further displayed equations (e.g. the forward equations, one per line).
    matrices, grid, paths, picked, badges, highlights : structured displays, see their classes;
        ``picked`` is the 0-based entry a partial-derivative step singles out, ``highlights``
        pairs a row/column of one matrix with the row/column it becomes in another.
    claims : what the step states, as sympy objects, checked by :meth:`Derivation.verify`.
    """

    id: str
    target: str
    stage: Stage
    title: str
    narration: str
    equation: Parts = ()
    lines: tuple[Parts, ...] = ()
    claims: tuple[Claim, ...] = ()
    matrices: tuple[MatrixDisplay, ...] = ()
    grid: EntryGrid | None = None
    paths: tuple[ChainPath, ...] = ()
    picked: tuple[int, int] | None = None
    badges: tuple[ShapeBadge, ...] = ()
    highlights: tuple[tuple[Highlight, Highlight], ...] = field(default=())

    def part(self, name: str) -> TexPart:
        """The equation part called ``name`` (``KeyError`` naming the known parts otherwise)."""
        for part in self.equation:
            if part.name == name:
                return part
        known = ", ".join(p.name for p in self.equation)
        raise KeyError(f"step {self.id!r} has no part {name!r}; it has: {known}")

    def matrix(self, name: str) -> MatrixDisplay:
        """The matrix display called ``name``."""
        for matrix in self.matrices:
            if matrix.name == name:
                return matrix
        raise KeyError(f"step {self.id!r} shows no matrix {name!r}")
