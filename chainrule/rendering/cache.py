"""Rendered units kept between runs: ``<cache>/units/<key>`` holds a unit's video, subtitles
and section videos, found again by the unit's key (:mod:`chainrule.rendering.keys`).

A unit is stored by renaming a complete folder into place, so a reader sees a whole unit or
none, and two processes storing the same unit need no lock (the second one's rename fails and
theirs is as good). The least recently used units beyond :data:`MAX_UNITS` are removed.
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Any

from chainrule.exchange import RenderedFiles, RenderUnit
from scenes.narration import VoiceMark

#: Units kept in the cache; the least recently used beyond this are removed.
MAX_UNITS = 400


def unit_dir(cache_dir: str | Path, key: str) -> Path:
    """Where the unit with ``key`` is kept."""
    return Path(cache_dir) / "units" / key


def restore(unit: RenderUnit) -> RenderedFiles | None:
    """The cached files of ``unit`` copied into its work folder, or ``None`` if not cached."""
    folder = unit_dir(unit.cache_dir, unit.key)
    meta_path = folder / "unit.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    work = Path(unit.work_dir)
    try:
        target = work / "video" / meta["video"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / meta["video"], target)
        subtitles = None
        if meta.get("subtitles"):
            subtitles = target.with_suffix(".srt")
            shutil.copyfile(folder / meta["subtitles"], subtitles)
        sections_dir = work / "sections"
        sections_dir.mkdir(exist_ok=True)
        for section in meta["sections"]:
            shutil.copyfile(folder / "sections" / section["video"], sections_dir / section["video"])
    except (OSError, KeyError):
        return None
    try:
        marks = tuple(VoiceMark(str(i), float(t)) for i, t in meta.get("voice_marks", []))
    except (TypeError, ValueError):
        return None
    os.utime(meta_path)  # recently used
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
    """Copy ``result``'s files into the cache (atomically: a folder renamed into place)."""
    if result.error is not None or result.video is None:
        return
    root = Path(unit.cache_dir) / "units"
    root.mkdir(parents=True, exist_ok=True)
    temporary = root / f".{unit.key}.{os.getpid()}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    try:
        (temporary / "sections").mkdir(parents=True)
        video = Path(result.video)
        shutil.copyfile(video, temporary / video.name)
        meta: dict[str, Any] = {
            "video": video.name,
            "subtitles": None,
            "sections": list(result.sections),
            "voice_marks": [[m.step_id, m.start] for m in result.voice_marks],
            "render_seconds": result.render_seconds,
        }
        if result.subtitles:
            shutil.copyfile(result.subtitles, temporary / "subtitles.srt")
            meta["subtitles"] = "subtitles.srt"
        for section in result.sections:
            shutil.copyfile(
                Path(result.sections_dir or "") / section["video"],
                temporary / "sections" / section["video"],
            )
        (temporary / "unit.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        # an OSError: another process stored the same unit first, and theirs is as good
        with suppress(OSError):
            os.rename(temporary, unit_dir(unit.cache_dir, unit.key))
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    prune(root)


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
            return (path / "unit.json").stat().st_mtime
        except OSError:
            return 0.0

    for path in sorted(units, key=used)[: len(units) - keep]:
        shutil.rmtree(path, ignore_errors=True)


__all__ = ["MAX_UNITS", "prune", "restore", "store", "unit_dir"]
