"""The ``chainrule`` command: a group of subcommands, one module each (:mod:`chainrule.cli`).

Errors are one line on stderr, ``chainrule: error: ...``, with exit code 2 for a usage or
config error and 1 for a failed verification or render (see :mod:`chainrule.errors`);
``--debug`` (on any subcommand) or ``CHAINRULE_DEBUG=1`` adds the traceback.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any, NoReturn

import click

from chainrule import __version__, stop
from chainrule.cli.check import check
from chainrule.cli.handout import handout
from chainrule.cli.init import init
from chainrule.cli.list import list_scenes
from chainrule.cli.options import DEBUG, debug_enabled
from chainrule.cli.render import render
from chainrule.cli.script import script
from chainrule.cli.slides import slides
from chainrule.errors import ChainruleError

#: The hash seed render processes run with, so Manim's partial-movie cache is stable
#: (``TransformMatchingTex`` iterates over sets).
HASH_SEED = "0"


def _error(prefix: str, message: str) -> None:
    click.echo(f"{prefix}: error: {' '.join(message.split())}", err=True)


class ChainruleGroup(click.Group):
    """A group whose errors are single lines (tracebacks only with ``--debug``)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: object,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        code = self._run(argv, "chainrule", complete_var, **extra)  # not the runner's name
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self, argv: list[str], prog_name: str, complete_var: str | None, **extra: object
    ) -> int:
        DEBUG["on"] = False  # set again by --debug for this run only
        try:
            with _signals_as_exceptions():
                result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            return result if isinstance(result, int) else 0
        except click.exceptions.Abort:
            _error(prog_name, "interrupted")
            return 130
        except click.ClickException as error:
            if _debug(argv):
                traceback.print_exc()
            ctx = getattr(error, "ctx", None)  # a UsageError's (ClickException has none)
            where = ctx.command_path if ctx else prog_name
            help_hint = f" (see `{where} --help`)" if isinstance(error, click.UsageError) else ""
            _error(prog_name, error.format_message() + help_hint)
            return error.exit_code
        except ChainruleError as error:
            if _debug(argv):
                traceback.print_exc()
            _error(prog_name, error.message)
            return error.exit_code
        except KeyboardInterrupt:
            _error(prog_name, "interrupted")
            return 130
        except Exception as error:
            if _debug(argv):
                raise
            _error(
                prog_name,
                f"unexpected {type(error).__name__}: {error} (this is a bug in "
                f"chainrule; run again with --debug for the traceback and report it)",
            )
            return 1


def _debug(argv: Sequence[str]) -> bool:
    return debug_enabled() or "--debug" in argv


@contextmanager
def _signals_as_exceptions() -> Iterator[None]:
    """SIGTERM raises :class:`Interrupted` (exit 143), SIGINT ``KeyboardInterrupt`` (130), so
    clean-up code runs; both are also recorded for :func:`chainrule.stop.raise_if_requested`."""

    def on_signal(signum: int, frame: FrameType | None) -> NoReturn:
        stop.request(signum)  # in case the exception below is swallowed (see chainrule.stop)
        stop.raise_for(signum)

    stop.clear()
    try:
        previous = signal.signal(signal.SIGTERM, on_signal)
        previous_int = signal.signal(signal.SIGINT, on_signal)
    except ValueError:  # not the main thread
        yield
        return
    previous_hook, sys.unraisablehook = sys.unraisablehook, stop.quiet_unraisable
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        sys.unraisablehook = previous_hook


@click.group(
    cls=ChainruleGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="chainrule")
def cli() -> None:
    """Verified derivations of backprop's matrix chain rule, rendered as Manim lectures.

    \b
    Start with:
      chainrule check            derive and verify every step
      chainrule list             the scenes and their estimated durations
      chainrule render -q l      the whole lecture at 480p15 into media/
      chainrule init             a commented config file to adapt it to your course
      chainrule script           the narration as a script, to record in your own voice
      chainrule slides           the lecture as slides (reveal.js HTML, PowerPoint, PDF)
      chainrule handout          the steps with formulas, frames and proofs, as PDF or HTML
    """


cli.add_command(check)
cli.add_command(handout)
cli.add_command(init)
cli.add_command(list_scenes)
cli.add_command(render)
cli.add_command(script)
cli.add_command(slides)


def main() -> None:
    """Console-script entry point: fix the hash seed (re-executing once), then run."""
    if os.environ.get("PYTHONHASHSEED") is None:
        os.environ["PYTHONHASHSEED"] = HASH_SEED
        # if exec fails, run on with a random seed: only Manim's cache reuse suffers
        with suppress(OSError):
            # -P: do not put the current folder on sys.path (a local scenes/ must not shadow ours)
            os.execv(sys.executable, [sys.executable, "-P", "-m", "chainrule", *sys.argv[1:]])
    cli(prog_name="chainrule")


__all__ = ["cli", "main"]
