"""Options shared by several subcommands, and loading the settings they feed."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from chainrule.cli.folders import check_output_dir
from chainrule.settings.colour_vision import theme_warnings
from chainrule.settings.model import DEFAULT_CONFIG_NAME, FORMATS, QUALITIES, Overrides, Settings
from derivations.activations import ACTIVATIONS

F = TypeVar("F", bound=Callable[..., Any])

#: Set by ``--debug`` (or ``CHAINRULE_DEBUG=1``): show tracebacks.
DEBUG = {"on": False}


# click>=8.1 is supported and ParamType takes type arguments only from click 8.4 on
class DimsType(click.ParamType):  # type: ignore[type-arg]
    """``2,3,1`` → ``(2, 3, 1)``; ranges are checked by the settings model."""

    name = "N,N,..."

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        text = str(value)
        if len(text) > 100:
            self.fail(
                f"{text[:20]!r}... is {len(text)} characters long: give a few sizes like 2,3,1",
                param,
                ctx,
            )
        try:
            return tuple(int(part) for part in text.replace(" ", "").split(","))
        except ValueError:
            self.fail(
                f"{text!r} is not a comma-separated list of integers: write n_x and the "
                f"layer sizes like 2,3,1",
                param,
                ctx,
            )


# click>=8.1 is supported and ParamType takes type arguments only from click 8.4 on
class ResolutionType(click.ParamType):  # type: ignore[type-arg]
    """``WxH`` with even sides from 16 to 3840 (16:9 keeps the layout as designed)."""

    name = "WxH"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
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
                self.fail(
                    f"{width}x{height}: each side must be an even number of pixels from 16 to 3840",
                    param,
                    ctx,
                )
        return width, height


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        DEBUG["on"] = True
    return value


def debug_option(function: F) -> F:
    """``--debug``: show the traceback behind an error."""
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show the full traceback when something fails.",
    )(function)


def config_option(function: F) -> F:
    """``--config FILE``."""
    return click.option(
        "--config",
        "config_path",
        metavar="FILE",
        help=f"TOML settings (default: ./{DEFAULT_CONFIG_NAME} when it exists; "
        f"see `chainrule init`).",
    )(function)


def network_options(function: F) -> F:
    """``--activation``, ``--dims``, ``--m``: override ``[network]``. The command receives
    them as one argument, ``network``: the overrides they make (:func:`network_overrides`)."""

    @functools.wraps(function)
    def command(
        *args: object,
        activation: str | None,
        dims: tuple[int, ...] | None,
        m: int | None,
        **kwargs: object,
    ) -> Any:
        return function(*args, network=network_overrides(activation, dims, m), **kwargs)

    for decorator in reversed(
        [
            click.option(
                "--activation",
                type=click.Choice(ACTIVATIONS),
                help="Hidden-layer activation [config: network.activation].",
            ),
            click.option(
                "--dims",
                type=DimsType(),
                metavar="N,N,...",
                help="n_x and 2 to 4 layer sizes, 1 to 4 each, e.g. 2,3,1 "
                "[config: network.layer_dims].",
            ),
            click.option(
                "--m",
                "m",
                type=int,
                metavar="M",
                help="Number of examples, 1 to 5 [config: network.m].",
            ),
        ]
    ):
        command = decorator(command)
    return cast(F, command)


#: The help of ``--output`` where it names the folder every file goes into.
OUTPUT_HELP = "Output folder [config: output.directory; default media]."


def output_dir_option(help: str = OUTPUT_HELP) -> Callable[[F], F]:
    """``--output DIR`` (``-o``): override ``[output] directory``."""
    return click.option("--output", "-o", "output_dir", metavar="DIR", help=help)


def output_options(function: F) -> F:
    """``--quality``, ``--format``, ``--output``: override ``[output]``."""
    for decorator in reversed(
        [
            click.option(
                "--quality",
                "-q",
                type=click.Choice(list(QUALITIES)),
                help="l = 480p15, m = 720p30, h = 1080p60, k = 2160p60 "
                "[config: output.quality; default h].",
            ),
            click.option(
                "--format",
                "format_",
                type=click.Choice(FORMATS),
                help="Video format, or png = the last frame of each section "
                "[config: output.format; default mp4].",
            ),
            output_dir_option(),
        ]
    ):
        function = decorator(function)
    return function


def load_settings(config_path: str | None, overrides: Overrides) -> Settings:
    """Defaults < the config file (``--config``, else ``./chainrule.toml``) < options,
    validated together, once; symbol colours that merge for colour-blind viewers get one
    ``chainrule: warning:`` line (:func:`~chainrule.settings.colour_vision.theme_warnings`)."""

    if config_path is not None:
        settings = Settings.from_file(config_path, overrides)
    elif Path(DEFAULT_CONFIG_NAME).is_file():
        settings = Settings.from_file(DEFAULT_CONFIG_NAME, overrides)
    else:
        settings = Settings.from_mapping({}, source=None, overrides=overrides)
    for warning in theme_warnings(settings):
        click.echo(f"chainrule: warning: {warning}", err=True)
    return settings


def settings_and_output(
    config_path: str | None, overrides: Overrides, output_dir: str | None
) -> tuple[Settings, Path]:
    """:func:`load_settings` with ``--output`` among the ``overrides``, and the output folder
    the settings name, checked (:func:`~chainrule.cli.folders.check_output_dir`)."""
    settings = load_settings(
        config_path, {**overrides, "output.directory": (output_dir, "--output")}
    )
    out = check_output_dir(Path(settings.output.directory), output_source(output_dir))
    return settings, out


def output_source(output_dir: str | None) -> str:
    """Where the output folder was given, for messages about it."""
    return "option --output" if output_dir is not None else "[output] directory"


def network_overrides(
    activation: str | None, dims: tuple[int, ...] | None, m: int | None
) -> dict[str, tuple[Any, str]]:
    """The ``[network]`` overrides given on the command line."""
    return {
        "network.layer_dims": (dims, "--dims"),
        "network.m": (m, "--m"),
        "network.activation": (activation, "--activation"),
    }


def debug_enabled() -> bool:
    """``--debug`` was given, or ``CHAINRULE_DEBUG`` is set to something other than 0."""
    return DEBUG["on"] or os.environ.get("CHAINRULE_DEBUG", "0") not in ("", "0")
