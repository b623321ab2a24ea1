"""Files written so that a reader never sees half of one: a complete file renamed into place.

Every file chainrule writes into its cache or an output folder goes through these helpers:
the bytes go to a temporary name in the same folder, which is then renamed (``os.replace``,
atomic on one file system). A process killed in the middle leaves the old file, or none, and
at most a temporary file that later runs ignore. This module imports nothing else of
chainrule's.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def install(source: Path, target: Path) -> None:
    """Move ``source`` to ``target`` atomically (copying first across file systems)."""
    try:
        os.replace(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def private_folder(parent: Path, prefix: str) -> Iterator[Path]:
    """A new folder in ``parent`` (made if needed) that no other run uses, named ``prefix``
    and a random tail, removed afterwards whatever happens; what is made in it can be renamed
    into ``parent`` in one step (the same file system)."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def install_outputs(made: Sequence[Path], out: Path) -> list[Path]:
    """Rename each file or folder of ``made`` (in a staging folder inside ``out``, see
    :func:`private_folder`) to the same name in ``out``, in order, replacing what was there
    (an old folder is moved aside first and removed after); put the main file last. Returns
    the targets."""
    targets = []
    for source in made:
        target = out / source.name
        if source.is_dir():
            old = source.with_name(f".old-{source.name}")
            if target.exists():
                os.replace(target, old)
            os.replace(source, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(source, target)
        targets.append(target)
    return targets


def write_text_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file and a rename."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


__all__ = ["install", "install_outputs", "private_folder", "write_text_atomic"]
