"""A scene made of parts, joined: videos end to end without re-encoding (PyAV remux),
subtitles and voice marks shifted by the length of what comes before, section lists merged.
The audio is not joined here: the whole scene's track is mixed once from the joined marks
(:mod:`chainrule.voice.narrating`), so a seam between parts is not a seam in the sound."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import srt

from chainrule.exchange import RenderedFiles
from manim_adapter.concat import concat_videos
from scenes.narration import VoiceMark


def join(
    scene: str, stem: str, work_dir: str, results: Sequence[RenderedFiles], seconds: float
) -> RenderedFiles:
    """The scene ``scene`` made of its parts' ``results`` (in order), as ``stem`` in
    ``work_dir``.

    Videos are joined end to end, subtitles shifted by the length of what comes before, and
    sections listed in order; a part's leading ``autocreated`` section (the clearing of the
    body before its first step) is added to the section before it, as in a one-piece render.
    """

    if len(results) == 1 and results[0].stem == stem:
        return replace(results[0], render_seconds=seconds)
    work = Path(work_dir)
    video = work / "video" / f"{stem}{Path(results[0].video or '').suffix}"
    video.parent.mkdir(parents=True, exist_ok=True)
    import manim

    concat_videos(
        [r.video for r in results if r.video],
        video,
        comment=f"Rendered with Manim Community v{manim.__version__} by chainrule",
    )
    offsets, start = [], 0.0
    for result in results:
        offsets.append(start)
        start += _duration(Path(result.video or ""))
    subtitles = _join_subtitles(results, offsets, video.with_suffix(".srt"))
    marks = tuple(
        VoiceMark(mark.step_id, mark.start + offset)
        for result, offset in zip(results, offsets, strict=True)
        for mark in result.voice_marks
    )
    sections_dir = work / "sections"
    sections_dir.mkdir(parents=True, exist_ok=True)
    sections = _join_sections(results, sections_dir, stem)
    return RenderedFiles(
        scene,
        stem,
        video=str(video),
        subtitles=subtitles,
        sections=tuple(sections),
        sections_dir=str(sections_dir),
        voice_marks=marks,
        render_seconds=seconds,
        extra={
            "parts": len(results),
            "seams": offsets[1:],
            "cached": sum(bool(r.extra.get("cached")) for r in results),
        },
    )


def _duration(path: Path) -> float:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
        return float(container.duration or 0) / av.time_base


def _join_subtitles(
    results: Sequence[RenderedFiles], offsets: Sequence[float], target: Path
) -> str | None:

    merged: list[srt.Subtitle] = []
    for result, offset in zip(results, offsets, strict=True):
        if not result.subtitles:
            continue
        shift = datetime.timedelta(seconds=offset)
        for item in srt.parse(Path(result.subtitles).read_text(encoding="utf-8")):
            merged.append(
                srt.Subtitle(len(merged) + 1, item.start + shift, item.end + shift, item.content)
            )
    if not merged:
        return None
    target.write_text(srt.compose(merged, reindex=False), encoding="utf-8")
    return str(target)


def _join_sections(
    results: Sequence[RenderedFiles], folder: Path, stem: str
) -> list[dict[str, Any]]:

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
    for number, (section, paths) in enumerate(zip(sections, pieces, strict=True)):
        name = f"{stem}_{number:04d}{paths[0].suffix}"
        if len(paths) == 1:
            shutil.copyfile(paths[0], folder / name)
        else:
            concat_videos(paths, folder / name)
        section["video"] = name
    return sections


__all__ = ["join"]
