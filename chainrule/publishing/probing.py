"""Facts about a finished video, read back with PyAV: its duration, size and rate, and its last
frame as a picture (a handout's or a slide's still)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chainrule.files import atomic_write


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
        elif stream.duration is not None and stream.time_base is not None:
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
    atomic_write(target, lambda temporary: last.to_image().save(temporary, format="PNG"))


__all__ = ["last_frame_png", "probe"]
