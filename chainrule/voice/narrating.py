"""Narration around a render: speech made (or read) before anything is drawn, and the audio
track put into each finished video.

Before drawing, :func:`script_for` checks the voice (and the educator's recordings) and
:func:`prepare` turns every step the scenes read out into speech (through the
speech cache, so an unchanged render synthesises nothing; the educator's recordings are all
checked first) and into the timings the scenes are drawn with
(:class:`scenes.narration.StepVoice`). After drawing and joining, :func:`add_narration` mixes
one track per scene from where its steps' speech starts (the voice marks the scene recorded),
normalises it to −16 LUFS and muxes it into the video: AAC in mp4, Opus in webm. The lecture's
track is mixed once over the joined video, so the seams between its parts are not seams in the
sound. gif and png carry no sound and are drawn as silent renders.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from chainrule.exchange import RenderedFiles
from chainrule.publishing.probing import probe
from chainrule.settings.model import Settings
from chainrule.voice.choose import engine_for
from chainrule.voice.engines import Engine, EngineIdentity, Speech
from chainrule.voice.lines import Line, lines_for
from chainrule.voice.mux import EncodedAudio, encode_audio, fitted, fitted_count, mux_audio
from chainrule.voice.speech_cache import SpeechCache, key_for, speak_all
from chainrule.voice.timing import step_voice
from chainrule.voice.track import RATE, mix, normalise
from chainrule.voice.track_cache import TrackCache, track_key
from derivations import Derivation
from scenes.narration import StepVoice

#: Containers that carry sound.
VOICED_CONTAINERS = ("mp4", "webm")
#: The loudness every narrated video is normalised to (EBU R128 for streaming platforms).
TARGET_LUFS = -16.0


@dataclass(frozen=True)
class Narration:
    """The speech of one render: per step id its audio and its timing, and who spoke."""

    speeches: Mapping[str, Speech]
    voices: Mapping[str, StepVoice]
    identity: EngineIdentity
    pause: float  # seconds held after each step's speech
    synthesised: int  # lines the engine spoke in this run (0 when all were cached)
    seconds: float  # time spent making or reading the speech
    speech_keys: Mapping[str, str] = field(default_factory=dict)  # step id -> speech-cache key
    tracks: Path | None = None  # where finished tracks are cached (None: not cached)


def narrated(settings: Settings, container: str) -> bool:
    """Whether this render carries a voice: ``[voice] enabled`` and a container with sound."""
    return settings.voice.enabled and container in VOICED_CONTAINERS


@dataclass(frozen=True)
class Script:
    """What will be said and who says it: the engine and one line per narrated step."""

    engine: Engine
    lines: tuple[Line, ...]
    pause: float


def script_for(settings: Settings, derivation: Derivation, step_ids: Sequence[str]) -> Script:
    """The engine of ``[voice]`` and the lines of ``step_ids`` (in order, each once). The
    educator's recordings are all checked here, before any work
    (:class:`~chainrule.errors.RecordingError`, exit 2)."""

    engine = engine_for(settings.voice)
    assert engine is not None, "script_for() is only called for narrated renders"
    lines = lines_for(derivation, step_ids)
    check = getattr(engine, "check", None)
    if callable(check):
        check(lines)
    return Script(engine, lines, settings.voice.pause)


def speech_folder(cache_dir: Path) -> Path:
    """Where speech is kept: ``$CHAINRULE_SPEECH_DIR`` when set (to share one voice's speech
    between cache folders, as the tests do), else ``<cache>/speech``."""
    chosen = os.environ.get("CHAINRULE_SPEECH_DIR")
    return Path(chosen) if chosen else cache_dir / "speech"


def prepare(script: Script, cache_dir: Path) -> Narration:
    """The speech and timing of every line of ``script`` (synthesised only when not in the
    speech cache under ``cache_dir``)."""

    start = time.perf_counter()
    before = script.engine.calls
    with _SpeechProgress(len(script.lines)) as progress:
        speeches = speak_all(
            script.engine, script.lines, SpeechCache(speech_folder(cache_dir)), progress.update
        )
    voices = {line.step_id: step_voice(line, speeches[line.step_id]) for line in script.lines}
    keys = {line.step_id: key_for(script.engine, line) for line in script.lines}
    release = getattr(script.engine, "release", None)
    if callable(release):
        release()  # the voice model is not needed while drawing (its memory goes back)
    return Narration(
        speeches,
        voices,
        script.engine.identity,
        script.pause,
        script.engine.calls - before,
        time.perf_counter() - start,
        keys,
        cache_dir / "tracks",
    )


def add_narration(result: RenderedFiles, narration: Narration) -> RenderedFiles:
    """``result`` with its video carrying the narration track (AAC in mp4, Opus in webm); the
    encoded track comes from the track cache when the speech and its timing are unchanged."""
    assert result.video is not None
    video = Path(result.video)
    mux_audio(video, _encoded_track(video, result, narration), video)  # atomic: in place
    audio = {
        "codec": "aac" if video.suffix == ".mp4" else "opus",
        "rate": RATE,
        "loudness_lufs": TARGET_LUFS,
        "engine": narration.identity.engine,
        "voice": narration.identity.voice,
        "engine_version": narration.identity.version,
        "speed": narration.identity.speed,
        "pause": narration.pause,
        "steps": [
            [m.step_id, round(m.start, 3), round(narration.speeches[m.step_id].seconds, 3)]
            for m in result.voice_marks
        ],
        "seams": [round(s, 3) for s in result.extra.get("seams", [])],
    }
    return replace(result, extra={**result.extra, "audio": audio})


def _encoded_track(video: Path, result: RenderedFiles, narration: Narration) -> EncodedAudio:
    """The encoded narration track of ``video``: from the track cache, else mixed from each
    step's speech at its voice mark, normalised, encoded and cached."""

    seconds = probe(video)["duration"]
    start, count = fitted_count(video, RATE)
    cache = TrackCache(narration.tracks) if narration.tracks is not None else None
    key = ""
    if cache is not None and all(m.step_id in narration.speech_keys for m in result.voice_marks):
        key = track_key(
            result.voice_marks, narration.speech_keys, seconds, start, count, video.suffix, RATE
        )
        stored = cache.load(key)
        if stored is not None:
            return stored
    track = normalise(mix(result.voice_marks, narration.speeches, seconds), RATE, TARGET_LUFS)
    encoded = encode_audio(fitted(track, count), RATE, video.suffix, start)
    if cache is not None and key:
        cache.store(key, encoded)
    return encoded


class _SpeechProgress:
    """A bar while speech is made (on a terminal), and one line when some was synthesised."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.spoken = 0
        self.started = time.perf_counter()
        self.bar: Progress | None = None
        self.update: Callable[[int, int], None] = self._update

    def __enter__(self) -> _SpeechProgress:
        if sys.stdout.isatty():
            self.bar = Progress(
                TextColumn("speech"),
                BarColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("", total=self.total)
        return self

    def _update(self, done: int, total: int) -> None:
        self.spoken = done
        if self.bar is not None:
            self.bar.update(
                self.task, completed=done, total=total, description=f"{done}/{total} steps"
            )

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def report(narration: Narration) -> None:
    """One line: how much speech, how much of it was made now."""
    total = sum(s.seconds for s in narration.speeches.values())
    made = (
        f"synthesised {narration.synthesised} of {len(narration.speeches)} steps"
        if narration.synthesised
        else f"all {len(narration.speeches)} steps from the cache"
    )
    click.echo(
        f"Narration: {total:.0f} s of speech ({narration.identity.engine} "
        f"{narration.identity.voice}; {made}, {narration.seconds:.1f} s)."
    )


__all__ = [
    "TARGET_LUFS",
    "VOICED_CONTAINERS",
    "Narration",
    "Script",
    "add_narration",
    "narrated",
    "prepare",
    "report",
    "script_for",
    "speech_folder",
]
