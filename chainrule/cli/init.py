"""``chainrule init``: write a fully commented default config to start from."""

from __future__ import annotations

from pathlib import Path

import click

from chainrule.cli.options import debug_option
from chainrule.errors import ConfigError
from chainrule.settings.model import DEFAULT_CONFIG_NAME, Settings
from chainrule.settings.scene_settings import write_settings


@click.command("init")
@click.argument("path", default=DEFAULT_CONFIG_NAME, metavar="[PATH]")
@debug_option
def init(path: str) -> None:
    """Write a commented config file with every key at its default (default: ./chainrule.toml).

    Refuses to overwrite an existing file.
    """

    target = Path(path)
    if target.is_dir():
        raise ConfigError(
            f"{target} is a directory: give a file name such as {target / DEFAULT_CONFIG_NAME}"
        )
    if target.exists() or target.is_symlink():
        raise ConfigError(
            f"{target} already exists and init never overwrites: edit it, or remove it first"
        )
    if not target.parent.is_dir():
        raise ConfigError(f"cannot write {target}: the folder {target.parent} does not exist")
    try:
        write_settings(Settings(), target)
    except FileExistsError:
        raise ConfigError(f"{target} already exists and init never overwrites") from None
    except OSError as error:
        raise ConfigError(f"cannot write {target}: {error.strerror or error}") from None
    click.echo(f"Wrote {target}: edit it, then run `chainrule render --config {target}`.")
