"""Andrew Ng's notation: names, entry symbols and their LaTeX.

Matrices are named as in code (``W2``, ``dZ1``, ``X``); their entries are sympy symbols whose
names are Python identifiers (``w2_12``, ``dz2_21``, ``x_11``) that :func:`entry_tex` typesets
(``w^{[2]}_{12}``). Indices are 1-based, as on the course slides.
"""

from __future__ import annotations

import re

import sympy

_MATRIX = re.compile(r"^(d?)([WbZAXY])(\d?)$")
_ENTRY = re.compile(r"^(d?)([wbzaxy])(\d?)_(\d)(\d?)$")


def matrix_tex(name: str, transposed: bool = False) -> str:
    """``"W2"`` → ``W^{[2]}``; ``"dZ1"`` → ``dZ^{[1]}``; ``"X"`` → ``X``.

    >>> matrix_tex("W2", transposed=True)
    'W^{[2]T}'
    """
    prefix, letter, layer = _split(name)
    if layer:
        return f"{prefix}{letter}^{{[{layer}]{'T' if transposed else ''}}}"
    return f"{prefix}{letter}^{{T}}" if transposed else f"{prefix}{letter}"


def symbol_key(name: str) -> str:
    """The theme key of a matrix: its name (``A0`` is written ``X``)."""
    return "X" if name == "A0" else name


def _split(name: str) -> tuple[str, str, str]:
    match = _MATRIX.match(name)
    if not match:
        raise ValueError(f"{name!r} is not a matrix name like W2, dZ1, X or Y")
    return match.group(1), match.group(2), match.group(3)


def gprime_matrix_tex(layer: int) -> str:
    """``g^{[l]\\prime}(Z^{[l]})``."""
    return rf"g^{{[{layer}]\prime}}(Z^{{[{layer}]}})"


def gprime_entry_tex(layer: int, z_entry_tex: str) -> str:
    """``g^{[l]\\prime}(z^{[l]}_{ij})`` for a given entry's TeX."""
    return rf"g^{{[{layer}]\prime}}({z_entry_tex})"


def entry_name(matrix: str, row: int, col: int) -> str:
    """The sympy name of entry ``(row, col)`` (1-based) of a matrix.

    >>> entry_name("W2", 1, 2), entry_name("b1", 2, 1), entry_name("X", 1, 1)
    ('w2_12', 'b1_2', 'x_11')
    """
    prefix, letter, layer = _split(matrix)
    family = prefix + letter.lower()
    col_text = "" if letter == "b" else str(col)
    return f"{family}{layer}_{row}{col_text}"


def entry_tex(name: str) -> str:
    """LaTeX of an entry symbol's name.

    >>> entry_tex("dz2_12"), entry_tex("x_21"), entry_tex("b1_2")
    ('dz^{[2]}_{12}', 'x_{21}', 'b^{[1]}_{2}')
    """
    match = _ENTRY.match(name)
    if not match:
        raise ValueError(f"{name!r} is not an entry symbol name")
    prefix, letter, layer, row, col = match.groups()
    head = f"{prefix}{letter}" + (f"^{{[{layer}]}}" if layer else "")
    return f"{head}_{{{row}{col}}}"


def general_entry_tex(matrix: str, row_index: str, col_index: str) -> str:
    """An entry with letter indices: ``general_entry_tex("W2", "k", "i")`` → ``w^{[2]}_{ki}``."""
    prefix, letter, layer = _split(matrix)
    head = f"{prefix}{letter.lower()}" + (f"^{{[{layer}]}}" if layer else "")
    index = row_index if letter == "b" else f"{row_index}{col_index}"
    return f"{head}_{{{index}}}"


def symbol_tex(symbol: sympy.Symbol) -> str:
    """LaTeX of an entry symbol."""
    return entry_tex(symbol.name)


def size_tex(layer: int) -> str:
    """``n^{[l]}`` (``n_x`` for the input)."""
    return "n_x" if layer == 0 else f"n^{{[{layer}]}}"


def shape_text(shape: tuple[int, int]) -> str:
    """``(2×3)``."""
    return f"({shape[0]}×{shape[1]})"


def shape_tex(rows: str, cols: str) -> str:
    """``(n^{[1]} \\times m)``."""
    return rf"({rows} \times {cols})"
