"""Real numbers for dz[1]_11, the nudge, the transpose-free value, and the vector chain rule.

The expected values here are computed by the test's own numpy forward and backward passes
(:func:`forward_loss`, :func:`backprop_dz1`), not by the code under test; wrong formulas and
wrong numbers must be caught by the steps' claims.
"""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import ACTIVATIONS, NetworkSpec, NumberData, derive
from derivations.activations import Z, activation
from derivations.claims import check_claim
from derivations.formula import parse
from derivations.network import Network
from derivations.sequence_numbers import (
    EPSILON,
    NUDGED_INDEX,
    choose_numbers,
    forward_claims,
    loss_claims,
    nudge_claims,
    nudge_step,
    nudged_claims,
    nudged_name,
    numbers_claims,
    output_gradient_claims,
    result_text,
    square_input_check,
)
from derivations.sequence_vector import stack_claims
from derivations.steps import Step
from tests.derivation_support import BY_HAND, g_by_hand, g_prime_by_hand
from tests.derivations.test_speech import problems

#: In lecture order: the Jacobian route, then the real numbers (they check one entry last).
MINE = ("jacobian", "elementwise", "stack", "forward_numbers", "numbers", "nudge")
#: The numbers story, in the order it is told: the forward pass, one entry, the nudge.
STORY = ("dZ1.forward_numbers", "dZ1.numbers", "dZ1.nudge")
MAX_CUE = 84


# --------------------------------------------------------------------------- independent maths


def g(name: str, z: np.ndarray) -> np.ndarray:
    """The hidden activations, written again for the test; an activation registered later is
    taken from its textbook definition (which ``test_derivation_activations`` verifies against
    numpy's finite differences), never from another activation."""
    if name in BY_HAND:
        return g_by_hand(name, z)
    return _textbook(activation(name).definition, z)


def g_slope(name: str, z: np.ndarray) -> np.ndarray:
    if name in BY_HAND:
        return g_prime_by_hand(name, z)
    return _textbook(activation(name).derivative, z)


def _textbook(expr: sympy.Expr, z: np.ndarray) -> np.ndarray:
    return np.broadcast_to(sympy.lambdify(Z, expr, modules="numpy")(z), np.shape(z)).astype(float)


def arrays_of(data: NumberData) -> dict[str, np.ndarray]:
    return {name: np.array(values, dtype=float) for name, values in data.matrices}


def forward(
    spec: NetworkSpec, arrays: dict[str, np.ndarray], z1: np.ndarray
) -> tuple[float, dict[str, np.ndarray]]:
    """The summed cross-entropy ℒ from Z[1], and every Z and A on the way."""
    last = spec.num_layers
    values = {"Z1": z1, "A1": g(spec.activation, z1)}
    for layer in range(2, last + 1):
        z = arrays[f"W{layer}"] @ values[f"A{layer - 1}"] + arrays[f"b{layer}"]
        values[f"Z{layer}"] = z
        values[f"A{layer}"] = 1 / (1 + np.exp(-z)) if layer == last else g(spec.activation, z)
    a, y = values[f"A{last}"], arrays["Y"]
    return float(-(y * np.log(a) + (1 - y) * np.log(1 - a)).sum()), values


def backprop_dz1(spec: NetworkSpec, arrays: dict[str, np.ndarray]) -> np.ndarray:
    last = spec.num_layers
    _, values = forward(spec, arrays, arrays["Z1"])
    dz = values[f"A{last}"] - arrays["Y"]
    for layer in range(last - 1, 0, -1):
        dz = (arrays[f"W{layer + 1}"].T @ dz) * g_slope(spec.activation, values[f"Z{layer}"])
    return dz


def my_steps(spec: NetworkSpec, **kwargs) -> list[Step]:
    return [step for step in derive(spec, **kwargs) if step.id.kind.value in MINE]


def failures(steps: list[Step]) -> dict[str, str]:
    found = {}
    for step in steps:
        for claim in step.claims:
            reason = check_claim(claim)
            if reason is not None:
                found[str(step.id)] = f"{claim.description}: {reason}"
                break
    return found


specs = st.builds(
    NetworkSpec,
    layer_dims=st.lists(st.integers(1, 4), min_size=3, max_size=4).map(tuple),
    m=st.integers(1, 3),
    activation=st.sampled_from(ACTIVATIONS),
)


# --------------------------------------------------------------------------- claims hold


@settings(max_examples=12, deadline=None)
@given(specs)
def test_the_new_steps_verify_for_any_network(spec: NetworkSpec) -> None:
    steps = my_steps(spec)
    assert sorted(step.id.kind.value for step in steps) == sorted(MINE)
    ids = [str(step.id) for step in derive(spec).steps]
    start = ids.index(STORY[0])
    assert tuple(ids[start : start + len(STORY)]) == STORY  # told in one go, in this order
    assert failures(steps) == {}


@settings(max_examples=12, deadline=None)
@given(specs, st.integers(0, 10_000))
def test_the_numbers_agree_with_an_independent_forward_pass(spec: NetworkSpec, seed: int) -> None:
    data = choose_numbers(Network(spec), seed)
    arrays = arrays_of(data)
    # weights and biases have one decimal, inputs are whole numbers, labels are 0 or 1
    for name in ["W1", "b1", "W2", "b2", "Z1"]:
        assert np.allclose(arrays[name] * 10, np.round(arrays[name] * 10), atol=1e-9), name
    assert set(np.unique(arrays["X"])) <= {-2.0, -1.0, 1.0, 2.0}
    assert set(np.unique(arrays["Y"])) <= {0.0, 1.0}
    # Z[1] is the forward pass from X, to the tenth it is shown with
    z1 = arrays["W1"] @ arrays["X"] + arrays["b1"]
    assert np.allclose(z1, arrays["Z1"], atol=1e-9)
    # the output A[L] is the test's own forward pass, and dZ[2] is backprop from A[L] - Y
    last = spec.num_layers
    _, values = forward(spec, arrays, arrays["Z1"])
    assert np.allclose(values[f"A{last}"], arrays[f"A{last}"], atol=1e-12)
    dz = values[f"A{last}"] - arrays["Y"]
    for layer in range(last - 1, 1, -1):
        dz = (arrays[f"W{layer + 1}"].T @ dz) * g_slope(spec.activation, values[f"Z{layer}"])
    assert np.allclose(dz, arrays["dZ2"], atol=1e-12)
    truth = backprop_dz1(spec, arrays)[data.picked]
    assert data.result == pytest.approx(truth, rel=1e-9, abs=1e-12)
    # the nudge: the test's own forward pass, and agreement to first order in ε
    epsilon = float(EPSILON)
    nudged = arrays["Z1"].copy()
    nudged[data.picked] += epsilon
    before, after = forward(spec, arrays, arrays["Z1"])[0], forward(spec, arrays, nudged)[0]
    assert data.loss_before == pytest.approx(before, abs=1e-12)
    assert data.loss_after == pytest.approx(after, abs=1e-12)
    h = 1e-6
    up, down = arrays["Z1"].copy(), arrays["Z1"].copy()
    up[data.picked] += h
    down[data.picked] -= h
    slope = (forward(spec, arrays, up)[0] - forward(spec, arrays, down)[0]) / (2 * h)
    assert slope == pytest.approx(data.result, abs=1e-6)
    assert abs((after - before) / epsilon - data.result) <= 5 * epsilon


def test_the_numbers_are_deterministic_and_reach_the_manifest() -> None:
    net = Network(NetworkSpec())
    assert choose_numbers(net, 7) == choose_numbers(net, 7)
    assert choose_numbers(net, 7).matrices != choose_numbers(net, 8).matrices
    data = derive(NetworkSpec(), numbers_seed=11).step("dZ1.numbers").numbers
    assert data is not None
    assert data.seed == 11
    plain = json.loads(json.dumps(data.as_dict()))
    assert plain["seed"] == 11
    assert plain["matrices"]["W2"] == [list(r) for r in data.matrix("W2")]


# --------------------------------------------------------------------------- what is shown


def _numbers_in(parts) -> list[float]:
    return [
        float(m)
        for part in parts
        for m in re.findall(r"-?\d+\.?\d*", part.tex)
        if part.name.startswith("v_")
    ]


@pytest.mark.parametrize(
    ("dims", "m", "activation"),
    [
        ((2, 2, 2), 2, "tanh"),
        ((2, 3, 2), 2, "relu"),
        ((3, 4, 2), 3, "sigmoid"),
        ((2, 3, 2, 2), 2, "leaky_relu"),
    ],
)
def test_the_shown_products_add_up_to_the_shown_value(dims, m: int, activation: str) -> None:
    spec = NetworkSpec(layer_dims=dims, m=m, activation=activation)
    step = derive(spec).step("dZ1.numbers")
    data = step.numbers
    factors = _numbers_in(step.equation)
    paths = spec.size(2)
    assert len(factors) == 3 * paths
    total = sum(np.prod(factors[3 * k : 3 * k + 3]) for k in range(paths))
    shown = float(step.part("n_result").tex)
    # the factors are shown rounded (g' and a computed dZ[2] to 3 significant digits)
    assert total == pytest.approx(data.result, rel=0.02, abs=2e-3)
    assert shown == pytest.approx(data.result, rel=5e-3)
    arrays = arrays_of(data)
    i, j = data.picked
    for k in range(paths):  # the factors are w[2]_ki, dz[2]_kj, g'(z[1]_ij), path by path
        assert factors[3 * k] == pytest.approx(arrays["W2"][k, i])
        assert factors[3 * k + 2] == pytest.approx(
            g_slope(activation, arrays["Z1"][i, j]), rel=5e-3
        )


def test_the_nudge_shows_both_numbers() -> None:
    step = derive(NetworkSpec()).step("dZ1.nudge")
    data = step.numbers
    assert float(step.part("n_delta").tex) == pytest.approx(data.delta, rel=5e-3)
    assert float(step.part("n_predicted").tex) == pytest.approx(0.01 * data.result, rel=5e-3)
    assert float(step.part("n_epsilon").tex) == 0.01


def test_the_transpose_free_value_is_not_shown_twice() -> None:
    """The wrong form fails once in the lecture (the shape check or the square pitfall): the
    numbers steps do not fail it again."""
    ids = [str(step.id) for step in derive(NetworkSpec())]
    assert "dZ1.numbers_no_transpose" not in ids
    assert {"dZ1.candidates", "dZ1.no_transpose"} <= set(ids)


@pytest.mark.parametrize(("dims", "m"), [((2, 2, 2), 2), ((2, 3, 2), 2), ((3, 4, 2, 1), 3)])
def test_narrations_fit_two_subtitle_lines_and_speak(dims, m: int) -> None:
    for step in my_steps(NetworkSpec(layer_dims=dims, m=m)):
        for sentence in re.split(r"(?<=[.!?])\s+", step.narration):
            assert len(sentence) <= MAX_CUE, (str(step.id), sentence)
        assert problems(step.speech) == [], (str(step.id), step.speech)
        assert "the loss L" not in step.narration


# --------------------------------------------------------------------------- mutations


@pytest.mark.parametrize(
    ("dims", "formula", "caught"),
    [
        ((2, 2, 2), "W2 @ dZ2 * gprime(Z1)", {"dZ1.numbers", "dZ1.stack"}),  # square: values
        ((2, 3, 2), "W2 @ dZ2 * gprime(Z1)", {"dZ1.numbers", "dZ1.stack"}),  # no shape
        ((2, 2, 2), "1/m * W2.T @ dZ2 * gprime(Z1)", {"dZ1.numbers", "dZ1.stack"}),
        ((2, 3, 2), "W2.T @ dZ2 @ gprime(Z1)", {"dZ1.numbers", "dZ1.stack"}),
    ],
)
def test_a_wrong_dz1_formula_fails_the_numbers_and_the_stacking(
    dims, formula: str, caught: set[str]
) -> None:
    spec = NetworkSpec(layer_dims=dims, m=2)
    assert failures(my_steps(spec)) == {}
    found = failures(my_steps(spec, formulas={"dZ1": formula}))
    assert caught <= set(found), found


@pytest.mark.parametrize(
    "change",
    [
        {"result": 0.05},
        {"matrices": "W2"},
        {"matrices": "Z1"},
    ],
)
def test_a_wrong_number_is_caught(change: dict) -> None:
    net = Network(NetworkSpec())
    node = parse("W2.T @ dZ2 * gprime(Z1)")
    data = choose_numbers(net)
    assert all(check_claim(c) is None for c in numbers_claims(net, node, data))
    if "result" in change:
        wrong = dataclasses.replace(data, result=data.result + change["result"])
    else:
        name = change["matrices"]
        matrices = tuple(
            (n, ((v[0][0] + 0.1, *v[0][1:]), *v[1:]) if n == name else v) for n, v in data.matrices
        )
        wrong = dataclasses.replace(data, matrices=matrices)
    assert any(check_claim(c) is not None for c in numbers_claims(net, node, wrong))


def test_a_wrong_loss_change_is_caught() -> None:
    net = Network(NetworkSpec())
    data = choose_numbers(net)
    assert all(check_claim(c) is None for c in nudge_claims(net, data))
    wrong = dataclasses.replace(data, loss_after=data.loss_after + 0.0005)
    assert any(check_claim(c) is not None for c in nudge_claims(net, wrong))


def _within_shown_decimals(text: str, truth: float) -> bool:
    """``text`` is ``truth`` rounded to the decimals it shows (trailing zeros dropped)."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text) - truth) <= 0.5 * 10.0**-decimals + 1e-12


@settings(max_examples=10, deadline=None)
@given(specs, st.integers(0, 10_000))
def test_the_nudge_runs_the_forward_pass_again_on_screen(spec: NetworkSpec, seed: int) -> None:
    """A[L] after the nudge, as the nudge step shows it, is the test's own forward pass from
    Z[1] with z[1]_11 + ε; some shown entry changes, and only in the nudged column (a column
    is one example); ℒ after is that A[L]'s cross-entropy against Y."""
    net = Network(spec)
    data = choose_numbers(net, seed)
    step = nudge_step(net, data)
    arrays = arrays_of(data)
    nudged = arrays["Z1"].copy()
    nudged[data.picked] += float(EPSILON)
    loss_after, values = forward(spec, arrays, nudged)
    last = spec.num_layers
    truth = values[f"A{last}"]
    before, after = step.matrix(f"A{last}"), step.matrix(nudged_name(last))
    shown_before = [[e[0].tex for e in row] for row in before.entries]
    shown_after = [[e[0].tex for e in row] for row in after.entries]
    for r, row in enumerate(shown_after):
        for c, text in enumerate(row):
            assert _within_shown_decimals(text, truth[r, c]), (r, c, text, truth[r, c])
            if c != data.picked[1]:
                assert text == shown_before[r][c], (r, c)
    assert shown_after != shown_before, "the nudge changes no entry of A[L] on screen"
    assert after.label == before.label
    assert after.symbol == before.symbol
    loss_line = step.lines[1]
    assert loss_line[-1].name == "loss_after"
    assert _within_shown_decimals(loss_line[-1].tex, loss_after)
    assert all(check_claim(c) is None for c in nudged_claims(net, data))


@pytest.mark.parametrize(
    "change",
    [
        lambda data, last: _changed(
            data, nudged_name(last), data.matrix(nudged_name(last))[0][0] + 0.002
        ),
        lambda data, last: _changed(
            data, nudged_name(last), data.matrix(f"A{last}")[0][0]
        ),  # not run again
        lambda data, last: dataclasses.replace(data, loss_after=data.loss_after + 0.0005),
    ],
    ids=["wrong_output", "output_before", "wrong_loss"],
)
@pytest.mark.parametrize(
    "spec",
    [NetworkSpec(), NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu")],
    ids=["default", "relu"],
)
def test_a_wrong_nudged_output_or_loss_is_caught(spec: NetworkSpec, change) -> None:
    net = Network(spec)
    data = choose_numbers(net)
    assert all(check_claim(c) is None for c in nudged_claims(net, data))
    wrong = change(data, spec.num_layers)
    assert any(check_claim(c) is not None for c in nudged_claims(net, wrong))


def test_the_stacking_claim_rejects_a_wrong_fold() -> None:
    net = Network(NetworkSpec(layer_dims=(2, 2, 2), m=3))
    assert check_claim(stack_claims(net, parse("W2.T @ dZ2 * gprime(Z1)"))[0]) is None
    assert check_claim(stack_claims(net, parse("dZ2.T @ W2 * gprime(Z1)"))[0]) is not None


# --------------------------------------------------------------------------- the forward pass


def _changed(data: NumberData, name: str, new: float) -> NumberData:
    """``data`` with the first entry of matrix ``name`` replaced by ``new``."""
    matrices = tuple((n, ((new, *v[0][1:]), *v[1:]) if n == name else v) for n, v in data.matrices)
    return dataclasses.replace(data, matrices=matrices)


@pytest.mark.parametrize(
    "spec",
    [
        NetworkSpec(),
        NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
        NetworkSpec(layer_dims=(2, 3, 2, 1)),
    ],
    ids=str,
)
@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("Y", lambda v: 0.5),  # a soft label
        ("X", lambda v: v + 1),  # Z[1] no longer W[1] X + b[1]
        ("b1", lambda v: v + 0.1),
        ("Aout", lambda v: v + 0.01),  # an output the forward pass does not give
        ("dZ2", lambda v: v + 0.01),
        ("dZout", lambda v: v + 0.01),  # dZ[L] = A[L] - Y off (dZ[2] itself where L = 2)
        ("loss", lambda v: v + 0.001),
    ],
)
def test_a_wrong_forward_number_is_caught(spec: NetworkSpec, name: str, change) -> None:
    net = Network(spec)
    data = choose_numbers(net)

    def claims(numbers: NumberData):
        return (
            *forward_claims(net, numbers),
            *output_gradient_claims(net, numbers),
            *loss_claims(net, numbers),
        )

    assert all(check_claim(c) is None for c in claims(data))
    last = spec.num_layers
    if name == "loss":
        wrong = dataclasses.replace(data, loss_before=change(data.loss_before))
    else:
        key = {"Aout": f"A{last}", "dZout": f"dZ{last}"}.get(name, name)
        wrong = _changed(data, key, change(data.matrix(key)[0][0]))
    assert any(check_claim(c) is not None for c in claims(wrong))


def test_dz_out_is_a_minus_y_only_for_the_sigmoid_and_cross_entropy() -> None:
    """The claim behind "dZ[L] = A[L] − Y" compares sympy's derivative of the loss with
    ``A[L] − Y``: with the labels flipped after the numbers were drawn (so ``A[L] − Y`` no
    longer belongs to the loss), it fails."""
    net = Network(NetworkSpec())
    data = choose_numbers(net)
    flipped = _changed(data, "Y", 1 - data.matrix("Y")[0][0])
    claim = output_gradient_claims(net, data)[0]
    assert check_claim(claim) is None
    lhs = output_gradient_claims(net, flipped)[0].lhs
    assert check_claim(dataclasses.replace(claim, lhs=lhs)) is not None


@settings(max_examples=8, deadline=None)
@given(specs)
def test_the_numbers_begin_with_the_whole_forward_pass(spec: NetworkSpec) -> None:
    step = derive(spec).step("dZ1.forward_numbers")
    last = spec.num_layers
    names = [display.name for display in step.matrices]
    weights = [f"{p}{layer}" for layer in range(1, last + 1) for p in ("W", "b")]
    assert set(names) == {"X", "Y", "Z1", f"A{last}", *weights}
    assert names[NUDGED_INDEX] == "Z1"
    data = step.numbers
    assert data is not None
    shown = {d.name: [[p[0].tex for p in row] for row in d.entries] for d in step.matrices}
    assert all(t in ("0", "1") for row in shown["Y"] for t in row)
    assert shown["X"] == [[f"{v:.0f}" for v in row] for row in data.matrix("X")]
    # in reading order: the data, then layer 1 giving Z[1], then the layers above, then A[L]
    assert names[:2] == ["X", "Y"]
    assert names[2:5] == ["W1", "b1", "Z1"]
    assert names[-1] == f"A{last}"


#: A matrix named in a narration (``W[1]``, ``dZ[2]``, ``A[3]``, ``X``, ``Y``) as the name of its
#: display (``W1``, ``dZ2``, ``A3``, ``X``, ``Y``).
NAMED = re.compile(r"\b(dZ|[WbZA])\[(\d)\]|\b([XY])\b")


def _named(narration: str) -> set[str]:
    return {m[0] + m[1] if m[0] else m[2] for m in NAMED.findall(narration)}


def _shown_symbols(step: Step) -> set[str]:
    """The matrices a step shows: its matrices and the symbols of its formula lines."""
    names = {d.name for d in step.matrices}
    return names | {p.symbol for line in step.lines for p in line if p.symbol}


@settings(max_examples=8, deadline=None)
@given(specs)
def test_every_matrix_the_numbers_name_is_on_their_screen(spec: NetworkSpec) -> None:
    """The review found "labels 0 or 1" and "dZ[2] = A[2] − Y" said while neither Y nor A[2]
    was shown: every matrix a numbers step names is one it shows."""
    derivation = derive(spec)
    for step_id in STORY:
        step = derivation.step(step_id)
        assert _named(step.narration) <= _shown_symbols(step), (step_id, step.narration)
    forward = derivation.step(STORY[0])
    assert {"X", "Y", "Z1", "W1", "b1"} <= _named(forward.narration)


def test_the_story_opens_on_the_formula_just_derived_and_says_part_two_once() -> None:
    for spec in (NetworkSpec(), NetworkSpec(layer_dims=(2, 3, 2, 1))):
        derivation = derive(spec)
        narrations = [derivation.step(step_id).narration for step_id in STORY]
        first = re.split(r"(?<=[.!?])\s+", narrations[0])[0]
        assert "one entry of the formula just derived" in first
        assert sum(n.lower().count("part two") for n in narrations) == 1
        numbers = derivation.step("dZ1.numbers")
        last = spec.num_layers
        assert f"dZ[{last}] = A[{last}] − Y" in numbers.narration
        assert numbers.lines[2][0].symbol == f"dZ{last}"


@pytest.mark.parametrize(
    ("activation_name", "relation"),
    [("relu", "="), ("leaky_relu", "="), ("tanh", r"\approx"), ("sigmoid", r"\approx")],
)
def test_an_exact_slope_is_written_with_equals(activation_name: str, relation: str) -> None:
    step = derive(NetworkSpec(layer_dims=(3, 4, 2), m=3, activation=activation_name)).step(
        "dZ1.numbers"
    )
    slope_line = step.lines[0]
    assert slope_line[-2].tex == relation
    if relation == "=":
        assert slope_line[-1].tex == "1"  # the picked z[1]_11 is positive
        assert "exactly 1" in step.narration


# --------------------------------------------------------------------------- m = n_x


@settings(max_examples=8, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 3),
    st.sampled_from(ACTIVATIONS),
)
def test_where_m_is_n_x_the_values_tell_what_the_shapes_cannot(
    n_x: int, n1: int, n2: int, name: str
) -> None:
    spec = NetworkSpec(layer_dims=(n_x, n1, n2), m=n_x, activation=name)
    step = derive(spec).step("dW1.fold")
    assert failures([step]) == {}
    if n_x == 1:  # X is 1×1, its own transpose: both forms give the same numbers
        assert len(step.lines) == 1
        return
    assert "the shapes cannot tell" in step.narration
    assert len(step.lines) == 2 + 1
    # the shown values: the test's own numpy backprop at the numbers of the nudge
    data = choose_numbers(Network(spec))
    arrays = arrays_of(data)
    dz1 = backprop_dz1(spec, arrays)
    right, wrong = dz1 @ arrays["X"].T / n_x, dz1 @ arrays["X"] / n_x
    shown = [float(p.tex) for line in step.lines[1:] for p in line if p.name.startswith("n_")]
    k, i = (int(c) - 1 for c in step.lines[1][0].tex.rsplit("_", 1)[1].strip("{}"))
    assert shown == [float(result_text(right[k, i])), float(result_text(wrong[k, i]))]
    assert result_text(right[k, i]) != result_text(wrong[k, i])


def test_where_m_is_not_n_x_the_shapes_tell() -> None:
    step = derive(NetworkSpec(layer_dims=(2, 3, 2), m=3)).step("dW1.fold")
    assert len(step.lines) == 1
    assert "cannot tell" not in step.narration


def test_a_wrong_value_or_a_wrong_dw1_is_caught_where_m_is_n_x() -> None:
    spec = NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu")
    net = Network(spec)
    data = choose_numbers(net)
    check = square_input_check(net, parse("1/m * dZ1 @ X.T"), data)
    assert check is not None
    assert all(check_claim(c) is None for c in check.claims)
    # the wrong form as dW[1]: its values are the wrong form's own, so they do not differ
    wrong = square_input_check(net, parse("1/m * dZ1 @ X"), data)
    assert wrong is not None
    assert any(check_claim(c) is not None for c in wrong.claims)
    # a shown value off by one in its last digit is caught
    shown_claim = check.claims[-1]
    off = shown_claim.lhs + sympy.ImmutableMatrix([[sympy.Rational(1, 1000), 0]])
    assert check_claim(dataclasses.replace(shown_claim, lhs=off)) is not None
    # every X entry moved: the values at the numbers move, the shown ones no longer match
    moved = tuple(
        (n, tuple(tuple(v + 1 for v in row) for row in values) if n == "X" else values)
        for n, values in data.matrices
    )
    again = square_input_check(
        net, parse("1/m * dZ1 @ X.T"), dataclasses.replace(data, matrices=moved)
    )
    assert again is not None
    assert check_claim(dataclasses.replace(shown_claim, rhs=again.claims[-1].rhs)) is not None
