"""A tiny real video for tests of publishing (PyAV, 32x32, one black frame per second), and a
render's files made of one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chainrule.exchange import RenderedFiles


def tiny_video(path: Path, seconds: int) -> None:
    """Write an H.264 video of ``seconds`` black 32x32 frames at 1 fps to ``path``."""
    import av
    import numpy as np

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=1)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(seconds):
            frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())


def demo_render(work: Path, sections: tuple[dict[str, Any], ...], subtitles: str) -> RenderedFiles:
    """What rendering a scene ``Demo`` at quality l leaves in ``work``: a tiny video as long as
    its ``sections`` (in whole seconds) and ``subtitles`` as its .srt, with the result naming
    both."""
    from chainrule.exchange import RenderedFiles

    video, srt = work / "Demo_l.mp4", work / "Demo_l.srt"
    tiny_video(video, int(sum(section["duration"] for section in sections)))
    srt.write_text(subtitles, encoding="utf-8")
    return RenderedFiles("Demo", "Demo_l", video=str(video), subtitles=str(srt), sections=sections)
