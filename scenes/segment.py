"""Segments: the body of a scene as a plain object, so one lecture can play them all.

A :class:`Segment` holds a :class:`~scenes.base.DerivationScene` and plays its steps on it.
A scene that renders one segment on its own is two lines::

    class WhyTranspose(SegmentScene):
        segment = TransposeSegment

and :class:`~scenes.lecture.Lecture` plays several segments one after another on itself.

Inside a segment, ``self.scene.play(...)`` plays an animation (``play`` is the segment's own
method); every other scene attribute (``theme``, ``t``, ``begin_step``, ``end_step``,
``steps``, ``wait``, ``add`` ...) is reachable as ``self.<name>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from derivations.speech import subtitle_text
from derivations.steps import Step
from derivations.vocabulary import StepId

from .base import DerivationError, DerivationScene, stage_section_type

if TYPE_CHECKING:
    from manim import Animation

    from derivations import Derivation

    from .pacing import Pacing


class Segment:
    """One lecture segment played on ``scene``.

    Subclasses set ``step_ids`` (the steps they need, in order, as
    :class:`~derivations.vocabulary.StepId` s; their text ``"dZ1.fold"`` works too) or override
    :meth:`step_ids_for` when the steps depend on the network (e.g. one group per layer), and
    implement :meth:`play`. A segment that draws some steps without reading them out (a
    formula, the forward equations) names the ones it reads out in :meth:`narrated_ids_for`.

    Examples
    --------
    >>> class Nothing(Segment):
    ...     step_ids = ("dZ1.fold",)
    ...     def play(self) -> None:
    ...         pass
    >>> Nothing.step_ids_for(None)
    ('dZ1.fold',)
    """

    step_ids: ClassVar[tuple[StepId | str, ...]] = ()

    def __init__(self, scene: DerivationScene) -> None:
        self.scene = scene
        missing = [i for i in self.step_ids_for(scene.derivation) if i not in scene.steps]
        if missing:
            raise DerivationError(
                f"{type(self).__name__} needs step(s) {', '.join(map(str, missing))} that the "
                f"derivation for {scene.spec.describe()} does not have; it has: "
                f"{', '.join(map(str, scene.steps))}"
            )

    @classmethod
    def step_ids_for(cls, derivation: Derivation | None) -> tuple[StepId | str, ...]:
        """The ids of the steps this segment shows for ``derivation``."""
        return cls.step_ids

    @classmethod
    def narrated_ids_for(cls, derivation: Derivation | None) -> tuple[StepId | str, ...]:
        """The steps whose narration the segment reads out, in order: by default all of
        :meth:`step_ids_for`; a segment that only draws data of some steps (a formula, the
        forward equations) leaves those out."""
        return cls.step_ids_for(derivation)

    def step(self, step_id: StepId | str) -> Step:
        """The step called ``step_id``."""
        return self.scene.steps[StepId.parse(step_id)]

    def begin_step(
        self, step: Step | StepId | str, show_title: bool = True, along: Sequence[Animation] = ()
    ) -> Step:
        """Start ``step`` on the scene (see :meth:`DerivationScene.begin_step`).

        A step another segment of the same scene has already begun (in a lecture, ``FoldBack``
        and ``WhyTranspose`` both show ``dZ1.transpose``) gets a section marked as continued
        and no second subcaption: the narration is not repeated.
        """
        if not isinstance(step, Step):
            step = self.scene.steps[StepId.parse(step)]
        if step.id not in self.scene.begun:
            return self.scene.begin_step(step, show_title, along)
        self.scene.next_section(f"{step.title} (continued)", section_type=stage_section_type(step))
        self.scene.clear_if_pending()
        if show_title:
            self.scene.show_title(step, along)
        elif along:
            self.scene.play(*along, run_time=self.t(0.5))
        return step

    def beat_starts(self, narration: str, beats: tuple[str, ...], start: float) -> list[float]:
        """When each beat after the first starts (scene time): the beats are the sentences of
        ``narration`` in order, started at ``start``; each gets its share of the narration's
        characters of the time the step's cues (or speech) take."""
        span = max(self.scene._caption_end - start, 0.0)
        total = max(len(narration), 1)
        return [start + span * (len(" ".join(beats[:k])) + 1) / total for k in range(1, len(beats))]

    def wait_until(self, moment: float) -> None:
        """Hold the frame until ``moment`` (scene time), if it is still ahead."""
        ahead = moment - float(self.scene.time)
        if ahead > 1e-3:
            self.scene.wait(ahead)

    def play(self) -> None:
        """Play the segment's animations on the scene."""
        raise NotImplementedError(f"{type(self).__name__} must implement play()")

    def __getattr__(self, name: str) -> Any:
        # Only called for names the segment lacks: theme, t, begin_step, wait, ...
        if name == "scene":
            raise AttributeError(name)
        return getattr(self.scene, name)


class SegmentScene(DerivationScene):
    """A scene that plays one :class:`Segment` (set ``segment`` in the subclass)."""

    segment: ClassVar[type[Segment]]

    def construct(self) -> None:
        self.segment(self).play()

    @classmethod
    def estimated_duration(cls, derivation: Derivation, pacing: Pacing) -> float:
        """A lower bound of the length: the reading time of the segment's narrations."""
        return sum(
            pacing.reading_time(subtitle_text(derivation.step(step_id).narration))
            for step_id in cls.segment.narrated_ids_for(derivation)
        )


__all__ = ["Segment", "SegmentScene"]
