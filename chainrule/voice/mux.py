"""The audio track put into a drawn video: the video's packets copied as they are (no
re-encoding, no quality lost, fast), the track encoded beside them: AAC in mp4, Opus in webm.

The track is cut or padded with silence to the video's length (read from its packets), so the
audio lasts as long as the video to within one audio frame (21 ms AAC, 20 ms Opus). The audio
starts where the video's first frame shows; each encoder's start-up delay (AAC's 1024 priming
samples, Opus's pre-skip) is recorded by the muxer (an mp4 edit list, the WebM codec delay), so a
player hears sample ``n`` of the track at ``n / rate`` seconds: measured by a click, decoded AAC
and Opus are within 1 ms of where the click was put.

The new file is written beside ``target`` under a temporary name and renamed over it.

PyAV only (the ffmpeg program is not needed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class AudioCodec:
    """How the audio of one container is encoded."""

    container: str      # the muxer's name
    codec: str          # the encoder's name
    sample_format: str  # the encoder's sample format (planar or packed float)
    bit_rate: int       # bits per second
    options: tuple[tuple[str, str], ...] = ()  # encoder options


#: The audio of each container chainrule writes with sound (gif and png carry none).
CODECS: dict[str, AudioCodec] = {
    # the "fast" coder: 30 % quicker than the default "twoloop", no audible loss at 160 kb/s
    ".mp4": AudioCodec("mp4", "aac", "fltp", 160_000, (("aac_coder", "fast"),)),
    ".webm": AudioCodec("webm", "libopus", "flt", 96_000),
}


def video_span(video: Path) -> tuple[Fraction, Fraction]:
    """When the first frame of ``video`` shows and when its last frame ends (seconds, exact),
    from the video stream's packets (no decoding)."""
    import av

    with av.open(str(video)) as source:
        stream = source.streams.video[0]
        first: Fraction | None = None
        last = Fraction(0)
        for packet in source.demux(stream):
            if packet.pts is None or packet.time_base is None:
                continue
            begin = packet.pts * packet.time_base
            end = (packet.pts + max(0, packet.duration or 0)) * packet.time_base
            first = begin if first is None else min(first, begin)
            last = max(last, end)
    if first is None:
        raise ValueError(f"{video} has no video frames")
    return first, last


def fitted(samples: np.ndarray, count: int) -> np.ndarray:
    """``samples`` (mono float32) cut or padded with silence to exactly ``count`` samples.

    >>> fitted(np.ones(3, dtype=np.float32), 5).tolist()
    [1.0, 1.0, 1.0, 0.0, 0.0]
    """
    out = np.zeros(count, dtype=np.float32)
    keep = min(count, len(samples))
    out[:keep] = np.asarray(samples[:keep], dtype=np.float32)
    return out


def _audio_packets(stream: object, samples: np.ndarray, rate: int, first_pts: int,
                   sample_format: str) -> list[object]:
    """Every packet of ``samples`` encoded by ``stream``'s encoder (flushed at the end)."""
    import av

    packets: list[object] = []
    size = 960 if sample_format == "flt" else 1024  # one Opus (20 ms) / AAC frame
    for at in range(0, len(samples), size):
        chunk = np.ascontiguousarray(samples[at:at + size], dtype=np.float32).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format=sample_format, layout="mono")
        frame.sample_rate = rate
        frame.time_base = Fraction(1, rate)
        frame.pts = first_pts + at
        packets.extend(stream.encode(frame))  # type: ignore[attr-defined]
    packets.extend(stream.encode(None))  # type: ignore[attr-defined]
    return packets


def add_audio(video: Path, samples: np.ndarray, rate: int, target: Path) -> None:
    """Write ``target``: ``video``'s video stream copied and ``samples`` (mono float in [-1, 1]
    at ``rate`` Hz) as its audio, fitted to the video's length. The kind of audio follows
    ``target``'s suffix (:data:`CODECS`); ``target`` may be ``video`` itself."""
    import av

    video, target = Path(video), Path(target)
    codec = CODECS.get(target.suffix.lower())
    if codec is None:
        raise ValueError(f"{target}: audio goes into .mp4 or .webm only, not "
                         f"{target.suffix or 'a file without suffix'}")
    first, last = video_span(video)
    start = round(first * rate)
    track = fitted(np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0),
                   round(last * rate) - start)
    temporary = target.with_name(f".{target.stem}.audio-tmp{target.suffix}")
    try:
        with av.open(str(video)) as source, \
                av.open(str(temporary), "w", format=codec.container) as out:
            picture = source.streams.video[0]
            copy = out.add_stream_from_template(picture)
            if picture.average_rate:  # WebM then records each frame's duration
                copy.codec_context.framerate = picture.average_rate
            sound = out.add_stream(codec.codec, rate=rate, layout="mono",
                                   options=dict(codec.options))
            sound.bit_rate = codec.bit_rate
            sound.time_base = Fraction(1, rate)
            pending = _audio_packets(sound, track, rate, start, codec.sample_format)
            pending.reverse()  # pop() from the end = in time order
            for packet in source.demux(picture):
                if packet.dts is None:
                    continue
                now = packet.dts * packet.time_base
                while pending and _dts_seconds(pending[-1]) <= now:
                    out.mux(pending.pop())
                packet.stream = copy
                out.mux(packet)
            while pending:
                out.mux(pending.pop())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _dts_seconds(packet: object) -> Fraction:
    dts = packet.dts if packet.dts is not None else packet.pts  # type: ignore[attr-defined]
    return Fraction(dts or 0) * packet.time_base  # type: ignore[attr-defined]


__all__ = ["CODECS", "AudioCodec", "add_audio", "fitted", "video_span"]
