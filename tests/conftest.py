"""Shared pytest configuration.

Tests that render video or frames with manim carry the ``render`` marker, and tests that play
whole scenes without drawing (layout checks) the ``slow`` marker (both declared in
pyproject.toml); ``pytest -m "not render and not slow"`` (``make test-fast``) runs the rest.
"""

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--record-frames``: re-record the key-frame control data (see tests/test_frames.py)."""
    parser.addoption("--record-frames", action="store_true", default=False,
                     help="render every key-frame case and overwrite tests/frames/*.npz instead "
                          "of comparing (same as CHAINRULE_RECORD_FRAMES=1)")
