"""Every step of the derivation verifies, for every activation and many network sizes.

The symbolic checks grow quickly with depth, width and ``m``; the strategy below keeps each
example to a couple of seconds (see ``_affordable``), and the explicit cases cover the largest
networks the lecture uses.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import ACTIVATIONS, Derivation, NetworkSpec, Stage, StepId, derive

METHOD = (
    Stage.FORWARD,
    Stage.CONCRETE,
    Stage.EXPAND,
    Stage.PARTIAL,
    Stage.ALL_ENTRIES,
    Stage.FOLD,
    Stage.SHAPES,
)
"""The seven stages of the method, in the order the dZ1 sequence must pass through them."""


def _affordable(spec: NetworkSpec) -> bool:
    """Symbolic cost grows with m times the sizes of every layer after the input."""
    return spec.m * math.prod(spec.layer_dims[1:]) <= 48


@st.composite
def specs(draw: st.DrawFn, activation: str | None = None) -> NetworkSpec:
    """2-layer networks with sizes 1-4 and m 1-4; deeper ones with sizes 1-3 and m 1-3."""
    layers = draw(st.integers(2, 4))
    top = 4 if layers == 2 else 3
    dims = tuple(draw(st.integers(1, top)) for _ in range(layers + 1))
    m = draw(st.integers(1, 4 if layers == 2 else 3))
    chosen = activation or draw(st.sampled_from(ACTIVATIONS))
    return NetworkSpec(layer_dims=dims, m=m, activation=chosen)


def assert_verifies(derivation: Derivation) -> None:
    """``verify`` raises VerificationError naming the step and the reason, or returns self."""
    assert derivation.verify() is derivation


@pytest.mark.parametrize("activation", ACTIVATIONS)
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_every_step_verifies_across_sizes(activation: str, data: st.DataObject) -> None:
    spec = data.draw(specs(activation).filter(_affordable), label="spec")
    assert_verifies(derive(spec))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(
    ("dims", "m"),
    [
        ((4, 4, 3), 4),  # the largest network the lecture shows
        ((1, 1, 1), 1),  # every matrix a scalar: the no-transpose pitfall coincides with the truth
        ((2, 2, 2), 5),  # the most examples
    ],
)
def test_every_step_verifies_on_explicit_networks(activation: str, dims, m: int) -> None:
    assert_verifies(derive(NetworkSpec(layer_dims=dims, m=m, activation=activation)))


@pytest.mark.parametrize(
    ("dims", "m", "activation"),
    [
        ((3, 4, 2), 3, "relu"),  # W2 @ dZ2 has no shape: the pitfall is a shape error
        ((2, 3, 3, 2, 1), 2, "leaky_relu"),  # four layers: hidden folds and the recursion
        ((3, 3, 3, 3), 2, "tanh"),
        # relu's g' is 0 wherever z < 0: at a random point with all of Z1 negative the no-transpose
        # pitfall and the truth agree numerically, yet they differ as formulas.
        ((1, 3, 3), 1, "relu"),
    ],
)
def test_every_step_verifies_on_larger_networks(dims, m: int, activation: str) -> None:
    assert_verifies(derive(NetworkSpec(layer_dims=dims, m=m, activation=activation)))


def test_derive_without_a_spec_uses_the_default_network() -> None:
    assert derive().spec == NetworkSpec()


# --------------------------------------------------------------------------- structure

_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z]|\s*$)")


def sentences(text: str) -> int:
    """Sentences end with . ! or ? before a capital letter or the end ("0.01", "e.g" do not)."""
    return len(_SENTENCE_END.findall(text.strip()))


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("One.", 1),
        ("One, with 0.01 in it. Two!", 2),
        ("Is it? Yes. No.", 3),
        ("", 0),
        ("The slope is 1/m here: dZ[2] is A minus Y.", 1),
    ],
)
def test_sentence_counter(text: str, count: int) -> None:
    assert sentences(text) == count


def _method_stages_in_order(stages: list[Stage]) -> bool:
    remaining = iter(stages)
    return all(any(stage == wanted for stage in remaining) for wanted in METHOD)


def test_method_order_check_rejects_a_shuffled_sequence() -> None:
    assert _method_stages_in_order(list(METHOD))
    assert not _method_stages_in_order([METHOD[1], METHOD[0], *METHOD[2:]])
    assert not _method_stages_in_order(list(METHOD[:-1]))


@settings(max_examples=25, deadline=None)
@given(specs())
def test_step_structure(spec: NetworkSpec) -> None:
    derivation = derive(spec)
    ids = [step.id for step in derivation]
    assert len(ids) == len(set(ids)), f"duplicate step ids: {ids}"
    assert len(derivation) == len(derivation.steps) > 0

    dz1 = derivation.steps_for("dZ1")
    assert dz1[0].id == "dZ1.forward"
    assert _method_stages_in_order([step.stage for step in dz1]), [s.stage.value for s in dz1]
    for stage in METHOD:
        assert any(step.stage is stage for step in dz1)

    for step in derivation:
        assert isinstance(step.stage, Stage)
        assert str(step.id) == f"{step.target}.{step.id.kind.value}", step.id
        assert StepId.parse(str(step.id)) == step.id, step.id
        assert step.title.strip(), step.id
        assert step.narration.strip(), step.id
        # Issue 12: short sentences, one cue each, rather than one or two long ones.
        assert 1 <= sentences(step.narration) <= 5, (step.id, step.narration)
        assert len(step.claims) >= 1, step.id
        assert all(claim.description.strip() for claim in step.claims), step.id

    # Every gradient is derived and folded; the folds are the formulas on Ng's slide.
    for layer in spec.layers:
        for name in (f"dZ{layer}", f"dW{layer}", f"db{layer}"):
            assert derivation.step(f"{name}.fold").stage is Stage.FOLD
    last = spec.num_layers
    assert derivation.formula_text(f"dZ{last}") == f"A{last} - Y"
    assert derivation.formula_text("dZ1") == "W2.T @ dZ2 * gprime(Z1)"
    assert derivation.formula_text("dW1") == "1/m * dZ1 @ X.T"
    assert derivation.formula_text(f"db{last}") == f"1/m * sum(dZ{last}, axis=1)"
    assert (last > 2) == any(step.stage is Stage.GENERAL for step in derivation)


def test_step_lookup_names_the_known_steps() -> None:
    derivation = derive(NetworkSpec())
    assert derivation.step("dZ1.fold").target == "dZ1"
    with pytest.raises(KeyError, match=r"dZ1\.fold"):
        derivation.step("dZ1.nonsense")
