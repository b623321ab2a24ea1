"""The hidden activations: one frozen record per activation, registered once.

Everything the engine, the settings, the command line and the lecture know about an activation
``g`` is one :class:`Activation` in :data:`REGISTRY`: its name, how the lecture says it, its
numpy function and derivative (for the numbers), its textbook definition and derivative in
``z`` (sympy, to verify both), how the lecture writes ``g′(z)``, and the value ``g′(0)`` takes
by convention where ``g`` has a kink. The sympy functions ``g`` and ``gprime`` the derivation
differentiates are made from the record. ``NetworkSpec``, ``[network] activation`` in the
settings, ``--activation`` and the ``chainrule init`` template all read :data:`ACTIVATIONS`;
adding an activation is adding one record here.

An unknown name is an error, never a fallback:

>>> activation("softmax")
Traceback (most recent call last):
...
ValueError: activation = 'softmax' is not supported: choose one of tanh, sigmoid, relu, leaky_relu
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import sympy

NumericFunction = Callable[[np.ndarray], np.ndarray]
"""A function applied entry by entry to a numpy array."""

Z = sympy.Symbol("z", real=True)
"""The scalar variable of the textbook definitions."""

LEAKY_SLOPE = sympy.Rational(1, 100)
"""Leaky ReLU's slope for ``z <= 0``."""


def logistic(x: np.ndarray) -> np.ndarray:
    """The logistic sigmoid ``1 / (1 + e^{-x})`` on numpy arrays (also the output's ``σ``)."""
    value: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return value


def _function(
    name: str, numeric: NumericFunction, derivative: type[sympy.Function] | None = None
) -> type[sympy.Function]:
    """A sympy ``Function`` class evaluated numerically by ``numeric`` (``_imp_``) and, if
    ``derivative`` is given, differentiated to it (``fdiff``)."""
    attributes: dict[str, object] = {"_imp_": staticmethod(numeric)}
    if derivative is not None:
        attributes["fdiff"] = lambda self, argindex=1: derivative(self.args[0])
    return type(name, (sympy.Function,), attributes)


@dataclass(frozen=True)
class Activation:
    """A hidden activation ``g``: everything the engine and the lecture know about it.

    Attributes
    ----------
    name : the name settings and the command line use (``"leaky_relu"``).
    title : how titles and narration name it, and so how the voice says it (``"leaky relu"``).
    numeric : ``g`` on numpy arrays, entry by entry (the numbers, the numeric checks).
    numeric_slope : ``g′`` on numpy arrays.
    definition : the textbook ``g(z)`` in :data:`Z`, which verifies ``numeric``.
    derivative : the textbook ``g′(z)``; sympy's derivative of ``definition`` verifies it.
    derivative_tex : how the lecture writes ``g′(z)``.
    slope_at_zero : ``g′(0)`` by convention where ``g`` has a kink at 0 (ReLU: 0); ``None``
        where ``g`` is differentiable there.
    shown : ``g(z)`` as the lecture writes it where the activation first appears
        (``max(0, z)`` for ReLU), equal to ``definition`` (the activation tests compare them
        numerically, kinks included); ``None`` to write ``definition`` itself.
    behaviour : for a kinked ``g``, what it does in words, for the narration ("keeps z when
        z is positive and gives 0 otherwise").
    g, gprime : (made from the record) the sympy functions the derivation differentiates;
        ``g`` differentiates to ``gprime``, and both evaluate numerically (``_imp_``).

    Examples
    --------
    >>> relu = activation("relu")
    >>> relu.title, relu.slope_at_zero, float(relu.numeric_slope(np.array(0.0)))
    ('relu', 0.0, 0.0)
    >>> sympy.diff(relu.g(Z), Z) == relu.gprime(Z)
    True
    """

    name: str
    title: str
    numeric: NumericFunction
    numeric_slope: NumericFunction
    definition: sympy.Expr
    derivative: sympy.Expr
    derivative_tex: str
    slope_at_zero: float | None = None
    shown: sympy.Expr | None = None
    behaviour: str = ""
    g: type[sympy.Function] = field(init=False, repr=False, compare=False)
    gprime: type[sympy.Function] = field(init=False, repr=False, compare=False)

    @property
    def definition_tex(self) -> str:
        r"""How the lecture writes ``g(z)``: ``shown`` (else ``definition``) typeset by sympy.

        >>> activation("relu").definition_tex
        '\\max\\left(0, z\\right)'
        """
        return str(sympy.latex(self.shown if self.shown is not None else self.definition))

    def __post_init__(self) -> None:
        gprime = _function(f"gprime_{self.name}", self.numeric_slope)
        object.__setattr__(self, "gprime", gprime)
        object.__setattr__(self, "g", _function(f"g_{self.name}", self.numeric, gprime))


# --------------------------------------------------------------------------- the records


def _tanh_slope(x: np.ndarray) -> np.ndarray:
    slope: np.ndarray = 1.0 - np.tanh(x) ** 2
    return slope


def _logistic_slope(x: np.ndarray) -> np.ndarray:
    slope: np.ndarray = logistic(x) * (1.0 - logistic(x))
    return slope


def _relu(x: np.ndarray) -> np.ndarray:
    value: np.ndarray = np.maximum(x, 0.0)
    return value


def _relu_slope(x: np.ndarray) -> np.ndarray:
    return (np.asarray(x) > 0).astype(float)


_LEAKY = float(LEAKY_SLOPE)


def _leaky_relu(x: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(x) > 0, x, _LEAKY * np.asarray(x))


def _leaky_relu_slope(x: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(x) > 0, 1.0, _LEAKY)


_S = 1 / (1 + sympy.exp(-Z))

_RECORDS = (
    Activation(
        name="tanh",
        title="tanh",
        numeric=np.tanh,
        numeric_slope=_tanh_slope,
        definition=sympy.tanh(Z),
        derivative=1 - sympy.tanh(Z) ** 2,
        derivative_tex=r"1 - \tanh^2(z)",
    ),
    Activation(
        name="sigmoid",
        title="sigmoid",
        numeric=logistic,
        numeric_slope=_logistic_slope,
        definition=_S,
        derivative=_S * (1 - _S),
        derivative_tex=r"\sigma(z)\,(1 - \sigma(z))",
    ),
    Activation(
        name="relu",
        title="relu",
        numeric=_relu,
        numeric_slope=_relu_slope,
        definition=sympy.Piecewise((Z, Z > 0), (0, True)),
        derivative=sympy.Piecewise((1, Z > 0), (0, True)),
        derivative_tex=r"\begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}",
        slope_at_zero=0.0,
        shown=sympy.Max(0, Z),
        behaviour="keeps z when z is positive and gives 0 otherwise",
    ),
    Activation(
        name="leaky_relu",
        title="leaky relu",
        numeric=_leaky_relu,
        numeric_slope=_leaky_relu_slope,
        definition=sympy.Piecewise((Z, Z > 0), (LEAKY_SLOPE * Z, True)),
        derivative=sympy.Piecewise((1, Z > 0), (LEAKY_SLOPE, True)),
        derivative_tex=rf"\begin{{cases}} 1 & z > 0 \\ {_LEAKY} & z \le 0 \end{{cases}}",
        slope_at_zero=_LEAKY,
        shown=sympy.Max(sympy.Float(_LEAKY) * Z, Z),  # written 0.01 z, as g′ writes it
        behaviour=f"keeps z when z is positive and gives {_LEAKY} z otherwise",
    ),
)

REGISTRY: Mapping[str, Activation] = MappingProxyType({record.name: record for record in _RECORDS})
"""Every hidden activation by name, in the order settings and help list them."""

ACTIVATIONS: tuple[str, ...] = tuple(REGISTRY)
"""The names of the hidden activations (the output layer is always sigmoid)."""


def activation(name: object) -> Activation:
    """The registered :class:`Activation` called ``name``; a ``ValueError`` naming the allowed
    names for any other value.

    >>> activation("leaky_relu").derivative
    Piecewise((1, z > 0), (1/100, True))
    """
    record = REGISTRY.get(name) if isinstance(name, str) else None
    if record is None:
        raise ValueError(
            f"activation = {name!r} is not supported: choose one of " + ", ".join(ACTIVATIONS)
        )
    return record


__all__ = [
    "ACTIVATIONS",
    "LEAKY_SLOPE",
    "REGISTRY",
    "Activation",
    "NumericFunction",
    "Z",
    "activation",
    "logistic",
]
