"""Shared pytest configuration.

Tests that render video or frames with manim carry the ``render`` marker, and tests that play
whole scenes without drawing (layout checks) the ``slow`` marker (both declared in
pyproject.toml); ``pytest -m "not render and not slow"`` (``make test-fast``) runs the rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--record-frames``: re-record the key-frame control data (tests/scenes/test_frames.py)."""
    parser.addoption(
        "--record-frames",
        action="store_true",
        default=False,
        help="render every key-frame case and overwrite tests/frames/*.npz instead "
        "of comparing (same as CHAINRULE_RECORD_FRAMES=1)",
    )


@pytest.fixture(autouse=True, scope="session")
def _shared_speech(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One speech folder for every test of the run (all xdist workers): a render test with a
    fresh cache folder still finds the lecture's speech synthesised once, not once per test.
    Tests of the speech cache itself pass their own folders."""
    import os

    root = tmp_path_factory.getbasetemp()
    shared = (root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root) / "speech"
    os.environ.setdefault("CHAINRULE_SPEECH_DIR", str(shared))


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A media folder shared by one module's tests, so each TeX string is typeset once."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working folder (the current directory) with a cache folder of its own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHAINRULE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def isolated_shared_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A fresh working folder; the cache folder is shared by this worker's tests, so typeset
    formulas and speech are made once (for tests that render but do not test the cache)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHAINRULE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    return tmp_path
