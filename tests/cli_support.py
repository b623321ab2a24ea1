"""Helpers for the ``chainrule`` CLI tests: an isolated folder, invoking, error assertions."""

from __future__ import annotations

from pathlib import Path

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


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and modification time (to prove nothing
    changed)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }
