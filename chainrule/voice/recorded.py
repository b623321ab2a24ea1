"""The educator's own voice: one recording per step, ``<step_id>.wav`` (or ``.flac``, ``.ogg``)
in a folder, read instead of synthesised.

:meth:`RecordedEngine.check` reads every recording a render needs before anything is drawn and
refuses the first bad one with one line naming the file and the step
(:class:`~chainrule.errors.RecordingError`, exit 2): missing, empty, not audio, damaged or
truncated, without samples, silent (peak below -60 dBFS), or longer than ten minutes.

Any valid file is accepted whatever its rate, channels or sample format (8 kHz telephone mono,
a 6-channel export, 24-bit or float): it is mixed down to mono (the mean of its channels),
resampled to 48 kHz and trimmed of leading and trailing near-silence. A recording has no
sentence boundaries, so its sentences' spans split the voiced part in proportion to each
sentence's spoken length in characters.

The speech cache keys recorded speech by the recording's content (:meth:`content_digest`,
sha256 of its bytes), not by its size and time, so re-recording a step is always heard.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from chainrule.errors import RecordingError
from chainrule.voice.engines import EngineIdentity, Span, Speech
from chainrule.voice.lines import Line
from chainrule.voice.track import RATE, resample, trim

#: The file kinds looked for, in this order.
EXTENSIONS: tuple[str, ...] = (".wav", ".flac", ".ogg")
#: A recording whose loudest sample is below this is silent (dBFS).
SILENT_DB = -60.0
#: The longest recording accepted for one step (seconds).
LONGEST = 600.0
#: The first bytes of each container soundfile reads here (a file starting otherwise is not
#: audio; one starting so but unreadable is damaged).
_MAGIC: tuple[bytes, ...] = (b"RIFF", b"RIFX", b"RF64", b"fLaC", b"OggS", b"FORM")


class RecordedEngine:
    """The recordings in ``folder`` as a voice (implements :class:`~.engines.Engine`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.identity = EngineIdentity("recorded", str(self.folder), "1", 1.0)
        self.calls = 0

    def candidates(self, step_id: str) -> tuple[Path, ...]:
        """The files looked for, in order, for ``step_id``."""
        return tuple(self.folder / f"{step_id}{extension}" for extension in EXTENSIONS)

    def find(self, step_id: str) -> Path:
        """The recording of ``step_id``: the first of ``<step_id>.wav``, ``.flac``, ``.ogg``
        that exists (:class:`~chainrule.errors.RecordingError` when none does)."""
        for path in self.candidates(step_id):
            if path.is_file():
                return path
        if not self.folder.is_dir():
            raise RecordingError(
                f"step {step_id}: the recordings folder {self.folder} does not "
                f"exist (set [voice] folder, or run `chainrule script` to see "
                f"which files to record)"
            )
        raise RecordingError(
            f"step {step_id}: no recording {self.folder / step_id}.wav (nor "
            f".flac, .ogg) in {self.folder}"
        )

    def check(self, lines: tuple[Line, ...] | list[Line]) -> None:
        """Refuse the first line whose recording is missing or bad (one line naming the file
        and the step); return quietly when all are good. Reads every file once."""
        for line in lines:
            self._read(line.step_id)

    def content_digest(self, line: Line) -> str:
        """sha256 of the bytes of ``line``'s recording (part of its speech cache key)."""
        path = self.find(line.step_id)
        digest = hashlib.sha256()
        try:
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as error:
            raise _refusal(path, line.step_id, f"cannot be read ({error.strerror})") from None
        return digest.hexdigest()

    def speak(self, line: Line) -> Speech:
        """The recording of ``line`` as 48 kHz mono speech, trimmed, with one span per sentence
        (proportional to the sentences' spoken lengths)."""
        self.calls += 1
        samples, rate = self._read(line.step_id)
        mono = resample(samples, rate, RATE)
        voiced = trim(mono, RATE)
        if len(voiced) == 0:  # pragma: no cover - _read refuses silent files
            raise _refusal(self.find(line.step_id), line.step_id, "is silent")
        return Speech(voiced, RATE, spans_by_length(line, len(voiced) / RATE))

    def _read(self, step_id: str) -> tuple[np.ndarray, int]:
        """The mono float32 samples and rate of ``step_id``'s recording, or the refusal."""
        path = self.find(step_id)
        return read_recording(path, step_id)


def _refusal(path: Path, step_id: str, problem: str) -> RecordingError:
    return RecordingError(f"recording {path} (step {step_id}) {problem}")


def read_recording(path: Path, step_id: str) -> tuple[np.ndarray, int]:
    """The samples of ``path`` mixed down to mono float32, and their rate; a
    :class:`~chainrule.errors.RecordingError` naming the file and ``step_id`` if the file is
    empty, not audio, damaged, without samples, silent or too long."""
    import soundfile

    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as error:
        raise _refusal(path, step_id, f"cannot be read ({error.strerror})") from None
    if size == 0:
        raise _refusal(path, step_id, "is empty (0 bytes)")
    if head not in _MAGIC:
        raise _refusal(path, step_id, "is not an audio file (record WAV, FLAC or Ogg)")
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, soundfile.LibsndfileError) as error:
        raise _refusal(path, step_id, f"is damaged or truncated ({_reason(error)})") from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise _refusal(path, step_id, "has no samples (damaged or truncated)")
    if info.frames / info.samplerate > LONGEST:
        raise _refusal(
            path,
            step_id,
            f"lasts {info.frames / info.samplerate / 60:.1f} min, "
            f"more than {LONGEST / 60:.0f} min for one step",
        )
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as error:
        raise _refusal(path, step_id, f"is damaged or truncated ({_reason(error)})") from None
    if len(data) == 0:
        raise _refusal(path, step_id, "has no samples (damaged or truncated)")
    if not np.all(np.isfinite(data)):
        raise _refusal(path, step_id, "holds samples that are not numbers (NaN or infinite)")
    mono = data.mean(axis=1, dtype=np.float64).astype(np.float32)
    peak = float(np.max(np.abs(mono)))
    if peak <= 10 ** (SILENT_DB / 20):
        level = "all zero" if peak == 0 else f"peak {20 * np.log10(peak):.0f} dBFS"
        raise _refusal(path, step_id, f"is silent ({level}; below {SILENT_DB:.0f} dBFS)")
    return mono, int(rate)


def _reason(error: Exception) -> str:
    """libsndfile's reason, short (without the file name it repeats)."""
    text = str(getattr(error, "error_string", "") or error).strip()
    text = text.splitlines()[0] if text else type(error).__name__
    return text.rstrip(".")[:120]


def spans_by_length(line: Line, seconds: float) -> tuple[Span, ...]:
    """``line``'s sentences over ``[0, seconds]``, each given time in proportion to its spoken
    length in characters (at least one).

    >>> line = Line.of("s", "t", "One two. Three four five six.")  # 8 and 20 characters
    >>> [(round(s.start, 2), round(s.end, 2)) for s in spans_by_length(line, 3.0)]
    [(0.0, 0.86), (0.86, 3.0)]
    """
    weights = [max(1, len(sentence.spoken)) for sentence in line.sentences]
    total = sum(weights)
    spans: list[Span] = []
    done = 0
    for sentence, weight in zip(line.sentences, weights, strict=True):
        start = seconds * done / total
        done += weight
        spans.append(Span(start, seconds * done / total, sentence.text))
    return tuple(spans)


__all__ = [
    "EXTENSIONS",
    "LONGEST",
    "SILENT_DB",
    "RecordedEngine",
    "read_recording",
    "spans_by_length",
]
