"""The network itself, and the gradient run backwards along its edges (issue 12, item 1).

Two steps, both for the target ``dZ1``:

* ``dZ1.network`` — the network drawn as units (``x_i``, ``a^{[l]}_i``) and edges; the edge
  from unit ``i`` of layer ``l-1`` to unit ``k`` of layer ``l`` carries the weight
  ``w^{[l]}_{ki}``, which *is* ``∂z^{[l]}_k / ∂a^{[l-1]}_i`` (checked for every edge).
* ``dZ1.backward`` — run backwards, hidden unit ``i`` collects the upstream gradients along the
  edges that *leave* it: ``w^{[2]}_{1i}, w^{[2]}_{2i}, …``, column ``i`` of ``W[2]`` (checked:
  those edges are that column, and what the unit collects is sympy's ``∂𝓛/∂a^{[1]}_{ij}``).
  It is the picture of the index sum; the step after it, ``dZ1.transpose``, is the proof that
  this column is a row of ``W[2]ᵀ`` (its claims include :func:`column_to_row_claims`), so the
  transpose is concluded once.

The picture's structure (:func:`layer_edges`, :func:`edges_leaving`) and labels
(:func:`unit_part`, :func:`weight_part`) are plain functions of the spec, used both by the
claims here and by the scene that draws the network, so what is drawn is what is checked.

>>> [str(s.id) for s in network_steps(Network(NetworkSpec(layer_dims=(2, 3, 2))))]
['dZ1.network', 'dZ1.backward']
>>> edges_leaving(NetworkSpec(layer_dims=(2, 3, 2)), 1, 1)
((0, 1), (1, 1))
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from . import notation
from .claims import Claim, DerivativeClaim, EqualityClaim
from .display import (
    EQUALS,
    LOSS,
    entry,
    general_entry,
    joined,
    matrix_display,
    partial,
)
from .network import Network
from .spec import NetworkSpec
from .speech import count_words
from .steps import Highlight, MatrixDisplay, Stage, Step
from .vocabulary import Parts, StepId, StepKind, TexPart

#: The gradient these steps work towards, and the hidden layer whose unit collects.
TARGET = "dZ1"
LAYER = 1

Edge = tuple[int, int]
"""An edge of layer ``l`` as ``(k, i)`` (0-based): from unit ``i`` of layer ``l-1`` to unit
``k`` of layer ``l``; it carries ``w[l]_ki``, entry ``(k, i)`` of ``W[l]``."""


# --------------------------------------------------------------------------- structure


def layer_edges(spec: NetworkSpec, layer: int) -> tuple[Edge, ...]:
    """Every edge into layer ``layer`` (``1 .. L``), grouped by the unit it leaves.

    >>> layer_edges(NetworkSpec(layer_dims=(1, 2, 1)), 1)
    ((0, 0), (1, 0))
    """
    return tuple((k, i) for i in range(spec.size(layer - 1)) for k in range(spec.size(layer)))


def edges_leaving(spec: NetworkSpec, layer: int, unit: int) -> tuple[Edge, ...]:
    """The edges of layer ``layer + 1`` that leave unit ``unit`` of layer ``layer``, in the
    order of the unit they enter."""
    return tuple((k, i) for k, i in layer_edges(spec, layer + 1) if i == unit)


def edges_entering(spec: NetworkSpec, layer: int, unit: int) -> tuple[Edge, ...]:
    """The edges of layer ``layer`` that enter its unit ``unit`` (a row of ``W[layer]``)."""
    return tuple((k, i) for k, i in layer_edges(spec, layer) if k == unit)


def focus_unit(spec: NetworkSpec, layer: int = LAYER) -> int:
    """The unit of ``layer`` the lecture follows: the last one, so that its index differs from
    the first index of the weights it meets (``w[2]_13``, not ``w[2]_11``) and a compact
    matrix, which keeps its first and last columns, still shows its column.

    >>> focus_unit(NetworkSpec(layer_dims=(2, 3, 2))), focus_unit(NetworkSpec(layer_dims=(2, 1, 2)))
    (2, 0)
    """
    return spec.size(layer) - 1


# --------------------------------------------------------------------------- labels


def unit_part(layer: int, index: int) -> TexPart:
    """The label of unit ``index`` (0-based) of ``layer``: ``x_{1}`` or ``a^{[1]}_{2}``.

    >>> unit_part(0, 0).tex, unit_part(1, 1).tex
    ('x_{1}', 'a^{[1]}_{2}')
    """
    matrix = "X" if layer == 0 else f"A{layer}"
    return TexPart(
        f"unit{layer}_{index + 1}",
        notation.general_entry_tex(matrix, str(index + 1), ""),
        notation.symbol_key(matrix),
    )


def unit_parts(spec: NetworkSpec) -> tuple[Parts, ...]:
    """The unit labels of every layer, input first: ``lines[l][i]`` labels unit ``i`` of
    layer ``l``."""
    return tuple(
        tuple(unit_part(layer, i) for i in range(spec.size(layer)))
        for layer in range(spec.num_layers + 1)
    )


def weight_part(layer: int, edge: Edge) -> TexPart:
    """The label of ``edge`` of ``layer``: its weight ``w^{[l]}_{ki}``, the very part the
    matrix ``W[l]`` shows as entry ``(k, i)``.

    >>> weight_part(2, (0, 1)).tex
    'w^{[2]}_{12}'
    """
    return entry(f"W{layer}", *edge)


def _symbol(part: TexPart) -> sympy.Symbol:
    """The sympy symbol a label names (matrices' entries are real symbols)."""
    return sympy.Symbol(part.name, real=True)


# --------------------------------------------------------------------------- claims


def network_claims(net: Network) -> tuple[Claim, ...]:
    """For every layer, the weight drawn on each edge is the derivative of the unit it enters
    with respect to the unit it leaves (one example: ``z = W a + b``)."""
    claims: list[Claim] = []
    for layer in net.spec.layers:
        w, b = net.symbols(f"W{layer}"), net.symbols(f"b{layer}")
        a = net.symbols(f"A{layer - 1}")[:, 0]
        z = w * a + b
        labels = sympy.zeros(*w.shape)
        jacobian = sympy.zeros(*w.shape)
        for k, i in layer_edges(net.spec, layer):
            labels[k, i] = _symbol(weight_part(layer, (k, i)))
            jacobian[k, i] = sympy.diff(z[k, 0], a[i, 0])
        claims.append(
            EqualityClaim(
                f"the edge from unit i of layer {layer - 1} to unit k of layer {layer} carries "
                f"∂z[{layer}]_k/∂a[{layer - 1}]_i = w[{layer}]_ki",
                sympy.ImmutableMatrix(labels),
                sympy.ImmutableMatrix(jacobian),
            )
        )
    return tuple(claims)


def backward_claims(
    net: Network, layer: int, unit: int, leaving: Sequence[Edge]
) -> tuple[Claim, ...]:
    """The edges ``leaving`` unit ``unit`` of ``layer`` are column ``unit`` of ``W[l+1]``, and
    what the unit collects along them, ``Σ w[l+1]_ki ∂𝓛/∂z[l+1]_kj``, is sympy's
    ``∂𝓛/∂a[l]_ij`` for every example ``j``."""
    nxt = layer + 1
    w, b = net.symbols(f"W{nxt}"), net.symbols(f"b{nxt}")
    a = net.symbols(f"A{layer}")
    weights = sympy.ImmutableMatrix([[_symbol(weight_part(nxt, edge))] for edge in leaving])
    column = EqualityClaim(
        f"the edges leaving unit {unit + 1} of layer {layer} carry column {unit + 1} of W{nxt}",
        weights,
        sympy.ImmutableMatrix(w[:, unit]),
    )
    upstream = net.upstream(nxt)
    z = net.symbols(f"Z{nxt}")
    bindings = tuple(
        (z[k, j], sum((w[k, p] * a[p, j] for p in range(w.cols)), sympy.Integer(0)) + b[k, 0])
        for k in range(z.rows)
        for j in range(z.cols)
    )
    collected = sympy.ImmutableMatrix(
        1,
        a.cols,
        lambda _, j: sum((w[k, i] * upstream[k, j] for k, i in leaving), sympy.Integer(0)),
    )
    gradient = DerivativeClaim(
        f"unit {unit + 1} of layer {layer} collects ∂𝓛/∂a[{layer}]_{unit + 1}j along its edges",
        net.forward(f"Z{nxt}").loss,
        sympy.ImmutableMatrix(a[unit, :]),
        collected,
        bindings,
    )
    return column, gradient


def column_to_row_claims(
    net: Network, source: MatrixDisplay, target: MatrixDisplay
) -> tuple[Claim, ...]:
    """Row ``i`` of the displayed ``W[l]ᵀ`` is column ``i`` of ``W[l]``, for every ``i``."""
    w = net.symbols(source.name)
    shown = sympy.ImmutableMatrix([[_symbol(cell[0]) for cell in row] for row in target.entries])
    return (
        EqualityClaim(
            f"row i of {source.name}ᵀ as shown is column i of {source.name}, for every i",
            shown,
            sympy.ImmutableMatrix(w.T),
        ),
    )


# --------------------------------------------------------------------------- words


def _count(number: int, noun: str) -> str:
    return f"{count_words(number)} {noun}{'' if number == 1 else 's'}"


def describe_layers(spec: NetworkSpec) -> str:
    """The sizes in words: ``"two inputs, three hidden units and two output units"``.

    >>> describe_layers(NetworkSpec(layer_dims=(2, 3, 2, 1)))
    'two inputs, hidden layers of three and two units, and one output unit'
    """
    hidden = [spec.size(layer) for layer in spec.layers][:-1]
    output = _count(spec.size(spec.num_layers), "output unit")
    inputs = _count(spec.size(0), "input")
    if len(hidden) == 1:
        return f"{inputs}, {_count(hidden[0], 'hidden unit')} and {output}"
    sizes = ", ".join(count_words(n) for n in hidden[:-1]) + f" and {count_words(hidden[-1])}"
    return f"{inputs}, hidden layers of {sizes} units, and {output}"


def unit_words(spec: NetworkSpec, layer: int, index: int | str) -> str:
    """How narration names a unit (``index`` 0-based, or a letter): ``"output unit 1"``,
    ``"hidden unit 2"``, ``"unit k of layer 2"`` (when there are several hidden layers) or
    ``"input 1"``.

    >>> unit_words(NetworkSpec(), 2, "k"), unit_words(NetworkSpec(), 1, 1)
    ('output unit k', 'hidden unit 2')
    """
    number = index if isinstance(index, str) else str(index + 1)
    if layer == 0:
        return f"input {number}"
    if layer == spec.num_layers:
        return f"output unit {number}"
    if spec.num_layers == 2:
        return f"hidden unit {number}"
    return f"unit {number} of layer {layer}"


def _weights_words(layer: int, edges: Sequence[Edge]) -> str:
    names = [f"w[{layer}]_{k + 1}{i + 1}" for k, i in edges]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} to {names[-1]}"


# --------------------------------------------------------------------------- steps


def network_step(net: Network, target: str = TARGET) -> Step:
    """The network: units per layer (``lines``), the weights of every layer (``matrices``),
    and one edge singled out (``picked``: entry ``(k, i)`` of ``W[2]``)."""
    spec = net.spec
    unit = focus_unit(spec)
    nxt = LAYER + 1
    edge = (0, unit)
    return Step(
        StepId(target, StepKind.NETWORK),
        Stage.FORWARD,
        "The network itself",
        f"The network: {describe_layers(spec)}. "
        f"The edge w[{nxt}]_1{unit + 1} enters {unit_words(spec, nxt, 0)} and leaves "
        f"{unit_words(spec, LAYER, unit)}.",
        equation=(weight_part(nxt, edge),),
        lines=unit_parts(spec),
        matrices=tuple(matrix_display(net, f"W{layer}") for layer in spec.layers),
        picked=edge,
        claims=network_claims(net),
    )


def backward_step(net: Network, target: str = TARGET) -> Step:
    """Hidden unit ``i`` collects the gradient along the edges that leave it: column ``i`` of
    ``W[2]``. The equation is what it collects, ``∂𝓛/∂a^{[1]}_{ij} = Σ_k w_ki dz_kj``, written
    out term by term."""
    spec = net.spec
    layer, nxt = LAYER, LAYER + 1
    unit = focus_unit(spec)
    leaving = edges_leaving(spec, layer, unit)
    lhs = partial(LOSS.tex, general_entry(f"A{layer}", str(unit + 1), "j"), f"dA{layer}")
    terms = [
        (weight_part(nxt, edge), general_entry(f"dZ{nxt}", str(edge[0] + 1), "j"))
        for edge in leaving
    ]
    source = matrix_display(net, f"W{nxt}")
    transposed = matrix_display(net, f"W{nxt}", transposed=True)
    several = len(leaving) > 1
    return Step(
        StepId(target, StepKind.BACKWARD),
        Stage.PITFALL,
        "Backwards along the edges",
        f"Run backwards: {unit_words(spec, layer, unit)} collects that sum along "
        f"{'the edges that leave' if several else 'the edge that leaves'} it. "
        f"{'They carry' if several else 'It carries'} {_weights_words(nxt, leaving)}: "
        f"column {unit + 1} of W[{nxt}].",
        equation=(lhs, EQUALS, *joined(terms)),
        matrices=(source, transposed),
        highlights=((Highlight(source.name, col=unit), Highlight(f"{source.name}T", row=unit)),),
        claims=backward_claims(net, layer, unit, leaving),
    )


def network_steps(net: Network) -> tuple[Step, ...]:
    """The two steps, in lecture order."""
    return network_step(net), backward_step(net)


def with_network_steps(net: Network, steps: Sequence[Step]) -> tuple[Step, ...]:
    """``steps`` with the network after ``dZ1.forward`` and the backward run (the picture of
    the index sum) just before ``dZ1.transpose`` (its proof)."""
    network, backward = network_steps(net)
    out: list[Step] = []
    for step in steps:
        if step.id == StepId(TARGET, StepKind.TRANSPOSE):
            out.append(backward)
        out.append(step)
        if step.id == StepId(TARGET, StepKind.FORWARD):
            out.append(network)
    return tuple(out)


__all__ = [
    "Edge",
    "backward_claims",
    "backward_step",
    "column_to_row_claims",
    "describe_layers",
    "edges_entering",
    "edges_leaving",
    "focus_unit",
    "layer_edges",
    "network_claims",
    "network_step",
    "network_steps",
    "unit_part",
    "unit_parts",
    "unit_words",
    "weight_part",
    "with_network_steps",
]
