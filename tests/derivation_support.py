"""What the tests of the engine, the scenes and the CLI check the derivation against, written
out once and never taken from the code under test: the default network's steps, the hidden
activations in numpy, and the networks hypothesis draws."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from derivations import ACTIVATIONS, NetworkSpec

#: The steps after dZ[1] on the default 2-3-2 tanh network, in derivation order, up to the
#: general recap: dZ[L] with the chain rule and the cancellation on one screen, dW[L] in full,
#: db[L] in one step, then one fold for each lower layer's dW and db (what OtherGradients
#: shows).
OTHER_GRADIENT_STEPS = (
    "dZ2.loss",
    "dZ2.cancel",
    "dZ2.fold",
    "dW2.partial",
    "dW2.transpose",
    "dW2.fold",
    "db2.fold",
    "dW1.fold",
    "db1.fold",
)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


Function = Callable[[np.ndarray], np.ndarray]

#: The hidden activations as on the course slides, each with its slope, in numpy.
BY_HAND: dict[str, tuple[Function, Function]] = {
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1.0, 0.01)),
}


def g_by_hand(name: str, z: np.ndarray) -> np.ndarray:
    """The hidden activation ``name`` at ``z`` (a ``KeyError`` for one not written here)."""
    return BY_HAND[name][0](z)


def g_prime_by_hand(name: str, z: np.ndarray) -> np.ndarray:
    """The slope of the hidden activation ``name`` at ``z``."""
    return BY_HAND[name][1](z)


@st.composite
def network_specs(draw: st.DrawFn, largest: int) -> NetworkSpec:
    """Networks of 2 or 3 layers, each size and ``m`` from 1 to ``largest``, any activation."""
    layers = draw(st.integers(2, 3))
    dims = tuple(draw(st.integers(1, largest)) for _ in range(layers + 1))
    return NetworkSpec(
        layer_dims=dims,
        m=draw(st.integers(1, largest)),
        activation=draw(st.sampled_from(ACTIVATIONS)),
    )
