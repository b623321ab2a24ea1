"""Wrong steps are rejected: mutated formulas fail at their fold step, corrupted claims at theirs.

A mutation is a mistake learners make (no transpose, factors swapped, ``@`` for ``∗``, the
``1/m`` in the wrong place, the wrong transpose in ``dW``, ``db`` without the sum). On degenerate
networks some mistakes coincide with the truth — with one unit in each layer ``W`` is its own
transpose, with one example ``1/m`` is 1 — and then the derivation must still verify: the checks
reject what is wrong, not what merely looks unusual. :func:`coincides` says when, worked out by
hand from the shapes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import NamedTuple

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import Derivation, NetworkSpec, Step, VerificationError, derive
from derivations.claims import DerivativeClaim, DifferenceClaim, EqualityClaim, ShapeClaim
from derivations.formula import parse, to_text
from tests.derivation_support import network_specs


class Mutation(NamedTuple):
    name: str
    kind: str  # "dZ" (hidden), "dZL" (output), "dW" or "db"
    template: str  # the formula, with {l} the layer, {next} = l + 1, {prev} its input, {L} the last
    coincides: Callable[[NetworkSpec, int], bool]  # (spec, layer) -> equals the truth?

    def text(self, layer: int, last: int) -> str:
        """The mutated formula for ``layer`` of a network with ``last`` layers."""
        return self.template.format(l=layer, next=layer + 1, prev=_prev(layer), L=last)


def _prev(layer: int) -> str:
    return "X" if layer == 1 else f"A{layer - 1}"


def _n(spec: NetworkSpec, layer: int) -> int:
    return spec.size(layer)


def _one_example(spec: NetworkSpec, layer: int) -> bool:
    """A mistake in the 1/m only: with one example it changes nothing."""
    return spec.m == 1


MUTATIONS = [
    # dZ[l] = W[l+1]ᵀ dZ[l+1] ∗ g'(Z[l])
    Mutation(
        "no transpose",
        "dZ",
        "W{next} @ dZ{next} * gprime(Z{l})",
        lambda s, l: _n(s, l) == _n(s, l + 1) == 1,
    ),
    Mutation(
        "order swapped",
        "dZ",
        "dZ{next}.T @ W{next} * gprime(Z{l})",
        lambda s, l: _n(s, l) == s.m == 1,
    ),
    Mutation(
        "@ for *", "dZ", "W{next}.T @ dZ{next} @ gprime(Z{l})", lambda s, l: _n(s, l) == s.m == 1
    ),
    Mutation("1/m in dZ", "dZ", "1/m * W{next}.T @ dZ{next} * gprime(Z{l})", _one_example),
    # dZ[L] = A[L] − Y
    Mutation("1/m in dZL", "dZL", "1/m * (A{L} - Y)", _one_example),
    Mutation("sign flipped", "dZL", "Y - A{L}", lambda s, l: False),
    # dW[l] = (1/m) dZ[l] A[l-1]ᵀ
    Mutation("dW without 1/m", "dW", "dZ{l} @ {prev}.T", _one_example),
    Mutation("dW with 1/m twice", "dW", "1/m * (1/m * dZ{l} @ {prev}.T)", _one_example),
    Mutation(
        "dW wrong transpose",
        "dW",
        "1/m * {prev} @ dZ{l}.T",
        lambda s, l: _n(s, l) == _n(s, l - 1) == 1,
    ),
    Mutation(
        "dW no transpose", "dW", "1/m * dZ{l} @ {prev}", lambda s, l: _n(s, l - 1) == s.m == 1
    ),
    # db[l] = (1/m) Σ_columns dZ[l]
    Mutation("db without the sum", "db", "1/m * dZ{l}", _one_example),
    Mutation("db without 1/m", "db", "sum(dZ{l}, axis=1)", _one_example),
    Mutation("db with 1/m twice", "db", "1/m * sum(1/m * dZ{l}, axis=1)", _one_example),
]


def targets(spec: NetworkSpec, mutation: Mutation) -> list[tuple[str, int]]:
    """The gradients ``mutation`` applies to in ``spec``, with their layer."""
    last = spec.num_layers
    if mutation.kind == "dZ":
        return [(f"dZ{layer}", layer) for layer in range(1, last)]
    if mutation.kind == "dZL":
        return [(f"dZ{last}", last)]
    return [(f"{mutation.kind}{layer}", layer) for layer in spec.layers]


def mutate(spec: NetworkSpec, mutation: Mutation, target: str, layer: int) -> Derivation:
    return derive(spec, formulas={target: mutation.text(layer, spec.num_layers)})


# --------------------------------------------------------------------------- explicit cases


def _by_name(name: str) -> Mutation:
    return next(mutation for mutation in MUTATIONS if mutation.name == name)


# On the default 2-2-2 network with m = 2 the shapes of almost every mistake agree, so only the
# values can reject them; on 3-4-2 with m = 3 the shapes reject the transposition mistakes.
EXPLICIT = [
    ((2, 2, 2), 2, "no transpose", "dZ1", "value"),
    ((2, 2, 2), 2, "order swapped", "dZ1", "value"),
    ((2, 2, 2), 2, "@ for *", "dZ1", "value"),
    ((2, 2, 2), 2, "1/m in dZ", "dZ1", "value"),
    ((2, 2, 2), 2, "1/m in dZL", "dZ2", "value"),
    ((2, 2, 2), 2, "sign flipped", "dZ2", "value"),
    ((2, 2, 2), 2, "dW without 1/m", "dW2", "value"),
    ((2, 2, 2), 2, "dW without 1/m", "dW1", "value"),
    ((2, 2, 2), 2, "dW with 1/m twice", "dW1", "value"),
    ((2, 2, 2), 2, "dW wrong transpose", "dW2", "value"),
    ((2, 2, 2), 2, "dW wrong transpose", "dW1", "value"),
    ((2, 2, 2), 2, "db without the sum", "db2", "shape"),
    ((2, 2, 2), 2, "db without 1/m", "db1", "value"),
    ((2, 2, 2), 2, "db with 1/m twice", "db2", "value"),
    ((3, 4, 2), 3, "no transpose", "dZ1", "shape"),
    ((3, 4, 2), 3, "order swapped", "dZ1", "shape"),
    ((3, 4, 2), 3, "@ for *", "dZ1", "shape"),
    ((3, 4, 2), 3, "1/m in dZ", "dZ1", "value"),
    ((3, 4, 2), 3, "dW wrong transpose", "dW2", "shape"),
    ((3, 4, 2), 3, "dW wrong transpose", "dW1", "shape"),
    ((3, 4, 2), 3, "dW no transpose", "dW1", "value"),  # X is 3×3 and m = 3: shapes agree
    ((3, 4, 2), 3, "db without the sum", "db1", "shape"),
    ((3, 4, 2), 3, "dW with 1/m twice", "dW2", "value"),
]


@pytest.mark.parametrize(
    ("dims", "m", "name", "target", "kind"),
    EXPLICIT,
    ids=[f"{'-'.join(map(str, d))}-m{m}-{t}-{n}" for d, m, n, t, _ in EXPLICIT],
)
def test_mutation_fails_at_its_fold_step(dims, m: int, name: str, target: str, kind: str) -> None:
    spec = NetworkSpec(layer_dims=dims, m=m, activation="relu" if dims == (3, 4, 2) else "tanh")
    mutation = _by_name(name)
    layer = int(target[2:])
    assert not mutation.coincides(spec, layer)
    text = to_text(parse(mutation.text(layer, spec.num_layers)))
    with pytest.raises(VerificationError) as caught:
        mutate(spec, mutation, target, layer).verify()
    error = caught.value
    assert error.step_id == f"{target}.fold", str(error)
    assert text in error.claim, str(error)
    assert error.reason.strip()
    if kind == "shape":
        assert "has the shape of its variable" in error.claim, str(error)
        assert "×" in error.reason, str(error)
    else:
        assert "is the derivative of" in error.claim, str(error)
        assert "entry (" in error.reason, str(error)
        what = "the summed loss" if target.startswith("dZ") else "the cost J"
        assert what in error.claim, str(error)


def test_the_unmutated_derivation_verifies() -> None:
    """The control for the tests above: the same networks without a mutation verify."""
    for dims, m, activation in (((2, 2, 2), 2, "tanh"), ((3, 4, 2), 3, "relu")):
        spec = NetworkSpec(layer_dims=dims, m=m, activation=activation)
        assert derive(spec).verify() is not None
        assert derive(spec, formulas={"dZ1": "W2.T @ dZ2 * gprime(Z1)"}).verify() is not None


def test_a_mutation_changes_only_its_own_formula() -> None:
    spec = NetworkSpec()
    plain, mutated = derive(spec), derive(spec, formulas={"dZ1": "W2 @ dZ2 * gprime(Z1)"})
    assert mutated.formula_text("dZ1") == "W2 @ dZ2 * gprime(Z1)"
    for name in plain.formulas:
        if name != "dZ1":
            assert mutated.formula_text(name) == plain.formula_text(name)
    before = [step.id for step in mutated].index("dZ1.fold")
    for report in list(mutated.check())[:before]:
        assert report.failure is None, report


def test_unknown_mutation_targets_are_rejected() -> None:
    with pytest.raises(ValueError, match="dZ3"):
        derive(NetworkSpec(), formulas={"dZ3": "A2 - Y"})


# --------------------------------------------------------------------------- property


def _small(spec: NetworkSpec) -> bool:
    return spec.m * math.prod(spec.layer_dims[1:]) <= 27


@st.composite
def mutated_specs(draw: st.DrawFn) -> tuple[NetworkSpec, Mutation, str, int]:
    spec = draw(network_specs(3))
    mutation = draw(st.sampled_from(MUTATIONS))
    target, layer = draw(st.sampled_from(targets(spec, mutation)))
    return spec, mutation, target, layer


@settings(max_examples=25, deadline=None)
@given(mutated_specs().filter(lambda drawn: _small(drawn[0])))
def test_mutations_are_rejected_unless_they_coincide_with_the_truth(drawn) -> None:
    spec, mutation, target, layer = drawn
    derivation = mutate(spec, mutation, target, layer)
    if mutation.coincides(spec, layer):
        assert derivation.verify() is derivation
        return
    with pytest.raises(VerificationError) as caught:
        derivation.verify()
    assert caught.value.step_id == f"{target}.fold", str(caught.value)


@pytest.mark.parametrize(
    ("dims", "m", "target", "text"),
    [
        ((1, 1, 1), 1, "dZ1", "W2 @ dZ2 * gprime(Z1)"),
        ((2, 1, 3), 1, "dZ1", "dZ2.T @ W2 * gprime(Z1)"),
        ((2, 1, 1, 2), 1, "dZ2", "W3.T @ dZ3 @ gprime(Z2)"),
        ((1, 1, 2), 1, "dW1", "1/m * X @ dZ1.T"),
        ((1, 2, 2), 1, "dW1", "1/m * dZ1 @ X"),
        ((3, 2, 2), 1, "db2", "sum(dZ2, axis=1)"),
    ],
)
def test_coinciding_mistakes_verify(dims, m: int, target: str, text: str) -> None:
    """Controls for :func:`coincides`: these 'mistakes' equal the truth on these networks."""
    derive(NetworkSpec(layer_dims=dims, m=m), formulas={target: text}).verify()


# --------------------------------------------------------------------------- corrupted claims

_OFF = sympy.Rational(1, 1000)


def corrupt(claim: object, row: int, col: int) -> object:
    """The same claim stating something false (a small change to one entry)."""
    if isinstance(claim, DerivativeClaim):
        r, c = row % claim.value.rows, col % claim.value.cols
        wrong = claim.value.as_mutable()
        wrong[r, c] = wrong[r, c] + _OFF
        return dataclasses.replace(claim, value=sympy.ImmutableMatrix(wrong))
    if isinstance(claim, EqualityClaim):
        r, c = row % claim.rhs.rows, col % claim.rhs.cols
        wrong = claim.rhs.as_mutable()
        wrong[r, c] = wrong[r, c] + _OFF
        return dataclasses.replace(claim, rhs=sympy.ImmutableMatrix(wrong))
    if isinstance(claim, ShapeClaim):
        if claim.expected is None:
            return dataclasses.replace(claim, expected=(1, 1))
        rows, cols = claim.expected
        return dataclasses.replace(claim, expected=(rows + 1, cols))
    if isinstance(claim, DifferenceClaim):
        return dataclasses.replace(claim, rhs=claim.lhs)
    raise AssertionError(f"no corruption for {type(claim).__name__}")


def with_claim(derivation: Derivation, index: int, which: int, claim: object) -> Derivation:
    step = derivation.steps[index]
    claims = list(step.claims)
    claims[which] = claim
    changed: Step = dataclasses.replace(step, claims=tuple(claims))
    steps = (*derivation.steps[:index], changed, *derivation.steps[index + 1 :])
    return Derivation(derivation.spec, steps, derivation.formulas)


@pytest.fixture(scope="module")
def default() -> Derivation:
    return derive(NetworkSpec())


DEFAULT_STEPS = [step.id for step in derive(NetworkSpec())]


@pytest.mark.parametrize("step_id", DEFAULT_STEPS)
def test_a_corrupted_claim_is_rejected_at_its_step(default: Derivation, step_id: str) -> None:
    index = DEFAULT_STEPS.index(step_id)
    which = len(default.steps[index].claims) - 1  # the last claim: the others still hold
    claim = default.steps[index].claims[which]
    corrupted = with_claim(default, index, which, corrupt(claim, 0, 0))
    with pytest.raises(VerificationError) as caught:
        corrupted.verify()
    assert caught.value.step_id == step_id, str(caught.value)
    assert claim.description.startswith(caught.value.claim), str(caught.value)


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_any_corrupted_claim_entry_is_rejected(default: Derivation, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(default) - 1), label="step")
    step = default.steps[index]
    which = data.draw(st.integers(0, len(step.claims) - 1), label="claim")
    row, col = data.draw(st.integers(0, 15)), data.draw(st.integers(0, 15))
    corrupted = with_claim(default, index, which, corrupt(step.claims[which], row, col))
    with pytest.raises(VerificationError) as caught:
        corrupted.verify()
    assert caught.value.step_id == step.id, str(caught.value)


def test_an_unchanged_rebuilt_derivation_verifies(default: Derivation) -> None:
    """The control: rebuilding a Derivation from its own steps changes nothing."""
    Derivation(default.spec, tuple(default.steps), default.formulas).verify()
