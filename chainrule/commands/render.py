"""``chainrule render``: verify, render scenes with Manim, publish them with a manifest.

Order of work: every input is validated (settings, scene names, output folder, LaTeX tools);
the derivation is built and every step verified (a failure stops here, nothing is rendered);
the scenes render into a private work folder (in worker processes with ``--jobs N``); finished
files are moved into the output folder atomically and ``manifest.json`` is updated.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .errors import ConfigError, RenderFailed
from .options import (config_option, debug_enabled, debug_option, load_settings,
                      network_options, network_overrides, output_options)

MAX_JOBS = 16
#: The longest name of one file or folder (Linux file systems).
NAME_MAX = 255


class ResolutionType(click.ParamType):
    """``WxH`` with even sides from 16 to 3840 (16:9 keeps the layout as designed)."""

    name = "WxH"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        text = str(value).lower()
        try:
            width, height = (int(part) for part in text.split("x"))
        except ValueError:
            self.fail(f"{str(value)[:40]!r} is not WIDTHxHEIGHT, e.g. 256x144", param, ctx)
        for side in (width, height):
            if not 16 <= side <= 3840 or side % 2:
                self.fail(f"{width}x{height}: each side must be an even number of pixels "
                          f"from 16 to 3840", param, ctx)
        return width, height


@click.command("render")
@click.argument("scene_names", nargs=-1, metavar="[SCENE]...")
@output_options
@click.option("--jobs", "-j", type=click.IntRange(1, MAX_JOBS), default=1, show_default=True,
              help="Scenes rendered in parallel worker processes.")
@click.option("--resolution", type=ResolutionType(), metavar="WxH",
              help="Pixel size instead of the quality's (frame rate stays the quality's), "
                   "e.g. 256x144 for a quick look.")
@click.option("--preview", is_flag=True, help="Open the result when done.")
@network_options
@config_option
@debug_option
def render(scene_names: Sequence[str], quality: str | None, format_: str | None,
           output_dir: str | None, jobs: int, resolution: tuple[int, int] | None,
           preview: bool, activation: str | None, dims: tuple[int, ...] | None, m: int | None,
           config_path: str | None) -> None:
    """Render SCENEs (default: the whole Lecture) after verifying every derivation step.

    Writes <Scene>_<quality>.<format> with <Scene>_<quality>.srt subtitles (png: the last
    frame of each section, <Scene>_<quality>_NN.png) and manifest.json into the output folder.

    \b
    Examples:
      chainrule render -q l                        the lecture at 480p15 into media/
      chainrule render ExpandToScalars FoldBack -q m -j 2
      chainrule render --config course.toml --format png -o handouts
    """
    from .catalog import DEFAULT_SCENE, discover
    from .config import QUALITIES

    overrides = network_overrides(activation, dims, m)
    overrides.update({"output.quality": (quality, "--quality"),
                      "output.format": (format_, "--format"),
                      "output.directory": (output_dir, "--output")})
    settings = load_settings(config_path, overrides)
    from .system import require_graphics, require_tex

    require_graphics()  # Manim, and so the theme, cannot even be imported without Cairo/Pango
    settings.theme_object(), settings.pacing_object()  # validate them before any work
    source = "option --output" if output_dir is not None else "[output] directory"
    out = check_output_dir(Path(settings.output.directory), source)

    catalog = discover()
    if scene_names:
        names = list(dict.fromkeys(catalog.get(name).__name__ for name in scene_names))
    elif DEFAULT_SCENE in catalog.scenes:
        names = [DEFAULT_SCENE]
    else:
        if not catalog.scenes:
            raise RenderFailed("no scenes found in the scenes package")
        names = list(catalog.scenes)
        click.echo(f"chainrule: note: there is no {DEFAULT_SCENE} scene yet; rendering every "
                   f"scene: {', '.join(names)}", err=True)

    require_tex()

    from .verify import build_derivation, verify_with_display

    spec = settings.network.spec()
    derivation = build_derivation(spec)
    seconds = verify_with_display(derivation, echo_steps=False)
    click.echo(f"Verified {len(derivation)} steps for {spec.describe()} ({seconds:.1f} s).")

    q = QUALITIES[settings.output.quality]
    width, height = resolution or (q.width, q.height)
    from .catalog import estimated_seconds

    pacing = settings.pacing_object()
    estimates = {name: estimated_seconds(catalog.scenes[name], derivation, pacing)
                 for name in names}
    with work_folder() as work:
        jobs_list = [_job(name, settings, q.flag, width, height, q.fps, work) for name in names]
        results = run_jobs(jobs_list, estimates, derivation, jobs)
        failed = [r for r in results if r.error is not None]
        if failed:
            if debug_enabled():
                for result in failed:
                    click.echo(result.traceback or "", err=True)
            first = failed[0]
            raise RenderFailed(f"scene {first.scene} failed to render: {first.error}"
                               + (f" ({len(failed) - 1} more failed)" if len(failed) > 1 else "")
                               + "; nothing was written to the output folder")
        entries = _publish_all(results, out, settings)
    _summary(entries, out)
    if preview and entries:
        click.launch(str(out / entries[0]["path"]))


def _job(name: str, settings: Any, flag: str, width: int, height: int, fps: int,
         work: Path) -> Any:
    from .cache import cache_root
    from .rendering import SceneJob

    folder = work / name
    folder.mkdir()
    video_format = "mp4" if settings.output.format == "png" else settings.output.format
    return SceneJob(scene=name, settings=settings.model_dump(), stem=f"{name}_{flag}",
                    video_format=video_format, width=width, height=height, fps=fps,
                    work_dir=str(folder), cache_dir=str(cache_root()),
                    verbosity="INFO" if debug_enabled() else "WARNING")


def _publish_all(results: list[Any], out: Path, settings: Any) -> list[dict[str, Any]]:
    from .publish import publish, update_manifest

    config = settings.resolved()
    entries = []
    try:
        for result in results:
            first_title = "Title" if result.scene == "Lecture" else result.scene
            entries.append(publish(result, out, settings.output.format,
                                   settings.output.quality, config, first_title))
        update_manifest(out, entries)
    except OSError as error:
        raise RenderFailed(f"cannot write into the output folder {out}: "
                           f"{error.strerror or error}") from error
    return entries


def _summary(entries: list[dict[str, Any]], out: Path) -> None:
    for entry in entries:
        size = "x".join(str(n) for n in entry["resolution"])
        what = str(out / entry["path"])
        if entry["format"] == "png":
            what = f"{len(entry['frames'])} section frame(s) {what} ..."
        click.echo(f"Wrote {what}  ({entry['duration']:.1f} s, {size}, "
                   f"{len(entry['sections'])} sections, rendered in "
                   f"{entry['render_seconds']:.1f} s)")
    click.echo(f"Wrote {out / 'manifest.json'}")


def check_output_dir(path: Path, source: str) -> Path:
    """The output folder if it is (or can become) a writable folder; nothing is created."""
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            shown = part if len(part) <= 40 else part[:37] + "..."
            raise ConfigError(f"{source}: the folder name {shown!r} is {len(os.fsencode(part))} "
                              f"bytes long: names of files and folders are at most {NAME_MAX}")
    try:
        return _check_output_dir(path, source)
    except OSError as error:
        raise ConfigError(f"{source}: {path} cannot be used as the output folder: "
                          f"{error.strerror or error}") from None


def _check_output_dir(path: Path, source: str) -> Path:
    if path.exists():
        if not path.is_dir():
            raise ConfigError(f"{source}: {path} is a file, not a folder: choose another "
                              f"output folder")
        if not os.access(path, os.W_OK | os.X_OK):
            raise ConfigError(f"{source}: the folder {path} is not writable: choose another "
                              f"output folder or fix its permissions")
        return path
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ConfigError(f"{source}: cannot create {path}: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(f"{source}: cannot create {path}: {parent} is not writable")
    return path


@contextmanager
def work_folder() -> Iterator[Path]:
    """A private folder for Manim's output, removed afterwards whatever happens."""
    from .cache import cache_root

    root = cache_root() / "work"
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"render-{os.getpid()}-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------- running with progress

class _Progress:
    """One overall bar across scenes, measured in seconds of video."""

    def __init__(self, estimates: dict[str, float]) -> None:
        self.estimates = estimates
        self.rendered = dict.fromkeys(estimates, 0.0)
        self.done: set[str] = set()
        self.started = time.perf_counter()
        stream = sys.stdout
        self.bar: Any = None
        if stream.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, Progress, SpinnerColumn, TextColumn,
                                       TimeElapsedColumn)

            self.bar = Progress(SpinnerColumn(), TextColumn("rendering"), BarColumn(),
                                TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                                TextColumn("{task.description}"),
                                console=Console(file=stream), transient=True)
            self.task = self.bar.add_task("", total=self._total())

    def _total(self) -> float:
        return sum(self.rendered[n] if n in self.done else max(self.estimates[n],
                                                               self.rendered[n] * 1.1, 0.1)
                   for n in self.estimates)

    def _refresh(self) -> None:
        if self.bar is None:
            return
        running = [n for n in self.estimates if n not in self.done and self.rendered[n] > 0]
        self.bar.update(self.task, total=self._total(), completed=sum(self.rendered.values()),
                        description=f"{len(self.done)}/{len(self.estimates)} scenes"
                        + (f" · {', '.join(running)}" if running else ""))

    def report(self, scene: str, seconds: float) -> None:
        self.rendered[scene] = max(self.rendered[scene], seconds)
        self._refresh()

    def finished(self, result: Any, label: str | None = None) -> None:
        label = label or result.scene
        self.done.add(label)
        self._refresh()
        state = "failed" if result.error else "rendered"
        line = f"{state} {label} in {result.render_seconds:.1f} s"
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            click.echo(line)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_jobs(jobs: list[Any], estimates: dict[str, float], derivation: Any,
             processes: int) -> list[Any]:
    """Render every job, one result per job.

    Each job is split into units (:mod:`chainrule.parts`: one per lecture segment, else the
    scene); cached units are copied, the others rendered (in worker processes when
    ``processes`` > 1 and there are several), stored in the cache, and joined per job.
    """
    from .catalog import discover
    from .config import Settings
    from .parts import join, restore, split, store

    start = time.perf_counter()
    catalog = discover()
    plans = [split(job, catalog.get(job.scene), derivation,
                   Settings.model_validate(job.settings), estimates[job.scene]) for job in jobs]
    units = [unit for plan in plans for unit in plan]
    done: dict[str, Any] = {}
    for unit in units:
        cached = restore(unit)
        if cached is not None:
            done[unit.label] = cached
    todo = sorted((u for u in units if u.label not in done), key=lambda u: -u.estimate)
    with _Progress({u.label: u.estimate for u in todo}) as progress:
        if processes <= 1 or len(todo) <= 1:
            rendered = [_render_here(unit.job, derivation, progress) for unit in todo]
        else:
            rendered = _run_parallel([u.job for u in todo], progress, min(processes, len(todo)))
    for unit, result in zip(todo, rendered):
        done[unit.label] = result
        store(unit, result)
    if len(done) > len(todo) and todo:
        click.echo(f"{len(done) - len(todo)} of {len(units)} parts unchanged, "
                   f"copied from the cache")
    elif not todo:
        click.echo(f"nothing changed: all {len(units)} parts copied from the cache")
    seconds = time.perf_counter() - start
    results = []
    for job, plan in zip(jobs, plans):
        parts = [done[unit.label] for unit in plan]
        failed = next((r for r in parts if r.error is not None), None)
        if failed is not None:
            from .rendering import SceneResult

            results.append(SceneResult(job.scene, job.stem, error=failed.error,
                                       traceback=failed.traceback))
            continue
        results.append(join(job, parts, seconds))
    return results


def _render_here(job: Any, derivation: Any, progress: _Progress) -> Any:
    from .rendering import render_job

    result = render_job(job, derivation=derivation, report=progress.report)
    progress.finished(result, job.label or job.scene)
    return result


def _run_parallel(jobs: list[Any], progress: _Progress, workers: int) -> list[Any]:
    import multiprocessing
    import queue as queue_module
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from .rendering import init_worker, render_in_worker

    context = multiprocessing.get_context("spawn")
    reports = context.Queue()
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=init_worker, initargs=(reports,))
    results: dict[int, Any] = {}
    try:
        pending = {executor.submit(render_in_worker, job): (index, job)
                   for index, job in enumerate(jobs)}
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(reports, progress, queue_module)  # (reports of finished jobs come first)
            for future in done:
                index, job = pending.pop(future)
                try:
                    result = future.result()
                except Exception as error:  # a worker died (killed, out of memory)
                    from .rendering import SceneResult

                    result = SceneResult(job.scene, job.stem,
                                         error=f"worker process failed: {error}")
                results[index] = result
                progress.finished(result, job.label or job.scene)
    except BaseException:
        processes = list((getattr(executor, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()  # workers exit through Python (see rendering.init_worker)
        executor.shutdown(wait=True, cancel_futures=True)  # frees the pool's queues too
        raise
    finally:
        reports.close()
        reports.join_thread()
    executor.shutdown(wait=True)
    return [results[index] for index in range(len(jobs))]


def _drain(reports: Any, progress: _Progress, queue_module: Any) -> None:
    while True:
        try:
            scene, seconds = reports.get_nowait()
        except queue_module.Empty:
            return
        progress.report(scene, seconds)


__all__ = ["check_output_dir", "render", "run_jobs"]
