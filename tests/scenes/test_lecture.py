"""Lecture: every segment in order, one section per step, the recursion for deeper networks;
layout after every play, and a render at the lowest quality."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from derivations import NetworkSpec, derive
from derivations.speech import subtitle_text
from scenes.lecture import Lecture, RecursionSegment, TitleSegment
from scenes.parameter_gradients import OtherGradientsSegment
from scenes.recap import RecapSegment
from scenes.transpose import TransposeSegment
from tests.scene_support import checked_plays, render_scene, spec_id
from tests.scenes.test_layout import check_layout

# The lecture replays every scene's segment; each segment's layout is checked for more networks
# (the default, 3-4-2 relu, 1-1-1, 4-4-4 m=5, ...) in its own scene's tests, and the voiced test
# below compares the default lecture's parts with the whole. So one whole lecture suffices here:
# a deeper one, which plays every segment after the others and adds the recursion.
SPECS = (NetworkSpec(layer_dims=(2, 3, 2, 1), m=2),)


def record_told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """("section", name) and ("subtitle", text), in the order scenes open and add them (a dry
    run keeps no sections: they hold no video)."""
    from manim import Scene

    events: list[tuple[str, str]] = []
    next_section, add_subcaption = Scene.next_section, Scene.add_subcaption

    def section(self, name: str = "unnamed", *args, **kwargs):
        events.append(("section", name))
        return next_section(self, name, *args, **kwargs)

    def subtitle(self, content: str, *args, **kwargs):
        events.append(("subtitle", content))
        return add_subcaption(self, content, *args, **kwargs)

    monkeypatch.setattr(Scene, "next_section", section)
    monkeypatch.setattr(Scene, "add_subcaption", subtitle)
    return events


@dataclass(frozen=True)
class WholeLecture:
    """The lecture played once, whole, with its layout checked after every animation."""

    spec: NetworkSpec
    scene: Any
    told: tuple[tuple[str, str], ...]


@pytest.fixture(scope="module", params=SPECS, ids=spec_id)
def whole(request: pytest.FixtureRequest, media: Path) -> WholeLecture:
    """One whole-lecture run per network, shared by the tests that read it."""
    spec = request.param
    with pytest.MonkeyPatch.context() as monkeypatch:
        told = record_told(monkeypatch)
        with checked_plays(check_layout):
            scene = render_scene(Lecture, spec, media)
    return WholeLecture(spec, scene, tuple(told))


@pytest.mark.slow
def test_layout_and_sections(whole: WholeLecture) -> None:
    spec, scene = whole.spec, whole.scene
    derivation = derive(spec)
    names = [name for kind, name in whole.told if kind == "section"]
    assert "Title" in names
    steps = [derivation.step(i) for i in OtherGradientsSegment.step_ids_for(derivation)]
    shown = [s.title for s in steps]
    assert [n for n in names if n in shown] == shown  # in derivation order
    recursion = derivation.step("general.recursion").title if spec.num_layers > 2 else None
    assert (recursion in names) == (spec.num_layers > 2)
    assert names[-1] == derivation.step("general.recap").title  # back to the question
    if recursion:
        assert names[-2] == recursion
    transpose = derivation.step("dZ1.transpose").title
    assert names.count(transpose) == 1  # the second showing is a continuation
    narrated = {
        i
        for segment in Lecture.segments_for(derivation)
        for i in segment.narrated_ids_for(derivation)
    }
    assert set(scene.begun) == narrated
    estimate = Lecture.estimated_duration(derivation, scene.pacing)
    assert 0.75 * scene.time <= estimate <= scene.time


def test_segments_in_lecture_order() -> None:
    names = [s.__name__ for s in Lecture.segments_for(derive(NetworkSpec()))]
    assert names[0] == TitleSegment.__name__
    assert names == [
        "TitleSegment",
        "PlanSegment",
        "NetworkSegment",
        "ForwardSegment",
        "ExpandSegment",
        "PartialsSegment",
        "FactorSegment",
        "TransposeSegment",
        "FoldUpSegment",
        "ShapeSegment",
        "PitfallSegment",
        "VectorSegment",
        "NumbersSegment",
        "PartTwoSegment",
        "OtherGradientsSegment",
        "RecapSegment",
    ]
    deeper = Lecture.segments_for(derive(NetworkSpec(layer_dims=(2, 3, 2, 1))))
    assert deeper[-2:] == (RecursionSegment, RecapSegment)


@pytest.mark.parametrize("dims", [(2, 3, 2), (3, 4, 2), (2, 3, 2, 1)])
def test_one_argument_every_step_narrated_once_part_one_before_part_two(
    dims: tuple[int, ...],
) -> None:
    derivation = derive(NetworkSpec(layer_dims=dims))
    narrated = [
        str(i)
        for segment in Lecture.segments_for(derivation)
        for i in segment.narrated_ids_for(derivation)
    ]
    assert len(narrated) == len(set(narrated))  # nothing said twice
    assert narrated[0] == "general.map"
    turn = narrated.index("general.part_two")
    assert all(i.startswith("dZ1.") for i in narrated[1:turn])
    assert not any(i.startswith("dZ1.") for i in narrated[turn:])


def test_title_takes_its_formula_from_the_derivation() -> None:
    assert "{formula}" in Lecture.title
    assert "\\" not in Lecture.title
    assert "^" not in Lecture.title


@pytest.mark.render
def test_renders_at_lowest_quality(tmp_path: Path) -> None:
    class ShortLecture(Lecture):
        segments = (TitleSegment, TransposeSegment)

    ShortLecture.__name__ = "ShortLecture"
    render_scene(ShortLecture, NetworkSpec(), tmp_path, dry_run=False, save_sections=True)
    videos = list(tmp_path.rglob("ShortLecture.mp4"))
    assert videos
    assert videos[0].stat().st_size > 10_000
    assert list(tmp_path.rglob("*.json")), "sections were not written"


@pytest.mark.slow
def test_parts_tell_what_the_whole_lecture_tells(
    whole: WholeLecture, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``chainrule render`` draws the lecture one part per segment and joins them: the parts,
    one after another, open the same sections and add the same subtitles as the whole (a part
    once took the title card's formula for a narrated step, and the fold lost its subtitle)."""
    whole_told = [event for event in whole.told if event != ("section", "autocreated")]
    told = record_told(monkeypatch)
    for index in range(len(Lecture.segments_for(derive(whole.spec)))):
        part = type("Lecture", (Lecture,), {"part": index})
        render_scene(part, whole.spec, media)
    parts = [event for event in told if event != ("section", "autocreated")]
    assert parts == whole_told
    shown = " ".join(" ".join(text.split()) for kind, text in whole_told if kind == "subtitle")
    for step_id in whole.scene.begun:  # each narration told once (cues may repeat words)
        narration = subtitle_text(whole.scene.steps[step_id].narration)
        assert shown.count(" ".join(narration.split())) == 1


def test_a_network_is_derived_and_verified_once_per_process() -> None:
    """Every scene and lecture part of one worker shares the verified derivation."""
    from scenes.base import verified_derivation

    spec = NetworkSpec(layer_dims=(2, 3, 1), m=2, activation="sigmoid")
    assert verified_derivation(spec) is verified_derivation(spec)


def made_up_voices(derivation: Any) -> dict[str, Any]:
    """Speech timings for every narrated step, made up but varied: some shorter than the
    step's animations, some far longer; one cue per sentence, split evenly."""
    from chainrule.voice.lines import split_sentences
    from scenes.narration import Cue, StepVoice

    voices = {}
    for number, step in enumerate(derivation.steps):
        seconds = 1.0 + (number * 7 % 5) * 3.1
        sentences = split_sentences(step.narration)
        share = seconds / len(sentences)
        voices[str(step.id)] = StepVoice(
            str(step.id),
            seconds,
            tuple(
                Cue(round(k * share, 3), round((k + 1) * share - 0.05, 3), text)
                for k, text in enumerate(sentences)
            ),
        )
    return voices


def voiced_run(
    cls: type, spec: NetworkSpec, media: Path, voices: dict[str, Any]
) -> tuple[Any, list[tuple[str, str]]]:
    from types import MappingProxyType

    voiced = type(cls.__name__, (cls,), {"voice": MappingProxyType(voices), "voice_pause": 0.6})
    with pytest.MonkeyPatch.context() as monkeypatch:
        told = record_told(monkeypatch)
        scene = render_scene(voiced, spec, media)
    return scene, told


@pytest.mark.slow
def test_voiced_parts_speak_what_the_voiced_lecture_speaks(media: Path) -> None:
    """Narrated, the parts (as ``chainrule render`` draws them) start each step's speech as the
    whole lecture does: the same steps in the same order, each held for its speech plus the
    pause, with the same cues at the same offsets from the speech's start."""
    spec = NetworkSpec()
    derivation = derive(spec)
    voices = made_up_voices(derivation)
    whole, whole_told = voiced_run(Lecture, spec, media, voices)
    part_marks, part_told = [], []
    for index in range(len(Lecture.segments_for(derivation))):
        part = type("Lecture", (Lecture,), {"part": index})
        scene, told = voiced_run(part, spec, media, voices)
        part_marks.append(scene.voice_marks)
        part_told.extend(told)
    joined = [mark for marks in part_marks for mark in marks]
    assert [m.step_id for m in joined] == [m.step_id for m in whole.voice_marks]
    assert len(joined) == len({m.step_id for m in joined})  # each step's speech once
    for marks in [whole.voice_marks, *part_marks]:  # never overlapping, never cut off
        for mark, after in pairwise(marks):
            assert after.start - mark.start >= voices[mark.step_id].seconds + 0.6 - 1e-6
    subtitles = [text for kind, text in whole_told if kind == "subtitle"]
    assert subtitles == [text for kind, text in part_told if kind == "subtitle"]
    from scenes.base import caption_lines
    from scenes.captions import timed_cues

    expected = [
        caption_lines(cue.text)
        for mark in whole.voice_marks
        for cue in timed_cues(voices[mark.step_id].cues, voices[mark.step_id].seconds + 0.6)
    ]
    assert [s for s in subtitles if s in expected] == expected
