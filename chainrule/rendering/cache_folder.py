"""The cache folder: what survives between runs (typeset TeX, rendered units), the work
folders of running renders, and the locks that let several processes share it safely.

The cache lives in ``chainrule render --cache-dir DIR`` when given, else
``$CHAINRULE_CACHE_DIR``, else ``$XDG_CACHE_HOME/chainrule``, else ``~/.cache/chainrule``
(:func:`cache_root`); every unit carries the command's folder to the process drawing it. When
units render on other machines (``--executor dask``) it must be a folder every worker sees at
the same path (a shared file system). Manim writes TeX and text SVGs without locking, so each
drawing process takes its own *slot* (a TeX folder no other live process uses, kept for the next
run, see :func:`free_slot`, whose files are checked against their digests before Manim reuses
them); rendered units are stored by renaming a complete folder into place
(:mod:`chainrule.rendering.cache`), so they need no lock; the manifest of an output folder is
updated under a lock file (:func:`locked`). Whatever is written there is written whole or not at
all (:mod:`chainrule.files`), and a render that is killed leaves nothing the next one trips on.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from manim_adapter.texcache import checked_slot

MAX_SLOTS = 64


def cache_root() -> Path:
    """The cache folder (created if needed; a private temp folder if home is read-only)."""
    configured = os.environ.get("CHAINRULE_CACHE_DIR")
    if configured:
        root = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = Path(base) / "chainrule"
    try:
        root.mkdir(parents=True, exist_ok=True)
        if os.access(root, os.W_OK | os.X_OK):
            return root.resolve()
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"chainrule-cache-{os.getuid()}"
    fallback.mkdir(mode=0o700, parents=True, exist_ok=True)
    return fallback.resolve()


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed); waits for other holders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def free_slot(folder: Path) -> Iterator[Path]:
    """A sub-folder of ``folder`` no other live process holds (``0``, ``1``, ...), whose
    TeX and text caches hold only whole files while it is held
    (:func:`manim_adapter.texcache.checked_slot`)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(MAX_SLOTS):
        # the handle stays open (and the lock held) for as long as the caller holds the slot
        with open(folder / f"{index}.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # another live process holds this slot (the handle closes here)
            try:
                slot = folder / str(index)
                slot.mkdir(exist_ok=True)
                with checked_slot(slot):
                    yield slot
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
            return
    raise RuntimeError(f"all {MAX_SLOTS} cache slots in {folder} are busy")


def key_of(text: str) -> str:
    """A short stable file-name key for ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


__all__ = ["cache_root", "free_slot", "key_of", "locked"]
