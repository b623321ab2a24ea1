"""A long AAC track encoded in pieces cut in digital silence (chainrule.voice.mux): the cuts
are where the track is silent, and the pieces joined decode like one encoder's stream, with no
trace at a cut; a cut inside sound would leave one (the check is shown to fail there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.voice import mux
from chainrule.voice.measure import decode_audio
from chainrule.voice.mux import SILENT_FRAMES, encode_audio, fitted_count, mux_audio, silent_cuts
from chainrule.voice.track import RATE
from tests.chainrule.voice.test_mux import make_video

FRAME = 1024


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 9000), st.integers(0, 9000)), min_size=1, max_size=12),
    st.integers(1, 5),
    st.sampled_from([4, 16, 1024]),
)
def test_every_cut_is_frame_aligned_inside_silence(
    runs: list[tuple[int, int]], pieces: int, frame: int
) -> None:
    track = np.concatenate(
        [np.concatenate([np.full(sound, 0.5), np.zeros(quiet)]) for sound, quiet in runs]
    ).astype(np.float32)
    cuts = silent_cuts(track, frame, pieces)
    assert len(cuts) <= pieces - 1
    assert cuts == sorted(set(cuts))
    margin = SILENT_FRAMES * frame
    for cut in cuts:
        assert cut % frame == 0
        assert 0 < cut < len(track)
        assert cut - margin >= 0
        assert cut + margin <= len(track)
        assert not np.any(track[cut - margin : cut + margin])


def speech_like(seconds: float, seed: int = 3) -> np.ndarray:
    """Bursts of coloured noise (0.5 to 3 s) with 0.7 s of digital silence between them."""
    rng = np.random.default_rng(seed)
    parts, total = [], 0
    while total < seconds * RATE:
        burst = rng.standard_normal(int(rng.uniform(0.5, 3.0) * RATE)).astype(np.float32)
        burst = np.convolve(burst, np.ones(8) / 8, mode="same") * 0.5
        parts += [burst, np.zeros(round(0.7 * RATE), dtype=np.float32)]
        total += len(burst) + round(0.7 * RATE)
    return np.clip(np.concatenate(parts)[: round(seconds * RATE)], -0.9, 0.9)


def decoded(tmp_path: Path, name: str, video: Path, audio: mux.EncodedAudio) -> np.ndarray:
    target = tmp_path / f"{name}.mp4"
    mux_audio(video, audio, target)
    samples, rate = decode_audio(target)
    assert rate == RATE
    return samples


def trace_at(samples: np.ndarray, track: np.ndarray, cut: int) -> float:
    """The largest coding error within one frame of ``cut``, over the 99th percentile of the
    coding error of the whole track: about 1 or less where nothing happens at the cut."""
    error = np.abs(samples - track)
    return float(np.max(error[cut - FRAME : cut + FRAME]) / np.percentile(error, 99))


@pytest.fixture(scope="module")
def long_track(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray, int]:
    folder = tmp_path_factory.mktemp("pieces")
    video = folder / "v.mp4"
    make_video(video, "libx264", seconds=64.0)
    start, count = fitted_count(video, RATE)
    return video, speech_like(count / RATE)[:count], start


def test_pieces_decode_like_one_encoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, long_track: tuple[Path, np.ndarray, int]
) -> None:
    video, track, start = long_track
    monkeypatch.setattr(mux.os, "cpu_count", lambda: 1)
    whole = encode_audio(track, RATE, ".mp4", start)
    monkeypatch.setattr(mux.os, "cpu_count", lambda: 2)
    cut = silent_cuts(track, FRAME, 2)
    assert len(cut) == 1  # 64 s: two pieces of at least 30 s
    pieces = encode_audio(track, RATE, ".mp4", start)
    steps = np.diff([p.pts for p in pieces.packets])
    assert set(steps.tolist()) == {FRAME}  # one packet per frame, none lost or doubled
    one, two = decoded(tmp_path, "one", video, whole), decoded(tmp_path, "two", video, pieces)
    assert len(one) == len(two) == len(track)
    assert np.max(np.abs(two[cut[0] - FRAME : cut[0] + FRAME])) < 1e-4  # silence stays silent
    assert trace_at(two, track, cut[0]) <= 1.0
    error_one = float(np.sqrt(np.mean((one - track) ** 2)))
    error_two = float(np.sqrt(np.mean((two - track) ** 2)))
    assert error_two <= 1.1 * error_one  # as faithful as one encoder


def test_a_cut_inside_sound_would_leave_a_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, long_track: tuple[Path, np.ndarray, int]
) -> None:
    """The control of the test above: the same check on a cut put inside a burst fails."""
    video, track, start = long_track
    loud = int(np.flatnonzero(np.abs(track) > 0.2)[len(track) // 4 // 2]) // FRAME * FRAME
    monkeypatch.setattr(mux, "silent_cuts", lambda *args: [loud])
    monkeypatch.setattr(mux.os, "cpu_count", lambda: 2)
    samples = decoded(tmp_path, "bad", video, encode_audio(track, RATE, ".mp4", start))
    assert trace_at(samples, track, loud) > 5.0
