"""The audio track of a video: each step's speech placed where the step starts, then made as
loud as a lecture should be.

All audio here is mono float32 at :data:`RATE` (48 kHz, Opus's own rate; AAC takes it too).

- :func:`resample` brings any rate to another (polyphase, exact rational factors);
- :func:`voiced_span` / :func:`trim` find and keep the part of a sound that is not near-silence;
- :func:`mix` places every step's speech at its :class:`~scenes.narration.VoiceMark`, with short
  fades so no speech starts or ends with a click; overlap or speech past the end is an error;
- :func:`normalise` sets the integrated loudness (ITU-R BS.1770 via pyloudnorm) to -16 LUFS and
  keeps every sample at or below -2 dBFS with a look-ahead peak limiter (see :func:`limit`),
  so that the audio decoded from AAC or Opus, which overshoot peaks, stays below -1 dBFS.

Why a limiter: Piper's speech has its peaks about 21.5 dB above its integrated loudness
(measured on the bundled voice: -25.4 LUFS with peaks at -3.9 dBFS; over the whole lecture
-25.6 LUFS with peaks at -1.4 dBFS). At -16 LUFS its peaks would be at +5.5 to +8 dBFS, so no
plain gain can reach the target without clipping; the limiter lowers the
loud peaks smoothly (ramps of 5 ms, holds of 40 ms) and the gain is re-measured after it.

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

from chainrule.voice.engines import Speech
from scenes.narration import VoiceMark

#: The rate of every track (Hz).
RATE = 48_000
#: Loudness of a finished track (LUFS, integrated), as EBU R128 / most podcast platforms.
TARGET_LUFS = -16.0
#: No sample of a finished track goes above this (dBFS). Lossy codecs overshoot peaks: with
#: the lecture's speech limited to -1 dBFS, decoded AAC peaked at -0.74 dBFS and Opus at +0.07
#: dBFS; limited to -2 dBFS, at -1.80 and -1.01. So the track stops at -2 and what a player
#: decodes stays at or below -1 dBFS (EBU R128's ceiling).
CEILING_DB = -2.0
#: Length of the fade at each end of a step's speech (seconds): no click where speech starts.
FADE = 0.005
#: Sound kept on each side of the voiced part when trimming (seconds).
MARGIN = 0.004
#: A frame quieter than this, relative to the loudest frame, is near-silence (dB).
SILENCE_BELOW_PEAK_DB = -40.0
#: ...and so is any frame quieter than this (dBFS), however quiet the loudest is.
SILENCE_FLOOR_DB = -60.0
#: The limiter lowers its gain over 2 x this before a peak and restores it over 2 x this
#: after its hold (seconds).
LIMIT_ATTACK = 0.0025
#: How long the limiter holds its gain down after a peak (seconds; several pitch periods).
LIMIT_HOLD = 0.040


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
    from scipy.signal import resample_poly  # imported when needed: 1 s, not on a warm render

    resampled: np.ndarray = resample_poly(samples, up, down).astype(np.float32)  # scipy: untyped
    return resampled


def _frame_levels(samples: np.ndarray, size: int) -> np.ndarray:
    """The RMS of each consecutive ``size``-sample frame (the last one may be shorter)."""
    count = -(-len(samples) // size)
    padded = np.zeros(count * size, dtype=np.float64)
    padded[: len(samples)] = samples
    levels: np.ndarray = np.sqrt(np.mean(padded.reshape(count, size) ** 2, axis=1))
    return levels


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
    threshold = max(
        float(levels.max()) * 10 ** (SILENCE_BELOW_PEAK_DB / 20), 10 ** (SILENCE_FLOOR_DB / 20)
    )
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
    return np.asarray(samples[max(0, start - margin) : end + margin], dtype=np.float32)


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
        out[len(out) - size :] *= ramp[::-1]
    return out


def mix(
    marks: Sequence[VoiceMark], speeches: Mapping[str, Speech], seconds: float, rate: int = RATE
) -> np.ndarray:
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
            raise ValueError(
                f"speech of step {mark.step_id} (from {start / rate:.3f} s) "
                f"overlaps speech of step {before[2]} (until "
                f"{before[1] / rate:.3f} s)"
            )
        if end > total:
            raise ValueError(
                f"speech of step {mark.step_id} runs to {end / rate:.3f} s, past "
                f"the video's end at {seconds:.3f} s"
            )
        track[start:end] = sound
        placed.append((start, end, mark.step_id))
    return track


def limit(
    samples: np.ndarray, rate: int, ceiling_db: float = CEILING_DB, in_place: bool = False
) -> np.ndarray:
    """``samples`` with every sample at or below ``ceiling_db`` dBFS, by a smooth gain.

    The gain sample ``k`` needs is ``min(1, ceiling / |x[k]|)``. Its minimum over a window
    reaching :data:`LIMIT_ATTACK` ahead and :data:`LIMIT_ATTACK` + :data:`LIMIT_HOLD` behind is
    then averaged over ±:data:`LIMIT_ATTACK`: the gain ramps down (over 2 x attack) before a
    peak, holds after it, and ramps back. Every window averaged at sample ``n`` contains ``n``,
    so the gain never exceeds what ``n`` needs and the ceiling holds by construction (a final
    clip only guards float rounding). The hold spans several pitch periods, so a vowel is
    turned down as a whole rather than period by period (which would distort it).

    Only the stretches around samples above the ceiling are worked on (the gain is 1 farther
    than one window from any of them), so a long track with few peaks is limited quickly; the
    result is the same as over the whole track. The limiter is local: a part of a track limited
    alone equals that part of the whole limited track, except within 50 ms of its ends.
    ``in_place``: a float32 ``samples`` is limited where it is (one long track less in memory).

    >>> x = np.zeros(4800, dtype=np.float32); x[2400] = 2.0; x[2410] = 0.5
    >>> y = limit(x, 48_000)
    >>> bool(np.max(np.abs(y)) <= 10 ** (CEILING_DB / 20)), float(y[2410]) < 0.5
    (True, True)
    """
    samples = np.asarray(samples, dtype=np.float32)
    ceiling = np.nextafter(np.float32(10 ** (ceiling_db / 20)), np.float32(0))
    over = np.flatnonzero(np.abs(samples) > ceiling)
    out = samples if in_place else samples.copy()
    if len(over) == 0:
        return out
    attack = max(1, round(LIMIT_ATTACK * rate))
    half_hold = max(1, round(LIMIT_HOLD * rate / 2))
    reach = 2 * attack + 2 * half_hold + 2  # the gain is 1 farther than this from any peak
    breaks = np.flatnonzero(np.diff(over) > 2 * reach)
    firsts = np.concatenate([[over[0]], over[breaks + 1]])
    lasts = np.concatenate([over[breaks], [over[-1]]])
    for first, last in zip(firsts, lasts, strict=True):
        low, high = max(0, int(first) - reach), min(len(samples), int(last) + reach + 1)
        out[low:high] = _limited(samples[low:high], float(ceiling), attack, half_hold)
    return np.clip(out, -ceiling, ceiling, out=out)


def _limited(samples: np.ndarray, ceiling: float, attack: int, half_hold: int) -> np.ndarray:
    """:func:`limit` of one stretch (whose ends are at least one window from any peak)."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    need = np.minimum(1.0, ceiling / np.maximum(np.abs(samples.astype(np.float64)), 1e-12))
    # centred minimum over [c - attack - half_hold, c + attack + half_hold], used at
    # k = c + half_hold: the window [k - attack - 2 half_hold, k + attack]
    centred = minimum_filter1d(need, 2 * (attack + half_hold) + 1, mode="nearest")
    held = np.concatenate([np.full(half_hold, centred[0]), centred[:-half_hold]])
    gain = np.minimum(uniform_filter1d(held, 2 * attack + 1, mode="nearest"), need)
    limited: np.ndarray = (samples * gain).astype(np.float32)  # gain: from scipy, untyped
    return limited


#: The rate loudness is measured at. pyloudnorm holds several float64 copies of what it
#: measures (553 MB of peak memory for a 413 s lecture at 48 kHz); speech has next to nothing
#: above 8 kHz (Piper's voice stops at 11 kHz), and on a narrated scene the 16 kHz measurement
#: differed from the 48 kHz one by 0.004 LU, at a third of the memory.
MEASURE_RATE = 16_000
#: How much louder a track gets per dB of gain once the limiter works, guessed before the
#: secant method has two points. Piper's speech at -16 LUFS gains about 0.5 LU per dB (the
#: limiter takes the rest): with this guess the default lecture's track needs four loudness
#: measurements instead of five; a track that needs little limiting (slope near 1) overshoots
#: once and the secant step brings it back.
FIRST_SLOPE = 0.5


def _measured(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness (LUFS) of ``samples``, measured at :data:`MEASURE_RATE` when
    ``rate`` is a multiple of it."""
    import pyloudnorm

    factor = rate // MEASURE_RATE if rate % MEASURE_RATE == 0 else 1
    low = decimated(samples, factor) if factor > 1 else samples
    meter = pyloudnorm.Meter(rate // factor)
    return float(meter.integrated_loudness(np.asarray(low, dtype=np.float64)))


#: Samples per piece when decimating a long track (a piece at a time keeps memory low).
DECIMATE_PIECE = 1 << 20


def decimated(samples: np.ndarray, factor: int) -> np.ndarray:
    """``samples`` (float32) at ``1/factor`` of their rate: scipy's polyphase ``resample_poly``
    applied a piece at a time, each piece with enough of its neighbours around it that the
    result equals ``resample_poly(samples, 1, factor)`` (to float rounding), without the
    whole track's float64 copies.

    >>> x = np.sin(np.arange(50_000) / 7).astype(np.float32)
    >>> from scipy.signal import resample_poly
    >>> bool(np.allclose(decimated(x, 3), resample_poly(x, 1, 3), atol=1e-6))
    True
    """
    from scipy.signal import resample_poly

    samples = np.asarray(samples, dtype=np.float32)
    context = factor * (10 * factor + 2)  # beyond resample_poly's filter half-length
    piece = max(factor, DECIMATE_PIECE // factor * factor)
    out = np.empty(-(-len(samples) // factor), dtype=np.float32)
    for start in range(0, len(samples), piece):
        low = max(0, start - context)
        part = resample_poly(samples[low : start + piece + context], 1, factor)
        first = (start - low) // factor
        count = min(piece // factor, len(out) - start // factor)
        out[start // factor : start // factor + count] = part[first : first + count]
    return out


def loudness_gain(samples: np.ndarray, rate: int, target_lufs: float = TARGET_LUFS) -> float:
    """The gain (dB) that, followed by :func:`limit`, brings ``samples`` to an integrated
    loudness of ``target_lufs`` (ITU-R BS.1770-4, gated, via pyloudnorm); 0 for a track too
    short to measure (under 0.4 s) or silent.

    The limiter lowers the loudness, so the gain is found by the secant method on the loudness
    measured after limiting (to 0.05 LU, in three to five measurements). Use one gain for every
    video of a lecture (measured on the whole lecture's track) so its parts joined sound as the
    whole: :func:`limit` is local, gain is a number."""
    samples = np.asarray(samples, dtype=np.float32)
    if len(samples) < round(0.4 * rate) or not np.any(samples):
        return 0.0

    def reached(gain_db: float) -> float:
        return _measured(amplified(samples, rate, gain_db), rate)

    measured = _measured(samples, rate)
    if not math.isfinite(measured):
        return 0.0
    gain = target_lufs - measured
    now = reached(gain)
    previous: tuple[float, float] | None = None
    for _ in range(8):
        if not math.isfinite(now) or abs(now - target_lufs) < 0.05:
            break
        slope = FIRST_SLOPE
        if previous is not None and now != previous[1]:
            slope = min(1.0, max(0.1, (now - previous[1]) / (gain - previous[0])))
        previous = (gain, now)
        gain += (target_lufs - now) / slope
        now = reached(gain)
    return gain


def amplified(samples: np.ndarray, rate: int, gain_db: float) -> np.ndarray:
    """``samples`` turned up (or down) by ``gain_db`` and :func:`limit`-ed to
    :data:`CEILING_DB`."""
    louder = np.asarray(samples, dtype=np.float32) * np.float32(10 ** (gain_db / 20))
    return limit(louder, rate, in_place=True)


def normalise(samples: np.ndarray, rate: int, target_lufs: float = TARGET_LUFS) -> np.ndarray:
    """``samples`` at an integrated loudness of ``target_lufs`` (ITU-R BS.1770-4, gated, via
    pyloudnorm) with no sample above :data:`CEILING_DB`: :func:`amplified` by
    :func:`loudness_gain`. A
    track too short to measure (under 0.4 s) or silent comes back unchanged."""
    return amplified(samples, rate, loudness_gain(samples, rate, target_lufs))


__all__ = [
    "CEILING_DB",
    "FADE",
    "MARGIN",
    "RATE",
    "TARGET_LUFS",
    "amplified",
    "decimated",
    "faded",
    "limit",
    "loudness_gain",
    "mix",
    "normalise",
    "resample",
    "trim",
    "voiced_span",
]
