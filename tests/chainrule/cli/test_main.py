"""The ``chainrule`` group: help, version, error formatting, the hash seed, the public API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import chainrule
import chainrule.cli.app
import chainrule.verification
from tests.cli_support import assert_one_line_error, invoke
from tests.process_support import python_output, run_python

pytestmark = pytest.mark.usefixtures("isolated")

COMMANDS = ("check", "init", "list", "render")


def test_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert chainrule.__version__ in result.stdout


def test_unknown_command_is_one_line() -> None:
    assert_one_line_error(invoke("rendr"), 2, "rendr")


def test_an_unexpected_exception_is_one_line_unless_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(spec: object) -> object:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(chainrule.verification, "derive", broken)
    assert_one_line_error(invoke("check"), 1, "ZeroDivisionError: oops", "--debug")
    result = invoke("check", "--debug")
    assert isinstance(result.exception, ZeroDivisionError)


def test_debug_does_not_leak_into_the_next_run() -> None:
    invoke("check", "--config", "nope.toml", "--debug")
    assert_one_line_error(invoke("check", "--config", "nope.toml"), 2, "nope.toml")


def test_main_fixes_the_hash_seed_by_re_executing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake_execv(path: str, argv: list[str]) -> None:
        calls.append(argv)
        raise SystemExit(0)

    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    monkeypatch.setattr(chainrule.cli.app.os, "execv", fake_execv)
    monkeypatch.setattr(sys, "argv", ["chainrule", "render", "-q", "l"])
    with pytest.raises(SystemExit):
        chainrule.cli.app.main()
    assert os.environ["PYTHONHASHSEED"] == chainrule.cli.app.HASH_SEED
    assert calls == [[sys.executable, "-P", "-m", "chainrule", "render", "-q", "l"]]


def test_console_script_runs_without_a_hash_seed() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    script = Path(sys.executable).with_name("chainrule")
    result = subprocess.run([str(script), "--version"], env=env, capture_output=True, text=True)
    assert result.returncode == 0
    assert chainrule.__version__ in result.stdout


def test_sigterm_is_exit_143(tmp_path: Path) -> None:
    """A terminated command exits 143 with one line (the handler raises in the main thread)."""
    code = (
        "import os, signal, sys\n"
        "import chainrule.verification as v\n"
        "def slow(spec):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    raise AssertionError('not interrupted')\n"
        "v.derive = slow\n"
        "from chainrule.cli.app import cli\n"
        "cli(['check'], prog_name='chainrule')\n"
    )
    result = run_python("-c", code, cwd=tmp_path)
    assert result.returncode == 143, result.stderr
    assert result.stderr.strip() == "chainrule: error: terminated"


def test_importing_the_cli_does_not_import_manim() -> None:
    code = "import sys, chainrule.cli.app; assert 'manim' not in sys.modules"
    python_output("-c", code)


def test_public_names_are_exported() -> None:
    public = {
        name
        for name, value in vars(chainrule).items()
        if not name.startswith("_") and not isinstance(value, type(sys)) and name != "annotations"
    }  # from __future__
    assert public | {"__version__"} == set(chainrule.__all__)
