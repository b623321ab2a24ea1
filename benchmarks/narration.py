"""What narration costs: the narrated lecture against the silent one, cold and warm, at -q l and
-q h, all measured in one run (machines are shared and noisy: compare rows of one run only).
Prints a table; asserts nothing.

For each quality, four rows, each a fresh ``chainrule render Lecture`` process:

  silent, cold    ``--no-voice`` with an empty cache folder
  narrated, cold  the default (Piper joe-us) with another empty cache folder: no speech cached
  silent, warm    the first command again, nothing changed
  narrated, warm  the second command again, nothing changed

Columns: wall time, seconds of video, CPU time (user + system, workers included), the peak
resident memory of the largest process (``os.wait4``; target: at most 1 GB per process), and
the narrated/silent ratio of the pair (the issue's target: at most 1.15 cold, about 1 warm).
After each narrated cold row: the synthesis rate (seconds of synthesis per minute of speech,
from the run's own report) and the *CPU floor*: the wall ratio the pair could reach on this
machine's cores if the narration's extra CPU time overlapped perfectly with drawing, i.e.
(silent wall + extra CPU / cores) / silent wall. When that floor is above 1.15, no scheduling
can meet the target here: only less CPU for speech and sound can.

    .venv/bin/python benchmarks/narration.py              # -q l and -q h (~12 min)
    .venv/bin/python benchmarks/narration.py --quality l  # -q l only (~3 min)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("render_bench", HERE / "render.py")
assert _spec is not None
assert _spec.loader is not None
render_bench = importlib.util.module_from_spec(_spec)
sys.modules["render_bench"] = render_bench  # its dataclasses look their module up
_spec.loader.exec_module(render_bench)

ROOT, BIN = render_bench.ROOT, render_bench.BIN
NARRATION = re.compile(
    r"Narration: (\d+) s of speech .*?synthesised (\d+) of (\d+) steps, "
    r"([\d.]+) s\)"
)


def lecture(
    quality: str, cache: Path, out: Path, work: Path, log: Path, voice: bool
) -> tuple[float, float, int, float, str]:
    """One ``chainrule render Lecture``: wall seconds, video seconds, peak bytes, CPU seconds,
    its output."""
    command = [
        str(BIN / "python"),
        "-m",
        "chainrule",
        "render",
        "Lecture",
        "-q",
        quality,
        "-o",
        str(out),
        "--jobs",
        "2",
    ] + ([] if voice else ["--no-voice"])
    env = render_bench.environment(CHAINRULE_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    result = render_bench.run(command, log, work, env)
    video = render_bench.video_seconds([out / f"Lecture_{quality}.mp4"])
    return result.seconds, video, result.peak, result.cpu, log.read_text(errors="replace")


def bench(quality: str, work: Path) -> list[str]:
    """The four rows of one quality, and the synthesis rate line."""
    rows, times, cpus = [], {}, {}
    count = 0
    for temperature in ("cold", "warm"):
        for voice in (False, True):
            count += 1
            name = "narrated" if voice else "silent"
            seconds, video, peak, cpu, output = lecture(
                quality,
                work / f"cache-{quality}-{name}",
                work / f"out-{quality}-{name}",
                work,
                work / f"{quality}-{count}.log",
                voice,
            )
            times[(temperature, voice)], cpus[(temperature, voice)] = seconds, cpu
            ratio = ""
            if voice:
                ratio = f"{seconds / times[(temperature, False)]:.2f} x silent"
            rows.append(
                f"  -q{quality} {name:8s} {temperature}: {seconds:6.1f} s wall, "
                f"{video:6.1f} s of video, {cpu:6.1f} s CPU, "
                f"peak {peak / 2**20:5.0f} MB  {ratio}"
            )
            print(rows[-1], file=sys.stderr)
            found = NARRATION.search(output)
            if voice and temperature == "cold" and found:
                speech, made, total, spent = (float(g) for g in found.groups())
                rows.append(
                    f"  -q{quality} synthesis: {spent:.1f} s for {speech:.0f} s of "
                    f"speech ({made:.0f} of {total:.0f} steps) = "
                    f"{60 * spent / speech:.1f} s per minute of speech"
                )
            if voice and temperature == "cold":
                rows.append(cpu_floor(quality, times[("cold", False)], cpus[("cold", False)], cpu))
    return rows


def cpu_floor(quality: str, silent_wall: float, silent_cpu: float, narrated_cpu: float) -> str:
    """The best cold ratio this machine allows: the narration's extra CPU time spread over
    every core, on top of the silent render's wall time."""
    cores = os.cpu_count() or 1
    extra = narrated_cpu - silent_cpu
    floor = (silent_wall + max(0.0, extra) / cores) / silent_wall
    return (
        f"  -q{quality} CPU floor: narration adds {extra:.1f} s of CPU to "
        f"{silent_cpu:.1f} s; on {cores} cores the cold ratio cannot go below {floor:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", "-q", choices=("l", "h", "both"), default="both")
    args = parser.parse_args()
    qualities = ("l", "h") if args.quality == "both" else (args.quality,)
    with tempfile.TemporaryDirectory(prefix="chainrule-narration-bench-") as scratch:
        lines = []
        for quality in qualities:
            lines += bench(quality, Path(scratch))
    print(
        "narrated against silent Lecture (targets: cold at most 1.15 x, warm about 1 x, "
        "peak at most 1024 MB per process)"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
