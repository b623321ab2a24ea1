"""Still frames are encoded once: a held frame becomes one video frame with a long duration.

A narration-heavy lecture is mostly still: every ``wait`` that nothing moves in reaches
Manim's file writer as one frame with ``repeat=N``, which stock Manim encodes N times (at
1080p60, 20 ms per frame). :class:`HoldingSegmentEncoder` encodes it once at its presentation
time and once more, unchanged, at the time of its last repeat (an empty P-frame, so the
segment ends exactly where N frames would have ended); the frames in between are left out and
the next frame keeps its own timestamp. The result is a variable-frame-rate video whose
duration, section lengths and subcaption times are those of the constant-rate one, and whose
pictures are the same at every instant.

:class:`DerivationScene` uses :func:`holding_renderer` unless ``CHAINRULE_FASTWRITE=0``
(stock Manim behaviour, e.g. for a benchmark), so ``manim`` and ``chainrule render`` both
profit.

Examples
--------
>>> from scenes.fastwrite import HoldingFileWriter, enabled
>>> enabled({"CHAINRULE_FASTWRITE": "0"})
False
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from manim.scene.scene_file_writer import SceneFileWriter
from manim.scene.video_segment_encoder import VideoSegmentEncoder

#: Environment variable that turns held frames off (``0``) for stock-Manim comparisons.
ENV = "CHAINRULE_FASTWRITE"


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether held frames are on (they are unless ``CHAINRULE_FASTWRITE`` or
    ``CHAINRULE_SPEEDUPS`` is ``0``)."""
    from .speedups import enabled as speedups_enabled

    return (environ.get(ENV, "1").strip().lower() not in {"0", "false", "no", "off"}
            and speedups_enabled(environ))


class HoldingSegmentEncoder(VideoSegmentEncoder):
    """A segment encoder that writes a repeated frame once, held for all its repeats."""

    def __init__(self, *, target: Path, spec: Any) -> None:
        super().__init__(target=target, spec=spec)
        self._time_base = Fraction(spec.frame_rate.denominator, spec.frame_rate.numerator)
        self._tail: tuple[Any, int] | None = None  # (pixels, pts) of a hold's last repeat

    def _encode(self, pixels: Any, pts: int) -> None:
        import av

        frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
        frame.pts = pts
        frame.time_base = self._time_base
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def write_frame(self, pixels: Any, *, repeat: int = 1) -> None:
        """Encode ``pixels`` at the next timestamp, held for ``repeat`` frame durations."""
        self._validate_frame(pixels, repeat)
        try:
            self._encode(pixels, self._next_pts)
        except BaseException as error:
            raise self._operation_error("encode", error) from error
        self._tail = (pixels, self._next_pts + repeat - 1) if repeat > 1 else None
        self._next_pts += repeat

    def finish(self) -> None:
        """Close the last hold with its final repeat (so the duration is exact), then flush."""
        if not self._closed and self._tail is not None:
            pixels, pts = self._tail
            self._tail = None
            try:
                self._encode(pixels, pts)
            except BaseException as error:
                self.abort()
                raise self._operation_error("encode", error) from error
        super().finish()


def concat_videos(inputs: Sequence[str | Path], output: str | Path,
                  comment: str | None = None) -> float:
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
                base = stream.time_base
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


class HoldingFileWriter(SceneFileWriter):
    """Manim's file writer with :class:`HoldingSegmentEncoder` for video segments, and
    segments joined by their durations (Manim's own join re-times frames one tick apart)."""

    def combine_files(self, input_files: list[str], output_file: Path,
                      create_gif: bool = False, includes_sound: bool = False) -> None:
        if create_gif or self.output_spec.is_gif:
            super().combine_files(input_files, output_file, create_gif, includes_sound)
            return
        from manim import __version__

        output_file.parent.mkdir(parents=True, exist_ok=True)
        concat_videos(input_files, output_file,
                      comment=f"Rendered with Manim Community v{__version__}")

    def _create_segment_encoder(self, target: Path) -> VideoSegmentEncoder:
        if self.video_encoder is None or self.output_spec.is_gif:  # gif re-times every frame
            return super()._create_segment_encoder(target)
        return HoldingSegmentEncoder(target=target, spec=self.video_encoder)


def holding_renderer(camera_class: type, skip_animations: bool) -> Any:
    """A Cairo renderer writing with :class:`HoldingFileWriter` (``None`` when turned off or
    when Manim is not set to the Cairo renderer)."""
    from manim import config
    from manim.constants import RendererType
    from manim.renderer.cairo_renderer import CairoRenderer

    if not enabled() or config.renderer != RendererType.CAIRO:
        return None
    return CairoRenderer(file_writer_class=HoldingFileWriter, camera_class=camera_class,
                         skip_animations=skip_animations)


__all__ = ["ENV", "HoldingFileWriter", "HoldingSegmentEncoder", "concat_videos", "enabled",
           "holding_renderer"]
