"""Contracts of ``manim_adapter``'s writing patches against stock Manim: held frames show the
stock frames at every sampled time, joined videos last the sum of their parts (the camera's
contract: ``tests/manim_adapter/test_camera.py``; shared glyph paths:
``tests/manim_adapter/test_speedups.py``)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

av = pytest.importorskip("av")

from manim import (  # noqa: E402
    BLUE,
    RED,
    RIGHT,
    Camera,
    FadeIn,
    Scene,
    Square,
    tempconfig,
)

from manim_adapter.concat import concat_videos  # noqa: E402

# ---------------------------------------------------------------------- held frames

FPS = 10
TINY = {
    "pixel_width": 64,
    "pixel_height": 36,
    "frame_rate": FPS,
    "disable_caching": True,
    "verbosity": "WARNING",
    "progress_bar": "none",
    "video_encoder_options": {"crf": "0", "preset": "ultrafast"},
}  # lossless: exact frames


class StillAndMoving(Scene):
    """A fade, a hold, a move with a colour change, a hold: still frames between motion."""

    def construct(self) -> None:
        square = Square(color=RED, fill_opacity=1).scale(2)
        self.play(FadeIn(square), run_time=0.5)
        self.wait(1.2)
        self.play(square.animate.shift(2 * RIGHT).set_color(BLUE), run_time=0.5)
        self.wait(0.75)


def render_tiny(media: Path, held: bool) -> Path:
    """Render :class:`StillAndMoving` into ``media``, with held frames or as stock Manim."""
    from manim.renderer.cairo_renderer import CairoRenderer

    from manim_adapter.holding import HoldingFileWriter

    # its own text folder: Manim's text cache ignores the pixel width Pango wraps lines at
    with tempconfig({**TINY, "media_dir": str(media), "text_dir": str(media / "texts")}):
        renderer = (
            CairoRenderer(file_writer_class=HoldingFileWriter, camera_class=Camera)
            if held
            else None
        )
        scene = StillAndMoving(renderer=renderer)
        scene.render()
        return Path(scene.renderer.file_writer.movie_file_path)


def decoded(path: Path) -> tuple[list[float], list[np.ndarray], float]:
    """Each frame's time and RGB pixels, and the video's duration in seconds."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [
            (float(frame.time), frame.to_ndarray(format="rgb24"))
            for frame in container.decode(stream)
        ]
        duration = float(stream.duration * stream.time_base)
    return [t for t, _ in frames], [pixels for _, pixels in frames], duration


def shown_at(times: list[float], pixels: list[np.ndarray], t: float) -> np.ndarray:
    """The frame on screen at time ``t``: the last one that started at or before it."""
    index = int(np.searchsorted(np.array(times), t + 1e-9, side="right")) - 1
    return pixels[max(index, 0)]


@pytest.fixture(scope="module")
def stock_and_held(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("held")
    return render_tiny(folder / "stock", held=False), render_tiny(folder / "held", held=True)


def test_held_frames_show_the_stock_frames_at_every_sampled_time(
    stock_and_held: tuple[Path, Path],
) -> None:
    stock, held = (decoded(path) for path in stock_and_held)
    stock_times, stock_pixels, stock_duration = stock
    held_times, held_pixels, held_duration = held
    assert held_duration == pytest.approx(stock_duration, abs=1e-6)
    assert len(held_times) < len(stock_times)  # the holds were encoded once, not N times
    count = round(stock_duration * FPS)
    assert len(stock_times) == count
    for k in range(4 * count):  # four samples a frame, from the start to the last frame
        t = k / (4 * FPS)
        ours = shown_at(held_times, held_pixels, t).astype(int)
        theirs = shown_at(stock_times, stock_pixels, t).astype(int)
        assert np.abs(ours - theirs).max() <= 1, f"frames differ at t = {t:.3f} s"


def test_held_frames_render_nothing_but_the_stock_pictures(
    stock_and_held: tuple[Path, Path],
) -> None:
    """The pictures differ from frame to frame (so the comparison above means something)."""
    _, pixels, _ = decoded(stock_and_held[0])
    assert len({p.tobytes() for p in pixels}) > 5


# ---------------------------------------------------------------------- joined videos


def encode_clip(path: Path, holds: list[int], shade: int) -> None:
    """A clip of one frame per entry of ``holds``, each held that many frame durations."""
    from manim._config.video_encoder import VideoEncoderSpec

    from manim_adapter.holding import HoldingSegmentEncoder

    spec = VideoEncoderSpec(
        container_format="mp4",
        codec="libx264",
        pixel_format="yuv420p",
        width=64,
        height=36,
        frame_rate=Fraction(FPS),
        options=(("crf", "0"), ("preset", "ultrafast")),
    )
    encoder = HoldingSegmentEncoder(target=path, spec=spec)
    for index, repeat in enumerate(holds):
        pixels = np.full((36, 64, 4), 255, dtype=np.uint8)
        pixels[..., 0] = (shade + 40 * index) % 256
        encoder.write_frame(pixels, repeat=repeat)
    encoder.finish()


def test_joined_clips_last_the_sum_of_their_durations_and_frames(tmp_path: Path) -> None:
    plans = [[1, 1, 5], [3, 1], [1, 1, 1, 4, 2]]  # held and single frames, ending on holds
    clips = []
    for number, holds in enumerate(plans):
        clips.append(tmp_path / f"clip{number}.mp4")
        encode_clip(clips[-1], holds, shade=60 * number)
    parts = [decoded(clip) for clip in clips]
    for (_, _, duration), holds in zip(parts, plans, strict=True):
        assert duration == pytest.approx(sum(holds) / FPS, abs=1e-6)

    joined = tmp_path / "joined.mp4"
    returned = concat_videos(clips, joined)
    times, pixels, duration = decoded(joined)
    total = sum(part[2] for part in parts)
    assert returned == pytest.approx(total, abs=1e-6)
    assert duration == pytest.approx(total, abs=1e-6)
    assert len(times) == sum(len(part[0]) for part in parts)
    offset = 0.0
    for part_times, part_pixels, part_duration in parts:  # each clip starts where one ends
        for t, picture in zip(part_times, part_pixels, strict=True):
            assert (
                np.abs(shown_at(times, pixels, offset + t).astype(int) - picture.astype(int)).max()
                <= 1
            )
        offset += part_duration
