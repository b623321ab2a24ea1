"""Missing system pieces are found before any work, each with the exact install command:
``latex`` and ``dvisvgm`` (by emptying ``PATH``), LaTeX files (a ``kpsewhich`` that finds
none), Cairo and Pango (a ``cairo`` / ``manimpango`` module that fails to load, as it does when
its shared library is missing)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from chainrule.errors import MissingDependency
from chainrule.system import TEX_FILES, missing_tex_files, require_graphics
from tests.cli_support import assert_one_line_error, forbid_work, invoke, snapshot
from tests.process_support import run_python

SCENE = "WhyTranspose"
TEX_APT = (
    "sudo apt-get install texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-fonts-recommended"
)
GRAPHICS_APT = "sudo apt-get install libcairo2-dev libpango1.0-dev pkg-config"


@pytest.fixture(autouse=True)
def isolated(isolated_shared_cache: Path) -> Path:
    """The shared working folder, with an earlier render's output that must stay."""
    tmp_path = isolated_shared_cache
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "old.mp4").write_bytes(b"keep me")
    return tmp_path


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the derivation is built or anything is rendered."""
    forbid_work(monkeypatch, "derive", before="the system check")


def bin_folder(tmp_path: Path, *programs: str) -> Path:
    """A folder holding links to the real ``programs`` only, to be the whole ``PATH``."""
    folder = tmp_path.parent / f"{tmp_path.name}-bin"
    folder.mkdir(exist_ok=True)
    for program in programs:
        real = shutil.which(program)
        if real is None:
            pytest.skip(f"{program} is not installed here")
        (folder / program).symlink_to(real)
    return folder


def test_no_latex_and_no_dvisvgm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_work: None
) -> None:
    monkeypatch.setenv("PATH", str(bin_folder(tmp_path)))
    before = snapshot(tmp_path)
    assert_one_line_error(
        invoke("render", SCENE), 1, "latex and dvisvgm not found", f"`{TEX_APT} dvisvgm`"
    )
    assert snapshot(tmp_path) == before


def test_no_dvisvgm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_work: None) -> None:
    monkeypatch.setenv("PATH", str(bin_folder(tmp_path, "latex", "kpsewhich")))
    line = assert_one_line_error(
        invoke("render", SCENE), 1, "dvisvgm not found", "`sudo apt-get install dvisvgm`"
    )
    assert "texlive" not in line


def test_no_latex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_work: None) -> None:
    monkeypatch.setenv("PATH", str(bin_folder(tmp_path, "dvisvgm")))
    assert_one_line_error(invoke("render", SCENE), 1, "latex not found", f"`{TEX_APT}`")


def test_latex_without_standalone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_work: None
) -> None:
    """texlive-latex-base alone: latex runs, Manim's template class is missing."""
    folder = bin_folder(tmp_path, "latex", "dvisvgm")
    real = shutil.which("kpsewhich")
    found = " ".join(name for name in TEX_FILES if TEX_FILES[name] != "texlive-latex-extra")
    script = folder / "kpsewhich"  # finds everything but the texlive-latex-extra files
    script.write_text(f"#!/bin/sh\nexec {real} {found}\n" if real else "#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    assert missing_tex_files() == ["standalone.cls", "preview.sty"]
    assert_one_line_error(
        invoke("render", SCENE),
        1,
        "standalone.cls, preview.sty are not",
        "`sudo apt-get install texlive-latex-extra`",
    )


def test_every_tex_file_is_found_here() -> None:
    if shutil.which("kpsewhich") is None:
        pytest.skip("no kpsewhich")
    assert missing_tex_files() == []


@pytest.mark.parametrize(
    ("module", "library", "message"),
    [
        ("cairo", "Cairo", "libcairo.so.2: cannot open shared object file"),
        ("manimpango", "Pango", "libpango-1.0.so.0: cannot open shared object file"),
    ],
)
@pytest.mark.parametrize("command", ["render", "list"])
def test_no_cairo_or_pango(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    module: str,
    library: str,
    message: str,
    command: str,
) -> None:
    """A fresh process in which ``import cairo`` (or ``manimpango``) fails the way it does
    when the shared library is absent."""
    fake = tmp_path_factory.mktemp("fake") / module
    fake.mkdir()
    (fake / "__init__.py").write_text(f"raise ImportError({message!r})\n")
    env = dict(os.environ, PYTHONPATH=str(fake.parent), PYTHONHASHSEED="0")
    before = snapshot(tmp_path)
    result = run_python("-m", "chainrule", command, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"chainrule: error: {library} ({module}: {message}")
    assert f"`{GRAPHICS_APT}`" in line
    assert f"`{sys.executable} -m pip install --force-reinstall pycairo manimpango`" in line
    assert snapshot(tmp_path) == before


def test_graphics_present_here() -> None:
    require_graphics()  # this machine (and CI) has both


def test_missing_dependency_is_exit_1() -> None:
    assert MissingDependency("x").exit_code == 1
