"""The folded matrix formulas of backprop, and the claims that prove each one.

:func:`default_formulas` is what the derivation arrives at (Ng's slide). A derivation can be
built with other formulas (a learner's guess, or a deliberate mutation in the tests); the
claims from :func:`fold_claims` then fail at that gradient's fold step.
"""

from __future__ import annotations

from typing import Mapping

import sympy

from .claims import Claim, DerivativeClaim, ShapeClaim
from .formula import Node, ShapeError, parse, shape_of, to_text
from .network import Network
from .spec import NetworkSpec


def gradient_names(spec: NetworkSpec) -> tuple[str, ...]:
    """``dZL, dWL, dbL, ..., dZ1, dW1, db1``: the order backprop computes them in."""
    names: list[str] = []
    for layer in reversed(spec.layers):
        names += [f"dZ{layer}", f"dW{layer}", f"db{layer}"]
    return tuple(names)


def default_formulas(spec: NetworkSpec) -> dict[str, Node]:
    """The six (or more) formulas on Ng's slide, generalised to ``L`` layers.

    >>> from .formula import to_text
    >>> to_text(default_formulas(NetworkSpec())["dZ1"])
    'W2.T @ dZ2 * gprime(Z1)'
    """
    last = spec.num_layers
    texts = {f"dZ{last}": f"A{last} - Y"}
    for layer in spec.layers:
        if layer < last:
            texts[f"dZ{layer}"] = f"W{layer + 1}.T @ dZ{layer + 1} * gprime(Z{layer})"
        previous = "X" if layer == 1 else f"A{layer - 1}"
        texts[f"dW{layer}"] = f"1/m * dZ{layer} @ {previous}.T"
        texts[f"db{layer}"] = f"1/m * sum(dZ{layer}, axis=1)"
    return {name: parse(texts[name]) for name in gradient_names(spec)}


def free_matrix(target: str) -> str:
    """Which matrix is free when checking ``target``: ``Z[l]`` for ``dZ[l]``, the layer's input
    ``A[l-1]`` (``X``) for ``dW[l]`` and ``db[l]``."""
    layer = int(target[2:])
    if target.startswith("dZ"):
        return f"Z{layer}"
    return "X" if layer == 1 else f"A{layer - 1}"


def truth_environment(network: Network, free: str) -> dict[str, sympy.ImmutableMatrix]:
    """The forward values from ``free`` plus the *true* ``dZ[k]`` (by sympy) wherever ``Z[k]``
    is known, so that each formula is judged on its own, given correct upstream gradients."""
    values = dict(network.forward(free).values)
    for layer in network.spec.layers:
        if f"Z{layer}" in values:
            values[f"dZ{layer}"] = network.upstream_at(layer, values)
    return values


def fold_claims(network: Network, target: str, node: Node) -> tuple[Claim, ...]:
    """The claims of a fold step: the shape of ``node``, and (when it has the right shape) that
    it equals sympy's derivative of the expanded loss or cost, entry by entry."""
    expected = network.shapes[target]
    shape_claim = ShapeClaim(f"{target} = {to_text(node)} has the shape of its variable",
                             to_text(node), tuple(network.shapes.items()), expected)
    try:
        if shape_of(node, network.shapes) != expected:
            return (shape_claim,)
    except (ShapeError, KeyError):
        return (shape_claim,)
    free = free_matrix(target)
    forward = network.forward(free)
    variable = target[1:]
    function = forward.loss if target.startswith("dZ") else forward.cost
    value = network.evaluate_symbolic(node, truth_environment(network, free))
    what = "the summed loss 𝓛" if target.startswith("dZ") else "the cost J"
    derivative = DerivativeClaim(f"{target} = {to_text(node)} is the derivative of {what} "
                                 f"with respect to {variable}", function,
                                 network.symbols(variable), value)
    return shape_claim, derivative


def formulas_with(spec: NetworkSpec, overrides: Mapping[str, str] | None) -> dict[str, Node]:
    """:func:`default_formulas` with some replaced by formulas in the candidate language."""
    formulas = default_formulas(spec)
    for target, text in (overrides or {}).items():
        if target not in formulas:
            raise ValueError(f"{target!r} is not a gradient of this network: use one of "
                             + ", ".join(formulas))
        formulas[target] = parse(text)
    return formulas
