"""The candidate formula language: parsing, printing, rejection, and check_candidate verdicts.

The parser reads learners' text, so it is tested as a hostile-input boundary: whatever the text,
``parse`` returns a tree or raises :class:`FormulaError` — never another exception, never ``eval``.
"""

from __future__ import annotations

import builtins

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from derivations import FormulaError, NetworkSpec, derive
from derivations.formula import (
    MAX_FORMULA_LENGTH,
    Algebra,
    GPrime,
    Hadamard,
    MatMul,
    Node,
    OverM,
    Ref,
    Sub,
    SumColumns,
    Transpose,
    evaluate,
    parse,
    to_text,
)

# --------------------------------------------------------------------------- accepted language

ACCEPTED = [
    ("W2", Ref("W2")),
    ("dZ2", Ref("dZ2")),
    ("X", Ref("X")),
    ("W2.T", Transpose(Ref("W2"))),
    ("W2.T @ dZ2", MatMul(Transpose(Ref("W2")), Ref("dZ2"))),
    ("W2.T @ dZ2 * gprime(Z1)", Hadamard(MatMul(Transpose(Ref("W2")), Ref("dZ2")), GPrime(1))),
    ("A2 - Y", Sub(Ref("A2"), Ref("Y"))),
    ("1/m * dZ2 @ A1.T", OverM(MatMul(Ref("dZ2"), Transpose(Ref("A1"))))),
    ("dZ2 @ A1.T / m", OverM(MatMul(Ref("dZ2"), Transpose(Ref("A1"))))),
    ("1/m * sum(dZ2, axis=1)", OverM(SumColumns(Ref("dZ2")))),
    ("sum(dZ1, axis=1)", SumColumns(Ref("dZ1"))),
    ("gprime(Z3)", GPrime(3)),
    ("(W2.T @ dZ2) * gprime(Z1)", Hadamard(MatMul(Transpose(Ref("W2")), Ref("dZ2")), GPrime(1))),
    ("W2.T @ (dZ2 * gprime(Z2))", MatMul(Transpose(Ref("W2")), Hadamard(Ref("dZ2"), GPrime(2)))),
    ("(dZ2.T @ W2).T", Transpose(MatMul(Transpose(Ref("dZ2")), Ref("W2")))),
    ("  W2.T  @dZ2  ", MatMul(Transpose(Ref("W2")), Ref("dZ2"))),
    ("dZ2 @ (1/m * A1.T)", MatMul(Ref("dZ2"), OverM(Transpose(Ref("A1"))))),
    ("1/m * (A2 - Y)", OverM(Sub(Ref("A2"), Ref("Y")))),
    # 1/m scales only its own operand of a difference, as in Python:
    ("1/m * A2 - Y", Sub(OverM(Ref("A2")), Ref("Y"))),
    ("A2 - 1/m * Y", Sub(Ref("A2"), OverM(Ref("Y")))),
    ("1/m * (1/m * dZ2 @ A1.T)", OverM(OverM(MatMul(Ref("dZ2"), Transpose(Ref("A1")))))),
]


@pytest.mark.parametrize(("text", "tree"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_parse_reads_the_language(text: str, tree: Node) -> None:
    assert parse(text) == tree


@pytest.mark.parametrize(("text", "tree"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_printing_a_parsed_formula_reads_back_the_same_tree(text: str, tree: Node) -> None:
    assert parse(to_text(tree)) == tree


def test_parse_checks_names_against_the_network_when_asked() -> None:
    known = {"W2": (1, 2), "dZ2": (1, 2), "Z1": (2, 2)}
    assert parse("W2.T @ dZ2 * gprime(Z1)", known) == ACCEPTED[5][1]
    with pytest.raises(FormulaError, match="'W3'"):
        parse("W3.T @ dZ2", known)


# --------------------------------------------------------------------------- round trip

NAMES = (
    "X",
    "Y",
    "W1",
    "W2",
    "b1",
    "b3",
    "Z1",
    "Z2",
    "A1",
    "A2",
    "dZ1",
    "dZ2",
    "dW1",
    "db2",
    "dA1",
)
LEAVES = st.one_of(st.sampled_from(NAMES).map(Ref), st.integers(1, 9).map(GPrime))


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        children.map(Transpose),
        children.map(OverM),
        children.map(SumColumns),
        st.builds(MatMul, children, children),
        st.builds(Hadamard, children, children),
        st.builds(Sub, children, children),
    )


TREES = st.recursive(LEAVES, _extend, max_leaves=8)


def _has_scale(node: Node) -> bool:
    if isinstance(node, OverM):
        return True
    if isinstance(node, (Transpose, SumColumns)):
        return _has_scale(node.arg)
    if isinstance(node, (MatMul, Hadamard, Sub)):
        return _has_scale(node.left) or _has_scale(node.right)
    return False


def _short(node: Node) -> bool:
    return len(to_text(node)) <= MAX_FORMULA_LENGTH


@settings(max_examples=300, deadline=None)
@given(TREES.filter(lambda tree: not _has_scale(tree)).filter(_short))
def test_to_text_round_trips_through_parse(tree: Node) -> None:
    assert parse(to_text(tree)) == tree


@settings(max_examples=300, deadline=None)
@given(TREES.filter(_short))
# found by hypothesis: a scaled left operand of @ was printed "1/m * A @ B", read as 1/m * (A @ B)
@example(OverM(MatMul(OverM(OverM(Ref("X"))), Ref("X"))))
def test_parsed_trees_round_trip_exactly(tree: Node) -> None:
    """With ``1/m``, Python's AST has no parentheses: ``(1/m * A) @ B`` and ``1/m * A @ B`` are
    one tree, so the parser puts the scale in a normal position. Trees in that normal form (what
    ``parse`` returns) come back unchanged; that they mean the same is tested below."""
    normal = parse(to_text(tree))
    assert parse(to_text(normal)) == normal


# Semantic round trip for *any* tree: every matrix is 2×2, so products, element-wise products,
# differences and transposes all exist and all differ; "sum" keeps the shape by multiplying with a
# fixed matrix, and 1/m is a true scalar.
_RNG = np.random.default_rng(7)
_VALUES = {name: _RNG.normal(size=(2, 2)) for name in NAMES}
_VALUES.update({f"gprime{layer}": _RNG.normal(size=(2, 2)) for layer in range(1, 10)})
_SUM = _RNG.normal(size=(2, 2))
SQUARE = Algebra(
    matmul=lambda a, b: a @ b,
    hadamard=lambda a, b: a * b,
    transpose=lambda a: a.T,
    sub=lambda a, b: a - b,
    over_m=lambda a: a / 3.0,
    sum_columns=lambda a: a @ _SUM,
)


@settings(max_examples=300, deadline=None)
@given(TREES.filter(_short))
def test_printed_text_means_the_same_matrix_as_the_tree(tree: Node) -> None:
    again = parse(to_text(tree))
    np.testing.assert_allclose(
        evaluate(again, _VALUES, SQUARE), evaluate(tree, _VALUES, SQUARE), rtol=1e-9, atol=1e-9
    )


# --------------------------------------------------------------------------- rejection

REJECTED = [
    # unknown names
    "V1",
    "W0",
    "W10",
    "foo",
    "m",
    "x",
    "dX",
    "dY",
    "Z0",
    "w2",
    "W2 @ os",
    # attribute access other than .T
    "W2.shape",
    "W2.t",
    "W2.__class__",
    "W2.T.__dict__",
    "X.T.real",
    # calls other than gprime(Zl) and sum(M, axis=1)
    "abs(W2)",
    "np.dot(W2, A1)",
    "W2.T()",
    "gprime(A1)",
    "gprime(Z1, Z2)",
    "gprime(Z0)",
    "gprime(z=Z1)",
    "gprime(Z1)(X)",
    "sum(dZ2)",
    "sum(dZ2, axis=0)",
    "sum(dZ2, 1)",
    "sum(dZ2, axis=1, keepdims=True)",
    "sum(*dZ2, axis=1)",
    "max(W2)",
    "eval('W2')",
    "exec('1')",
    "open('x')",
    "getattr(W2, 'T')",
    "print(W2)",
    # lambda, subscripts, strings, literals, comprehensions, other syntax
    "lambda: W2",
    "(lambda: 1)()",
    "W2[0]",
    "W2[0, 1]",
    "W2[:]",
    "'W2'",
    "b'W2'",
    "f'{W2}'",
    "2 * W2",
    "W2 * 2",
    "1/m",
    "1/2 * W2",
    "2/m * W2",
    "-W2",
    "+W2",
    "~W2",
    "W2 + A1",
    "W2 / A1",
    "W2 ** 2",
    "W2 // A1",
    "W2 % A1",
    "W2 < A1",
    "W2 and A1",
    "not W2",
    "W2 if X else Y",
    "[W2]",
    "(W2, A1)",
    "{W2}",
    "{'a': W2}",
    "[w for w in W2]",
    "(w := W2)",
    "...",
    "None",
    "True",
    # the classic escapes
    "__import__('os')",
    "__import__('os').system('true')",
    "().__class__.__bases__",
    "W2.__class__.__mro__",
    "globals()",
    "breakpoint()",
    # empty, whitespace-only, syntax errors, statements
    "",
    "   ",
    "\n\t",
    "W2 @",
    "(W2",
    "W2)",
    "@ W2",
    "W2 +* A1",
    "W2 A1",
    "W2; X",
    "W2\nX",
    "import os",
    "x = W2",
    "def f(): pass",
    "W2 @ \ud800",
    "W2\x00",
    # too long
    "W2" + " @ W2" * 60,
]


@pytest.mark.parametrize("text", REJECTED, ids=[repr(t)[:40] for t in REJECTED])
def test_parse_rejects_with_formula_error(text: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert type(caught.value) is FormulaError
    assert str(caught.value)  # a message, not a bare exception


@pytest.mark.parametrize("value", [None, 3, b"W2", ["W2"]])
def test_parse_rejects_non_text(value: object) -> None:
    with pytest.raises(FormulaError):
        parse(value)  # type: ignore[arg-type]


def test_overly_long_input_is_rejected_by_length_not_by_parsing() -> None:
    text = "W2" + " @ W2" * 60
    with pytest.raises(
        FormulaError,
        match=rf"{len(text)} characters long; at most "
        rf"{MAX_FORMULA_LENGTH}",
    ):
        parse(text)
    assert parse("W2" + " @ W2" * 39)  # 197 characters: still fine


def test_parse_never_evaluates(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parse must not call eval, exec or __import__")

    for name in ("eval", "exec", "__import__"):
        monkeypatch.setattr(builtins, name, refuse)
    parse("W2.T @ dZ2 * gprime(Z1)")
    for text in ("__import__('os')", "eval('W2')", "exec('W2')"):
        with pytest.raises(FormulaError):
            parse(text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=250))
def test_arbitrary_text_parses_or_raises_formula_error(text: str) -> None:
    try:
        tree = parse(text)
    except FormulaError:
        return
    assert isinstance(tree, (Ref, GPrime, Transpose, MatMul, Hadamard, Sub, OverM, SumColumns))


FRAGMENTS = st.sampled_from(
    [
        "W2",
        "dZ2",
        "A1",
        "X",
        "Y",
        "Z1",
        "gprime(",
        "sum(",
        ", axis=1)",
        ".T",
        ".shape",
        " @ ",
        " * ",
        " - ",
        " + ",
        "1/m * ",
        "/ m",
        "(",
        ")",
        "[0]",
        "lambda: ",
        "__import__",
        "'s'",
        "2",
        ",",
        "=",
        " ",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(FRAGMENTS, max_size=14).map("".join))
def test_near_miss_text_parses_or_raises_formula_error(text: str) -> None:
    """Random text rarely parses; these fragments make formulas that almost do."""
    try:
        tree = parse(text)
    except FormulaError:
        return
    assert parse(to_text(tree)) is not None


# --------------------------------------------------------------------------- check_candidate


@pytest.fixture(scope="module")
def default() -> object:
    return derive(NetworkSpec())


@pytest.mark.parametrize(
    ("target", "text"),
    [
        ("dZ1", "W2.T @ dZ2 * gprime(Z1)"),
        ("dZ1", "(dZ2.T @ W2).T * gprime(Z1)"),
        ("dZ1", "gprime(Z1) * (W2.T @ dZ2)"),
        ("dZ2", "A2 - Y"),
        ("dW2", "1/m * dZ2 @ A1.T"),
        ("dW2", "dZ2 @ (1/m * A1.T)"),
        ("dW1", "dZ1 @ X.T / m"),
        ("db2", "1/m * sum(dZ2, axis=1)"),
        ("db1", "sum(1/m * dZ1, axis=1)"),
    ],
)
def test_correct_candidates_are_ok(default, target: str, text: str) -> None:
    verdict = default.check_candidate(target, text)
    assert (verdict.ok, verdict.kind) == (True, "correct"), verdict.reason
    assert target in verdict.reason


def test_missing_transpose_on_the_default_network_is_a_shape_error(default) -> None:
    # The default is 2-3-2 with m = 2: W2 is 2×3 and dZ2 is 2×2, so W2 @ dZ2 has no product.
    verdict = default.check_candidate("dZ1", "W2 @ dZ2 * gprime(Z1)")
    assert (verdict.ok, verdict.kind) == (False, "shape")
    for fragment in ("W2", "dZ2", "(2×3)", "(2×2)"):
        assert fragment in verdict.reason, verdict.reason


def test_missing_transpose_on_a_square_network_is_a_value_error() -> None:
    verdict = derive(NetworkSpec(layer_dims=(2, 2, 2), m=2)).check_candidate(
        "dZ1", "W2 @ dZ2 * gprime(Z1)"
    )
    assert (verdict.ok, verdict.kind) == (False, "value")
    assert "entry (" in verdict.reason
    guess, _, truth = verdict.reason.partition("where the truth is")
    assert truth, verdict.reason
    # Entry (i, j) uses row i of W2 instead of column i: w2_12 against w2_21 somewhere.
    assert "w2_" in guess
    assert "w2_" in truth
    assert guess.strip() != truth.strip()
    assert ("w2_12" in guess and "w2_21" in truth) or ("w2_21" in guess and "w2_12" in truth)


def test_missing_transpose_where_shapes_disagree_is_a_shape_error() -> None:
    verdict = derive(NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu")).check_candidate(
        "dZ1", "W2 @ dZ2 * gprime(Z1)"
    )
    assert (verdict.ok, verdict.kind) == (False, "shape")
    for fragment in ("W2", "dZ2", "(2×4)", "(2×3)"):
        assert fragment in verdict.reason, verdict.reason


@pytest.mark.parametrize(
    ("target", "text", "fragments"),
    [
        ("db1", "1/m * dZ1", ("db1", "b1", "(2×2)", "(2×1)")),
        ("dW2", "1/m * A1 @ dZ2.T", ("dW2", "W2", "(1×2)", "(2×1)")),
    ],
)
def test_result_of_the_wrong_shape_is_a_shape_error(target, text, fragments) -> None:
    verdict = derive(NetworkSpec(layer_dims=(2, 2, 1))).check_candidate(target, text)
    assert (verdict.ok, verdict.kind) == (False, "shape")
    for fragment in fragments:
        assert fragment in verdict.reason, verdict.reason


def test_gprime_of_the_output_layer_is_a_formula_error(default) -> None:
    with pytest.raises(FormulaError, match="gprime\\(Z2\\)"):
        default.check_candidate("dZ1", "gprime(Z2)")


@pytest.mark.parametrize(
    ("target", "text"),
    [
        ("dZ1", "W3.T @ dZ2"),
        ("dZ1", "W2.T @ dZ2 * gprime(Z1"),
        ("dZ1", "__import__('os')"),
        ("dZ3", "W2"),
        ("Z1", "W2"),
    ],
)
def test_unknown_names_and_bad_syntax_are_formula_errors(default, target, text) -> None:
    with pytest.raises(FormulaError):
        default.check_candidate(target, text)
