"""Draw one render unit (a scene, or one part of the lecture) with Manim, in this process.

A unit is drawn as a subclass of its scene made on the fly,
``type(name, (SceneClass,), {"spec": ..., "theme": ..., "pacing": ...})`` (plus ``title`` and
``course`` for a scene that has them, the lecture), inside ``tempconfig(...)`` so the global
Manim config is never changed for good. Its ``build_derivation`` returns a derivation this
process verified: the command's own (drawing in the command's process) or one built and
verified once per worker process (:func:`chainrule.verification.verified_derivation`); an
unverified one is verified before anything is drawn, and a wrong one refused. Manim writes the
video, the ``.srt`` subcaptions and the section videos into the unit's work folder;
:mod:`chainrule.publishing.manifest` moves finished files into the output folder. Worker processes
call
:func:`draw_unit` through :mod:`chainrule.rendering.workers` or a Dask worker.
"""

from __future__ import annotations

import json
import time
import traceback
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from chainrule import stop
from chainrule.catalog import import_manim, scene_by_path
from chainrule.errors import Interrupted
from chainrule.exchange import ENCODER_OPTIONS, MAX_INFLIGHT_ENCODERS, RenderedFiles, Reporter
from chainrule.rendering.cache_folder import free_slot
from chainrule.settings.scene_settings import scene_settings
from chainrule.verification import require_verified, verified_derivation
from manim_adapter.sandbox import latex_sandbox
from scenes.narration import StepVoice

if TYPE_CHECKING:
    from chainrule.exchange import RenderUnit
    from chainrule.settings.scene_settings import SceneSettings
    from derivations import Derivation
    from scenes.base import DerivationScene


def manim_config(job: RenderUnit, tex_slot: Path, partial_dir: Path) -> dict[str, Any]:
    """The ``tempconfig`` mapping for the unit ``job``.

    Manim's own partial-movie cache is off: chainrule caches whole units (see
    :mod:`chainrule.rendering.cache`), which saves hashing every ``play`` call.
    """
    work = Path(job.work_dir)
    return {
        "pixel_width": job.width,
        "pixel_height": job.height,
        "frame_rate": job.fps,
        "frame_width": 8.0 * job.width / job.height,
        "frame_height": 8.0,
        "format": job.video_format,
        "save_sections": True,
        "media_dir": str(work),
        "video_dir": str(work / "video"),
        "sections_dir": str(work / "sections"),
        "images_dir": str(work / "images"),
        "log_dir": str(work / "logs"),
        "partial_movie_dir": str(partial_dir),
        "tex_dir": str(tex_slot / "Tex"),
        # one text folder per width: Manim's text cache ignores the pixel width that Pango
        # wraps lines at, so a narrow render's wrapped title must not reach a wider one
        "text_dir": str(tex_slot / f"texts-{job.width}x{job.height}"),
        "output_file": job.stem,
        "verbosity": job.verbosity,
        "progress_bar": "none",
        "preview": False,
        "show_in_file_browser": False,
        "log_to_file": False,
        "disable_caching": True,
        "max_inflight_encoders": MAX_INFLIGHT_ENCODERS,
        "video_encoder_options": dict(ENCODER_OPTIONS),
        "input_file": "",
        "dry_run": False,
        "write_all": False,
        "from_animation_number": 0,
        "upto_animation_number": -1,
    }


def scene_class(
    base: type[DerivationScene],
    objects: SceneSettings,
    derivation: Derivation,
    report: Reporter | None = None,
    part: int | None = None,
    voice: tuple[StepVoice, ...] = (),
    voice_pause: float = 0.0,
) -> type[DerivationScene]:
    """``base`` with the spec, theme, pacing and labels of ``objects``, and ``derivation``,
    which must hold: one this process has not verified yet is verified first, and a wrong one
    raises :class:`~chainrule.errors.VerificationFailed` (nothing is drawn). ``voice``: the
    speech timings of a narrated render (none: timed by reading, silent).

    Labels (``title``, ``course``) are set only where ``base`` has such string attributes;
    ``part`` (render one part of a scene made of parts) only when it is given.
    """

    verified = require_verified(derivation)
    attrs: dict[str, Any] = {
        "spec": objects.spec,
        "theme": objects.theme,
        "pacing": objects.pacing,
        "build_derivation": classmethod(lambda cls: verified),
        "__module__": base.__module__,
        "__doc__": base.__doc__,
        "__qualname__": base.__qualname__,
    }
    for key, value in objects.labels.items():  # title, course: the lecture's
        if isinstance(getattr(base, key, None), str):
            attrs[key] = value
    if part is not None:
        attrs["part"] = part
    if voice:
        attrs["voice"] = MappingProxyType({v.step_id: v for v in voice})
        attrs["voice_pause"] = voice_pause
    name = base.__name__

    def play(self: DerivationScene, *args: object, **kwargs: object) -> None:
        stop.raise_if_requested()
        base.play(self, *args, **kwargs)  # as super(): the class made below has one base
        stop.raise_if_requested()
        if report is not None:
            report(name, float(self.time))

    attrs["play"] = play
    return type(name, (base,), attrs)


def draw_unit(
    unit: RenderUnit, derivation: Derivation | None = None, report: Reporter | None = None
) -> RenderedFiles:
    """Draw ``unit`` with Manim in this process; never raises for a failure (see
    :attr:`RenderedFiles.error`), except a stop (Ctrl-C, SIGTERM).

    ``derivation``: the plan's verified derivation when drawing in the command's own process;
    a worker passes none and uses :func:`~chainrule.verification.verified_derivation` (built
    and verified once per process).
    """
    start = time.perf_counter()
    try:
        return _draw(unit, derivation, report, start)
    except (KeyboardInterrupt, Interrupted):
        raise
    except Exception as error:
        return RenderedFiles(
            unit.scene,
            unit.stem,
            render_seconds=time.perf_counter() - start,
            error=f"{type(error).__name__}: {error}",
            traceback=traceback.format_exc(),
        )


def _draw(
    unit: RenderUnit, derivation: Derivation | None, report: Reporter | None, start: float
) -> RenderedFiles:
    from scenes.typeset import precompile_scene

    import_manim()
    from manim import tempconfig

    objects = scene_settings(unit.settings)
    base = scene_by_path(unit.scene_path)
    if derivation is None:
        derivation = verified_derivation(objects.spec)
    if report is not None and unit.label:
        outer, label = report, unit.label
        report = lambda scene, seconds: outer(label, seconds)  # noqa: E731
    cls = scene_class(base, objects, derivation, report, unit.part, unit.voice, unit.voice_pause)
    cache = Path(unit.cache_dir)
    partial_dir = Path(unit.work_dir) / "partial"  # no Manim cache: files are uncached_NNNNN
    with (
        free_slot(cache / "tex") as slot,
        tempconfig(manim_config(unit, slot, partial_dir)),
        latex_sandbox(),
    ):
        precompile_scene(cls, derivation)  # the scene's TeX in one latex + dvisvgm run
        scene = cls()
        scene.render()
    marks = tuple(getattr(scene, "voice_marks", ()))
    return replace(_files_of(unit, time.perf_counter() - start), voice_marks=marks)


def _files_of(unit: RenderUnit, seconds: float) -> RenderedFiles:
    work = Path(unit.work_dir)
    extension = "gif" if unit.video_format == "gif" else unit.video_format
    video = work / "video" / f"{unit.stem}.{extension}"
    if not video.exists():
        raise RuntimeError(f"Manim finished but wrote no video at {video}")
    subtitles = video.with_suffix(".srt")
    index = work / "sections" / f"{unit.stem}.json"
    sections: tuple[dict[str, Any], ...] = ()
    if index.exists():
        sections = tuple(json.loads(index.read_text(encoding="utf-8")))
    return RenderedFiles(
        unit.scene,
        unit.stem,
        video=str(video),
        subtitles=str(subtitles) if subtitles.exists() else None,
        sections=sections,
        sections_dir=str(work / "sections"),
        render_seconds=seconds,
    )


__all__ = [
    "draw_unit",
    "manim_config",
    "scene_class",
]
