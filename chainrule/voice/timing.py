"""A step's speech turned into what its scene needs: how long it lasts and when each subtitle
cue shows (:class:`scenes.narration.StepVoice`), from the real audio.

Cue times are rounded to the millisecond (subtitle files hold no more), kept inside the speech
and never overlapping: a cue starts no earlier than the previous one ends.

>>> from chainrule.voice.engines import Span, Speech
>>> speech = Speech(np.zeros(48_000, dtype=np.float32), 48_000,
...                 (Span(0.0, 0.40004, "One."), Span(0.39996, 1.0, "Two.")))
>>> step_voice(Line.of("s", "T", "One. Two."), speech)
StepVoice(step_id='s', seconds=1.0, cues=(Cue(start=0.0, end=0.4, text='One.'), \
Cue(start=0.4, end=1.0, text='Two.')))
"""

from __future__ import annotations

import hashlib

import numpy as np

from chainrule.voice.engines import Speech
from chainrule.voice.lines import Line
from scenes.narration import Cue, StepVoice


def step_voice(line: Line, speech: Speech) -> StepVoice:
    """The :class:`~scenes.narration.StepVoice` of ``line`` spoken as ``speech``: its length,
    and one cue per span of the speech (spans too short to show after rounding are dropped)."""
    seconds = speech.seconds
    cues: list[Cue] = []
    for span in speech.spans:
        start = round(span.start, 3)
        end = min(round(span.end, 3), seconds)
        if cues:
            start = max(start, cues[-1].end)
        start = max(0.0, start)
        if end > start:
            cues.append(Cue(start, end, span.text))
    return StepVoice(line.step_id, seconds, tuple(cues))


def voice_digest(speech: Speech) -> str:
    """sha256 of ``speech``: its samples, rate and spans (what a video made with it depends
    on).

    >>> from chainrule.voice.engines import Speech
    >>> a = Speech(np.zeros(4, dtype=np.float32), 48_000, ())
    >>> b = Speech(np.ones(4, dtype=np.float32), 48_000, ())
    >>> voice_digest(a) == voice_digest(b)
    False
    """
    digest = hashlib.sha256()
    digest.update(f"{speech.rate}\n".encode())
    digest.update(np.ascontiguousarray(speech.samples, dtype="<f4").tobytes())
    for span in speech.spans:
        digest.update(f"\n{span.start!r}\t{span.end!r}\t{span.text}".encode())
    return digest.hexdigest()


__all__ = ["step_voice", "voice_digest"]
