"""Narrated renders, end to end (``chainrule render`` with a voice): the audio stream, its
timing against the subtitles and the steps, loudness, the lecture's seams, the educator's
recordings, the speech cache, and silent renders.

Real renders use the lowest quality at a tiny pixel size; the Piper speech is shared by every
test of the run (``CHAINRULE_SPEECH_DIR``, tests/conftest.py), so each step is synthesised once.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
import srt

import chainrule.voice.piper_voice
from chainrule.voice.measure import (
    LONGEST_SILENCE,
    decode_audio,
    loudness,
    rms_db,
    speechless_stretches,
    stream_facts,
)
from derivations import NetworkSpec, derive
from tests.cli_support import assert_one_line_error, invoke, snapshot

pytestmark = pytest.mark.usefixtures("isolated_shared_cache")

TINY = ("-q", "l", "--resolution", "192x108")
FPS = 15
SCENE = "FoldBack"  # three narrated steps, one with a long animation
#: Energy of speech inside a cue: well above the noise floor of silence (digital zero).
SPEECH_FLOOR_DB = -40.0
#: Energy below which a stretch counts as silent.
SILENCE_DB = -55.0


def render(folder: Path, *args: str) -> dict[str, Any]:
    """Render into ``folder`` and return the manifest entry of its one output."""
    result = invoke("render", *args, *TINY, "-o", str(folder))
    assert result.exit_code == 0, result.stderr + result.stdout
    (entry,) = json.loads((folder / "manifest.json").read_text())["outputs"]
    return entry


def cues(path: Path) -> list[tuple[float, float, str]]:
    return [
        (c.start.total_seconds(), c.end.total_seconds(), c.content)
        for c in srt.parse(path.read_text(encoding="utf-8"))
    ]


@pytest.fixture(scope="module")
def narrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """FoldBack narrated by Piper, as mp4 and as webm."""
    base = tmp_path_factory.mktemp("narrated")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(base)
        patch.setenv("CHAINRULE_CACHE_DIR", str(base / "cache"))
        mp4 = render(base / "mp4", SCENE)
        webm = render(base / "webm", SCENE, "--format", "webm")
    return {"mp4": (base / "mp4", mp4), "webm": (base / "webm", webm)}


@pytest.mark.render
@pytest.mark.parametrize(("container", "codec"), [("mp4", "aac"), ("webm", "opus")])
def test_every_video_carries_its_audio(
    narrated: dict[str, Any], container: str, codec: str
) -> None:
    folder, entry = narrated[container]
    facts = stream_facts(folder / entry["path"])
    assert facts["audio_codec"] == codec
    assert abs(facts["audio_seconds"] - facts["video_seconds"]) <= 1 / FPS
    assert entry["audio"]["codec"] == codec


@pytest.mark.render
def test_speech_fills_every_cue_and_nothing_is_said_outside_them(narrated: dict[str, Any]) -> None:
    folder, entry = narrated["mp4"]
    samples, rate = decode_audio(folder / entry["path"])
    shown = cues(folder / entry["subtitles"])
    assert len(shown) >= 3
    for start, end, text in shown:
        assert rms_db(samples, rate, start, end) > SPEECH_FLOOR_DB, text
    # outside every cue (a 50 ms margin for the codec's smear): no stretch of speech longer
    # than 0.3 s
    window, loud_run, longest = 0.1, 0.0, 0.0
    for start in np.arange(0.0, len(samples) / rate - window, window):
        inside = any(s - 0.05 <= start + window and start <= e + 0.05 for s, e, _ in shown)
        loud = not inside and rms_db(samples, rate, start, start + window) > SPEECH_FLOOR_DB
        loud_run = loud_run + window if loud else 0.0
        longest = max(longest, loud_run)
    assert longest <= 0.3


@pytest.mark.render
def test_each_step_lasts_its_speech_and_speech_never_overlaps(narrated: dict[str, Any]) -> None:
    _folder, entry = narrated["mp4"]
    audio = entry["audio"]
    steps = audio["steps"]
    spec = NetworkSpec()
    narrated_ids = [step_id for step_id, _, _ in steps]
    assert narrated_ids == ["dZ1.fold_factor", "dZ1.transpose", "dZ1.fold"]
    ends = [start for _, start, _ in steps[1:]] + [entry["duration"]]
    for (step_id, start, seconds), end in zip(steps, ends, strict=True):
        assert end - start >= seconds + audio["pause"] - 1 / FPS, step_id
    # and the chapters start where the steps start
    starts = {s["title"]: s["start"] for s in entry["sections"]}
    derivation = derive(spec)
    for step_id, start, _ in steps:
        assert starts[derivation.step(step_id).title] == pytest.approx(start, abs=1 / FPS)


@pytest.mark.render
@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_the_narration_is_normalised_to_minus_16_lufs(
    narrated: dict[str, Any], container: str
) -> None:
    folder, entry = narrated[container]
    samples, rate = decode_audio(folder / entry["path"])
    assert loudness(samples, rate) == pytest.approx(-16.0, abs=1.0)
    assert np.abs(samples).max() <= 10 ** (-0.5 / 20)  # no clipping (peak below -0.5 dBFS)


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The default lecture narrated by Piper at its real pacing (tiny frames)."""
    base = tmp_path_factory.mktemp("lecture")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(base)
        return base / "out", render(base / "out", "Lecture")


@pytest.mark.render
def test_the_lecture_is_never_silent_for_long_after_its_first_word(
    lecture: tuple[Path, dict[str, Any]],
) -> None:
    folder, entry = lecture
    spans = entry["audio"]["steps"]
    assert speechless_stretches(spans) == []
    # the title card before the first word, and a last frame held long enough to read
    first = min(span[1] for span in spans)
    last = max(span[1] + span[2] for span in spans)
    assert 3.0 <= first <= 8.0
    assert entry["duration"] - last >= 3.0
    # the subtitles agree: no cue ends more than the limit before the next starts
    shown = cues(folder / Path(entry["path"]).with_suffix(".srt").name)
    gaps = [b[0] - a[1] for a, b in pairwise(shown)]
    assert max(gaps) <= LONGEST_SILENCE


@pytest.mark.render
def test_the_lecture_joins_its_parts_without_a_seam_in_the_sound(
    lecture: tuple[Path, dict[str, Any]],
) -> None:
    folder, entry = lecture
    samples, rate = decode_audio(folder / entry["path"])
    seams = entry["audio"]["seams"]
    assert len(seams) >= 7  # eight parts, joined
    steps = entry["audio"]["steps"]
    jumps = np.abs(np.diff(samples))
    typical = float(np.quantile(jumps, 0.999))  # the steepest 0.1 % of all sample steps
    for seam in seams:
        at = int(round(seam * rate))
        near = jumps[max(at - rate // 1000, 0) : at + rate // 1000]  # +- 1 ms
        assert near.max() <= max(typical, 1e-3), seam
        speaking = [s for s in steps if s[1] < seam - 0.001 and seam + 0.001 < s[1] + s[2]]
        assert not speaking, f"speech of {speaking} runs across the seam at {seam} s"
    # same audio length as the video, and every step's speech once
    assert len(samples) / rate == pytest.approx(entry["duration"], abs=1 / FPS)
    assert len({s[0] for s in steps}) == len(steps)


# ---------------------------------------------------------------------- recorded voice


def tone(seconds: float, rate: int, channels: int = 1, silence: float = 0.2) -> np.ndarray:
    """A 220 Hz tone of ``seconds`` with ``silence`` of digital zero on each side."""
    t = np.arange(int(seconds * rate)) / rate
    sound = 0.3 * np.sin(2 * np.pi * 220 * t)
    pad = np.zeros(int(silence * rate))
    mono = np.concatenate([pad, sound, pad]).astype(np.float32)
    return np.repeat(mono[:, None], channels, axis=1) if channels > 1 else mono


RECORDINGS = {  # step: (seconds of sound, file name suffix, rate, channels, subtype)
    "dZ1.fold_factor": (1.5, ".wav", 8000, 1, "PCM_16"),
    "dZ1.transpose": (14.0, ".flac", 44100, 6, "PCM_24"),  # longer than its animation
    "dZ1.fold": (2.5, ".wav", 48000, 2, "FLOAT"),
}


def record(folder: Path) -> None:
    folder.mkdir()
    for step_id, (seconds, suffix, rate, channels, subtype) in RECORDINGS.items():
        soundfile.write(
            folder / f"{step_id}{suffix}", tone(seconds, rate, channels), rate, subtype=subtype
        )


@pytest.mark.render
def test_the_educators_recordings_time_the_steps(tmp_path: Path) -> None:
    record(tmp_path / "takes")
    config = tmp_path / "own.toml"
    config.write_text('[voice]\nengine = "recorded"\nfolder = "takes"\n', encoding="utf-8")
    entry = render(tmp_path / "out", SCENE, "--config", str(config))
    steps = {step_id: (start, seconds) for step_id, start, seconds in entry["audio"]["steps"]}
    assert set(steps) == set(RECORDINGS)
    samples, rate = decode_audio(tmp_path / "out" / entry["path"])
    ordered = sorted(steps.items(), key=lambda item: item[1][0])
    ends = [start for _, (start, _) in ordered[1:]] + [entry["duration"]]
    for (step_id, (start, seconds)), end in zip(ordered, ends, strict=True):
        assert seconds == pytest.approx(RECORDINGS[step_id][0], abs=0.02)  # silence trimmed
        assert end - start >= seconds  # the step lasts at least its recording
        assert rms_db(samples, rate, start + 0.1, start + seconds - 0.1) > SPEECH_FLOOR_DB
        gap = (start + seconds + 0.1, min(end, start + seconds + 0.4))
        if gap[1] - gap[0] > 0.1:
            assert rms_db(samples, rate, *gap) < SILENCE_DB, step_id


BAD = {
    "missing": None,
    "empty": b"",
    "text named .wav": b"these are not the samples you are looking for\n" * 40,
    "truncated header": b"RIFF\x24\x08\x00\x00WAVEfmt ",
}


@pytest.mark.parametrize("case", [*BAD, "all zeros"])
def test_a_bad_recording_is_one_line_naming_file_and_step(tmp_path: Path, case: str) -> None:
    record(tmp_path / "takes")
    bad = tmp_path / "takes" / "dZ1.fold.wav"
    bad.unlink()
    if case == "all zeros":
        soundfile.write(bad, np.zeros(48000, dtype=np.float32), 48000)
    elif BAD[case] is not None:
        bad.write_bytes(BAD[case])  # type: ignore[arg-type]
    config = tmp_path / "own.toml"
    config.write_text('[voice]\nengine = "recorded"\nfolder = "takes"\n', encoding="utf-8")
    before = snapshot(tmp_path / "out")
    result = invoke("render", SCENE, *TINY, "-o", str(tmp_path / "out"), "--config", str(config))
    assert_one_line_error(result, 2, "dZ1.fold")
    assert "dZ1.fold" in result.stderr
    assert "takes" in result.stderr
    assert snapshot(tmp_path / "out") == before


# ---------------------------------------------------------------------- cache and silence


@pytest.mark.render
def test_an_unchanged_render_synthesises_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAINRULE_SPEECH_DIR", str(tmp_path / "speech"))
    spoken: list[str] = []
    speak = chainrule.voice.piper_voice.PiperEngine.speak

    def counting(self: Any, line: Any) -> Any:
        spoken.append(line.step_id)
        return speak(self, line)

    monkeypatch.setattr(chainrule.voice.piper_voice.PiperEngine, "speak", counting)
    render(tmp_path / "first", "WhyTranspose")
    said = ["dZ1.backward", "dZ1.transpose"]
    assert spoken == said
    render(tmp_path / "second", "WhyTranspose")
    assert spoken == said  # nothing more


@pytest.mark.render
def test_no_voice_renders_silent_videos_timed_by_reading(tmp_path: Path) -> None:
    entry = render(tmp_path / "out", "WhyTranspose", "--no-voice")
    assert entry["audio"] is None
    assert stream_facts(tmp_path / "out" / entry["path"])["audio_codec"] is None
    (first, *_) = cues(tmp_path / "out" / entry["subtitles"])
    narration = derive(NetworkSpec()).step("dZ1.backward").narration
    from derivations.speech import subtitle_text
    from scenes.captions import split_narration

    # a cue of at most two lines, as text, not the whole narration
    opening = split_narration(subtitle_text(narration))[0]
    assert " ".join(first[2].split()) == opening
    words = len(opening.split())
    seconds = max(2.0, 60 * words / 160, len(opening) / 17)  # reading time, <= 17 chars/s
    assert first[1] - first[0] == pytest.approx(seconds, abs=0.01)
