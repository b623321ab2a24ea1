"""Verification certificates: how each claim of a step was checked, and what the checks found.

A certificate is the evidence behind "this formula was verified", in a form a handout, a lecture
page or a slide can print next to the formula:

* **symbolic** — sympy compared every entry exactly (the expanded difference is 0); ``entries``
  says how many;
* **numeric** — the same claim evaluated at a reproducible random point (``seed``): central
  finite differences for a derivative, both sides for an equality. ``points`` counts the
  evaluations, ``largest_error`` is the largest absolute difference found;
* **shape** — the shape rules of the formula language gave the stated shape (or refused it);
* **difference** — a tempting formula was shown to differ from the right one.

>>> from derivations import NetworkSpec, derive
>>> certificate = derive(NetworkSpec(layer_dims=(2, 2, 2), m=2)).certificate("dZ1.expand")
>>> certificate.holds, [claim.kind for claim in certificate.claims]
(True, ['equality'])
>>> certificate.claims[0].summary()  # doctest: +ELLIPSIS
'exact: 4 entries equal symbolically; numeric: 1 random point (seed ...), largest error ...'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .claims import (
    NUMERIC_STEP,
    Claim,
    DerivativeClaim,
    DifferenceClaim,
    EqualityClaim,
    ShapeClaim,
    both_sides,
    check_claim,
    finite_differences,
)


@dataclass(frozen=True)
class ClaimCertificate:
    """How one claim was checked. ``failure`` is ``None`` when every check passed."""

    description: str
    kind: str  # "derivative" | "equality" | "shape" | "difference"
    entries: int  # entries compared exactly by sympy (0: no symbolic check)
    points: int  # numeric evaluations (0: no numeric check)
    largest_error: float | None  # largest |difference| found numerically
    seed: int | None  # the seed of the random point
    step_size: float | None = None  # finite-difference step (derivatives only)
    failure: str | None = None

    @property
    def holds(self) -> bool:
        """Whether every check of the claim passed."""
        return self.failure is None

    def summary(self) -> str:
        """One line for a reader: the exact check, then the numeric one."""
        if self.kind == "shape":
            return "shape: the dimensions fit as stated"
        if self.kind == "difference":
            return "differs: not equal to the right formula (checked exactly)"
        parts = []
        if self.entries:
            plural = "entry" if self.entries == 1 else "entries"
            verb = "derivative" if self.kind == "derivative" else "equal"
            parts.append(
                f"exact: {self.entries} {plural} "
                + ("match sympy's derivative" if verb == "derivative" else "equal symbolically")
            )
        if self.points:
            what = "finite differences at" if self.kind == "derivative" else ""
            point = (
                "1 random point"
                if self.points == 1 or self.kind == "derivative"
                else (f"{self.points} random points")
            )
            error = f"{self.largest_error:.1e}" if self.largest_error is not None else "n/a"
            parts.append(
                f"numeric: {(what + ' ') if what else ''}{point} (seed {self.seed}), "
                f"largest error {error}"
            )
        return "; ".join(parts) if parts else "no free symbols: nothing to evaluate"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON (manifest, lecture page)."""
        return {
            "description": self.description,
            "kind": self.kind,
            "entries": self.entries,
            "points": self.points,
            "largest_error": self.largest_error,
            "seed": self.seed,
            "step_size": self.step_size,
            "holds": self.holds,
            "failure": self.failure,
            "summary": self.summary(),
        }


@dataclass(frozen=True)
class StepCertificate:
    """The certificates of every claim of one step."""

    step_id: str
    claims: tuple[ClaimCertificate, ...]

    @property
    def holds(self) -> bool:
        """Whether every claim of the step holds."""
        return all(claim.holds for claim in self.claims)

    def summary(self) -> str:
        """One line: how many claims, how they were checked, the largest numeric error."""
        if not self.claims:
            return "no claim: this step shows, it states nothing to check"
        kinds = sorted({claim.kind for claim in self.claims})
        errors = [c.largest_error for c in self.claims if c.largest_error is not None]
        entries = sum(c.entries for c in self.claims)
        plural = "claim" if len(self.claims) == 1 else "claims"
        text = f"{len(self.claims)} {plural} ({', '.join(kinds)})"
        if entries:
            text += f"; {entries} {'entry' if entries == 1 else 'entries'} exact"
        if errors:
            text += f"; largest numeric error {max(errors):.1e}"
        return text if self.holds else text + "; FAILED"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "step_id": self.step_id,
            "holds": self.holds,
            "summary": self.summary(),
            "claims": [claim.as_dict() for claim in self.claims],
        }


def certify(claim: Claim, seed: int = 0) -> ClaimCertificate:
    """Check ``claim`` as :func:`~derivations.claims.check_claim` does (same seed, same point)
    and record how: entries compared, numeric points and the largest error."""
    failure = check_claim(claim, seed)
    if isinstance(claim, ShapeClaim):
        return ClaimCertificate(claim.description, "shape", 0, 0, None, None, failure=failure)
    if isinstance(claim, DifferenceClaim):
        return ClaimCertificate(claim.description, "difference", 0, 0, None, 0, failure=failure)
    if isinstance(claim, DerivativeClaim):
        return _derivative_certificate(claim, seed, failure)
    return _equality_certificate(claim, seed, failure)


def _derivative_certificate(
    claim: DerivativeClaim, seed: int, failure: str | None
) -> ClaimCertificate:
    entries = len(claim.variables)
    if claim.variables.shape != claim.value.shape:
        return ClaimCertificate(claim.description, "derivative", 0, 0, None, seed, failure=failure)
    value, estimates = finite_differences(claim, seed)
    error = float(np.max(np.abs(estimates - value))) if entries else 0.0
    return ClaimCertificate(
        claim.description,
        "derivative",
        entries,
        2 * entries,
        error,
        seed,
        step_size=NUMERIC_STEP,
        failure=failure,
    )


def _equality_certificate(claim: EqualityClaim, seed: int, failure: str | None) -> ClaimCertificate:
    entries = len(claim.lhs)
    sides = both_sides(claim, seed) if claim.lhs.shape == claim.rhs.shape else None
    if sides is None:
        return ClaimCertificate(
            claim.description, "equality", entries, 0, None, None, failure=failure
        )
    left, right = sides
    error = float(np.max(np.abs(left - right)))
    return ClaimCertificate(claim.description, "equality", entries, 1, error, seed, failure=failure)


__all__ = ["ClaimCertificate", "StepCertificate", "certify"]
