"""One small render unit, for the tests that draw a scene in a worker or configure Manim for
it."""

from __future__ import annotations

from pathlib import Path

from chainrule.exchange import RenderUnit
from chainrule.settings.model import Settings


def tiny_unit(tmp_path: Path, width: int = 64, height: int = 36) -> RenderUnit:
    """WhyTranspose at ``width`` x ``height`` and 5 fps with the default settings, working in
    ``tmp_path/work`` (made here) with its cache in ``tmp_path/cache``."""
    (tmp_path / "work").mkdir(exist_ok=True)
    return RenderUnit(
        scene="WhyTranspose",
        scene_path="scenes.transpose:WhyTranspose",
        settings=Settings(),
        stem="w",
        video_format="mp4",
        width=width,
        height=height,
        fps=5,
        work_dir=str(tmp_path / "work"),
        cache_dir=str(tmp_path / "cache"),
        key="",
        label="WhyTranspose",
    )
