"""Manim's file writer and segment encoder, subclassed to write a held frame once.

See :mod:`manim_adapter.fastwrite` for what held frames are and when they are used. This
module imports Manim internals (``manim.scene.video_segment_encoder``, new in Manim 0.22), so
it is imported only when :func:`manim_adapter.support.active` says the patches apply.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from manim.scene.scene_file_writer import SceneFileWriter
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from .concat import concat_videos


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
        stream = cast("av.VideoStream", self._stream)  # Manim adds a video stream
        for packet in stream.encode(frame):
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


class HoldingFileWriter(SceneFileWriter):
    """Manim's file writer with :class:`HoldingSegmentEncoder` for video segments, and
    segments joined by their durations (Manim's own join re-times frames one tick apart)."""

    def combine_files(
        self,
        input_files: list[str],
        output_file: Path,
        create_gif: bool = False,
        includes_sound: bool = False,
    ) -> None:
        if create_gif or self.output_spec.is_gif:
            super().combine_files(input_files, output_file, create_gif, includes_sound)
            return
        from manim import __version__

        output_file.parent.mkdir(parents=True, exist_ok=True)
        concat_videos(
            input_files, output_file, comment=f"Rendered with Manim Community v{__version__}"
        )

    def _create_segment_encoder(self, target: Path) -> VideoSegmentEncoder:
        if self.video_encoder is None or self.output_spec.is_gif:  # gif re-times every frame
            return super()._create_segment_encoder(target)
        return HoldingSegmentEncoder(target=target, spec=self.video_encoder)


__all__ = ["HoldingFileWriter", "HoldingSegmentEncoder"]
