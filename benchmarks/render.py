"""How fast scenes render: stock Manim one scene after another against ``chainrule render``,
cold and warm, all measured in one run. Prints a table; asserts nothing.

Rows (each a fresh set of processes; "cold" means empty TeX, text and partial-movie caches):

a. stock   ``manim -q<q> scenes/<file>.py <Scene>`` for each scene in turn, default settings,
           a fresh media folder, with ``CHAINRULE_SPEEDUPS=0``: Manim exactly as shipped (its
           camera, deep copies and one encoded frame per frame). The speed-up column is
           against this row.
a2. stock CLI, chainrule drawing: the same commands with chainrule's speed-ups on (they live in
           the scenes, so the plain ``manim`` CLI gets them too): what the drawing gains,
           apart from ``chainrule render``'s parallel parts, batched TeX and caches
b. cold    ``chainrule render <scenes> -q <q> --jobs N`` with a fresh cache folder
c. warm    the same command again, nothing changed
d. repaced one scene rendered again with ``[pacing] speed = 1.25`` (pacing is a config setting,
           so a changed scene is re-rendered on its own with that config): the redraw cost
e. lecture ``chainrule render Lecture`` cold, at ``-q l`` and at the chosen quality

Columns: wall time; seconds of video written (read with PyAV); wall / video (below 1 renders
faster than real time); speed-up against stock for the same scenes; the peak resident memory
of the largest single process of the row (``os.wait4`` of the command: the command and every
process it waited for, e.g. ``--jobs`` workers). The issue's targets are shown beside them.

    .venv/bin/python benchmarks/render.py                  # 1080p60, the six scenes (~17 min)
    .venv/bin/python benchmarks/render.py --quality l      # 480p15, a quick run
    .venv/bin/python benchmarks/render.py -q l --scenes FoldBack ShapeCheck --skip-stock
    .venv/bin/python benchmarks/render.py -q l --skip-stock --against 8e214b7   # before/after

``--against REV`` checks REV out into the scratch folder (``git worktree``) and runs rows b, c
and e with that code too, each "before" row right beside its "after" row, so both are measured
in one run on the same machine; the speed-up column of an "after" row is then against its
"before" row.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: The scene files the stock Manim CLI is pointed at.
SCENE_FILES = {
    "ExpandToScalars": "scenes/expand.py",
    "TakePartials": "scenes/partials.py",
    "FoldBack": "scenes/fold.py",
    "WhyTranspose": "scenes/transpose.py",
    "ShapeCheck": "scenes/shapes.py",
    "OtherGradients": "scenes/parameter_gradients.py",
    "Lecture": "scenes/lecture.py",
}
SIX = tuple(name for name in SCENE_FILES if name != "Lecture")
PACED = "[pacing]\nspeed = 1.25\n"


@dataclass
class Run:
    """One command's wall time, peak memory (bytes), exit status, and CPU time (user + system
    seconds of it and of the children it waited for, e.g. its worker processes)."""

    seconds: float
    peak: int
    returncode: int
    log: Path
    cpu: float = 0.0


@dataclass
class Row:
    """One line of the table."""

    label: str
    what: str
    seconds: float
    video: float
    peak: int
    stock: float | None = None
    target: str = ""
    failed: bool = False


def run(command: list[str], log: Path, cwd: Path, env: dict[str, str]) -> Run:
    """Run ``command`` to the end; its wall time and the peak RSS of it and its children."""
    with open(log, "wb") as stream:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        print(
            f"  ! exit {process.returncode}: {' '.join(command)}\n    " + "\n    ".join(tail),
            file=sys.stderr,
        )
    return Run(
        seconds, usage.ru_maxrss * 1024, process.returncode, log, usage.ru_utime + usage.ru_stime
    )


def video_seconds(paths: list[Path]) -> float:
    """The summed duration of the videos at ``paths`` (missing files count 0)."""
    import av

    total = 0.0
    for path in paths:
        if not path.exists():
            print(f"  ! no video at {path}", file=sys.stderr)
            continue
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if stream.duration is not None:
                total += float(stream.duration * stream.time_base)
            else:
                total += float(container.duration or 0) / 1_000_000
    return total


def environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "PYTHONHASHSEED",
            "CHAINRULE_CACHE_DIR",
            "CHAINRULE_SPEEDUPS",
            "CHAINRULE_FASTWRITE",
        )
    }
    env.update(extra)
    return env


class Bench:
    """The runs of one benchmark, in a scratch folder."""

    def __init__(self, quality: str, scenes: list[str], jobs: int, work: Path) -> None:
        self.quality, self.scenes, self.jobs, self.work = quality, scenes, jobs, work
        self.rows: list[Row] = []
        self.stock_per_scene: dict[str, float] = {}
        self.count = 0

    def log(self) -> Path:
        self.count += 1
        return self.work / f"run{self.count:02d}.log"

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        ratio = row.seconds / row.video if row.video else float("nan")
        print(
            f"  {row.label}: {row.seconds:.1f} s for {row.video:.1f} s of video "
            f"({ratio:.2f} x real time), peak {row.peak / 2**20:.0f} MB",
            file=sys.stderr,
        )
        return row

    # ---------------------------------------------------------------- rows

    def stock(self, label: str, speedups: bool) -> Row:
        """The stock ``manim`` CLI, one scene after another; as shipped unless ``speedups``."""
        media = self.work / ("stock-drawing" if speedups else "stock")
        peak, seconds, failed = 0, 0.0, False
        per_scene = {}
        for scene in self.scenes:
            result = run(
                [
                    str(BIN / "manim"),
                    f"-q{self.quality}",
                    SCENE_FILES[scene],
                    scene,
                    "--media_dir",
                    str(media),
                ],
                self.log(),
                ROOT,
                environment(CHAINRULE_SPEEDUPS="1" if speedups else "0"),
            )
            per_scene[scene] = result.seconds
            seconds += result.seconds
            peak = max(peak, result.peak)
            failed |= result.returncode != 0
        baseline = sum(self.stock_per_scene.values()) if self.stock_per_scene else None
        if not speedups:
            self.stock_per_scene = per_scene
        videos = [
            next(iter(sorted(media.rglob(f"videos/**/{scene}.mp4"))), media / scene)
            for scene in self.scenes
        ]
        what = f"{len(self.scenes)} scenes" if len(self.scenes) > 1 else self.scenes[0]
        return self.add(
            Row(label, what, seconds, video_seconds(videos), peak, baseline, "", failed)
        )

    def chainrule(
        self,
        label: str,
        scenes: list[str],
        quality: str,
        cache: Path,
        out: Path,
        jobs: int,
        config: Path | None = None,
        target: str = "",
        code: Path | None = None,
    ) -> Row:
        """``chainrule render`` of ``scenes``; with ``code``, the chainrule checked out there."""
        command = [
            str(BIN / "python"),
            "-m",
            "chainrule",
            "render",
            *scenes,
            "-q",
            quality,
            "-o",
            str(out),
            "--jobs",
            str(jobs),
        ]
        if config is not None:
            command += ["--config", str(config)]
        extra = {"CHAINRULE_CACHE_DIR": str(cache), "PYTHONPATH": str(code or ROOT)}
        # cwd is the scratch folder: a chainrule.toml in the project must not be picked up
        result = run(command, self.log(), self.work, environment(**extra))
        videos = [out / f"{scene}_{quality}.mp4" for scene in scenes]
        stock = None
        if all(scene in self.stock_per_scene for scene in scenes):
            stock = sum(self.stock_per_scene[scene] for scene in scenes)
        what = f"{len(scenes)} scenes" if len(scenes) > 1 else scenes[0]
        return self.add(
            Row(
                label,
                what,
                result.seconds,
                video_seconds(videos),
                result.peak,
                stock,
                target,
                result.returncode != 0,
            )
        )

    def before_and_after(self, code: Path, rev: str) -> None:
        """Rows b, c and e for the code at ``rev`` (checked out in ``code``) and for this
        checkout, each pair run back to back; "after" is compared with "before"."""
        q, jobs = self.quality, self.jobs
        pairs: list[tuple[str, list[str], str, str]] = [
            ("b. cold", self.scenes, q, "cold"),
            ("c. warm", self.scenes, q, "cold"),
            (f"e. Lecture -q{q}, cold", ["Lecture"], q, "lecture"),
        ]
        if q != "l":
            pairs.append(("e. Lecture -ql, cold", ["Lecture"], "l", "lecture-l"))
        for label, scenes, quality, cache in pairs:
            rows = []
            for side, source in ((f"before {rev[:10]}", code), ("after", None)):
                name = side.split()[0]
                rows.append(
                    self.chainrule(
                        f"{label} {side}",
                        scenes,
                        quality,
                        self.work / f"cache-{name}-{cache}",
                        self.work / f"out-{name}-{cache}",
                        jobs,
                        code=source,
                    )
                )
            before, after = rows
            after.stock = before.seconds
            after.target = "no slower than before"

    def all_rows(self, skip_stock: bool, changed: str) -> None:
        q, jobs = self.quality, self.jobs
        if not skip_stock:
            self.stock("a. stock manim, as shipped", speedups=False)
            self.stock("a2. stock CLI, chainrule drawing", speedups=True)
        cache = self.work / "cache"
        cold = self.chainrule(
            f"b. chainrule --jobs {jobs}, cold",
            self.scenes,
            q,
            cache,
            self.work / "out",
            jobs,
            target=">= 3x faster than stock",
        )
        warm = self.chainrule(
            "c. same again, warm",
            self.scenes,
            q,
            cache,
            self.work / "out",
            jobs,
            target="<= 10% of cold",
        )
        warm.target += f" (now {100 * warm.seconds / cold.seconds:.0f}%)"
        paced = self.work / "paced.toml"
        paced.write_text(PACED, encoding="utf-8")
        self.chainrule(
            f"d. {changed} re-paced",
            [changed],
            q,
            cache,
            self.work / "out-paced",
            1,
            config=paced,
            target="only this scene redrawn",
        )
        qualities = ["l"] + ([q] if q != "l" else [])
        for quality in qualities:
            target = "<= 0.15 x real time" if quality == "l" else "<= 0.5 x real time"
            self.chainrule(
                f"e. Lecture -q{quality}, cold",
                ["Lecture"],
                quality,
                self.work / f"cache-lecture-{quality}",
                self.work / f"out-lecture-{quality}",
                jobs,
                target=target,
            )

    # ---------------------------------------------------------------- table

    def table(self) -> str:
        lines = [
            f"{'run':<34} {'what':<15} {'wall s':>8} {'video s':>8} {'x real':>7} "
            f"{'speed-up':>8} {'peak MB':>8}  target",
            "-" * 118,
        ]
        for row in self.rows:
            ratio = f"{row.seconds / row.video:.2f}" if row.video else "-"
            speedup = f"{row.stock / row.seconds:.1f}x" if row.stock else "-"
            note = ("FAILED " if row.failed else "") + row.target
            lines.append(
                f"{row.label:<34} {row.what:<15} {row.seconds:>8.1f} {row.video:>8.1f} "
                f"{ratio:>7} {speedup:>8} {row.peak / 2**20:>8.0f}  {note}"
            )
        return "\n".join(lines)


def checkout(rev: str, folder: Path) -> Path:
    """A detached ``git worktree`` of ``rev`` at ``folder`` (removed from git's list again at
    exit; the scratch folder goes with the run)."""
    import atexit

    subprocess.run(
        ["git", "worktree", "add", "--detach", "-f", str(folder), rev],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    atexit.register(
        subprocess.run,
        ["git", "worktree", "remove", "--force", str(folder)],
        cwd=ROOT,
        capture_output=True,
    )
    return folder


def add_scenes_option(parser: argparse.ArgumentParser) -> None:
    """``--scenes``: which of the six scenes to render (default: all of them)."""
    parser.add_argument(
        "--scenes",
        nargs="+",
        choices=SIX,
        default=list(SIX),
        metavar="SCENE",
        help=f"a subset of {', '.join(SIX)}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quality",
        "-q",
        choices=("l", "m", "h", "k"),
        default="h",
        help="Manim quality (default h = 1080p60; l = 480p15 for a quick run)",
    )
    add_scenes_option(parser)
    parser.add_argument(
        "--skip-stock",
        action="store_true",
        help="do not render with the stock manim CLI (no speed-up column)",
    )
    parser.add_argument("--jobs", "-j", type=int, default=2, help="chainrule --jobs (2)")
    parser.add_argument(
        "--changed",
        choices=SIX,
        default=None,
        help="the scene re-rendered with changed pacing (default: the last of --scenes)",
    )
    parser.add_argument("--keep", metavar="DIR", help="keep videos, caches and logs in DIR")
    parser.add_argument(
        "--against",
        metavar="REV",
        help="also render with the code at git revision REV, row by row beside "
        "this checkout (before/after in one run)",
    )
    args = parser.parse_args()
    changed = args.changed or args.scenes[-1]

    header = (
        f"chainrule render benchmark: -q{args.quality}, {len(args.scenes)} scene(s), "
        f"--jobs {args.jobs}, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()[0]:.1f}"
    )
    print(header, file=sys.stderr)
    if args.keep:
        work = Path(args.keep).resolve()
        work.mkdir(parents=True, exist_ok=True)
        context = None
    else:
        context = tempfile.TemporaryDirectory(prefix="chainrule-bench-")
        work = Path(context.name)
    try:
        bench = Bench(args.quality, list(args.scenes), args.jobs, work)
        if args.against:
            bench.before_and_after(checkout(args.against, work / "before"), args.against)
        else:
            bench.all_rows(args.skip_stock, changed)
        print(header)
        print(bench.table())
        print(
            f"load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine "
            f"slows every row)"
        )
    finally:
        if context is not None:
            context.cleanup()


if __name__ == "__main__":
    main()
