"""The audio track (chainrule.voice.track): speech placed exactly at its marks, overlap and
overflow refused, fades without clicks, loudness at -16 LUFS with no sample above -1 dBFS."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.voice.engines import Speech
from chainrule.voice.lines import Line
from chainrule.voice.piper_voice import PiperEngine
from chainrule.voice.track import (
    FADE,
    RATE,
    faded,
    limit,
    mix,
    normalise,
    resample,
    trim,
    voiced_span,
)
from scenes.narration import VoiceMark

CEILING = 10 ** (-1 / 20)


def constant(seconds: float, value: float = 0.5, rate: int = RATE) -> Speech:
    return Speech(np.full(round(seconds * rate), value, dtype=np.float32), rate, ())


def lufs(samples: np.ndarray, rate: int = RATE) -> float:
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0.0, max_value=5.0), st.floats(min_value=0.02, max_value=1.0))
def test_speech_starts_at_its_mark(start: float, seconds: float) -> None:
    """A sound at mark t occupies samples round(t * rate) ... + its length, nothing else."""
    speech = constant(seconds)
    track = mix([VoiceMark("s", start)], {"s": speech}, 7.0)
    assert len(track) == 7 * RATE
    assert track.dtype == np.float32
    sounding = np.flatnonzero(track)
    assert sounding[0] == round(start * RATE)
    assert sounding[-1] == round(start * RATE) + len(speech.samples) - 1
    assert len(sounding) == len(speech.samples)


def test_length_is_exact() -> None:
    assert len(mix([], {}, 2.0000104)) == round(2.0000104 * RATE)


def test_two_steps_placed() -> None:
    track = mix(
        [VoiceMark("b", 2.0), VoiceMark("a", 0.5)],
        {"a": constant(1.0, 0.25), "b": constant(1.0, -0.5)},
        4.0,
    )
    assert track[round(1.0 * RATE)] == pytest.approx(0.25)
    assert track[round(2.5 * RATE)] == pytest.approx(-0.5)
    assert track[round(1.75 * RATE)] == 0.0


def test_overlap_refused_naming_both_steps() -> None:
    with pytest.raises(ValueError, match=r"step dZ2\.sum .*overlaps speech of step dZ2\.fold"):
        mix(
            [VoiceMark("dZ2.fold", 0.0), VoiceMark("dZ2.sum", 0.999)],
            {"dZ2.fold": constant(1.0), "dZ2.sum": constant(1.0)},
            3.0,
        )
    # touching is fine
    mix([VoiceMark("a", 0.0), VoiceMark("b", 1.0)], {"a": constant(1.0), "b": constant(1.0)}, 3)


def test_speech_past_the_end_refused() -> None:
    with pytest.raises(ValueError, match=r"step late runs to 3\.000 s, past the video's end"):
        mix([VoiceMark("late", 2.0)], {"late": constant(1.0)}, 2.9)


def test_mark_without_speech_refused() -> None:
    with pytest.raises(ValueError, match="step ghost: a voice mark but no speech"):
        mix([VoiceMark("ghost", 0.0)], {}, 1.0)


def test_other_rates_resampled_when_mixed() -> None:
    track = mix([VoiceMark("s", 0.0)], {"s": constant(1.0, rate=22_050)}, 2.0)
    # one second of 0.5 (less the fades' halves) at 48 kHz
    assert float(np.sum(track)) == pytest.approx(0.5 * (RATE - FADE * RATE), rel=0.002)
    assert track[RATE // 2] == pytest.approx(0.5, abs=1e-3)


def test_fades_remove_the_click() -> None:
    """Without a fade a DC step of 0.5 jumps 0.5 between two samples; with the 5 ms fade no
    step exceeds 0.5 / (fade length)."""
    track = mix([VoiceMark("s", 0.5)], {"s": constant(1.0)}, 2.0)
    steps = np.abs(np.diff(track))
    assert steps.max() <= 0.5 / (FADE * RATE) + 1e-6
    tiny = faded(np.ones(3, dtype=np.float32), RATE)  # shorter than two fades: still faded
    assert tiny[0] < 1.0
    assert tiny[-1] < 1.0


def test_resample_keeps_pitch_and_length() -> None:
    t = np.arange(22_050) / 22_050
    up = resample(np.sin(2 * np.pi * 1000 * t).astype(np.float32), 22_050)
    assert len(up) == RATE
    crossings = np.count_nonzero(np.diff(np.signbit(up[1000:-1000]).astype(np.int8)))
    assert crossings / ((len(up) - 2000) / RATE) == pytest.approx(2000, rel=0.01)


def test_voiced_span_and_trim() -> None:
    x = np.zeros(RATE, dtype=np.float32)
    x[10_000:20_000] = 0.3
    x[30_000] = 0.2
    assert voiced_span(x, RATE) == (10_000, 30_001)
    assert voiced_span(np.zeros(100, dtype=np.float32), RATE) == (0, 0)
    assert len(trim(np.full(100, 1e-5, dtype=np.float32), RATE)) == 0  # below -60 dBFS


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=1.0, max_value=8.0), st.integers(min_value=0, max_value=2**32 - 1))
def test_limiter_holds_the_ceiling(gain: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = (gain * rng.standard_normal(4800) * rng.uniform(0, 1, 4800) ** 4).astype(np.float32)
    assert np.max(np.abs(limit(x, RATE, -1.0))) <= CEILING
    assert np.max(np.abs(limit(x, RATE, -6.0))) <= 10 ** (-6 / 20)
    y = limit(x, RATE)
    assert np.max(np.abs(y)) <= 10 ** (-2 / 20)
    assert np.all(np.abs(y) <= np.abs(x) + 1e-7)  # only ever turned down
    assert np.all(np.sign(y[y != 0]) == np.sign(x[y != 0]))


def test_limiter_leaves_quiet_audio_alone() -> None:
    x = (0.5 * np.sin(np.arange(4800) / 7)).astype(np.float32)
    assert np.array_equal(limit(x, RATE), x)


@pytest.fixture(scope="module")
def piper_track() -> np.ndarray:
    """Two steps of Piper speech in a 14 s track, as a lecture part would have them."""
    engine = PiperEngine()
    a = engine.speak(Line.of("a", "A", "The gradient of W[2] is dZ[2] A[1]ᵀ. Divide by m."))
    b = engine.speak(Line.of("b", "B", "Fold back through g′(z[1]), entry by entry."))
    return mix([VoiceMark("a", 0.5), VoiceMark("b", a.seconds + 1.5)], {"a": a, "b": b}, 14.0)


def test_normalise_reaches_minus_16_lufs_below_minus_1_dbfs(piper_track: np.ndarray) -> None:
    before = lufs(piper_track)
    assert before < -20  # Piper's raw level: far below the target, so the gain is real
    out = normalise(piper_track, RATE)
    assert lufs(out) == pytest.approx(-16.0, abs=0.5)
    assert np.max(np.abs(out)) <= 10 ** (-2 / 20)  # -2 dBFS: headroom for codec overshoot
    assert len(out) == len(piper_track)
    assert out.dtype == np.float32
    assert np.all(out[np.flatnonzero(piper_track == 0)] == 0)  # silence stays silent


def test_normalise_other_targets(piper_track: np.ndarray) -> None:
    assert lufs(normalise(piper_track, RATE, -23.0)) == pytest.approx(-23.0, abs=0.5)


def test_normalise_leaves_silence_and_short_tracks_alone() -> None:
    silent = np.zeros(RATE, dtype=np.float32)
    assert np.array_equal(normalise(silent, RATE), silent)
    short = np.full(RATE // 10, 0.01, dtype=np.float32)
    assert np.array_equal(normalise(short, RATE), short)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.floats(min_value=1.0, max_value=4.0))
def test_limiting_stretches_equals_limiting_everything(seed: int, gain: float) -> None:
    """The limiter works only near peaks; the result equals the gain computed over the whole
    track (the reference below, written out independently of the stretch logic)."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    from chainrule.voice.track import LIMIT_ATTACK, LIMIT_HOLD

    rng = np.random.default_rng(seed)
    x = np.zeros(RATE, dtype=np.float32)
    for _ in range(rng.integers(1, 6)):  # a few bursts, some far apart
        at = int(rng.integers(0, RATE - 2000))
        x[at : at + 2000] += (gain * rng.uniform(-1, 1, 2000)).astype(np.float32)
    ceiling = float(np.nextafter(np.float32(CEILING), np.float32(0)))
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(x.astype(np.float64)), 1e-12))
    attack, half = round(LIMIT_ATTACK * RATE), round(LIMIT_HOLD * RATE / 2)
    centred = minimum_filter1d(need, 2 * (attack + half) + 1, mode="nearest")
    held = np.concatenate([np.full(half, centred[0]), centred[:-half]])
    gain_curve = np.minimum(uniform_filter1d(held, 2 * attack + 1, mode="nearest"), need)
    reference = np.clip(x * gain_curve, -ceiling, ceiling).astype(np.float32)
    assert np.allclose(limit(x, RATE, -1.0), reference, atol=1e-6)


def test_part_limited_alone_equals_the_whole(piper_track: np.ndarray) -> None:
    """One gain for a lecture: a part amplified alone equals that part of the amplified whole
    (cut in silence), so parts joined sound as the whole lecture."""
    from chainrule.voice.track import amplified, loudness_gain

    gain = loudness_gain(piper_track, RATE)
    whole = amplified(piper_track, RATE, gain)
    silent = np.flatnonzero(piper_track == 0)
    cut = int(silent[np.searchsorted(silent, 4 * RATE)])
    first = amplified(piper_track[:cut], RATE, gain)
    second = amplified(piper_track[cut:], RATE, gain)
    assert np.array_equal(np.concatenate([first, second]), whole)
