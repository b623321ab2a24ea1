"""The one interface every voice implements, and the speech it returns.

An :class:`Engine` turns a :class:`~.lines.Line` into :class:`Speech`: mono float samples in
[-1, 1] at the engine's rate, with the span of each sentence. Engines count their calls
(:attr:`Engine.calls`), so tests can prove a cached render synthesises nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from chainrule.voice.lines import Line


@dataclass(frozen=True)
class Span:
    """Where one sentence is heard: ``start`` to ``end`` seconds into the speech, and the
    sentence as shown (``text``)."""

    start: float
    end: float
    text: str


@dataclass(frozen=True, eq=False)
class Speech:
    """Mono samples (float32 in [-1, 1]) at ``rate`` Hz, and one :class:`Span` per sentence."""

    samples: np.ndarray
    rate: int
    spans: tuple[Span, ...]

    @property
    def seconds(self) -> float:
        """The length in seconds."""
        return len(self.samples) / self.rate


@dataclass(frozen=True)
class EngineIdentity:
    """What makes an engine's speech what it is (part of every speech cache key)."""

    engine: str  # "piper", "recorded"
    voice: str  # e.g. "joe-us", or a model file's digest
    version: str  # the engine's version
    speed: float


class Engine(Protocol):
    """A voice: :meth:`speak` one line at a time; ``calls`` counts the lines spoken."""

    identity: EngineIdentity
    calls: int

    def speak(self, line: Line) -> Speech:
        """The speech for ``line``."""
        ...


__all__ = ["Engine", "EngineIdentity", "Span", "Speech"]
