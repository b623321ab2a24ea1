"""Numbers for the derivation's sympy expressions, at many points at once.

The numerical half of verification evaluates small expressions (a loss, a claimed partial, a
binding such as ``z1_11 = w1_11 x_11 + b1_1``) at a few dozen points. ``sympy.lambdify`` would
generate, print and ``exec`` Python source for each: 0.13 s for its first call in a process
(importing its printers) and ~2 ms for each later one, more than half of a cold ``verify`` of the
default network. Walking the expression tree with numpy costs microseconds per node and
evaluates every point in one pass when the values are arrays.

Nodes this walk does not know (none occur in the derivation today) fall back to ``lambdify``,
so the result never depends on which path was taken.

>>> import sympy
>>> x, y = sympy.symbols("x y")
>>> evaluate(x * sympy.exp(y) + 1, {x: np.array([1.0, 2.0]), y: np.array([0.0, 0.0])})
array([2., 3.])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import reduce

import numpy as np
import sympy

Values = Mapping[sympy.Symbol, "np.ndarray | float"]

#: sympy's elementary functions that occur in the derivation, as numpy functions.
_ELEMENTARY: dict[type, Callable[[np.ndarray], np.ndarray]] = {
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.tanh: np.tanh,
}

#: sympy's relations, for the conditions of ``Piecewise`` (relu's textbook definition).
_RELATIONS: dict[type, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    sympy.StrictGreaterThan: np.greater,
    sympy.GreaterThan: np.greater_equal,
    sympy.StrictLessThan: np.less,
    sympy.LessThan: np.less_equal,
    sympy.Equality: np.equal,
    sympy.Unequality: np.not_equal,
}


def evaluate(expr: sympy.Basic, values: Values) -> np.ndarray:
    """``expr`` with every free symbol replaced by its value in ``values``.

    Values may be floats or equal-length arrays (one entry per point); the result broadcasts
    like numpy. A matrix gives an array of its shape with the points along a last axis
    (``(rows, cols)`` for floats, ``(rows, cols, points)`` for arrays).
    """
    memo: dict[sympy.Basic, np.ndarray] = {}
    if isinstance(expr, sympy.MatrixBase):
        entries = [_value(entry, values, memo) for entry in expr]
        points = np.broadcast_arrays(*entries)
        return np.stack(points, axis=0).reshape(expr.shape + points[0].shape)
    return _value(expr, values, memo)


def _value(expr: sympy.Basic, values: Values, memo: dict[sympy.Basic, np.ndarray]) -> np.ndarray:
    found = memo.get(expr)
    if found is None:
        found = memo[expr] = _compute(expr, values, memo)
    return found


def _compute(expr: sympy.Basic, values: Values, memo: dict[sympy.Basic, np.ndarray]) -> np.ndarray:
    if expr.is_Symbol:
        return np.asarray(values[expr], dtype=float)
    if expr.is_Number or expr.is_NumberSymbol:
        return np.asarray(float(expr))
    if expr in (sympy.true, sympy.false):
        return np.asarray(bool(expr))
    if isinstance(expr, sympy.Piecewise):
        return _piecewise(expr, values, memo)
    args = [_value(arg, values, memo) for arg in expr.args]
    if expr.is_Add:
        total: np.ndarray = reduce(np.add, args)
        return total
    if expr.is_Mul:
        product: np.ndarray = reduce(np.multiply, args)
        return product
    if expr.is_Pow:
        power: np.ndarray = np.power(args[0], args[1])
        return power
    numeric = _ELEMENTARY.get(expr.func) or getattr(expr.func, "_imp_", None)
    if numeric is not None:
        return np.asarray(numeric(*args), dtype=float)
    relation = _RELATIONS.get(expr.func)
    if relation is not None:
        return relation(*args)
    return _lambdified(expr, values)


def _piecewise(
    expr: sympy.Piecewise, values: Values, memo: dict[sympy.Basic, np.ndarray]
) -> np.ndarray:
    conditions = [_value(condition, values, memo) for _, condition in expr.args]
    choices = [_value(piece, values, memo) for piece, _ in expr.args]
    shape = np.broadcast_shapes(*(np.shape(a) for a in conditions + choices))
    return np.select(
        [np.broadcast_to(c, shape) for c in conditions],
        [np.broadcast_to(c, shape) for c in choices],
        default=np.nan,
    )


def _lambdified(expr: sympy.Basic, values: Values) -> np.ndarray:
    """The general path, for any node the walk above does not know."""
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    function = sympy.lambdify(symbols, expr, modules="numpy")
    return np.asarray(function(*(values[s] for s in symbols)), dtype=float)
