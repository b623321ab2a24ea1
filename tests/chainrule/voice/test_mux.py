"""Audio put into videos (chainrule.voice.mux): AAC in mp4, Opus in webm, the video copied
untouched, the audio as long as the video, and heard where it was put (AAC priming and the Opus
pre-skip accounted for)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from chainrule.voice.measure import decode_audio, onset, seam_jumps, stream_facts
from chainrule.voice.mux import add_audio, video_span
from chainrule.voice.track import RATE

FPS = 15
FORMATS = [(".mp4", "libx264", "h264", "aac"), (".webm", "libvpx-vp9", "vp9", "opus")]


def make_video(path: Path, encoder: str, seconds: float = 2.0, fps: int = FPS) -> None:
    """A small silent test video: 16x16 frames getting brighter."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream(encoder, rate=fps)
        stream.width = stream.height = 16
        stream.pix_fmt = "yuv420p"
        for index in range(round(seconds * fps)):
            picture = np.full((16, 16, 3), (index * 8) % 256, dtype=np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        out.mux(stream.encode(None))


def packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as source:
        return [bytes(p) for p in source.demux(source.streams.video[0]) if p.size]


def click_track(seconds: float, at: float) -> np.ndarray:
    """Silence with a 1 ms click of 0.8 at ``at`` seconds."""
    track = np.zeros(round(seconds * RATE), dtype=np.float32)
    track[round(at * RATE) : round(at * RATE) + 48] = 0.8
    return track


@pytest.mark.parametrize(("suffix", "encoder", "video_codec", "audio_codec"), FORMATS)
def test_audio_stream_codec_length_and_alignment(
    tmp_path: Path, suffix: str, encoder: str, video_codec: str, audio_codec: str
) -> None:
    video = tmp_path / f"silent{suffix}"
    make_video(video, encoder)
    target = tmp_path / f"voiced{suffix}"
    add_audio(video, click_track(2.0, 0.5), RATE, target)

    facts = stream_facts(target)
    assert facts["video_codec"] == video_codec
    assert facts["audio_codec"] == audio_codec
    assert facts["audio_rate"] == RATE
    assert facts["audio_channels"] == 1
    frame = 1 / FPS
    assert abs(facts["video_seconds"] - 2.0) <= 0.002
    assert abs(facts["audio_seconds"] - facts["video_seconds"]) <= frame

    heard, rate = decode_audio(target)
    assert rate == RATE
    assert abs(len(heard) / rate - facts["video_seconds"]) <= frame
    assert abs(onset(heard, rate, 0.3) - 0.5) <= 0.005
    # cross-correlation of the click with the input puts it within 5 ms of where it was
    sent = click_track(2.0, 0.5)[:RATE]
    lag = np.argmax(np.correlate(heard[:RATE], sent, "full")) - (RATE - 1)
    assert abs(lag) / RATE <= 0.005
    # the video is copied, not re-encoded
    assert packets(target) == packets(video)
    assert not list(tmp_path.glob(".*"))  # no temporary file left


@pytest.mark.parametrize(("suffix", "encoder", "video_codec", "audio_codec"), FORMATS[:1])
def test_track_fitted_to_the_video(
    tmp_path: Path, suffix: str, encoder: str, video_codec: str, audio_codec: str
) -> None:
    """A track shorter than the video is padded, a longer one cut: the audio lasts as long as
    the video either way."""
    video = tmp_path / f"v{suffix}"
    make_video(video, encoder, seconds=1.0)
    for seconds in (0.3, 3.0):
        add_audio(video, click_track(seconds, 0.1), RATE, tmp_path / f"a{suffix}")
        facts = stream_facts(tmp_path / f"a{suffix}")
        assert abs(facts["audio_seconds"] - 1.0) <= 1 / FPS


def test_replace_in_place(tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    make_video(video, "libx264")
    before = packets(video)
    add_audio(video, click_track(2.0, 1.0), RATE, video)
    assert stream_facts(video)["audio_codec"] == "aac"
    assert packets(video) == before


def test_speech_level_survives_encoding(tmp_path: Path) -> None:
    """A -16 LUFS-ish tone keeps its level through AAC and Opus within 0.5 dB, and the
    silences either side stay near 0 (no jump at a seam placed in silence)."""
    t = np.arange(RATE) / RATE
    track = np.zeros(2 * RATE, dtype=np.float32)
    track[RATE // 2 : RATE // 2 + RATE] = 0.2 * np.sin(2 * np.pi * 220 * t)
    for suffix, encoder in (("mp4", "libx264"), ("webm", "libvpx-vp9")):
        video = tmp_path / f"v.{suffix}"
        make_video(video, encoder)
        add_audio(video, track, RATE, tmp_path / f"a.{suffix}")
        heard, rate = decode_audio(tmp_path / f"a.{suffix}")
        middle = slice(round(0.75 * RATE), round(1.25 * RATE))
        level = 20 * np.log10(np.sqrt(np.mean(heard[middle] ** 2)))
        assert level == pytest.approx(20 * np.log10(0.2 / np.sqrt(2)), abs=0.5)
        assert max(seam_jumps(heard, rate, [0.1, 1.9])) < 0.01


def test_video_span(tmp_path: Path) -> None:
    make_video(tmp_path / "v.mp4", "libx264", seconds=1.0)
    assert video_span(tmp_path / "v.mp4") == (Fraction(0), Fraction(1))


def test_other_containers_refused(tmp_path: Path) -> None:
    make_video(tmp_path / "v.mp4", "libx264", seconds=0.2)
    with pytest.raises(ValueError, match=r"\.mp4 or \.webm only, not \.gif"):
        add_audio(tmp_path / "v.mp4", np.zeros(10, dtype=np.float32), RATE, tmp_path / "v.gif")


@pytest.mark.parametrize(("suffix", "encoder"), [("mp4", "libx264"), ("webm", "libvpx-vp9")])
def test_normalised_speech_decodes_at_minus_16_lufs_below_minus_1_dbfs(
    tmp_path: Path, suffix: str, encoder: str
) -> None:
    """Piper speech normalised, encoded and decoded: still -16 LUFS (±0.5) and no decoded
    sample above -1 dBFS although AAC and Opus overshoot peaks."""
    from chainrule.voice.lines import Line
    from chainrule.voice.measure import loudness
    from chainrule.voice.piper_voice import PiperEngine
    from chainrule.voice.track import mix, normalise
    from scenes.narration import VoiceMark

    speech = PiperEngine().speak(
        Line.of("a", "A", "The gradient of W[2] is dZ[2] A[1]ᵀ. Fold back through g′(z[1]).")
    )
    seconds = speech.seconds + 1.0
    track = normalise(mix([VoiceMark("a", 0.5)], {"a": speech}, seconds), RATE)
    video = tmp_path / f"v.{suffix}"
    make_video(video, encoder, seconds=seconds)
    add_audio(video, track, RATE, tmp_path / f"a.{suffix}")
    heard, rate = decode_audio(tmp_path / f"a.{suffix}")
    assert loudness(heard, rate) == pytest.approx(-16.0, abs=0.5)
    assert np.max(np.abs(heard)) <= 10 ** (-1 / 20)
