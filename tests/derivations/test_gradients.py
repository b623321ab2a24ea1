"""dZ[L], dW and db as carefully as dZ[1]: the cancellation, the general entries, the transpose
on the right, "no 1/m in dZ[L]", and layer 1 as "the same pattern". Expected values are written
out by hand; a wrong line or a wrong entry is caught."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sympy
from hypothesis import given, settings

from derivations import NetworkSpec, derive
from derivations.claims import DerivativeClaim, EqualityClaim, check_claim
from derivations.derivation import Derivation
from derivations.sequence_gradients import CANCEL_LINES
from derivations.speech import spoken
from derivations.steps import Highlight
from derivations.vocabulary import Role
from tests.derivation_support import OTHER_GRADIENT_STEPS, network_specs

MAX_SENTENCE = 84


@pytest.fixture(scope="module")
def default() -> Derivation:
    return derive(NetworkSpec())


def test_the_steps_after_dz1_on_the_default(default: Derivation) -> None:
    others = [str(s.id) for s in default if s.target != "dZ1"]
    assert others == [
        "general.map",
        "general.part_two",
        *OTHER_GRADIENT_STEPS,
        "general.recap",
    ]


def test_four_layers_give_the_lower_layers_one_fold_each() -> None:
    derivation = derive(NetworkSpec(layer_dims=(2, 3, 2, 2, 1), m=2))
    others = [str(s.id) for s in derivation if s.target not in ("dZ1", "general")]
    assert others == [
        "dZ4.loss",
        "dZ4.cancel",
        "dZ4.fold",
        "dW4.partial",
        "dW4.transpose",
        "dW4.fold",
        "db4.fold",
        "dZ3.fold",
        "dW3.fold",
        "db3.fold",
        "dZ2.fold",
        "dW2.fold",
        "db2.fold",
        "dW1.fold",
        "db1.fold",
    ]
    assert "A[2]" in derivation.step("dW3.fold").narration


def test_each_cancellation_line_is_a_minus_y_at_a_point() -> None:
    a, y = sympy.symbols("a y", real=True)
    # by hand: a = 0.3, y = 0.8 gives a − y = −0.5 on every line
    for pieces, value in CANCEL_LINES:
        assert float(value.subs({a: 0.3, y: 0.8})) == pytest.approx(-0.5)
        assert all(isinstance(piece, str) for piece, _ in pieces)


def test_the_cancelling_factors_are_marked(default: Derivation) -> None:
    step = default.step("dZ2.cancel")
    multiplied_out = {p.name: p.tex for p in step.lines[0]}
    assert [[multiplied_out[name] for name in group] for group in step.struck] == [
        ["a"],
        ["a"],
        ["(1 -", "a", ")"],
        ["(1 -", "a", ")"],
    ]
    assert [p.tex for p in step.lines[-1][1:]] == ["a", "-", "y"]
    others = {p.name for line in (step.equation, *step.lines[1:]) for p in line}
    assert not others & {name for group in step.struck for name in group}


def test_a_wrong_cancellation_line_is_caught(default: Derivation) -> None:
    a, y = sympy.symbols("a y", real=True)
    claims = default.step("dZ2.cancel").claims
    assert all(check_claim(c) is None for c in claims)
    line = next(
        c
        for c in claims
        if isinstance(c, EqualityClaim) and c.rhs[0, 0] == -y * (1 - a) + (1 - y) * a
    )
    wrong = dataclasses.replace(line, rhs=sympy.ImmutableMatrix([[-y * (1 - a) + (1 - y)]]))
    assert check_claim(wrong) is not None


def test_no_one_over_m_in_dz_of_the_output(default: Derivation) -> None:
    step = default.step("dZ2.fold")
    note = " ".join(p.tex for p in step.lines[0])
    assert r"\text{no } \tfrac{1}{m}" in note
    assert r"\partial\mathcal{L}" in note
    assert "No 1/m here" in step.narration
    assert not [p for p in step.equation if p.role is Role.SCALE]


@settings(max_examples=6, deadline=None)
@given(network_specs(3))
def test_one_over_m_has_the_colour_of_m_wherever_it_is_written(spec: NetworkSpec) -> None:
    """Every 1/m of part two, in a formula or in a note's words, is coloured as m (a white
    "1/m" beside pink ones was one symbol in two colours)."""
    last = spec.num_layers
    derivation = derive(spec)
    targets = {f"dZ{last}", f"dW{last}", f"db{last}", "dW1", "db1"}
    found = 0
    for step in derivation:
        if step.target not in targets:
            continue
        for line in (step.equation, *step.lines):
            for part in line:
                if re.search(r"1/m|\\t?frac\{1\}\{m\}", part.tex):
                    found += 1
                    assert part.symbol == "m", (step.id, part)
    assert found >= 4


def test_the_general_weight_entry(default: Derivation) -> None:
    step = default.step("dW2.partial")
    assert [p.tex for p in step.lines[0]] == ["J", "=", r"\frac{1}{m}", r"\mathcal{L}"]
    tex = " ".join(p.tex for p in step.equation)
    for piece in (
        r"\partial w^{[2]}_{ki}",
        r"\frac{1}{m}",
        r"\sum_{j=1}^{m}",
        "dz^{[2]}_{kj}",
        "a^{[1]}_{ij}",
    ):
        assert piece in tex, tex
    assert step.picked == (0, 1)
    assert step.highlights == ((Highlight("dZ2", row=0), Highlight("A1", row=1)),)
    assert [m.name for m in step.matrices] == ["dZ2", "A1"]
    general = step.claims[0]
    assert isinstance(general, DerivativeClaim)
    assert general.variables.shape == (2, 3)


def test_a_wrong_general_entry_is_caught(default: Derivation) -> None:
    general = default.step("dW2.partial").claims[0]
    assert check_claim(general) is None
    without_mean = dataclasses.replace(general, value=general.value * 2)  # m = 2: no 1/m
    assert check_claim(without_mean) is not None
    swapped = dataclasses.replace(
        general, value=sympy.ImmutableMatrix(2, 3, lambda k, i: general.value[1 - k, i])
    )
    assert check_claim(swapped) is not None


def test_the_row_of_the_input_becomes_a_column_of_its_transpose(default: Derivation) -> None:
    step = default.step("dW2.transpose")
    assert [m.name for m in step.matrices] == ["dZ2", "A1", "A1T"]
    assert step.highlights == (
        (Highlight("dZ2", row=0), Highlight("A1", row=1)),
        (Highlight("A1", row=0), Highlight("A1T", col=0)),
        (Highlight("A1", row=1), Highlight("A1T", col=1)),
        (Highlight("A1", row=2), Highlight("A1T", col=2)),
    )
    assert step.matrix("A1T").shape == (2, 3)
    assert "Row i of A[1] is column i of A[1]ᵀ" in step.narration
    assert all(check_claim(c) is None for c in step.claims)


def test_the_bias_is_one_step_that_says_and_checks_why(default: Derivation) -> None:
    """db[2]'s entry (the sum of a row of dZ[2], slope one) and its fold are one step: the
    narration gives the reason, the claims check the entry and the fold."""
    assert [str(s.id) for s in default.steps_for("db2")] == ["db2.fold"]
    step = default.step("db2.fold")
    assert "with slope one" in step.narration
    assert "over its columns, the examples" in step.narration
    tex = " ".join(p.tex for p in step.equation)
    assert r"\frac{1}{m}" in tex
    assert "columns" in tex
    claim = step.claims[0]
    assert isinstance(claim, DerivativeClaim)
    assert claim.variables.shape == (2, 1)
    assert all(check_claim(c) is None for c in step.claims)
    assert check_claim(dataclasses.replace(claim, value=claim.value * 2)) is not None


def test_layer_one_is_the_same_pattern_not_a_copy(default: Derivation) -> None:
    assert [str(s.id) for s in default.steps_for("dW1")] == ["dW1.fold"]
    assert [str(s.id) for s in default.steps_for("db1")] == ["db1.fold"]
    step = default.step("dW1.fold")
    assert "same pattern" in step.narration
    assert "A[0] = X" in step.narration
    assert [p.tex for p in step.lines[0]] == ["A^{[0]}", "=", "X"]
    layer_two = {s.narration for s in default.steps_for("dW2")} | {
        s.narration for s in default.steps_for("db2")
    }
    assert not {s.narration for s in (step, default.step("db1.fold"))} & layer_two


@settings(max_examples=10, deadline=None)
@given(network_specs(3))
def test_the_new_claims_hold_for_any_network(spec: NetworkSpec) -> None:
    derivation = derive(spec)
    last = spec.num_layers
    for step in derivation:
        if step.target in (f"dZ{last}", f"dW{last}", f"db{last}", "dW1", "db1"):
            for claim in step.claims:
                assert check_claim(claim) is None, (step.id, claim.description)
            for sentence in re.split(r"(?<=[.!?])\s+", step.narration):
                assert len(sentence) <= MAX_SENTENCE, (step.id, sentence)
            assert "[" not in spoken(step.narration), (step.id, spoken(step.narration))


@settings(max_examples=6, deadline=None)
@given(network_specs(3))
def test_the_output_and_the_label_have_one_colour_on_every_line_of_the_loss(
    spec: NetworkSpec,
) -> None:
    """``a`` (an entry of ``A[L]``) and ``y`` (of ``Y``) are coloured as their matrices on every
    line of the loss step, ``a_kj`` and ``y_kj`` in the sum as much as ``a`` and ``y`` after."""
    last = spec.num_layers
    step = derive(spec).step(f"dZ{last}.loss")
    expected = {"a": f"A{last}", "y": "Y"}
    for line in step.lines:
        letters = {
            part.tex[0]: part.symbol for part in line if re.fullmatch(r"[ay](_\{kj\})?", part.tex)
        }
        assert all(expected[letter] == symbol for letter, symbol in letters.items()), letters
    assert {p.tex for p in step.lines[0] if p.symbol in expected.values()} == {"a_{kj}", "y_{kj}"}
