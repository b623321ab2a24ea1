"""What a scene needs to know about the voice: how long each step's speech lasts and when its
subtitle cues show. Built by :mod:`chainrule.voice.timing` from real audio before drawing, so
a scene never loads a voice and a worker process or Dask worker needs none.

A scene given a :class:`StepVoice` for a step starts that step's speech where the step begins,
shows one cue per spoken sentence over the sentence's real span, and holds the step until the
speech is over plus a short pause; a step without one is timed by reading speed, as before.

>>> voice = StepVoice("dZ1.fold", 3.2, (Cue(0.0, 1.5, "One."), Cue(1.7, 3.2, "Two.")))
>>> voice.seconds, [cue.text for cue in voice.cues]
(3.2, ['One.', 'Two.'])
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    """One subtitle cue: ``text`` shown from ``start`` to ``end``, seconds after the step's
    speech begins."""

    start: float
    end: float
    text: str

    def __post_init__(self) -> None:
        if not 0.0 <= self.start < self.end:
            raise ValueError(
                f"cue {self.text[:30]!r}: start {self.start} and end {self.end} "
                f"must satisfy 0 <= start < end"
            )


@dataclass(frozen=True)
class StepVoice:
    """A step's speech as the scene sees it: its length in seconds and its cues (in order,
    within ``[0, seconds]``)."""

    step_id: str
    seconds: float
    cues: tuple[Cue, ...]

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise ValueError(f"step {self.step_id}: speech of {self.seconds} s")
        for cue in self.cues:
            if cue.end > self.seconds + 1e-6:
                raise ValueError(
                    f"step {self.step_id}: cue {cue.text[:30]!r} ends at "
                    f"{cue.end} s, after the speech ({self.seconds} s)"
                )


@dataclass(frozen=True)
class VoiceMark:
    """Where a step's speech starts in a drawn video (seconds from the video's start)."""

    step_id: str
    start: float


__all__ = ["Cue", "StepVoice", "VoiceMark"]
