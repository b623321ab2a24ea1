"""What is said for a step: its narration in sentences, each with the words a voice reads.

The narration (written for reading, ``W[2]ᵀ dZ[2]``) is split into sentences; each sentence is
shown as one subtitle cue and spoken as :func:`derivations.speech.spoken` of it. Splitting
before speaking keeps the cue and the audio of a sentence paired by construction.

>>> line = Line.of("dZ1.fold", "Fold back", "Take z[1]_11. It is 0.5 here; see W[2]ᵀ.")
>>> [s.text for s in line.sentences]
['Take z[1]_11.', 'It is 0.5 here; see W[2]ᵀ.']
>>> [s.spoken for s in line.sentences]
['Take z one, one one.', 'It is 0.5 here; see W two transpose.']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from derivations.speech import spoken

if TYPE_CHECKING:
    from derivations import Derivation

#: A sentence ends at ., ! or ? followed by a space and a capital, a digit or an opening
#: bracket; "0.5" and "e.g. the" do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text`` as shown (the cue), ``spoken`` as read by a voice."""

    text: str
    spoken: str


@dataclass(frozen=True)
class Line:
    """Everything said for one step, in order."""

    step_id: str
    title: str
    narration: str
    sentences: tuple[Sentence, ...]

    @classmethod
    def of(cls, step_id: str, title: str, narration: str) -> Line:
        """The line for a step with this ``narration``."""
        parts = split_sentences(narration)
        return cls(
            str(step_id), title, narration, tuple(Sentence(part, spoken(part)) for part in parts)
        )

    @property
    def speech(self) -> str:
        """The whole spoken text (what the speech cache is keyed by)."""
        return " ".join(sentence.spoken for sentence in self.sentences)


def split_sentences(text: str) -> tuple[str, ...]:
    """``text`` cut into sentences (whitespace tidied; never an empty sentence)."""
    tidy = " ".join(text.split())
    return tuple(part for part in _SENTENCE_END.split(tidy) if part)


def lines_for(derivation: Derivation, step_ids: Iterable[str]) -> tuple[Line, ...]:
    """The :class:`Line` of each step in ``step_ids`` (in order, each once) of
    ``derivation``."""
    seen: set[str] = set()
    lines = []
    for step_id in step_ids:
        if str(step_id) in seen:
            continue
        seen.add(str(step_id))
        step = derivation.step(step_id)
        lines.append(Line.of(str(step.id), step.title, step.narration))
    return tuple(lines)


__all__ = ["Line", "Sentence", "lines_for", "split_sentences"]
