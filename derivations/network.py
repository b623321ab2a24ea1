"""The network as explicit sympy matrices: entry symbols, the forward pass, and environments.

A *forward pass from a free point* makes one matrix of the network free (its entries are plain
symbols: ``X``, ``A1``, ``Z2``, ...) and writes everything downstream of it, up to the summed
loss ``𝓛``, as expressions in those symbols and the weights. Differentiating that ``𝓛`` with
sympy is the ground truth every claim is checked against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy

from . import notation
from .activations import Activation, activation
from .claims import derivative
from .formula import Algebra, Node, evaluate, shape_of
from .functions import bce, sigma
from .spec import NetworkSpec

Shape = tuple[int, int]


def shapes(spec: NetworkSpec) -> dict[str, Shape]:
    """Every matrix name of ``spec`` with its shape (gradients have their variable's shape).

    >>> shapes(NetworkSpec(layer_dims=(3, 4, 2), m=5))["dW2"]
    (2, 4)
    """
    m, found = spec.m, {"X": (spec.size(0), spec.m), "A0": (spec.size(0), spec.m)}
    found["Y"] = (spec.size(spec.num_layers), m)
    for layer in spec.layers:
        n, n_prev = spec.size(layer), spec.size(layer - 1)
        for prefix in ("", "d"):
            found[f"{prefix}W{layer}"] = (n, n_prev)
            found[f"{prefix}b{layer}"] = (n, 1)
            found[f"{prefix}Z{layer}"] = (n, m)
            found[f"{prefix}A{layer}"] = (n, m)
    return found


def symbol_matrix(name: str, shape: Shape) -> sympy.ImmutableMatrix:
    """A matrix of entry symbols, e.g. ``W2`` → ``[[w[2]_11, w[2]_12], ...]``."""
    rows, cols = shape
    return sympy.ImmutableMatrix(
        rows, cols, lambda r, c: sympy.Symbol(notation.entry_name(name, r + 1, c + 1), real=True)
    )


def sympy_algebra(m: int) -> Algebra[sympy.ImmutableMatrix]:
    """Formula operations on explicit sympy matrices (``1/m`` exact)."""
    return Algebra(
        matmul=lambda a, b: a * b,
        hadamard=lambda a, b: a.multiply_elementwise(b),
        transpose=lambda a: a.T,
        sub=lambda a, b: a - b,
        over_m=lambda a: a / m,
        sum_columns=lambda a: a * sympy.ones(a.shape[1], 1),
    )


def numpy_algebra(m: int) -> Algebra[np.ndarray]:
    """Formula operations on numpy arrays."""
    return Algebra(
        matmul=lambda a, b: a @ b,
        hadamard=lambda a, b: a * b,
        transpose=lambda a: a.T,
        sub=lambda a, b: a - b,
        over_m=lambda a: a / m,
        sum_columns=lambda a: a.sum(axis=1, keepdims=True),
    )


@dataclass(frozen=True)
class Forward:
    """Values of the network downstream of one free matrix, and the summed loss ``𝓛``."""

    free: str
    values: Mapping[str, sympy.ImmutableMatrix]
    loss: sympy.Expr

    @property
    def cost(self) -> sympy.Expr:
        """``J = 𝓛 / m``."""
        return self.loss / self.values["Y"].shape[1]


class Network:
    """Sympy view of a :class:`NetworkSpec`: symbols, forward passes, ground-truth gradients."""

    def __init__(self, spec: NetworkSpec) -> None:
        self.spec = spec
        self.shapes = shapes(spec)
        self.activation: Activation = activation(spec.activation)
        self._forwards: dict[str, Forward] = {}
        self._upstream: dict[int, sympy.ImmutableMatrix] = {}

    def symbols(self, name: str) -> sympy.ImmutableMatrix:
        """The entry symbols of matrix ``name`` (``A0`` is ``X``)."""
        name = "X" if name == "A0" else name
        return symbol_matrix(name, self.shapes[name])

    def activate(self, layer: int, z: sympy.MatrixBase) -> sympy.ImmutableMatrix:
        """``g(Z)`` entry-wise for hidden layers, ``σ(Z)`` for the output layer."""
        function = sigma if layer == self.spec.num_layers else self.activation.g
        return sympy.ImmutableMatrix(z.applyfunc(function))

    def gprime(self, z: sympy.MatrixBase) -> sympy.ImmutableMatrix:
        """``g'(Z)`` entry-wise."""
        return sympy.ImmutableMatrix(z.applyfunc(self.activation.gprime))

    def forward(self, free: str) -> Forward:
        """The forward pass from free matrix ``free`` (``"X"``, ``"A1"``, ``"Z2"``, ...)."""
        if free not in self._forwards:
            self._forwards[free] = self._forward(free)
        return self._forwards[free]

    def _forward(self, free: str) -> Forward:
        spec, values = self.spec, {"Y": self.symbols("Y")}
        for layer in spec.layers:
            values[f"W{layer}"] = self.symbols(f"W{layer}")
            values[f"b{layer}"] = self.symbols(f"b{layer}")
        kind, start = ("A", 0) if free == "X" else (free[0], int(free[1:]))
        if kind == "A":
            values[f"A{start}"] = self.symbols(f"A{start}")
        else:
            values[f"Z{start}"] = self.symbols(f"Z{start}")
            values[f"A{start}"] = self.activate(start, values[f"Z{start}"])
        for layer in range(start + 1, spec.num_layers + 1):
            ones = sympy.ones(1, spec.m)
            z = values[f"W{layer}"] * values[f"A{layer - 1}"] + values[f"b{layer}"] * ones
            values[f"Z{layer}"] = sympy.ImmutableMatrix(z)
            values[f"A{layer}"] = self.activate(layer, z)
        for layer in range(1, spec.num_layers):
            if f"Z{layer}" in values:
                values[f"gprime{layer}"] = self.gprime(values[f"Z{layer}"])
        if "A0" in values:
            values["X"] = values["A0"]
        a_out = values[f"A{spec.num_layers}"]
        loss = sum(
            (
                bce(a_out[k, j], values["Y"][k, j])
                for k in range(a_out.rows)
                for j in range(a_out.cols)
            ),
            sympy.Integer(0),
        )
        return Forward(free, values, loss)

    def upstream(self, layer: int) -> sympy.ImmutableMatrix:
        """Ground truth ``∂𝓛/∂Z[layer]`` by sympy, in the symbols of ``Z[layer]``."""
        if layer not in self._upstream:
            forward = self.forward(f"Z{layer}")
            z = self.symbols(f"Z{layer}")
            self._upstream[layer] = sympy.ImmutableMatrix(
                z.shape[0], z.shape[1], lambda r, c: derivative(forward.loss, z[r, c])
            )
        return self._upstream[layer]

    @cached_property
    def display_values(self) -> dict[str, sympy.ImmutableMatrix]:
        """Every matrix as plain entry symbols (``dz2_11``, ``gprime(z1_11)``): the
        environment in which a formula's entries read like the lecture's scalars."""
        values = {name: self.symbols(name) for name in self.shapes if name != "A0"}
        for layer in range(1, self.spec.num_layers):
            values[f"gprime{layer}"] = self.gprime(values[f"Z{layer}"])
        return values

    def evaluate_symbolic(
        self, node: Node, values: Mapping[str, sympy.MatrixBase]
    ) -> sympy.ImmutableMatrix:
        """``node`` on explicit sympy matrices (shapes checked first)."""
        shape_of(node, self.shapes)
        return sympy.ImmutableMatrix(evaluate(node, values, sympy_algebra(self.spec.m)))


def random_network(spec: NetworkSpec, seed: int = 0) -> dict[str, np.ndarray]:
    """Random ``X``, ``Y`` (0/1 labels), ``W1..WL``, ``b1..bL`` for ``spec``, reproducibly."""
    rng = np.random.default_rng(seed)
    table = shapes(spec)
    arrays = {
        "X": rng.normal(size=table["X"]),
        "Y": rng.integers(0, 2, size=table["Y"]).astype(float),
    }
    for layer in spec.layers:
        arrays[f"W{layer}"] = rng.normal(scale=0.8, size=table[f"W{layer}"])
        arrays[f"b{layer}"] = rng.normal(scale=0.3, size=table[f"b{layer}"])
    return arrays
