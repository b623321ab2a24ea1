"""Captions and chapters: WebVTT next to every .srt, and chapter lists YouTube accepts.

YouTube's rules, checked here on the written text, not with the module's own helpers: the first
chapter at 0:00, at least three, each at least 10 s (the last one up to the video's end).
Whether chapters are possible at all is decided by an independent oracle (every way of cutting
the sections, or a dynamic programme over cut points).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path

import pytest
import srt
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.publishing.chapters import (
    MAX_TITLE_LENGTH,
    Chapter,
    Section,
    chapters_text,
    merge_sections,
    too_short_reason,
    vtt_from_srt,
)
from tests.video_support import demo_render

RULE_SECONDS = 10
RULE_COUNT = 3


def _render_config() -> dict:
    """The resolved settings a real render gives ``publish`` (the lecture page reads them)."""
    from chainrule.settings.model import Settings
    from chainrule.settings.scene_settings import resolved

    return resolved(Settings())


RENDER_CONFIG = _render_config()


# --------------------------------------------------------------------------- checks by hand


def _seconds(stamp: str) -> int:
    parts = [int(p) for p in stamp.split(":")]
    assert len(parts) in (2, 3), stamp
    assert all(p < 60 for p in parts[1:]), stamp
    return sum(p * 60**k for k, p in enumerate(reversed(parts)))


def assert_youtube_valid(text: str, total: float) -> list[tuple[int, str]]:
    """The chapter list ``text`` follows YouTube's rules for a video of ``total`` seconds."""
    lines = text.splitlines()
    marks = []
    for line in lines:
        found = re.fullmatch(r"(\d+:\d\d(?::\d\d)?) (\S.*)", line)
        assert found, line
        marks.append((_seconds(found.group(1)), found.group(2)))
    assert len(marks) >= RULE_COUNT
    assert marks[0][0] == 0
    ends = [start for start, _ in marks[1:]] + [total]
    for (start, title), end in zip(marks, ends, strict=True):
        assert end - start >= RULE_SECONDS, (title, start, end)
    return marks


def best_count_brute_force(durations: list[float]) -> int:
    """The most chapters of >= 10 s any cut of ``durations`` gives (0: none), trying every
    set of cut points."""
    n, best = len(durations), 0
    for mask in range(2 ** max(n - 1, 0)):
        cuts = [k + 1 for k in range(n - 1) if mask >> k & 1]
        bounds = [0, *cuts, n]
        sums = [sum(durations[a:b]) for a, b in itertools.pairwise(bounds)]
        if n and all(s >= RULE_SECONDS for s in sums):
            best = max(best, len(sums))
    return best


def best_count_dynamic(durations: list[float]) -> int:
    """The same by a dynamic programme over cut points (for long section lists)."""
    n = len(durations)
    prefix = [0.0, *itertools.accumulate(durations)]
    best = [0] + [-1] * n  # best[j]: most chapters covering exactly the first j sections
    for j in range(1, n + 1):
        for i in range(j):
            if best[i] >= 0 and prefix[j] - prefix[i] >= RULE_SECONDS:
                best[j] = max(best[j], best[i] + 1)
    return max(best[n], 0)


def merged(sections: list[Section]) -> tuple[Chapter, ...]:
    """The chapters :func:`merge_sections` makes of ``sections``, which must give some."""
    chapters = merge_sections(sections)
    assert chapters is not None
    return chapters


def check_chapters(sections: list[Section]) -> None:
    """Every property the merge promises, for ``sections``."""
    durations = [s.duration for s in sections]
    chapters = merge_sections(sections)
    possible = (
        best_count_brute_force(durations) if len(sections) <= 10 else best_count_dynamic(durations)
    )
    assert (chapters is not None) == (possible >= RULE_COUNT), (durations, chapters)
    if chapters is None:
        return
    covered = [i for chapter in chapters for i in chapter.sections]
    assert covered == list(range(len(sections)))  # every section, in order
    assert math.isclose(sum(c.duration for c in chapters), sum(durations), abs_tol=1e-6)
    assert chapters[0].start == 0.0
    for chapter in chapters:
        assert chapter.duration >= RULE_SECONDS
        assert math.isclose(
            chapter.duration, sum(durations[i] for i in chapter.sections), abs_tol=1e-6
        )
        first = sections[chapter.sections[0]]  # a section start is a
        assert math.isclose(
            chapter.start,
            sum(durations[: chapter.sections[0]]),  # chapter's
            abs_tol=1e-6,
        ), first  # start
    assert_youtube_valid(chapters_text(chapters), sum(durations))


# --------------------------------------------------------------------------- properties

durations_strategy = st.lists(
    st.floats(min_value=0.0, max_value=40.0, allow_nan=False), min_size=0, max_size=10
)


@settings(max_examples=300, deadline=None)
@given(durations_strategy)
def test_merge_keeps_youtube_rules_order_and_duration(durations: list[float]) -> None:
    check_chapters([Section(f"Step {k}", d) for k, d in enumerate(durations)])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from([0.0, 4.0, 5.0, 7.0, 8.5, 9.0, 9.99, 10.0, 12.0, 25.0]),
        min_size=1,
        max_size=10,
    )
)
def test_merge_on_lengths_near_the_limit(durations: list[float]) -> None:
    check_chapters([Section(f"Step {k}", d) for k, d in enumerate(durations)])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=3.0, max_value=20.0), min_size=11, max_size=60))
def test_merge_on_lecture_sized_lists(durations: list[float]) -> None:
    check_chapters([Section(f"Step {k}", d) for k, d in enumerate(durations)])


def test_oracles_agree() -> None:
    for durations in (
        [6.0] * 5,
        [6.0] * 6,
        [12.0, 12.0],
        [30.0],
        [5.0, 5.0, 5.0, 5.0, 10.0, 1.0],
        [9.9, 0.2, 9.9, 0.2, 9.9, 0.2],
    ):
        assert best_count_brute_force(durations) == best_count_dynamic(durations)


# --------------------------------------------------------------------------- examples


def test_short_steps_merge_with_the_shorter_neighbour() -> None:
    steps = [
        Section("", 5.0),
        Section("The network", 9.0),
        Section("Forward", 13.0),
        Section("Expand", 7.0),
        Section("Sum", 20.0),
        Section("Partials", 8.0),
    ]
    chapters = merged(steps)
    assert [(c.timestamp, c.title, c.sections) for c in chapters] == [
        ("0:00", "The network", (0, 1)),
        ("0:14", "Forward & Expand", (2, 3)),
        ("0:34", "Sum & Partials", (4, 5)),
    ]


def test_short_steps_merge_within_their_stage_first() -> None:
    """The 5 s step would join its shorter neighbour (the 6 s one) across the end of the
    forward pass; with stages it joins the start of the backward pass instead, and the 6 s
    step the forward pass: no chapter is titled after one stage and holds another."""
    steps = [
        Section("Forward", 12.0, "forward"),
        Section("Loss", 6.0, "forward"),
        Section("Backward", 5.0, "backward"),
        Section("Transpose", 12.0, "backward"),
        Section("Shapes", 14.0, "shapes"),
    ]
    chapters = merged(steps)
    assert [(c.title, c.sections) for c in chapters] == [
        ("Forward & Loss", (0, 1)),
        ("Backward & Transpose", (2, 3)),
        ("Shapes", (4,)),
    ]
    without = merged([Section(s.title, s.duration) for s in steps])
    assert (1, 2) in [c.sections for c in without]


def test_across_stages_the_nearest_stage_first() -> None:
    """A short step with no neighbour of its own stage joins the one in the same part of the
    argument (dZ1/...), not the shorter one that starts the next part (layers/...)."""
    steps = [
        Section("Shapes fit", 20.0, "dZ1/shapes"),
        Section("Pitfall", 7.0, "dZ1/pitfall"),
        Section("Loss", 12.0, "layers/2"),
        Section("Cancel", 15.0, "layers/2"),
    ]
    chapters = merged(steps)
    assert [c.sections for c in chapters] == [(0, 1), (2,), (3,)]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["forward", "backward", "shapes", "layers/2", "layers/1"]),
            st.lists(st.floats(min_value=0.5, max_value=15.0), min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_stages_that_can_stand_alone_are_never_mixed(runs: list) -> None:
    """Whenever every run of sections of one stage lasts 10 s or more (and there are three
    runs), no chapter mixes stages; and every list still follows YouTube's rules."""
    sections = [
        Section(f"{stage} {k}", duration, stage)
        for k, (stage, durations) in enumerate(runs)
        for duration in durations
    ]
    run_of = list(
        itertools.accumulate(  # runs of equal stages, counted by hand
            (int(a.stage != b.stage) for a, b in itertools.pairwise(sections)), initial=0
        )
    )
    check_chapters(sections)
    totals = [
        sum(s.duration for s, run in zip(sections, run_of, strict=True) if run == number)
        for number in range(run_of[-1] + 1)
    ]
    if len(totals) >= RULE_COUNT and min(totals) >= RULE_SECONDS:
        chapters = merged(sections)
        for chapter in chapters:
            assert len({run_of[i] for i in chapter.sections}) == 1, chapter


def test_long_merged_titles_keep_the_first() -> None:
    long = "A" * (MAX_TITLE_LENGTH - 5)
    chapters = merged(
        [
            Section(long, 4.0),
            Section("Second", 8.0),
            Section("Third", 12.0),
            Section("Fourth", 12.0),
        ]
    )
    assert chapters[0].title == long


def test_a_title_card_alone_is_an_introduction() -> None:
    chapters = merged([Section("", 12.0), Section("B", 12.0), Section("C", 12.0)])
    assert chapters[0].title == "Introduction"


def test_too_short_gives_no_chapters_and_says_why() -> None:
    sections = [Section("A", 9.0), Section("B", 9.0), Section("C", 9.0)]
    assert merge_sections(sections) is None
    assert "at least 3 chapters of 10 s" in too_short_reason(sections)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_bad_durations_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="lasts"):
        merge_sections([Section("A", 20.0), Section("B", bad)])


def test_the_check_catches_invalid_lists() -> None:
    with pytest.raises(AssertionError):
        assert_youtube_valid("0:05 A\n0:20 B\n0:40 C\n", 60)  # not at 0:00
    with pytest.raises(AssertionError):
        assert_youtube_valid("0:00 A\n0:09 B\n0:40 C\n", 60)  # 9 s chapter
    with pytest.raises(AssertionError):
        assert_youtube_valid("0:00 A\n0:20 B\n", 60)  # two chapters
    with pytest.raises(AssertionError):
        assert_youtube_valid("0:00 A\n0:20 B\n0:40 C\n", 49)  # last one 9 s


# --------------------------------------------------------------------------- the real scenes
# Every catalog scene for several networks: its sections are one per narrated step (and the
# lecture's title card first), each lasting its reading time (the scenes' own
# estimated_duration adds these up; real sections last as long or longer).

NETWORKS = [
    dict(),
    dict(layer_dims=(2, 3, 2, 1), m=2),
    dict(layer_dims=(2, 2, 2, 1), m=3, activation="relu"),
    dict(layer_dims=(1, 1, 1), m=1),
]


def estimated_sections(cls: type, derivation: object, pacing: object) -> list[Section]:
    from chainrule.catalog import narrated_ids_of
    from derivations.speech import subtitle_text
    from scenes.base import argument_stage
    from scenes.lecture import TITLE_SECONDS, Lecture

    sections = [Section("", TITLE_SECONDS)] if issubclass(cls, Lecture) else []
    for step_id in narrated_ids_of(cls, derivation):
        step = derivation.step(step_id)  # type: ignore[attr-defined]
        sections.append(
            Section(
                step.title,
                pacing.reading_time(subtitle_text(step.narration)),  # type: ignore
                argument_stage(step),
            )
        )  # type: ignore[arg-type]
    return sections


@pytest.mark.parametrize(
    "network", NETWORKS, ids=lambda n: "-".join(map(str, n.get("layer_dims", (2, 3, 2))))
)
def test_every_catalog_scene(network: dict) -> None:
    from chainrule.catalog import discover, estimated_seconds
    from derivations import NetworkSpec
    from scenes.base import verified_derivation
    from scenes.pacing import Pacing

    derivation, pacing = verified_derivation(NetworkSpec(**network)), Pacing()
    catalog = discover()
    for name, cls in catalog.scenes.items():
        sections = estimated_sections(cls, derivation, pacing)
        assert sum(s.duration for s in sections) == pytest.approx(
            estimated_seconds(cls, derivation, pacing), abs=0.01
        ), name
        check_chapters(sections)
        chapters = merge_sections(sections)
        if chapters is not None:
            titles = {s.title for s in sections}
            for chapter in chapters:  # each title is made of its steps' titles
                assert (
                    all(part in titles for part in chapter.title.split(" & "))
                    or chapter.title in titles
                    or chapter.title == "Introduction"
                ), chapter.title
    lecture = merged(estimated_sections(catalog.scenes["Lecture"], derivation, pacing))
    assert len(lecture) >= 15
    assert lecture[0].sections[:2] == (0, 1)  # the title card opens the first chapter,
    assert lecture[0].title != "Introduction"  # which is named after the first step


#: Section start times (s) of the default lecture (2-3-2, m = 2, tanh), measured by a dry run
#: of the whole scene (no voice) with this module's merge in mind; the last number is its end.
MEASURED_LECTURE_STARTS = (
    0.0,
    5.0,
    14.3,
    27.8,
    34.9,
    54.5,
    62.0,
    72.7,
    83.6,
    93.0,
    102.1,
    113.5,
    123.9,
    132.6,
    147.3,
    156.7,
    168.5,
    180.0,
    187.9,
    197.7,
    210.1,
    222.9,
    241.1,
    250.1,
    260.1,
    271.1,
    277.9,
    288.9,
    300.5,
    313.7,
    326.5,
    333.3,
    342.3,
    350.2,
    356.2,
    360.5,
)


def test_measured_lecture_sections() -> None:
    starts = MEASURED_LECTURE_STARTS
    sections = [
        Section("" if k == 0 else f"Step {k}", round(b - a, 3))
        for k, (a, b) in enumerate(itertools.pairwise(starts))
    ]
    assert min(s.duration for s in sections) < RULE_SECONDS  # the problem is real
    check_chapters(sections)
    chapters = merged(sections)
    assert len(chapters) >= 20
    assert chapters[0].sections == (0, 1)  # the 5 s title card opens the first chapter


# --------------------------------------------------------------------------- captions

SRT = """1
00:00:00,000 --> 00:00:02,500
Row i of W[2]ᵀ times column j
of dZ[2] & more: x < 0 gives 0.

2
00:00:02,500 --> 00:01:03,040
Next cue.

"""


def test_vtt_from_srt(tmp_path: Path) -> None:
    source = tmp_path / "a.srt"
    source.write_text(SRT, encoding="utf-8")
    text = vtt_from_srt(source)
    assert text.startswith("WEBVTT\n")
    assert "00:01:03.040" in text
    assert "&amp; more: x &lt; 0" in text
    assert "& more" not in text
    assert "x < 0" not in text
    cues = webvtt.from_string(text).captions
    expected = list(srt.parse(SRT))
    assert len(cues) == len(expected)
    for cue, item in zip(cues, expected, strict=True):
        # the same instants, to the millisecond (srt writes them with a comma)
        assert cue.start == srt.timedelta_to_srt_timestamp(item.start).replace(",", ".")
        assert cue.end == srt.timedelta_to_srt_timestamp(item.end).replace(",", ".")
        assert cue.text.replace("&amp;", "&").replace("&lt;", "<") == item.content


# --------------------------------------------------------------------------- publishing


@pytest.mark.parametrize(
    ("lengths", "valid"), [((5.0, 9.0, 13.0, 7.0, 20.0, 8.0), True), ((5.0, 9.0, 8.0), False)]
)
def test_publish_writes_vtt_and_chapters(
    tmp_path: Path, lengths: tuple[float, ...], valid: bool
) -> None:
    from chainrule.publishing.manifest import publish, update_manifest

    work, out = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    out.mkdir()
    (out / "Demo_l_chapters.txt").write_text("0:00 from an earlier render\n", encoding="utf-8")
    sections = tuple(
        {"name": "Title" if k == 0 else f"Step {k}", "duration": d} for k, d in enumerate(lengths)
    )
    result = demo_render(work, sections, SRT)
    entry = publish(result, out, "mp4", "l", RENDER_CONFIG, "Title")
    update_manifest(out, [entry], cache=tmp_path / "cache")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"][0]
    assert manifest["captions"] == "Demo_l.vtt"
    assert webvtt.read(str(out / "Demo_l.vtt")).captions[1].text == "Next cue."
    if valid:
        assert manifest["chapters_file"] == "Demo_l_chapters.txt"
        text = (out / "Demo_l_chapters.txt").read_text(encoding="utf-8")
        marks = assert_youtube_valid(text, sum(lengths))
        assert marks[0][1] == "Step 1"  # the title card lends its time, not its name
    else:
        assert manifest["chapters_file"] is None
        assert "cannot make them" in manifest["chapters_note"]
        assert not (out / "Demo_l_chapters.txt").exists()  # no stale list left behind
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_chromium_reads_the_published_vtt(tmp_path: Path) -> None:
    """HTML video takes the captions: Chromium parses the .vtt into its cues and shows
    their text as written (the escaped & and < come back as themselves)."""
    from chainrule.publishing.manifest import publish
    from tests.browser_support import offline_page

    work, out = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    result = demo_render(work, ({"name": "Title", "duration": 64.0},), SRT)
    publish(result, out, "mp4", "l", RENDER_CONFIG, "Title")
    # Chromium refuses a track from another file: URL (each file is its own origin), so the
    # page hands it the published file's text as a blob: the same bytes, parsed by Chromium
    vtt = json.dumps((out / "Demo_l.vtt").read_text(encoding="utf-8"))
    page_file = out / "page.html"
    page_file.write_text(
        '<!doctype html><meta charset="utf-8"><video src="Demo_l.mp4" muted></video><script>'
        'const track = document.createElement("track"); track.kind = "captions";'
        f'track.src = URL.createObjectURL(new Blob([{vtt}], {{type: "text/vtt"}}));'
        'track.default = true; document.querySelector("video").append(track);</script>',
        encoding="utf-8",
    )
    with offline_page(page_file) as page:
        page.wait_for_function("document.querySelector('track').readyState === 2", timeout=15000)
        cues = page.evaluate(
            "Array.from(document.querySelector('track').track.cues)"
            ".map(c => [c.startTime, c.endTime, c.getCueAsHTML().textContent])"
        )
        assert page.blocked == []
        assert page.errors == []
    assert cues == [
        [0.0, 2.5, "Row i of W[2]ᵀ times column j\nof dZ[2] & more: x < 0 gives 0."],
        [2.5, 63.04, "Next cue."],
    ]


def test_published_chapters_read_the_stage_from_the_section_type(tmp_path: Path) -> None:
    """The scenes name a section's stage in its Manim section type; the chapter list written
    next to the video merges by it."""
    from chainrule.exchange import RenderedFiles
    from chainrule.publishing.chapters import ChaptersMedium
    from chainrule.publishing.manifest import chapters
    from chainrule.publishing.medium import Context, Output
    from scenes.base import STAGE_SECTION_TYPE

    kind = "chainrule.stage:"
    assert kind == STAGE_SECTION_TYPE
    sections = [
        {"name": name, "duration": f"{seconds:.6f}", "type": kind + stage}
        for name, seconds, stage in (
            ("Forward", 12.0, "forward"),
            ("Loss", 6.0, "forward"),
            ("Backward", 5.0, "backward"),
            ("Transpose", 12.0, "backward"),
            ("Shapes", 14.0, "shapes"),
        )
    ]
    sections.insert(0, {"name": "Title", "duration": "5.0", "type": "default.normal"})
    files = RenderedFiles("Lecture", "Lecture_l", sections=tuple(sections))
    output = Output(("Lecture",), tmp_path, "mp4", {"sections": chapters(sections, "Title")}, files)
    (written,) = ChaptersMedium().publish(output, Context(first_title="Title"))
    assert output.manifest["chapters_file"] == written.name == "Lecture_l_chapters.txt"
    text = written.read_text(encoding="utf-8")
    assert [title for _, title in assert_youtube_valid(text, 54.0)] == [
        "Forward & Loss",
        "Backward & Transpose",
        "Shapes",
    ]
