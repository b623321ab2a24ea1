"""``Derivation.evaluate`` against oracles that share no code with the engine.

* Central finite differences of a forward pass written here in numpy: of the cost ``J`` with
  respect to every entry of every ``W`` and ``b``, and of the summed loss ``𝓛`` with respect to
  every entry of every ``Z`` (perturb ``Z[l]`` and run the network on from there).
* The formulas of Ng's slide, computed here by hand.
* The convention — ``dZ`` is for the sum of the losses, ``dW`` and ``db`` for their average — as
  its own test: per example, and under duplicating the batch.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from derivations import ACTIVATIONS, Derivation, NetworkSpec, derive
from tests.derivation_support import g_by_hand, g_prime_by_hand

STEP = 1e-6
RTOL, ATOL = 1e-5, 1e-7


# --------------------------------------------------------------------------- the oracle network


def activate(spec: NetworkSpec, layer: int, z: np.ndarray) -> np.ndarray:
    if layer == spec.num_layers:
        return 1 / (1 + np.exp(-z))
    return g_by_hand(spec.activation, z)


def summed_loss(z: np.ndarray, y: np.ndarray) -> float:
    """𝓛: binary cross-entropy of ``a = σ(z)``, added over every output and every example.

    Written from the logits, ``-[y log σ(z) + (1 - y) log(1 - σ(z))] = log(1 + eᶻ) - y z``: the
    textbook form loses every digit once σ saturates (``1 - a`` of 1e-8 and a finite-difference
    step of 1e-6 leave only rounding noise), and the oracle must be more exact than the engine."""
    return float(np.sum(np.logaddexp(0.0, z) - y * z))


def forward(
    spec: NetworkSpec, p: dict[str, np.ndarray], start: int = 0, z_start: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Z = W A + b and A = g(Z) layer by layer; from ``Z[start]`` if it is given."""
    values = {"A0": p["X"]}
    first = 1
    if z_start is not None:
        values[f"Z{start}"] = z_start
        values[f"A{start}"] = activate(spec, start, z_start)
        first = start + 1
    for layer in range(first, spec.num_layers + 1):
        values[f"Z{layer}"] = p[f"W{layer}"] @ values[f"A{layer - 1}"] + p[f"b{layer}"]
        values[f"A{layer}"] = activate(spec, layer, values[f"Z{layer}"])
    return values


def cost(spec: NetworkSpec, p: dict[str, np.ndarray]) -> float:
    """J = 𝓛 / m."""
    return summed_loss(forward(spec, p)[f"Z{spec.num_layers}"], p["Y"]) / spec.m


def loss_from(spec: NetworkSpec, p: dict[str, np.ndarray], layer: int, z: np.ndarray) -> float:
    return summed_loss(forward(spec, p, layer, z)[f"Z{spec.num_layers}"], p["Y"])


def central_difference(function, array: np.ndarray) -> np.ndarray:
    """∂ function / ∂ array, entry by entry (``function`` reads ``array`` in place)."""
    gradient = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        keep = array[index]
        array[index] = keep + STEP
        up = function()
        array[index] = keep - STEP
        down = function()
        array[index] = keep
        gradient[index] = (up - down) / (2 * STEP)
    return gradient


def network(spec: NetworkSpec, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = spec.layer_dims
    p = {
        "X": rng.normal(size=(n[0], spec.m)),
        "Y": rng.integers(0, 2, size=(n[-1], spec.m)).astype(float),
    }
    for layer in spec.layers:
        p[f"W{layer}"] = rng.normal(scale=0.9, size=(n[layer], n[layer - 1]))
        p[f"b{layer}"] = rng.normal(scale=0.5, size=(n[layer], 1))
    return p


def away_from_kinks(spec: NetworkSpec, p: dict[str, np.ndarray]) -> bool:
    """Finite differences across relu's kink at 0 mean nothing; such draws are skipped."""
    if spec.activation not in ("relu", "leaky_relu"):
        return True
    values = forward(spec, p)
    return all(np.min(np.abs(values[f"Z{layer}"])) > 1e-3 for layer in spec.layers)


# --------------------------------------------------------------------------- strategies


@cache
def derived(spec: NetworkSpec) -> Derivation:
    return derive(spec)


def _pool(count: int = 16, seed: int = 2024) -> list[NetworkSpec]:
    """Networks across the whole range NetworkSpec allows (2-4 layers, sizes 1-4, m 1-5, every
    activation), plus the corners. Building a derivation costs up to a second, so the specs come
    from this fixed pool (each derived once) and hypothesis varies the networks' values."""
    rng = np.random.default_rng(seed)
    pool = [
        NetworkSpec(),
        NetworkSpec((1, 1, 1), 1, "relu"),
        NetworkSpec((4, 4, 4), 5, "sigmoid"),
        NetworkSpec((4, 4, 4, 4), 1, "leaky_relu"),
        NetworkSpec((1, 4, 1, 4, 1), 5, "tanh"),
    ]
    while len(pool) < count + 5:
        layers = int(rng.integers(2, 5))
        dims = tuple(int(n) for n in rng.integers(1, 5, size=layers + 1))
        m = int(rng.integers(1, 6))
        if m * math.prod(dims[1:]) <= 100:
            pool.append(NetworkSpec(dims, m, ACTIVATIONS[len(pool) % len(ACTIVATIONS)]))
    return pool


POOL = _pool()
SPECS = st.sampled_from(POOL)
SEEDS = st.integers(0, 2**32 - 1)


# --------------------------------------------------------------------------- finite differences


def assert_cost_gradients(
    spec: NetworkSpec, p: dict[str, np.ndarray], grads: dict[str, np.ndarray]
) -> None:
    for layer in spec.layers:
        for name in (f"W{layer}", f"b{layer}"):
            expected = central_difference(lambda: cost(spec, p), p[name])
            assert_like_differences(spec, grads, f"d{name}", expected)


def assert_loss_gradients(
    spec: NetworkSpec, p: dict[str, np.ndarray], grads: dict[str, np.ndarray]
) -> None:
    values = forward(spec, p)
    for layer in spec.layers:
        z = values[f"Z{layer}"].copy()
        expected = central_difference(lambda layer=layer, z=z: loss_from(spec, p, layer, z), z)
        assert_like_differences(spec, grads, f"dZ{layer}", expected)


def assert_like_differences(
    spec: NetworkSpec, grads: dict[str, np.ndarray], gradient: str, expected: np.ndarray
) -> None:
    """``grads[gradient]`` agrees with its finite differences ``expected`` (``RTOL``, ``ATOL``)."""
    np.testing.assert_allclose(
        grads[gradient], expected, rtol=RTOL, atol=ATOL, err_msg=f"{gradient} on {spec.describe()}"
    )


@settings(max_examples=40, deadline=None)
@given(SPECS, SEEDS)
def test_dw_and_db_are_the_gradient_of_the_cost(spec: NetworkSpec, seed: int) -> None:
    p = network(spec, seed)
    assume(away_from_kinks(spec, p))
    assert_cost_gradients(spec, p, derived(spec).evaluate(**p))


@settings(max_examples=40, deadline=None)
@given(SPECS, SEEDS)
@example(NetworkSpec((2, 4, 2), 3, "leaky_relu"), 108)  # σ saturates: Z[2] reaches 16.6
def test_dz_is_the_gradient_of_the_summed_loss(spec: NetworkSpec, seed: int) -> None:
    p = network(spec, seed)
    assume(away_from_kinks(spec, p))
    assert_loss_gradients(spec, p, derived(spec).evaluate(**p))


@pytest.mark.parametrize(
    ("check", "target", "text"),
    [
        (assert_loss_gradients, "dZ1", "W2 @ dZ2 * gprime(Z1)"),
        (assert_loss_gradients, "dZ2", "1/m * (A2 - Y)"),
        (assert_cost_gradients, "dW1", "dZ1 @ X.T"),
        (assert_cost_gradients, "dW2", "1/m * A1 @ dZ2.T"),
        (assert_cost_gradients, "db2", "1/m * sum(1/m * dZ2, axis=1)"),
    ],
)
def test_the_finite_difference_oracle_rejects_wrong_formulas(check, target, text) -> None:
    spec = NetworkSpec(layer_dims=(2, 2, 2), m=3, activation="tanh")
    p = network(spec, 11)
    check(spec, p, derived(spec).evaluate(**p))  # the control passes
    with pytest.raises(AssertionError, match=target[:2]):
        check(spec, p, derive(spec, formulas={target: text}).evaluate(**p))


def test_the_oracle_can_tell_the_cost_from_the_summed_loss() -> None:
    """The finite-difference oracle itself distinguishes 𝓛 from J: with m = 3 they differ by 3."""
    spec = NetworkSpec(layer_dims=(2, 3, 1), m=3)
    p = network(spec, 0)
    values = forward(spec, p)
    assert cost(spec, p) * 3 == pytest.approx(summed_loss(values["Z2"], p["Y"]))
    assert loss_from(spec, p, 1, values["Z1"]) == pytest.approx(cost(spec, p) * 3)


@given(st.lists(st.floats(-8, 8), min_size=1, max_size=6), st.data())
def test_the_oracle_loss_is_binary_cross_entropy(logits: list[float], data) -> None:
    """Where the textbook form is still exact (|z| ≤ 8), the logit form agrees with it."""
    z = np.array(logits)
    y = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=z.size, max_size=z.size)))
    a = 1 / (1 + np.exp(-z))
    textbook = -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert summed_loss(z, y) == pytest.approx(textbook, rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------- Ng's slide by hand


def ng_reference(spec: NetworkSpec, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """dZ[L] = A[L] − Y; dW[l] = dZ[l] A[l−1]ᵀ / m; db[l] = Σ_columns dZ[l] / m;
    dZ[l] = W[l+1]ᵀ dZ[l+1] ∗ g′(Z[l])."""
    values, m, last = forward(spec, p), spec.m, spec.num_layers
    grads = {f"dZ{last}": values[f"A{last}"] - p["Y"]}
    for layer in range(last, 0, -1):
        dz = grads[f"dZ{layer}"]
        grads[f"dW{layer}"] = dz @ values[f"A{layer - 1}"].T / m
        grads[f"db{layer}"] = np.sum(dz, axis=1, keepdims=True) / m
        if layer > 1:
            grads[f"dZ{layer - 1}"] = (p[f"W{layer}"].T @ dz) * g_prime_by_hand(
                spec.activation, values[f"Z{layer - 1}"]
            )
    return grads


@settings(max_examples=40, deadline=None)
@given(SPECS, SEEDS)
def test_evaluate_matches_the_formulas_of_the_course(spec: NetworkSpec, seed: int) -> None:
    p = network(spec, seed)
    grads, reference = derived(spec).evaluate(**p), ng_reference(spec, p)
    assert set(grads) == set(reference)
    for name in reference:
        np.testing.assert_allclose(
            grads[name],
            reference[name],
            rtol=1e-10,
            atol=1e-12,
            err_msg=f"{name} on {spec.describe()}, seed {seed}",
        )


# --------------------------------------------------------------------------- the convention


@settings(max_examples=25, deadline=None)
@given(SPECS, SEEDS)
def test_gradients_have_the_shape_of_their_variables(spec: NetworkSpec, seed: int) -> None:
    p = network(spec, seed)
    grads = derived(spec).evaluate(**p)
    expected = {f"{kind}{layer}" for layer in spec.layers for kind in ("dZ", "dW", "db")}
    assert set(grads) == expected
    values = forward(spec, p)
    for layer in spec.layers:
        assert grads[f"dW{layer}"].shape == p[f"W{layer}"].shape
        assert grads[f"db{layer}"].shape == p[f"b{layer}"].shape == (spec.size(layer), 1)
        assert grads[f"dZ{layer}"].shape == values[f"Z{layer}"].shape == (spec.size(layer), spec.m)
        for name in ("dW", "db", "dZ"):
            assert grads[f"{name}{layer}"].dtype == np.float64


def _columns(p: dict[str, np.ndarray], keep: list[int]) -> dict[str, np.ndarray]:
    return {name: (value[:, keep] if name in ("X", "Y") else value) for name, value in p.items()}


@st.composite
def batched(draw: st.DrawFn) -> tuple[NetworkSpec, int]:
    """A network with 2 or more examples, and a seed."""
    spec = draw(SPECS.filter(lambda s: s.m >= 2))
    return spec, draw(SEEDS)


def assert_per_example_and_averages(
    spec: NetworkSpec, p: dict[str, np.ndarray], build=derived
) -> None:
    """Each column of dZ is that example's own gradient (no 1/m: the loss is a sum); dW and db
    are the mean of the one-example gradients (1/m: the cost is an average)."""
    whole = build(spec).evaluate(**p)
    single = NetworkSpec(layer_dims=spec.layer_dims, m=1, activation=spec.activation)
    alone = [build(single).evaluate(**_columns(p, [j])) for j in range(spec.m)]
    for layer in spec.layers:
        for j in range(spec.m):
            np.testing.assert_allclose(
                whole[f"dZ{layer}"][:, [j]],
                alone[j][f"dZ{layer}"],
                rtol=1e-12,
                atol=1e-14,
                err_msg=f"dZ{layer}[:, {j}]",
            )
        for name in (f"dW{layer}", f"db{layer}"):
            mean = sum(one[name] for one in alone) / spec.m
            np.testing.assert_allclose(whole[name], mean, rtol=1e-10, atol=1e-14, err_msg=name)


def assert_duplicating_changes_nothing(
    spec: NetworkSpec, p: dict[str, np.ndarray], build=derived
) -> None:
    """Every example twice: dZ's columns are repeated unchanged, dW and db do not move."""
    twice = NetworkSpec(layer_dims=spec.layer_dims, m=2 * spec.m, activation=spec.activation)
    doubled = {
        name: (np.hstack([value, value]) if name in ("X", "Y") else value)
        for name, value in p.items()
    }
    once, both = build(spec).evaluate(**p), build(twice).evaluate(**doubled)
    for layer in spec.layers:
        dz = once[f"dZ{layer}"]
        np.testing.assert_allclose(
            both[f"dZ{layer}"], np.hstack([dz, dz]), rtol=1e-12, atol=1e-14, err_msg=f"dZ{layer}"
        )
        for name in (f"dW{layer}", f"db{layer}"):
            np.testing.assert_allclose(both[name], once[name], rtol=1e-10, atol=1e-14, err_msg=name)


@settings(max_examples=15, deadline=None)
@given(batched())
def test_dz_is_per_example_and_dw_db_are_averages(drawn: tuple[NetworkSpec, int]) -> None:
    spec, seed = drawn
    assert_per_example_and_averages(spec, network(spec, seed))


@settings(max_examples=15, deadline=None)
@given(SPECS.filter(lambda s: s.m <= 2), SEEDS)
def test_duplicating_the_batch_keeps_dz_columns_and_the_averages(
    spec: NetworkSpec, seed: int
) -> None:
    assert_duplicating_changes_nothing(spec, network(spec, seed))


MOVED_SCALE = {
    "1/m in dZL": lambda L: {f"dZ{L}": f"1/m * (A{L} - Y)"},
    "1/m in a hidden dZ": lambda L: {"dZ1": "1/m * W2.T @ dZ2 * gprime(Z1)"},
    "no 1/m in dW": lambda L: {f"dW{L}": f"dZ{L} @ A{L - 1}.T"},
    "no 1/m in db": lambda L: {"db1": "sum(dZ1, axis=1)"},
}


@pytest.mark.parametrize("moved", MOVED_SCALE)
@pytest.mark.parametrize(
    "check", [assert_per_example_and_averages, assert_duplicating_changes_nothing]
)
def test_the_convention_checks_fail_if_the_scale_moves(moved: str, check) -> None:
    """The controls for the two tests above: derivations with the 1/m moved fail them."""
    spec = NetworkSpec(layer_dims=(2, 3, 2), m=2, activation="sigmoid")
    change = MOVED_SCALE[moved](spec.num_layers)
    check(spec, network(spec, 5))  # the real derivation passes

    @cache
    def moved_build(s: NetworkSpec) -> Derivation:
        return derive(s, formulas=change)

    with pytest.raises(AssertionError):
        check(spec, network(spec, 5), moved_build)


def test_the_convention_on_one_explicit_network() -> None:
    """2-2-1, m = 2: dZ2 = A2 − Y exactly, and dW2 is half of dZ2 A1ᵀ."""
    spec = NetworkSpec(layer_dims=(2, 2, 1), m=2, activation="tanh")
    p = network(spec, 3)
    values = forward(spec, p)
    grads = derived(spec).evaluate(**p)
    np.testing.assert_allclose(grads["dZ2"], values["A2"] - p["Y"], rtol=1e-14)
    np.testing.assert_allclose(grads["dW2"], 0.5 * grads["dZ2"] @ values["A1"].T, rtol=1e-12)
    np.testing.assert_allclose(
        grads["db2"], 0.5 * grads["dZ2"].sum(axis=1, keepdims=True), rtol=1e-12
    )


# --------------------------------------------------------------------------- inputs


def test_evaluate_rejects_missing_extra_and_misshapen_arrays() -> None:
    spec = NetworkSpec()
    p = network(spec, 0)
    d = derived(spec)
    with pytest.raises(ValueError, match="missing b2"):
        d.evaluate(**{k: v for k, v in p.items() if k != "b2"})
    with pytest.raises(ValueError, match="unexpected W3"):
        d.evaluate(**p, W3=np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"W1 has shape \(2, 3\)"):
        d.evaluate(**{**p, "W1": np.zeros((2, 3))})


def test_evaluate_accepts_lists_and_does_not_modify_its_inputs() -> None:
    spec = NetworkSpec()
    p = network(spec, 1)
    kept = {name: value.copy() for name, value in p.items()}
    as_lists = derived(spec).evaluate(**{name: value.tolist() for name, value in p.items()})
    as_arrays = derived(spec).evaluate(**p)
    for name in as_arrays:
        np.testing.assert_array_equal(as_lists[name], as_arrays[name])
    for name in p:
        np.testing.assert_array_equal(p[name], kept[name])
