"""Processes in tests: Python run in a fresh interpreter, for what only a new process shows
(which modules an import pulls in, signals, process-wide state, the command as a user runs it),
and the commands a module runs, recorded."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.paths import PROJECT_ROOT


def run_python(
    *args: str,
    cwd: str | Path = PROJECT_ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with this interpreter, from ``cwd`` (by default the project, so that its
    packages are the ones imported), with ``env`` (by default this one), output captured as
    text."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def python_output(
    *args: str,
    cwd: str | Path = PROJECT_ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> str:
    """The standard output of :func:`run_python`, which must succeed (else the test fails with
    the end of its standard error)."""
    result = run_python(*args, cwd=cwd, env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def record_commands(monkeypatch: pytest.MonkeyPatch, module: object) -> list[list[str]]:
    """Every command ``module`` runs through ``subprocess.run`` from now on, in order, in the
    list returned; the commands still run."""
    commands: list[list[str]] = []
    real_run = subprocess.run

    def run(command: Sequence[str], *args: Any, **kwargs: Any) -> Any:
        commands.append(list(command))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(module.subprocess, "run", run)  # type: ignore[attr-defined]
    return commands
