"""Manim's TeX and text caches, used only where their files are whole.

Manim writes ``<hash>.tex`` and ``<hash>.svg`` into ``config.tex_dir`` (the SVG by ``dvisvgm``,
in place) and Pango's ``<hash>.svg`` into ``config.text_dir`` (in place too), and next time
reuses any file it finds under the name it computes, without reading it first. A render killed
while one of them was written leaves it cut short, and every later render that needs it failed
(an XML ``ParseError``) until the cache was deleted; a file damaged on disk did the same.

chainrule gives each drawing process a *slot* no other process uses at the same time
(:func:`chainrule.rendering.cache_folder.free_slot`), holding ``Tex`` and ``texts-<W>x<H>``.
:func:`checked_slot` keeps each of those folders in step with a ledger beside it (the size and
sha256 of every file, :func:`chainrule.files.check_folder`): before Manim runs, every file that
is not recorded or does not match its record is removed (Manim, or :mod:`.texbatch`, makes it
again); afterwards every file the render added is recorded if it is whole (:func:`whole`: an
SVG that parses, a ``.tex`` whose name is the hash of its text), and removed if not. A file
whose writer was killed is never recorded, so the next render removes it.

>>> import tempfile
>>> slot = Path(tempfile.mkdtemp())
>>> with checked_slot(slot):
...     (slot / "Tex").mkdir()
...     _ = (slot / "Tex" / "a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
...     _ = (slot / "Tex" / "b.svg").write_text("<svg xmlns='http://www.w3")  # cut short
>>> sorted(p.name for p in (slot / "Tex").iterdir())
['a.svg']
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chainrule.files import check_folder, ledger_of, record_folder, remove_stale

#: The folders of a slot that are Manim's caches (``tex_dir``, ``text_dir`` per pixel size).
CACHE_FOLDERS = ("Tex", "texts-*")


def whole(path: Path) -> bool:
    """Whether a file Manim wrote into its TeX or text cache is complete: an ``.svg`` that
    parses as SVG, a ``.tex`` named after the hash of its text (Manim's ``tex_hash``); nothing
    else (``.dvi``, ``.log``: what a compile left) is kept."""
    if path.suffix == ".svg":
        try:
            root = ElementTree.parse(path).getroot()
        except (ElementTree.ParseError, OSError, ValueError):
            return False
        return root.tag.rpartition("}")[2] == "svg"
    if path.suffix == ".tex":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, ValueError):
            return False
        return hashlib.sha256(text.encode()).hexdigest()[:16] == path.stem
    return False


def _cache_folders(slot: Path) -> list[Path]:
    try:
        return sorted(
            path
            for path in slot.iterdir()
            if path.is_dir() and any(path.match(pattern) for pattern in CACHE_FOLDERS)
        )
    except OSError:
        return []


@contextmanager
def checked_slot(slot: Path) -> Iterator[None]:
    """Inside, every file in the cache folders of ``slot`` is whole; the files added inside
    are recorded on the way out (see the module's description). ``slot`` must be held by this
    process alone (:func:`chainrule.rendering.cache_folder.free_slot`)."""
    slot = Path(slot)
    remove_stale(slot)  # a batch folder of a killed render (texbatch)
    kept = {folder: check_folder(folder, ledger_of(folder)) for folder in _cache_folders(slot)}
    try:
        yield
    finally:
        for folder in _cache_folders(slot):
            record_folder(folder, ledger_of(folder), kept.get(folder, {}), whole)


__all__ = ["CACHE_FOLDERS", "checked_slot", "whole"]
