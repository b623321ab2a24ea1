"""The output layer's functions: the sigmoid ``σ`` and the binary cross-entropy.

``sigma`` is a sympy ``Function`` class whose ``fdiff`` returns its derivative in closed form
(``σ' = σ(1 − σ)``), so sympy's chain rule produces exactly the factors the lecture names; it
also carries a numpy implementation (``_imp_``) that the numerical checks use
(:mod:`.numeric`). The hidden activations ``g`` are records in :mod:`.activations`.
"""

from __future__ import annotations

import sympy

from .activations import logistic


class sigma(sympy.Function):  # type: ignore[misc]  # sympy has no type information: Any
    """The logistic sigmoid ``σ(z) = 1 / (1 + e^{-z})`` of the output layer."""

    _imp_ = staticmethod(logistic)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        s = sigma(self.args[0])
        return s * (1 - s)


def bce(a: sympy.Expr, y: sympy.Expr) -> sympy.Expr:
    """Binary cross-entropy of one prediction: ``-(y log a + (1 - y) log(1 - a))``."""
    return -(y * sympy.log(a) + (1 - y) * sympy.log(1 - a))
