"""``chainrule check``: derive, verify every step, and optionally judge a candidate formula."""

from __future__ import annotations

import click

from chainrule.cli.options import (
    config_option,
    debug_option,
    load_settings,
    network_options,
)
from chainrule.errors import VerificationFailed
from chainrule.settings.model import Overrides
from chainrule.verification import PASS, build_derivation, judge_candidate, verify_with_display


@click.command("check")
@network_options
@click.option(
    "--candidate",
    metavar="EXPR",
    help="A formula to judge, e.g. 'W2.T @ dZ2 * gprime(Z1)' (names of the network's "
    "matrices, .T, @ matrix product, * element-wise, gprime(Zl), "
    "sum(M, axis=1), 1/m).",
)
@click.option(
    "--target",
    default="dZ1",
    show_default=True,
    metavar="GRADIENT",
    help="The gradient --candidate is meant to be (dZ1, dW1, db1, dZ2, ...).",
)
@config_option
@debug_option
def check(
    network: Overrides,
    candidate: str | None,
    target: str,
    config_path: str | None,
) -> None:
    """Derive the gradients and verify every step (symbolically, entry by entry, numerically).

    Prints each step with its verdict; exits 1 if a step (or the --candidate) is wrong.

    \b
    Examples:
      chainrule check
      chainrule check --activation relu --dims 3,4,2 --m 3
      chainrule check --candidate 'W2 @ dZ2 * gprime(Z1)'
    """

    settings = load_settings(config_path, network)
    spec = settings.network.spec()
    derivation = build_derivation(spec)
    verdict = None
    if candidate is not None:  # bad syntax is a usage error: found before the long checks
        verdict = judge_candidate(derivation, target, candidate)
    seconds = verify_with_display(derivation)
    click.echo(f"All {len(derivation)} steps verified for {spec.describe()} ({seconds:.1f} s).")
    if verdict is not None:
        if not verdict.ok:
            raise VerificationFailed(
                f"the candidate {target} = {candidate} is wrong: {verdict.reason}"
            )
        click.echo(f"{PASS} candidate {target} = {candidate}: {verdict.reason}")
