"""Video files of one encoding joined without re-encoding, each starting where the one before
ends (by duration, so held frames keep their length). Used to join a scene's partial movies
(:mod:`manim_adapter.holding`) and the parts of a lecture (:mod:`chainrule.rendering.joining`);
it needs only PyAV, not Manim.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path


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


__all__ = ["concat_videos"]
