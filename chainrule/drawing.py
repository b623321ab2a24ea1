"""Render one scene with Manim, in this process or in a worker process.

A scene is rendered as a subclass made on the fly,
``type(name, (SceneClass,), {"spec": ..., "theme": ..., "pacing": ...})`` (plus ``title`` and
``course`` for a scene that has them, the lecture),
inside ``tempconfig(...)`` so the global Manim config is never changed for good. Its
``build_derivation`` returns the derivation the CLI already verified (in a worker, the same
derivation built again from the same spec). Manim writes the video, the ``.srt`` subcaptions
and the section videos into a private work folder; :mod:`chainrule.publish` moves finished
files into the output folder.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import stop
from .errors import Interrupted

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
class SceneJob:
    """Everything a (possibly separate) process needs to render one scene; picklable."""

    scene: str
    settings: dict[str, Any]
    stem: str                  # output name without extension, e.g. "ExpandToScalars_l"
    video_format: str          # mp4 | webm | gif (png output renders mp4 sections)
    width: int
    height: int
    fps: int
    work_dir: str
    cache_dir: str
    verbosity: str = "WARNING"
    part: int | None = None    # render only this part of a scene made of parts (the lecture)
    label: str = ""            # what progress reports call it (default: the scene's name)


@dataclass(frozen=True)
class SceneResult:
    """What a render produced (paths inside the job's work folder), or why it failed."""

    scene: str
    stem: str
    video: str | None = None
    subtitles: str | None = None
    sections: tuple[dict[str, Any], ...] = ()
    sections_dir: str | None = None
    render_seconds: float = 0.0
    error: str | None = None
    traceback: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def manim_config(job: SceneJob, tex_slot: Path, partial_dir: Path) -> dict[str, Any]:
    """The ``tempconfig`` mapping for ``job``.

    Manim's own partial-movie cache is off: chainrule caches whole units (see
    :mod:`chainrule.parts`), which saves hashing every ``play`` call.
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
        "text_dir": str(tex_slot / "texts"),
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


def scene_class(base: type, settings: Any, derivation: Any,
                report: Reporter | None = None, part: int | None = None) -> type:
    """``base`` with the settings' spec, theme, pacing and labels, and the given derivation.

    Labels (``title``, ``course``) are set only where ``base`` has such string attributes;
    ``part`` (render one part of a scene made of parts) only when it is given.
    """
    spec = settings.network.spec()
    attrs: dict[str, Any] = {
        "spec": spec,
        "theme": settings.theme_object(),
        "pacing": settings.pacing_object(),
        "build_derivation": classmethod(lambda cls: derivation),
        "__module__": base.__module__,
        "__doc__": base.__doc__,
        "__qualname__": base.__qualname__,
    }
    for key, value in settings.labels.overrides().items():  # title, course: the lecture's
        if isinstance(getattr(base, key, None), str):
            attrs[key] = value
    if part is not None:
        attrs["part"] = part
    cls = type(base.__name__, (base,), attrs)
    name = base.__name__

    def play(self: Any, *args: Any, **kwargs: Any) -> None:
        stop.raise_if_requested()
        super(cls, self).play(*args, **kwargs)  # type: ignore[misc]
        stop.raise_if_requested()
        if report is not None:
            report(name, float(self.time))

    cls.play = play  # type: ignore[attr-defined]
    return cls


@lru_cache(maxsize=8)
def _derivation_for(spec: Any) -> Any:
    from derivations import derive

    return derive(spec)


def render_job(job: SceneJob, derivation: Any = None, report: Reporter | None = None
               ) -> SceneResult:
    """Render ``job``; never raises for a render failure (see :attr:`SceneResult.error`)."""
    start = time.perf_counter()
    try:
        return _render(job, derivation, report, start)
    except (KeyboardInterrupt, Interrupted):
        raise
    except Exception as error:
        return SceneResult(job.scene, job.stem, render_seconds=time.perf_counter() - start,
                           error=f"{type(error).__name__}: {error}",
                           traceback=traceback.format_exc())


def _render(job: SceneJob, derivation: Any, report: Reporter | None, start: float
            ) -> SceneResult:
    from .cache import free_slot
    from .catalog import discover, import_manim
    from .config import Settings
    from .texbatch import precompile_scene
    from .texsafe import latex_sandbox

    import_manim()
    from manim import tempconfig

    settings = Settings.model_validate(job.settings)
    base = discover().get(job.scene)
    if derivation is None:
        derivation = _derivation_for(settings.network.spec())
    if report is not None and job.label:
        outer, label = report, job.label
        report = lambda scene, seconds: outer(label, seconds)  # noqa: E731
    cls = scene_class(base, settings, derivation, report, job.part)
    cache = Path(job.cache_dir)
    partial_dir = Path(job.work_dir) / "partial"  # no Manim cache: files are uncached_NNNNN
    with free_slot(cache / "tex") as slot:
        with tempconfig(manim_config(job, slot, partial_dir)), latex_sandbox():
            precompile_scene(cls, derivation)  # the scene's TeX in one latex + dvisvgm run
            scene = cls()
            scene.render()
    work = Path(job.work_dir)
    extension = "gif" if job.video_format == "gif" else job.video_format
    video = work / "video" / f"{job.stem}.{extension}"
    if not video.exists():
        raise RuntimeError(f"Manim finished but wrote no video at {video}")
    subtitles = video.with_suffix(".srt")
    index = work / "sections" / f"{job.stem}.json"
    sections: tuple[dict[str, Any], ...] = ()
    if index.exists():
        import json

        sections = tuple(json.loads(index.read_text(encoding="utf-8")))
    return SceneResult(job.scene, job.stem, video=str(video),
                       subtitles=str(subtitles) if subtitles.exists() else None,
                       sections=sections, sections_dir=str(work / "sections"),
                       render_seconds=time.perf_counter() - start)


# ---------------------------------------------------------------------- worker processes

_QUEUE: Any = None


def init_worker(queue: Any) -> None:
    """Process-pool initializer: remember the progress queue."""
    global _QUEUE
    _QUEUE = queue
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    # and stops a worker with SIGTERM: exit through Python so its semaphores are released
    signal.signal(signal.SIGTERM, _exit_on_term)
    sys.unraisablehook = stop.quiet_unraisable
    # Manim's tqdm would otherwise create a process-shared lock (a named semaphore) in each
    # worker; a worker ended after EXIT_GRACE cannot release it, and the resource tracker
    # then prints a "leaked semaphore" warning under the one-line message. A worker is one
    # process: a thread lock does.
    import threading

    import tqdm

    tqdm.tqdm.set_lock(threading.RLock())


#: Seconds a stopped worker may take to exit through Python before it exits at once.
EXIT_GRACE = 2.0


def _exit_on_term(signum: int, frame: Any) -> None:
    """Leave through Python (locks held in ``with`` blocks are released on the way), and make
    sure the process does end: Manim's partial-movie encoder threads are not daemons and wait
    for frames that will never come, so without the timer the interpreter's final join of
    threads could wait forever (seen as a hung Ctrl-C under load)."""
    stop.request(signum)  # a worker's play() raises it again if this one is swallowed
    import os
    import threading

    timer = threading.Timer(EXIT_GRACE, os._exit, args=(128 + signum,))
    timer.daemon = True
    timer.start()
    raise SystemExit(128 + signum)


def _queue_report(scene: str, seconds: float) -> None:
    if _QUEUE is not None:
        _QUEUE.put((scene, seconds))


def render_in_worker(job: SceneJob) -> SceneResult:
    """:func:`render_job` in a worker process, reporting progress through the queue."""
    return render_job(job, report=_queue_report)


__all__ = ["SceneJob", "SceneResult", "init_worker", "manim_config", "render_in_worker",
           "render_job", "scene_class"]
