"""Spoken text, derived from the narration: ``Step.speech`` and ``derivations.spoken``."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derivations
from derivations import ACTIVATIONS, NetworkSpec, derive, spoken
from derivations.speech import RULES, SUBTITLE_RULES, subtitle_text
from derivations.steps import Step

# --------------------------------------------------------------------------- the check

UNSPEAKABLE = "[]_′'ᵀ∗^\\{}∂Σσℒℓ×@|"
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
    ("layer 3's formulas", "layer 3’s formulas"),
    # the loss of one output is not the loss ℒ
    ("∂ℓ/∂z", "partial small l over partial z"),
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_spoken_by_hand(text: str, expected: str) -> None:
    assert spoken(text) == expected
    assert problems(expected) == []


def test_step_speech_is_derived_from_the_narration() -> None:
    step = next(s for s in _steps((2, 2, 2), 2, "tanh") if "ᵀ dZ" in s.narration)
    assert step.speech == spoken(step.narration)
    assert "transpose times d Z two" in step.speech


# --------------------------------------------------------------------------- subtitles

#: Subscript characters back to what they stand for, written here without the module.
_PLAIN = str.maketrans(
    {
        **{chr(0x2080 + d): str(d) for d in range(10)},
        "ₐ": "a", "ₑ": "e", "ₕ": "h", "ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₗ": "l", "ₘ": "m",
        "ₙ": "n", "ₒ": "o", "ₚ": "p", "ᵣ": "r", "ₛ": "s", "ₜ": "t", "ᵤ": "u", "ᵥ": "v",
        "ₓ": "x", "′": "'", "’": "'",
    }
)  # fmt: skip


def _as_written(subtitle: str) -> str:
    """A subtitle read back as the narration notation, without its underscores."""
    return subtitle.translate(_PLAIN)


SUBTITLES = [
    ("Pick z[1]_11.", "Pick z[1]₁₁."),
    ("g'(z[1]_ij) and g′", "g′(z[1]ᵢⱼ) and g′"),
    ("a weight w[2]_k1, then dz[2]_k1", "a weight w[2]ₖ₁, then dz[2]ₖ₁"),
    ("∂ℒ/∂z[1]_11 ≈ 0.0536", "∂ℒ/∂z[1]₁₁ ≈ 0.0536"),
    ("with n_x rows", "with nₓ rows"),
    ("entry i is v_i u_i", "entry i is vᵢ uᵢ"),
    ("b[2]_k is added", "b[2]ₖ is added"),
    ("W[2]ᵀ dZ[2] ∗ g'(Z[1])", "W[2]ᵀ dZ[2] ∗ g′(Z[1])"),
    ("diag(g') times", "diag(g′) times"),
    ("the sigmoid's slope, layer 3's", "the sigmoid’s slope, layer 3’s"),
    (r"w^{[2]}_{k,i}", "w^{[2]}ₖᵢ"),
    ("a symbol with no subscript: v_q", "a symbol with no subscript: v(q)"),
]


@pytest.mark.parametrize(("text", "expected"), SUBTITLES)
def test_subtitle_text_by_hand(text: str, expected: str) -> None:
    assert subtitle_text(text) == expected


def test_subtitle_rules_have_unique_names() -> None:
    names = [rule.name for rule in SUBTITLE_RULES]
    assert len(names) == len(set(names)), names


def _strings(value: object) -> Iterator[str]:
    """Every string inside ``value`` (dataclasses, tuples, enums' values)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)


def _lecture_text(step: Step) -> str:
    """Everything a step shows or says (its TeX, title and narration), not its claims (their
    names are for developers)."""
    return "\n".join(_strings(dataclasses.replace(step, claims=())))


#: A digit right before the name of things counted ("2 inputs", "all 3 entries").
COUNTED = re.compile(
    r"\b\d+ (?:inputs?|hidden units?|output units?|units|entries|examples?|paths?|"
    r"outputs?|numbers|weights|rows|columns|formulas)\b"
)


def _reads_as_text(step: Step) -> None:
    """No underscore and no ASCII prime in a subtitle, and nothing lost: read back, the
    subtitle is the narration without its underscores."""
    shown = subtitle_text(step.narration)
    assert "_" not in shown, (str(step.id), shown)
    assert "'" not in shown, (str(step.id), shown)
    assert _as_written(shown) == step.narration.replace("_", "").replace("′", "'"), shown


def _counts_are_words(step: Step) -> None:
    assert COUNTED.search(step.narration) is None, (str(step.id), step.narration)


def _one_meaning_per_loss_symbol(steps: tuple[Step, ...]) -> None:
    """ℒ is the sum over the examples of L, the loss of one example (the forward step);
    the loss of one output is ℓ, never L, on screen and in speech."""
    forward = next(s for s in steps if str(s.id) == "dZ1.forward")
    assert r"\sum_{j=1}^{m} L(a^{(j)}, y^{(j)})" in _lecture_text(forward)
    for step in steps:
        shown = _lecture_text(step)
        assert r"\partial L}" not in shown, str(step.id)
        assert "L(a_{" not in shown, str(step.id)
        assert "∂L/" not in step.narration, str(step.id)
        assert "L over all" not in step.narration, str(step.id)
    loss = next(s for s in steps if s.id.kind.value == "loss")
    typeset = "".join(part.tex for line in loss.lines for part in line)
    assert r"\ell(a_{kj},y_{kj})" in "".join(typeset.split())  # in parts, one per colour
    assert "small l" in loss.speech


def _n_x_said_where_first_shown(steps: tuple[Step, ...]) -> None:
    shows = [i for i, step in enumerate(steps) if "n_x" in _lecture_text(step)]
    assert shows, "no step shows n_x"
    assert any("n_x" in step.narration for step in steps[: shows[0] + 1])


@settings(max_examples=8, deadline=None)
@given(specs)
def test_narration_notation_is_consistent(spec: tuple[tuple[int, ...], int, str]) -> None:
    """On any network: subtitles read as text, counts are words, ℒ/L/ℓ each mean one thing,
    and n_x is said where it is first shown."""
    steps = _steps(*spec)
    for step in steps:
        _reads_as_text(step)
        _counts_are_words(step)
    _one_meaning_per_loss_symbol(steps)
    _n_x_said_where_first_shown(steps)


def test_counts_are_words_on_the_default_network() -> None:
    narration = " ".join(step.narration for step in _steps((2, 3, 2), 2, "tanh"))
    assert "two inputs, three hidden units and two output units" in narration
    assert "both entries of column 1" in narration
    assert "each of the two examples" in narration


def test_the_bias_sum_is_said_as_it_is_shown() -> None:
    """On screen db[l] = (1/m) Σ over columns of dZ[l]: the narration says columns too."""
    for step in _steps((2, 3, 2, 1), 2, "tanh"):
        if step.id.target.startswith("db") and step.id.kind.value == "fold":
            assert r"\sum_{\text{columns}}" in _lecture_text(step)
            assert "over its columns" in step.narration, step.narration
            assert "row sums" not in step.narration + step.title


def test_diag_is_read_as_the_diagonal_matrix() -> None:
    said = spoken("diag(g′) W[2]ᵀ dz[2]")
    assert "diag " not in said + " "
    assert said.startswith("the diagonal matrix of")
