"""``chainrule check``: every step with its verdict, candidates, and the error paths."""

from __future__ import annotations

from pathlib import Path

import pytest

import chainrule.verification
from derivations import NetworkSpec, derive
from tests.cli_support import assert_one_line_error, invoke

pytestmark = pytest.mark.usefixtures("isolated")

#: On the default 2-3-2 network (m = 2) the missing transpose fails on shapes (W2 is 2×3, dZ2
#: is 2×2), and forgetting g' keeps the shape (3×2) but not the values.
WRONG_DZ1 = "W2.T @ dZ2"
NO_TRANSPOSE = "W2 @ dZ2 * gprime(Z1)"


def step_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line[:1] in ("✓", "✗")]


def test_check_prints_every_step_with_a_verdict() -> None:
    result = invoke("check")
    assert result.exit_code == 0, result.stderr
    derivation = derive(NetworkSpec())
    lines = step_lines(result.stdout)
    assert len(lines) == len(derivation)
    for line, step in zip(lines, derivation.steps, strict=True):
        assert line.startswith("✓ ")
        assert step.id in line
        assert step.title in line
    assert f"All {len(derivation)} steps verified for 2-3-2 network, m = 2, tanh" in result.stdout
    assert result.stderr == ""


def test_network_options_choose_the_network() -> None:
    result = invoke("check", "--activation", "relu", "--dims", "3,4,2", "--m", "3")
    assert result.exit_code == 0, result.stderr
    assert "3-4-2 network, m = 3, relu" in result.stdout


def test_more_layers_add_the_general_step() -> None:
    result = invoke("check", "--dims", "2,2,2,1", "--m", "1")
    assert result.exit_code == 0, result.stderr
    assert "general" in result.stdout


def test_a_correct_candidate_passes() -> None:
    result = invoke("check", "--candidate", "W2.T @ dZ2 * gprime(Z1)")
    assert result.exit_code == 0, result.stderr
    assert "✓ candidate dZ1 = W2.T @ dZ2 * gprime(Z1)" in result.stdout


def test_a_candidate_for_another_target() -> None:
    truth = derive(NetworkSpec()).formula_text("dW1")
    result = invoke("check", "--target", "dW1", "--candidate", truth)
    assert result.exit_code == 0, result.stderr
    assert f"✓ candidate dW1 = {truth}" in result.stdout


def test_a_wrong_candidate_exits_1_with_the_differing_entry() -> None:
    result = invoke("check", "--candidate", WRONG_DZ1)
    assert_one_line_error(result, 1, "candidate dZ1", WRONG_DZ1, "entry (1, 1)")


def test_the_missing_transpose_on_the_default_network_names_the_shapes() -> None:
    result = invoke("check", "--candidate", NO_TRANSPOSE)
    assert_one_line_error(result, 1, "candidate dZ1", "(2×3)", "(2×2)")


def test_a_candidate_of_the_wrong_shape_names_the_shapes() -> None:
    result = invoke("check", "--dims", "2,3,1", "--candidate", "W2 @ dZ2 * gprime(Z1)")
    assert_one_line_error(result, 1, "candidate dZ1", "×")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--candidate", "W2 @@ dZ2"], ["option --candidate", "W2 @@ dZ2"]),
        (["--candidate", "__import__('os')"], ["option --candidate"]),
        (["--candidate", "W7 @ dZ2"], ["option --candidate", "W7"]),
        (["--candidate", "W2.T @ dZ2" + " + W2.T @ dZ2" * 60], ["option --candidate", "at most"]),
        (["--target", "dQ1", "--candidate", "W2"], ["option --target", "dQ1", "dZ1"]),
    ],
)
def test_bad_candidates_are_usage_errors(args: list[str], fragments: list[str]) -> None:
    result = invoke("check", *args)
    assert_one_line_error(result, 2, *fragments)
    assert step_lines(result.stdout) == []  # found before the step checks


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--dims", "2,9,1"], ["option --dims", "layer_dims[1] = 9", "1 to 4"]),
        (["--dims", "2,0,1"], ["option --dims", "layer_dims[1] = 0"]),
        (["--dims", "2,-1,1"], ["option --dims", "-1"]),
        (["--dims", "2"], ["option --dims", "2 to 4 layer sizes"]),
        (["--dims", "2,2,2,2,2,2"], ["option --dims", "2 to 4 layer sizes"]),
        (["--dims", "2,x,1"], ["--dims", "'2,x,1'", "integers"]),
        (["--dims", "2.5,2,1"], ["--dims", "integers"]),
        (["--m", "0"], ["option --m", "m = 0", "1 to 5"]),
        (["--m", "6"], ["option --m", "m = 6"]),
        (["--m", "two"], ["--m", "two"]),
        (["--activation", "swish"], ["--activation", "swish", "tanh"]),
        (["--config", "missing.toml"], ["missing.toml", "does not exist", "chainrule init"]),
        (["--bogus"], ["--bogus"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], fragments: list[str]) -> None:
    assert_one_line_error(invoke("check", *args), 2, *fragments)


def test_a_failing_step_exits_1_naming_the_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        chainrule.verification, "derive", lambda spec: derive(spec, formulas={"dZ1": WRONG_DZ1})
    )
    result = invoke("check")
    line = assert_one_line_error(
        result, 1, "step dZ1.fold", "Fold back into matrices", "failed verification"
    )
    assert "Traceback" not in line
    failed = [line.split()[1] for line in step_lines(result.stdout) if line.startswith("✗")]
    # the fold, and the later steps that compute with the folded dZ1 (real numbers, the
    # stacked columns, the recap card's six formulas); the error line names the first
    assert failed == ["dZ1.fold", "dZ1.stack", "dZ1.numbers", "general.recap"]


def test_the_config_file_sets_the_network_and_options_override_it(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text('[network]\nm = 3\nactivation = "sigmoid"\n')
    result = invoke("check", "--config", "course.toml")
    assert "2-3-2 network, m = 3, sigmoid" in result.stdout
    result = invoke("check", "--config", "course.toml", "--m", "1")
    assert "2-3-2 network, m = 1, sigmoid" in result.stdout


def test_chainrule_toml_in_the_current_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "chainrule.toml").write_text("[network]\nlayer_dims = [1, 2, 1]\n")
    assert "1-2-1 network" in invoke("check").stdout


def test_debug_shows_the_traceback() -> None:
    result = invoke("check", "--config", "missing.toml", "--debug")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("chainrule: error: ")
