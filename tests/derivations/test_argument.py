"""Part 1 as one argument: derive, then check what was derived, each step leading from the one
before, and the transpose explained once.

The order (for every network): the fold, then its shapes (wrong forms, the right one, the square
pitfall), then the same formula by the learner's route (Jacobians), then one entry in real
numbers and a nudge, then the turn to part 2. Exactly one narration concludes where the
transpose comes from (the index sum, ``dZ1.transpose``); the edges' picture comes right before
it and the Jacobian route, the recap and the map do not conclude it again. Words the lecture
explains are explained where they are first said.
"""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import NetworkSpec, derive
from derivations.steps import Step

#: Part 1 after the fold, in the order the argument needs.
CHECKS = (
    "dZ1.fold",
    "dZ1.candidates",
    "dZ1.shapes",
    "dZ1.no_transpose",
    "dZ1.jacobian",
    "dZ1.elementwise",
    "dZ1.stack",
    "dZ1.forward_numbers",
    "dZ1.numbers",
    "dZ1.nudge",
    "general.part_two",
)
#: How a narration concludes the transpose.
CONCLUDES = re.compile(r"where the transpose comes from|that is why .*transpose", re.IGNORECASE)

specs = st.builds(
    NetworkSpec,
    layer_dims=st.lists(st.integers(1, 4), min_size=3, max_size=4).map(tuple),
    m=st.integers(1, 4),
    activation=st.sampled_from(("tanh", "relu", "sigmoid")),
)


@functools.lru_cache(maxsize=16)
def _steps(spec: NetworkSpec) -> tuple[Step, ...]:
    return tuple(derive(spec).steps)


@settings(max_examples=12, deadline=None)
@given(specs)
def test_part_one_derives_then_checks_in_order(spec: NetworkSpec) -> None:
    ids = [str(step.id) for step in _steps(spec)]
    assert [i for i in ids if i in CHECKS] == list(CHECKS)
    at = [ids.index(i) for i in CHECKS]
    assert at == list(range(at[0], at[0] + len(CHECKS)))  # nothing between them
    assert ids.index("dZ1.backward") + 1 == ids.index("dZ1.transpose") < ids.index("dZ1.fold")


@settings(max_examples=12, deadline=None)
@given(specs)
def test_the_transpose_is_concluded_once(spec: NetworkSpec) -> None:
    concluding = [str(s.id) for s in _steps(spec) if CONCLUDES.search(s.narration)]
    assert concluding == ["dZ1.transpose"]


@pytest.mark.parametrize(
    "spec",
    [NetworkSpec(), NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu")],
    ids=lambda s: s.describe(),
)
def test_each_check_starts_from_the_step_before(spec: NetworkSpec) -> None:
    steps = {str(s.id): s for s in _steps(spec)}
    # the shape check starts from the fold; the learner's route from what shapes cannot do
    assert steps["dZ1.candidates"].narration.startswith("A first check of the fold")
    assert steps["dZ1.jacobian"].narration.startswith("Shapes cannot prove")
    # the Jacobians give the fold's formula again: a cross-check, not a second origin
    assert "the same formula as the fold" in steps["dZ1.stack"].narration
    # the edges' picture shows where the sum just factored out is collected
    assert steps["dZ1.backward"].narration.startswith("Run backwards:")
    assert "collects that sum" in steps["dZ1.backward"].narration.split(". ")[0]
    assert steps["dZ1.transpose"].narration.startswith("In that sum, k runs down column i")


#: A word the narration explains, and the step that explains it (where it is first said).
DEFINED = {
    "Jacobian": "dZ1.jacobian",
    "diag": "dZ1.jacobian",
    "upstream gradient": "dZ1.partial_values",
}


@settings(max_examples=12, deadline=None)
@given(specs)
def test_words_are_explained_where_they_are_first_said(spec: NetworkSpec) -> None:
    steps = _steps(spec)
    for word, where in DEFINED.items():
        first = next(str(s.id) for s in steps if word in s.narration or where == str(s.id))
        assert first == where, (word, first)
    # the Jacobian route refers back to the index sum, which the transpose step showed before
    ids = [str(s.id) for s in steps]
    said = [str(s.id) for s in steps if "index sum" in s.narration]
    assert said == ["dZ1.elementwise"]
    assert ids.index("dZ1.transpose") < ids.index("dZ1.elementwise")
