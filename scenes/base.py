"""``DerivationScene``: a Manim scene that shows steps of a verified derivation.

Subclasses (one per lecture segment) set which steps they show; educators subclass them again
to change the network, the colours or the pacing::

    from derivations import NetworkSpec
    from scenes.expand import ExpandToScalars

    class BigReluExpand(ExpandToScalars):
        spec = NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu")

The derivation is built and verified in :meth:`DerivationScene.setup`, before any frame is
drawn: a step that fails verification stops the render with that step's id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import Any, ClassVar, cast

from manim import (
    DOWN,
    UP,
    Animation,
    AnimationGroup,
    Camera,
    FadeIn,
    FadeOut,
    ManimColor,
    MathTex,
    Scene,
    VMobject,
    config,
)

from derivations import VerificationError, derive
from derivations.sequence_plan import QUESTION
from derivations.spec import NetworkSpec
from derivations.speech import subtitle_text
from derivations.steps import Stage, Step
from derivations.vocabulary import StepId, StepKind
from manim_adapter.camera import PathCamera
from manim_adapter.fastwrite import holding_renderer
from manim_adapter.speedups import enabled as speedups_enabled
from manim_adapter.speedups import install as _install_speedups

from .captions import split_narration, timed_cues, wrap
from .equations import EquationTex
from .layout import Box, place_title, stack_boxes
from .narration import StepVoice, VoiceMark
from .pacing import Pacing
from .theme import Theme
from .words import title_part

if speedups_enabled():
    _install_speedups()


class DerivationError(RuntimeError):
    """The derivation behind a scene failed verification; the message names the step."""


def still_wait_covering(seconds: float, frame_rate: float) -> float:
    """The ``wait`` duration that holds the frame for at least ``seconds``.

    A still ``wait`` lasts a whole number of frames, rounded *down* (``wait(0.51)`` at 15 fps
    is 7 frames, 0.467 s), so a step ended with a plain wait would give the next subtitle a
    start a frame before the last one's end. Ask for the frames needed plus half a frame.

    >>> round(still_wait_covering(0.51, 15) * 15, 6)  # 8 frames, + half that rounds away
    8.5
    >>> round(still_wait_covering(0.2, 15) * 15, 6)   # exactly 3 frames: still 3 (+ half)
    3.5
    """
    frames = math.ceil(seconds * frame_rate - 1e-6)
    return (frames + 0.5) / frame_rate


def caption_lines(cue: str) -> str:
    r"""A cue as a subtitle's text: its lines of at most 42 characters, one per line.

    >>> caption_lines("Row i of W[2]ᵀ times column j of dZ[2], times g′ of the same entry.")
    'Row i of W[2]ᵀ times column j of dZ[2],\ntimes g′ of the same entry.'
    """
    return "\n".join(wrap(cue))


#: A sentence ends at ``.``, ``!`` or ``?`` before a word that starts like a sentence (a
#: capital, a digit, a bracket): the voice cuts its speech into sentences the same way
#: (:func:`chainrule.voice.lines.split_sentences`), so its cues and these offsets agree.
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z0-9(\[]")
#: The same rule as a splitter: the sentences themselves.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")


def sentence_offsets(narration: str, pacing: Pacing) -> tuple[float, ...]:
    """When each sentence of ``narration`` starts, in seconds after its first cue, when the
    cues are timed by reading speed (:meth:`Pacing.cue_times`): a cue that follows the end of
    a sentence (:data:`_SENTENCE_BREAK`) starts one.

    >>> pacing = Pacing(min_caption_seconds=1.0, words_per_minute=60)
    >>> sentence_offsets("One two. Three four five. ℒ is six.", pacing)
    (0.0, 2.0)
    """
    offsets: list[float] = []
    offset, previous = 0.0, ""
    for cue, seconds in zip(split_narration(narration), pacing.cue_times(narration), strict=True):
        if not offsets or _SENTENCE_BREAK.search(previous[-1:] + " " + cue[:1]):
            offsets.append(offset)
        offset, previous = offset + seconds, cue
    return tuple(offsets)


@lru_cache(maxsize=16)
def verified_derivation(spec: NetworkSpec) -> Any:
    """The derivation for ``spec``, verified (cached per spec: sympy work is slow).

    Raises :class:`DerivationError` naming the failing step when verification fails.
    """

    try:
        return derive(spec).verify()
    except VerificationError as error:  # names the step; re-raised with the scene's context
        raise DerivationError(
            f"the derivation for {spec.describe()} failed verification, so "
            f"no scene is rendered: {error}"
        ) from error


#: Manim section type of a step's section: this prefix, then :func:`argument_stage` (the video's
#: chapters, :mod:`chainrule.publishing.chapters`, merge short sections within a stage first).
STAGE_SECTION_TYPE = "chainrule.stage:"
#: The step targets (:class:`~derivations.vocabulary.StepId` targets, not part names) whose steps
#: are staged by the seed's method (dZ[1]'s argument) or by the ending; every other target is
#: staged by its layer.
STAGED_TARGETS = frozenset({"dZ1", "general"})


def lecture_part(step: Step) -> str:
    """The part of the lecture ``step`` belongs to: ``part1`` (the map and the question's
    argument, ``dZ[1]``), ``part2`` (the rest of the slide: the turn to it, every other layer's
    gradients, the general recursion) or ``end`` (the recap).

    >>> from derivations import NetworkSpec, derive
    >>> d = derive(NetworkSpec())
    >>> [lecture_part(d.step(i)) for i in ("general.map", "dZ1.fold", "general.part_two",
    ...                                     "dW1.fold", "general.recap")]
    ['part1', 'part1', 'part2', 'part2', 'end']
    """
    if step.stage is Stage.RECAP:
        return "end"
    if step.id.kind is StepKind.MAP or step.target == QUESTION:
        return "part1"
    return "part2"


def argument_stage(step: Step) -> str:
    """The stage of the argument ``step`` belongs to, as a path: its :func:`lecture_part`, then
    ``dZ1/`` or ``general/`` and its :class:`~derivations.steps.Stage` for the steps of
    ``dZ[1]``, of the plan and of the ending, else ``layers/`` and its layer (``dZ[3]``,
    ``dW[3]`` and ``db[3]`` are one stage, a lower layer's folds another).

    >>> from derivations import NetworkSpec, derive
    >>> d = derive(NetworkSpec(layer_dims=(2, 3, 2, 1)))
    >>> [argument_stage(d.step(i)) for i in ("dZ1.forward", "db3.fold", "dZ2.fold")]
    ['part1/dZ1/forward', 'part2/layers/3', 'part2/layers/2']
    """
    part = lecture_part(step)
    if step.target in STAGED_TARGETS:
        return f"{part}/{step.target}/{step.stage.value}"
    return f"{part}/layers/{step.target.lstrip('dZWb')}"


def stage_section_type(step: Step) -> str:
    """The Manim section type that names the stage of ``step``'s section."""
    return STAGE_SECTION_TYPE + argument_stage(step)


#: TeX's Computer Modern at a Manim font size is about 1.45 times smaller than the Pango serif
#: titles were drawn in at the same size (measured: 0.267 against 0.387 units for "The network
#: itself" at 36); titles set in TeX are scaled by this so they keep their height.
TITLE_TEX_SCALE = 1.4


def title_tex(step: Step, theme: Theme) -> EquationTex:
    """``step.title`` set in the formulas' own type (:func:`scenes.words.title_part`: its layer
    names such as ``dZ[2]`` as math), in the text colour,
    as tall as a title of the theme's ``title_size`` (:data:`TITLE_TEX_SCALE`)."""
    return EquationTex((title_part(step.title),), theme, theme.title_size * TITLE_TEX_SCALE)


class DerivationScene(Scene):
    """A scene built from the steps of a verified derivation.

    Class attributes educators override: ``spec`` (the network), ``theme`` (colours and type
    sizes) and ``pacing`` (reading speed, animation speed). ``step_ids`` lists the steps the
    scene shows, in order; every one of them is looked up (and so must exist) in
    :meth:`setup`.

    Each step starts with :meth:`begin_step`, which opens a section named after the step's
    title and adds its narration as subcaptions (Manim writes the ``.srt``): one cue of at most
    two lines of 42 characters after another (:mod:`scenes.captions`), each for its reading
    time. :meth:`end_step` waits until the last cue has been read, and until
    ``pacing.equation_hold`` seconds have passed since the step's last new formula appeared
    (a ``MathTex`` that was not on screen before a ``play``), so an equation never vanishes
    the moment its subtitle ends.

    Narrated renders also set ``voice`` (a :class:`~scenes.narration.StepVoice` per step id,
    measured from the real audio) and ``voice_pause``: a voiced step's speech starts where the
    step begins (recorded in :attr:`voice_marks`), its cues follow the spoken sentences, and
    :meth:`end_step` holds the step until the speech is over plus ``voice_pause`` seconds, so
    speech is never cut off and two steps' speech never overlap.
    """

    spec: ClassVar[NetworkSpec] = NetworkSpec()
    theme: ClassVar[Theme] = Theme()
    pacing: ClassVar[Pacing] = Pacing()
    step_ids: ClassVar[tuple[StepId | str, ...]] = ()
    voice: ClassVar[Mapping[str, StepVoice]] = MappingProxyType({})
    voice_pause: ClassVar[float] = 0.6

    derivation: Any
    steps: dict[StepId, Step]

    def __init__(self, renderer: Any = None, **kwargs: Any) -> None:
        # the same pixels with less Python per curve, unless CHAINRULE_SPEEDUPS=0
        kwargs.setdefault("camera_class", PathCamera if speedups_enabled() else Camera)
        if renderer is None:  # still frames encoded once (see manim_adapter.fastwrite)
            renderer = holding_renderer(
                kwargs["camera_class"], kwargs.get("skip_animations", False)
            )
        super().__init__(renderer=renderer, **kwargs)

    @classmethod
    def build_derivation(cls) -> Any:
        """The verified derivation for ``cls.spec`` (raises :class:`DerivationError`)."""
        return verified_derivation(cls.spec)

    def setup(self) -> None:
        """Build and verify the derivation before any frame; look up ``step_ids``."""
        self.derivation = self.build_derivation()
        known = {step.id: step for step in self.derivation.steps}
        missing = [step_id for step_id in self.step_ids if step_id not in known]
        if missing:
            raise DerivationError(
                f"{type(self).__name__} shows step(s) {', '.join(map(str, missing))} that the "
                f"derivation for {self.spec.describe()} does not have; it has: "
                f"{', '.join(map(str, known))}"
            )
        self.steps = known
        # the scenes render with Cairo (a Camera; never OpenGL's camera)
        cast(Camera, self.camera).background_color = ManimColor(self.theme.background)
        self._caption_end = 0.0
        self._sentence_starts: tuple[float, ...] = ()
        self._sentence_texts: tuple[str, ...] = ()
        self._formula_at: float | None = None
        self._formulas: set[int] = set()
        self.begun: list[StepId | str] = []
        self.voice_marks: list[VoiceMark] = []
        self._title: VMobject | None = None
        self.title_box, self.body_box = self.layout_boxes()

    # ---------------------------------------------------------------- layout

    def layout_boxes(self) -> tuple[Box, Box]:
        """The title band and the body below it."""
        title, body = stack_boxes((0.55, 7.0))
        return title, body

    # ---------------------------------------------------------------- timing

    def t(self, seconds: float) -> float:
        """A nominal duration scaled by the pacing's ``speed``."""
        return self.pacing.run_time(seconds)

    def begin_step(
        self, step: Step | StepId | str, show_title: bool = True, along: Sequence[Animation] = ()
    ) -> Step:
        """Start a lecture segment: a section, the subcaption, and the title caption (with
        ``along``, the step's first animations, played with the title so that a section never
        opens on an empty body).

        Returns the step (handy when called with an id).
        """
        if not isinstance(step, Step):
            step = self.steps[StepId.parse(step)]
        self.open_step_section(step)
        self.begun.append(step.id)
        self._formula_at = None
        voice = self.voice.get(str(step.id))
        if voice is None:
            self.show_cues(step.narration)
        else:
            self.speak(voice)
        self.clear_if_pending()
        if show_title:
            self.show_title(step, along)
        elif along:
            self.play(*along, run_time=self.t(0.5))
        return step

    def open_step_section(self, step: Step) -> None:
        """Open the section of ``step``, named after its title. The slides variant of a
        scene (:mod:`chainrule.publishing.slides`) also starts a slide here, with the step's
        narration as
        its speaker notes."""
        self.next_section(step.title, section_type=stage_section_type(step))

    def show_cues(self, narration: str) -> None:
        """Show ``narration`` as readable text (:func:`derivations.speech.subtitle_text`) in
        cues (:func:`scenes.captions.split_narration`), one after another from now, each for its
        reading time (:meth:`Pacing.cue_times`)."""
        offset, text = 0.0, subtitle_text(narration)
        for cue, seconds in zip(split_narration(text), self.pacing.cue_times(text), strict=True):
            self.add_subcaption(caption_lines(cue), duration=seconds, offset=offset)
            offset += seconds
        self._caption_end = self.time + offset
        self._sentence_starts = tuple(
            self.time + start for start in sentence_offsets(narration, self.pacing)
        )
        self._sentence_texts = tuple(_SENTENCE_SPLIT.split(" ".join(narration.split())))

    def speak(self, voice: StepVoice) -> None:
        """Start ``voice``'s speech now: a mark for the audio track, its subtitle cues
        (:func:`scenes.captions.timed_cues`: each sentence as readable text from its start to
        the next one's, a long one cut into cues of at most two lines, cues too short or too
        fast to read merged or given spare time; the last shown through the pause), and the
        step held until the speech ends plus ``voice_pause``."""
        self.voice_marks.append(VoiceMark(voice.step_id, float(self.time)))
        for cue in timed_cues(voice.cues, voice.seconds + self.voice_pause):
            self.add_subcaption(
                caption_lines(cue.text), duration=cue.end - cue.start, offset=cue.start
            )
        self._caption_end = self.time + voice.seconds + self.voice_pause
        self._sentence_starts = tuple(self.time + cue.start for cue in voice.cues)
        self._sentence_texts = tuple(cue.text for cue in voice.cues)

    @property
    def sentence_texts(self) -> tuple[str, ...]:
        """The current step's sentences, as the voice splits them."""
        return self._sentence_texts

    @property
    def sentence_count(self) -> int:
        """How many sentences the current step's narration has (as the voice splits them)."""
        return len(self._sentence_starts)

    def until_sentence(self, index: int) -> float:
        """Seconds from now until sentence ``index`` (0-based) of the current step's narration
        begins; with ``index`` past the last sentence, until the speech is over. ``0`` when it
        has begun already. Segments use it to play each animation under the sentence that
        names it (:meth:`wait_for_sentence`) and to fit a run of animations into a sentence."""
        starts = self._sentence_starts
        when = starts[index] if index < len(starts) else self._caption_end - self.voice_pause
        return max(0.0, when - float(self.time))

    def wait_for_sentence(self, index: int) -> None:
        """Hold the frame until sentence ``index`` of the current step's narration begins (see
        :meth:`until_sentence`), so what comes next is drawn while it is spoken."""
        seconds = self.until_sentence(index)
        if seconds > 1.0 / config.frame_rate:
            self.wait(still_wait_covering(seconds, config.frame_rate))

    def wait_for_words(self, words: str) -> None:
        """Hold the frame until the sentence of the current step's narration that says
        ``words`` begins (the sentences as the voice splits them: a segment names what it
        waits for, not a sentence number that a reworded narration would shift)."""
        shown = subtitle_text(words)  # a voice's sentences are as the subtitles show them
        for index, sentence in enumerate(self._sentence_texts):
            if words in sentence or shown in subtitle_text(sentence):
                self.wait_for_sentence(index)
                return
        raise ValueError(
            f"no sentence of the narration says {words!r}: {' | '.join(self._sentence_texts)}"
        )

    def show_title(self, step: Step, along: Sequence[Animation] = ()) -> None:
        """Replace the title caption with ``step.title``, set in the formulas' TeX type (and
        play ``along`` at the same time)."""
        new = title_tex(step, self.theme)
        place_title(new, self.title_box)
        if self._title is None:
            self.play(FadeIn(new, shift=0.2 * DOWN), *along, run_time=self.t(0.5))
        else:  # one after the other: two titles cross-fading in one place are unreadable
            self.play(
                AnimationGroup(
                    FadeOut(self._title, shift=0.1 * UP), FadeIn(new, shift=0.1 * UP), lag_ratio=1.0
                ),
                *along,
                run_time=self.t(0.5),
            )
        self._title = new

    def play(self, *args: Any, **kwargs: Any) -> None:
        """``Scene.play``, noting when a new formula (a ``MathTex`` not on screen before)
        appeared, for :meth:`end_step`'s hold."""
        super().play(*args, **kwargs)
        shown = {
            id(member)
            for top in self.mobjects
            for member in top.get_family()
            if isinstance(member, MathTex)
        }
        if shown - self._formulas:
            self._formula_at = float(self.time)
        self._formulas = shown

    def end_step(self, pause: float = 0.5) -> None:
        """Wait until the step's cues have been read, at least ``pause`` seconds, and, when the
        step wrote a formula, until ``pacing.equation_hold`` seconds after the last one
        appeared (the hold is the viewer's time, so ``speed`` does not shorten it)."""
        remaining = max(self._caption_end - self.time, self.t(pause))
        if self._formula_at is not None:
            remaining = max(remaining, self._formula_at + self.pacing.equation_hold - self.time)
        self.wait(still_wait_covering(remaining, config.frame_rate))

    def settle(self, group: VMobject) -> None:
        """Make ``group`` one top-level mobject again after animations added its parts."""
        members = set(group.get_family())
        self.mobjects = [m for m in self.mobjects if m not in members]
        self.add(group)

    _clear_pending: bool = False

    def clear_at_next_step(self) -> None:
        """Clear the body when the next step begins, inside that step's section, so that every
        section ends on its content (its last frame is a handout) and a section can be
        rendered on its own, starting from an empty body."""
        self._clear_pending = True

    def clear_if_pending(self) -> None:
        """Do the clearing :meth:`clear_at_next_step` asked for (call right after a section
        starts)."""
        if self._clear_pending:
            self._clear_pending = False
            self.clear_body()

    def clear_body(self, keep: Sequence[VMobject] = ()) -> None:
        """Fade out everything but the title and ``keep``."""
        gone = [m for m in self.mobjects if m is not self._title and m not in keep]
        if gone:
            self.play(*[FadeOut(m) for m in gone], run_time=self.t(0.5))
