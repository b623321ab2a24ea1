"""Move finished renders into the output folder atomically, and keep ``manifest.json``.

Every file appears in one step (a complete file renamed into place, :mod:`chainrule.files`), so
the output folder never holds half-written output: a reader sees the old file or the new one,
and what a killed render was writing is removed by the next one. ``manifest.json`` lists,
per output, its path, duration, resolution, fps, sections (one per step, with start times),
the config and the versions used, and what the media made from it added
(:mod:`chainrule.publishing.media`:
its captions, ``.srt`` and WebVTT ``.vtt``; its video chapters file, sections merged into
chapters a video site accepts, :mod:`chainrule.publishing.chapters`; its lecture page); renders of
other
scenes already listed there are kept.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
from pathlib import Path
from typing import Any

import sympy

from chainrule import __version__
from chainrule.exchange import RenderedFiles
from chainrule.files import atomic_move, atomic_write, remove_stale
from chainrule.publishing.chapters import timestamp
from chainrule.publishing.media import Context, Output, applicable
from chainrule.publishing.probing import last_frame_png, probe
from chainrule.rendering.cache_folder import cache_root, key_of, locked

MANIFEST = "manifest.json"


def chapters(sections: list[dict[str, Any]], first_title: str) -> list[dict[str, Any]]:
    """Section titles with start times (``start`` in s, ``timestamp`` as ``m:ss``)."""
    result, start = [], 0.0
    for section in sections:
        title = section.get("name") or "unnamed"
        if title == "autocreated":  # Manim's name for what comes before the first section
            title = first_title
        result.append({"title": title, "start": round(start, 3), "timestamp": timestamp(start)})
        start += float(section.get("duration") or 0.0)
    return result


def versions() -> dict[str, str]:
    """Versions of what made the video."""
    import cairo
    import manim

    return {
        "chainrule": __version__,
        "manim": manim.__version__,
        "sympy": sympy.__version__,
        "cairo": cairo.cairo_version_string(),
        "pycairo": cairo.version,
        "python": platform.python_version(),
    }


# ---------------------------------------------------------------------- publishing


def publish(
    result: RenderedFiles,
    output_dir: Path,
    output_format: str,
    quality: str,
    config: dict[str, Any],
    first_title: str,
    summary: str | None = None,
) -> dict[str, Any]:
    """Install ``result``'s files into ``output_dir``, then make every medium that applies to
    it (:func:`chainrule.publishing.media.applicable`, in the registry's order); return its manifest
    entry (``summary``: the scene's one-line description for its lecture page; ``None``
    looks it up)."""
    assert result.video is not None
    output_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(output_dir)  # what a killed render was writing
    video = Path(result.video)
    sections = [dict(section) for section in result.sections]
    entry: dict[str, Any] = {"scene": result.scene, "quality": quality, "format": output_format}
    facts = probe(video)
    if output_format == "png":
        frames = []
        sections_dir = Path(result.sections_dir or "")
        for number, section in enumerate(sections, start=1):
            name = f"{result.stem}_{number:02d}.png"
            last_frame_png(sections_dir / section["video"], output_dir / name)
            frames.append(name)
        entry["path"] = frames[0] if frames else None
        entry["frames"] = frames
    else:
        target = output_dir / f"{result.stem}{video.suffix}"
        atomic_move(video, target)
        entry["path"] = target.name
    marks = chapters(sections, first_title)
    entry.update(facts)
    entry["sections"] = marks
    entry["chapters"] = "\n".join(f"{mark['timestamp']} {mark['title']}" for mark in marks)
    if output_format in ("mp4", "webm"):
        entry["audio"] = result.extra.get("audio")  # None: a silent video
    entry["render_seconds"] = round(result.render_seconds, 2)
    entry["rendered_at"] = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    entry["config"] = config
    entry["versions"] = versions()
    # the media (captions, video chapters, the lecture page, ...) add their files and keys
    output = Output((result.scene,), output_dir, output_format, entry, result)
    context = Context(first_title=first_title, summary=summary)
    for medium in applicable(output):
        medium.publish(output, context)
    return entry


def update_manifest(
    output_dir: Path, entries: list[dict[str, Any]], cache: Path | None = None
) -> Path:
    """Merge ``entries`` into ``output_dir/manifest.json`` (replacing same-path entries), under
    a lock in the cache folder ``cache`` (default
    :func:`~chainrule.rendering.cache_folder.cache_root`)."""
    target = output_dir / MANIFEST
    lock = (cache or cache_root()) / "locks" / f"manifest-{key_of(str(output_dir.resolve()))}.lock"
    with locked(lock):
        outputs: list[dict[str, Any]] = []
        if target.exists():
            try:
                old = json.loads(target.read_text(encoding="utf-8"))
                outputs = [o for o in old.get("outputs", []) if isinstance(o, dict)]
            except (OSError, ValueError, AttributeError):
                outputs = []  # a damaged manifest is rebuilt from this render
        new_paths = {entry["path"] for entry in entries}
        outputs = [o for o in outputs if o.get("path") not in new_paths] + entries
        document = {"generator": f"chainrule {__version__}", "outputs": outputs}
        atomic_write(target, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return target


__all__ = ["MANIFEST", "chapters", "publish", "update_manifest", "versions"]
