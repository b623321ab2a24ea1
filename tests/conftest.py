"""Shared pytest configuration.

Tests that render video or frames with manim carry the ``render`` marker, and tests that play
whole scenes without drawing (layout checks) the ``slow`` marker (both declared in
pyproject.toml); ``pytest -m "not render and not slow"`` (``make test-fast``) runs the rest.
"""

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--record-frames``: re-record the key-frame control data (see tests/test_frames.py)."""
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
