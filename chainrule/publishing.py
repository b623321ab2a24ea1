"""Move finished renders into the output folder atomically, and keep ``manifest.json``.

Every file appears in one step (``os.replace`` of a complete file), so the output folder never
holds half-written output: a reader sees the old file or the new one. ``manifest.json`` lists,
per output, its path, duration, resolution, fps, sections (one per step, with start times),
the config and the versions used, and what the media made from it added (:mod:`chainrule.media`:
its captions, ``.srt`` and WebVTT ``.vtt``; its video chapters file, sections merged into
chapters a video site accepts, :mod:`chainrule.chapters`; its lecture page); renders of other
scenes already listed there are kept.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import __version__
from .cache_folder import cache_root, key_of, locked
from .chapters import timestamp
from .drawing import RenderedFiles
from .media import Context, Output, applicable

MANIFEST = "manifest.json"


# ---------------------------------------------------------------------- atomic files


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


# ---------------------------------------------------------------------- media facts


def probe(path: Path) -> dict[str, Any]:
    """Duration (s), resolution and fps of a video, read with PyAV."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        # base_rate: the rate frames are timed on; a held still frame (manim_adapter.fastwrite)
        # lowers the average rate, not the frame rate
        rate = stream.base_rate or stream.guessed_rate or stream.average_rate
        fps = float(rate) if rate else None
        if container.duration is not None:
            duration = container.duration / av.time_base
        elif stream.duration is not None:
            duration = float(stream.duration * stream.time_base)
        else:
            frames = sum(1 for _ in container.decode(video=0))
            duration = frames / fps if fps else 0.0
        return {
            "duration": round(float(duration), 3),
            "resolution": [stream.codec_context.width, stream.codec_context.height],
            "fps": round(fps, 3) if fps else None,
        }


def last_frame_png(video: Path, target: Path) -> None:
    """Save the last frame of ``video`` as a PNG at ``target`` (atomically)."""
    import av

    last = None
    with av.open(str(video)) as container:
        for frame in container.decode(video=0):
            last = frame
    if last is None:
        raise RuntimeError(f"{video} has no frames")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp.png")
    try:
        last.to_image().save(temporary, format="PNG")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


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
    import sympy

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
    it (:func:`chainrule.media.applicable`, in the registry's order); return its manifest
    entry (``summary``: the scene's one-line description for its lecture page; ``None``
    looks it up)."""
    assert result.video is not None
    output_dir.mkdir(parents=True, exist_ok=True)
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
        install(video, target)
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
    a lock in the cache folder ``cache`` (default :func:`~chainrule.cache_folder.cache_root`)."""
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
        write_text_atomic(target, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return target


__all__ = [
    "MANIFEST",
    "chapters",
    "install",
    "install_outputs",
    "last_frame_png",
    "private_folder",
    "probe",
    "publish",
    "update_manifest",
    "versions",
    "write_text_atomic",
]
