"""``chainrule.publishing.web_assets``: the npm packages copied next to offline HTML, atomically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chainrule.errors import MissingDependency
from chainrule.publishing.web_assets import copy_package_dist, package_dir


def test_a_copy_is_the_packages_dist_and_the_same_version_is_not_copied_again(
    tmp_path: Path,
) -> None:
    target = copy_package_dist("katex", tmp_path / "katex")
    source = package_dir("katex") / "dist"
    assert (target / "katex.min.js").read_bytes() == (source / "katex.min.js").read_bytes()
    marker = target / "left-by-the-first-copy"
    marker.write_text("x")
    copy_package_dist("katex", tmp_path / "katex")
    assert marker.exists()  # same version: the folder was kept as it was


def test_an_outdated_copy_is_replaced_whole(tmp_path: Path) -> None:
    old = tmp_path / "katex"
    old.mkdir()
    (old / "katex.min.js").write_text("an older KaTeX")
    (old / "stale.css").write_text("x")
    copy_package_dist("katex", old)
    source = package_dir("katex") / "dist"
    assert (old / "katex.min.js").read_bytes() == (source / "katex.min.js").read_bytes()
    assert not (old / "stale.css").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["katex"]  # no staging folder left


def test_renders_copying_into_one_folder_at_once_all_succeed(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from chainrule.publishing.web_assets import "
        "copy_package_dist; copy_package_dist('katex', Path(sys.argv[1]))"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "katex")]) for _ in range(6)
    ]
    assert [run.wait(timeout=120) for run in runs] == [0] * 6
    source = package_dir("katex") / "dist"
    assert (tmp_path / "katex" / "katex.min.js").read_bytes() == (
        source / "katex.min.js"
    ).read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["katex"]


def test_a_missing_package_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAINRULE_WEB_ASSETS", str(tmp_path / "empty"))
    with pytest.raises(MissingDependency, match="npm ci --prefix web"):
        copy_package_dist("katex", tmp_path / "katex")
    assert not (tmp_path / "katex").exists()
