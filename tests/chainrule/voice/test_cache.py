"""The speech cache (chainrule.voice.speech_cache): a second run speaks nothing, one changed
line is spoken again alone, recordings are keyed by their content."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile

from chainrule.voice.engines import EngineIdentity, Span, Speech
from chainrule.voice.lines import Line
from chainrule.voice.piper_voice import PiperEngine
from chainrule.voice.recorded import RecordedEngine
from chainrule.voice.speech_cache import SpeechCache, speak_all, speech_key

IDENTITY = EngineIdentity("fake", "v", "1", 1.0)


class Counting:
    """A fake engine: speech whose samples spell the line's spoken text, counting its calls and
    the lines it spoke."""

    def __init__(self, identity: EngineIdentity = IDENTITY) -> None:
        self.identity = identity
        self.calls = 0
        self.spoken: list[str] = []

    def speak(self, line: Line) -> Speech:
        self.calls += 1
        self.spoken.append(line.step_id)
        codes = np.frombuffer(line.speech.encode(), dtype=np.uint8).astype(np.float32) / 255
        spans = tuple(Span(i / 100, (i + 1) / 100, s.text) for i, s in enumerate(line.sentences))
        return Speech(np.tile(codes, 100), 100, spans)


LINES = (
    Line.of("a", "A", "Take z[1]_11. Then W[2]ᵀ."),
    Line.of("b", "B", "Divide by m."),
    Line.of("c", "C", "It is 0.5 here; see g′."),
)


def same(one: Speech, other: Speech) -> bool:
    return (
        np.array_equal(one.samples, other.samples)
        and one.rate == other.rate
        and one.spans == other.spans
    )


def test_second_run_speaks_nothing(tmp_path: Path) -> None:
    engine, cache = Counting(), SpeechCache(tmp_path / "speech")
    seen: list[tuple[int, int]] = []
    first = speak_all(engine, LINES, cache, lambda done, total: seen.append((done, total)))
    assert engine.calls == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]
    again = speak_all(engine, LINES, SpeechCache(tmp_path / "speech"))
    assert engine.calls == 3
    assert list(again) == ["a", "b", "c"]
    assert all(same(first[k], again[k]) for k in first)
    assert again["a"].samples.dtype == np.float32


def test_changed_wording_speaks_that_line_alone(tmp_path: Path) -> None:
    engine, cache = Counting(), SpeechCache(tmp_path)
    speak_all(engine, LINES, cache)
    changed = (LINES[0], Line.of("b", "B", "Divide by n."), LINES[2])
    speeches = speak_all(engine, changed, cache)
    assert engine.spoken == ["a", "b", "c", "b"]
    assert same(speeches["b"], Counting().speak(changed[1]))


def test_changed_cue_text_with_same_words_speaks_again(tmp_path: Path) -> None:
    """The spans carry the shown text, so it is part of the key even when the words are the
    same ("W[2]ᵀ" is read "W two transpose")."""
    one, other = Line.of("a", "A", "Take W[2]ᵀ."), Line.of("a", "A", "Take W two transpose.")
    assert one.speech == other.speech
    assert speech_key(IDENTITY, one) != speech_key(IDENTITY, other)


@pytest.mark.parametrize("field", ["engine", "voice", "version", "speed"])
def test_every_identity_field_is_in_the_key(field: str) -> None:
    other = replace(IDENTITY, **{field: 2.0 if field == "speed" else "other"})
    assert speech_key(IDENTITY, LINES[0]) != speech_key(other, LINES[0])


def test_repeated_steps_spoken_once(tmp_path: Path) -> None:
    engine = Counting()
    speeches = speak_all(engine, LINES + LINES[:1], None)
    assert engine.calls == 3
    assert list(speeches) == ["a", "b", "c"]


def test_damaged_entry_is_spoken_again(tmp_path: Path) -> None:
    engine, cache = Counting(), SpeechCache(tmp_path)
    speak_all(engine, LINES[:1], cache)
    (entry,) = tmp_path.glob("*.npz")
    entry.write_bytes(entry.read_bytes()[:50])
    speech = speak_all(engine, LINES[:1], cache)["a"]
    assert engine.calls == 2
    assert same(speech, Counting().speak(LINES[0]))
    assert speak_all(engine, LINES[:1], cache)
    assert engine.calls == 2


def test_store_leaves_no_temporary_files(tmp_path: Path) -> None:
    speak_all(Counting(), LINES, SpeechCache(tmp_path))
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".npz"] * 3
    assert not list(tmp_path.glob(".*"))


def test_piper_second_run_speaks_nothing(tmp_path: Path) -> None:
    lines = (Line.of("a", "A", "Divide by m."), Line.of("b", "B", "Then W[2]ᵀ."))
    engine = PiperEngine()
    first = speak_all(engine, lines, SpeechCache(tmp_path))
    assert engine.calls == 2
    fresh = PiperEngine()
    again = speak_all(fresh, lines, SpeechCache(tmp_path))
    assert fresh.calls == 0
    assert all(same(first[k], again[k]) for k in first)


def test_recording_keyed_by_content(tmp_path: Path) -> None:
    """Re-recording a step with a file of the same size (and possibly the same time) is heard:
    the key holds the file's digest."""
    folder = tmp_path / "takes"
    folder.mkdir()
    t = np.arange(16_000) / 16_000
    soundfile.write(
        folder / "a.wav",
        (0.5 * np.sin(2 * np.pi * 300 * t)).astype(np.float32),
        16_000,
        subtype="PCM_16",
    )
    engine, cache = RecordedEngine(folder), SpeechCache(tmp_path / "speech")
    line = Line.of("a", "A", "Divide by m.")
    first = speak_all(engine, [line], cache)["a"]
    speak_all(engine, [line], cache)
    assert engine.calls == 1
    size = (folder / "a.wav").stat().st_size
    soundfile.write(
        folder / "a.wav",
        (0.25 * np.sin(2 * np.pi * 300 * t)).astype(np.float32),
        16_000,
        subtype="PCM_16",
    )
    assert (folder / "a.wav").stat().st_size == size
    second = speak_all(engine, [line], cache)["a"]
    assert engine.calls == 2
    assert np.max(np.abs(second.samples)) == pytest.approx(
        np.max(np.abs(first.samples)) / 2, rel=0.02
    )
