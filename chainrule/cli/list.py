"""``chainrule list``: the scenes, one line each, with what they show and how long they run."""

from __future__ import annotations

import click

from chainrule.catalog import discover, estimated_seconds, summary
from chainrule.cli.options import (
    config_option,
    debug_option,
    load_settings,
    network_options,
)
from chainrule.errors import RenderFailed
from chainrule.publishing.chapters import timestamp
from chainrule.settings.model import Overrides
from chainrule.settings.scene_settings import scene_settings
from chainrule.system import require_graphics
from chainrule.verification import build_derivation


@click.command("list")
@network_options
@config_option
@debug_option
def list_scenes(network: Overrides, config_path: str | None) -> None:
    """List the scenes: name, estimated duration (≈ narration reading time), what it shows.

    Durations follow the network and the pacing of the config.
    """

    settings = load_settings(config_path, network)
    require_graphics()  # Manim (the scenes, their pacing) cannot be imported without them
    pacing = scene_settings(settings).pacing
    catalog = discover()
    for problem in catalog.problems:
        click.echo(f"chainrule: warning: {problem}", err=True)
    if not catalog.scenes:
        raise RenderFailed("no scenes found in the scenes package")
    derivation = build_derivation(settings.network.spec())
    width = max(len(name) for name in catalog.scenes)
    for name, cls in catalog.scenes.items():
        seconds = estimated_seconds(cls, derivation, pacing)
        click.echo(f"{name:<{width}}  ≈{timestamp(round(seconds)):>5}  {summary(cls)}")
