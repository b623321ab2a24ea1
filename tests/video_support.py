"""A tiny real video for tests of publishing (PyAV, 32x32, one black frame per second)."""

from __future__ import annotations

from pathlib import Path


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
