"""Render units: a scene, or one part of a scene that renders in parts; each cached by what
it is made of, and parts joined into the scene's files without re-encoding.

A scene with a ``part`` class attribute and ``segments_for(derivation)`` (the lecture) is
rendered as one unit per segment: unit ``k`` is the scene class with ``part = k`` (the parts
before it are played without drawing, see ``DerivationScene.without_drawing``). Units render
in worker processes side by side, and :func:`join` puts their videos end to end (PyAV remux,
no re-encoding), shifts the subtitles and merges the section lists.

Every unit's files are kept in ``<cache>/units/<key>``. The key is a hash of everything the
unit's pictures depend on: the settings (network, theme, pacing; labels only for the title
card), the pixel size, frame rate and format, the source of the scene modules the unit uses
(found by following imports inside ``scenes``) and of ``derivations``, the steps the parts
before it show (what it inherits from them: the title on screen, steps already narrated), the
versions of chainrule and Manim, and the encoder. A re-render with nothing changed copies
every unit; a change to one segment's module or pacing redraws only the units that use it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .rendering import ENCODER_OPTIONS, SceneJob, SceneResult

#: Units kept in the cache; the least recently used beyond this are removed.
MAX_UNITS = 400
#: Bumped when the layout of a cached unit or the way units are made changes.
SCHEMA = "chainrule-unit-3"


@dataclass(frozen=True)
class Unit:
    """One thing to render: ``job`` (with its ``part``), its cache ``key`` and a label."""

    job: SceneJob
    key: str
    label: str
    estimate: float


# ---------------------------------------------------------------------- planning

def split(job: SceneJob, cls: type, derivation: Any, settings: Any, estimate: float
          ) -> list[Unit]:
    """The units of ``job``: one per part for a scene rendered in parts, else one."""
    segments = _segments(cls, derivation, job)
    if not segments:
        return [Unit(job, unit_key(job, cls, settings, None, ()), job.scene, estimate)]
    pacing = settings.pacing_object()
    weights = [1.0 + sum(pacing.reading_time(derivation.step(i).narration)
                         for i in segment.step_ids_for(derivation)) for segment in segments]
    units = []
    modules = {segment.__module__ for segment in segments}
    for index, segment in enumerate(segments):
        before = tuple(step for earlier in segments[:index]
                       for step in earlier.step_ids_for(derivation))
        label = f"{job.scene}[{index}:{segment.__name__.removesuffix('Segment')}]"
        folder = Path(job.work_dir) / f"part{index:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        part = replace(job, part=index, stem=f"{job.stem}_part{index:02d}", label=label,
                       work_dir=str(folder))
        others = frozenset(modules - {segment.__module__})
        units.append(Unit(part, unit_key(part, cls, settings, segment, before, others), label,
                          estimate * weights[index] / sum(weights)))
    return units


def _segments(cls: type, derivation: Any, job: SceneJob) -> tuple[type, ...]:
    if job.video_format == "gif" or not hasattr(cls, "part") or not hasattr(cls, "segments_for"):
        return ()  # gif: Manim re-times every frame of a gif, so it is rendered whole
    return tuple(cls.segments_for(derivation))


def unit_key(job: SceneJob, cls: type, settings: Any, segment: type | None,
             before: tuple[str, ...], others: frozenset[str] = frozenset()) -> str:
    """The cache key of ``job`` (see the module docstring); ``others``: modules of the other
    parts' segments, whose source does not count for this part."""
    import manim

    from scenes import fastwrite

    config = settings.resolved()
    config.pop("output", None)
    if job.part:  # only the title card shows the labels
        config.pop("labels", None)
    modules = {cls.__module__}
    if segment is not None:
        modules = {segment.__module__}
        files = sorted(_closure(segment.__module__, others) | {_module_file(cls.__module__)})
    else:
        files = sorted(_closure(cls.__module__))
    document = {
        "schema": SCHEMA, "scene": job.scene, "part": job.part,
        "segment": getattr(segment, "__qualname__", None), "before": list(before),
        "config": config, "size": [job.width, job.height], "fps": job.fps,
        "format": job.video_format, "modules": sorted(modules),
        "sources": {str(f.name): _digest(f) for f in files},
        "derivations": _tree_digest("derivations"),
        "chainrule": __version__, "manim": manim.__version__,
        "fastwrite": fastwrite.enabled(), "encoder": ENCODER_OPTIONS,
    }
    text = json.dumps(document, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@lru_cache(maxsize=None)
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_digest(package: str) -> str:
    import importlib

    root = Path(importlib.import_module(package).__file__ or "").parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + _digest(path).encode())
    return digest.hexdigest()


def _module_file(module: str) -> Path:
    import importlib

    return Path(importlib.import_module(module).__file__ or "")


def _closure(module: str, exclude: frozenset[str] = frozenset()) -> set[Path]:
    """The files of ``module`` and of every ``scenes`` module it imports, transitively
    (``exclude``: modules not followed)."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or (name in exclude and name != module):
            continue
        seen.add(name)
        todo.extend(_scene_imports(_module_file(name)))
    return {_module_file(name) for name in seen}


def _scene_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                base = f"scenes.{node.module}" if node.module else "scenes"
            else:
                base = node.module or ""
            if base == "scenes":  # from scenes import fastwrite / from . import x
                found.update(f"scenes.{alias.name}" for alias in node.names
                             if (path.parent / f"{alias.name}.py").exists())
            elif base.startswith("scenes."):
                found.add(base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names
                         if alias.name.startswith("scenes."))
    return found


# ---------------------------------------------------------------------- the cache

def unit_dir(cache_dir: str | Path, key: str) -> Path:
    return Path(cache_dir) / "units" / key


def restore(unit: Unit) -> SceneResult | None:
    """The cached files of ``unit`` copied into its work folder, or ``None`` if not cached."""
    folder = unit_dir(unit.job.cache_dir, unit.key)
    meta_path = folder / "unit.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    work = Path(unit.job.work_dir)
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
            shutil.copyfile(folder / "sections" / section["video"],
                            sections_dir / section["video"])
    except (OSError, KeyError):
        return None
    os.utime(meta_path)  # recently used
    return SceneResult(unit.job.scene, unit.job.stem, video=str(target),
                       subtitles=str(subtitles) if subtitles else None,
                       sections=tuple(meta["sections"]), sections_dir=str(sections_dir),
                       extra={"cached": True, "key": unit.key})


def store(unit: Unit, result: SceneResult) -> None:
    """Copy ``result``'s files into the cache (atomically: a folder renamed into place)."""
    if result.error is not None or result.video is None:
        return
    root = Path(unit.job.cache_dir) / "units"
    root.mkdir(parents=True, exist_ok=True)
    temporary = root / f".{unit.key}.{os.getpid()}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    try:
        (temporary / "sections").mkdir(parents=True)
        video = Path(result.video)
        shutil.copyfile(video, temporary / video.name)
        meta: dict[str, Any] = {"video": video.name, "subtitles": None,
                                "sections": list(result.sections),
                                "render_seconds": result.render_seconds}
        if result.subtitles:
            shutil.copyfile(result.subtitles, temporary / "subtitles.srt")
            meta["subtitles"] = "subtitles.srt"
        for section in result.sections:
            shutil.copyfile(Path(result.sections_dir or "") / section["video"],
                            temporary / "sections" / section["video"])
        (temporary / "unit.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        try:
            os.rename(temporary, unit_dir(unit.job.cache_dir, unit.key))
        except OSError:
            pass  # another process stored the same unit first: theirs is as good
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
    for path in sorted(units, key=used)[:len(units) - keep]:
        shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------------- joining parts

def join(job: SceneJob, results: Sequence[SceneResult], seconds: float) -> SceneResult:
    """The scene ``job`` made of its parts' ``results`` (in order), in ``job``'s work folder.

    Videos are joined end to end, subtitles shifted by the length of what comes before, and
    sections listed in order; a part's leading ``autocreated`` section (the clearing of the
    body before its first step) is added to the section before it, as in a one-piece render.
    """
    from scenes.fastwrite import concat_videos

    if len(results) == 1 and results[0].stem == job.stem:
        return replace(results[0], render_seconds=seconds)
    work = Path(job.work_dir)
    video = work / "video" / f"{job.stem}{Path(results[0].video or '').suffix}"
    video.parent.mkdir(parents=True, exist_ok=True)
    import manim

    concat_videos([r.video for r in results if r.video], video,
                  comment=f"Rendered with Manim Community v{manim.__version__} by chainrule")
    offsets, start = [], 0.0
    for result in results:
        offsets.append(start)
        start += _duration(Path(result.video or ""))
    subtitles = _join_subtitles(results, offsets, video.with_suffix(".srt"))
    sections_dir = work / "sections"
    sections_dir.mkdir(parents=True, exist_ok=True)
    sections = _join_sections(results, sections_dir, job.stem)
    return SceneResult(job.scene, job.stem, video=str(video), subtitles=subtitles,
                       sections=tuple(sections), sections_dir=str(sections_dir),
                       render_seconds=seconds,
                       extra={"parts": len(results),
                              "cached": sum(bool(r.extra.get("cached")) for r in results)})


def _duration(path: Path) -> float:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.duration is not None:
            return float(stream.duration * stream.time_base)
        return float(container.duration or 0) / av.time_base


def _join_subtitles(results: Sequence[SceneResult], offsets: Sequence[float],
                    target: Path) -> str | None:
    import datetime

    import srt

    merged = []
    for result, offset in zip(results, offsets):
        if not result.subtitles:
            continue
        shift = datetime.timedelta(seconds=offset)
        for item in srt.parse(Path(result.subtitles).read_text(encoding="utf-8")):
            merged.append(srt.Subtitle(len(merged) + 1, item.start + shift, item.end + shift,
                                       item.content))
    if not merged:
        return None
    target.write_text(srt.compose(merged, reindex=False), encoding="utf-8")
    return str(target)


def _join_sections(results: Sequence[SceneResult], folder: Path, stem: str
                   ) -> list[dict[str, Any]]:
    from scenes.fastwrite import concat_videos

    sections: list[dict[str, Any]] = []
    pieces: list[list[Path]] = []
    for result in results:
        source = Path(result.sections_dir or "")
        for index, section in enumerate(result.sections):
            path = source / section["video"]
            if index == 0 and section.get("name") == "autocreated" and sections:
                last = sections[-1]
                last["duration"] = f"{float(last['duration']) + float(section['duration']):.6f}"
                pieces[-1].append(path)
                continue
            sections.append(dict(section))
            pieces.append([path])
    for number, (section, paths) in enumerate(zip(sections, pieces)):
        name = f"{stem}_{number:04d}{paths[0].suffix}"
        if len(paths) == 1:
            shutil.copyfile(paths[0], folder / name)
        else:
            concat_videos(paths, folder / name)
        section["video"] = name
    return sections


__all__ = ["MAX_UNITS", "Unit", "join", "prune", "restore", "split",
           "store", "unit_key"]
