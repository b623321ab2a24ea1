"""The network a derivation is about: layer sizes, batch size and hidden activation."""

from __future__ import annotations

from dataclasses import dataclass

from . import activations

MIN_LAYERS, MAX_LAYERS = 2, 4
MIN_SIZE, MAX_SIZE = 1, 4
MIN_M, MAX_M = 1, 5


@dataclass(frozen=True)
class NetworkSpec:
    """A small fully connected network in Andrew Ng's notation.

    ``layer_dims`` is ``(n_x, n[1], ..., n[L])``: the input size followed by 2 to 4 layer sizes,
    each from 1 to 4. ``m`` is the number of examples (columns), 1 to 5. Hidden layers use
    ``activation``, the name of one of :data:`~derivations.activations.ACTIVATIONS`; the output
    layer is sigmoid with binary cross-entropy.

    The default, 2-3-2 with m = 2, is the smallest network on which every tempting wrong form
    of ``dZ[1]`` fails on shapes (``W[2]`` is 2×3, not square) while the sum over paths stays
    (``n[2] = 2``).

    Examples
    --------
    >>> NetworkSpec().num_layers, NetworkSpec().describe()
    (2, '2-3-2 network, m = 2, tanh')
    >>> NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu").size(1)
    4
    >>> NetworkSpec(m=9)
    Traceback (most recent call last):
    ...
    ValueError: m = 9 is out of range: the number of examples must be an integer from 1 to 5
    >>> NetworkSpec(activation="swish")
    Traceback (most recent call last):
    ...
    ValueError: activation = 'swish' is not supported: choose one of tanh, sigmoid, relu, leaky_relu
    """

    layer_dims: tuple[int, ...] = (2, 3, 2)
    m: int = 2
    activation: str = "tanh"

    def __post_init__(self) -> None:
        object.__setattr__(self, "layer_dims", _checked_dims(self.layer_dims))
        _check_int("m", self.m, MIN_M, MAX_M, "the number of examples")
        activations.activation(self.activation)  # the registry names the allowed activations

    @property
    def num_layers(self) -> int:
        """``L``, the number of layers after the input."""
        return len(self.layer_dims) - 1

    def size(self, layer: int) -> int:
        """``n[layer]``; layer 0 is the input ``n_x``."""
        return self.layer_dims[layer]

    @property
    def layers(self) -> range:
        """The layer numbers ``1 .. L``."""
        return range(1, self.num_layers + 1)

    def describe(self) -> str:
        """A one-line human description, e.g. ``'2-3-2 network, m = 2, tanh'``."""
        dims = "-".join(str(n) for n in self.layer_dims)
        return f"{dims} network, m = {self.m}, {self.activation}"


def _check_int(field: str, value: object, low: int, high: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            f"{field} = {value!r} is not an integer: {what} must be an integer from {low} to {high}"
        )
    if not low <= value <= high:
        raise ValueError(
            f"{field} = {value} is out of range: {what} must be an integer from {low} to {high}"
        )


def _checked_dims(dims: object) -> tuple[int, ...]:
    if isinstance(dims, (str, bytes)) or not hasattr(dims, "__iter__"):
        raise ValueError(f"layer_dims = {dims!r} is not a sequence of integers like (2, 2, 2)")
    dims = tuple(dims)
    layers = len(dims) - 1
    if not MIN_LAYERS <= layers <= MAX_LAYERS:
        raise ValueError(
            f"layer_dims = {dims!r} has {max(layers, 0)} layer(s) after the input: "
            f"give n_x followed by {MIN_LAYERS} to {MAX_LAYERS} layer sizes"
        )
    for index, size in enumerate(dims):
        name = "n_x" if index == 0 else f"n[{index}]"
        _check_int(f"layer_dims[{index}]", size, MIN_SIZE, MAX_SIZE, f"the size {name}")
    return dims
