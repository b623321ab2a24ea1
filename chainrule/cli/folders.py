"""The folders a command writes into, checked before any work: the output folder (it is, or
can become, a writable folder) and the cache folder (``--cache-dir``, made if needed)."""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path

from chainrule.errors import ConfigError
from chainrule.rendering.cache_folder import cache_root

#: The longest name of one file or folder (Linux file systems).
NAME_MAX = 255


def chosen_cache_folder(cache_dir: str | None) -> Path:
    """``--cache-dir`` (created if needed; a usage error if it cannot be), else the default
    cache folder (:func:`chainrule.rendering.cache_folder.cache_root`)."""

    if cache_dir is None:
        return cache_root()
    folder = Path(cache_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        usable = folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
    except OSError as error:
        raise ConfigError(
            f"option --cache-dir: {folder} cannot be used as the cache folder: "
            f"{error.strerror or error}"
        ) from None
    if not usable:
        raise ConfigError(
            f"option --cache-dir: {folder} is not a writable folder: choose another cache folder"
        )
    return folder.resolve()


def check_output_dir(path: Path, source: str) -> Path:
    """The output folder if it is (or can become) a writable folder; nothing is left behind
    (an empty folder is made and removed to be sure)."""
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX:
            shown = part if len(part) <= 40 else part[:37] + "..."
            raise ConfigError(
                f"{source}: the folder name {shown!r} is {len(os.fsencode(part))} "
                f"bytes long: names of files and folders are at most {NAME_MAX}"
            )
    try:
        return _check_output_dir(path, source)
    except OSError as error:
        raise ConfigError(
            f"{source}: {path} cannot be used as the output folder: {error.strerror or error}"
        ) from None


def _check_output_dir(path: Path, source: str) -> Path:
    if path.exists():
        if not path.is_dir():
            raise ConfigError(
                f"{source}: {path} is a file, not a folder: choose another output folder"
            )
        if not os.access(path, os.W_OK | os.X_OK):
            raise ConfigError(
                f"{source}: the folder {path} is not writable: choose another "
                f"output folder or fix its permissions"
            )
        _probe(path, path, source)
        return path
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ConfigError(f"{source}: cannot create {path}: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(f"{source}: cannot create {path}: {parent} is not writable")
    _probe(parent, path, source)
    return path


def _probe(folder: Path, path: Path, source: str) -> None:
    """Make and remove an empty folder in ``folder``: permissions alone do not tell whether a
    file system takes new folders (``/proc`` looks writable to root and is not). The folder's
    times are put back, so the probe leaves no trace."""
    try:
        before = folder.stat()
        os.rmdir(tempfile.mkdtemp(prefix=".chainrule-probe-", dir=folder))
        # a folder we may write in but not re-date: the probe still answered
        with suppress(OSError):
            os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    except OSError as error:
        raise ConfigError(
            f"{source}: {path} cannot be used as the output folder: "
            f"{folder} does not accept new files ({error.strerror or error}); "
            f"choose another output folder"
        ) from None


__all__ = ["NAME_MAX", "check_output_dir", "chosen_cache_folder"]
