"""Verification certificates (``derivations.certificates``): what they report is what was
checked, and a wrong claim shows up in them."""

from __future__ import annotations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import NetworkSpec, derive
from derivations.certificates import ClaimCertificate, certify
from derivations.claims import DerivativeClaim, EqualityClaim

x, y = sympy.symbols("x y")


def certified_derivative_of_x3y(said: sympy.Expr) -> ClaimCertificate:
    """The certificate (seed 4) of the claim that ``d(x^3 y)/dx`` is ``said``."""
    claim = DerivativeClaim(
        f"d(x^3 y)/dx = {said}",
        x**3 * y,
        sympy.ImmutableMatrix([[x]]),
        sympy.ImmutableMatrix([[said]]),
    )
    return certify(claim, seed=4)


def test_a_right_derivative_is_certified_with_its_finite_difference_error() -> None:
    certificate = certified_derivative_of_x3y(3 * x**2 * y)
    assert certificate.holds
    assert certificate.kind == "derivative"
    assert certificate.entries == 1
    assert certificate.points == 2
    assert certificate.seed == 4
    assert certificate.largest_error is not None
    assert certificate.largest_error < 1e-6


def test_a_wrong_derivative_fails_and_its_error_is_the_size_of_the_mistake() -> None:
    certificate = certified_derivative_of_x3y(2 * x**2 * y)
    assert not certificate.holds
    assert "derivative" in (certificate.failure or "")
    assert certificate.largest_error is not None
    assert certificate.largest_error > 1e-3


def test_a_wrong_equality_fails_with_its_numeric_gap() -> None:
    claim = EqualityClaim(
        "x y = y x + 1", sympy.ImmutableMatrix([[x * y]]), sympy.ImmutableMatrix([[y * x + 1]])
    )
    certificate = certify(claim, seed=0)
    assert not certificate.holds
    assert certificate.largest_error == 1.0  # exactly the "+ 1"


@settings(max_examples=6, deadline=None)
@given(
    dims=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 2)),
    m=st.integers(1, 2),
    activation=st.sampled_from(["tanh", "sigmoid", "relu"]),
)
def test_every_step_of_a_derivation_is_certified(
    dims: tuple[int, int, int], m: int, activation: str
) -> None:
    derivation = derive(NetworkSpec(layer_dims=dims, m=m, activation=activation))
    certificates = derivation.certificates()
    assert [c.step_id for c in certificates] == [str(s.id) for s in derivation.steps]
    for step, certificate in zip(derivation.steps, certificates, strict=True):
        assert certificate.holds, certificate.summary()
        assert len(certificate.claims) == len(step.claims)
        for claim in certificate.claims:
            if claim.largest_error is not None:
                assert claim.largest_error < 1e-5, (step.id, claim.summary())
            if claim.kind in ("derivative", "equality"):
                assert claim.entries >= 1


def test_the_certificate_of_a_step_names_its_seed_as_check_does() -> None:
    derivation = derive(NetworkSpec())
    index = next(i for i, s in enumerate(derivation.steps) if str(s.id) == "dZ1.all_entries")
    certificate = derivation.certificate("dZ1.all_entries")
    assert {c.seed for c in certificate.claims} == {index}
    assert certificate.as_dict()["claims"][0]["holds"] is True
