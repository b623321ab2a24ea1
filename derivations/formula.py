"""Matrix formulas as a tiny expression tree: parsed, shape-checked, evaluated, typeset.

The same tree serves four purposes, so a folded formula is written once:

* :func:`parse` reads the small language of :meth:`Derivation.check_candidate`
  (``W2.T @ dZ2 * gprime(Z1)``, ``1/m * sum(dZ2, axis=1)``) without ``eval``;
* :func:`shape_of` checks shapes and names the factors that disagree;
* :func:`evaluate` computes it on numpy arrays or on explicit sympy matrices;
* :func:`to_parts` typesets it as named :class:`~derivations.vocabulary.TexPart` s, each
  with its role (the ``∗`` is :attr:`~derivations.vocabulary.Role.HADAMARD`, ...).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from . import notation
from .vocabulary import HADAMARD, LPAREN, MINUS, OVER_M, RPAREN, Role, TexPart, operator


class FormulaError(ValueError):
    """A formula that cannot be read (bad syntax, unknown name, unsupported construct)."""


class ShapeError(ValueError):
    """A formula whose factors' shapes do not fit together."""


@dataclass(frozen=True)
class Ref:
    """A named matrix: ``W2``, ``dZ2``, ``A1``, ``X``, ``Y``."""

    name: str


@dataclass(frozen=True)
class GPrime:
    """``gprime(Zl)``: the hidden activation's derivative applied entry-wise to ``Z[l]``."""

    layer: int


@dataclass(frozen=True)
class Unary:
    """A function of one sub-formula, ``arg``: :class:`Transpose`, :class:`OverM` and
    :class:`SumColumns`."""

    arg: Node


@dataclass(frozen=True)
class Binary:
    """An operation on two sub-formulas, ``left`` and ``right``: :class:`MatMul`,
    :class:`Hadamard` and :class:`Sub`."""

    left: Node
    right: Node


class Transpose(Unary):
    """``x.T``."""


class OverM(Unary):
    """``1/m * arg``: the average over the ``m`` examples."""


class SumColumns(Unary):
    """``sum(arg, axis=1)``: add the columns (the examples), keeping a column vector."""


class MatMul(Binary):
    """``left @ right``, the matrix product."""


class Hadamard(Binary):
    """``left * right``, the element-wise product."""


class Sub(Binary):
    """``left - right``."""


Node = Ref | GPrime | Transpose | MatMul | Hadamard | Sub | OverM | SumColumns
Shape = tuple[int, int]

# --------------------------------------------------------------------------- parsing

_NAME = re.compile(r"^(X|Y|[WbZA][1-9]|d[WbZA][1-9])$")
MAX_FORMULA_LENGTH = 200


def parse(text: str, known: Mapping[str, Shape] | None = None) -> Node:
    """Read a formula of the candidate language.

    Names are the spec's matrices (``X``, ``Y``, ``W1``, ``b1``, ``Z1``, ``A1``, ``dZ2``, ...);
    ``.T`` transposes, ``@`` is the matrix product, ``*`` the element-wise product, ``-`` and
    ``1/m *`` scale, ``gprime(Zl)`` and ``sum(M, axis=1)`` are the two functions.

    >>> parse("W2.T @ dZ2 * gprime(Z1)")  # doctest: +NORMALIZE_WHITESPACE
    Hadamard(left=MatMul(left=Transpose(arg=Ref(name='W2')), right=Ref(name='dZ2')),
             right=GPrime(layer=1))
    >>> parse("__import__('os')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    derivations.formula.FormulaError: unknown function '__import__': only gprime(Zl) and ...
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty: write e.g. 'W2.T @ dZ2 * gprime(Z1)'")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(
            f"the formula is {len(text)} characters long; at most {MAX_FORMULA_LENGTH} are allowed"
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise FormulaError(
            f"cannot read {text.strip()!r}: {error.msg} at column {error.offset}"
        ) from None
    except ValueError as error:  # e.g. a lone surrogate, which the compiler cannot encode
        raise FormulaError(f"cannot read {text.strip()!r}: {error}") from None
    node = _convert(tree.body)
    if known is not None:
        for name in sorted(names_in(node)):
            if name not in known:
                raise FormulaError(f"unknown name {name!r}: this network has " + ", ".join(known))
    return node


def _convert(node: ast.AST) -> Node:
    if isinstance(node, ast.Name):
        if not _NAME.match(node.id):
            raise FormulaError(
                f"unknown name {node.id!r}: use X, Y, W1, b1, Z1, A1, dZ1, ..., "
                "gprime(Zl), sum(M, axis=1) and 1/m"
            )
        return Ref(node.id)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return Transpose(_convert(node.value))
    if isinstance(node, ast.BinOp):
        return _convert_binop(node)
    if isinstance(node, ast.Call):
        return _convert_call(node)
    raise FormulaError(
        f"unsupported syntax {ast.unparse(node)!r}: use names, .T, @, *, -, "
        "1/m, gprime(Zl) and sum(M, axis=1)"
    )


def _is_one_over_m(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Div)
        and isinstance(node.left, ast.Constant)
        and node.left.value == 1
        and isinstance(node.right, ast.Name)
        and node.right.id == "m"
    )


def _convert_binop(node: ast.BinOp) -> Node:
    if _is_one_over_m(node):
        raise FormulaError("1/m must multiply a matrix, as in '1/m * dZ2 @ A1.T'")
    if isinstance(node.op, ast.Mult) and _is_one_over_m(node.left):
        return OverM(_convert(node.right))
    if isinstance(node.op, ast.Mult) and _is_one_over_m(node.right):
        return OverM(_convert(node.left))
    if isinstance(node.op, ast.Div) and isinstance(node.right, ast.Name) and node.right.id == "m":
        return OverM(_convert(node.left))
    operators: dict[type, Callable[[Node, Node], Node]] = {
        ast.MatMult: MatMul,
        ast.Mult: Hadamard,
        ast.Sub: Sub,
    }
    maker = operators.get(type(node.op))
    if maker is None:
        raise FormulaError(
            f"unsupported operator in {ast.unparse(node)!r}: use @ (matrix "
            "product), * (element-wise product), - and 1/m"
        )
    left = node.left
    if (
        maker is not Sub
        and isinstance(left, ast.BinOp)
        and isinstance(left.op, ast.Mult)
        and _is_one_over_m(left.left)
    ):
        # "1/m * A @ B" parses as (1/m * A) @ B: the scale applies to the whole product (not
        # to a difference: "1/m * A - B" is (1/m * A) - B).
        return OverM(maker(_convert(left.right), _convert(node.right)))
    return maker(_convert(left), _convert(node.right))


def _convert_call(node: ast.Call) -> Node:
    name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
    if name == "gprime" and len(node.args) == 1 and not node.keywords:
        arg = node.args[0]
        if isinstance(arg, ast.Name) and re.fullmatch(r"Z[1-9]", arg.id):
            return GPrime(int(arg.id[1:]))
        raise FormulaError(
            f"gprime takes one Z matrix, as in gprime(Z1); got {ast.unparse(node)!r}"
        )
    if name == "sum":
        axis_ok = (
            len(node.args) == 1
            and len(node.keywords) == 1
            and node.keywords[0].arg == "axis"
            and isinstance(node.keywords[0].value, ast.Constant)
            and node.keywords[0].value.value == 1
        )
        if axis_ok:
            return SumColumns(_convert(node.args[0]))
        raise FormulaError(
            f"sum takes a matrix and axis=1, as in sum(dZ2, axis=1); got {ast.unparse(node)!r}"
        )
    raise FormulaError(f"unknown function {name!r}: only gprime(Zl) and sum(M, axis=1) exist")


def names_in(node: Node) -> set[str]:
    """The matrix names a formula refers to (``gprime(Zl)`` counts as ``Zl``)."""
    if isinstance(node, Ref):
        return {node.name}
    if isinstance(node, GPrime):
        return {f"Z{node.layer}"}
    return set().union(*(names_in(child) for child in children(node)))


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-formulas of ``node`` (none for a name or ``gprime(Zl)``)."""
    if isinstance(node, Unary):
        return (node.arg,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    return ()


# --------------------------------------------------------------------------- printing


def to_text(node: Node) -> str:
    """The formula in the candidate language (round-trips through :func:`parse`)."""
    if isinstance(node, Ref):
        return node.name
    if isinstance(node, GPrime):
        return f"gprime(Z{node.layer})"
    if isinstance(node, Transpose):
        inner = to_text(node.arg)
        return f"{inner}.T" if isinstance(node.arg, Ref) else f"({inner}).T"
    if isinstance(node, OverM):
        inner = _wrap_text(node.arg, Sub)
        # "1/m * 1/m * A" is not in the language (Python reads it as ((1/m * 1)/m) * A), nor
        # "1/m * (A) / m @ B" (read as ((1/m * A) / m) @ B)
        scaled_left = isinstance(node.arg, (MatMul, Hadamard)) and isinstance(node.arg.left, OverM)
        wrap = inner.startswith("1/m") or scaled_left
        return f"1/m * ({inner})" if wrap else f"1/m * {inner}"
    if isinstance(node, SumColumns):
        return f"sum({to_text(node.arg)}, axis=1)"
    symbol = {MatMul: "@", Hadamard: "*", Sub: "-"}[type(node)]
    looser = (Sub,) if not isinstance(node, Sub) else ()
    if isinstance(node.left, OverM) and not isinstance(node, Sub):
        # "1/m * A @ B" reads as 1/m * (A @ B) (see _convert_binop), so a scaled left operand
        # is written "(A) / m @ B", which reads back as it was
        left = f"({to_text(node.left.arg)}) / m"
    else:
        left = _wrap_text(node.left, *looser, *((Hadamard,) if isinstance(node, MatMul) else ()))
    right = _wrap_text(
        node.right, Sub, *((Hadamard, MatMul, OverM) if not isinstance(node, Sub) else ())
    )
    return f"{left} {symbol} {right}"


def _wrap_text(node: Node, *loose: type) -> str:
    text = to_text(node)
    return f"({text})" if loose and isinstance(node, loose) else text


# --------------------------------------------------------------------------- shapes


def shape_of(node: Node, shapes: Mapping[str, Shape]) -> Shape:
    """The shape of ``node``, or :class:`ShapeError` naming the factors that disagree.

    >>> shape_of(parse("W2 @ dZ2"), {"W2": (1, 3), "dZ2": (1, 2)})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    derivations.formula.ShapeError: W2 @ dZ2 has no matrix product: W2 is (1×3) and dZ2 is ...
    """
    if isinstance(node, Ref):
        return shapes[node.name]
    if isinstance(node, GPrime):
        return shapes[f"Z{node.layer}"]
    if isinstance(node, Transpose):
        rows, cols = shape_of(node.arg, shapes)
        return cols, rows
    if isinstance(node, OverM):
        return shape_of(node.arg, shapes)
    if isinstance(node, SumColumns):
        return shape_of(node.arg, shapes)[0], 1
    left, right = shape_of(node.left, shapes), shape_of(node.right, shapes)
    if isinstance(node, MatMul):
        if left[1] != right[0]:
            raise ShapeError(
                f"{to_text(node)} has no matrix product: {to_text(node.left)} is "
                f"{notation.shape_text(left)} and {to_text(node.right)} is "
                f"{notation.shape_text(right)}; the inner sizes {left[1]} and {right[0]} differ"
            )
        return left[0], right[1]
    if left != right:
        what = "element-wise product" if isinstance(node, Hadamard) else "difference"
        raise ShapeError(
            f"{to_text(node)} has no {what}: {to_text(node.left)} is "
            f"{notation.shape_text(left)} and {to_text(node.right)} is "
            f"{notation.shape_text(right)}"
        )
    return left


# --------------------------------------------------------------------------- evaluation

#: One kind of matrix: numpy arrays, or explicit sympy matrices.
M = TypeVar("M")


@dataclass(frozen=True)
class Algebra(Generic[M]):
    """The operations :func:`evaluate` needs, for one kind of matrix ``M`` (numpy or sympy)."""

    matmul: Callable[[M, M], M]
    hadamard: Callable[[M, M], M]
    transpose: Callable[[M], M]
    sub: Callable[[M, M], M]
    over_m: Callable[[M], M]
    sum_columns: Callable[[M], M]


def evaluate(node: Node, values: Mapping[str, M], algebra: Algebra[M]) -> M:
    """Compute ``node`` from ``values`` (names, and ``gprime(Zl)`` under ``"gprime1"`` etc.)."""
    if isinstance(node, Ref):
        return values[node.name]
    if isinstance(node, GPrime):
        return values[f"gprime{node.layer}"]
    if isinstance(node, Transpose):
        return algebra.transpose(evaluate(node.arg, values, algebra))
    if isinstance(node, OverM):
        return algebra.over_m(evaluate(node.arg, values, algebra))
    if isinstance(node, SumColumns):
        return algebra.sum_columns(evaluate(node.arg, values, algebra))
    left = evaluate(node.left, values, algebra)
    right = evaluate(node.right, values, algebra)
    operation = {MatMul: algebra.matmul, Hadamard: algebra.hadamard, Sub: algebra.sub}
    return operation[type(node)](left, right)


# --------------------------------------------------------------------------- typesetting


def to_parts(node: Node) -> tuple[TexPart, ...]:
    """Typeset ``node`` as named parts, in Ng's notation (matrix product by juxtaposition).

    >>> [p.tex for p in to_parts(parse("W2.T @ dZ2 * gprime(Z1)"))]
    ['W^{[2]T}', 'dZ^{[2]}', '\\\\ast', 'g^{[1]\\\\prime}(Z^{[1]})']
    >>> [p.role.value for p in to_parts(parse("1/m * (A2 - Y)"))]
    ['scale', 'open', 'term', 'minus', 'term', 'close']
    """
    if isinstance(node, Ref):
        return (TexPart(node.name, notation.matrix_tex(node.name), notation.symbol_key(node.name)),)
    if isinstance(node, GPrime):
        key = f"gprime{node.layer}"
        return (TexPart(key, notation.gprime_matrix_tex(node.layer), key),)
    if isinstance(node, Transpose):
        if isinstance(node.arg, Ref):
            name = node.arg.name
            return (
                TexPart(
                    f"{name}T",
                    notation.matrix_tex(name, transposed=True),
                    notation.symbol_key(name),
                ),
            )
        return (LPAREN, *to_parts(node.arg), operator("rparenT", r")^{T}", Role.CLOSE))
    if isinstance(node, OverM):
        return (OVER_M, *_wrapped_parts(node.arg, Sub))
    if isinstance(node, SumColumns):
        return (
            operator("sumcols", r"\sum_{\text{columns}}", Role.SUM),
            *_wrapped_parts(node.arg, Sub),
        )
    if isinstance(node, MatMul):
        return (
            *_wrapped_parts(node.left, Sub, Hadamard),
            *_wrapped_parts(node.right, Sub, Hadamard),
        )
    if isinstance(node, Hadamard):
        return (
            *_wrapped_parts(node.left, Sub),
            HADAMARD,
            *_wrapped_parts(node.right, Sub, Hadamard),
        )
    return (*to_parts(node.left), MINUS, *_wrapped_parts(node.right, Sub))


def _wrapped_parts(node: Node, *loose: type) -> tuple[TexPart, ...]:
    parts = to_parts(node)
    if isinstance(node, loose):
        return (LPAREN, *parts, RPAREN)
    return parts
