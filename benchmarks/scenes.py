"""Each scene on its own: how long its video is and how long it takes to render, cold.

For every network asked for and every quality, each scene is rendered alone with
``chainrule render <Scene> -q <q> --jobs 1`` into a fresh output folder with an empty cache,
so every row pays the whole cost of that scene: TeX, drawing and encoding. The last column
compares the video's length with the estimate ``chainrule list`` prints. Prints a table;
asserts nothing. Rows from one run can be compared with each other; a busy machine slows all.

    .venv/bin/python benchmarks/scenes.py                        # default and 3-4-2 relu, l and h
    .venv/bin/python benchmarks/scenes.py -q l --networks default
    .venv/bin/python benchmarks/scenes.py --keep /tmp/scenes     # keep videos to look at frames
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from render import BIN, add_scenes_option, environment, run, video_seconds

#: The networks the scenes issue asks about, by name: extra ``chainrule render`` options.
NETWORKS = {
    "default": [],
    "3-4-2-relu": ["--dims", "3,4,2", "--m", "3", "--activation", "relu"],
}


@dataclass(frozen=True)
class SceneRun:
    """One scene rendered cold: its network, quality, video length and wall time."""

    network: str
    quality: str
    scene: str
    video: float
    seconds: float
    peak: int
    estimate: float
    failed: bool


def estimates(network: str) -> dict[str, float]:
    """``chainrule list``'s estimated length of every scene, in seconds, for ``network``."""
    listing = subprocess.run(
        [str(BIN / "chainrule"), "list", *NETWORKS[network]],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in listing.splitlines():
        match = re.match(r"(\w+)\s+≈\s*(\d+):(\d\d)", line)
        if match:
            found[match[1]] = 60 * int(match[2]) + int(match[3])
    return found


def render_scene(network: str, quality: str, scene: str, work: Path, estimate: float) -> SceneRun:
    """Render ``scene`` alone, cold, into ``work``; what it cost."""
    folder = work / network / quality / scene
    out = folder / "out"
    command = [
        str(BIN / "chainrule"),
        "render",
        scene,
        "-q",
        quality,
        "-o",
        str(out),
        "--jobs",
        "1",
        *NETWORKS[network],
    ]
    folder.mkdir(parents=True, exist_ok=True)
    result = run(
        command,
        folder / "render.log",
        folder,
        environment(CHAINRULE_CACHE_DIR=str(folder / "cache")),
    )
    video = video_seconds([out / f"{scene}_{quality}.mp4"])
    return SceneRun(
        network,
        quality,
        scene,
        video,
        result.seconds,
        result.peak,
        estimate,
        result.returncode != 0,
    )


def table(runs: list[SceneRun]) -> str:
    """The runs as a text table, one line each."""
    lines = [
        f"{'network':<11} {'q':<2} {'scene':<16} {'video s':>8} {'render s':>9} "
        f"{'x real':>7} {'peak MB':>8} {'list est.':>9}",
        "-" * 78,
    ]
    for r in runs:
        ratio = f"{r.seconds / r.video:.2f}" if r.video else "-"
        flag = "  FAILED" if r.failed else ""
        lines.append(
            f"{r.network:<11} {r.quality:<2} {r.scene:<16} {r.video:>8.1f} "
            f"{r.seconds:>9.1f} {ratio:>7} {r.peak / 2**20:>8.0f} "
            f"{r.estimate:>9.0f}{flag}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quality",
        "-q",
        nargs="+",
        choices=("l", "m", "h", "k"),
        default=["l", "h"],
        help="qualities to render at (default: l h)",
    )
    parser.add_argument(
        "--networks",
        nargs="+",
        choices=tuple(NETWORKS),
        default=list(NETWORKS),
        help="networks (default: both)",
    )
    add_scenes_option(parser)
    parser.add_argument("--keep", metavar="DIR", help="keep videos, caches and logs in DIR")
    args = parser.parse_args()

    header = (
        f"chainrule scene benchmark: each scene alone, cold, --jobs 1, "
        f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(header, file=sys.stderr)
    context = None if args.keep else tempfile.TemporaryDirectory(prefix="chainrule-scenes-")
    work = Path(args.keep).resolve() if args.keep else Path(context.name)
    runs: list[SceneRun] = []
    try:
        for network in args.networks:
            guess = estimates(network)
            for quality in args.quality:
                for scene in args.scenes:
                    runs.append(
                        render_scene(network, quality, scene, work, guess.get(scene, float("nan")))
                    )
                    r = runs[-1]
                    print(
                        f"  {network} -q{quality} {scene}: {r.video:.1f} s of video in "
                        f"{r.seconds:.1f} s",
                        file=sys.stderr,
                    )
        print(header)
        print(table(runs))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        if context is not None:
            context.cleanup()


if __name__ == "__main__":
    main()
