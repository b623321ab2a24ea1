"""Small builders of display data (TeX parts, matrices) shared by the step sequences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import notation
from .network import Network
from .steps import EntryGrid, GridCell, MatrixDisplay
from .vocabulary import EQUALS, LPAREN, OVER_M, PLUS, RPAREN, Parts, Role, TexPart, operator

LOSS = TexPart("loss", r"\mathcal{L}", "loss")
COST = TexPart("cost", "J", "loss")


def entry(matrix: str, row: int, col: int) -> TexPart:
    """Entry ``(row, col)`` (0-based) of ``matrix`` as a part coloured like its matrix.

    >>> entry("W2", 0, 1)
    TexPart(name='w2_12', tex='w^{[2]}_{12}', symbol='W2', role=<Role.TERM: 'term'>)
    """
    name = notation.entry_name(matrix, row + 1, col + 1)
    return TexPart(name, notation.entry_tex(name), notation.symbol_key(matrix))


def general_entry(matrix: str, row_index: str, col_index: str) -> TexPart:
    """An entry with letter indices, e.g. ``w^{[2]}_{ki}``."""
    return TexPart(
        f"{matrix}[{row_index}{col_index}]",
        notation.general_entry_tex(matrix, row_index, col_index),
        notation.symbol_key(matrix),
    )


def matrix_label(matrix: str, transposed: bool = False) -> TexPart:
    """``W^{[2]}`` (or ``W^{[2]T}``) as a part."""
    name = f"{matrix}T" if transposed else matrix
    return TexPart(name, notation.matrix_tex(matrix, transposed), notation.symbol_key(matrix))


def gprime_entry(layer: int, row: int, col: int) -> TexPart:
    """``g^{[l]\\prime}(z^{[l]}_{ij})`` as a part."""
    z = notation.entry_tex(notation.entry_name(f"Z{layer}", row + 1, col + 1))
    return TexPart(
        f"gprime{layer}_{row + 1}{col + 1}", notation.gprime_entry_tex(layer, z), f"gprime{layer}"
    )


def partial(numerator: str, denominator: TexPart, symbol: str | None, prefix: str = "d") -> TexPart:
    """``∂ numerator / ∂ denominator`` as one part."""
    return TexPart(
        f"{prefix}/{denominator.name}",
        rf"\frac{{\partial {numerator}}}{{\partial {denominator.tex}}}",
        symbol,
    )


def matrix_display(network: Network, matrix: str, transposed: bool = False) -> MatrixDisplay:
    """``matrix`` written out entry by entry (its transpose if ``transposed``)."""
    rows, cols = network.shapes[matrix]
    if transposed:
        entries = tuple(tuple((entry(matrix, r, c),) for r in range(rows)) for c in range(cols))
        general = general_entry(matrix, "k", "i")
    else:
        entries = tuple(tuple((entry(matrix, r, c),) for c in range(cols)) for r in range(rows))
        general = general_entry(matrix, *_indices(matrix))
    return MatrixDisplay(
        f"{matrix}T" if transposed else matrix,
        matrix_label(matrix, transposed),
        entries,
        general,
        notation.symbol_key(matrix),
    )


def gprime_display(network: Network, layer: int) -> MatrixDisplay:
    """``g'(Z[l])`` written out entry by entry."""
    rows, cols = network.shapes[f"Z{layer}"]
    entries = tuple(tuple((gprime_entry(layer, r, c),) for c in range(cols)) for r in range(rows))
    general = general_gprime(layer)
    label = TexPart(f"gprime{layer}", notation.gprime_matrix_tex(layer), f"gprime{layer}")
    return MatrixDisplay(f"gprime{layer}", label, entries, general, f"gprime{layer}")


def general_gprime(layer: int) -> TexPart:
    """``g^{[l]\\prime}(z^{[l]}_{ij})`` with letter indices, as a part."""
    return TexPart(
        f"gprime{layer}[ij]",
        notation.gprime_entry_tex(layer, notation.general_entry_tex(f"Z{layer}", "i", "j")),
        f"gprime{layer}",
    )


def sum_sign(name: str, index: str, upper: str) -> TexPart:
    """``Σ_{index=1}^{upper}`` as a part with the role :attr:`Role.SUM`."""
    return operator(name, rf"\sum_{{{index}=1}}^{{{upper}}}", Role.SUM)


def entry_sum(index: str, upper: str, *factors: tuple[str, str, str]) -> Parts:
    """``Σ_{index=1}^{upper}`` of a product of general entries, each ``(matrix, row, col)``:
    one entry of a matrix product written as a sum.

    >>> [p.name for p in entry_sum("k", "n^{[2]}", ("W2", "k", "i"), ("dZ2", "k", "j"))]
    ['sum_k', 'W2[ki]', 'dZ2[kj]']
    """
    return (sum_sign(f"sum_{index}", index, upper), *(general_entry(*f) for f in factors))


def entry_grid(
    net: Network, name: str, general: Parts, cell: Callable[[int, int], GridCell]
) -> EntryGrid:
    """Every entry of the matrix ``name`` as a scalar formula, row by row: ``cell(row, col)``
    is one entry's, ``general`` the formula of any entry."""
    rows, cols = net.shapes[name]
    cells = tuple(cell(row, col) for row in range(rows) for col in range(cols))
    return EntryGrid(name, matrix_label(name), cells, (rows, cols), general)


def _indices(matrix: str) -> tuple[str, str]:
    letter = matrix.lstrip("d")[0]
    return {"W": ("k", "i"), "b": ("k", "1")}.get(letter, ("i", "j"))


def joined(parts: Sequence[Parts], separator: TexPart = PLUS) -> Parts:
    """Concatenate groups of parts with ``separator`` between them."""
    out: list[TexPart] = []
    for index, group in enumerate(parts):
        if index:
            out.append(separator)
        out.extend(group)
    return tuple(out)


__all__ = [
    "COST",
    "EQUALS",
    "LOSS",
    "LPAREN",
    "OVER_M",
    "PLUS",
    "RPAREN",
    "entry",
    "general_entry",
    "general_gprime",
    "gprime_display",
    "gprime_entry",
    "joined",
    "matrix_display",
    "matrix_label",
    "partial",
    "sum_sign",
]
