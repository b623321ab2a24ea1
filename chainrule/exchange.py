"""The values the rendering stages hand each other: what to draw and what drawing produced.

A :class:`RenderUnit` is made by the plan (:mod:`chainrule.rendering.plan`), sent to an
executor and drawn (:mod:`chainrule.rendering.drawing`) into :class:`RenderedFiles`, which are
cached, joined and published. They are frozen, picklable values, so a unit can go to another
process or machine; this module imports nothing else of chainrule's at run time, so every stage
can import it without an import circle.

>>> unit_format = VideoFormat(854, 480, 15, "mp4", "l")
>>> unit_format.width, unit_format.flag
(854, 'l')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scenes.narration import StepVoice, VoiceMark

if TYPE_CHECKING:  # for the annotation only: the settings model is a stage of its own
    from chainrule.settings.model import Settings


@dataclass(frozen=True)
class VideoFormat:
    """The pictures asked for: pixel size, frame rate, container, and the quality's flag
    (``l``, ``m``, ...) used in file names."""

    width: int
    height: int
    fps: int
    container: str  # mp4 | webm | gif (png output draws mp4 sections)
    flag: str


@dataclass(frozen=True)
class RenderUnit:
    """One thing to draw (a scene, or one part of a scene rendered in parts) with everything
    a process needs to draw it; picklable, so it can go to another process or machine."""

    scene: str  # the scene's name, e.g. "Lecture"
    scene_path: str  # its class, "module:QualifiedName"
    settings: Settings
    stem: str  # file name without extension, e.g. "Lecture_l_part03"
    video_format: str  # mp4 | webm | gif
    width: int
    height: int
    fps: int
    work_dir: str  # where the drawing process writes (under the cache folder)
    cache_dir: str
    key: str  # the cache key (chainrule.rendering.keys)
    label: str  # what progress reports call it, e.g. "Lecture[3:Partials]"
    estimate: float = 0.0  # seconds of video expected
    part: int | None = None  # the part of a scene made of parts
    verbosity: str = "WARNING"
    voice: tuple[StepVoice, ...] = ()  # the speech of the steps it narrates (none: silent)
    voice_pause: float = 0.0  # seconds held after each step's speech

    @classmethod
    def whole_scene(
        cls,
        scene: str,
        scene_path: str,
        settings: Settings,
        stem: str,
        video: VideoFormat,
        work_dir: str,
        cache_dir: str,
        **more: Any,  # Any: the other fields, each of its own type
    ) -> RenderUnit:
        """The unit drawing all of ``scene`` in ``video``'s size, rate and container, labelled
        with its name and not yet keyed; ``more`` sets the other fields (``estimate`` …)."""
        return cls(
            scene=scene,
            scene_path=scene_path,
            settings=settings,
            stem=stem,
            video_format=video.container,
            width=video.width,
            height=video.height,
            fps=video.fps,
            work_dir=work_dir,
            cache_dir=cache_dir,
            key="",
            label=scene,
            **more,
        )


#: Called with (scene name, seconds of video rendered so far) after each ``play``/``wait``.
Reporter = Callable[[str, float], None]

#: Encoder options (libx264, crf 23 as Manim). Measured on 150 frames decoded from a 1080p
#: FoldBack video: ``veryfast`` 29 ms of CPU a frame, 40.0 dB PSNR; ``superfast`` 16 ms,
#: 43.2 dB, at 2.2 times the bytes (the whole 1080p lecture is 17 MB). Flat-coloured formulas
#: compress well either way, so the encoder's CPU time, shared with drawing on two cores, matters
#: more.
ENCODER_OPTIONS = {"crf": "23", "preset": "superfast"}
#: Partial movies being encoded while the next animation is drawn (Manim's default, 1, makes
#: the drawing wait for the encoder at the end of every animation).
MAX_INFLIGHT_ENCODERS = 2


@dataclass(frozen=True)
class RenderedFiles:
    """What drawing a unit (or joining a scene's units) produced, as paths inside the unit's
    work folder, or why it failed (``error``, with the ``traceback``)."""

    scene: str
    stem: str
    video: str | None = None
    subtitles: str | None = None
    sections: tuple[dict[str, Any], ...] = ()
    sections_dir: str | None = None
    voice_marks: tuple[VoiceMark, ...] = ()  # where each step's speech starts in the video
    render_seconds: float = 0.0
    error: str | None = None
    traceback: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


__all__ = [
    "ENCODER_OPTIONS",
    "MAX_INFLIGHT_ENCODERS",
    "RenderUnit",
    "RenderedFiles",
    "Reporter",
    "VideoFormat",
]
