"""``chainrule script``: the narration of scenes as a script to read aloud and record.

Writes ``script.md`` (for the educator: per step its id, title, narration, how the formulas
are read and a guide length) and ``script.csv`` (``step_id,title,narration,speech,seconds``)
into the output folder. The steps are those the scenes read out, in that order, each once
(:func:`chainrule.catalog.narrated_ids_of`). ``seconds`` is the length of the step's speech in
the configured Piper voice, synthesised through the speech cache, so a second run synthesises
nothing; ``--no-seconds`` leaves it empty and synthesises nothing at all.

Every input is checked (settings, output folder, scene names) before anything is synthesised,
and both files are written at the end, each through a temporary file and a rename.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from chainrule.catalog import Catalog, narrated_ids_of
from chainrule.cli.options import (
    config_option,
    debug_option,
    network_options,
    output_dir_option,
    output_source,
    settings_and_output,
)
from chainrule.cli.scene_choice import asked_scenes
from chainrule.errors import ConfigError
from chainrule.files import atomic_write
from chainrule.publishing.chapters import timestamp
from chainrule.rendering.cache_folder import cache_root
from chainrule.system import require_graphics
from chainrule.verification import build_derivation
from chainrule.voice.lines import lines_for
from chainrule.voice.narrating import speech_folder
from chainrule.voice.piper_voice import PiperEngine
from chainrule.voice.speech_cache import SpeechCache, speak_all

if TYPE_CHECKING:
    from chainrule.settings.model import Overrides, Settings, VoiceSettings
    from chainrule.voice.engines import Engine, Speech
    from chainrule.voice.lines import Line

#: The columns of ``script.csv``, in order.
CSV_COLUMNS = ("step_id", "title", "narration", "speech", "seconds")
#: The extensions a recording may have (see ``[voice] engine = "recorded"``).
RECORDING_EXTENSIONS = (".wav", ".flac", ".ogg")


@click.command("script")
@click.argument("scene_names", nargs=-1, metavar="[SCENE]...")
@output_dir_option("Where script.md and script.csv go [config: output.directory; default media].")
@click.option(
    "--no-seconds",
    "no_seconds",
    is_flag=True,
    help="Leave the seconds column empty: synthesise nothing (fast).",
)
@network_options
@config_option
@debug_option
def script(
    scene_names: Sequence[str],
    output_dir: str | None,
    no_seconds: bool,
    network: Overrides,
    config_path: str | None,
) -> None:
    """Write the narration of SCENEs (default: the whole Lecture) as a script to record.

    script.md is for reading aloud: one heading per step with its id, its narration, how the
    formulas are read, and how long the bundled voice takes (a guide). script.csv has the
    columns step_id,title,narration,speech,seconds. Record one file per step named
    <step_id>.wav (or .flac, .ogg) into a folder, then set [voice] engine = "recorded" and
    folder = "..." in the config to render with your voice.

    \b
    Examples:
      chainrule script                        the lecture's script into media/
      chainrule script FoldBack -o handouts
      chainrule script --no-seconds           without synthesising the guide lengths
    """

    settings, out = settings_and_output(config_path, network, output_dir)

    require_graphics()  # the scenes (which list their steps) import Manim
    catalog, names = asked_scenes(scene_names)
    lines = script_lines(settings, catalog, names)
    seconds = {} if no_seconds else speech_seconds(lines, settings.voice)
    md_text = script_markdown(lines, seconds, names, settings)
    csv_text = script_csv(lines, seconds)
    _write(out, {"script.csv": csv_text, "script.md": md_text}, output_source(output_dir))
    click.echo(
        f"Wrote {out / 'script.md'} and {out / 'script.csv'} ({len(lines)} steps"
        + (f", {timestamp(round(sum(seconds.values())))} of speech" if seconds else "")
        + ")."
    )


def script_lines(settings: Settings, catalog: Catalog, names: Sequence[str]) -> tuple[Line, ...]:
    """The :class:`~chainrule.voice.lines.Line` of every step the scenes ``names`` read out,
    in order, each once."""

    derivation = build_derivation(settings.network.spec())
    ids = [
        step_id for name in names for step_id in narrated_ids_of(catalog.scenes[name], derivation)
    ]
    return lines_for(derivation, ids)


# ---------------------------------------------------------------------- synthesis


def make_engine(voice: VoiceSettings) -> Engine:
    """The Piper voice of ``[voice]`` (its ``voice`` and ``speed``, whatever ``engine`` says:
    the lengths are a guide for recording). Looked up when called, so tests can swap it."""

    return PiperEngine(voice=voice.voice, speed=voice.speed)


def open_cache(root: Path) -> SpeechCache:
    """The speech cache of the cache folder ``root``, the one ``chainrule render`` uses
    (:func:`chainrule.voice.narrating.speech_folder`)."""

    return SpeechCache(speech_folder(root))


def speak_cached(engine: Engine, line: Line, cache: SpeechCache | None) -> Speech:
    """The speech of ``line``: from ``cache``, or synthesised by ``engine`` and stored."""

    spoken = speak_all(engine, [line], cache)
    return next(iter(spoken.values()))


def speech_seconds(lines: Sequence[Line], voice: VoiceSettings) -> dict[str, float]:
    """The length of each line's speech (by step id), synthesised through the speech cache;
    a progress line on stderr while it runs."""

    module = sys.modules[__name__]  # the hooks, looked up now (tests replace them)
    engine = module.make_engine(voice)
    cache = module.open_cache(cache_root())
    seconds: dict[str, float] = {}
    with _Progress(len(lines)) as progress:
        for line in lines:
            with progress.step(line.step_id):
                speech = module.speak_cached(engine, line, cache)
            seconds[line.step_id] = float(speech.seconds)
    return seconds


class _Progress:
    """``speaking 3/24 dZ1.expand``: a rich bar on a terminal, else one line."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Progress | None = None
        if sys.stdout.isatty():
            self.bar = Progress(
                TextColumn("speaking"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                console=Console(file=sys.stdout),
                transient=True,
            )
            self.task = self.bar.add_task("", total=total)

    @contextmanager
    def step(self, step_id: str) -> Iterator[None]:
        """``step_id`` is being spoken."""
        if self.bar is not None:
            self.bar.update(self.task, description=step_id)
        yield
        if self.bar is not None:
            self.bar.advance(self.task)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        else:
            click.echo(f"Speaking {self.total} steps (cached speech is not synthesised again) ...")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# ---------------------------------------------------------------------- the two files


def script_csv(lines: Sequence[Line], seconds: dict[str, float]) -> str:
    """``script.csv``: a header (:data:`CSV_COLUMNS`) and one row per line; ``seconds`` to
    two decimals, empty when not synthesised.

    >>> from chainrule.voice.lines import Line
    >>> print(script_csv([Line.of("a.b", "T", "Say x[1], twice.")], {"a.b": 1.234}), end="")
    step_id,title,narration,speech,seconds
    a.b,T,"Say x[1], twice.","Say x one, twice.",1.23
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        length = seconds.get(line.step_id)
        writer.writerow(
            [
                line.step_id,
                line.title,
                _tidy(line.narration),
                line.speech,
                "" if length is None else f"{length:.2f}",
            ]
        )
    return buffer.getvalue()


def script_markdown(
    lines: Sequence[Line], seconds: dict[str, float], names: Sequence[str], settings: Settings
) -> str:
    """``script.md``: how to record, then per step a heading (number, id, title), the
    narration as shown, the spoken form and the guide length."""
    voice = settings.voice
    total = sum(seconds.values())
    about = (
        f" · about {timestamp(round(total))} of speech in the {voice.voice} voice "
        f"at speed {voice.speed:g}"
        if seconds
        else ""
    )
    out = [
        f"# Narration script: {', '.join(names)}",
        "",
        f"{settings.network.spec().describe()} · {len(lines)} steps{about}",
        "",
        "## How to record",
        "",
        "Read each step aloud and save it as one audio file named after its step id, "
        "for example `" + (lines[0].step_id if lines else "dZ1.fold") + ".wav` "
        "(`.flac` and `.ogg` work too), all in one folder such as `recordings/`. "
        "Then tell chainrule to use them, in `chainrule.toml`:",
        "",
        "```toml",
        "[voice]",
        'engine = "recorded"',
        'folder = "recordings"',
        "```",
        "",
        "and run `chainrule render`: each step lasts as long as your recording plus the "
        f'pause ({voice.pause:g} s), so take your time. "Spoken" shows how the '
        "formulas are read out; say them your way. The guide length is how long the "
        "bundled voice takes.",
        "",
    ]
    for number, line in enumerate(lines, 1):
        out += [
            f"## {number}. `{line.step_id}` — {line.title}",
            "",
            f"> {_tidy(line.narration)}",
            "",
            f"Spoken: {line.speech}",
            "",
            f"File: `{line.step_id}.wav`"
            + (
                f" · guide length: {seconds[line.step_id]:.1f} s" if line.step_id in seconds else ""
            ),
            "",
        ]
    return "\n".join(out)


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _write(out: Path, files: dict[str, str], source: str) -> None:
    """Each file through a temporary file and a rename (:func:`chainrule.files.atomic_write`)."""

    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            atomic_write(out / name, text)
    except OSError as error:
        raise ConfigError(f"{source}: cannot write into {out}: {error.strerror or error}") from None


__all__ = [
    "CSV_COLUMNS",
    "make_engine",
    "open_cache",
    "script",
    "script_csv",
    "script_lines",
    "script_markdown",
    "speak_cached",
    "speech_seconds",
]
