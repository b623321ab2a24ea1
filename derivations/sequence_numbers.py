"""Real numbers for ``dz[1]_11`` and the nudge that checks them, in three steps a learner can
recompute from the screen alone.

1. ``dZ1.forward_numbers``: one forward pass with its numbers: the inputs ``X`` and the 0/1
   labels ``Y``, ``W[1]`` and ``b[1]`` giving ``Z[1] = W[1] X + b[1]``, then the later weights
   and biases giving the output ``A[L]`` (:func:`forward_claims`).
2. ``dZ1.numbers``: ``dZ[L] = A[L] − Y`` (derived in part two, taken as given) with its numbers
   (:func:`output_gradient_claims`), then ``∂𝓛/∂z[1]_11`` by the chain rule, each path's factors
   shown and their products added (:func:`numbers_claims`).
3. ``dZ1.nudge``: ``z[1]_11`` up by ``ε``; the real loss, recomputed by a forward pass, changes
   by about ``ε`` times that value (:func:`nudge_claims`, :func:`loss_claims`).

Small values chosen from a seed (:func:`choose_numbers`). Every number shown is computed here
and checked by the step's claims: against the derivation's own folded formula (so a wrong
formula fails here too, after its fold step), against sympy's derivative of the loss, and
against the loss evaluated again from its sympy expression.

**How the numbers are consistent.** On every network the labels ``Y`` are 0 or 1, as in the
course; the inputs ``X`` are whole numbers (``±1``, ``±2``) and every weight and bias has one
decimal, so ``Z[1] = W[1] X + b[1]`` has one decimal too and a learner can recompute it. The
forward pass gives ``A[L]`` and the summed cross-entropy ``𝓛``; ``dZ[2]`` is computed by
backprop from ``dZ[L] = A[L] − Y`` (shown with three significant digits, as a result).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from .activations import activation
from .claims import Claim, DerivativeClaim, DifferenceClaim, EqualityClaim, ShapeClaim
from .display import (
    EQUALS,
    LOSS,
    entry,
    gprime_entry,
    joined,
    matrix_label,
    partial,
)
from .formula import Node, ShapeError, parse, to_parts, to_text
from .network import Network
from .numeric import evaluate
from .speech import count_words
from .steps import MatrixDisplay, NumberData, Stage, Step
from .vocabulary import MINUS, NOT_EQUALS, PLUS, Parts, Role, StepId, StepKind, TexPart, operator

#: The seed the numbers are drawn from unless a caller gives another.
NUMBERS_SEED = 7
#: The nudge of ``z[1]_11``.
EPSILON = sympy.Rational(1, 100)
#: The entry the numbers beat computes (0-based): ``z[1]_11``.
PICKED = (0, 0)
#: Significant digits of computed results on screen.
RESULT_DIGITS = 3

APPROX = operator("approx", r"\approx", Role.EQUALS)
TIMES = operator("times", r"\times", Role.TERM)
TO = operator("to", r"\;\to\;", Role.SEPARATOR)

_TRIES = 2000


# --------------------------------------------------------------------------- formatting


def decimal_text(value: float) -> str:
    """A one-decimal input as text: ``0.3``, ``-0.4`` (``-0.0`` is ``0.0``).

    >>> decimal_text(-0.4), decimal_text(0.30000000000000004)
    ('-0.4', '0.3')
    """
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def result_text(value: float, digits: int = RESULT_DIGITS) -> str:
    """``value`` to ``digits`` significant digits, without exponent or trailing zeros.

    >>> result_text(-0.123456), result_text(0.0012345), result_text(1.0), result_text(0.0)
    ('-0.123', '0.00123', '1', '0')
    """
    if value == 0 or not math.isfinite(value):
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{round(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _loss_decimals(delta: float) -> int:
    """Decimals a loss needs for the change ``delta`` to show three significant digits."""
    return max(1, RESULT_DIGITS - 1 - math.floor(math.log10(abs(delta) or 1e-12)))


def loss_text(value: float, delta: float) -> str:
    """A loss with enough decimals for ``delta`` to show three significant digits."""
    return f"{value:.{_loss_decimals(delta)}f}"


def _factor(value: str) -> str:
    """A factor of a product of numbers, in parentheses: ``(0.3)``."""
    return f"({value})"


def _number(name: str, text: str, symbol: str | None) -> TexPart:
    return TexPart(name, text, symbol)


# --------------------------------------------------------------------------- choosing


def _tenths(
    rng: np.random.Generator,
    shape: tuple[int, int],
    low: int = 1,
    high: int = 9,
    zero: bool = False,
) -> np.ndarray:
    """Random one-decimal values with ``low/10 <= |x| <= high/10`` (0 allowed if ``zero``)."""
    choices = [k for k in range(-high, high + 1) if zero or abs(k) >= low]
    return rng.choice(choices, size=shape) / 10.0


def _forward(
    spec_layers: int, act_name: str, params: Mapping[str, np.ndarray], z1: np.ndarray
) -> dict[str, np.ndarray]:
    """``Z[l]``, ``A[l]`` for every layer from ``Z[1]`` (numpy; the output is sigmoid)."""
    g = activation(act_name).numeric
    out = {"Z1": z1, "A1": np.asarray(g(z1), dtype=float)}
    for layer in range(2, spec_layers + 1):
        z = params[f"W{layer}"] @ out[f"A{layer - 1}"] + params[f"b{layer}"]
        out[f"Z{layer}"] = z
        out[f"A{layer}"] = (
            1.0 / (1.0 + np.exp(-z)) if layer == spec_layers else np.asarray(g(z), dtype=float)
        )
    return out


def _loss(a_out: np.ndarray, y: np.ndarray) -> float:
    return float(-(y * np.log(a_out) + (1 - y) * np.log(1 - a_out)).sum())


def _inputs(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Whole-number inputs ``±1`` or ``±2``: with one-decimal weights and biases they keep
    ``Z[1] = W[1] X + b[1]`` at one decimal, so a learner can recompute it by hand."""
    return rng.choice([-2, -1, 1, 2], size=shape).astype(float)


def _draw(net: Network, rng: np.random.Generator) -> dict[str, np.ndarray] | None:
    """One attempt: ``X``, 0/1 labels ``Y``, every weight and bias, ``Z[1] = W[1] X + b[1]``
    and ``dZ[2]`` by backprop from ``A[L] − Y``; ``None`` if the picked entry of ``Z[1]`` is
    below 0.2 (it must be positive: relu's slope there is 1, not 0), an entry of ``Z[1]``
    is 0, or ``X`` is symmetric and larger than 1×1 (where ``m = n_x``, ``dZ[1] X`` would
    then equal ``dZ[1] Xᵀ`` and the values could not tell the two apart)."""
    spec, last = net.spec, net.spec.num_layers
    shapes = net.shapes
    arrays: dict[str, np.ndarray] = {"X": _inputs(rng, shapes["X"])}
    x = arrays["X"]
    if x.size > 1 and np.array_equal(x, x.T):  # m = n_x: Xᵀ must not be X (dW[1])
        return None
    for layer in range(1, last + 1):
        arrays[f"W{layer}"] = _tenths(rng, shapes[f"W{layer}"])
        arrays[f"b{layer}"] = _tenths(rng, shapes[f"b{layer}"], high=5, zero=True)
    z1 = np.round(arrays["W1"] @ arrays["X"] + arrays["b1"], 1) + 0.0  # tenths, exactly
    if z1[PICKED] < 0.2 or (z1 == 0).any():  # no entry at a kink, where g' is a convention
        return None
    arrays["Z1"] = z1
    forward = _forward(last, spec.activation, arrays, z1)
    y = rng.integers(0, 2, size=shapes["Y"]).astype(float)
    gprime = activation(spec.activation).numeric_slope
    dz = forward[f"A{last}"] - y
    arrays[f"dZ{last}"] = dz
    for layer in range(last - 1, 1, -1):
        dz = (arrays[f"W{layer + 1}"].T @ dz) * gprime(forward[f"Z{layer}"])
    arrays["dZ2"], arrays["Y"], arrays[f"A{last}"] = dz, y, forward[f"A{last}"]
    return arrays


def _chain_value(arrays: Mapping[str, np.ndarray], act_name: str, transposed: bool = True) -> float:
    """``Σ_k dz[2]_kj w[2]_ki g'(z[1]_ij)`` at the picked entry (``w[2]_ik`` if not
    ``transposed``)."""
    i, j = PICKED
    w, dz = arrays["W2"], arrays["dZ2"]
    slope = float(activation(act_name).numeric_slope(arrays["Z1"][i, j]))
    weights = w[:, i] if transposed else w[i, :]
    return float(sum(dz[k, j] * weights[k] for k in range(dz.shape[0])) * slope)


def _draw_data(net: Network, arrays: Mapping[str, np.ndarray], seed: int) -> NumberData:
    """The numbers of one draw: the value at the picked entry, the loss before and after the
    nudge, and the value without the transpose (when ``W[2] dZ[2]`` has a shape)."""
    spec, last = net.spec, net.spec.num_layers
    square = spec.size(1) == spec.size(2)
    result = _chain_value(arrays, spec.activation)
    wrong = _chain_value(arrays, spec.activation, transposed=False) if square else None
    nudged = np.array(arrays["Z1"], dtype=float)
    nudged[PICKED] += float(EPSILON)
    before = _loss(_forward(last, spec.activation, arrays, arrays["Z1"])[f"A{last}"], arrays["Y"])
    nudged_output = _forward(last, spec.activation, arrays, nudged)[f"A{last}"]
    after = _loss(nudged_output, arrays["Y"])
    arrays = {**arrays, nudged_name(last): nudged_output}
    names = ["W2", "b2", "Z1", "dZ2", "Y", "X", "W1", "b1", f"A{last}"] + [
        f"{p}{layer}" for layer in range(3, last + 1) for p in ("W", "b")
    ]
    if last > 2:  # the output layer's dZ[L] = A[L] − Y, which backprop takes down to dZ[2]
        names.append(f"dZ{last}")
    names.append(nudged_name(last))
    matrices = tuple(
        (name, tuple(tuple(float(v) for v in row) for row in arrays[name])) for name in names
    )
    return NumberData(seed, matrices, PICKED, result, float(EPSILON), before, after, wrong)


def _needs_another_number(net: Network, data: NumberData) -> bool:
    """Whether the transpose-free value must differ from the value: ``W[2] dZ[2]`` has a
    shape and ``W[2]`` is not 1×1."""
    return data.wrong is not None and net.spec.size(1) > 1


def _quality(net: Network, data: NumberData) -> tuple[bool, bool, bool, float] | None:
    """How good a draw is, to compare draws (greater is better); ``None`` if it cannot be
    shown at all (a zero value, or a transpose-free value equal to it where it must differ).

    The criteria, in order: the nudge agrees with the value to within 5 %; the transpose-free
    value differs visibly (by 0.05 and on screen); the value is at least 0.02; its size."""
    result = data.result
    if result == 0 or not math.isfinite(result):
        return None
    distinct = True
    if _needs_another_number(net, data):
        wrong = data.wrong if data.wrong is not None else result
        if abs(wrong - result) <= 1e-9 * max(abs(result), 1.0):
            return None
        distinct = abs(wrong - result) >= 0.05 and result_text(wrong) != result_text(result)
    expected = data.epsilon * result
    agrees = abs(data.delta - expected) <= 0.05 * abs(expected)
    return agrees, distinct, abs(result) >= 0.02, abs(result)


def choose_numbers(net: Network, seed: int = NUMBERS_SEED) -> NumberData:
    """The numbers of the numbers beat for ``net``, drawn with ``numpy.random.default_rng(seed)``.

    Draws until the picked entry's value is clearly non-zero (at least 0.02), the nudge agrees
    with it to within 5 %, and (when ``W[2] dZ[2]`` has a shape and ``W[2]`` is not 1×1) the
    value without the transpose differs visibly. Where no draw does all that (deep sigmoid
    networks have tiny gradients), the best draw seen (:func:`_quality`); where no draw can be
    shown at all, the last one drawn, so that a valid network always has its numbers.

    >>> from derivations.spec import NetworkSpec
    >>> data = choose_numbers(Network(NetworkSpec()), seed=7)
    >>> data.seed, data.picked, data == choose_numbers(Network(NetworkSpec()), seed=7)
    (7, (0, 0), True)
    """
    rng = np.random.default_rng(seed)
    best: tuple[tuple[bool, bool, bool, float], NumberData] | None = None
    last: NumberData | None = None
    for _ in range(_TRIES):
        arrays = _draw(net, rng)
        if arrays is None:
            continue
        data = _draw_data(net, arrays, seed)
        last = data
        quality = _quality(net, data)
        if quality is None:
            continue
        if all(quality[:3]):
            return data
        if best is None or quality > best[0]:
            best = (quality, data)
    if best is not None:
        return best[1]
    if last is not None:
        return last
    raise RuntimeError(
        f"no numbers for {net.spec.describe()} from seed {seed}: "
        f"none of {_TRIES} draws could be used (see _draw)"
    )


# --------------------------------------------------------------------------- exact values


def exact(value: float) -> sympy.Rational:
    """A shown number as an exact rational: one decimal when it is one (``0.3`` is 3/10),
    else the float's exact binary value.

    >>> exact(0.3), exact(-1.0)
    (3/10, -1)
    """
    tenths = sympy.Rational(round(value * 10), 10)
    return tenths if float(tenths) == value else sympy.Rational(value)


def exact_matrix(data: NumberData, name: str) -> sympy.ImmutableMatrix:
    """The numbers of ``name`` as an exact sympy matrix."""
    return sympy.ImmutableMatrix([[exact(v) for v in row] for row in data.matrix(name)])


def _shown(text: str) -> sympy.Rational:
    return sympy.Rational(text)


def _rounded(expr: sympy.Expr, digits: int = RESULT_DIGITS) -> sympy.Rational:
    """A constant sympy expression evaluated numerically, rounded as the screen shows it."""
    return sympy.Rational(result_text(float(evaluate(expr, {})), digits))


def _number_values(net: Network, data: NumberData) -> dict[str, sympy.ImmutableMatrix]:
    """The environment for evaluating a formula at the numbers (display symbols elsewhere)."""
    z1 = exact_matrix(data, "Z1")
    return {
        **net.display_values,
        "W2": exact_matrix(data, "W2"),
        "dZ2": exact_matrix(data, "dZ2"),
        "Z1": z1,
        "gprime1": net.gprime(z1),
    }


def _chain_sum(net: Network, data: NumberData, transposed: bool = True) -> sympy.Expr:
    """``Σ_k dz[2]_kj w[2]_ki g'(z[1]_ij)`` exactly, from the numbers."""
    i, j = data.picked
    w, dz = exact_matrix(data, "W2"), exact_matrix(data, "dZ2")
    slope = net.activation.gprime(exact_matrix(data, "Z1")[i, j])
    return sum(
        ((dz[k, j] * (w[k, i] if transposed else w[i, k])) * slope for k in range(dz.rows)),
        sympy.Integer(0),
    )


# --------------------------------------------------------------------------- claims


def numbers_claims(net: Network, node: Node, data: NumberData) -> tuple[Claim, ...]:
    """The chain rule at the numbers is the folded formula's entry; the shown value is it to
    three significant digits; the numbers are the ones the seed gives."""
    i, j = data.picked
    text = to_text(node)
    label = f"z[1]_{i + 1}{j + 1}"
    inputs = ("W2", "dZ2", "Z1")
    redrawn = choose_numbers(net, data.seed)
    seeded = EqualityClaim(
        f"the numbers of W2, dZ2 and Z1 are those of seed {data.seed}",
        sympy.ImmutableMatrix([[v for name in inputs for v in exact_matrix(data, name)]]),
        sympy.ImmutableMatrix([[v for name in inputs for v in exact_matrix(redrawn, name)]]),
    )
    try:
        value = net.evaluate_symbolic(node, _number_values(net, data))
    except (ShapeError, KeyError):
        return (
            seeded,
            ShapeClaim(
                f"dZ1 = {text} has the shape of Z1 at the numbers",
                text,
                tuple(net.shapes.items()),
                net.shapes["Z1"],
            ),
        )
    chain = _chain_sum(net, data)
    agrees = EqualityClaim(
        f"the chain rule at the numbers gives entry ({i + 1}, {j + 1}) of {text}",
        sympy.ImmutableMatrix([[chain]]),
        sympy.ImmutableMatrix([[value[i, j]]]),
    )
    shown = EqualityClaim(
        f"the value shown for ∂𝓛/∂{label} is {text} at the numbers, to "
        f"{RESULT_DIGITS} significant digits",
        sympy.ImmutableMatrix([[_shown(result_text(data.result))]]),
        sympy.ImmutableMatrix([[_rounded(value[i, j])]]),
    )
    return seeded, agrees, shown


def _substitution(net: Network, data: NumberData) -> dict[sympy.Symbol, sympy.Expr]:
    """Every weight, bias and label symbol of layers 2 and up mapped to its number."""
    mapping: dict[sympy.Symbol, sympy.Expr] = {}
    names = ["Y"] + [
        f"{p}{layer}" for layer in range(2, net.spec.num_layers + 1) for p in ("W", "b")
    ]
    for name in names:
        mapping.update(zip(net.symbols(name), exact_matrix(data, name), strict=True))
    return mapping


def _loss_of_z11(net: Network, data: NumberData) -> tuple[sympy.Expr, sympy.Symbol]:
    """The summed loss as a function of the picked entry of ``Z[1]`` alone (the rest at the
    numbers), and that entry's symbol."""
    i, j = data.picked
    z = net.symbols("Z1")
    numbers = exact_matrix(data, "Z1")
    mapping = _substitution(net, data)
    mapping.update(
        {z[r, c]: numbers[r, c] for r in range(z.rows) for c in range(z.cols) if (r, c) != (i, j)}
    )
    return net.forward("Z1").loss.xreplace(mapping), z[i, j]


def nudge_claims(net: Network, data: NumberData) -> tuple[Claim, ...]:
    """The chain-rule sum is the slope of 𝓛 along ``z[1]_ij`` (sympy's derivative and finite
    differences), and the shown change of 𝓛 is the loss, evaluated again from its sympy
    expression, after the nudge minus before."""
    i, j = data.picked
    z = net.symbols("Z1")
    numbers = exact_matrix(data, "Z1")
    mapping = _substitution(net, data)
    z2 = net.symbols("Z2")
    for c in range(z2.cols):
        if c != j:
            mapping.update(zip(z2[:, c], _z2_column(net, data, numbers, c), strict=True))
    function = net.forward("Z2").loss.xreplace(mapping)
    column = numbers.as_mutable()
    column[i, j] = z[i, j]
    bindings = tuple(
        zip(z2[:, j], _z2_column(net, data, sympy.ImmutableMatrix(column), j), strict=True)
    )
    upstream = net.upstream(2).xreplace(mapping)
    w = exact_matrix(data, "W2")
    slope = sum(
        (upstream[k, j] * w[k, i] for k in range(w.rows)), sympy.Integer(0)
    ) * net.activation.gprime(z[i, j])
    derivative = DerivativeClaim(
        f"Σ_k dz[2]_k{j + 1} w[2]_k{i + 1} g'(z[1]_{i + 1}{j + 1}) "
        f"is the slope of 𝓛 along z[1]_{i + 1}{j + 1} at the numbers",
        function,
        sympy.ImmutableMatrix([[z[i, j]]]),
        sympy.ImmutableMatrix([[slope]]),
        bindings,
    )
    loss, symbol = _loss_of_z11(net, data)
    before = float(evaluate(loss, {symbol: float(numbers[i, j])}))
    after = float(evaluate(loss, {symbol: float(numbers[i, j] + EPSILON)}))
    change = EqualityClaim(
        "the shown change of 𝓛 is 𝓛 after the nudge minus 𝓛 before",
        sympy.ImmutableMatrix([[_shown(result_text(data.delta))]]),
        sympy.ImmutableMatrix([[_shown(result_text(after - before))]]),
    )
    return derivative, change


def _forward_values(net: Network, data: NumberData) -> tuple[dict[str, sympy.Expr], sympy.Expr]:
    """Every matrix of the network's own sympy forward pass from ``X`` (``Z[l]``, ``A[l]``)
    and ``𝓛``, at the numbers."""
    mapping: dict[sympy.Symbol, sympy.Expr] = {}
    for name in ("X", "W1", "b1"):
        mapping.update(zip(net.symbols(name), exact_matrix(data, name), strict=True))
    mapping.update(_substitution(net, data))
    forward = net.forward("X")
    values = {
        name: sympy.ImmutableMatrix(value).xreplace(mapping)
        for name, value in forward.values.items()
        if name[0] in "ZA"
    }
    return values, forward.loss.xreplace(mapping)


def forward_claims(net: Network, data: NumberData) -> tuple[Claim, ...]:
    """The forward pass the first numbers step shows: the labels are 0 or 1;
    ``Z[1] = W[1] X + b[1]`` exactly; the shown ``A[L]`` is the network's sympy forward pass
    at the numbers, as the screen rounds it."""
    last = net.spec.num_layers
    y = exact_matrix(data, "Y")
    w1, x, b1 = (exact_matrix(data, name) for name in ("W1", "X", "b1"))
    values, _ = _forward_values(net, data)
    shown_a = exact_matrix(data, f"A{last}")
    digits = output_digits(data, last)
    return (
        EqualityClaim(
            "every label is 0 or 1",
            y.applyfunc(lambda v: v * (1 - v)),
            sympy.zeros(*y.shape).as_immutable(),
        ),
        EqualityClaim(
            "the Z1 shown is W1 X + b1 at the numbers",
            sympy.ImmutableMatrix(w1 * x + b1 * sympy.ones(1, x.cols)),
            exact_matrix(data, "Z1"),
        ),
        EqualityClaim(
            f"the A{last} shown is the forward pass from X at the numbers",
            shown_a.applyfunc(lambda v: _shown(result_text(float(v), digits))),
            values[f"A{last}"].applyfunc(lambda v: _rounded(v, digits)),
        ),
    )


def nudged_claims(net: Network, data: NumberData) -> tuple[Claim, ...]:
    """The forward pass the nudge runs again: the shown ``A[L]`` after the nudge is the
    network's sympy forward pass from ``Z[1]`` with ``z[1]_ij + ε``, as the screen rounds it;
    it differs from ``A[L]`` before on screen; the shown ``𝓛`` after is the summed
    cross-entropy of that ``A[L]`` against ``Y``, to the decimals shown."""
    last = net.spec.num_layers
    digits = output_digits(data, last)
    z1 = exact_matrix(data, "Z1").as_mutable()
    z1[data.picked] += EPSILON
    mapping = _substitution(net, data)
    mapping.update(zip(net.symbols("Z1"), z1, strict=True))
    forward = net.forward("Z1")
    output = sympy.ImmutableMatrix(forward.values[f"A{last}"]).xreplace(mapping)
    loss = forward.loss.xreplace(mapping)
    decimals = _loss_decimals(data.delta)

    def shown(name: str) -> sympy.ImmutableMatrix:
        return exact_matrix(data, name).applyfunc(lambda v: _shown(result_text(float(v), digits)))

    return (
        EqualityClaim(
            f"the A{last} shown after the nudge is the forward pass from Z1 with "
            f"z1_{data.picked[0] + 1}{data.picked[1] + 1} + ε",
            shown(nudged_name(last)),
            output.applyfunc(lambda v: _rounded(v, digits)),
        ),
        DifferenceClaim(
            f"the nudge changes an entry of A{last} as shown",
            shown(nudged_name(last)),
            shown(f"A{last}"),
        ),
        EqualityClaim(
            f"the loss shown after the nudge is the summed cross-entropy of that A{last} against Y",
            sympy.ImmutableMatrix([[_shown(loss_text(data.loss_after, data.delta))]]),
            sympy.ImmutableMatrix([[_shown(f"{float(evaluate(loss, {})):.{decimals}f}")]]),
        ),
    )


#: Significant digits to which ``A[L] − Y`` and sympy's ``∂𝓛/∂Z[L]`` must agree.
CHECK_DIGITS = 12


def _to_check_digits(expr: sympy.Expr) -> sympy.Rational:
    return _rounded(expr, CHECK_DIGITS)


def output_gradient_claims(net: Network, data: NumberData) -> tuple[Claim, ...]:
    """``dZ[L] = A[L] − Y`` holds at the numbers (sympy's derivative of the loss along
    ``Z[L]``, the forward pass's ``Z[L]`` put in); the shown ``dZ[L]`` and ``dZ[2]`` are
    sympy's derivatives of the loss at the numbers, as the screen rounds them."""
    last = net.spec.num_layers
    values, _ = _forward_values(net, data)
    z_out, y = net.symbols(f"Z{last}"), exact_matrix(data, "Y")
    binding = dict(zip(z_out, values[f"Z{last}"], strict=True))
    binding.update(zip(net.symbols("Y"), y, strict=True))
    derivative = net.upstream(last).xreplace(binding)
    claims: list[Claim] = [
        EqualityClaim(
            f"dZ{last} = A{last} - Y is sympy's derivative of the loss along Z{last} at the "
            "numbers",
            sympy.ImmutableMatrix(values[f"A{last}"] - y).applyfunc(_to_check_digits),
            derivative.applyfunc(_to_check_digits),
        )
    ]
    if last > 2:
        claims.append(
            EqualityClaim(
                f"the dZ{last} shown is sympy's derivative of the loss at the numbers",
                exact_matrix(data, f"dZ{last}").applyfunc(lambda v: _shown(result_text(float(v)))),
                derivative.applyfunc(_rounded),
            )
        )
    dz2 = net.upstream(2).xreplace(_z_substitution(net, data))
    claims.append(
        EqualityClaim(
            "the dZ2 shown is sympy's derivative of the loss at the numbers",
            exact_matrix(data, "dZ2").applyfunc(lambda v: _shown(result_text(float(v)))),
            dz2.applyfunc(_rounded),
        )
    )
    return tuple(claims)


def loss_claims(net: Network, data: NumberData) -> tuple[Claim, ...]:
    """The loss shown before the nudge is the summed cross-entropy of the forward pass from
    ``X`` at the numbers, to the decimals shown."""
    _, loss = _forward_values(net, data)
    decimals = _loss_decimals(data.delta)
    return (
        EqualityClaim(
            "the loss shown is the summed cross-entropy of the forward pass from X",
            sympy.ImmutableMatrix([[_shown(loss_text(data.loss_before, data.delta))]]),
            sympy.ImmutableMatrix([[_shown(f"{float(evaluate(loss, {})):.{decimals}f}")]]),
        ),
    )


def _z_substitution(net: Network, data: NumberData) -> dict[sympy.Symbol, sympy.Expr]:
    """``_substitution`` with the entries of ``Z[2]`` bound to ``W[2] g(Z[1]) + b[2]``."""
    mapping = _substitution(net, data)
    z1 = exact_matrix(data, "Z1")
    z2 = net.symbols("Z2")
    for c in range(z2.cols):
        mapping.update(zip(z2[:, c], _z2_column(net, data, z1, c), strict=True))
    return mapping


def _z2_column(net: Network, data: NumberData, z1: sympy.MatrixBase, col: int) -> list[sympy.Expr]:
    """Column ``col`` of ``Z[2] = W[2] g(Z[1]) + b[2]`` at the numbers."""
    w, b = exact_matrix(data, "W2"), exact_matrix(data, "b2")
    g = net.activation.g
    return [
        sum((w[k, p] * g(z1[p, col]) for p in range(w.cols)), sympy.Integer(0)) + b[k, 0]
        for k in range(w.rows)
    ]


# --------------------------------------------------------------------------- m = n_x


@dataclass(frozen=True)
class SquareInputCheck:
    """Where ``m = n_x`` (``X`` square) the wrong ``(1/m) dZ[1] X`` has the shape of
    ``dW[1]``: what the lecture says and shows instead of a shape check that cannot fail.

    ``lines`` set entry ``(k, i)`` of ``dW[1]`` against that of the wrong form at the
    numbers of the nudge, a short line each; ``narration`` says so; ``claims`` verify the
    shapes agree and the values differ, each shown value rounded from the exact one."""

    lines: tuple[Parts, Parts]
    narration: str
    claims: tuple[Claim, ...]


_WRONG_DW1 = "1/m * dZ1 @ X"


def _dz1_at_numbers(net: Network, data: NumberData) -> sympy.ImmutableMatrix:
    """``dZ[1] = ∂𝓛/∂Z[1]`` at the numbers, exactly: sympy's derivative of the loss, with
    ``Z[2]`` bound to the forward pass (not the folded formula, which this checks)."""
    z1 = net.symbols("Z1")
    mapping = _z_substitution(net, data)
    mapping.update(zip(z1, exact_matrix(data, "Z1"), strict=True))
    loss = net.forward("Z1").loss
    numbers = exact_matrix(data, "Z1")
    return sympy.ImmutableMatrix(
        z1.rows,
        z1.cols,
        lambda r, c: sympy.diff(loss, z1[r, c]).xreplace(
            {**_substitution(net, data), **dict(zip(z1, numbers, strict=True))}
        ),
    )


def square_input_check(net: Network, node: Node, data: NumberData) -> SquareInputCheck | None:
    """The values check of ``dW[1] = node`` against ``(1/m) dZ[1] X`` where ``m = n_x``
    makes both shapes ``n[1] × n_x`` (``None`` elsewhere: there the shapes tell; and where
    ``m = n_x = 1`` both forms are the same numbers)."""
    spec = net.spec
    if spec.m != spec.size(0) or spec.m == 1:  # a 1×1 X is its own transpose: both agree
        return None
    dz1 = _dz1_at_numbers(net, data)
    x = exact_matrix(data, "X")
    values = {**net.display_values, "dZ1": dz1, "X": x, "A0": x}
    try:
        right = net.evaluate_symbolic(node, values)
    except (ShapeError, KeyError):
        return None
    if right.shape != net.shapes["dW1"]:  # a wrong shape: the fold's shape claim says so
        return None
    wrong = net.evaluate_symbolic(parse(_WRONG_DW1), values)
    k, i = _most_different(right, wrong)
    right_text, wrong_text = (result_text(float(evaluate(v[k, i], {}))) for v in (right, wrong))
    lines = (
        (entry("dW1", k, i), APPROX, _number("n_right", right_text, "dW1")),
        (
            NOT_EQUALS,
            operator("lparen_w", "(", Role.OPEN),
            *_inline(to_parts(parse(_WRONG_DW1)), "wrong_"),
            operator("rparen_w", rf")_{{{k + 1}{i + 1}}}", Role.CLOSE),
            APPROX,
            _number("n_wrong", wrong_text, "dW1"),
        ),
    )
    m = spec.m
    narration = (
        f"Here m = n_x = {m}: (1/m) dZ[1] X fits too, so the shapes cannot tell. "
        f"The values differ: dw[1]_{k + 1}{i + 1} is {_spoken_number(right_text)}, "
        f"but (1/m) dZ[1] X gives {_spoken_number(wrong_text)}."
    )
    claims = (
        ShapeClaim(
            f"with m = n_x = {m}, {_WRONG_DW1} has the shape of dW1",
            _WRONG_DW1,
            tuple(net.shapes.items()),
            net.shapes["dW1"],
        ),
        DifferenceClaim(f"{_WRONG_DW1} gives other values", wrong, right),
        EqualityClaim(
            f"the values shown for entry ({k + 1}, {i + 1}) are dW1 and {_WRONG_DW1} at the "
            "numbers",
            sympy.ImmutableMatrix([[_shown(right_text), _shown(wrong_text)]]),
            sympy.ImmutableMatrix([[_rounded(right[k, i]), _rounded(wrong[k, i])]]),
        ),
    )
    return SquareInputCheck(lines, narration, claims)


def _inline(parts: Parts, prefix: str) -> Parts:
    """``parts`` renamed with ``prefix``, their fractions set inline (``\\tfrac``), so that
    a line of numbers stays one text line high."""
    return tuple(
        TexPart(f"{prefix}{p.name}", p.tex.replace(r"\frac", r"\tfrac"), p.symbol, p.role)
        for p in parts
    )


def _most_different(right: sympy.MatrixBase, wrong: sympy.MatrixBase) -> tuple[int, int]:
    """The entry where the two forms differ most (the first of equals), to show."""
    gaps = {
        (r, c): abs(float(evaluate(right[r, c] - wrong[r, c], {})))
        for r in range(right.rows)
        for c in range(right.cols)
    }
    return max(gaps, key=lambda rc: (gaps[rc], -rc[0], -rc[1]))


# --------------------------------------------------------------------------- displays


def _shown_text(data: NumberData, name: str, value: float, spec_layers: int) -> str:
    """Inputs and labels as whole numbers, weights, biases and ``Z[1]`` with one decimal;
    ``dZ[2]`` (by backprop) as a result (three significant digits), the output ``A[L]`` as a
    result with the digits the nudge needs (:func:`output_digits`)."""
    if name in ("X", "Y"):
        return f"{value:.0f}".replace("-0", "0")
    if name == "dZ2":
        return result_text(value)
    if name == f"A{spec_layers}":
        return result_text(value, output_digits(data, spec_layers))
    return decimal_text(value)


#: The most significant digits ``A[L]`` is shown with, whatever the nudge changes.
MAX_OUTPUT_DIGITS = 6


def nudged_name(spec_layers: int) -> str:
    """The name of ``A[L]`` after the nudge among a draw's matrices: ``A2_nudged``."""
    return f"A{spec_layers}_nudged"


def output_digits(data: NumberData, spec_layers: int) -> int:
    """Significant digits of ``A[L]`` on screen: :data:`RESULT_DIGITS`, or more where the
    nudge's change of every entry would round away (some shown entry must change)."""
    before, after = data.matrix(f"A{spec_layers}"), data.matrix(nudged_name(spec_layers))
    for digits in range(RESULT_DIGITS, MAX_OUTPUT_DIGITS + 1):
        if any(
            result_text(a, digits) != result_text(b, digits)
            for row_a, row_b in zip(before, after, strict=True)
            for a, b in zip(row_a, row_b, strict=True)
        ):
            return digits
    return MAX_OUTPUT_DIGITS


def number_display(net: Network, data: NumberData, name: str) -> MatrixDisplay:
    """``name`` written out with its numbers, coloured like the matrix."""
    values = data.matrix(name)
    entries = tuple(
        tuple(
            (
                _number(
                    f"n_{name}_{r + 1}{c + 1}",
                    _shown_text(data, name, v, net.spec.num_layers),
                    name,
                ),
            )
            for c, v in enumerate(row)
        )
        for r, row in enumerate(values)
    )
    general = entry(name, 0, 0)
    return MatrixDisplay(name, matrix_label(name), entries, general, name)


def _slope(net: Network, data: NumberData) -> float:
    i, j = data.picked
    return float(net.activation.numeric_slope(np.array(data.matrix("Z1")[i][j])))


def _exact_slope(net: Network) -> bool:
    """Whether ``g′`` takes exact values (relu's 1 or 0, leaky relu's slopes): a kinked,
    piecewise-linear activation, written with ``=``, not ``≈``."""
    return net.activation.slope_at_zero is not None


def _value_factors(net: Network, data: NumberData, transposed: bool = True) -> list[Parts]:
    """One group of number factors per path, in the fold's order: ``(w)(dz)(g')``."""
    i, j = data.picked
    w, dz = data.matrix("W2"), data.matrix("dZ2")
    slope = result_text(_slope(net, data))
    groups: list[Parts] = []
    for k in range(len(dz)):
        weight = w[k][i] if transposed else w[i][k]
        groups.append(
            (
                _number(f"v_w2_{k + 1}", _factor(decimal_text(weight)), "W2"),
                _number(
                    f"v_dz2_{k + 1}",
                    _factor(_shown_text(data, "dZ2", dz[k][j], net.spec.num_layers)),
                    "dZ2",
                ),
                _number(f"v_gp_{k + 1}", _factor(slope), "gprime1"),
            )
        )
    return groups


def _symbol_factors(data: NumberData, transposed: bool = True) -> list[Parts]:
    """The same groups with the entries' names: ``w[2]_ki dz[2]_kj g'(z[1]_ij)``."""
    i, j = data.picked
    groups: list[Parts] = []
    for k in range(len(data.matrix("dZ2"))):
        weight = entry("W2", k, i) if transposed else entry("W2", i, k)
        groups.append((weight, entry("dZ2", k, j), gprime_entry(1, i, j)))
    return groups


def _output_parts(last: int) -> Parts:
    """``σ(W[L] g(… W[2] g(Z[1]) + b[2] …) + b[L])``: the forward pass from ``Z[1]`` to the
    output, one layer inside the next."""
    inner: Parts = (TexPart("g_Z1", r"g^{[1]}(Z^{[1]})", "g1"),)
    for layer in range(2, last + 1):
        function = r"\sigma" if layer == last else f"g^{{[{layer}]}}"
        inner = (
            operator(f"open{layer}", rf"{function}\big(", Role.OPEN),
            matrix_label(f"W{layer}"),
            *inner,
            PLUS,
            matrix_label(f"b{layer}"),
            operator(f"close{layer}", r"\big)", Role.CLOSE),
        )
    return inner


def forward_lines(net: Network) -> tuple[Parts, Parts]:
    """The forward pass the numbers run, in symbols: ``Z[1] = W[1] X + b[1]`` and
    ``A[L] = σ(W[L] g(…) + b[L])``."""
    last = net.spec.num_layers
    z_line = (
        matrix_label("Z1"),
        EQUALS,
        matrix_label("W1"),
        matrix_label("X"),
        PLUS,
        matrix_label("b1"),
    )
    return z_line, (matrix_label(f"A{last}"), EQUALS, *_output_parts(last))


def forward_names(net: Network) -> tuple[str, ...]:
    """The matrices of the forward pass with numbers, in reading order: the inputs ``X`` and
    labels ``Y``, ``W[1]`` and ``b[1]`` with the ``Z[1]`` they give (at :data:`NUDGED_INDEX`),
    every later layer's weights and biases, and the output ``A[L]``."""
    last = net.spec.num_layers
    later = tuple(f"{p}{layer}" for layer in range(2, last + 1) for p in ("W", "b"))
    return ("X", "Y", "W1", "b1", "Z1", *later, f"A{last}")


#: Where ``Z[1]`` stands among the forward pass's matrices (:func:`forward_names`): after the
#: ``X``, ``Y``, ``W[1]`` and ``b[1]`` that come before it, before the layers above it.
NUDGED_INDEX = 4
#: The matrix whose entry the nudge changes (and the numbers step lights): ``Z[1]``.
NUDGED_MATRIX = "Z1"


def forward_numbers_step(net: Network, data: NumberData) -> Step:
    """One forward pass with real numbers: ``X``, the 0/1 labels ``Y``, ``W[1]``, ``b[1]``
    and the ``Z[1]`` they give, the later weights and biases, and the output ``A[L]``."""
    last = net.spec.num_layers
    narration = (
        "Now check one entry of the formula just derived, with real numbers. "
        "The inputs X are whole numbers, and the labels Y are 0 or 1, as in the course. "
        "Weights and biases have one decimal, so Z[1] = W[1]X + b[1] is easy to check. "
        f"From Z[1], the rest of the forward pass gives the outputs A[{last}]."
    )
    return Step(
        StepId("dZ1", StepKind.FORWARD_NUMBERS),
        Stage.PARTIAL,
        "Real numbers: one forward pass",
        narration,
        lines=forward_lines(net),
        matrices=tuple(number_display(net, data, name) for name in forward_names(net)),
        picked=data.picked,
        numbers=data,
        claims=forward_claims(net, data),
    )


def output_gradient_line(net: Network) -> Parts:
    """``dZ[L] = A[L] − Y``, the output layer's gradient (derived in part two)."""
    last = net.spec.num_layers
    return (
        matrix_label(f"dZ{last}"),
        EQUALS,
        matrix_label(f"A{last}"),
        MINUS,
        matrix_label("Y"),
    )


def numbers_names(net: Network) -> tuple[str, ...]:
    """The matrices of the numbers step, in reading order: ``A[L]``, ``Y`` and the
    ``dZ[L] = A[L] − Y`` they give (``dZ[2]`` after it when ``L > 2``), then the ``W[2]``
    and ``Z[1]`` whose entries the paths multiply."""
    last = net.spec.num_layers
    deeper = ("dZ2",) if last > 2 else ()
    return (f"A{last}", "Y", f"dZ{last}", *deeper, "W2", "Z1")


def numbers_step(net: Network, node: Node, data: NumberData) -> Step:
    """``dZ[L] = A[L] − Y`` with its numbers, then ``∂𝓛/∂z[1]_11`` from ``W[2]``, ``dZ[2]``
    and ``Z[1]``: each path's product, and their sum."""
    i, j = data.picked
    lhs = partial(LOSS.tex, entry("Z1", i, j), "dZ1")
    result = result_text(data.result)
    equation = (
        lhs,
        EQUALS,
        *joined(_value_factors(net, data)),
        APPROX,
        _number("n_result", result, "dZ1"),
    )
    symbolic = (lhs, EQUALS, *joined(_symbol_factors(data)))
    z_value = decimal_text(data.matrix("Z1")[i][j])
    slope = (
        gprime_entry(1, i, j),
        EQUALS,
        TexPart("gprime_at", rf"g^{{[1]\prime}}({z_value})", "gprime1"),
        EQUALS if _exact_slope(net) else APPROX,
        _number("n_slope", result_text(_slope(net, data)), "gprime1"),
    )
    paths = len(data.matrix("dZ2"))
    label = f"z[1]_{i + 1}{j + 1}"
    last = net.spec.num_layers
    opening = (
        "Part two derives dZ[2] = A[2] − Y: here we take it as given. "
        if last == 2
        else f"Part two derives dZ[{last}] = A[{last}] − Y; backprop takes it down to dZ[2]. "
    )
    products = (
        f"Each of the {count_words(paths)} paths multiplies its three factors. "
        if paths > 1
        else "The one path multiplies its three factors. "
    )
    if _exact_slope(net):
        products += (
            f"The slope of {net.activation.title} is exactly "
            f"{_spoken_number(result_text(_slope(net, data)))} here. "
        )
    total = "Adding the products" if paths > 1 else "Its product"
    narration = opening + products + f"{total} gives ∂ℒ/∂{label} ≈ {_spoken_number(result)}."
    return Step(
        StepId("dZ1", StepKind.NUMBERS),
        Stage.PARTIAL,
        "Real numbers: one entry of dZ[1]",
        narration,
        equation=equation,
        lines=(slope, symbolic, output_gradient_line(net)),
        matrices=tuple(number_display(net, data, n) for n in numbers_names(net)),
        picked=data.picked,
        numbers=data,
        claims=(*output_gradient_claims(net, data), *numbers_claims(net, node, data)),
    )


def _spoken_number(text: str) -> str:
    """A number for the narration, with a typographic minus."""
    return text.replace("-", "−")


def nudge_names(net: Network) -> tuple[str, ...]:
    """The matrices the nudge shows: the ``Z[1]`` whose entry it changes, the output ``A[L]``
    and the labels ``Y`` that ``𝓛`` compares, then ``A[L]`` after the nudge (which takes the
    place of ``A[L]`` as the forward pass runs again)."""
    last = net.spec.num_layers
    return (NUDGED_MATRIX, f"A{last}", "Y", nudged_name(last))


def nudged_display(net: Network, data: NumberData) -> MatrixDisplay:
    """``A[L]`` after the nudge, written and coloured like ``A[L]`` (its numbers, at the
    digits of ``A[L]``, are the forward pass from the nudged ``Z[1]``)."""
    last = net.spec.num_layers
    output = number_display(net, data, f"A{last}")
    digits = output_digits(data, last)
    entries = tuple(
        tuple(
            (_number(f"n_A{last}_nudged_{r + 1}{c + 1}", result_text(v, digits), f"A{last}"),)
            for c, v in enumerate(row)
        )
        for r, row in enumerate(data.matrix(nudged_name(last)))
    )
    return dataclasses.replace(output, name=nudged_name(last), entries=entries)


def nudge_step(net: Network, data: NumberData) -> Step:
    """Nudge ``z[1]_11`` by ``ε``: 𝓛, recomputed, changes by about ``ε`` times the value."""
    i, j = data.picked
    epsilon = result_text(data.epsilon)
    z = data.matrix("Z1")[i][j]
    z_line = (
        entry("Z1", i, j),
        EQUALS,
        _number("z_before", decimal_text(z), "Z1"),
        TO,
        _number("z_after", result_text(z + data.epsilon), "Z1"),
    )
    loss_line = (
        LOSS,
        EQUALS,
        _number("loss_before", loss_text(data.loss_before, data.delta), "loss"),
        TO,
        _number("loss_after", loss_text(data.loss_after, data.delta), "loss"),
    )
    delta, predicted = result_text(data.delta), result_text(data.epsilon * data.result)
    equation = (
        TexPart("delta_loss", r"\Delta\mathcal{L}", "loss"),
        EQUALS,
        _number("n_delta", delta, "loss"),
        APPROX,
        _number("n_epsilon", epsilon, "Z1"),
        TIMES,
        _number("n_result", _factor(result_text(data.result)), "dZ1"),
        EQUALS,
        _number("n_predicted", predicted, "dZ1"),
    )
    label = f"z[1]_{i + 1}{j + 1}"
    last = net.spec.num_layers
    narration = (
        f"Now nudge {label} up by {epsilon}. "
        f"Run the forward pass again: A[{last}] changes with it. "
        f"ℒ adds the cross-entropy of each output in A[{last}] against its label in Y. "
        f"ℒ changes by {_spoken_number(delta)}. "
        f"And {epsilon} times {_spoken_number(result_text(data.result))}"
        f" is {_spoken_number(predicted)}: the chain rule predicted it."
    )
    return Step(
        StepId("dZ1", StepKind.NUDGE),
        Stage.PARTIAL,
        "Nudge it and watch ℒ",
        narration,
        equation=equation,
        lines=(z_line, loss_line),
        matrices=(
            *(number_display(net, data, name) for name in nudge_names(net)[:-1]),
            nudged_display(net, data),
        ),
        picked=data.picked,
        numbers=data,
        claims=(*nudge_claims(net, data), *loss_claims(net, data), *nudged_claims(net, data)),
    )


# --------------------------------------------------------------------------- sequences


def numbers_sequence(net: Network, node: Node, seed: int = NUMBERS_SEED) -> tuple[Step, ...]:
    """One forward pass with real numbers, one entry of ``dZ[1]`` from them, and the nudge
    (the transpose-free formula fails once, on shapes or on values, in the shape check and
    the square pitfall, not again here)."""
    data = choose_numbers(net, seed)
    return (
        forward_numbers_step(net, data),
        numbers_step(net, node, data),
        nudge_step(net, data),
    )


__all__ = [
    "EPSILON",
    "NUDGED_INDEX",
    "NUDGED_MATRIX",
    "NUMBERS_SEED",
    "PICKED",
    "SquareInputCheck",
    "choose_numbers",
    "decimal_text",
    "exact",
    "forward_claims",
    "forward_lines",
    "forward_names",
    "loss_claims",
    "nudge_names",
    "nudge_step",
    "nudged_claims",
    "nudged_display",
    "nudged_name",
    "numbers_names",
    "numbers_sequence",
    "output_digits",
    "output_gradient_claims",
    "output_gradient_line",
    "result_text",
    "square_input_check",
]
