"""Derive and check every step before anything is drawn; show each verdict as it comes.

Every process that draws draws verified steps: :func:`verify_with_display` (the command) and
:func:`verified_derivation` (a worker process, once per network) record the derivation objects
they verified in this process, and :func:`require_verified` (called by
:func:`chainrule.rendering.drawing.scene_class`) verifies any other derivation before a scene may
use it,
refusing a wrong one with :class:`~chainrule.errors.VerificationFailed`. (A derivation does not
pickle: its activations are sympy functions made at run time, so a worker derives and verifies
its own copy, once per process.)

Tests replace :func:`derive` here to inject a wrong derivation.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from chainrule.errors import ConfigError, VerificationFailed
from derivations import Derivation, NetworkSpec, StepReport, Verdict, derive
from derivations.formula import FormulaError

#: The longest candidate expression accepted.
MAX_CANDIDATE_LENGTH = 400

PASS, FAIL = "✓", "✗"

#: The derivations verified in this process, by ``id`` (the objects are kept, so an id is not
#: reused by another object).
_VERIFIED: dict[int, Derivation] = {}
_LOCK = threading.Lock()


def is_verified(derivation: Derivation) -> bool:
    """Whether ``derivation`` (this very object) was verified in this process."""
    return _VERIFIED.get(id(derivation)) is derivation


def _mark_verified(derivation: Derivation) -> None:
    with _LOCK:
        _VERIFIED[id(derivation)] = derivation


def require_verified(derivation: Derivation) -> Derivation:
    """``derivation`` once verified in this process (verifying it now if it was not); raises
    :class:`VerificationFailed` naming the first failing step."""
    if is_verified(derivation):
        return derivation
    failed = check_steps(derivation)
    if failed:
        first = failed[0]
        raise VerificationFailed(
            f"step {first.step.id} ({first.step.title}) failed "
            f"verification: {first.failure}; it is not drawn"
        )
    _mark_verified(derivation)
    return derivation


@lru_cache(maxsize=8)
def verified_derivation(spec: NetworkSpec) -> Derivation:
    """The derivation for ``spec``, built and verified once per process (a worker's)."""
    return require_verified(build_derivation(spec))


def build_derivation(spec: NetworkSpec) -> Derivation:
    """The (not yet verified) derivation for ``spec``."""
    try:
        return derive(spec)
    except (ValueError, FormulaError) as error:
        raise VerificationFailed(
            f"the derivation for {spec.describe()} could not be built: {error}"
        ) from error


def report_line(report: StepReport) -> str:
    """``✓ dZ1.fold  Fold back into matrices`` (with the reason when it failed)."""
    mark = PASS if report.failure is None else FAIL
    line = f"{mark} {report.step.id!s:<20} {report.step.title}"
    if report.failure is not None:
        line += f": {' '.join(report.failure.split())}"
    return line


def check_steps(
    derivation: Derivation,
    show: Callable[[str], None] | None = None,
    advance: Callable[[StepReport], None] | None = None,
) -> list[StepReport]:
    """Check every step; ``show`` gets one line per step. Returns the failed reports."""
    failed = []
    for report in derivation.check():
        if show is not None:
            show(report_line(report))
        if advance is not None:
            advance(report)
        if report.failure is not None:
            failed.append(report)
    return failed


def verify_with_display(derivation: Derivation, echo_steps: bool = True) -> float:
    """Check every step with a progress display on a terminal (plain lines otherwise).

    Returns the seconds taken; raises :class:`VerificationFailed` naming the first failing step.
    """
    start = time.perf_counter()
    stream = sys.stdout
    if stream.isatty():
        console = Console(file=stream)
        columns = (
            TextColumn("verifying"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("", total=len(derivation))

            def advance(report: StepReport) -> None:
                progress.update(task, advance=1, description=str(report.step.id))

            show = progress.console.print if echo_steps else None
            failed = check_steps(derivation, show=_plain(show), advance=advance)
    else:
        failed = check_steps(derivation, show=click.echo if echo_steps else None)
    if failed:
        first = failed[0]
        more = f" ({len(failed) - 1} more step(s) failed too)" if len(failed) > 1 else ""
        raise VerificationFailed(
            f"step {first.step.id} ({first.step.title}) failed verification: "
            f"{first.failure}{more}; nothing was rendered"
        )
    _mark_verified(derivation)
    return time.perf_counter() - start


def _plain(print_: Callable[..., Any] | None) -> Callable[[str], None] | None:
    if print_ is None:
        return None
    return lambda line: print_(line, markup=False, highlight=False)


def judge_candidate(derivation: Derivation, target: str, expression: str) -> Verdict:
    """The verdict on ``expression`` for ``target``; bad input is a :class:`ConfigError`."""
    if target not in derivation.formulas:
        known = ", ".join(derivation.formulas)
        raise ConfigError(
            f"option --target: {target!r} is not a gradient of this network: use one of {known}"
        )
    if len(expression) > MAX_CANDIDATE_LENGTH:
        raise ConfigError(
            f"option --candidate: the expression is {len(expression)} characters "
            f"long; at most {MAX_CANDIDATE_LENGTH} are accepted"
        )
    try:
        return derivation.check_candidate(target, expression)
    except FormulaError as error:
        raise ConfigError(f"option --candidate: {error}") from None


__all__ = [
    "build_derivation",
    "check_steps",
    "is_verified",
    "judge_candidate",
    "report_line",
    "require_verified",
    "verified_derivation",
    "verify_with_display",
]
