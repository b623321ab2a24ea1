"""Shared pytest configuration.

Tests that render video or frames with manim are slow and carry the ``render`` marker
(declared in pyproject.toml); deselect them with ``pytest -m "not render"``.
"""

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--record-frames``: re-record the key-frame control data (see tests/test_frames.py)."""
    parser.addoption("--record-frames", action="store_true", default=False,
                     help="render every key-frame case and overwrite tests/frames/*.npz instead "
                          "of comparing (same as CHAINRULE_RECORD_FRAMES=1)")
