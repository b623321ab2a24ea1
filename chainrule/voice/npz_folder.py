"""A folder of ``<key>.npz`` files: the on-disk form of the speech and track caches.

Each entry is written to a temporary file in the folder and renamed into place
(:func:`chainrule.files.atomic_path`), so a crash never leaves half an entry, and what a
killed writer left is removed by the next one. Every array of an entry is a zip member whose
CRC-32 and size the zip format records when it is written and checks when it is read back in
full, as :func:`numpy.load` does: an entry that cannot be read back whole (absent, truncated,
changed, not an npz, a missing array) reads as None, so its cache makes it again and replaces
it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from chainrule.files import atomic_path, remove_stale

T = TypeVar("T")


class NpzFolder:
    """``<key>.npz`` entries in ``root`` (created when first written)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._swept = False

    def path(self, key: str) -> Path:
        """Where the entry of ``key`` is stored."""
        return self.root / f"{key}.npz"

    def read(self, key: str, parse: Callable[[np.lib.npyio.NpzFile], T]) -> T | None:
        """``parse`` of the entry of ``key`` (its arrays, by name), or None when the entry is
        absent or cannot be read whole: whatever reading or ``parse`` raises (a CRC or size
        that does not match, a damaged header: ``BadZipFile``, ``NotImplementedError`` for a
        compression method that was a flipped bit, ``ValueError``, ``KeyError``...) is a miss."""
        try:
            with np.load(self.path(key), allow_pickle=False) as stored:
                return parse(stored)
        except Exception:  # a cache: an entry that cannot be read whole is made again
            return None

    def write(self, key: str, arrays: dict[str, Any]) -> None:
        """Store ``arrays`` (name → array) under ``key`` (temporary file, then rename)."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not self._swept:  # once: what a killed writer left
            remove_stale(self.root)
            self._swept = True
        with atomic_path(self.path(key), durable=False) as temporary, open(temporary, "wb") as out:
            np.savez(out, **arrays)


__all__ = ["NpzFolder"]
