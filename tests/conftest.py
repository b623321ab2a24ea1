"""Shared pytest configuration.

Tests that render video or frames with manim are slow and carry the ``render`` marker
(declared in pyproject.toml); deselect them with ``pytest -m "not render"``.
"""
