"""Words in the formulas' type: every title, shape label and verdict of the lecture, for many
networks, becomes TeX that LaTeX can set; text that is no plain label never reaches LaTeX."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import derive
from derivations.notation import shape_text
from derivations.spec import NetworkSpec
from scenes.base import title_tex
from scenes.theme import Theme
from scenes.words import LAYER_NAME, MATH_CHARACTERS, title_part, words_part, words_tex

ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu")


@settings(max_examples=6, deadline=None)
@given(
    dims=st.lists(st.integers(1, 4), min_size=3, max_size=4).map(tuple),
    m=st.integers(1, 5),
    activation=st.sampled_from(ACTIVATIONS),
)
def test_every_word_the_lecture_shows_is_set_in_tex(
    dims: tuple[int, ...], m: int, activation: str
) -> None:
    derivation = derive(NetworkSpec(layer_dims=dims, m=m, activation=activation))
    for step in derivation.steps:
        texts = [step.title, *(c.verdict for c in step.candidates)]
        texts += [
            shape_text((b.rows, b.cols))
            for b in (*step.badges, *(b for c in step.candidates for b in c.badges))
        ]
        for text in texts:
            tex = words_tex(text)
            assert tex.startswith((r"\text{", *MATH_CHARACTERS.values())), tex
            assert all(ord(char) < 128 for char in tex), tex  # pdfTeX sets nothing else here
            for char, math in MATH_CHARACTERS.items():  # every symbol is set as math
                if char in text:
                    assert math in tex


def test_the_words_a_reader_sees_are_kept() -> None:
    assert words_tex("Nudge it and watch ℒ") == r"\text{Nudge it and watch }\mathcal{L}"
    assert words_tex("(3×2)") == r"\text{(3}\times\text{2)}"
    assert words_tex("no product: W[2]ᵀ is 3 × 2 (2 ≠ 3)") == (
        r"\text{no product: W[2]}^{T}\text{ is 3}\times\text{2 (2}\neq\text{3)}"
    )
    assert words_tex("50% & $5_x") == r"\text{50\% \& \$5\_x}"
    assert words_part("Layer 1", "title").symbol is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (r"\input{/etc/passwd}", "read a file"),
        (r"see \textbf{this}", "TeX command"),
        ("tab\there", "control character"),
        ("naïve", "cannot set"),
        ("", "empty"),
    ],
)
def test_text_that_is_no_plain_label_never_reaches_latex(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        words_tex(text, "title")


def test_titles_shape_labels_verdicts_and_notes_are_predicted_for_the_batch() -> None:
    from scenes import typeset

    derivation = derive(NetworkSpec())
    runs = {
        typeset.tex_strings(parts) for step in derivation.steps for parts in typeset.part_runs(step)
    }
    step = derivation.step("dZ1.candidates")
    assert (words_tex(step.title),) in runs
    assert all((words_tex(c.verdict),) in runs for c in step.candidates)
    assert (
        words_tex(
            shape_text((step.candidates[0].badges[0].rows, step.candidates[0].badges[0].cols))
        ),
    ) in runs
    assert (words_tex("where"),) in runs


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("dZ[2] for all examples at once", r"dZ^{[2]}\text{ for all examples at once}"),
        ("db[1]: sum across the examples again", r"db^{[1]}\text{: sum across the examples again}"),
        ("Why W[2]ᵀ and A[0]", r"\text{Why }W^{[2]T}\text{ and }A^{[0]}"),
        ("Z[1] vs dW[1]", r"Z^{[1]}\text{ vs }dW^{[1]}"),
        ("The network itself", r"\text{The network itself}"),
        ("XW[2] and W[2]x stay words", r"\text{XW[2] and W[2]x stay words}"),
    ],
)
def test_a_title_sets_layer_names_as_the_formulas_do(title: str, expected: str) -> None:
    part = title_part(title)
    assert part.tex == expected
    assert part.symbol is None  # the text colour, like the words around it


def test_a_title_is_still_validated_before_latex() -> None:
    with pytest.raises(ValueError, match="TeX command"):
        title_part(r"dZ[2] \textbf{bold}")


@settings(max_examples=4, deadline=None)
@given(
    dims=st.lists(st.integers(1, 4), min_size=3, max_size=4).map(tuple),
    activation=st.sampled_from(ACTIVATIONS),
)
def test_no_title_shows_a_layer_name_as_plain_text(dims: tuple[int, ...], activation: str) -> None:
    derivation = derive(NetworkSpec(layer_dims=dims, activation=activation))
    named = [s for s in derivation.steps if LAYER_NAME.search(s.title)]
    assert named, "some title names a matrix (dZ[2], dW[2] ...)"
    for step in derivation.steps:
        tex = title_part(step.title).tex
        assert not re.search(r"\\text\{[^}]*[A-Za-z]\[\d\]", tex), (step.title, tex)
        for match in LAYER_NAME.finditer(step.title):
            assert f"^{{[{match.group(2)}]" in tex, (step.title, tex)
    shown = title_tex(named[0], Theme())  # LaTeX sets it
    assert shown.width > 0
