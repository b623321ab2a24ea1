"""The render plan: what one ``chainrule render`` draws, built once before anything is drawn.

A :class:`RenderPlan` holds the validated settings, the verified derivation and, per scene
asked for, its :class:`RenderUnit` s with their complete cache keys
(:mod:`chainrule.rendering.keys`).
A scene that renders in parts (a ``part`` class attribute and ``segments_for(derivation)``: the
lecture) has one unit per segment: unit ``k`` is the scene with ``part = k``, which starts with
the steps the parts before it narrate counted as begun. Other scenes are one unit.

Units are frozen, picklable values: an executor (:mod:`chainrule.rendering.executors`) hands them to
worker processes, on this machine or on a Dask cluster, which draw them
(:func:`chainrule.rendering.drawing.draw_unit`); the parts of a scene are then joined
(:mod:`chainrule.rendering.joining`) and published (:mod:`chainrule.publishing.manifest`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainrule.catalog import Catalog, estimated_seconds, narrated_ids_of, scene_path, summary
from chainrule.exchange import RenderUnit, VideoFormat
from chainrule.rendering.keys import scene_sources, unit_key
from chainrule.settings.model import Settings
from chainrule.settings.scene_settings import resolved, scene_settings
from derivations import Derivation, StepId
from scenes.narration import StepVoice

if TYPE_CHECKING:  # for annotations only: scenes.segment imports Manim
    from scenes.pacing import Pacing
    from scenes.segment import Segment


@dataclass(frozen=True)
class SceneRender:
    """One scene asked for: its units, joined into ``stem`` files in ``work_dir``."""

    scene: str
    stem: str
    work_dir: str
    first_title: str  # the chapter title of what comes before its first section
    units: tuple[RenderUnit, ...]
    summary: str = ""  # the scene's one-line description (its lecture page's subtitle)


@dataclass(frozen=True)
class RenderPlan:
    """Everything one render does, decided before anything is drawn."""

    settings: Settings
    derivation: Derivation  # verified in this process
    scenes: tuple[SceneRender, ...]

    @property
    def units(self) -> tuple[RenderUnit, ...]:
        """Every unit, scene by scene, in order."""
        return tuple(unit for scene in self.scenes for unit in scene.units)


def build_plan(
    settings: Settings,
    derivation: Derivation,
    catalog: Catalog,
    names: list[str],
    video: VideoFormat,
    work: Path,
    cache_dir: Path,
    verbosity: str = "WARNING",
    voices: Mapping[str, StepVoice] | None = None,
) -> RenderPlan:
    """The plan for drawing the scenes ``names`` of ``catalog`` (``derivation`` verified).

    ``voices``: each narrated step's speech timing (a narrated render); a unit carries, and is
    keyed by, the timings of the steps it narrates, so rewording one step redraws only the
    units that say it.
    """

    config = resolved(settings)
    config.pop("output", None)  # size, rate and format are in the key on their own
    config.pop("voice", None)  # what the voice changes is in the units' timings
    voices = voices or {}
    pause = settings.voice.pause if voices else 0.0
    pacing = scene_settings(settings).pacing
    scenes = []
    for name in names:
        cls = catalog.scenes[name]
        folder = work / name
        folder.mkdir(parents=True, exist_ok=True)
        base = RenderUnit.whole_scene(
            name,
            scene_path(cls),
            settings,
            f"{name}_{video.flag}",
            video,
            str(folder),
            str(cache_dir),
            estimate=estimated_seconds(cls, derivation, pacing),
            verbosity=verbosity,
            voice_pause=pause,
        )
        if voices:
            base = _voiced(base, narrated_ids_of(cls, derivation), voices, pause)
        units = _units(base, cls, derivation, pacing, config, voices)
        scenes.append(
            SceneRender(
                name,
                base.stem,
                str(folder),
                "Title" if name == "Lecture" else name,
                tuple(units),
                summary(cls),
            )
        )
    return RenderPlan(settings, derivation, tuple(scenes))


def _voiced(
    unit: RenderUnit, step_ids: tuple[str, ...], voices: Mapping[str, StepVoice], pause: float
) -> RenderUnit:
    """``unit`` carrying the timings of ``step_ids`` (those that have speech), its estimate
    lengthened to the speech where that is longer than reading."""

    voice = tuple(voices[i] for i in step_ids if i in voices)
    spoken = sum(v.seconds + pause for v in voice)
    return replace(unit, voice=voice, estimate=max(unit.estimate, spoken))


def _units(
    base: RenderUnit,
    cls: type,
    derivation: Derivation,
    pacing: Pacing,
    config: dict[str, Any],
    voices: Mapping[str, StepVoice],
) -> list[RenderUnit]:

    segments = _segments(cls, derivation, base.video_format)
    if not segments:
        key = _key(base, config, None, (), scene_sources(cls.__module__))
        return [replace(base, key=key)]
    weights = [
        1.0
        + sum(
            max(
                pacing.reading_time(derivation.step(i).narration),
                voices[str(i)].seconds if str(i) in voices else 0.0,
            )
            for i in segment.step_ids_for(derivation)
        )
        for segment in segments
    ]
    modules = frozenset(segment.__module__ for segment in segments)
    units = []
    for index, segment in enumerate(segments):
        before = tuple(
            str(step) for earlier in segments[:index] for step in _narrated(earlier, derivation)
        )
        folder = Path(base.work_dir) / f"part{index:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        own = tuple(str(step) for step in _narrated(segment, derivation) if str(step) not in before)
        part = replace(
            base,
            part=index,
            stem=f"{base.stem}_part{index:02d}",
            label=f"{base.scene}[{index}:{segment.__name__.removesuffix('Segment')}]",
            work_dir=str(folder),
            estimate=base.estimate * weights[index] / sum(weights),
            voice=tuple(v for v in base.voice if v.step_id in own),
        )
        sources = scene_sources(cls.__module__, segment.__module__, modules - {segment.__module__})
        units.append(replace(part, key=_key(part, config, segment, before, sources)))
    return units


def _segments(cls: type, derivation: Derivation, video_format: str) -> tuple[type[Segment], ...]:
    segments_for = getattr(cls, "segments_for", None)
    if video_format == "gif" or not hasattr(cls, "part") or segments_for is None:
        return ()  # gif: Manim re-times every frame of a gif, so it is rendered whole
    return tuple(segments_for(derivation))


def _narrated(segment: type[Segment], derivation: Derivation) -> tuple[StepId | str, ...]:
    """The steps a segment counts as begun for the parts after it."""
    narrated = getattr(segment, "narrated_ids_for", None) or segment.step_ids_for
    return tuple(narrated(derivation))


def _key(
    unit: RenderUnit,
    config: dict[str, Any],
    segment: type | None,
    before: tuple[str, ...],
    sources: dict[str, str],
) -> str:

    shown = dict(config)
    if unit.part:  # only the title card (part 0) shows the labels
        shown.pop("labels", None)
    return unit_key(
        {
            "scene": unit.scene_path,
            "part": unit.part,
            "segment": getattr(segment, "__qualname__", None),
            "before": list(before),
            "config": shown,
            "size": [unit.width, unit.height],
            "fps": unit.fps,
            "format": unit.video_format,
            "sources": sources,
            "voice": [asdict(v) for v in unit.voice],
            "pause": unit.voice_pause,
        }
    )


__all__ = ["RenderPlan", "RenderUnit", "SceneRender", "VideoFormat", "build_plan"]
