"""Measurements of audio, for tests and notes: decoded samples, loudness, the level in a
window, the jump at a seam, and the streams of a file.

``seam_jumps`` is what "no click at a seam" means in numbers: a click is a sudden step between
two consecutive samples. For each seam it returns the largest ``|x[n] - x[n-1]|`` over the
samples within ±1 ms of it (:data:`SEAM_WINDOW`). Compare it with the same figure away from
seams: speech at -16 LUFS has sample-to-sample steps up to about 0.1-0.3 at 48 kHz, while silence
decoded from AAC or Opus stays below 0.01; a seam where parts join in silence should show a jump
near 0, and a cut through speech (a click) a jump as large as the speech itself.

>>> x = np.zeros(48_000, dtype=np.float32); x[24_000:] = 0.5
>>> seam_jumps(x, 48_000, [0.5, 0.25])
[0.5, 0.0]
>>> round(rms_db(x, 48_000, 0.5, 1.0), 2)
-6.02
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

#: Half the window of :func:`seam_jumps` (seconds).
SEAM_WINDOW = 0.001


def decode_audio(path: Path) -> tuple[np.ndarray, int]:
    """The first audio stream of ``path`` decoded (PyAV), mixed down to mono float32, and its
    rate. Decoders drop the encoder's start-up samples the container records."""
    import av

    with av.open(str(path)) as source:
        stream = source.streams.audio[0]
        rate = int(stream.rate)
        pieces = []
        for frame in source.decode(stream):
            data = frame.to_ndarray().astype(np.float32)
            if frame.format.is_planar:
                mono = data.mean(axis=0)
            else:
                channels = max(1, len(frame.layout.channels))
                mono = data.reshape(-1, channels).mean(axis=1)
            if frame.format.name.startswith("s16"):
                mono = mono / 32768.0
            elif frame.format.name.startswith("s32"):
                mono = mono / 2147483648.0
            pieces.append(mono)
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return samples.astype(np.float32), rate


def loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4, gated; pyloudnorm); ``-inf`` for
    silence."""
    import pyloudnorm

    return float(pyloudnorm.Meter(rate).integrated_loudness(np.asarray(samples, dtype=np.float64)))


def peak_db(samples: np.ndarray) -> float:
    """The loudest sample in dBFS (``-inf`` for silence)."""
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def rms_db(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    """The RMS level in dBFS of ``samples`` from ``start`` to ``end`` seconds (``-inf`` for
    silence or an empty window)."""
    window = np.asarray(
        samples[max(0, round(start * rate)) : max(0, round(end * rate))], dtype=np.float64
    )
    if len(window) == 0:
        return -math.inf
    rms = math.sqrt(float(np.mean(window**2)))
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def seam_jumps(samples: np.ndarray, rate: int, seams: Sequence[float]) -> list[float]:
    """For each seam (seconds), the largest ``|x[n] - x[n-1]|`` with ``n`` within
    :data:`SEAM_WINDOW` of it (see the module's docstring for what counts as a click)."""
    samples = np.asarray(samples, dtype=np.float64)
    half = max(1, round(SEAM_WINDOW * rate))
    jumps = []
    for seam in seams:
        at = int(round(seam * rate))
        low, high = max(1, at - half), min(len(samples), at + half + 1)
        if high <= low:
            jumps.append(0.0)
            continue
        steps = np.abs(samples[low:high] - samples[low - 1 : high - 1])
        jumps.append(float(steps.max()))
    return jumps


def onset(samples: np.ndarray, rate: int, threshold: float = 0.05) -> float:
    """When ``samples`` first reach ``threshold`` in absolute value (seconds; ``nan`` if
    never)."""
    loud = np.flatnonzero(np.abs(np.asarray(samples)) >= threshold)
    return float(loud[0]) / rate if len(loud) else math.nan


#: The longest stretch without speech a narrated lecture may have once its first word is spoken
#: (the title card before it and the final hold after the last word are silent on purpose).
LONGEST_SILENCE = 3.0


def speechless_stretches(
    spans: Sequence[Sequence[object]], longest: float = LONGEST_SILENCE
) -> list[tuple[float, float]]:
    """The stretches between one step's speech and the next that last more than ``longest``
    seconds, as ``(start, seconds)``: ``spans`` are the manifest's ``audio.steps``
    (``[step_id, start, seconds]``, in any order).

    >>> speechless_stretches([["b", 9.0, 2.0], ["a", 1.0, 4.0], ["c", 12.0, 1.0]])
    [(5.0, 4.0)]
    """
    ordered = sorted((float(str(s[1])), float(str(s[2]))) for s in spans)
    stretches, end = [], None
    for start, seconds in ordered:
        if end is not None and start - end > longest:
            stretches.append((round(end, 3), round(start - end, 3)))
        end = start + seconds if end is None else max(end, start + seconds)
    return stretches


def stream_facts(path: Path) -> dict[str, object]:
    """The streams of ``path``: ``video_codec``, ``audio_codec`` (None when absent),
    ``video_seconds`` and ``audio_seconds`` (from the first packet's start to the last packet's
    end, from their timestamps; time before 0 is the encoder's start-up delay, which decoders
    drop, and is not counted), ``audio_rate`` and ``audio_channels``."""
    import av

    facts: dict[str, object] = {
        "video_codec": None,
        "audio_codec": None,
        "video_seconds": 0.0,
        "audio_seconds": 0.0,
        "audio_rate": None,
        "audio_channels": None,
    }
    with av.open(str(path)) as source:
        spans: dict[int, list[Fraction]] = {}
        for packet in source.demux():
            if packet.pts is None or packet.time_base is None:
                continue
            begin = max(Fraction(0), packet.pts * packet.time_base)
            end = (packet.pts + max(0, packet.duration or 0)) * packet.time_base
            span = spans.setdefault(packet.stream.index, [begin, end])
            span[0], span[1] = min(span[0], begin), max(span[1], end)
        for stream in source.streams:
            if stream.type not in ("video", "audio"):
                continue
            facts[f"{stream.type}_codec"] = stream.codec_context.name
            begin, end = spans.get(stream.index, [Fraction(0), Fraction(0)])
            facts[f"{stream.type}_seconds"] = float(end - begin)
            if isinstance(stream, av.AudioStream):
                facts["audio_rate"] = int(stream.rate)
                facts["audio_channels"] = int(stream.codec_context.channels)
    return facts


__all__ = [
    "LONGEST_SILENCE",
    "SEAM_WINDOW",
    "decode_audio",
    "loudness",
    "onset",
    "peak_db",
    "rms_db",
    "seam_jumps",
    "speechless_stretches",
    "stream_facts",
]
