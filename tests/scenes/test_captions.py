"""Subtitle cues: at most two lines of 42 characters, nothing lost, notation never cut, and
cue times that tile the span they divide."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenes.captions import LINE_WIDTH, MAX_CUE_CHARS, split_cue, split_narration, wrap
from scenes.pacing import Pacing

NOTATION = ["W[2]ᵀ", "z[1]_11", "dZ[2]", "g′(Z[1])", "(1, 1)", "1/m", "∂ℒ/∂z[1]_ij", "ℒ", "w[2]_ki"]
WORD = st.one_of(
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), st.sampled_from(NOTATION)
)
PUNCT = st.sampled_from(["", "", "", ",", ";", ":", ".", " —"])
NARRATION = st.lists(st.tuples(WORD, PUNCT), min_size=1, max_size=80).map(
    lambda words: " ".join(word + punct for word, punct in words)
)


def _wrapped_independently(text: str) -> list[str]:
    """Greedy wrapping at every space, written here without the module (for the check)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= LINE_WIDTH:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


@settings(max_examples=300, deadline=None)
@given(NARRATION)
def test_cues_fit_two_lines_and_lose_nothing(narration: str) -> None:
    cues = split_narration(narration)
    assert " ".join(cues).split() == narration.split()
    for cue in cues:
        assert 0 < len(cue) <= MAX_CUE_CHARS, cue
        assert len(_wrapped_independently(cue)) <= 2, cue
        assert all(len(line) <= LINE_WIDTH for line in _wrapped_independently(cue)), cue


@settings(max_examples=200, deadline=None)
@given(NARRATION)
def test_notation_is_never_cut(narration: str) -> None:
    pieces = [piece for cue in split_narration(narration) for piece in wrap(cue)]
    joined = " | ".join(pieces)
    for symbol in NOTATION:
        assert narration.count(symbol) <= joined.count(symbol), symbol


@settings(max_examples=200, deadline=None)
@given(NARRATION, st.floats(0, 100), st.floats(0.1, 30))
def test_split_cue_tiles_its_span(narration: str, start: float, length: float) -> None:
    end = start + length
    cues = split_cue(narration, start, end)
    assert cues[0][1] == start
    assert cues[-1][2] == end
    for (_, _, one_end), (_, two_start, _) in pairwise(cues):
        assert one_end == two_start
    assert all(a < b for _, a, b in cues)
    assert " ".join(text for text, _, _ in cues).split() == narration.split()
    assert all(len(text) <= MAX_CUE_CHARS for text, _, _ in cues)


def test_breaks_at_sentences_then_clauses() -> None:
    text = (
        "Here the shapes happen to agree, because n[1] = n[2]. The values do not: without "
        "the transpose, entry (1, 1) uses row 1 of W[2] instead of column 1."
    )
    assert split_narration(text) == (
        "Here the shapes happen to agree, because n[1] = n[2].",
        "The values do not: without the transpose,",
        "entry (1, 1) uses row 1 of W[2] instead of column 1.",
    )


def test_a_long_cue_shares_its_span_by_characters() -> None:
    cues = split_cue("A b c d e f g h i j k l m n o p q r s t u v w x y z, " * 3 + "end.", 2.0, 8.0)
    assert len(cues) > 1
    lengths = [len(text) for text, _, _ in cues]
    for (_, start, end), length in zip(cues, lengths, strict=True):
        assert end - start == pytest.approx(6.0 * length / sum(lengths))


def test_bad_span_is_an_error() -> None:
    with pytest.raises(ValueError, match="not after start"):
        split_cue("x", 2.0, 2.0)


def test_reading_time_sums_the_cues() -> None:
    pacing = Pacing(words_per_minute=120, min_caption_seconds=2.0)
    one = "one two three four five six seven eight nine ten eleven twelve."
    assert pacing.reading_time(one) == pytest.approx(6.0)
    assert pacing.reading_time("Short. Also short.") == pytest.approx(4.0)  # 2 cues, 2 s each
    assert [round(s, 2) for s in pacing.cue_times("Short. " + one)] == [2.0, 6.0]


def test_two_full_lines_and_their_space_are_one_character_too_many() -> None:
    """The case hypothesis found: 42 + 1 + 42 characters wrap into two lines but exceed
    :data:`MAX_CUE_CHARS`; they become two cues."""
    text = "a" * 42 + " " + "b" * 42
    assert split_narration(text) == ("a" * 42, "b" * 42)
