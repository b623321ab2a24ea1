"""Still frames are encoded once: a held frame becomes one video frame with a long duration.

A narration-heavy lecture is mostly still: every ``wait`` that nothing moves in reaches
Manim's file writer as one frame with ``repeat=N``, which stock Manim encodes N times (at
1080p60, 20 ms per frame). :class:`~manim_adapter.holding.HoldingSegmentEncoder` encodes it
once at its presentation time and once more, unchanged, at the time of its last repeat (an
empty P-frame, so the segment ends exactly where N frames would have ended); the frames in
between are left out and the next frame keeps its own timestamp. The result is a
variable-frame-rate video whose duration, section lengths and subcaption times are those of
the constant-rate one, and whose pictures are the same at every instant.

:class:`~scenes.base.DerivationScene` uses :func:`holding_renderer` unless
``CHAINRULE_FASTWRITE=0`` (stock Manim behaviour, e.g. for a benchmark), so ``manim`` and
``chainrule render`` both profit. The encoder and writer subclass Manim internals and live in
:mod:`manim_adapter.holding`, imported only when the patches apply to the installed Manim;
:func:`concat_videos` needs only PyAV.

Examples
--------
>>> from manim_adapter.fastwrite import enabled
>>> enabled({"CHAINRULE_FASTWRITE": "0"})
False
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from .speedups import switched_on

#: Environment variable that turns held frames off (``0``) for stock-Manim comparisons.
ENV = "CHAINRULE_FASTWRITE"


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether held frames are on: unless ``CHAINRULE_FASTWRITE`` or ``CHAINRULE_SPEEDUPS``
    is ``0`` or the installed Manim is not one the patch was written for."""
    from .speedups import enabled as speedups_enabled

    return switched_on(environ, ENV) and speedups_enabled(environ)


def concat_videos(
    inputs: Sequence[str | Path], output: str | Path, comment: str | None = None
) -> float:
    """Join video files of one encoding (same codec, size, rate) without re-encoding.

    Each file starts where the previous one ends (its duration, not its frame count, so held
    frames keep their length); decoding timestamps are kept strictly increasing across the
    joins. Returns the duration of the result in seconds.
    """
    import av

    offset = Fraction(0)
    last_dts: Fraction | None = None
    with av.open(str(output), mode="w") as container:
        if comment:
            container.metadata["comment"] = comment
        out_stream = None
        for path in inputs:
            with av.open(str(path)) as source:
                stream = source.streams.video[0]
                if out_stream is None:
                    out_stream = container.add_stream_from_template(template=stream)
                    rate = stream.average_rate or stream.base_rate or stream.guessed_rate
                    if rate:  # WebM (Matroska) then records each frame's duration; without
                        out_stream.codec_context.framerate = rate  # it the rate reads None
                base = stream.time_base
                if base is None:
                    raise ValueError(
                        f"{path}: its video stream has no time base, so its packets cannot be "
                        f"placed in the joined video; re-encode it (e.g. with ffmpeg)"
                    )
                end = offset
                for packet in source.demux(stream):
                    if packet.dts is None or packet.pts is None:
                        continue
                    tick = Fraction(packet.duration or 0) * base
                    pts = offset + packet.pts * base
                    dts = offset + packet.dts * base
                    if last_dts is not None and dts <= last_dts:
                        dts = min(last_dts + base, pts)  # across a join (B-frame delay)
                    last_dts = dts
                    end = max(end, pts + tick)
                    packet.pts = round(pts / base)
                    packet.dts = round(dts / base)
                    packet.stream = out_stream
                    container.mux(packet)
                if stream.duration is not None:
                    end = offset + stream.duration * base
                offset = end
    return float(offset)


def holding_renderer(camera_class: type, skip_animations: bool) -> Any:
    """A Cairo renderer writing with :class:`~manim_adapter.holding.HoldingFileWriter`
    (``None``, for Manim's own, when turned off or when Manim is not set to the Cairo
    renderer)."""
    from manim import config
    from manim.constants import RendererType
    from manim.renderer.cairo_renderer import CairoRenderer

    if not enabled() or config.renderer != RendererType.CAIRO:
        return None
    from .holding import HoldingFileWriter

    return CairoRenderer(
        file_writer_class=HoldingFileWriter,
        camera_class=camera_class,
        skip_animations=skip_animations,
    )


__all__ = ["ENV", "concat_videos", "enabled", "holding_renderer"]
