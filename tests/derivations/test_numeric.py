"""The numpy tree walk of ``derivations.numeric`` against ``sympy.lambdify``, its reference.

Every expression a derivation states (losses, bindings, claimed partials, folds, the activations'
textbook definitions) is evaluated both ways at random points; they must agree to rounding.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import ACTIVATIONS, NetworkSpec, derive
from derivations.activations import Z, activation
from derivations.claims import DerivativeClaim, DifferenceClaim, EqualityClaim
from derivations.numeric import evaluate


def stated_expressions(spec: NetworkSpec) -> list[sympy.Basic]:
    """Every sympy expression in the claims of ``spec``'s derivation."""
    found: list[sympy.Basic] = []
    for step in derive(spec):
        for claim in step.claims:
            if isinstance(claim, DerivativeClaim):
                found += [claim.function, claim.value, *(e for _, e in claim.bindings)]
            elif isinstance(claim, (EqualityClaim, DifferenceClaim)):
                found += [claim.lhs, claim.rhs]
    return found


@cache
def expressions(spec: NetworkSpec) -> tuple[sympy.Basic, ...]:
    return tuple(stated_expressions(spec))


def by_lambdify(expr: sympy.Basic, values: dict[sympy.Symbol, np.ndarray]) -> np.ndarray:
    """The reference: sympy's own code generation, entry by entry for a matrix."""
    if isinstance(expr, sympy.MatrixBase):
        points = np.shape(next(iter(values.values())))
        entries = [np.broadcast_to(by_lambdify(entry, values), points) for entry in expr]
        return np.stack(entries).reshape(expr.shape + points)
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    function = sympy.lambdify(symbols, expr, modules="numpy")
    return np.asarray(function(*(values[s] for s in symbols)), dtype=float)


SPECS = st.sampled_from(
    [NetworkSpec((2, 2, 2), 2, a) for a in ACTIVATIONS]
    + [NetworkSpec((3, 1, 2, 2), 1, "relu"), NetworkSpec((1, 3, 2), 3, "leaky_relu")]
)


@settings(max_examples=12, deadline=None)
@given(SPECS, st.integers(0, 2**32 - 1))
def test_every_stated_expression_agrees_with_lambdify(spec: NetworkSpec, seed: int) -> None:
    rng = np.random.default_rng(seed)
    exprs = expressions(spec)
    symbols = set().union(*(e.free_symbols for e in exprs))
    values = {
        s: rng.uniform(0.05, 0.95, size=4)
        if s.name.startswith("y")
        else rng.uniform(-1.5, 1.5, size=4)
        for s in symbols
    }
    for expr in exprs:
        expected, actual = by_lambdify(expr, values), evaluate(expr, values)
        if actual.ndim < expected.ndim:  # a constant matrix has no axis of points
            actual = actual[..., np.newaxis]
        np.testing.assert_allclose(
            np.broadcast_to(actual, expected.shape),
            expected,
            rtol=1e-12,
            atol=1e-14,
            err_msg=str(expr)[:200],
        )


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_textbook_definitions_including_piecewise(name: str) -> None:
    points = {Z: np.linspace(-2.0, 2.0, 9)}
    act = activation(name)
    for expr in (act.definition, act.derivative, act.g(Z), act.gprime(Z)):
        np.testing.assert_allclose(evaluate(expr, points), by_lambdify(expr, points))


def test_floats_give_a_matrix_of_the_matrix_shape() -> None:
    x, y = sympy.symbols("x y")
    result = evaluate(sympy.ImmutableMatrix([[x, 2 * y], [x + y, 1]]), {x: 1.0, y: 3.0})
    np.testing.assert_array_equal(result, [[1.0, 6.0], [4.0, 1.0]])


def test_points_go_along_the_last_axis_and_constants_broadcast() -> None:
    x = sympy.Symbol("x")
    result = evaluate(sympy.ImmutableMatrix([[x, 7]]), {x: np.array([1.0, 2.0, 3.0])})
    assert result.shape == (1, 2, 3)
    np.testing.assert_array_equal(result[0, 1], [7.0, 7.0, 7.0])


def test_unknown_functions_take_the_general_path() -> None:
    x = sympy.Symbol("x")
    expr = sympy.sin(x) + sympy.atan(x)
    points = {x: np.array([0.3, 1.2])}
    np.testing.assert_allclose(evaluate(expr, points), by_lambdify(expr, points))


def test_a_missing_value_names_the_symbol() -> None:
    x, y = sympy.symbols("x y")
    with pytest.raises(KeyError, match="y"):
        evaluate(x + y, {x: 1.0})
