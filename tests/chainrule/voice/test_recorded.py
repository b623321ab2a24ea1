"""The educator's recordings (chainrule.voice.recorded): bad files refused before any work with
one line naming the file and the step, odd but valid files accepted, resampled and mixed down.

Every recording here is made in the test: tones and noise of known lengths written with
soundfile, and deliberately broken files.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import soundfile
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.errors import ConfigError, RecordingError
from chainrule.voice.engines import Speech
from chainrule.voice.lines import Line
from chainrule.voice.recorded import RecordedEngine, spans_by_length
from chainrule.voice.track import MARGIN

RATE = 48_000


def tone(
    seconds: float, rate: int, silence: float = 0.0, channels: int = 1, level: float = 0.5
) -> np.ndarray:
    """A 440 Hz tone of ``seconds`` with ``silence`` seconds of digital silence on each side
    (shape (n,) or (n, channels))."""
    t = np.arange(round(seconds * rate)) / rate
    sound = level * np.sin(2 * np.pi * 440 * t)
    pad = np.zeros(round(silence * rate))
    mono = np.concatenate([pad, sound, pad]).astype(np.float32)
    return mono if channels == 1 else np.repeat(mono[:, None], channels, axis=1)


def line(step_id: str, narration: str = "One sentence. And another one here.") -> Line:
    return Line.of(step_id, "Title", narration)


def refusal(folder: Path, step_id: str) -> str:
    """The one-line message of checking ``step_id``'s recording in ``folder``."""
    with pytest.raises(RecordingError) as caught:
        RecordedEngine(folder).check([line("good"), line(step_id)])
    message = caught.value.message
    assert "\n" not in message
    assert caught.value.exit_code == 2
    assert isinstance(caught.value, ConfigError)
    return message


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A recordings folder holding one good recording, ``good.wav``."""
    soundfile.write(tmp_path / "good.wav", tone(1.0, 16_000), 16_000)
    return tmp_path


# --------------------------------------------------------------------------- bad recordings


def test_missing_recording_names_the_file_and_step(folder: Path) -> None:
    message = refusal(folder, "dZ1.fold")
    assert "dZ1.fold" in message
    assert str(folder / "dZ1.fold.wav") in message


def test_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match=r"folder .*nowhere.* does not exist"):
        RecordedEngine(tmp_path / "nowhere").check([line("a")])


def test_empty_file_refused(folder: Path) -> None:
    (folder / "s1.wav").write_bytes(b"")
    message = refusal(folder, "s1")
    assert str(folder / "s1.wav") in message
    assert "step s1" in message
    assert "empty" in message


def test_text_named_wav_refused(folder: Path) -> None:
    (folder / "s2.wav").write_text("I will record this tomorrow.\n", encoding="utf-8")
    message = refusal(folder, "s2")
    assert str(folder / "s2.wav") in message
    assert "step s2" in message
    assert "not an audio file" in message


@pytest.mark.parametrize("keep", [12, 30, 44])
def test_truncated_header_refused(folder: Path, keep: int) -> None:
    whole = folder / "whole.wav"
    soundfile.write(whole, tone(0.5, 8000), 8000, subtype="PCM_16")
    (folder / "s3.wav").write_bytes(whole.read_bytes()[:keep])
    message = refusal(folder, "s3")
    assert str(folder / "s3.wav") in message
    assert "step s3" in message
    assert "truncated" in message


def test_all_zero_samples_refused(folder: Path) -> None:
    soundfile.write(folder / "s4.wav", np.zeros(48_000, dtype=np.float32), 48_000)
    message = refusal(folder, "s4")
    assert str(folder / "s4.wav") in message
    assert "step s4" in message
    assert "silent" in message
    assert "all zero" in message


def test_near_silence_refused_but_quiet_speech_accepted(folder: Path) -> None:
    soundfile.write(
        folder / "hiss.wav", tone(1.0, 48_000, level=10 ** (-66 / 20)), 48_000, subtype="FLOAT"
    )
    assert "silent" in refusal(folder, "hiss")
    soundfile.write(
        folder / "quiet.wav", tone(1.0, 48_000, level=10 ** (-40 / 20)), 48_000, subtype="FLOAT"
    )
    RecordedEngine(folder).check([line("quiet")])


def test_too_long_refused(folder: Path) -> None:
    rate = 8000  # 10 min 1 s of a quiet tone, small at 8 kHz 8-bit
    soundfile.write(folder / "s5.wav", tone(601.0, rate, level=0.1), rate, subtype="PCM_U8")
    message = refusal(folder, "s5")
    assert str(folder / "s5.wav") in message
    assert "10.0 min" in message


def test_nan_samples_refused(folder: Path) -> None:
    sound = tone(0.5, 48_000)
    sound[100] = np.nan
    soundfile.write(folder / "s6.wav", sound, 48_000, subtype="FLOAT")
    assert "not numbers" in refusal(folder, "s6")


def test_check_refuses_before_any_speech(folder: Path) -> None:
    """The check is the first step of a render: it refuses without speaking a line."""
    engine = RecordedEngine(folder)
    with pytest.raises(RecordingError):
        engine.check([line("good"), line("absent")])
    assert engine.calls == 0


# --------------------------------------------------------------------------- odd valid files


def spoken(folder: Path, name: str, step_id: str) -> Speech:
    engine = RecordedEngine(folder)
    engine.check([line(step_id)])
    assert engine.find(step_id) == folder / name
    speech = engine.speak(line(step_id))
    assert engine.calls == 1
    assert speech.rate == RATE
    assert speech.samples.ndim == 1
    assert speech.samples.dtype == np.float32
    return speech


@pytest.mark.parametrize(
    ("name", "rate", "channels", "subtype"),
    [
        ("a.wav", 8000, 1, "PCM_16"),  # telephone mono
        ("b.wav", 44_100, 6, "PCM_24"),  # a 5.1 export
        ("c.wav", 48_000, 1, "FLOAT"),  # 48 kHz float
        ("d.flac", 22_050, 2, "PCM_16"),
        ("e.ogg", 32_000, 1, "VORBIS"),
        ("f.wav", 11_025, 2, "PCM_U8"),
    ],
)
def test_odd_valid_files_accepted(
    tmp_path: Path, name: str, rate: int, channels: int, subtype: str
) -> None:
    """A 1.3 s tone between 0.4 s of silence comes back as 1.3 s (±10 ms, besides the
    margin trimming keeps on each side) at 48 kHz mono, with its level kept (mean of identical
    channels = the tone)."""
    step_id = Path(name).stem
    soundfile.write(
        tmp_path / name, tone(1.3, rate, silence=0.4, channels=channels), rate, subtype=subtype
    )
    speech = spoken(tmp_path, name, step_id)
    assert abs(speech.seconds - (1.3 + 2 * MARGIN)) <= 0.010, speech.seconds
    middle = speech.samples[len(speech.samples) // 4 : 3 * len(speech.samples) // 4]
    assert np.max(np.abs(middle)) == pytest.approx(0.5, abs=0.03)
    # 440 Hz survives the resampling: count zero crossings over the middle half
    crossings = np.count_nonzero(np.diff(np.signbit(middle).astype(np.int8)))
    assert crossings / (len(middle) / RATE) == pytest.approx(880, rel=0.02)


def test_channels_are_averaged(tmp_path: Path) -> None:
    """Left a tone, right silent: the mono mix is the tone at half its level."""
    stereo = np.zeros((48_000, 2), dtype=np.float32)
    stereo[:, 0] = tone(1.0, 48_000, level=0.8)
    soundfile.write(tmp_path / "lr.wav", stereo, 48_000, subtype="FLOAT")
    speech = spoken(tmp_path, "lr.wav", "lr")
    assert np.max(np.abs(speech.samples)) == pytest.approx(0.4, abs=0.01)


def test_wav_is_preferred_to_flac_and_ogg(tmp_path: Path) -> None:
    soundfile.write(tmp_path / "s.flac", tone(0.5, 16_000), 16_000)
    assert RecordedEngine(tmp_path).find("s") == tmp_path / "s.flac"
    soundfile.write(tmp_path / "s.wav", tone(0.5, 16_000), 16_000)
    assert RecordedEngine(tmp_path).find("s") == tmp_path / "s.wav"


def test_noise_recording_length_kept(tmp_path: Path) -> None:
    """Noise (not a tone) of 2.25 s between silences: trimmed to 2.25 s ± 10 ms (+ margins)."""
    rng = np.random.default_rng(7)
    noise = np.concatenate(
        [np.zeros(12_000), rng.uniform(-0.3, 0.3, 108_000), np.zeros(30_000)]
    ).astype(np.float32)
    soundfile.write(tmp_path / "n.wav", noise, 48_000, subtype="FLOAT")
    assert abs(spoken(tmp_path, "n.wav", "n").seconds - (2.25 + 2 * MARGIN)) <= 0.010


def test_spans_cover_the_speech_in_sentence_order(tmp_path: Path) -> None:
    soundfile.write(tmp_path / "x.wav", tone(3.0, 16_000, silence=0.2), 16_000)
    text = "Short one. This second sentence is much longer than the first."
    speech = RecordedEngine(tmp_path).speak(line("x", text))
    assert [span.text for span in speech.spans] == ["Short one.", text[11:]]
    assert speech.spans[0].start == 0.0
    assert speech.spans[-1].end == pytest.approx(speech.seconds)
    assert speech.spans[0].end == speech.spans[1].start
    assert speech.spans[0].end < speech.seconds / 3  # the short one gets the smaller share


def test_content_digest_follows_the_bytes(tmp_path: Path) -> None:
    engine = RecordedEngine(tmp_path)
    soundfile.write(tmp_path / "s.wav", tone(0.5, 16_000), 16_000, subtype="PCM_16")
    first = engine.content_digest(line("s"))
    soundfile.write(tmp_path / "s.wav", tone(0.5, 16_000, level=0.4), 16_000, subtype="PCM_16")
    assert engine.content_digest(line("s")) != first


def test_identity() -> None:
    engine = RecordedEngine(Path("/takes"))
    assert (engine.identity.engine, engine.identity.voice, engine.identity.version) == (
        "recorded",
        "/takes",
        "1",
    )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abc xyz", min_size=1, max_size=30).filter(str.strip),
        min_size=1,
        max_size=5,
    ),
    st.floats(min_value=0.1, max_value=100.0),
)
def test_spans_by_length_tile_the_speech(sentences: list[str], seconds: float) -> None:
    text = " ".join(f"{s.strip().capitalize()}." for s in sentences)
    spans = spans_by_length(Line.of("s", "T", text), seconds)
    assert spans[0].start == 0.0
    assert spans[-1].end == pytest.approx(seconds)
    for before, after in pairwise(spans):
        assert before.end == after.start
        assert before.start < before.end
