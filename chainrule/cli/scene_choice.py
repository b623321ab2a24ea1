"""Which scenes a command works on: those named on its command line, else the lecture.

Kept apart from :mod:`chainrule.cli.options` because it discovers the scenes (importing the
``scenes`` package), which parsing options and reading settings never do.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from chainrule.catalog import DEFAULT_SCENE, Catalog, discover
from chainrule.errors import RenderFailed


def asked_scenes(scene_names: Sequence[str]) -> tuple[Catalog, list[str]]:
    """The catalog and the scenes asked for (default: the lecture), in order, each once."""

    catalog = discover()
    for problem in catalog.problems:
        click.echo(f"chainrule: warning: {problem}", err=True)
    asked = scene_names or (DEFAULT_SCENE,)
    return catalog, list(dict.fromkeys(catalog.get(name).__name__ for name in asked))


def scenes_to_render(scene_names: Sequence[str]) -> tuple[Catalog, list[str]]:
    """The catalog (discovered once) and the scenes to render, in order: those asked for, else
    the lecture, else (a scenes package without one) every scene, with a note."""

    catalog = discover()
    if scene_names:
        return catalog, list(dict.fromkeys(catalog.get(name).__name__ for name in scene_names))
    if DEFAULT_SCENE in catalog.scenes:
        return catalog, [DEFAULT_SCENE]
    if not catalog.scenes:
        raise RenderFailed("no scenes found in the scenes package")
    names = list(catalog.scenes)
    click.echo(
        f"chainrule: note: there is no {DEFAULT_SCENE} scene yet; rendering every "
        f"scene: {', '.join(names)}",
        err=True,
    )
    return catalog, names


__all__ = ["asked_scenes", "scenes_to_render"]
