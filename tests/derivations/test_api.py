"""The public surface of ``derivations``: imports, exports, validation, immutability, functions."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import derivations
from derivations import ACTIVATIONS, NetworkSpec, derive
from derivations.activations import Z
from derivations.functions import sigma
from derivations.steps import TexPart
from tests.process_support import python_output, run_python

# --------------------------------------------------------------------------- imports


def test_importing_derivations_does_not_import_manim() -> None:
    code = (
        "import derivations, sys; "
        "bad = sorted(m for m in sys.modules if m.startswith('manim')); "
        "assert not bad, bad"
    )
    python_output("-c", code, timeout=120)


def test_the_manim_check_can_fail() -> None:
    """The control: the same check fails once a manim module is loaded."""
    code = (
        "import sys, types; sys.modules['manim.scene'] = types.ModuleType('manim.scene'); "
        "import derivations; "
        "bad = sorted(m for m in sys.modules if m.startswith('manim')); "
        "assert not bad, bad"
    )
    assert run_python("-c", code, timeout=120).returncode != 0


# --------------------------------------------------------------------------- exports

MODULES = sorted(info.name for info in pkgutil.iter_modules(derivations.__path__))


def _public_classes(module_name: str) -> list[tuple[str, type]]:
    module = importlib.import_module(f"derivations.{module_name}")
    return [
        (name, obj)
        for name, obj in vars(module).items()
        if inspect.isclass(obj) and not name.startswith("_") and obj.__module__ == module.__name__
    ]


def test_every_exported_name_exists_once_and_is_public() -> None:
    names = derivations.__all__
    assert len(names) == len(set(names)), names
    for name in names:
        assert not name.startswith("_"), name
        assert getattr(derivations, name, None) is not None, f"{name} is in __all__ but missing"
    star: dict[str, object] = {}
    exec("from derivations import *", star)
    assert set(star) - {"__builtins__"} == set(names)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_class_is_reachable(module_name: str) -> None:
    """Every public class is reachable from the package as ``derivations.<module>.<Class>``
    after a bare ``import derivations``; the step data, the derivation's results, the spec and
    every exception are exported at the top level."""
    exported = {getattr(derivations, name) for name in derivations.__all__}
    module = getattr(derivations, module_name, None)
    assert module is not None, f"`import derivations` does not load derivations.{module_name}"
    for name, cls in _public_classes(module_name):
        assert getattr(module, name) is cls
        top_level = module_name in ("steps", "derivation", "spec") or issubclass(cls, Exception)
        if top_level:
            assert cls in exported, f"derivations.{module_name}.{name} is not in __all__"


def _reachable_types(value: object, seen: set[int], found: set[type]) -> None:
    if isinstance(value, derivations.Stage):
        found.add(type(value))
        return
    if id(value) in seen or isinstance(value, (str, int, float, type(None), sympy.Basic)):
        return
    seen.add(id(value))
    if dataclasses.is_dataclass(value):
        found.add(type(value))
        for item in dataclasses.fields(value):
            if item.name != "claims":  # sympy statements, see derivations.claims
                _reachable_types(getattr(value, item.name), seen, found)
    elif isinstance(value, (tuple, list)):
        for item in value:
            _reachable_types(item, seen, found)


def test_every_type_a_scene_reads_is_exported() -> None:
    derivation = derive(NetworkSpec(layer_dims=(3, 2, 2, 1), m=2))
    found: set[type] = set()
    for step in derivation:
        _reachable_types(step, set(), found)
    for report in list(derivation.check())[:1]:
        _reachable_types(report, set(), found)
    _reachable_types(derivation.check_candidate("dZ1", "W2.T @ dZ2 * gprime(Z1)"), set(), found)
    exported = {getattr(derivations, name) for name in derivations.__all__}
    assert {derivations.Step, derivations.TexPart, derivations.Stage} <= found
    assert found - exported == set(), sorted(t.__name__ for t in found - exported)


# --------------------------------------------------------------------------- validation

INVALID = [
    # (arguments, the field, the value as written, the allowed range)
    ({"layer_dims": (2, 2)}, "layer_dims", "(2, 2)", "2 to 4"),
    ({"layer_dims": ()}, "layer_dims", "()", "2 to 4"),
    ({"layer_dims": (2, 2, 2, 2, 2, 2)}, "layer_dims", "(2, 2, 2, 2, 2, 2)", "2 to 4"),
    ({"layer_dims": (2, 0, 2)}, "layer_dims[1]", "0", "from 1 to 4"),
    ({"layer_dims": (2, 2, 5)}, "layer_dims[2]", "5", "from 1 to 4"),
    ({"layer_dims": (5, 2, 2)}, "layer_dims[0]", "5", "from 1 to 4"),
    ({"layer_dims": (2, -1, 2)}, "layer_dims[1]", "-1", "from 1 to 4"),
    ({"layer_dims": (2, 2.0, 2)}, "layer_dims[1]", "2.0", "from 1 to 4"),
    ({"layer_dims": (2, True, 2)}, "layer_dims[1]", "True", "from 1 to 4"),
    ({"layer_dims": (2, "2", 2)}, "layer_dims[1]", "'2'", "from 1 to 4"),
    ({"m": 0}, "m", "0", "from 1 to 5"),
    ({"m": 6}, "m", "6", "from 1 to 5"),
    ({"m": -3}, "m", "-3", "from 1 to 5"),
    ({"m": 2.5}, "m", "2.5", "from 1 to 5"),
    ({"m": 2.0}, "m", "2.0", "from 1 to 5"),
    ({"m": True}, "m", "True", "from 1 to 5"),
    ({"m": "2"}, "m", "'2'", "from 1 to 5"),
    ({"m": None}, "m", "None", "from 1 to 5"),
    ({"activation": "softmax"}, "activation", "'softmax'", ", ".join(ACTIVATIONS)),
    ({"activation": "Tanh"}, "activation", "'Tanh'", ", ".join(ACTIVATIONS)),
    ({"activation": ""}, "activation", "''", ", ".join(ACTIVATIONS)),
    ({"activation": None}, "activation", "None", ", ".join(ACTIVATIONS)),
]


@pytest.mark.parametrize(
    ("arguments", "field", "value", "allowed"),
    INVALID,
    ids=[f"{k}={v!r}" for a, *_ in INVALID for k, v in a.items()],
)
def test_invalid_specs_name_the_field_the_value_and_the_range(
    arguments, field, value, allowed
) -> None:
    with pytest.raises(ValueError, match=re.escape(f"{field} = {value}")) as caught:
        NetworkSpec(**arguments)
    message = str(caught.value)
    assert allowed in message, message


@pytest.mark.parametrize("layer_dims", ["222", 5, None])
def test_layer_dims_must_be_a_sequence(layer_dims) -> None:
    with pytest.raises(ValueError, match=rf"layer_dims = {layer_dims!r}"):
        NetworkSpec(layer_dims=layer_dims)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-2, 6), max_size=7),
    st.integers(-2, 8),
    st.sampled_from([*ACTIVATIONS, "elu", "TANH"]),
)
def test_spec_validation_is_exact(dims: list[int], m: int, name: str) -> None:
    valid = (
        2 <= len(dims) - 1 <= 4
        and all(1 <= n <= 4 for n in dims)
        and 1 <= m <= 5
        and name in ACTIVATIONS
    )
    if valid:
        spec = NetworkSpec(layer_dims=dims, m=m, activation=name)
        assert spec.layer_dims == tuple(dims)
        assert isinstance(spec.layer_dims, tuple)
        assert spec.num_layers == len(dims) - 1
        assert list(spec.layers) == list(range(1, len(dims)))
    else:
        # every refusal starts by naming the field and its value
        with pytest.raises(ValueError, match=r"^(layer_dims(\[\d\])?|m|activation) = "):
            NetworkSpec(layer_dims=dims, m=m, activation=name)


# --------------------------------------------------------------------------- immutability


@pytest.fixture(scope="module")
def default() -> derivations.Derivation:
    return derive(NetworkSpec())


def _frozen(obj: object, field: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, field, None)


def test_steps_are_immutable(default) -> None:
    for step in default:
        for field in ("id", "title", "narration", "equation", "claims", "stage", "grid"):
            _frozen(step, field)
        for value in (
            step.equation,
            step.lines,
            step.claims,
            step.matrices,
            step.paths,
            step.badges,
            step.highlights,
        ):
            assert isinstance(value, tuple), step.id
        for part in step.equation:
            _frozen(part, "tex")
        for claim in step.claims:
            _frozen(claim, "description")
        if step.grid is not None:
            _frozen(step.grid, "cells")
            assert isinstance(step.grid.cells, tuple)


def test_the_derivation_and_its_results_are_immutable(default) -> None:
    for field in ("spec", "steps", "formulas"):
        _frozen(default, field)
    assert isinstance(default.steps, tuple)
    _frozen(default.spec, "m")
    _frozen(next(default.check()), "failure")
    _frozen(default.check_candidate("dZ2", "A2 - Y"), "ok")


def test_the_formulas_of_a_derivation_cannot_be_replaced(default) -> None:
    """The derivation is cached and shared: nobody can change what it arrived at (it was a
    plain dict, and item assignment changed what evaluate() computed)."""
    formulas = default.formulas
    before = default.formula_text("dZ1")
    with pytest.raises(TypeError):
        formulas["dZ1"] = formulas["dZ2"]  # type: ignore[index]
    with pytest.raises((TypeError, AttributeError)):
        del formulas["dZ1"]  # type: ignore[attr-defined]
    assert not hasattr(formulas, "update")
    assert not hasattr(formulas, "pop")
    assert default.formula_text("dZ1") == before


def test_read_only_formulas_survive_pickling(default) -> None:
    """The formulas can travel to another process (a MappingProxyType could not), and stay
    read-only there."""
    import pickle

    copy = pickle.loads(pickle.dumps(default.formulas))
    assert dict(copy) == dict(default.formulas)
    with pytest.raises(TypeError):
        copy["dZ1"] = copy["dZ2"]  # type: ignore[index]


# --------------------------------------------------------------------------- functions

SAMPLES = np.array([-30.0, -4.0, -1.0, -0.3, -1e-3, 0.0, 1e-3, 0.3, 1.0, 4.0, 30.0])


def _textbook(expr: sympy.Expr):
    return sympy.lambdify(Z, expr, modules="numpy")


def test_the_output_sigmoid() -> None:
    logistic = 1 / (1 + sympy.exp(-Z))
    np.testing.assert_allclose(sigma._imp_(SAMPLES), _textbook(logistic)(SAMPLES), rtol=1e-12)
    assert sympy.simplify(sympy.diff(sigma(Z), Z) - sigma(Z) * (1 - sigma(Z))) == 0


@pytest.mark.parametrize("tex", [r"\frac{d", "}{", r"\frac{1}{m}}", r"a^{[1]"])
def test_a_tex_part_that_cannot_typeset_alone_is_refused(tex: str) -> None:
    """Scenes typeset parts one by one (to measure them): a part that opens a group another
    part closes would fail inside LaTeX, mid-render; it fails here instead."""
    with pytest.raises(ValueError, match="unbalanced braces"):
        TexPart("piece", tex)


@pytest.mark.parametrize("tex", [r"\frac{1}{m}", r"\{x\}", r"\{", "a - y", ""])
def test_balanced_tex_parts_are_accepted(tex: str) -> None:
    assert TexPart("piece", tex).tex == tex
