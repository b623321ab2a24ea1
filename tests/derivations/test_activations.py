"""The activation registry (``derivations.activations``): each record is right, and is read.

Each registered record is checked against sources it did not write: numpy's finite differences
(``np.gradient``) of its own numeric function, and sympy's differentiation of its textbook
definition. The checks are functions returning the problems they find, so the control tests can
show that a wrong record (a wrong slope, a wrong textbook derivative, a wrong kink convention) is
caught. Then: an unknown name is one clear error in the spec, the lookup and the settings; and
the settings, the ``--activation`` choices and the ``chainrule init`` template list exactly the
registry, so adding a record is the only edit (a subprocess adds one and derives with it).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainrule import ConfigError, Settings
from derivations import ACTIVATIONS, NetworkSpec
from derivations.activations import REGISTRY, Activation, Z, activation, logistic
from tests.cli_support import cli
from tests.paths import PROJECT_ROOT
from tests.process_support import python_output

ROOT = PROJECT_ROOT
#: Step of the finite differences; points closer than ``2 * H`` to a kink are not differenced.
H = 1e-5
SAMPLES = np.array([-30.0, -4.0, -1.0, -0.3, -1e-3, 0.0, 1e-3, 0.3, 1.0, 4.0, 30.0])
ALLOWED = "choose one of " + ", ".join(ACTIVATIONS)


def lambdified(expr: sympy.Expr):
    """``expr`` (in ``z``) as a numpy function, by sympy's own code generation."""
    function = sympy.lambdify(Z, expr, modules="numpy")
    return lambda points: np.broadcast_to(function(points), np.shape(points)).astype(float)


def finite_difference(function, points: np.ndarray, step: float = H) -> np.ndarray:
    """numpy's central difference of ``function`` at each point (``np.gradient``)."""
    grid = points[:, np.newaxis] + np.array([-step, 0.0, step])
    return np.gradient(function(grid), step, axis=1)[:, 1]


def slope_problems(record: Activation, points: np.ndarray) -> list[str]:
    """How the record's slopes disagree with finite differences of its numeric function."""
    points = np.asarray(points, dtype=float)
    if record.slope_at_zero is not None:  # a kink at 0: no finite difference across it
        points = points[np.abs(points) > 2 * H]
    if points.size == 0:
        return []
    reference = finite_difference(record.numeric, points)
    slopes = {
        "numeric_slope": record.numeric_slope(points),
        "derivative (textbook)": lambdified(record.derivative)(points),
        "sympy's derivative of the definition": lambdified(sympy.diff(record.definition, Z))(
            points
        ),
        "sympy's derivative of g": lambdified(sympy.diff(record.g(Z), Z))(points),
    }
    return [
        f"{record.name}: {what} differs from numpy's finite difference at z = {points[bad]}"
        for what, value in slopes.items()
        if (bad := ~np.isclose(value, reference, rtol=1e-6, atol=1e-7)).any()
    ] + [  # and, to rounding, from each other
        f"{record.name}: numeric_slope differs from {what} at z = {points[bad]}"
        for what, value in slopes.items()
        if (bad := ~np.isclose(slopes["numeric_slope"], value, rtol=1e-12, atol=1e-15)).any()
    ]


def value_problems(record: Activation, points: np.ndarray) -> list[str]:
    """How the record's numeric function disagrees with its textbook definition and with ``g``."""
    points = np.asarray(points, dtype=float)
    values = {
        "definition": lambdified(record.definition)(points),
        "g": lambdified(record.g(Z))(points),
    }
    if record.shown is not None:  # what the lecture writes, e.g. max(0, z)
        values["shown"] = lambdified(record.shown)(points)
    return [
        f"{record.name}: numeric differs from {what} at z = {points[bad]}"
        for what, value in values.items()
        if (bad := ~np.isclose(record.numeric(points), value, rtol=1e-12, atol=1e-15)).any()
    ]


def kink_problems(record: Activation) -> list[str]:
    """``slope_at_zero`` is set exactly where the one-sided slopes at 0 differ, is one of them,
    and is what the numeric and textbook derivatives give at 0."""
    left = (record.numeric(np.array(0.0)) - record.numeric(np.array(-H))) / H
    right = (record.numeric(np.array(H)) - record.numeric(np.array(0.0))) / H
    kink = not np.isclose(left, right, rtol=1e-4, atol=1e-4)
    at_zero = {
        "numeric_slope": float(record.numeric_slope(np.array(0.0))),
        "derivative": float(record.derivative.subs(Z, 0)),
    }
    if not kink:
        if record.slope_at_zero is not None:
            return [f"{record.name}: differentiable at 0, yet slope_at_zero is set"]
        return [
            f"{record.name}: {what}(0) = {value}, numpy's finite difference {left}"
            for what, value in at_zero.items()
            if not np.isclose(value, (left + right) / 2, rtol=1e-4, atol=1e-4)
        ]
    if record.slope_at_zero is None:
        return [f"{record.name}: a kink at 0 (slopes {left}, {right}) needs slope_at_zero"]
    problems = [
        f"{record.name}: {what}(0) = {value}, but slope_at_zero = {record.slope_at_zero}"
        for what, value in at_zero.items()
        if value != record.slope_at_zero
    ]
    if not np.isclose([left, right], record.slope_at_zero, rtol=1e-4, atol=1e-4).any():
        problems.append(f"{record.name}: slope_at_zero is neither one-sided slope {left}, {right}")
    return problems


# --------------------------------------------------------------------------- the registry


def test_the_registry_lists_each_record_under_its_name() -> None:
    assert tuple(REGISTRY) == ACTIVATIONS
    assert len(set(ACTIVATIONS)) == len(ACTIVATIONS) > 0
    for name, record in REGISTRY.items():
        assert record.name == name
        assert activation(name) is record
        assert record.title
        assert record.derivative_tex
        assert sympy.diff(record.g(Z), Z) == record.gprime(Z)


def test_records_and_registry_are_read_only() -> None:
    record = activation("tanh")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.name = "sigmoid"  # type: ignore[misc]
    with pytest.raises(TypeError):
        REGISTRY["swish"] = record  # type: ignore[index]


# --------------------------------------------------------------------------- every record


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_the_slopes_are_finite_differences_of_the_function(name: str) -> None:
    assert slope_problems(activation(name), SAMPLES) == []


@pytest.mark.parametrize("name", ACTIVATIONS)
@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 12), elements=st.floats(-40, 40)))
def test_the_slopes_match_at_any_point(name: str, points: np.ndarray) -> None:
    assert slope_problems(activation(name), points) == []


@pytest.mark.parametrize("name", ACTIVATIONS)
@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 12), elements=st.floats(-40, 40)))
def test_the_function_is_its_textbook_definition(name: str, points: np.ndarray) -> None:
    assert value_problems(activation(name), points) == []


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_the_slope_at_zero(name: str) -> None:
    """ReLU's ``g′(0)`` is a convention (0); the record states it, and the code follows it."""
    assert kink_problems(activation(name)) == []


# --------------------------------------------------------------------------- controls


def _wrong(name: str, **changes: object) -> Activation:
    return dataclasses.replace(activation(name), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("record", "check"),
    [
        (_wrong("tanh", numeric_slope=activation("sigmoid").numeric_slope), slope_problems),
        (_wrong("sigmoid", derivative=1 / (1 + sympy.exp(-Z))), slope_problems),
        (_wrong("leaky_relu", numeric_slope=activation("relu").numeric_slope), slope_problems),
        (_wrong("tanh", definition=sympy.tanh(2 * Z)), value_problems),
        (_wrong("relu", numeric=activation("leaky_relu").numeric), value_problems),
        (_wrong("relu", slope_at_zero=None), kink_problems),
        (_wrong("relu", slope_at_zero=1.0), kink_problems),
        (_wrong("leaky_relu", slope_at_zero=0.0), kink_problems),
        (_wrong("tanh", slope_at_zero=1.0), kink_problems),
        (_wrong("relu", shown=sympy.Max(0, 2 * Z)), value_problems),
        (_wrong("leaky_relu", shown=sympy.Max(0, Z)), value_problems),
    ],
    ids=[
        "tanh-slope",
        "sigmoid-derivative",
        "leaky-slope",
        "tanh-definition",
        "relu-numeric",
        "relu-no-convention",
        "relu-other-convention",
        "leaky-wrong-convention",
        "tanh-no-kink",
        "relu-shown-twice",
        "leaky-shown-as-relu",
    ],
)
def test_a_wrong_record_is_caught(record: Activation, check) -> None:
    found = check(record, SAMPLES) if check is not kink_problems else check(record)
    assert found, f"{check.__name__} found nothing wrong with {record}"


def test_a_right_new_record_passes_the_checks() -> None:
    softplus = Activation(
        name="softplus",
        title="softplus",
        numeric=lambda x: np.logaddexp(0.0, x),
        numeric_slope=logistic,
        definition=sympy.log(1 + sympy.exp(Z)),
        derivative=1 / (1 + sympy.exp(-Z)),
        derivative_tex=r"\sigma(z)",
    )
    assert slope_problems(softplus, SAMPLES) == []
    assert value_problems(softplus, SAMPLES[np.abs(SAMPLES) < 20]) == []  # exp(30) loses digits
    assert kink_problems(softplus) == []


# --------------------------------------------------------------------------- unknown names


@pytest.mark.parametrize("name", ["softmax", "Tanh", "leaky relu", "", None, 3])
def test_an_unknown_name_is_one_error_naming_the_allowed_names(name: object) -> None:
    with pytest.raises(ValueError, match=f"^activation = {name!r} is not supported: {ALLOWED}$"):
        activation(name)
    with pytest.raises(ValueError, match=f"^activation = {name!r} is not supported: {ALLOWED}$"):
        NetworkSpec(activation=name)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["softmax", "Tanh", "leaky relu", ""])
def test_the_settings_reject_an_unknown_name_naming_the_allowed_names(name: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_toml(f'[network]\nactivation = "{name}"\n', source="course.toml")
    message = str(caught.value)
    assert message == f"course.toml: [network] activation = {name!r} is not supported: {ALLOWED}"


# --------------------------------------------------------------------------- the readers


def test_the_settings_accept_exactly_the_registry() -> None:
    for name in ACTIVATIONS:
        settings = Settings.from_toml(f'[network]\nactivation = "{name}"\n', source="c.toml")
        assert settings.network.spec().activation == name


def test_every_activation_option_offers_exactly_the_registry() -> None:
    offered = {
        name: param.type.choices
        for name, command in cli.commands.items()
        for param in command.params
        if param.name == "activation"
    }
    assert {"check", "render"} <= set(offered), offered
    for name, choices in offered.items():
        assert tuple(choices) == ACTIVATIONS, name


def test_the_init_template_lists_the_registry(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "c.toml")])
    assert result.exit_code == 0, result.output
    text = " ".join((tmp_path / "c.toml").read_text(encoding="utf-8").split())
    assert "activation g: " + ", ".join(ACTIVATIONS) + " (" in text.replace("# ", "")


ADD_A_RECORD = r"""
import dataclasses, sys, types
import numpy as np, sympy
import derivations.activations as registry

softplus = registry.Activation(
    name="softplus", title="softplus",
    numeric=lambda x: np.logaddexp(0.0, x), numeric_slope=registry.logistic,
    definition=sympy.log(1 + sympy.exp(registry.Z)), derivative=1 / (1 + sympy.exp(-registry.Z)),
    derivative_tex=r"\sigma(z)",
)
registry.REGISTRY = types.MappingProxyType({**registry.REGISTRY, "softplus": softplus})
registry.ACTIVATIONS = tuple(registry.REGISTRY)

from click.testing import CliRunner
from chainrule import Settings
from chainrule.cli.app import cli
from derivations import NetworkSpec, derive

settings = Settings.from_toml('[network]\nlayer_dims = [1, 2, 1]\nm = 1\nactivation = "softplus"\n')
assert settings.network.spec().activation == "softplus"
assert "softplus" in cli.commands["check"].params[
    [p.name for p in cli.commands["check"].params].index("activation")
].type.choices
step = next(s for s in derive(settings.network.spec()).verify() if s.id.kind.value == "gprime")
assert step.title == "The derivative of softplus", step.title
assert step.part("gprime_def").tex == r"\sigma(z)"
print("ok")
"""


def test_adding_a_record_is_the_only_edit() -> None:
    """A record added to the registry (before anything reads it, as an edit of the module would)
    is accepted by the settings and the CLI and derived and verified by the engine."""
    assert python_output("-c", ADD_A_RECORD, timeout=300).strip() == "ok"


def test_the_readme_names_exactly_the_registered_activations() -> None:
    root = PROJECT_ROOT
    readme = (root / "README.md").read_text(encoding="utf-8")
    sentence = next(line for line in readme.splitlines() if "hidden layers use" in line)
    named = {word.strip("`,;") for word in sentence.split() if word.startswith("`")}
    named = {word for word in named if word and not word.startswith("A[")}
    assert named == set(ACTIVATIONS), sentence


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_a_kinked_activation_is_defined_in_words_where_it_appears(name: str) -> None:
    """The g′ step writes g(z) beside g′(z); for a kink it also says what g does, its slopes
    and the convention at 0, taken from the record (which the checks above verify)."""
    from derivations import NetworkSpec, derive

    record = activation(name)
    step = derive(NetworkSpec(activation=name)).step("dZ1.gprime")
    assert [part.tex for part in step.lines[0]][-1] == record.definition_tex
    if record.slope_at_zero is None:
        assert "convention" not in step.narration
    else:
        assert record.behaviour in step.narration
        assert f"takes {record.slope_at_zero:g} there, by convention" in step.narration
        assert r"\max" in record.definition_tex
