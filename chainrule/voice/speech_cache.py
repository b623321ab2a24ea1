"""Speech kept on disk, so an unchanged render synthesises nothing.

A line's speech is stored under :func:`speech_key`: sha256 of the engine's identity (engine,
voice, version, speed) and of every sentence of the line, both its spoken words (what is heard)
and its text (what its span, hence its subtitle cue, carries). Changing one step's wording
changes that step's key alone. The step's id is not part of it: two steps saying the same
words share their speech.

Recorded speech is cached too, keyed in addition by the recording's content
(``RecordedEngine.content_digest``, sha256 of the file's bytes; size and time could miss a
re-recording of the same length), so a render reads and resamples each recording once.

Each speech is one ``<key>.npz`` file (samples float32, rate, span starts, ends and texts),
written to a temporary file and renamed, so a crash never leaves half a speech; a file that
cannot be read back is spoken again and replaced.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable

import numpy as np

from chainrule.voice.engines import Engine, EngineIdentity, Span, Speech
from chainrule.voice.lines import Line
from chainrule.voice.npz_folder import NpzFolder

#: Bumped when the stored form or the way speech is made changes (old entries then miss).
FORMAT = 1


def speech_key(identity: EngineIdentity, line: Line, content: str = "") -> str:
    """The cache key of ``line`` spoken by an engine with ``identity``; ``content`` is the
    digest of a recording, for recorded speech.

    >>> from chainrule.voice.engines import EngineIdentity
    >>> who = EngineIdentity("piper", "joe-us", "1.3.0", 1.0)
    >>> a = speech_key(who, Line.of("s1", "T", "Take z[1]_11."))
    >>> a == speech_key(who, Line.of("s2", "Other title", "Take z[1]_11."))
    True
    >>> a == speech_key(who, Line.of("s1", "T", "Take z[1]_12."))
    False
    """
    payload = {
        "format": FORMAT,
        "engine": identity.engine,
        "voice": identity.voice,
        "version": identity.version,
        "speed": repr(float(identity.speed)),
        "sentences": [[sentence.text, sentence.spoken] for sentence in line.sentences],
        "content": content,
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_for(engine: Engine, line: Line) -> str:
    """:func:`speech_key` of ``line`` for ``engine``, with the recording's content digest when
    the engine has one (``content_digest``)."""
    digest = getattr(engine, "content_digest", None)
    return speech_key(engine.identity, line, digest(line) if callable(digest) else "")


class SpeechCache(NpzFolder):
    """Speech stored in ``root`` (created when first written)."""

    def load(self, key: str) -> Speech | None:
        """The stored speech of ``key``, or None (absent or unreadable)."""
        return self.read(key, _speech)

    def store(self, key: str, speech: Speech) -> None:
        """Keep ``speech`` under ``key`` (temporary file, then rename)."""
        self.write(
            key,
            {
                "samples": np.asarray(speech.samples, dtype=np.float32),
                "rate": np.int64(speech.rate),
                "starts": np.array([span.start for span in speech.spans], dtype=np.float64),
                "ends": np.array([span.end for span in speech.spans], dtype=np.float64),
                "texts": np.array([span.text for span in speech.spans], dtype=np.str_),
            },
        )

    def get(self, engine: Engine, line: Line) -> Speech:
        """The speech of ``line``: from the cache, else spoken by ``engine`` and stored."""
        key = key_for(engine, line)
        speech = self.load(key)
        if speech is None:
            speech = engine.speak(line)
            self.store(key, speech)
        return speech


def _speech(stored: np.lib.npyio.NpzFile) -> Speech:
    spans = tuple(
        Span(float(start), float(end), str(text))
        for start, end, text in zip(stored["starts"], stored["ends"], stored["texts"], strict=True)
    )
    return Speech(np.asarray(stored["samples"], dtype=np.float32), int(stored["rate"]), spans)


def speak_all(
    engine: Engine,
    lines: Iterable[Line],
    cache: SpeechCache | None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Speech]:
    """The speech of every line, by step id (each step once), through ``cache`` (None: speak
    every line). ``progress(done, total)`` is called after each line."""
    todo: dict[str, Line] = {}
    for line in lines:
        todo.setdefault(line.step_id, line)
    speeches: dict[str, Speech] = {}
    for done, (step_id, line) in enumerate(todo.items(), start=1):
        speeches[step_id] = cache.get(engine, line) if cache is not None else engine.speak(line)
        if progress is not None:
            progress(done, len(todo))
    return speeches


__all__ = ["FORMAT", "SpeechCache", "key_for", "speak_all", "speech_key"]
