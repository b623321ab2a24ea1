"""The learner's route (``dZ1.jacobian``, ``dZ1.elementwise``, ``dZ1.stack``): the Jacobians,
their order, the transpose and the shapes shown.

Expected shapes come from the network's sizes as the test reads them from ``layer_dims``; the
wrong Jacobians and wrong orders are built here from the network's symbols, so a claim that
accepted one of them would be checking nothing.
"""

from __future__ import annotations

import itertools
import re

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import ACTIVATIONS, NetworkSpec, derive
from derivations.claims import DerivativeClaim, check_claim
from derivations.network import Network
from derivations.sequence_vector import (
    activation_jacobian_claim,
    gradient_claim,
    weight_jacobian_claim,
)
from derivations.steps import Step

specs = st.builds(
    NetworkSpec,
    layer_dims=st.lists(st.integers(1, 4), min_size=3, max_size=4).map(tuple),
    m=st.integers(1, 3),
    activation=st.sampled_from(ACTIVATIONS),
)
#: A square hidden layer (n[1] = n[2] > 1): every wrong order multiplies, so only the values
#: can tell it from the right one.
square_specs = st.builds(
    lambda n, m, activation: NetworkSpec(layer_dims=(2, n, n), m=m, activation=activation),
    st.integers(2, 3),
    st.integers(1, 2),
    st.sampled_from(ACTIVATIONS),
)


def steps(spec: NetworkSpec) -> tuple[Step, Step, Step]:
    derivation = derive(spec)
    return tuple(derivation.step(f"dZ1.{kind}") for kind in ("jacobian", "elementwise", "stack"))


def column(net: Network, name: str, j: int) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix(net.symbols(name)[:, j])


def diag_of(entries: sympy.MatrixBase) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix(sympy.diag(*list(entries)))


def slopes(net: Network, j: int) -> sympy.ImmutableMatrix:
    """``diag(g′(z[1]))`` for example ``j`` (the lecture's ``g′``; the claims compare it with
    sympy's derivative of ``g``)."""
    return diag_of([net.activation.gprime(v) for v in column(net, "Z1", j)])


def upstream(net: Network, j: int) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix(net.upstream(2)[:, j])


def badge_shapes(step: Step) -> dict[str, tuple[int, int]]:
    return {badge.part: (badge.rows, badge.cols) for badge in step.badges}


# --------------------------------------------------------------------------- claims hold


@settings(max_examples=6, deadline=None)
@given(specs)
def test_every_claim_of_the_route_holds(spec: NetworkSpec) -> None:
    for step in steps(spec):
        assert [check_claim(claim) for claim in step.claims] == [None] * len(step.claims), step.id


# --------------------------------------------------------------------------- wrong Jacobians


@settings(max_examples=8, deadline=None)
@given(specs.filter(lambda s: s.layer_dims[1] * s.layer_dims[2] > 1), st.integers(0, 2))
def test_a_transposed_weight_jacobian_is_caught(spec: NetworkSpec, pick: int) -> None:
    net = Network(spec)
    j = pick % spec.m
    w = net.symbols("W2")
    assert check_claim(weight_jacobian_claim(net, j, w)) is None
    assert check_claim(weight_jacobian_claim(net, j, w.T)) is not None


@settings(max_examples=8, deadline=None)
@given(specs)
def test_a_wrong_activation_jacobian_is_caught(spec: NetworkSpec) -> None:
    net = Network(spec)
    z = column(net, "Z1", 0)
    g = [net.activation.g(v) for v in z]
    assert check_claim(activation_jacobian_claim(net, 0, slopes(net, 0))) is None
    assert check_claim(activation_jacobian_claim(net, 0, diag_of(g))) is not None  # g, not g′
    if len(z) > 1:  # g′ in every entry, not only on the diagonal
        full = sympy.ImmutableMatrix(len(z), len(z), lambda r, c: slopes(net, 0)[c, c])
        assert check_claim(activation_jacobian_claim(net, 0, full)) is not None


# --------------------------------------------------------------------------- order, layout


@settings(max_examples=6, deadline=None)
@given(square_specs)
def test_the_chain_order_and_the_transpose_are_checked(spec: NetworkSpec) -> None:
    net = Network(spec)
    w, d, u = net.symbols("W2"), slopes(net, 0), upstream(net, 0)
    right_row, right_column = u.T * w * d, d * w.T * u
    assert check_claim(gradient_claim(net, 0, right_row, row=True)) is None
    assert check_claim(gradient_claim(net, 0, right_column, row=False)) is None
    wrong = {
        "row, diag before W[2]": (u.T * d * w, True),
        "column, order not reversed": (w.T * d * u, False),
        "column, W[2] not transposed": (d * w * u, False),
    }
    for name, (value, row) in wrong.items():
        assert check_claim(gradient_claim(net, 0, value, row=row)) is not None, name


@pytest.mark.parametrize("dims", [(2, 3, 2), (3, 4, 2), (2, 3, 2, 1)])
def test_the_chain_rule_gives_a_row_and_dz_is_its_transpose(dims) -> None:
    """Pinned layout: ∂ℒ/∂z is a row (1×n[1]), dz a column (n[1]×1); the row value is not
    accepted as the column gradient, nor the column as the row."""
    net = Network(NetworkSpec(layer_dims=dims))
    w, d, u = net.symbols("W2"), slopes(net, 0), upstream(net, 0)
    row = u.T * w * d
    assert row.shape == (1, dims[1])
    assert check_claim(gradient_claim(net, 0, row.T, row=False)) is None
    assert check_claim(gradient_claim(net, 0, row, row=False)) is not None
    assert check_claim(gradient_claim(net, 0, row.T, row=True)) is not None


def test_the_chain_step_states_both_layouts_for_every_example() -> None:
    spec = NetworkSpec(layer_dims=(2, 3, 2), m=3)
    _, chain, _ = steps(spec)
    shapes = [c.variables.shape for c in chain.claims if isinstance(c, DerivativeClaim)]
    assert shapes.count((1, 3)) == spec.m
    assert shapes.count((3, 1)) == spec.m


# --------------------------------------------------------------------------- shapes on screen


@settings(max_examples=10, deadline=None)
@given(specs)
def test_every_factor_shows_its_shape(spec: NetworkSpec) -> None:
    n1, n2 = spec.layer_dims[1], spec.layer_dims[2]
    jacobian, chain, _ = steps(spec)
    assert badge_shapes(jacobian) == {"dz2_da1": (n2, n1), "da1_dz1": (n1, n1)}
    assert badge_shapes(chain) == {
        "dL_dz1": (1, n1),
        "dL_dz2": (1, n2),
        "W2": (n2, n1),
        "diag": (n1, n1),
        "dz1_j": (n1, 1),
        "diag_c": (n1, n1),
        "W2T": (n1, n2),
        "dz2_j": (n2, 1),
    }


@pytest.mark.parametrize("dims", [(2, 3, 2), (3, 4, 2), (2, 3, 2, 1)])
def test_the_shapes_multiply_along_each_line(dims) -> None:
    """Along the row chain and the column form, each factor's columns are the next one's
    rows, and the product has the shape of the left side."""
    _, chain, _ = steps(NetworkSpec(layer_dims=dims))
    shapes = badge_shapes(chain)
    for left, factors in (
        ("dL_dz1", ("dL_dz2", "W2", "diag")),
        ("dz1_j", ("diag_c", "W2T", "dz2_j")),
    ):
        chained = [shapes[name] for name in factors]
        for a, b in itertools.pairwise(chained):
            assert a[1] == b[0], (left, chained)
        assert (chained[0][0], chained[-1][1]) == shapes[left]


@pytest.mark.parametrize("dims", [(2, 3, 2), (3, 4, 2), (2, 3, 2, 1)])
def test_the_shapes_said_are_the_shapes_shown(dims) -> None:
    for step in steps(NetworkSpec(layer_dims=dims))[:2]:
        said = {tuple(map(int, s)) for s in re.findall(r"(\d+)×(\d+)", step.narration)}
        assert said, step.narration
        assert said <= set(badge_shapes(step).values()), (step.id, said)


def test_the_route_is_named_and_the_transpose_explained() -> None:
    jacobian, chain, stack = steps(NetworkSpec())
    assert "learner" in jacobian.narration
    assert "matrix-calculus" in jacobian.narration
    assert "transpose" in chain.narration
    assert "reverses the order" in chain.narration
    tex = " ".join(part.tex for line in (chain.equation, *chain.lines) for part in line)
    assert r"C^{T} B^{T} A^{T}" in tex  # the rule the narration states is on screen
    assert "same formula as the fold" in stack.narration
    assert any("the fold" in part.tex for line in stack.lines for part in line)


#: ``∂ top / ∂ bottom`` as a fraction (on the learner's route as in the scalar chain rule):
#: the letters and layers of both sides, e.g. ``("\mathcal{L}", "z1")``.
_FRACTION = re.compile(
    r"\\frac\{\\partial ([a-z]|\\mathcal\{L\})(?:\^\{\[(\d)\][^}]*\})?.*?\}"
    r"\{\\partial ([a-z])\^\{\[(\d)\]"
)


def _derivative(pattern: re.Pattern[str], tex: str) -> tuple[str, str] | None:
    found = pattern.search(tex)
    if found is None:
        return None
    top, top_layer, bottom, bottom_layer = found.groups()
    return top + (top_layer or ""), bottom + bottom_layer


@settings(max_examples=6, deadline=None)
@given(specs)
def test_each_derivative_keeps_the_colour_of_the_scalar_chain_rule(spec: NetworkSpec) -> None:
    """∂ℒ/∂z, ∂z[2]/∂a[1] and ∂a[1]/∂z[1] on the learner's route are drawn in the colours the
    same derivatives have in "What each factor is" (a gradient, a weight, g′), not in the
    colours of the variables they are taken of."""
    derivation = derive(spec)
    values = derivation.step("dZ1.partial_values")
    scalar = {
        _derivative(_FRACTION, part.tex): part.symbol
        for part in (values.equation[0], *(f.generic for p in values.paths for f in p.factors))
    }
    assert scalar == {
        ("\\mathcal{L}", "z1"): "dZ1",
        ("\\mathcal{L}", "z2"): "dZ2",
        ("z2", "a1"): "W2",
        ("a1", "z1"): "gprime1",
    }
    seen = set()
    for step in steps(spec)[:2]:
        for line in (step.equation, *step.lines):
            for part in line:
                derivative = _derivative(_FRACTION, part.tex)
                if derivative is not None:
                    assert part.symbol == scalar[derivative], (step.id, part.name, part.symbol)
                    seen.add(derivative)
    assert seen == set(scalar)
