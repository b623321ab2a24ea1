"""What a step states, as sympy objects, and how each statement is checked.

Two kinds of statement cover the whole derivation:

* :class:`DerivativeClaim` — "the derivative of ``function`` with respect to each entry of
  ``variables`` is ``value``". Checked symbolically (sympy differentiates the fully expanded
  scalar function) and numerically (central finite differences at a random point).
* :class:`EqualityClaim` — "``lhs`` equals ``rhs``" entry by entry (an expansion, a fold).
  Checked symbolically and at a random point.

:func:`check_claim` returns ``None`` when a claim holds and a one-line reason when it does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy

from .formula import FormulaError, ShapeError, parse, shape_of
from .numeric import evaluate

NUMERIC_STEP = 1e-6
NUMERIC_RTOL = 1e-5
NUMERIC_ATOL = 1e-7


@dataclass(frozen=True)
class DerivativeClaim:
    """``∂ function / ∂ variables[r, c] == value[r, c]`` for every entry.

    ``function`` is a scalar sympy expression; ``variables`` and ``value`` are matrices of the
    same shape (the gradient has the shape of its variable).

    ``bindings`` names intermediate quantities: pairs ``(symbol, expression)`` where the
    expression is written in the free variables (e.g. ``z1_11 = w1_11 x_11 + ... + b1_1``).
    ``function`` and ``value`` may use those symbols; the claim is about the *composed* function.
    Sympy then differentiates the loss with respect to the intermediate symbols and each binding
    with respect to the variable (the expanded expressions are never built), and the numerical
    check perturbs the variable and recomputes every binding — an independent test of the same
    composite derivative.
    """

    description: str
    function: sympy.Expr
    variables: sympy.ImmutableMatrix
    value: sympy.ImmutableMatrix
    bindings: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()


@dataclass(frozen=True)
class EqualityClaim:
    """``lhs[r, c] == rhs[r, c]`` for every entry (scalars are 1×1 matrices)."""

    description: str
    lhs: sympy.ImmutableMatrix
    rhs: sympy.ImmutableMatrix


@dataclass(frozen=True)
class ShapeClaim:
    """The formula ``formula`` (candidate language) has shape ``expected`` given ``shapes``.

    ``expected=None`` states the opposite: the formula has no valid shape (e.g. ``W2 @ dZ2``
    when ``n[1] != n[2]``).
    """

    description: str
    formula: str
    shapes: tuple[tuple[str, tuple[int, int]], ...]
    expected: tuple[int, int] | None


@dataclass(frozen=True)
class DifferenceClaim:
    """``lhs`` and ``rhs`` differ in at least one entry: a tempting formula is wrong."""

    description: str
    lhs: sympy.ImmutableMatrix
    rhs: sympy.ImmutableMatrix


Claim = DerivativeClaim | EqualityClaim | ShapeClaim | DifferenceClaim


def as_matrix(value: object) -> sympy.ImmutableMatrix:
    """Wrap a scalar or a matrix as an immutable sympy matrix."""
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value)
    return sympy.ImmutableMatrix([[value]])


def check_claim(claim: Claim, seed: int = 0) -> str | None:
    """``None`` if ``claim`` holds symbolically and numerically, else the first reason it fails."""
    if isinstance(claim, DerivativeClaim):
        return _check_derivative(claim, seed)
    if isinstance(claim, ShapeClaim):
        return _check_shape(claim)
    if isinstance(claim, DifferenceClaim):
        return _check_difference(claim)
    return _check_equality(claim, seed)


def _check_shape(claim: ShapeClaim) -> str | None:
    try:
        found = shape_of(parse(claim.formula), dict(claim.shapes))
    except ShapeError as error:
        return None if claim.expected is None else str(error)
    except (FormulaError, KeyError) as error:
        return f"{claim.formula!r} cannot be read: {error}"
    if claim.expected is None:
        return (
            f"{claim.formula} was expected to have no valid shape, but it is {found[0]}×{found[1]}"
        )
    if found != claim.expected:
        return (
            f"{claim.formula} is {found[0]}×{found[1]}, but the gradient must have the shape "
            f"of its variable, {claim.expected[0]}×{claim.expected[1]}"
        )
    return None


def _check_difference(claim: DifferenceClaim) -> str | None:
    """Holds when the shapes differ or some entry differs at a random point (a difference of
    values at one point proves the expressions are not identical)."""
    if claim.lhs.shape != claim.rhs.shape:
        return None
    point = random_point(_free_symbols(claim.lhs, claim.rhs), seed=0)
    left = evaluate(claim.lhs, point).reshape(claim.lhs.shape)
    right = evaluate(claim.rhs, point).reshape(claim.rhs.shape)
    if not np.allclose(left, right, rtol=1e-9, atol=1e-12):
        return None
    # Agreeing at one point proves nothing (relu's g' is 0 at every negative z): decide exactly.
    if any(not symbolically_equal(l, r) for l, r in zip(claim.lhs, claim.rhs, strict=True)):
        return None
    return "the two sides were expected to differ, but they are equal in every entry"


def _shape_problem(left: sympy.MatrixBase, right: sympy.MatrixBase, what: str) -> str | None:
    if left.shape != right.shape:
        return (
            f"{what} has shape {left.shape[0]}×{left.shape[1]} but the claim has "
            f"{right.shape[0]}×{right.shape[1]}"
        )
    return None


def symbolically_equal(left: sympy.Expr, right: sympy.Expr) -> bool:
    """Exact equality after expansion (a cheap, complete test for the polynomial-in-functions
    expressions the derivation produces), with ``simplify`` as a fallback for small ones."""
    difference = sympy.expand(left - right)
    if difference == 0:
        return True
    if sympy.count_ops(difference) > 400:
        return False
    return bool(sympy.cancel(difference) == 0 or sympy.simplify(difference) == 0)


def _check_derivative(claim: DerivativeClaim, seed: int) -> str | None:
    problem = _shape_problem(claim.variables, claim.value, "the variable")
    if problem:
        return problem
    for (r, c), variable in np.ndenumerate(np.array(claim.variables, dtype=object)):
        truth = total_derivative(claim.function, variable, claim.bindings)
        if not symbolically_equal(truth, claim.value[r, c]):
            return (
                f"entry ({r + 1}, {c + 1}): sympy's derivative with respect to {variable} "
                f"is {short(truth)}, the claim says {short(claim.value[r, c])}"
            )
    return _numeric_derivative(claim, seed)


def total_derivative(
    function: sympy.Expr,
    variable: sympy.Symbol,
    bindings: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = (),
) -> sympy.Expr:
    """``d function / d variable`` where ``function`` may depend on ``variable`` directly and
    through the bound symbols of ``bindings`` (one level deep)."""
    total = derivative(function, variable)
    for symbol, expression in bindings:
        inner = sympy.diff(expression, variable)
        if inner != 0:
            total += derivative(function, symbol) * inner
    return total


@lru_cache(maxsize=4096)
def derivative(function: sympy.Expr, symbol: sympy.Symbol) -> sympy.Expr:
    """``sympy.diff(function, symbol)``, remembered: the network's upstream gradients and the
    checks of the claims built on them ask for the same derivatives of the same loss."""
    return sympy.diff(function, symbol)


def _check_equality(claim: EqualityClaim, seed: int) -> str | None:
    problem = _shape_problem(claim.lhs, claim.rhs, "the left side")
    if problem:
        return problem
    for (r, c), left in np.ndenumerate(np.array(claim.lhs, dtype=object)):
        if not symbolically_equal(left, claim.rhs[r, c]):
            return f"entry ({r + 1}, {c + 1}): {short(left)} is not {short(claim.rhs[r, c])}"
    return _numeric_equality(claim, seed)


def short(expr: sympy.Basic, limit: int = 160) -> str:
    """``sympy.sstr(expr)``, cut to ``limit`` characters with an ellipsis."""
    text: str = sympy.sstr(expr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _free_symbols(*exprs: sympy.Basic) -> list[sympy.Symbol]:
    found: set[sympy.Symbol] = set()
    for expr in exprs:
        found |= expr.free_symbols
    return sorted(found, key=lambda s: s.name)


def random_point(symbols: list[sympy.Symbol], seed: int) -> dict[sympy.Symbol, float]:
    """Reproducible values: labels ``y`` in (0, 1), everything else in ±(0.2 .. 1.2)."""
    rng = np.random.default_rng(seed)
    point = {}
    for symbol in symbols:
        if symbol.name.startswith("y"):
            point[symbol] = float(rng.uniform(0.05, 0.95))
        else:
            point[symbol] = float(rng.choice([-1, 1]) * rng.uniform(0.2, 1.2))
    return point


def finite_differences(claim: DerivativeClaim, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The numeric check of ``claim`` at its random point (``seed``; the bound symbols are
    computed from the free ones): the claimed value and the central finite differences, both
    in the variables' shape."""
    bound = {symbol for symbol, _ in claim.bindings}
    base = [
        symbol
        for symbol in _free_symbols(
            claim.function, claim.variables, claim.value, *(e for _, e in claim.bindings)
        )
        if symbol not in bound
    ]
    point = random_point(base, seed)
    value = evaluate(claim.value, _with_bindings(point, claim.bindings)).reshape(claim.value.shape)
    return value, _central_differences(claim, point)


def _numeric_derivative(claim: DerivativeClaim, seed: int) -> str | None:
    value, estimates = finite_differences(claim, seed)
    for (r, c), estimate in np.ndenumerate(estimates):
        if not np.isclose(estimate, value[r, c], rtol=NUMERIC_RTOL, atol=NUMERIC_ATOL):
            return (
                f"entry ({r + 1}, {c + 1}): finite differences give {estimate:.8g} at a "
                f"random point, the claim gives {value[r, c]:.8g}"
            )
    return None


def _with_bindings(
    point: Mapping[sympy.Symbol, float | np.ndarray],
    bindings: tuple[tuple[sympy.Symbol, sympy.Expr], ...],
) -> dict[sympy.Symbol, float | np.ndarray]:
    full = dict(point)
    for symbol, expression in bindings:
        full[symbol] = evaluate(expression, point)
    return full


def _central_differences(claim: DerivativeClaim, point: dict[sympy.Symbol, float]) -> np.ndarray:
    """``(f(x + h e_i) - f(x - h e_i)) / 2h`` for every variable ``x_i`` of the claim, in the
    variables' shape. All 2k perturbed points are evaluated in one vectorised pass: point
    ``2i`` moves variable ``i`` up, point ``2i + 1`` moves it down."""
    variables = list(claim.variables)
    arrays = {symbol: np.full(2 * len(variables), value) for symbol, value in point.items()}
    for i, variable in enumerate(variables):
        arrays[variable][2 * i] += NUMERIC_STEP
        arrays[variable][2 * i + 1] -= NUMERIC_STEP
    f = np.broadcast_to(
        evaluate(claim.function, _with_bindings(arrays, claim.bindings)), (2 * len(variables),)
    )
    estimates: np.ndarray = ((f[0::2] - f[1::2]) / (2 * NUMERIC_STEP)).reshape(
        claim.variables.shape
    )
    return estimates


def both_sides(claim: EqualityClaim, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Both sides of ``claim`` at its random point (``seed``), each in its shape; ``None``
    when they have no free symbol (there is nothing to evaluate at a point)."""
    symbols = _free_symbols(claim.lhs, claim.rhs)
    if not symbols:
        return None
    point = random_point(symbols, seed)
    left = evaluate(claim.lhs, point).reshape(claim.lhs.shape)
    right = evaluate(claim.rhs, point).reshape(claim.rhs.shape)
    return left, right


def _numeric_equality(claim: EqualityClaim, seed: int) -> str | None:
    sides = both_sides(claim, seed)
    if sides is None:
        return None
    left, right = sides
    mismatch = ~np.isclose(left, right, rtol=1e-9, atol=1e-12)
    if mismatch.any():
        r, c = np.argwhere(mismatch)[0]
        return (
            f"entry ({r + 1}, {c + 1}) differs numerically: {left[r, c]:.8g} versus "
            f"{right[r, c]:.8g}"
        )
    return None
