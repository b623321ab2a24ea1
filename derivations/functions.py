"""The scalar functions of the network as sympy functions that know their derivatives.

``sigma`` (the output sigmoid) and each hidden activation ``g`` are sympy ``Function`` classes
whose ``fdiff`` returns their derivative in closed form (``σ' = σ(1 − σ)``, ``g' = gprime``), so
sympy's chain rule produces exactly the factors the lecture names. Each class also carries a
numpy implementation (``_imp_``) that the numerical checks use (:mod:`.numeric`), and
:class:`Activation` keeps the textbook definition so both are verified against sympy's own
differentiation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy

LEAKY_SLOPE = sympy.Rational(1, 100)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    value: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return value


class sigma(sympy.Function):  # type: ignore[misc]  # sympy has no type information: Any
    """The logistic sigmoid ``σ(z) = 1 / (1 + e^{-z})`` of the output layer."""

    _imp_ = staticmethod(_sigmoid)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        s = sigma(self.args[0])
        return s * (1 - s)


@dataclass(frozen=True)
class Activation:
    """A hidden activation: its sympy function ``g``, derivative ``gprime``, and definitions.

    ``definition`` and ``derivative`` are textbook expressions in ``z`` used to verify ``g`` and
    ``gprime``; ``derivative_tex`` is how the lecture writes ``g'(z)``.
    """

    name: str
    g: type[sympy.Function]
    gprime: type[sympy.Function]
    definition: sympy.Expr
    derivative: sympy.Expr
    derivative_tex: str


Z = sympy.Symbol("z", real=True)


def _function(
    name: str,
    numeric: Callable[[np.ndarray], np.ndarray],
    derivative: type[sympy.Function] | None = None,
) -> type[sympy.Function]:
    attributes: dict[str, object] = {"_imp_": staticmethod(numeric)}
    if derivative is not None:
        attributes["fdiff"] = lambda self, argindex=1: derivative(self.args[0])
    return type(name, (sympy.Function,), attributes)


_NUMERIC: dict[
    str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]
] = {
    "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    "sigmoid": (_sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x))),
    "relu": (lambda x: np.maximum(x, 0.0), lambda x: (np.asarray(x) > 0).astype(float)),
    "leaky_relu": (
        lambda x: np.where(np.asarray(x) > 0, x, 0.01 * np.asarray(x)),
        lambda x: np.where(np.asarray(x) > 0, 1.0, 0.01),
    ),
}


def _definitions(name: str) -> tuple[sympy.Expr, sympy.Expr, str]:
    s = 1 / (1 + sympy.exp(-Z))
    if name == "tanh":
        return sympy.tanh(Z), 1 - sympy.tanh(Z) ** 2, r"1 - \tanh^2(z)"
    if name == "sigmoid":
        return s, s * (1 - s), r"\sigma(z)\,(1 - \sigma(z))"
    if name == "relu":
        return (
            sympy.Piecewise((Z, Z > 0), (0, True)),
            sympy.Piecewise((1, Z > 0), (0, True)),
            r"\begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}",
        )
    return (
        sympy.Piecewise((Z, Z > 0), (LEAKY_SLOPE * Z, True)),
        sympy.Piecewise((1, Z > 0), (LEAKY_SLOPE, True)),
        r"\begin{cases} 1 & z > 0 \\ 0.01 & z \le 0 \end{cases}",
    )


@cache
def activation(name: str) -> Activation:
    """The :class:`Activation` called ``name`` (one of ``spec.ACTIVATIONS``).

    >>> g = activation("tanh")
    >>> sympy.diff(g.g(Z), Z) == g.gprime(Z)
    True
    """
    value, slope = _NUMERIC[name]
    gprime = _function(f"gprime_{name}", slope)
    g = _function(f"g_{name}", value, gprime)
    definition, derivative, tex = _definitions(name)
    return Activation(name, g, gprime, definition, derivative, tex)


def bce(a: sympy.Expr, y: sympy.Expr) -> sympy.Expr:
    """Binary cross-entropy of one prediction: ``-(y log a + (1 - y) log(1 - a))``."""
    return -(y * sympy.log(a) + (1 - y) * sympy.log(1 - a))
