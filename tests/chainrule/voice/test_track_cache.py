"""The narration track cache (chainrule.voice.track_cache): an encoded track stored and read
back muxes to exactly the packets a fresh encoding gives, the key follows everything the sound
depends on, a damaged entry is made again, and ``add_narration`` mixes nothing when the speech
and its timing are unchanged."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

import chainrule.voice.narrating
from chainrule.exchange import RenderedFiles
from chainrule.voice.engines import EngineIdentity, Span, Speech
from chainrule.voice.mux import add_audio, encode_audio, fitted_count, mux_audio
from chainrule.voice.narrating import Narration, add_narration
from chainrule.voice.track import RATE
from chainrule.voice.track_cache import TrackCache, track_key
from scenes.narration import VoiceMark
from tests.chainrule.voice.test_mux import FORMATS, make_video


def tone(seconds: float, hz: float = 220.0, level: float = 0.3) -> np.ndarray:
    """A sine of ``seconds`` at ``RATE``."""
    t = np.arange(round(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def packets(path: Path) -> list[tuple[bytes, int | None, int | None, list[tuple[str, bytes]]]]:
    """Every audio packet of ``path`` as demuxed: bytes, pts, duration, side data."""
    with av.open(str(path)) as source:
        return [
            (bytes(p), p.pts, p.duration, [(s.data_type, bytes(s)) for s in p.iter_sidedata()])
            for p in source.demux(source.streams.audio[0])
            if p.size
        ]


@pytest.mark.parametrize(("suffix", "encoder", "video_codec", "audio_codec"), FORMATS)
def test_a_stored_track_muxes_to_the_packets_of_a_fresh_encoding(
    tmp_path: Path, suffix: str, encoder: str, video_codec: str, audio_codec: str
) -> None:
    video = tmp_path / f"v{suffix}"
    make_video(video, encoder, seconds=1.3)
    start, count = fitted_count(video, RATE)
    track = np.zeros(count, dtype=np.float32)
    track[: round(0.9 * RATE)] = tone(0.9)
    direct = tmp_path / f"direct{suffix}"
    add_audio(video, track, RATE, direct)

    cache = TrackCache(tmp_path / "tracks")
    cache.store("k", encode_audio(track, RATE, suffix, start))
    loaded = cache.load("k")
    assert loaded is not None
    again = tmp_path / f"again{suffix}"
    mux_audio(video, loaded, again)
    assert packets(again) == packets(direct)
    if suffix == ".webm":  # the last Opus packet trims its padding: side data kept
        assert any(side for *_, side in packets(again))


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    cache = TrackCache(tmp_path)
    cache.store("k", encode_audio(tone(0.2), RATE, ".mp4"))
    data = cache.path("k").read_bytes()
    cache.path("k").write_bytes(data[: len(data) // 2])
    assert cache.load("k") is None
    assert cache.load("absent") is None


def test_the_key_follows_marks_speech_length_and_container() -> None:
    marks = (VoiceMark("a", 0.5), VoiceMark("b", 2.0))
    keys = {"a": "speech-a", "b": "speech-b"}
    base = track_key(marks, keys, 3.0, 0, 3 * RATE, ".mp4", RATE)
    assert base == track_key(marks, dict(keys), 3.0, 0, 3 * RATE, ".mp4", RATE)
    changed = [
        track_key(
            (VoiceMark("a", 0.5), VoiceMark("b", 2.001)), keys, 3.0, 0, 3 * RATE, ".mp4", RATE
        ),
        track_key(marks, {**keys, "b": "reworded"}, 3.0, 0, 3 * RATE, ".mp4", RATE),
        track_key(marks, keys, 3.1, 0, 3 * RATE, ".mp4", RATE),
        track_key(marks, keys, 3.0, 0, 3 * RATE + 1, ".mp4", RATE),
        track_key(marks, keys, 3.0, 1024, 3 * RATE, ".mp4", RATE),
        track_key(marks, keys, 3.0, 0, 3 * RATE, ".webm", RATE),
    ]
    assert len({base, *changed}) == 1 + len(changed)


def narration(tmp_path: Path, words: str = "one") -> Narration:
    """Two steps' speech (tones), cached tracks under ``tmp_path``."""
    speeches = {
        "a": Speech(tone(0.6), RATE, (Span(0.0, 0.6, "A."),)),
        "b": Speech(tone(0.5, 330.0), RATE, (Span(0.0, 0.5, "B."),)),
    }
    return Narration(
        speeches,
        {},
        EngineIdentity("test", "tones", "1", 1.0),
        0.3,
        0,
        0.0,
        {"a": f"speech-a-{words}", "b": "speech-b"},
        tmp_path / "tracks",
    )


@pytest.mark.parametrize(("suffix", "encoder"), [(".mp4", "libx264"), (".webm", "libvpx-vp9")])
def test_an_unchanged_narration_is_muxed_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, encoder: str
) -> None:
    mixed: list[int] = []
    normalise = chainrule.voice.narrating.normalise

    def counting(samples: np.ndarray, rate: int, target: float = -16.0) -> np.ndarray:
        mixed.append(len(samples))
        return normalise(samples, rate, target)

    monkeypatch.setattr(chainrule.voice.narrating, "normalise", counting)  # where it is called
    marks = (VoiceMark("a", 0.2), VoiceMark("b", 1.2))

    def voiced(name: str, told: Narration, at: tuple[VoiceMark, ...] = marks) -> Path:
        video = tmp_path / f"{name}{suffix}"
        make_video(video, encoder, seconds=2.0)
        add_narration(RenderedFiles("S", name, video=str(video), voice_marks=at), told)
        return video

    first = voiced("first", narration(tmp_path))
    assert len(mixed) == 1
    second = voiced("second", narration(tmp_path))
    assert len(mixed) == 1  # nothing mixed, normalised or encoded
    assert packets(second) == packets(first)
    voiced("reworded", narration(tmp_path, "two"))
    assert len(mixed) == 2
    voiced("retimed", narration(tmp_path), (VoiceMark("a", 0.2), VoiceMark("b", 1.3)))
    assert len(mixed) == 3
