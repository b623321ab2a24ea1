"""Speech turned into a step's timing (chainrule.voice.timing), the measurements
(chainrule.voice.measure) and the choice of engine (chainrule.voice.choose)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import soundfile
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.errors import ConfigError
from chainrule.settings.model import VoiceSettings
from chainrule.voice.choose import engine_for
from chainrule.voice.engines import Span, Speech
from chainrule.voice.lines import Line
from chainrule.voice.measure import decode_audio, loudness, rms_db, seam_jumps
from chainrule.voice.piper_voice import PiperEngine
from chainrule.voice.recorded import RecordedEngine
from chainrule.voice.timing import step_voice, voice_digest

RATE = 48_000


def speech(seconds: float, spans: tuple[Span, ...]) -> Speech:
    return Speech(np.zeros(round(seconds * RATE), dtype=np.float32), RATE, spans)


def test_one_cue_per_span_in_ms() -> None:
    line = Line.of("s", "T", "One. Two.")
    voice = step_voice(line, speech(2.0, (Span(0.0, 0.81234, "One."), Span(1.06234, 2.0, "Two."))))
    assert voice.step_id == "s"
    assert voice.seconds == 2.0
    assert [(c.start, c.end, c.text) for c in voice.cues] == [
        (0.0, 0.812, "One."),
        (1.062, 2.0, "Two."),
    ]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0001, max_value=3.0), min_size=1, max_size=6),
    st.floats(min_value=0.0, max_value=0.3),
)
def test_cues_never_overlap_and_stay_inside(lengths: list[float], gap: float) -> None:
    spans, at = [], 0.0
    for index, length in enumerate(lengths):
        spans.append(Span(at, at + length, f"S{index}."))
        at += length + gap
    total = spans[-1].end
    voice = step_voice(Line.of("s", "T", "x"), speech(total, tuple(spans)))
    assert voice.seconds == pytest.approx(total, abs=1 / RATE)
    for before, after in zip(voice.cues, voice.cues[1:], strict=False):
        assert before.end <= after.start
    assert all(0 <= c.start < c.end <= voice.seconds for c in voice.cues)
    assert all(c.start == round(c.start, 3) for c in voice.cues)


def test_piper_speech_gives_a_step_voice() -> None:
    line = Line.of("dW2", "T", "The gradient of W[2] is dZ[2] A[1]ᵀ. Divide by m.")
    voice = step_voice(line, PiperEngine().speak(line))
    assert [c.text for c in voice.cues] == [s.text for s in line.sentences]
    assert voice.cues[-1].end <= voice.seconds


def test_voice_digest_follows_samples_and_spans() -> None:
    a = speech(1.0, (Span(0.0, 1.0, "A."),))
    assert voice_digest(a) == voice_digest(speech(1.0, (Span(0.0, 1.0, "A."),)))
    assert voice_digest(a) != voice_digest(speech(1.0, (Span(0.0, 1.0, "B."),)))
    louder = Speech(a.samples + np.float32(0.001), RATE, a.spans)
    assert voice_digest(a) != voice_digest(louder)


# --------------------------------------------------------------------------- measure


def test_rms_db_of_a_sine() -> None:
    t = np.arange(RATE) / RATE
    x = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    assert rms_db(x, RATE, 0.0, 1.0) == pytest.approx(20 * math.log10(0.5 / math.sqrt(2)), abs=0.01)
    assert rms_db(np.zeros(10), RATE, 0, 1) == -math.inf
    assert rms_db(x, RATE, 2.0, 3.0) == -math.inf  # outside


def test_loudness_of_a_1khz_sine() -> None:
    """BS.1770: a 0 dBFS-peak 1 kHz sine in one channel measures -3.01 LUFS."""
    t = np.arange(5 * RATE) / RATE
    assert loudness(np.sin(2 * np.pi * 1000 * t), RATE) == pytest.approx(-3.01, abs=0.1)


def test_seam_jumps() -> None:
    x = np.zeros(RATE, dtype=np.float32)
    x[RATE // 2 :] = 0.3
    assert seam_jumps(x, RATE, [0.5, 0.5 + 0.0009, 0.5 + 0.0012, 0.0, 1.0]) == pytest.approx(
        [0.3, 0.3, 0.0, 0.0, 0.0]
    )


def test_decode_audio_of_a_wav(tmp_path: Path) -> None:
    stereo = np.zeros((8000, 2), dtype=np.float32)
    stereo[:, 1] = 0.5
    soundfile.write(tmp_path / "s.wav", stereo, 16_000, subtype="PCM_16")
    samples, rate = decode_audio(tmp_path / "s.wav")
    assert rate == 16_000
    assert samples.shape == (8000,)
    assert np.allclose(samples, 0.25, atol=1e-3)


# --------------------------------------------------------------------------- choose


def test_engine_for() -> None:
    assert engine_for(VoiceSettings(enabled=False)) is None
    piper = engine_for(VoiceSettings(speed=1.25))
    assert isinstance(piper, PiperEngine)
    assert piper.identity.speed == 1.25
    recorded = engine_for(VoiceSettings(engine="recorded", folder="takes"), Path("/lecture"))
    assert isinstance(recorded, RecordedEngine)
    assert recorded.folder == Path("/lecture/takes")
    absolute = engine_for(VoiceSettings(engine="recorded", folder="/x/y"), Path("/lecture"))
    assert absolute.folder == Path("/x/y")


def test_engine_for_missing_model_relative_to_base(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=str(tmp_path / "voices" / "me.onnx")):
        engine_for(VoiceSettings(voice="voices/me.onnx"), tmp_path)
