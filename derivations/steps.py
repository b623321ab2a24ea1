"""Plain, frozen data that scenes consume: TeX parts, matrices, entry grids and steps.

A :class:`Step` is one move of the derivation. It carries what a scene shows (an equation split
into named :class:`~derivations.vocabulary.TexPart` s, each with a role, and optionally
matrices, an entry grid, chain-rule paths or shape badges), what a narrator says, and the
:mod:`claims <derivations.claims>` that prove it. Nothing here imports Manim.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .claims import Claim
from .speech import spoken
from .vocabulary import Parts, Role, StepId, StepKind, TexPart, joined_tex


class Stage(str, Enum):
    """Where a step stands in the seed's method."""

    PLAN = "plan"  #: the lecture's map: the slide's formulas and its two parts
    FORWARD = "forward"  #: 1. the forward equations
    CONCRETE = "concrete"  #: 2. tiny matrices with scalar entries
    EXPAND = "expand"  #: 3. every product expanded into scalar sums
    PARTIAL = "partial"  #: 4. one scalar partial by the scalar chain rule
    ALL_ENTRIES = "all_entries"  #: 5. the same for every entry
    FOLD = "fold"  #: 6. the scalar results folded back into matrix form
    SHAPES = "shapes"  #: 7. the shape check
    PITFALL = "pitfall"  #: where a learner's intuition goes wrong
    GENERAL = "general"  #: the general-layer recursion
    RECAP = "recap"  #: back to the question: the formulas with their shapes


@dataclass(frozen=True)
class MatrixDisplay:
    """A matrix written out entry by entry, e.g. ``W[2]`` with entries ``w^{[2]}_{ki}``.

    ``entries[r][c]`` is the TeX of entry ``(r+1, c+1)``; ``general_entry`` is the same entry
    with letter indices (``w^{[2]}_{ki}``) for a compact presentation of large matrices.
    """

    name: str
    label: TexPart
    entries: tuple[tuple[Parts, ...], ...]
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


class FactorRole(str, Enum):
    """Which factor of a chain-rule product a :class:`ChainFactor` is."""

    UPSTREAM = "upstream"  #: ``∂𝓛/∂z^{[2]}_{kj}``, the gradient arriving from above
    WEIGHT = "weight"  #: ``∂z^{[2]}_{kj}/∂a^{[1]}_{ij}``, a weight
    LOCAL = "local"  #: ``∂a^{[1]}_{ij}/∂z^{[1]}_{ij}``, the activation's slope


@dataclass(frozen=True)
class ChainFactor:
    """One factor of a scalar chain-rule product ``∂ of / ∂ wrt``: its generic form, its
    value, and its role.

    ``of`` and ``wrt`` are the parts the derivative is taken of and with respect to (for the
    local factor: ``a^{[1]}_{ij}`` and the picked entry ``z^{[1]}_{ij}``; for the upstream
    factor: the loss ``𝓛`` and ``z^{[2]}_{kj}``).
    """

    role: FactorRole
    generic: TexPart
    value: TexPart
    of: TexPart
    wrt: TexPart


@dataclass(frozen=True)
class ChainPath:
    """One path from the picked entry to the loss, through ``via`` (e.g. ``z^{[2]}_{kj}``)."""

    via: TexPart
    factors: tuple[ChainFactor, ...]


@dataclass(frozen=True)
class ShapeBadge:
    """The shape of the equation part named ``part``: numbers and letters
    (``n^{[1]} \\times m``)."""

    part: str
    rows: int
    cols: int
    tex: str
    ok: bool = True


@dataclass(frozen=True)
class Candidate:
    """A tempting formula tried against the shapes, and what the shape checker made of it.

    ``text`` is the formula in the candidate language (``"W2 @ dZ2 * gprime(Z1)"``),
    ``equation`` its display (``dZ[1] = ...``) and ``badges`` a shape under each factor
    (``ok=False`` on the factors of the product that does not exist). ``shape`` is the
    formula's shape (``None`` when some product in it does not exist) and ``fits`` says whether
    it is the shape the gradient must have. ``verdict`` is one short line naming why
    (``"no product: W[2] is 2×3, dZ[2] is 2×2"``), written with the notation of the subtitles;
    ``reason`` is the same line as TeX parts in the formulas' notation (``W^{[2]}``,
    ``g^{[1]\\prime}``), the words as ``\\text`` parts with no symbol. ``said`` is the sentence
    of the narration that judges this form (a scene shows the form as it is said).
    """

    text: str
    equation: Parts
    badges: tuple[ShapeBadge, ...]
    shape: tuple[int, int] | None
    fits: bool
    verdict: str
    reason: Parts = ()
    said: str = ""


@dataclass(frozen=True)
class NumberData:
    """Real numbers a step computes with, chosen by the derivation from ``seed``.

    ``matrices`` pairs each name (``"W2"``, ``"b2"``, ``"Z1"``, ``"dZ2"``, ``"Y"``, and the
    deeper layers' ``W``/``b`` when ``L > 2``) with its values, row by row. ``result`` is
    ``∂𝓛/∂z[1]`` at ``picked`` by the chain rule; nudging that entry by ``epsilon`` moves the
    summed loss from ``loss_before`` to ``loss_after``. ``wrong`` is the same entry computed
    without the transpose (``None`` when that product has no shape).

    >>> data = NumberData(7, (("W2", ((0.5,),)),), (0, 0), -0.12, 0.01, 1.0, 0.9988)
    >>> data.matrix("W2"), round(data.delta, 6)
    (((0.5,),), -0.0012)
    """

    seed: int
    matrices: tuple[tuple[str, tuple[tuple[float, ...], ...]], ...]
    picked: tuple[int, int]
    result: float
    epsilon: float
    loss_before: float
    loss_after: float
    wrong: float | None = None

    def matrix(self, name: str) -> tuple[tuple[float, ...], ...]:
        """The values of the matrix called ``name`` (``KeyError`` naming the known ones)."""
        for known, values in self.matrices:
            if known == name:
                return values
        raise KeyError(
            f"no numbers for {name!r}; there are: " + ", ".join(known for known, _ in self.matrices)
        )

    @property
    def delta(self) -> float:
        """``𝓛(after) − 𝓛(before)``: the real change of the loss under the nudge."""
        return self.loss_after - self.loss_before

    def as_dict(self) -> dict[str, object]:
        """Plain data for a manifest (JSON-ready)."""
        return {
            "seed": self.seed,
            "picked": list(self.picked),
            "matrices": {name: [list(row) for row in values] for name, values in self.matrices},
            "result": self.result,
            "epsilon": self.epsilon,
            "loss_before": self.loss_before,
            "loss_after": self.loss_after,
            "wrong": self.wrong,
        }


@dataclass(frozen=True)
class Step:
    """One verified move of a derivation.

    Attributes
    ----------
    id : unique within a derivation: the target and the kind of step; ``str(id)`` is
        ``"<target>.<kind>"``, e.g. ``"dZ1.fold"``.
    stage : where it stands in the method.
    title : a short chapter title.
    narration : one or two plain-text sentences, for subtitles.
    speech : (a property) the narration as a voice should read it, derived by
        :func:`~derivations.speech.spoken`, never typed twice.
    equation : the main display, split into named parts.
    lines : further displayed equations (e.g. the forward equations, one per line).
    matrices, grid, paths, picked, badges, highlights, candidates : structured displays, see
        their classes;
        ``picked`` is the 0-based entry a partial-derivative step singles out, ``highlights``
        pairs a row/column of one matrix with the row/column it becomes in another.
    struck : groups of part names (of ``equation`` or ``lines``), each a factor that cancels
        against another one of its line, to be struck through.
    numbers : the real values a numbers step computes with.
    claims : what the step states, as sympy objects, checked by :meth:`Derivation.verify`.
    """

    id: StepId
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
    highlights: tuple[tuple[Highlight, Highlight], ...] = ()
    candidates: tuple[Candidate, ...] = ()
    struck: tuple[tuple[str, ...], ...] = ()
    numbers: NumberData | None = None

    @property
    def speech(self) -> str:
        """The narration in words a text-to-speech voice reads correctly ("W two transpose
        times d Z two" for ``W[2]ᵀ dZ[2]``), see :func:`~derivations.speech.spoken`."""
        return spoken(self.narration)

    @property
    def target(self) -> str:
        """The gradient this step works towards (``"dZ1"``, ``"dW2"``, ..., ``"general"``)."""
        return self.id.target

    def part(self, name: str) -> TexPart:
        """The equation part called ``name`` (``KeyError`` naming the known parts otherwise)."""
        for part in self.equation:
            if part.name == name:
                return part
        known = ", ".join(p.name for p in self.equation)
        raise KeyError(f"step {self.id} has no part {name!r}; it has: {known}")

    def matrix(self, name: str) -> MatrixDisplay:
        """The matrix display called ``name``."""
        for matrix in self.matrices:
            if matrix.name == name:
                return matrix
        raise KeyError(f"step {self.id} shows no matrix {name!r}")


__all__ = [
    "Candidate",
    "ChainFactor",
    "ChainPath",
    "EntryGrid",
    "FactorRole",
    "GridCell",
    "Highlight",
    "MatrixDisplay",
    "NumberData",
    "Parts",
    "Role",
    "ShapeBadge",
    "Stage",
    "Step",
    "StepId",
    "StepKind",
    "TexPart",
    "joined_tex",
]
