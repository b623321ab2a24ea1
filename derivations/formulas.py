"""The folded matrix formulas of backprop, and the claims that prove each one.

:func:`default_formulas` is what the derivation arrives at (Ng's slide). A derivation can be
built with other formulas (a learner's guess, or a deliberate mutation in the tests); the
claims from :func:`fold_claims` then fail at that gradient's fold step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Composite:
    """What the derivative of a gradient ``target`` is taken of, in checkable form.

    ``function`` is the summed loss (for ``dZ``) or the cost (for ``dW``, ``db``) written in the
    entries of the *next* pre-activation ``Z``; ``bindings`` define those entries in terms of
    ``variables`` (and the rest of the layer); ``values`` is the environment for evaluating a
    formula, where every ``dZ`` is sympy's true derivative of the loss.
    """

    function: sympy.Expr
    variables: sympy.ImmutableMatrix
    bindings: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    values: dict[str, sympy.ImmutableMatrix]


def composite(network: Network, target: str) -> Composite:
    """The :class:`Composite` for ``target`` (``dZl``, ``dWl`` or ``dbl``)."""
    layer, last = int(target[2:]), network.spec.num_layers
    variables = network.symbols(target[1:])
    if target == f"dZ{last}":
        forward = network.forward(f"Z{last}")
        values = {**forward.values, target: network.upstream(last)}
        return Composite(forward.loss, variables, (), values)
    if target.startswith("dZ"):
        inner, below = layer + 1, network.forward(f"Z{layer}").values
    else:
        inner, below = layer, {**network.forward(free_matrix(target)).values}
    forward = network.forward(f"Z{inner}")
    z_symbols = network.symbols(f"Z{inner}")
    bindings = tuple(zip(z_symbols, below[f"Z{inner}"], strict=True))
    values = {
        **below,
        **{k: v for k, v in forward.values.items() if k != f"A{inner - 1}"},
        f"dZ{inner}": network.upstream(inner),
    }
    function = forward.loss if target.startswith("dZ") else forward.cost
    return Composite(function, variables, bindings, values)


def fold_claims(network: Network, target: str, node: Node) -> tuple[Claim, ...]:
    """The claims of a fold step: the shape of ``node``, and (when it has the right shape) that
    it equals sympy's derivative of the loss or cost, entry by entry."""
    expected = network.shapes[target]
    shape_claim = ShapeClaim(
        f"{target} = {to_text(node)} has the shape of its variable",
        to_text(node),
        tuple(network.shapes.items()),
        expected,
    )
    try:
        if shape_of(node, network.shapes) != expected:
            return (shape_claim,)
    except (ShapeError, KeyError):
        return (shape_claim,)
    parts = composite(network, target)
    value = network.evaluate_symbolic(node, parts.values)
    what = "the summed loss 𝓛" if target.startswith("dZ") else "the cost J"
    derivative = DerivativeClaim(
        f"{target} = {to_text(node)} is the derivative of {what} with respect to {target[1:]}",
        parts.function,
        parts.variables,
        value,
        parts.bindings,
    )
    return shape_claim, derivative


def formulas_with(spec: NetworkSpec, overrides: Mapping[str, str] | None) -> dict[str, Node]:
    """:func:`default_formulas` with some replaced by formulas in the candidate language."""
    formulas = default_formulas(spec)
    for target, text in (overrides or {}).items():
        if target not in formulas:
            raise ValueError(
                f"{target!r} is not a gradient of this network: use one of " + ", ".join(formulas)
            )
        formulas[target] = parse(text)
    return formulas
