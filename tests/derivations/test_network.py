"""The network steps: ``dZ1.network``, ``dZ1.backward`` (the column laid down as a row is a
claim of ``dZ1.transpose``, the step right after the backward run).

Their structure (units, edges, which edges leave a unit), their claims (checked for several
networks), their place in the derivation, their words, and mutations that must be caught.
"""

from __future__ import annotations

import functools
import re

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import NetworkSpec, VerificationError, derive
from derivations import sequence_network as sn
from derivations.claims import check_claim, random_point
from derivations.display import entry
from derivations.network import Network
from derivations.numeric import evaluate
from derivations.steps import Step
from tests.derivations.test_speech import problems

IDS = ("dZ1.network", "dZ1.backward")
#: A subtitle cue holds at most two lines of about 42 characters.
MAX_SENTENCE = 84

dims_strategy = st.lists(st.integers(1, 4), min_size=3, max_size=5).map(tuple)


@functools.lru_cache(maxsize=32)
def _steps(dims: tuple[int, ...]) -> tuple[Step, ...]:
    return tuple(derive(NetworkSpec(layer_dims=dims, m=2)).steps)


@settings(max_examples=30, deadline=None)
@given(dims_strategy)
def test_edges_connect_every_unit_to_every_unit_of_the_next_layer(dims: tuple[int, ...]) -> None:
    spec = NetworkSpec(layer_dims=dims, m=1)
    for layer in spec.layers:
        edges = sn.layer_edges(spec, layer)
        assert len(edges) == len(set(edges)) == dims[layer - 1] * dims[layer]
        assert {i for _, i in edges} == set(range(dims[layer - 1]))
        assert {k for k, _ in edges} == set(range(dims[layer]))
    unit = sn.focus_unit(spec)
    assert 0 <= unit < dims[1]
    leaving = sn.edges_leaving(spec, 1, unit)
    assert [k for k, _ in leaving] == list(range(dims[2]))
    assert all(i == unit for _, i in leaving)
    # an edge's label is entry (k, i) of W[l], written the way the matrices write it
    k, i = leaving[-1]
    assert sn.weight_part(2, (k, i)).tex == rf"w^{{[2]}}_{{{k + 1}{i + 1}}}"
    assert [len(line) for line in sn.unit_parts(spec)] == list(dims)
    assert sn.unit_parts(spec)[0][0].tex == "x_{1}"
    assert sn.unit_parts(spec)[1][-1].tex == rf"a^{{[1]}}_{{{dims[1]}}}"


@settings(max_examples=8, deadline=None)
@given(dims_strategy)
def test_the_steps_sit_where_the_lecture_needs_them_and_hold(dims: tuple[int, ...]) -> None:
    steps = _steps(dims)
    ids = [str(step.id) for step in steps]
    assert ids[ids.index("dZ1.forward") + 1] == "dZ1.network"
    # the picture right before the proof it illustrates
    assert ids[ids.index("dZ1.transpose") - 1] == "dZ1.backward"
    for step_id in (*IDS, "dZ1.transpose"):
        step = steps[ids.index(step_id)]
        assert step.claims, step_id
        for claim in step.claims:
            assert check_claim(claim) is None, (step_id, claim.description)


@pytest.mark.parametrize("dims", [(2, 3, 2), (1, 1, 1), (3, 4, 4), (2, 3, 2, 1)])
def test_words_are_short_speakable_and_name_the_layer(dims: tuple[int, ...]) -> None:
    steps = {str(s.id): s for s in _steps(dims)}
    for step_id in (*IDS, "dZ1.transpose"):
        text = steps[step_id].narration
        assert problems(steps[step_id].speech) == [], (step_id, steps[step_id].speech)
        for sentence in re.split(r"(?<=\.) ", text):
            assert len(sentence) <= MAX_SENTENCE, (step_id, sentence)
        assert "transposed" not in text
        assert not re.search(r"\bd[WZb]\b(?!\[)", text), text  # dZ[2], never a bare dZ
    # the picture shows the column; the proof, the step after it, concludes the transpose
    assert "ᵀ" not in steps["dZ1.backward"].narration
    assert "transpose" not in steps["dZ1.backward"].narration
    assert "W[2]ᵀ" in steps["dZ1.transpose"].narration


def test_the_default_story_in_numbers() -> None:
    steps = {str(s.id): s for s in _steps((2, 3, 2))}
    backward = steps["dZ1.backward"]
    assert "w[2]_13 and w[2]_23" in backward.narration
    assert "column 3 of W[2]" in backward.narration
    # the transpose step lays that column down first: it becomes row 3 of W[2]ᵀ
    ((column, row), *_) = steps["dZ1.transpose"].highlights
    assert (column.matrix, column.col, row.matrix, row.row) == ("W2", 2, "W2T", 2)
    # the equation is what hidden unit 3 collects: one weight times one dz per leaving edge
    weights = [p.tex for p in backward.equation if p.symbol == "W2"]
    assert weights == ["w^{[2]}_{13}", "w^{[2]}_{23}"]
    assert backward.highlights[0][0].col == backward.highlights[0][1].row == 2
    network = steps["dZ1.network"]
    assert network.picked == (0, 2)
    assert [m.name for m in network.matrices] == ["W1", "W2"]


# --------------------------------------------------------------------------- mutations


def test_a_row_taken_for_the_column_is_caught() -> None:
    """The edges *entering* a unit (a row of W) are not what a hidden unit collects."""
    spec = NetworkSpec(layer_dims=(2, 2, 2), m=2)
    net = Network(spec)
    unit = sn.focus_unit(spec)
    right = sn.backward_claims(net, 1, unit, sn.edges_leaving(spec, 1, unit))
    assert [check_claim(c) for c in right] == [None, None]
    entering = sn.edges_entering(spec, 2, unit)  # row 2 of W[2]: w21, w22
    wrong = sn.backward_claims(net, 1, unit, entering)
    assert all(check_claim(c) is not None for c in wrong)


def test_swapped_edge_labels_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Labelling the edge i→k with w_ik (the indices swapped) fails the edge claim."""
    net = Network(NetworkSpec(layer_dims=(2, 2, 2), m=1))
    monkeypatch.setattr(sn, "weight_part", lambda layer, edge: entry(f"W{layer}", edge[1], edge[0]))
    failures = [check_claim(c) for c in sn.network_claims(net)]
    assert all(failure is not None for failure in failures), failures


def test_an_untransposed_display_is_caught() -> None:
    net = Network(NetworkSpec(layer_dims=(2, 3, 2), m=1))
    source = sn.matrix_display(net, "W2")
    square = Network(NetworkSpec(layer_dims=(2, 2, 2), m=1))
    square_source = sn.matrix_display(square, "W2")
    assert check_claim(sn.column_to_row_claims(net, source, source)[0]) is not None
    assert check_claim(sn.column_to_row_claims(square, square_source, square_source)[0]) is not None


def test_the_derivation_rejects_a_column_not_laid_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dZ1.transpose`` claims that the W[2]ᵀ it shows has column i of W[2] as row i: a
    display left untransposed (square W[2], so every shape still fits) fails that step."""
    from derivations import sequence_dz

    untransposed = sequence_dz.matrix_display
    monkeypatch.setattr(
        sequence_dz,
        "matrix_display",
        lambda net, name, transposed=False: untransposed(net, name),
    )
    with pytest.raises(VerificationError) as caught:
        derive(NetworkSpec(layer_dims=(2, 2, 2), m=1)).verify()
    assert caught.value.step_id == "dZ1.transpose"


def test_the_derivation_rejects_a_wrong_backward_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        sn, "edges_leaving", lambda spec, layer, unit: sn.edges_entering(spec, layer + 1, unit)
    )
    with pytest.raises(VerificationError) as caught:
        derive(NetworkSpec(layer_dims=(2, 2, 2), m=1)).verify()
    assert caught.value.step_id == "dZ1.backward"


def test_what_the_unit_collects_is_the_true_gradient() -> None:
    """Independently of the claim: sympy's ∂𝓛/∂a[1]_2j, differentiated through Z[2], equals
    Σ_k w[2]_k2 ∂𝓛/∂z[2]_kj (k runs down column 2)."""
    spec = NetworkSpec(layer_dims=(1, 2, 3), m=1)
    net = Network(spec)
    forward = net.forward("A1")
    a = net.symbols("A1")
    w = net.symbols("W2")
    z2 = forward.values["Z2"]
    truth = sympy.diff(forward.loss, a[1, 0])
    point = random_point(sorted(truth.free_symbols, key=str), seed=3)
    upstream = net.upstream(2)
    zs = net.symbols("Z2")
    z_values = {zs[k, 0]: z2[k, 0] for k in range(3)}
    collected = sum((w[k, 1] * upstream[k, 0] for k in range(3)), sympy.Integer(0))
    assert (
        abs(float(evaluate(truth, point)) - float(evaluate(collected.subs(z_values), point))) < 1e-9
    )
