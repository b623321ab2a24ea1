"""Subtitle cues: a narration split into cues of at most two lines of about 42 characters.

A long narration shown as one subtitle (110–200 characters) is more than a viewer can read
next to an animation. :func:`split_narration` cuts it into cues that each wrap into at most
:data:`MAX_LINES` lines of :data:`LINE_WIDTH` characters, breaking at sentence ends first,
then at clause punctuation (``;`` ``:`` ``,`` ``—``), then at spaces. Notation is never cut:
a break is only ever made at a space outside brackets and parentheses, so ``W[2]ᵀ``,
``z[1]_11`` and ``(1, 1)`` stay whole. A single word longer than a line (no narration has
one) is the only thing ever cut inside, so the limits always hold.

:func:`split_cue` divides a spoken sentence's real span among its pieces in proportion to their
characters, so voiced cues obey the same limits.

>>> for cue in split_narration("Pick z[1]_11. It reaches ℒ through a[1]_11 and then through "
...                            "all 2 entries of column 1 of Z[2], so the chain rule adds one "
...                            "product per path."):
...     print(cue)
Pick z[1]_11.
It reaches ℒ through a[1]_11 and then through all 2 entries of column 1 of Z[2],
so the chain rule adds one product per path.
>>> wrap("row i of W[2]ᵀ times column j of dZ[2], times g′ of the same entry")
('row i of W[2]ᵀ times column j of dZ[2],', 'times g′ of the same entry')
"""

from __future__ import annotations

import math
import re

#: Characters per subtitle line (the common broadcast and streaming guideline is 37–42).
LINE_WIDTH = 42
#: Lines per cue.
MAX_LINES = 2
#: The most characters a cue may have (two full lines).
MAX_CUE_CHARS = LINE_WIDTH * MAX_LINES

_SENTENCE_END = re.compile(r"[.!?]$")
_CLAUSE_END = re.compile(r"[;:,—]$")
_OPENING, _CLOSING = "([{", ")]}"


def _words(text: str) -> list[str]:
    """``text`` cut at spaces outside brackets (a bracket left open for more than half a line
    is taken as prose, not notation); a word longer than a line is cut into pieces of a line
    each (the one case where a break falls inside a word)."""
    words: list[str] = []
    current, depth = "", 0
    for char in " ".join(text.split()):
        if char == " " and (depth <= 0 or len(current) > LINE_WIDTH // 2):
            words.append(current)
            current, depth = "", 0
            continue
        current += char
        depth += (char in _OPENING) - (char in _CLOSING)
    if current:
        words.append(current)
    return [
        piece
        for word in words
        for piece in (word[i : i + LINE_WIDTH] for i in range(0, len(word), LINE_WIDTH))
    ]


def wrap(text: str, width: int = LINE_WIDTH) -> tuple[str, ...]:
    """``text`` wrapped greedily into lines of at most ``width`` characters, breaking only
    where :func:`split_narration` may break (spaces outside brackets).

    >>> wrap("one two three", width=8)
    ('one two', 'three')
    """
    lines: list[str] = []
    for word in _words(text):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines)


def fits(text: str) -> bool:
    """Whether ``text`` wraps into at most :data:`MAX_LINES` lines of :data:`LINE_WIDTH` and
    has at most :data:`MAX_CUE_CHARS` characters (two full lines and the space between them
    would be one more).

    >>> fits("short"), fits("x " * 60), fits("a" * 42 + " " + "b" * 42)
    (True, False, False)
    """
    return len(text) <= MAX_CUE_CHARS and len(wrap(text)) <= MAX_LINES


def _split_long(words: list[str]) -> list[str]:
    """Words that do not fit one cue, as cues: cut near an even share of the characters,
    at a clause end where one is near, else at the space nearest the share."""
    text = " ".join(words)
    if fits(text):
        return [text]
    count = math.ceil(len(text) / (MAX_CUE_CHARS - 8))
    target = len(text) / count
    candidates = []  # (penalty, number of words in the head)
    for cut in range(1, len(words)):
        head = " ".join(words[:cut])
        if not fits(head):
            break
        miss = abs(len(head) - target) / target
        clause = _CLAUSE_END.search(words[cut - 1]) is not None
        candidates.append((miss - (0.35 if clause else 0.0), -cut))
    cut = -min(candidates)[1] if candidates else 1
    return [" ".join(words[:cut]), *_split_long(words[cut:])]


def split_narration(text: str) -> tuple[str, ...]:
    """``text`` as subtitle cues: each sentence starts a cue, and a sentence that does not fit
    two lines is cut at clause punctuation or spaces (see the module docstring).

    Joined with spaces, the cues give back ``text`` with its whitespace normalised.

    >>> split_narration("One. Two.")
    ('One.', 'Two.')
    """
    sentences: list[list[str]] = [[]]
    for word in _words(text):
        sentences[-1].append(word)
        if _SENTENCE_END.search(word):
            sentences.append([])
    return tuple(cue for words in sentences if words for cue in _split_long(words))


def split_cue(text: str, start: float, end: float) -> list[tuple[str, float, float]]:
    """A cue shown from ``start`` to ``end`` as cues that fit (see :func:`split_narration`),
    its span divided among them in proportion to their characters; the pieces tile
    ``[start, end]`` exactly.

    >>> split_cue("Short.", 1.0, 2.0)
    [('Short.', 1.0, 2.0)]
    >>> [(round(a, 2), round(b, 2)) for _, a, b in split_cue("a " * 50 + "end.", 0.0, 10.0)]
    [(0.0, 5.15), (5.15, 10.0)]
    """
    if not end > start:
        raise ValueError(f"cue {text[:30]!r}: end {end} is not after start {start}")
    pieces = split_narration(text) or (text,)
    total = sum(len(piece) for piece in pieces)
    cues, at, used = [], start, 0
    for index, piece in enumerate(pieces):
        used += len(piece)
        until = end if index == len(pieces) - 1 else start + (end - start) * used / total
        cues.append((piece, at, until))
        at = until
    return cues


__all__ = [
    "LINE_WIDTH",
    "MAX_CUE_CHARS",
    "MAX_LINES",
    "fits",
    "split_cue",
    "split_narration",
    "wrap",
]
