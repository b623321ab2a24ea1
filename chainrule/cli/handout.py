"""``chainrule handout``: a PDF or HTML handout of scenes, every step with its proof.

Writes ``<Scene>_handout.pdf`` (or ``.html``) per scene into the output folder: for every step
the scene reads out, its title, narration, formulas, key frame and verification certificate
(:mod:`chainrule.publishing.handout`). Every input is checked first (settings, output folder, scene
names, the tools the format needs); a step whose certificate fails stops the command before
anything is written; each file is written through a temporary file and a rename.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from chainrule.catalog import narrated_ids_of
from chainrule.cli.options import (
    asked_scenes,
    config_option,
    debug_option,
    load_settings,
    network_options,
    network_overrides,
)
from chainrule.cli.render import ResolutionType, check_output_dir, chosen_cache_folder
from chainrule.errors import ConfigError, VerificationFailed
from chainrule.publishing.handout import (
    FRAME_SIZE,
    Handout,
    build_handout,
    failed_steps,
    handout_steps,
    render_key_frames,
)
from chainrule.publishing.katex import node_program
from chainrule.publishing.manifest import install
from chainrule.publishing.web_assets import package_dir
from chainrule.settings.scene_settings import scene_settings
from chainrule.system import require_graphics, require_tex
from chainrule.verification import build_derivation


@click.command("handout")
@click.argument("scene_names", nargs=-1, metavar="[SCENE]...")
@click.option(
    "--format",
    "format_",
    type=click.Choice(("pdf", "html")),
    default="pdf",
    show_default=True,
    help="pdf (through LaTeX) or html (one offline file).",
)
@click.option(
    "--output",
    "-o",
    "output_dir",
    metavar="DIR",
    help="Output folder [config: output.directory; default media].",
)
@click.option(
    "--resolution",
    type=ResolutionType(),
    metavar="WxH",
    help="Pixel size of the key frames [default 854x480].",
)
@click.option(
    "--no-frames",
    "no_frames",
    is_flag=True,
    help="Leave out the key frames: nothing is rendered (fast).",
)
@click.option(
    "--cache-dir",
    "cache_dir",
    metavar="DIR",
    help="The cache folder for rendering the key frames (default: "
    "$CHAINRULE_CACHE_DIR, else ~/.cache/chainrule).",
)
@network_options
@config_option
@debug_option
def handout(
    scene_names: Sequence[str],
    format_: str,
    output_dir: str | None,
    resolution: tuple[int, int] | None,
    no_frames: bool,
    cache_dir: str | None,
    activation: str | None,
    dims: tuple[int, ...] | None,
    m: int | None,
    config_path: str | None,
) -> None:
    """Write a handout of SCENEs (default: the whole Lecture): every step with its title,
    narration, formulas, key frame and how each claim was checked.

    \b
    Examples:
      chainrule handout                          the lecture as media/Lecture_handout.pdf
      chainrule handout FoldBack --format html   one offline HTML page
      chainrule handout --no-frames -o notes     without rendering the key frames
    """

    overrides = network_overrides(activation, dims, m)
    overrides["output.directory"] = (output_dir, "--output")
    settings = load_settings(config_path, overrides)
    source = "option --output" if output_dir is not None else "[output] directory"
    out = check_output_dir(Path(settings.output.directory), source)
    cache = None if no_frames else chosen_cache_folder(cache_dir)

    require_graphics()

    scene_settings(settings)  # the theme and pacing: validated before any work
    catalog, names = asked_scenes(scene_names)
    _require_tools(format_, no_frames)

    spec = settings.network.spec()
    derivation = build_derivation(spec)
    plans = [(name, _step_ids(catalog, name, derivation)) for name in names]
    handouts = [
        Handout(name, spec.describe(), handout_steps(derivation, ids)) for name, ids in plans
    ]
    _refuse_failures(handouts, failed_steps)
    with tempfile.TemporaryDirectory(prefix="chainrule-handout-") as work_dir:
        work = Path(work_dir)
        if cache is not None:
            handouts = [
                _with_frames(
                    handout_,
                    settings,
                    derivation,
                    catalog,
                    ids,
                    resolution or FRAME_SIZE,
                    cache,
                    work / "frames",
                )
                for handout_, (_, ids) in zip(handouts, plans, strict=True)
            ]
        built = [
            build_handout(handout_, format_, work / "built" / handout_.scene)
            for handout_ in handouts
        ]  # every file made before any is moved into place
        written = _install_all(
            built, [out / f"{h.scene}_handout.{format_}" for h in handouts], source
        )
    for path, handout_ in zip(written, handouts, strict=True):
        frames = sum(step.frame is not None for step in handout_.steps)
        click.echo(f"Wrote {path} ({len(handout_.steps)} steps, {frames} key frames).")


def _step_ids(catalog: Any, name: str, derivation: Any) -> tuple[str, ...]:

    return narrated_ids_of(catalog.scenes[name], derivation)


def _require_tools(format_: str, no_frames: bool) -> None:
    """LaTeX for a PDF or for rendering frames; node and KaTeX for HTML."""

    if format_ == "pdf" or not no_frames:
        require_tex()
    if format_ == "html":
        node_program()
        package_dir("katex")


def _refuse_failures(handouts: Sequence[Any], failed_steps: Any) -> None:
    for handout_ in handouts:
        failed = failed_steps(handout_)
        if failed:
            step = failed[0]
            claim = next(c for c in step.certificate.claims if not c.holds)
            raise VerificationFailed(
                f"step {step.step_id} ({step.title}) failed "
                f"verification: {claim.description}: {claim.failure}; "
                f"no handout was written"
            )


def _with_frames(
    handout_: Any,
    settings: Any,
    derivation: Any,
    catalog: Any,
    step_ids: Sequence[str],
    size: tuple[int, int],
    cache: Path,
    folder: Path,
) -> Any:

    target = folder / handout_.scene
    target.mkdir(parents=True)
    click.echo(f"Drawing the key frames of {handout_.scene} at {size[0]}x{size[1]} ...")
    frames = render_key_frames(
        settings, derivation, catalog, handout_.scene, step_ids, size, cache, target
    )
    steps = tuple(replace(step, frame=frames.get(step.step_id)) for step in handout_.steps)
    return replace(handout_, steps=steps)


def _install_all(built: Sequence[Path], targets: Sequence[Path], source: str) -> list[Path]:
    """Move each made file to its target (a copy beside it, then a rename)."""

    for made, target in zip(built, targets, strict=True):
        staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(made, staged)
            install(staged, target)
        except OSError as error:
            raise ConfigError(
                f"{source}: cannot write into {target.parent}: {error.strerror or error}"
            ) from None
        finally:
            staged.unlink(missing_ok=True)
    return list(targets)


__all__ = ["handout"]
