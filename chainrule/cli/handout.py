"""``chainrule handout``: a PDF or HTML handout of scenes, every step with its proof.

Writes ``<Scene>_handout.pdf`` (or ``.html``) per scene into the output folder: for every step
the scene reads out, its title, narration, formulas, key frame and verification certificate
(:mod:`chainrule.publishing.handout`). Every input is checked first (settings, output folder, scene
names, the tools the format needs); a step whose certificate fails stops the command before
anything is written; each file is written through a temporary file and a rename.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from chainrule.cli.folders import chosen_cache_folder
from chainrule.cli.options import (
    ResolutionType,
    config_option,
    debug_option,
    network_options,
    output_dir_option,
    settings_and_output,
)
from chainrule.cli.scene_choice import asked_scenes
from chainrule.publishing.katex import node_program
from chainrule.publishing.media import Context, Output, medium
from chainrule.publishing.web_assets import package_dir
from chainrule.settings.model import Overrides
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
@output_dir_option()
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
    network: Overrides,
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

    settings, out = settings_and_output(config_path, network, output_dir)
    cache = None if no_frames else chosen_cache_folder(cache_dir)

    require_graphics()

    scene_settings(settings)  # the theme and pacing: validated before any work
    catalog, names = asked_scenes(scene_names)
    _require_tools(format_, no_frames)

    derivation = build_derivation(settings.network.spec())
    handouts = medium("handout")
    context = Context(
        settings=settings, derivation=derivation, catalog=catalog, cache=cache, note=click.echo
    )
    output = Output(tuple(names), out, format_, requested=frozenset({"handout"}), size=resolution)
    for path, item in zip(
        handouts.publish(output, context), output.manifest["handouts"], strict=True
    ):
        click.echo(f"Wrote {path} ({item['steps']} steps, {item['key_frames']} key frames).")


def _require_tools(format_: str, no_frames: bool) -> None:
    """LaTeX for a PDF or for rendering frames; node and KaTeX for HTML."""

    if format_ == "pdf" or not no_frames:
        require_tex()
    if format_ == "html":
        node_program()
        package_dir("katex")


__all__ = ["handout"]
