"""How long building and verifying a derivation takes, for the default and the largest lecture
network. Prints medians of a few repeats; asserts nothing about time.

The engine caches derivatives and compiled numeric functions per process, so a second
verification of the same network is much faster than the first. Both are reported: *cold* runs
each repeat in a fresh interpreter (what ``chainrule check`` pays once), *warm* repeats in this one.

    .venv/bin/python benchmarks/derive.py [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from derivations import NetworkSpec, derive

SPECS = {
    "default": NetworkSpec(),
    "large": NetworkSpec(layer_dims=(4, 4, 3), m=4),
}

_ONE_RUN = """
import json, time
from derivations import NetworkSpec, derive
spec = NetworkSpec(layer_dims={dims!r}, m={m!r}, activation={activation!r})
start = time.perf_counter(); derivation = derive(spec); built = time.perf_counter()
derivation.verify(); done = time.perf_counter()
print(json.dumps([built - start, done - built, len(derivation)]))
"""


def cold(spec: NetworkSpec) -> tuple[float, float, int]:
    """Seconds to derive and to verify in a fresh interpreter (imports not counted)."""
    code = _ONE_RUN.format(dims=spec.layer_dims, m=spec.m, activation=spec.activation)
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    build, check, steps = json.loads(output.strip().splitlines()[-1])
    return build, check, steps


def warm(spec: NetworkSpec) -> tuple[float, float, int]:
    """Seconds to derive and to verify again in this interpreter, after a first run."""
    start = time.perf_counter()
    derivation = derive(spec)
    built = time.perf_counter()
    derivation.verify()
    return built - start, time.perf_counter() - built, len(derivation)


def medians(runs: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        runs[0][2],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="repeats per measurement")
    args = parser.parse_args()
    rows: dict[tuple[str, str], tuple[float, float, int]] = {}
    for name, spec in SPECS.items():
        rows[name, "cold"] = medians([cold(spec) for _ in range(args.repeats)])
        warm(spec)
        rows[name, "warm"] = medians([warm(spec) for _ in range(args.repeats)])

    print(f"median of {args.repeats} runs, seconds")
    print(f"{'network':<36} {'run':<5} {'steps':>5} {'derive':>8} {'verify':>8} {'total':>8}")
    for (name, kind), (build, check, steps) in rows.items():
        label = f"{name}: {SPECS[name].describe()}"
        print(f"{label:<36} {kind:<5} {steps:>5} {build:>8.3f} {check:>8.3f} {build + check:>8.3f}")
    for kind in ("cold", "warm"):
        (small_d, small_v, _), (large_d, large_v, _) = rows["default", kind], rows["large", kind]
        print(
            f"{'ratio large / default':<36} {kind:<5} {'':>5} {large_d / small_d:>7.1f}x "
            f"{large_v / small_v:>7.1f}x {(large_d + large_v) / (small_d + small_v):>7.1f}x"
        )


if __name__ == "__main__":
    main()
