"""Shape checks with teeth: the wrong forms of dZ[1] judged by the shape checker, as data.

On the default 2-3-2 network with m = 2 every tempting form fails on shapes; the expected
shapes and verdicts are written out here by hand. The square pitfall is shown on the network's
square companion (2-2-2), and a claim that states something false is caught.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest
from hypothesis import given, settings

from derivations import NetworkSpec, VerificationError, derive
from derivations.claims import DifferenceClaim, ShapeClaim, check_claim
from derivations.derivation import Derivation
from derivations.sequence_dz import square_companion
from derivations.speech import spoken
from tests.derivation_support import network_specs

DEFAULT = NetworkSpec()
#: Cues are read in at most two lines of about 42 characters.
MAX_SENTENCE = 84


@pytest.fixture(scope="module")
def default() -> Derivation:
    return derive(DEFAULT)


def test_the_default_network_is_2_3_2_with_two_examples() -> None:
    assert DEFAULT.layer_dims == (2, 3, 2)
    assert DEFAULT.m == 2
    assert DEFAULT.activation == "tanh"


def test_every_wrong_form_fails_on_shapes_on_the_default(default: Derivation) -> None:
    step = default.step("dZ1.candidates")
    expected = [
        # text, red badges, verdict
        ("W2 @ dZ2 * gprime(Z1)", {"W2", "dZ2"}, "no product: W[2] is 2×3, dZ[2] is 2×2 (3 ≠ 2)"),
        ("dZ2 @ W2 * gprime(Z1)", {"dZ2", "W2"}, "dZ[2] W[2] is 2×3, but dZ[1] is 3×2"),
        (
            "W2.T @ dZ2 @ gprime(Z1)",
            {"dZ2", "gprime1"},
            "no product: W[2]ᵀ dZ[2] is 3×2, g'(Z[1]) is 3×2 (2 ≠ 3)",
        ),
    ]
    assert [c.text for c in step.candidates] == [text for text, _, _ in expected]
    for candidate, (_, red, verdict) in zip(step.candidates, expected, strict=True):
        assert candidate.shape is None
        assert not candidate.fits
        assert candidate.verdict == verdict
        assert {b.part for b in candidate.badges if not b.ok} == red
        assert candidate.equation[0].name == "dZ1"


def test_the_reasons_are_set_like_the_formulas(default: Derivation) -> None:
    """Each verdict as TeX: layer names with superscripts, g with its prime, the sizes with
    times; never the subtitles' ``W[2]`` or ASCII ``g'``."""
    expected = [
        r"\text{no product: }W^{[2]}\text{ is }2 \times 3\text{, }dZ^{[2]}\text{ is }2 \times 2"
        r"\quad(3 \neq 2)",
        r"dZ^{[2]}W^{[2]}\text{ is }2 \times 3\text{, but }dZ^{[1]}\text{ is }3 \times 2",
        r"\text{no product: }W^{[2]T}dZ^{[2]}\text{ is }3 \times 2\text{, }"
        r"g^{[1]\prime}(Z^{[1]})\text{ is }3 \times 2\quad(2 \neq 3)",
    ]
    candidates = default.step("dZ1.candidates").candidates
    assert ["".join(p.tex for p in c.reason) for c in candidates] == expected
    for candidate in candidates:
        names = [p.name for p in candidate.reason]
        assert len(names) == len(set(names)), names
        assert all(p.symbol is None for p in candidate.reason if "text" in p.tex)


def test_each_candidate_knows_the_sentence_that_judges_it(default: Derivation) -> None:
    step = default.step("dZ1.candidates")
    said = [c.said for c in step.candidates]
    assert said == [
        "W[2] dZ[2] has no product: 2×3 times 2×2.",
        "dZ[2] W[2] is 2×3, but dZ[1] is 3×2.",
        "W[2]ᵀ dZ[2] g'(Z[1]) has no product: 3×2 times 3×2.",
    ]
    assert all(sentence in step.narration for sentence in said)


@settings(max_examples=15, deadline=None)
@given(network_specs(4))
def test_only_what_fails_is_marked(spec: NetworkSpec) -> None:
    """Across networks: the crossed badges are neighbouring factors whose shapes do not chain
    (two whose inner sizes differ) or whose product is not dZ[1]'s shape; a form whose shapes
    fit has none. Read from the badges' own sizes, not from the checker."""
    step = derive(spec).step("dZ1.candidates")
    for candidate in step.candidates:
        badges = [b for b in candidate.badges if b.part != "dZ1"]
        target = next(b for b in candidate.badges if b.part == "dZ1")
        marked = [i for i, b in enumerate(badges) if not b.ok]
        if candidate.fits:
            assert not marked, candidate.text
            assert target.ok, candidate.text
            continue
        assert marked == list(range(marked[0], marked[0] + len(marked))), candidate.text
        group = [badges[i] for i in marked]
        names = [p.name for p in candidate.equation]
        between = candidate.equation[names.index(group[0].part) : names.index(group[-1].part)]
        assert all(p.tex != r"\ast" for p in between), "a cross spans an element-wise product"
        inner = [(a.cols, b.rows) for a, b in itertools.pairwise(group)]
        if len(group) == 2 and inner[0][0] != inner[0][1]:
            continue  # two factors whose inner sizes differ
        assert all(c == r for c, r in inner), candidate.text
        assert (group[0].rows, group[-1].cols) != (target.rows, target.cols), candidate.text


def test_the_badges_carry_the_default_shapes(default: Derivation) -> None:
    shapes = {"dZ1": (3, 2), "W2": (2, 3), "W2T": (3, 2), "dZ2": (2, 2), "gprime1": (3, 2)}
    for candidate in default.step("dZ1.candidates").candidates:
        for badge in candidate.badges:
            assert (badge.rows, badge.cols) == shapes[badge.part], (candidate.text, badge)
    right = default.step("dZ1.shapes")
    assert all(b.ok for b in right.badges)
    assert {(b.part, b.rows, b.cols) for b in right.badges} == {
        ("dZ1", 3, 2),
        ("W2T", 3, 2),
        ("dZ2", 2, 2),
        ("gprime1", 3, 2),
    }


def test_the_candidate_checker_agrees_with_the_step(default: Derivation) -> None:
    for candidate in default.step("dZ1.candidates").candidates:
        verdict = default.check_candidate("dZ1", candidate.text)
        assert (verdict.ok, verdict.kind) == (False, "shape"), verdict.reason


def test_the_claims_state_the_failing_products(default: Derivation) -> None:
    claims = default.step("dZ1.candidates").claims
    stated = {(c.formula, c.expected) for c in claims if isinstance(c, ShapeClaim)}
    assert {
        ("dZ1", (3, 2)),
        ("W2 @ dZ2", None),
        ("W2", (2, 3)),
        ("dZ2", (2, 2)),
        ("dZ2 @ W2 * gprime(Z1)", None),
        ("dZ2 @ W2", (2, 3)),
        ("gprime(Z1)", (3, 2)),
        ("W2.T @ dZ2 @ gprime(Z1)", None),
        ("W2.T @ dZ2", (3, 2)),
    } <= stated
    assert all(check_claim(c) is None for c in claims)


def test_a_claim_that_a_wrong_product_exists_is_caught(default: Derivation) -> None:
    index = [s.id for s in default].index("dZ1.candidates")
    step = default.steps[index]
    claims = tuple(
        dataclasses.replace(c, expected=(2, 2))
        if isinstance(c, ShapeClaim) and c.formula == "W2 @ dZ2"
        else c
        for c in step.claims
    )
    assert claims != step.claims
    steps = (
        *default.steps[:index],
        dataclasses.replace(step, claims=claims),
        *default.steps[index + 1 :],
    )
    with pytest.raises(VerificationError) as caught:
        Derivation(default.spec, steps, default.formulas).verify()
    assert caught.value.step_id == "dZ1.candidates"
    assert "no matrix product" in caught.value.reason


def test_on_a_square_network_the_step_says_shapes_cannot_tell() -> None:
    step = derive(NetworkSpec(layer_dims=(2, 2, 2), m=2)).step("dZ1.candidates")
    assert all(c.fits and c.shape == (2, 2) for c in step.candidates)
    assert "shapes cannot tell" in step.narration
    assert "fails on shapes" not in step.narration
    assert any(isinstance(c, DifferenceClaim) for c in step.claims)


def test_with_single_units_the_forms_are_even_right() -> None:
    step = derive(NetworkSpec(layer_dims=(1, 1, 1), m=1)).step("dZ1.candidates")
    assert all(
        c.fits and c.verdict == "shapes fit, and here it is even right" for c in step.candidates
    )


def test_the_square_pitfall_uses_the_square_companion(default: Derivation) -> None:
    step = default.step("dZ1.no_transpose")
    assert "as in 2-2-2" in step.lines[0][0].tex
    assert "square" in step.lines[0][0].tex
    assert "For a square W[2], as in 2-2-2," in step.narration
    assert all(b.ok and (b.rows, b.cols) == (2, 2) for b in step.badges)
    wrong, right = step.lines[1], step.lines[2]
    assert wrong[1].tex == r"\neq"
    assert right[1].tex == "="
    assert "w2_12" in {p.name for p in wrong}
    assert "w2_21" not in {p.name for p in wrong}
    assert "w2_21" in {p.name for p in right}
    assert "w2_12" not in {p.name for p in right}
    assert step.picked == (0, 0)
    assert "uses w[2]_12 where it needs w[2]_21" in step.narration


@pytest.mark.parametrize(
    ("dims", "square"),
    [
        ((2, 3, 2), (2, 2, 2)),
        ((3, 4, 2), (3, 2, 2)),
        ((2, 3, 1), (2, 2, 2)),
        ((2, 3, 2, 1), (2, 2, 2, 1)),
        ((2, 2, 2), (2, 2, 2)),
        ((1, 1, 4), (1, 4, 4)),
    ],
)
def test_square_companions(dims: tuple[int, ...], square: tuple[int, ...]) -> None:
    assert square_companion(NetworkSpec(layer_dims=dims), 1).layer_dims == square


def test_a_false_difference_is_caught() -> None:
    """On a square 2-2-2 network the pitfall's difference claim holds; stated for 1-1-1, where
    W[2] is one number, it fails."""
    claims = derive(NetworkSpec(layer_dims=(2, 2, 2))).step("dZ1.no_transpose").claims
    assert all(check_claim(c) is None for c in claims)
    from derivations.network import Network
    from derivations.sequence_dz import _truth

    tiny = Network(NetworkSpec(layer_dims=(1, 1, 1), m=1))
    from derivations.formula import parse

    wrong = tiny.evaluate_symbolic(parse("W2 @ dZ2 * gprime(Z1)"), tiny.display_values)
    assert check_claim(DifferenceClaim("no difference", wrong, _truth(tiny, 1))) is not None


@settings(max_examples=15, deadline=None)
@given(network_specs(4))
def test_candidates_agree_with_the_candidate_checker(spec: NetworkSpec) -> None:
    derivation = derive(spec)
    step = derivation.step("dZ1.candidates")
    for candidate in step.candidates:
        verdict = derivation.check_candidate("dZ1", candidate.text)
        assert (verdict.kind == "shape") == (not candidate.fits), (candidate, verdict)
        assert candidate.fits or any(not b.ok for b in candidate.badges)
    for claim in (*step.claims, *derivation.step("dZ1.no_transpose").claims):
        assert check_claim(claim) is None, claim.description


@settings(max_examples=15, deadline=None)
@given(network_specs(4))
def test_narrations_are_short_sentences(spec: NetworkSpec) -> None:
    derivation = derive(spec)
    for step_id in ("dZ1.candidates", "dZ1.shapes", "dZ1.no_transpose"):
        narration = derivation.step(step_id).narration
        for sentence in re.split(r"(?<=[.!?])\s+", narration):
            assert len(sentence) <= MAX_SENTENCE, (step_id, sentence)
        assert "[" not in spoken(narration), spoken(narration)
