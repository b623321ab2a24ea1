"""Rendered units kept between runs: ``<cache>/units/<key>`` holds a unit's video, subtitles
and section videos, found again by the unit's key (:mod:`chainrule.rendering.keys`).

A unit is stored by renaming a complete folder into place (:func:`chainrule.files.place_folder`),
so a reader sees a whole unit or none, and two processes storing the same unit need no lock
(the second one finds the first one's unit whole and drops its own). Its ``unit.json``, written
last, records the size and sha256 of every file and is sealed with the digest of its own
content (:func:`chainrule.files.seal`); :func:`restore` checks every file as it copies it, and
a unit that is not whole (cut short, changed, its record missing) is a miss: it is removed, and
the unit is drawn again and stored in its place. The least recently used units beyond
:data:`MAX_UNITS` are removed.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from chainrule import files
from chainrule.exchange import RenderedFiles, RenderUnit
from scenes.narration import VoiceMark

#: Units kept in the cache; the least recently used beyond this are removed.
MAX_UNITS = 400
#: The file of a unit that describes it and records its other files (written last).
META = "unit.json"


def unit_dir(cache_dir: str | Path, key: str) -> Path:
    """Where the unit with ``key`` is kept."""
    return Path(cache_dir) / "units" / key


def _meta(folder: Path) -> tuple[dict[str, Any], dict[str, files.Record]] | None:
    """The description of the unit in ``folder`` and the records of its files, or ``None``
    when it is absent or not whole (a missing file, a size that differs)."""
    meta = files.read_sealed_json(folder / META)
    records = files.records_of(meta) if meta is not None else None
    if meta is None or records is None:
        return None
    for name, record in records.items():
        try:
            if (folder / name).stat().st_size != record.size:
                return None
        except OSError:
            return None
    return meta, records


def restore(unit: RenderUnit) -> RenderedFiles | None:
    """The cached files of ``unit`` copied into its work folder, or ``None`` if not cached;
    a cached unit that is not whole is removed (so it is drawn and stored again)."""
    folder = unit_dir(unit.cache_dir, unit.key)
    if not folder.exists():
        return None
    try:
        return _restore(unit, folder)
    except (KeyError, TypeError, ValueError):  # a unit.json of another form
        files.discard(folder)
    except OSError:
        if not _whole(folder):  # else an error of the work folder (a full disk, say)
            files.discard(folder)
    return None


def _restore(unit: RenderUnit, folder: Path) -> RenderedFiles:
    found = _meta(folder)
    if found is None:
        raise files.Damaged(f"{folder} is not a whole unit")
    meta, records = found
    work = Path(unit.work_dir)

    def copy(name: str, target: Path) -> None:
        files.atomic_copy(folder / name, target, expect=records[name], durable=False)

    target = work / "video" / meta["video"]
    target.parent.mkdir(parents=True, exist_ok=True)
    copy(meta["video"], target)
    subtitles = None
    if meta.get("subtitles"):
        subtitles = target.with_suffix(".srt")
        copy(meta["subtitles"], subtitles)
    sections_dir = work / "sections"
    sections_dir.mkdir(exist_ok=True)
    for section in meta["sections"]:
        copy(f"sections/{section['video']}", sections_dir / section["video"])
    marks = tuple(VoiceMark(str(i), float(t)) for i, t in meta.get("voice_marks", []))
    with suppress(OSError):
        os.utime(folder / META)  # recently used
    return RenderedFiles(
        unit.scene,
        unit.stem,
        video=str(target),
        subtitles=str(subtitles) if subtitles else None,
        sections=tuple(meta["sections"]),
        sections_dir=str(sections_dir),
        voice_marks=marks,
        extra={"cached": True, "key": unit.key},
    )


def store(unit: RenderUnit, result: RenderedFiles) -> None:
    """Copy ``result``'s files into the cache (atomically: a folder renamed into place, its
    ``unit.json`` with the records of its files written last)."""
    if result.error is not None or result.video is None:
        return
    root = Path(unit.cache_dir) / "units"
    root.mkdir(parents=True, exist_ok=True)
    files.remove_stale(root)  # what a killed render was storing
    with files.scratch_folder(root, unit.key) as temporary:
        (temporary / "sections").mkdir(parents=True)
        video = Path(result.video)
        meta: dict[str, Any] = {
            "video": video.name,
            "subtitles": None,
            "sections": list(result.sections),
            "voice_marks": [[m.step_id, m.start] for m in result.voice_marks],
            "render_seconds": result.render_seconds,
        }
        copied = {video.name: files.atomic_copy(video, temporary / video.name, durable=False)}
        if result.subtitles:
            meta["subtitles"] = "subtitles.srt"
            copied["subtitles.srt"] = files.atomic_copy(
                result.subtitles, temporary / "subtitles.srt", durable=False
            )
        for section in result.sections:
            name = f"sections/{section['video']}"
            copied[name] = files.atomic_copy(
                Path(result.sections_dir or "") / section["video"], temporary / name, durable=False
            )
        meta["files"] = {name: record.to_json() for name, record in copied.items()}
        files.write_sealed_json(temporary / META, meta, durable=False)  # last: whole now
        files.place_folder(temporary, unit_dir(unit.cache_dir, unit.key), _whole)
    prune(root)


def _whole(folder: Path) -> bool:
    """Whether the unit in ``folder`` is whole: every file matches its record."""
    found = _meta(folder)
    return found is not None and all(r.matches(folder / n) for n, r in found[1].items())


def prune(root: Path, keep: int = MAX_UNITS) -> None:
    """Remove the least recently used units beyond ``keep``."""
    try:
        units = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return
    if len(units) <= keep:
        return

    def used(path: Path) -> float:
        try:
            return (path / META).stat().st_mtime
        except OSError:
            return 0.0

    for path in sorted(units, key=used)[: len(units) - keep]:
        files.discard(path)


__all__ = ["MAX_UNITS", "META", "prune", "restore", "store", "unit_dir"]
