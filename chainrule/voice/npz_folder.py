"""A folder of ``<key>.npz`` files: the on-disk form of the speech and track caches.

Each entry is written to a temporary file in the folder and renamed into place, so a crash
never leaves half an entry; an entry that cannot be read back (absent, truncated, not an npz,
a missing array) reads as None, so its cache makes it again.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


class NpzFolder:
    """``<key>.npz`` entries in ``root`` (created when first written)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """Where the entry of ``key`` is stored."""
        return self.root / f"{key}.npz"

    def read(self, key: str, parse: Callable[[np.lib.npyio.NpzFile], T]) -> T | None:
        """``parse`` of the entry of ``key`` (its arrays, by name), or None when the entry is
        absent or unreadable (``parse`` raising KeyError or ValueError counts as unreadable)."""
        try:
            with np.load(self.path(key), allow_pickle=False) as stored:
                return parse(stored)
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            return None

    def write(self, key: str, arrays: dict[str, Any]) -> None:
        """Store ``arrays`` (name → array) under ``key`` (temporary file, then rename)."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".npz", dir=self.root)
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, **arrays)
            os.replace(temporary, self.path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


__all__ = ["NpzFolder"]
