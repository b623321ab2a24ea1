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
from collections.abc import Sequence
from itertools import pairwise

from derivations.speech import subtitle_text

from .narration import Cue

#: Characters per subtitle line (the common broadcast and streaming guideline is 37–42).
LINE_WIDTH = 42
#: Lines per cue.
MAX_LINES = 2
#: The most characters a cue may have (two full lines).
MAX_CUE_CHARS = LINE_WIDTH * MAX_LINES
#: The shortest time a cue stays on screen (seconds): a shorter one flashes past.
MIN_CUE_SECONDS = 1.5
#: The fastest a cue may ask to be read, in characters per second (a common subtitling
#: guideline for adults is 15–17).
MAX_CHARS_PER_SECOND = 17.0
#: Seconds a cue gets beyond its need: subtitle files keep milliseconds, so a cue rounded
#: there still lasts 1.5 s and reads at 17 characters a second.
ROUNDING_MARGIN = 0.01

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


#: Words a line should neither end nor start with: the operators of a formula, so that
#: ``∂ℓ/∂z = a − y`` is not cut into ``∂ℓ/∂z = a −`` and ``y``.
_OPERATORS = frozenset(("=", "−", "+", "∗", "×", "≈", "≠", "/", "·", "-"))


def _break_cost(words: list[str], cut: int) -> float:
    """How bad it is to break ``words`` into two lines before ``words[cut]``: the lines'
    difference in length, less after clause punctuation, more inside a label ("column 1"),
    and much more next to an operator or before a last lone word."""
    first, second = " ".join(words[:cut]), " ".join(words[cut:])
    cost = float(abs(len(first) - len(second)))
    if _CLAUSE_END.search(words[cut - 1]):
        cost -= 15.0
    if words[cut - 1] in _OPERATORS or words[cut] in _OPERATORS:
        cost += 100.0
    if len(second) <= 3:
        cost += 100.0
    if words[cut - 1].isalpha() and words[cut][:1].isdigit():  # "column 1", "unit 3"
        cost += 50.0
    return cost


def wrap(text: str, width: int = LINE_WIDTH) -> tuple[str, ...]:
    """``text`` wrapped into lines of at most ``width`` characters, breaking only where
    :func:`split_narration` may break (spaces outside brackets): greedily, and when that
    gives two lines, at the break that balances them and leaves a formula whole (never next
    to ``=``, ``−`` ...; :func:`_break_cost`).

    >>> wrap("one two three", width=8)
    ('one two', 'three')
    >>> wrap("Expand, and a y cancels too: ∂ℓ/∂z = a − y.")
    ('Expand, and a y cancels too:', '∂ℓ/∂z = a − y.')
    """
    words = _words(text)
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) != 2:
        return tuple(lines)
    cuts = [
        cut
        for cut in range(1, len(words))
        if max(len(" ".join(words[:cut])), len(" ".join(words[cut:]))) <= width
    ]
    cut = min(cuts, key=lambda cut: _break_cost(words, cut))
    return (" ".join(words[:cut]), " ".join(words[cut:]))


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


def needs(cue: Cue) -> float:
    """The seconds ``cue`` needs on screen: at least :data:`MIN_CUE_SECONDS`, and enough to
    read its characters at :data:`MAX_CHARS_PER_SECOND` (and :data:`ROUNDING_MARGIN`).

    >>> needs(Cue(0.0, 1.0, "Short.")), needs(Cue(0.0, 1.0, "x" * 34))
    (1.51, 2.01)
    """
    return max(MIN_CUE_SECONDS, len(cue.text) / MAX_CHARS_PER_SECOND) + ROUNDING_MARGIN


def readable(cue: Cue) -> bool:
    """Whether ``cue`` lasts as long as it :func:`needs`."""
    return cue.end - cue.start >= needs(cue) - 1e-9


def _merged(first: Cue, second: Cue) -> Cue | None:
    """``first`` and ``second`` (neighbours) shown as one cue, or ``None`` when their text
    does not fit one cue."""
    text = f"{first.text} {second.text}"
    return Cue(first.start, second.end, text) if fits(text) else None


def _merge_short(cues: list[Cue]) -> list[Cue]:
    """``cues`` with every cue that is not :func:`readable` merged with a neighbour, while the
    merged text fits one cue; of the two neighbours, the merge that is readable (then the one
    read slowest) wins."""
    changed = True
    while changed:
        changed = False
        for index, cue in enumerate(cues):
            if readable(cue):
                continue
            options = []
            for first in (index - 1, index):
                if first >= 0 and first + 1 < len(cues):
                    merged = _merged(cues[first], cues[first + 1])
                    if merged is not None:
                        rate = len(merged.text) / (merged.end - merged.start)
                        options.append((not readable(merged), rate, first, merged))
            if options:
                _, _, first, merged = min(options, key=lambda option: option[:2])
                cues[first : first + 2] = [merged]
                changed = True
                break
    return cues


def _retimed(cues: list[Cue]) -> list[Cue]:
    """``cues`` (tiling a span) with the boundaries between them moved as little as needed for
    each to last as long as it :func:`needs`: forward, a cue that is too short pushes its end
    (and its neighbour's start) later; backward, from the fixed end of the span, a cue pulls
    its start earlier. When the span holds every cue's need, every cue ends up readable; when
    it does not (speech faster than anyone reads, a short recording), the cues keep the times
    they were given, which tile the span.

    >>> fast = [Cue(0.0, 0.5, "a" * 40), Cue(0.5, 1.0, "b" * 40)]
    >>> _retimed(fast) == fast
    True
    """
    if sum(needs(cue) for cue in cues) > cues[-1].end - cues[0].start:
        return cues
    bounds = [cue.start for cue in cues] + [cues[-1].end]
    for index in range(1, len(cues)):
        bounds[index] = max(bounds[index], bounds[index - 1] + needs(cues[index - 1]))
    for index in range(len(cues) - 1, 0, -1):
        bounds[index] = max(
            min(bounds[index], bounds[index + 1] - needs(cues[index])), bounds[index - 1] + 1e-3
        )
    if any(later <= earlier for earlier, later in pairwise(bounds)):
        return cues  # no order-keeping retiming exists: keep the tiling they were given
    return [
        Cue(start, end, cue.text) for cue, start, end in zip(cues, bounds, bounds[1:], strict=False)
    ]


def timed_cues(spoken: Sequence[Cue], until: float) -> tuple[Cue, ...]:
    """The subtitle cues of a step whose sentences are heard over the spans ``spoken`` (the
    narration as written, seconds from the step's start), with nothing else shown until
    ``until`` seconds.

    Each sentence shows from its start to the next one's (no flicker in the short gap between
    sentences; the last until ``until``) as :func:`subtitle_text`, cut into cues that fit
    (:func:`split_cue`). A cue that would not be :func:`readable` (shorter than
    :data:`MIN_CUE_SECONDS`, or faster than :data:`MAX_CHARS_PER_SECOND`) is merged with a
    neighbour when their text fits one cue, else takes spare time from its neighbours
    (it may then show a little after or before its words).
    The cues tile ``[spoken[0].start, until]``, in order.

    >>> for cue in timed_cues([Cue(0.0, 0.8, "Now check it."), Cue(1.0, 3.0, "Nudge z[1]_11.")],
    ...                       3.6):
    ...     print(cue)
    Cue(start=0.0, end=3.6, text='Now check it. Nudge z[1]₁₁.')
    """
    if not spoken:
        return ()
    ends = [cue.start for cue in spoken[1:]] + [max(until, spoken[-1].end)]
    pieces = [
        Cue(start, stop, text)
        for cue, end in zip(spoken, ends, strict=True)
        for text, start, stop in split_cue(subtitle_text(cue.text), cue.start, end)
    ]
    return tuple(_retimed(_merge_short(pieces)))


__all__ = [
    "LINE_WIDTH",
    "MAX_CHARS_PER_SECOND",
    "MAX_CUE_CHARS",
    "MAX_LINES",
    "MIN_CUE_SECONDS",
    "fits",
    "needs",
    "readable",
    "split_cue",
    "split_narration",
    "timed_cues",
    "wrap",
]
