"""The audio track of a video: each step's speech placed where the step starts, then made as
loud as a lecture should be.

All audio here is mono float32 at :data:`RATE` (48 kHz, Opus's own rate; AAC takes it too).

- :func:`resample` brings any rate to another (polyphase, exact rational factors);
- :func:`voiced_span` / :func:`trim` find and keep the part of a sound that is not near-silence;
- :func:`mix` places every step's speech at its :class:`~scenes.narration.VoiceMark`, with short
  fades so no speech starts or ends with a click; overlap or speech past the end is an error;
- :func:`normalise` sets the integrated loudness (ITU-R BS.1770 via pyloudnorm) to -16 LUFS and
  keeps every sample at or below -1 dBFS with a look-ahead peak limiter (see :func:`limit`).

Why a limiter: Piper's speech has its peaks about 21.5 dB above its integrated loudness
(measured on the bundled voice: -25.4 LUFS with peaks at -3.9 dBFS). At -16 LUFS its peaks would
be at +5.5 dBFS, so no plain gain can reach the target without clipping; the limiter lowers the
few loud peaks smoothly (gain changes spread over :data:`LIMIT_WINDOW`) and the gain is
re-measured after it.

>>> x = np.zeros(RATE, dtype=np.float32); x[12_000:36_000] = 0.5
>>> start, end = voiced_span(x, RATE)
>>> start, end
(12000, 36000)
>>> len(trim(x, RATE)) == 24_000 + 2 * round(MARGIN * RATE)
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

from scenes.narration import VoiceMark

from .engines import Speech

#: The rate of every track (Hz).
RATE = 48_000
#: Loudness of a finished track (LUFS, integrated), as EBU R128 / most podcast platforms.
TARGET_LUFS = -16.0
#: No sample of a finished track goes above this (dBFS).
CEILING_DB = -1.0
#: Length of the fade at each end of a step's speech (seconds): no click where speech starts.
FADE = 0.005
#: Sound kept on each side of the voiced part when trimming (seconds).
MARGIN = 0.004
#: A frame quieter than this, relative to the loudest frame, is near-silence (dB).
SILENCE_BELOW_PEAK_DB = -40.0
#: ...and so is any frame quieter than this (dBFS), however quiet the loudest is.
SILENCE_FLOOR_DB = -60.0
#: Window over which the limiter lowers and restores its gain (seconds).
LIMIT_WINDOW = 0.010


def resample(samples: np.ndarray, rate: int, target: int = RATE) -> np.ndarray:
    """``samples`` at ``rate`` Hz brought to ``target`` Hz (float32).

    >>> len(resample(np.zeros(22_050, dtype=np.float32), 22_050))
    48000
    """
    samples = np.asarray(samples, dtype=np.float32)
    if rate == target:
        return samples
    common = math.gcd(int(rate), int(target))
    up, down = int(target) // common, int(rate) // common
    return resample_poly(samples, up, down).astype(np.float32)


def _frame_levels(samples: np.ndarray, size: int) -> np.ndarray:
    """The RMS of each consecutive ``size``-sample frame (the last one may be shorter)."""
    count = -(-len(samples) // size)
    padded = np.zeros(count * size, dtype=np.float64)
    padded[:len(samples)] = samples
    return np.sqrt(np.mean(padded.reshape(count, size) ** 2, axis=1))


def voiced_span(samples: np.ndarray, rate: int) -> tuple[int, int]:
    """The sample range ``[start, end)`` from the first to the last sound that is not
    near-silence: a 10 ms frame is voiced when its RMS is within 40 dB of the loudest frame's
    and above -60 dBFS; the range is then narrowed to the first and last samples in the voiced
    frames that are that loud. ``(0, 0)`` when all is near-silence."""
    samples = np.asarray(samples, dtype=np.float32)
    if len(samples) == 0:
        return 0, 0
    size = max(1, rate // 100)
    levels = _frame_levels(samples, size)
    threshold = max(float(levels.max()) * 10 ** (SILENCE_BELOW_PEAK_DB / 20),
                    10 ** (SILENCE_FLOOR_DB / 20))
    voiced = np.flatnonzero(levels >= threshold)
    if len(voiced) == 0:
        return 0, 0
    first, last = int(voiced[0]) * size, min(len(samples), (int(voiced[-1]) + 1) * size)
    loud = np.flatnonzero(np.abs(samples[first:last]) >= threshold)
    if len(loud) == 0:  # pragma: no cover - a frame's RMS never exceeds its peak
        return first, last
    return first + int(loud[0]), first + int(loud[-1]) + 1


def trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` without their leading and trailing near-silence (see :func:`voiced_span`),
    keeping :data:`MARGIN` on each side; empty when all is near-silence."""
    start, end = voiced_span(samples, rate)
    if end <= start:
        return np.zeros(0, dtype=np.float32)
    margin = round(MARGIN * rate)
    return np.asarray(samples[max(0, start - margin):end + margin], dtype=np.float32)


def faded(samples: np.ndarray, rate: int, seconds: float = FADE) -> np.ndarray:
    """A copy of ``samples`` fading in over its first and out over its last ``seconds``
    (linear; never exactly 0, so a sound's first sample stays where it was).

    >>> [round(float(v), 2) for v in faded(np.ones(10, dtype=np.float32), 1000, 0.004)]
    [0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 0.8, 0.6, 0.4, 0.2]
    """
    out = np.array(samples, dtype=np.float32)
    size = min(round(seconds * rate), len(out) // 2)
    if size > 0:
        ramp = (np.arange(1, size + 1, dtype=np.float32) / (size + 1)).astype(np.float32)
        out[:size] *= ramp
        out[len(out) - size:] *= ramp[::-1]
    return out


def mix(marks: Sequence[VoiceMark], speeches: Mapping[str, Speech], seconds: float,
        rate: int = RATE) -> np.ndarray:
    """The track of a ``seconds``-long video: exactly ``round(seconds * rate)`` float32 samples,
    silent but for each mark's speech, which starts at sample ``round(mark.start * rate)``
    (faded in and out over :data:`FADE`).

    Two speeches overlapping, a speech running past the end, a mark before 0 or a mark without
    speech is a :class:`ValueError` naming the step(s).

    >>> s = Speech(np.ones(4, dtype=np.float32), 4, ())  # 4 Hz: too slow for any fade
    >>> mix([VoiceMark("a", 1.0)], {"a": s}, 3.0, rate=4).tolist()
    [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    """
    total = round(seconds * rate)
    track = np.zeros(total, dtype=np.float32)
    placed: list[tuple[int, int, str]] = []
    for mark in sorted(marks, key=lambda m: m.start):
        if mark.step_id not in speeches:
            raise ValueError(f"step {mark.step_id}: a voice mark but no speech")
        if mark.start < 0:
            raise ValueError(f"step {mark.step_id}: speech starts at {mark.start} s, before 0")
        speech = speeches[mark.step_id]
        sound = faded(resample(speech.samples, speech.rate, rate), rate)
        start = round(mark.start * rate)
        end = start + len(sound)
        if placed and start < placed[-1][1]:
            before = placed[-1]
            raise ValueError(f"speech of step {mark.step_id} (from {start / rate:.3f} s) "
                             f"overlaps speech of step {before[2]} (until "
                             f"{before[1] / rate:.3f} s)")
        if end > total:
            raise ValueError(f"speech of step {mark.step_id} runs to {end / rate:.3f} s, past "
                             f"the video's end at {seconds:.3f} s")
        track[start:end] = sound
        placed.append((start, end, mark.step_id))
    return track


def limit(samples: np.ndarray, rate: int, ceiling_db: float = CEILING_DB) -> np.ndarray:
    """``samples`` with every sample at or below ``ceiling_db`` dBFS, by a smooth gain: the gain
    each sample needs is spread (sliding minimum, then a moving average, both over
    :data:`LIMIT_WINDOW`) so it falls before a peak and recovers after it. The average of
    minima whose windows all contain a sample never exceeds the gain that sample needs, so the
    ceiling holds by construction; a final clip only guards rounding."""
    samples = np.asarray(samples, dtype=np.float32)
    ceiling = 10 ** (ceiling_db / 20)
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak <= ceiling:
        return samples.copy()
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(samples.astype(np.float64)), 1e-12))
    size = 2 * (round(LIMIT_WINDOW * rate) // 2) + 1  # odd: centred windows
    gain = uniform_filter1d(minimum_filter1d(need, size, mode="nearest"), size, mode="nearest")
    out = samples * gain
    return np.clip(out, -ceiling, ceiling).astype(np.float32)


def normalise(samples: np.ndarray, rate: int, target_lufs: float = TARGET_LUFS) -> np.ndarray:
    """``samples`` at an integrated loudness of ``target_lufs`` (ITU-R BS.1770-4, gated, via
    pyloudnorm) with no sample above -1 dBFS (:func:`limit`). The limiter lowers the loudness
    a little, so the gain is measured again after it (three rounds reach the target within
    0.1 LU). A track too short to measure (under 0.4 s) or silent is returned unchanged."""
    import pyloudnorm

    samples = np.asarray(samples, dtype=np.float32)
    if len(samples) < round(0.4 * rate) or not np.any(samples):
        return samples.copy()
    meter = pyloudnorm.Meter(rate)
    measured = meter.integrated_loudness(samples.astype(np.float64))
    if not math.isfinite(measured):
        return samples.copy()
    gain_db = target_lufs - measured
    out = samples
    for _ in range(4):
        out = limit(samples * np.float32(10 ** (gain_db / 20)), rate)
        reached = meter.integrated_loudness(out.astype(np.float64))
        if not math.isfinite(reached) or abs(reached - target_lufs) < 0.05:
            break
        gain_db += target_lufs - reached
    return out


__all__ = ["CEILING_DB", "FADE", "MARGIN", "RATE", "TARGET_LUFS", "faded", "limit", "mix",
           "normalise", "resample", "trim", "voiced_span"]
