"""The display vocabulary: parts carry roles, step ids are structured and print as before."""

from __future__ import annotations

import pickle

import pytest

import derivations
from derivations import (
    NetworkSpec,
    Role,
    Step,
    StepId,
    StepKind,
    TexPart,
    derive,
    vocabulary,
)
from derivations import steps as steps_module
from derivations.formula import parse, to_parts

SPECS = (
    NetworkSpec(),
    NetworkSpec(layer_dims=(2, 3, 2, 1), m=2),
    NetworkSpec(layer_dims=(1, 1, 1), m=1, activation="relu"),
)


def _all_parts(step: Step):
    yield from step.equation
    for line in step.lines:
        yield from line
    if step.grid is not None:
        yield from step.grid.general
        for cell in step.grid.cells:
            yield from cell.parts


def test_old_imports_still_work() -> None:
    assert steps_module.TexPart is vocabulary.TexPart is derivations.TexPart
    assert steps_module.Parts is vocabulary.Parts


def test_a_part_is_a_term_unless_told_otherwise() -> None:
    assert TexPart("W2", "W^{[2]}", "W2").role is Role.TERM
    assert TexPart("f0", "g(").role is Role.TERM
    with pytest.raises(TypeError, match="must be a Role"):
        TexPart("eq", "=", None, "equals")  # type: ignore[arg-type]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.describe())
def test_every_operator_has_its_role(spec: NetworkSpec) -> None:
    """Each separator scenes look for is marked, in every step of the derivation."""
    roles = {
        "=": Role.EQUALS,
        "+": Role.PLUS,
        "-": Role.MINUS,
        r"\ast": Role.HADAMARD,
        r"\frac{1}{m}": Role.SCALE,
        r"\neq": Role.NOT_EQUALS,
    }
    seen: set[Role] = set()
    for step in derive(spec):
        for part in _all_parts(step):
            if part.tex.strip() in roles:
                assert part.role is roles[part.tex.strip()], (step.id, part)
                seen.add(part.role)
            if part.role is not Role.TERM:
                assert part.symbol in (None, "m"), (step.id, part)
    assert {Role.EQUALS, Role.PLUS, Role.MINUS, Role.HADAMARD, Role.SCALE} <= seen


def test_formulas_typeset_with_roles() -> None:
    parts = to_parts(parse("1/m * sum(dZ2 - Y, axis=1)"))
    assert [p.role for p in parts] == [
        Role.SCALE,
        Role.SUM,
        Role.OPEN,
        Role.TERM,
        Role.MINUS,
        Role.TERM,
        Role.CLOSE,
    ]
    assert [p.role for p in to_parts(parse("(W2 @ A1).T"))] == [
        Role.OPEN,
        Role.TERM,
        Role.TERM,
        Role.CLOSE,
    ]


def test_a_step_id_is_its_target_and_kind() -> None:
    step_id = StepId("dZ1", StepKind.FOLD)
    assert (step_id.target, step_id.kind) == ("dZ1", StepKind.FOLD)
    assert str(step_id) == "dZ1.fold"
    assert f"{step_id:<12}|" == "dZ1.fold    |"
    assert step_id == "dZ1.fold"
    assert step_id == "dZ1.fold"
    assert step_id != "dZ1.shapes"
    assert hash(step_id) == hash("dZ1.fold")
    assert "dZ1.fold" in {step_id}
    assert StepId.parse("dZ1.fold") == step_id
    assert StepId.parse(step_id) is step_id
    assert StepId("dZ1", "fold") == step_id  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(step_id)) == step_id
    assert step_id in "✓ dZ1.fold             Fold back into matrices"
    with pytest.raises(ValueError, match=r"not '<target>\.<kind>'"):
        StepId.parse("dZ1.unknown")
    with pytest.raises(ValueError, match="'unknown' is not a valid StepKind"):
        StepId("dZ1", "unknown")


def test_steps_are_found_by_id_or_text() -> None:
    derivation = derive()
    step = derivation.step(StepId("dZ1", StepKind.TRANSPOSE))
    assert step is derivation.step("dZ1.transpose")
    assert isinstance(step.id, StepId)
    assert step.target == "dZ1"
    assert derivation.steps_for(step.id) == derivation.steps_for("dZ1")
    with pytest.raises(KeyError, match=r"no step 'dZ1\.nothing'"):
        derivation.step("dZ1.nothing")


def test_step_ids_print_as_before() -> None:
    """The CLI and the manifest see the same text as when ids were strings."""
    ids = [str(step.id) for step in derive()]
    assert ids[:5] == ["general.map", "dZ1.forward", "dZ1.network", "dZ1.concrete", "dZ1.expand"]
    assert "general.recursion" in [str(s.id) for s in derive(SPECS[1])]
    assert all(f"{step.id:<20}" == f"{step.id!s:<20}" for step in derive())


def test_chain_factors_name_what_they_differentiate() -> None:
    partial = derive().step("dZ1.partial")
    for path in partial.paths:
        upstream, weight, local = path.factors
        assert upstream.of.symbol == "loss"
        assert upstream.wrt == path.via
        assert weight.of == path.via
        assert weight.wrt == local.of
        assert local.wrt.tex == "z^{[1]}_{11}"
