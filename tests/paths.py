"""Where the project is, for tests that read its files (wherever the test file sits)."""

from __future__ import annotations

from pathlib import Path

#: The repository's root: the folder holding pyproject.toml.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
