"""Spoken text, derived from the narration: ``Step.speech`` and ``derivations.spoken``."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derivations
from derivations import ACTIVATIONS, NetworkSpec, derive, spoken
from derivations.speech import RULES
from derivations.steps import Step

# --------------------------------------------------------------------------- the check

UNSPEAKABLE = "[]_′'ᵀ∗^\\{}∂Σσℒ×@|"
GLUED = re.compile(r"[A-Za-z][0-9]|[0-9][A-Za-z]")


def problems(text: str) -> list[str]:
    """What a voice would spell out or skip in ``text`` (empty when it is fine to read)."""
    found = [f"character {c!r}" for c in UNSPEAKABLE if c in text]
    found += [f"digit glued to a letter: {m.group()!r}" for m in GLUED.finditer(text)]
    if not text.strip():
        found.append("empty")
    return found


@pytest.mark.parametrize(
    "bad",
    [
        "W[2]ᵀ",
        "z[1]_ij",
        "g′",
        "g'",
        "A ∗ B",
        "x^2",
        "\\partial",
        "{x}",
        "∂",
        "Σ",
        "σ",
        "ℒ",
        "2×3",
        "A @ B",
        "|x|",
        "dZ1",
        "2x",
        "",
        "   ",
    ],
)
def test_the_check_flags_unspeakable_text(bad: str) -> None:
    assert problems(bad), bad


@pytest.mark.parametrize(
    "good",
    [
        "W two transpose times d Z two",
        "z one, i j",
        "2 by 4 weights and 3 examples",
        "the cost’s one over m",
    ],
)
def test_the_check_passes_spoken_text(good: str) -> None:
    assert problems(good) == []


# --------------------------------------------------------------------------- every step


@functools.lru_cache(maxsize=64)
def _steps(dims: tuple[int, ...], m: int, activation: str) -> tuple[Step, ...]:
    return tuple(derive(NetworkSpec(layer_dims=dims, m=m, activation=activation)).steps)


specs = st.tuples(
    st.lists(st.integers(1, 4), min_size=3, max_size=5).map(tuple),  # n_x and 2 to 4 layers
    st.integers(1, 5),
    st.sampled_from(ACTIVATIONS),
)


@settings(max_examples=10, deadline=None)
@given(specs)
def test_every_step_speaks_without_notation(spec: tuple[tuple[int, ...], int, str]) -> None:
    for step in _steps(*spec):
        assert problems(step.speech) == [], (str(step.id), step.narration, step.speech)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_speaks_and_names_its_matrices(activation: str) -> None:
    steps = _steps((3, 4, 2, 2), 3, activation)
    for step in steps:
        assert problems(step.speech) == [], (str(step.id), step.speech)
        assert step.speech == spoken(step.narration)
    spoken_text = " ".join(step.speech for step in steps)
    assert "W two transpose times d Z two" in spoken_text
    assert "g prime" in spoken_text
    assert "one over m" in spoken_text


def test_spoken_is_exported() -> None:
    assert "spoken" in derivations.__all__
    assert derivations.spoken is spoken


def test_rules_have_unique_names() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names)), names


# --------------------------------------------------------------------------- by hand

EXAMPLES = [
    # matrix names with layers
    ("W[2]", "W two"),
    ("dZ[1]", "d Z one"),
    ("A[0]", "A zero"),
    ("Z[l]", "Z l"),
    ("W[l+1]", "W l plus one"),
    # transposes and juxtaposed products
    ("W[2]ᵀ dZ[2]", "W two transpose times d Z two"),
    ("W2.T @ dZ2", "W two transpose times d Z two"),
    # entries
    ("z[1]_ij", "z one, i j"),
    ("w[2]_12", "w two, one two"),
    ("a weight w[2]_k1, the third", "a weight w two, k one, the third"),
    ("Pick z[1]_11.", "Pick z one, one one."),
    # primes and applications
    ("g′", "g prime"),
    ("then g': that order", "then g prime: that order"),
    ("g'(z[1]_ij)", "g prime of z one, i j"),
    ("A[1] = g(Z[1])", "A one equals g of Z one"),
    # symbols
    ("σ(z)", "sigma of z"),
    (
        "dZ[1] = W[2]ᵀ dZ[2] ∗ g′(Z[1])",
        "d Z one equals W two transpose times d Z two element-wise times g prime of Z one",
    ),
    ("no 1/m here", "no one over m here"),
    ("∂ℒ/∂w[2]_12", "partial the loss L over partial w two, one two"),
    ("Σ_j dZ[2]", "the sum over j d Z two"),
    ("dZ[2] = A[2] − Y", "d Z two equals A two minus Y"),
    ("a - b", "a minus b"),
    ("an element-wise product", "an element-wise product"),
    # shapes and glued digits
    ("a 2×3 matrix", "a two by three matrix"),
    ("n[1]×m", "n one by m"),
    ("dZ1", "d Z one"),
    ("2 by 4 weights and 3 examples", "2 by 4 weights and 3 examples"),
    # TeX spellings
    (r"w^{[2]}_{ki}", "w two, k i"),
    (
        r"\frac{\partial \mathcal{L}}{\partial z^{[1]}_{ij}}",
        "partial the loss L over partial z one, i j",
    ),
    # possessives keep a typographic apostrophe
    ("the cost's 1/m", "the cost’s one over m"),
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_spoken_by_hand(text: str, expected: str) -> None:
    assert spoken(text) == expected
    assert problems(expected) == []


def test_step_speech_is_derived_from_the_narration() -> None:
    step = next(s for s in _steps((2, 2, 2), 2, "tanh") if "ᵀ dZ" in s.narration)
    assert step.speech == spoken(step.narration)
    assert "transpose times d Z two" in step.speech
