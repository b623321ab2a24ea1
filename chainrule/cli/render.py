"""``chainrule render``: verify, plan, draw the units, publish them with a manifest.

Order of work: every input is validated (settings, output folder, executor options, scene
names, LaTeX tools; the Dask scheduler is connected to): a usage error exits 2 before any work.
The derivation is built and every step verified (a failure stops here, nothing is rendered).
The plan (:mod:`chainrule.rendering.plan`) lists the units with their cache keys; units not in the
cache
are drawn by the executor (:mod:`chainrule.rendering.executors`: local processes, ``--jobs N``, or
Dask)
into a private work folder; finished files are moved into the output folder atomically and
``manifest.json`` is updated (:mod:`chainrule.publishing.manifest`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from chainrule.catalog import Catalog, narrated_ids_of
from chainrule.cli.folders import chosen_cache_folder
from chainrule.cli.options import (
    ResolutionType,
    config_option,
    debug_enabled,
    debug_option,
    network_options,
    output_options,
    settings_and_output,
)
from chainrule.cli.scene_choice import scenes_to_render
from chainrule.errors import RenderFailed
from chainrule.exchange import RenderedFiles, VideoFormat
from chainrule.publishing.manifest import publish, update_manifest
from chainrule.rendering.dask_executor import DaskExecutor, check_address
from chainrule.rendering.execution import run_plan, work_folder
from chainrule.rendering.executors import Executor, LocalExecutor
from chainrule.rendering.plan import RenderPlan, build_plan
from chainrule.settings.model import QUALITIES, Overrides
from chainrule.settings.scene_settings import resolved, scene_settings
from chainrule.system import require_graphics, require_tex
from chainrule.verification import build_derivation, verify_with_display
from chainrule.voice.narrating import (
    Narration,
    add_narration,
    narrated,
    prepare,
    report,
    script_for,
)
from derivations import Derivation

MAX_JOBS = 16


EXECUTORS = ("local", "dask")


@click.command("render")
@click.argument("scene_names", nargs=-1, metavar="[SCENE]...")
@output_options
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, MAX_JOBS),
    default=1,
    show_default=True,
    help="Units (scenes, parts of the lecture) drawn in parallel worker processes on this machine.",
)
@click.option(
    "--executor",
    type=click.Choice(EXECUTORS),
    default="local",
    show_default=True,
    help="Where units are drawn: local processes (--jobs), or the workers of a Dask "
    "cluster (--scheduler; needs `pip install 'chainrule[dask]'`).",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="The Dask scheduler for --executor dask. Its workers need the same "
    "chainrule and the cache folder at the same path.",
)
@click.option(
    "--cache-dir",
    "cache_dir",
    metavar="DIR",
    help="The cache folder (default: $CHAINRULE_CACHE_DIR, else ~/.cache/chainrule); "
    "with --executor dask, a folder every worker shares.",
)
@click.option(
    "--resolution",
    type=ResolutionType(),
    metavar="WxH",
    help="Pixel size instead of the quality's (frame rate stays the quality's), "
    "e.g. 256x144 for a quick look.",
)
@click.option("--preview", is_flag=True, help="Open the result when done.")
@click.option(
    "--no-voice",
    "no_voice",
    is_flag=True,
    help="Silent videos timed by reading speed, as [voice] enabled = false.",
)
@network_options
@config_option
@debug_option
def render(
    scene_names: Sequence[str],
    quality: str | None,
    format_: str | None,
    output_dir: str | None,
    jobs: int,
    executor: str,
    scheduler: str | None,
    cache_dir: str | None,
    resolution: tuple[int, int] | None,
    preview: bool,
    no_voice: bool,
    network: Overrides,
    config_path: str | None,
) -> None:
    """Render SCENEs (default: the whole Lecture) after verifying every derivation step.

    Writes <Scene>_<quality>.<format> with <Scene>_<quality>.srt subtitles (png: the last
    frame of each section, <Scene>_<quality>_NN.png) and manifest.json into the output folder.
    mp4 and webm are narrated ([voice] in the config; --no-voice for silent videos).

    \b
    Examples:
      chainrule render -q l                        the lecture at 480p15 into media/
      chainrule render ExpandToScalars FoldBack -q m -j 2
      chainrule render --config course.toml --format png -o handouts
      chainrule render -q h --executor dask --scheduler tcp://10.0.0.5:8786
    """
    overrides = {
        **network,
        "output.quality": (quality, "--quality"),
        "output.format": (format_, "--format"),
        "voice.enabled": (False if no_voice else None, "--no-voice"),
    }
    settings, out = settings_and_output(config_path, overrides, output_dir)
    _check_executor_options(executor, scheduler, jobs)
    cache = chosen_cache_folder(cache_dir)

    require_graphics()  # Manim, and so the theme, cannot even be imported without Cairo/Pango

    scene_settings(settings)  # the theme and pacing: validated before any work
    catalog, names = scenes_to_render(scene_names)
    require_tex()
    with _executor(executor, scheduler, jobs) as runner:
        spec = settings.network.spec()
        derivation = build_derivation(spec)
        container = "mp4" if settings.output.format == "png" else settings.output.format
        voiced = narrated(settings, settings.output.format)
        script = (
            script_for(settings, derivation, _narrated_steps(catalog, names, derivation))
            if voiced
            else None
        )  # recordings checked before any work
        seconds = verify_with_display(derivation, echo_steps=False)
        click.echo(f"Verified {len(derivation)} steps for {spec.describe()} ({seconds:.1f} s).")
        narration = prepare(script, cache) if script is not None else None
        if narration is not None:
            report(narration)
        with work_folder(cache) as work:
            q = QUALITIES[settings.output.quality]
            width, height = resolution or (q.width, q.height)
            plan = build_plan(
                settings,
                derivation,
                catalog,
                names,
                VideoFormat(width, height, q.fps, container, q.flag),
                work,
                cache,
                verbosity="INFO" if debug_enabled() else "WARNING",
                voices=narration.voices if narration else None,
            )
            results = run_plan(plan, runner)
            _raise_for_failures(results)
            if narration is not None:
                results = _with_narration(results, narration)
            entries = _publish_all(plan, results, out, cache)
    _summary(entries, out)
    if preview and entries:
        click.launch(str(out / entries[0]["path"]))


def _narrated_steps(catalog: Catalog, names: Sequence[str], derivation: Derivation) -> list[str]:
    """Every step the scenes ``names`` read out, in order, each once."""

    ids = (i for name in names for i in narrated_ids_of(catalog.scenes[name], derivation))
    return list(dict.fromkeys(ids))


def _with_narration(results: list[RenderedFiles], narration: Narration) -> list[RenderedFiles]:
    """Each scene's video with its narration track (a failure is a :class:`RenderFailed`)."""

    try:
        return [add_narration(result, narration) for result in results]
    except (OSError, ValueError) as error:
        raise RenderFailed(
            f"could not add the narration to the video: {error}; nothing was "
            f"written to the output folder"
        ) from error


def _check_executor_options(executor: str, scheduler: str | None, jobs: int) -> None:
    if executor == "dask":
        if scheduler is None:
            raise click.UsageError(
                "--executor dask needs --scheduler tcp://HOST:PORT, the "
                "address of a running Dask scheduler"
            )

        check_address(scheduler)
        if jobs != 1:
            raise click.UsageError(
                "--jobs is for --executor local: a Dask cluster draws as "
                "many units at once as it has worker processes"
            )
    elif scheduler is not None:
        raise click.UsageError("--scheduler is for --executor dask: add --executor dask")


@contextmanager
def _executor(executor: str, scheduler: str | None, jobs: int) -> Iterator[Executor]:
    if executor == "dask":
        assert scheduler is not None

        with DaskExecutor(scheduler) as runner:
            yield runner
    else:
        yield LocalExecutor(jobs)


def _raise_for_failures(results: list[RenderedFiles]) -> None:
    failed = [r for r in results if r.error is not None]
    if not failed:
        return
    if debug_enabled():
        for result in failed:
            click.echo(result.traceback or "", err=True)
    first = failed[0]
    raise RenderFailed(
        f"scene {first.scene} failed to render: {first.error}"
        + (f" ({len(failed) - 1} more failed)" if len(failed) > 1 else "")
        + "; nothing was written to the output folder"
    )


def _publish_all(
    plan: RenderPlan, results: list[RenderedFiles], out: Path, cache: Path
) -> list[dict[str, Any]]:

    settings = plan.settings
    config = resolved(settings)
    entries = []
    try:
        for scene, result in zip(plan.scenes, results, strict=True):
            entries.append(
                publish(
                    result,
                    out,
                    settings.output.format,
                    settings.output.quality,
                    config,
                    scene.first_title,
                    scene.summary,
                )
            )
        update_manifest(out, entries, cache)
    except OSError as error:
        raise RenderFailed(
            f"cannot write into the output folder {out}: {error.strerror or error}"
        ) from error
    return entries


def _summary(entries: list[dict[str, Any]], out: Path) -> None:
    for entry in entries:
        size = "x".join(str(n) for n in entry["resolution"])
        what = str(out / entry["path"])
        if entry["format"] == "png":
            what = f"{len(entry['frames'])} section frame(s) {what} ..."
        click.echo(
            f"Wrote {what}  ({entry['duration']:.1f} s, {size}, "
            f"{len(entry['sections'])} sections, rendered in "
            f"{entry['render_seconds']:.1f} s)"
        )
        extras = [entry.get(key) for key in ("subtitles", "captions", "chapters_file", "page")]
        for name in filter(None, extras):
            click.echo(f"Wrote {out / name}")
    click.echo(f"Wrote {out / 'manifest.json'}")


__all__ = ["render"]
