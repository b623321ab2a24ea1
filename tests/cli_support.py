"""Helpers for the ``chainrule`` CLI tests: an isolated folder, invoking, error assertions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
from click.testing import CliRunner, Result

from chainrule.cli.app import cli


def invoke(*args: str, **kwargs: object) -> Result:
    """Run ``chainrule ARGS`` in-process (stdout and stderr captured separately)."""
    return CliRunner().invoke(cli, list(args), **kwargs)  # type: ignore[arg-type]


def assert_one_line_error(result: Result, exit_code: int, *fragments: str) -> str:
    """The run failed with ``exit_code`` and one ``chainrule: error:`` line naming
    ``fragments``, without a traceback. Returns the line."""
    assert result.exit_code == exit_code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("chainrule: error: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def forbid(
    monkeypatch: pytest.MonkeyPatch, *places: tuple[object, str], why: str | None = None
) -> list[tuple[Any, ...]]:
    """Replace every ``(module, name)`` of ``places`` by a function that records its call (the
    positional arguments) in the list returned and fails the test with ``why`` (by default
    "<name> was called"): for tests that must stop before that work starts."""
    calls: list[tuple[Any, ...]] = []

    def forbidden(name: str) -> Callable[..., NoReturn]:
        def call(*args: Any, **kwargs: Any) -> NoReturn:
            calls.append(args)
            raise AssertionError(why or f"{name} was called")

        return call

    for module, name in places:
        monkeypatch.setattr(module, name, forbidden(name))
    return calls


def forbid_work(
    monkeypatch: pytest.MonkeyPatch, derivation_step: str = "verify_with_display", *, before: str
) -> list[tuple[Any, ...]]:
    """Fail the test if the derivation's ``derivation_step`` (of :mod:`chainrule.verification`)
    or the drawing of a unit starts: the command must stop ``before`` that (see :func:`forbid`)."""
    import chainrule.rendering.drawing
    import chainrule.verification

    return forbid(
        monkeypatch,
        (chainrule.verification, derivation_step),
        (chainrule.rendering.drawing, "draw_unit"),
        why=f"work started before {before}",
    )


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and modification time (to prove nothing
    changed)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }
