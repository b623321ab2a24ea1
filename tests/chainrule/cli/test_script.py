"""``chainrule script``: the narration as script.md and script.csv, lengths from the voice.

The voice is a fake engine (the :class:`chainrule.voice.engines.Engine` protocol) put in
place of the Piper voice through the command's ``make_engine`` hook: its speech lasts
exactly ``len(spoken text) / 100`` seconds, and it counts the lines it speaks. When the
speech cache module is not installed (a branch without it), a small stand-in keyed the same
way (spoken text and engine identity) takes its place through the ``open_cache`` and
``speak_cached`` hooks.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

import chainrule.cli.script as script_module
from chainrule.voice.engines import EngineIdentity, Span, Speech
from chainrule.voice.lines import Line
from tests.cli_support import assert_one_line_error, invoke, snapshot
from tests.derivation_support import OTHER_GRADIENT_STEPS

RATE = 1000
HEADER = ["step_id", "title", "narration", "speech", "seconds"]
#: The steps the lecture reads out for the default 2-3-2 tanh network, in order (the title
#: card says nothing; FoldBack and WhyTranspose both show dZ1.transpose, read out once).
LECTURE_STEPS = [
    "general.map",
    "dZ1.network",
    "dZ1.forward",
    "dZ1.concrete",
    "dZ1.expand",
    "dZ1.activate",
    "dZ1.partial",
    "dZ1.partial_values",
    "dZ1.gprime",
    "dZ1.all_entries",
    "dZ1.fold_factor",
    "dZ1.backward",
    "dZ1.transpose",
    "dZ1.fold",
    "dZ1.candidates",
    "dZ1.shapes",
    "dZ1.no_transpose",
    "dZ1.jacobian",
    "dZ1.elementwise",
    "dZ1.stack",
    "dZ1.forward_numbers",
    "dZ1.numbers",
    "dZ1.nudge",
    "general.part_two",
    *OTHER_GRADIENT_STEPS,
    "general.recap",
]
#: ExpandToScalars expands Z[2] = W[2] A[1] + b[2] and A[1] = g(Z[1]).
EXPAND_STEPS = ["dZ1.concrete", "dZ1.expand", "dZ1.activate"]
#: FoldBack reads out the factor, the transpose and the fold (the grid of every entry is
#: TakePartials' step); WhyTranspose runs backwards along the edges, then shows the
#: transpose (the column laid down as a row), already read out by FoldBack.
FOLD_AND_TRANSPOSE_STEPS = [
    "dZ1.fold_factor",
    "dZ1.transpose",
    "dZ1.fold",
    "dZ1.backward",
]


class FakeEngine:
    """Speech of ``len(line.speech) / 100`` seconds (a quiet tone); counts its lines."""

    spoken: ClassVar[list[str]] = []  # every line spoken by any instance, in order

    def __init__(self) -> None:
        self.identity = EngineIdentity("fake", "test-voice", "1", 1.0)
        self.calls = 0

    def speak(self, line: Line) -> Speech:
        self.calls += 1
        FakeEngine.spoken.append(line.step_id)
        n = 10 * len(line.speech)
        samples = (0.1 * np.sin(np.arange(n) * 0.3)).astype(np.float32)
        return Speech(samples, RATE, (Span(0.0, n / RATE, line.narration),))


def expected_seconds(line_speech: str) -> str:
    return f"{len(line_speech) / 100:.2f}"


class StandInCache:
    """Speech by (engine identity, spoken text), for branches without the real cache."""

    store: ClassVar[dict[tuple[Any, str], Speech]] = {}

    def __init__(self, root: Path) -> None:
        self.root = root


def stand_in_speak(engine: Any, line: Line, cache: StandInCache) -> Speech:
    key = (engine.identity, line.speech)
    if key not in cache.store:
        cache.store[key] = engine.speak(line)
    return cache.store[key]


@pytest.fixture(autouse=True)
def isolated(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder and cache folder (the shared fixture); the fake voice in place of Piper."""
    tmp_path = isolated
    monkeypatch.setenv("CHAINRULE_SPEECH_DIR", str(tmp_path / "speech"))  # not the shared one
    FakeEngine.spoken = []
    StandInCache.store = {}
    monkeypatch.setattr(script_module, "make_engine", lambda voice: FakeEngine())
    try:
        import chainrule.voice.speech_cache  # noqa: F401  (the real cache, once merged)
    except ImportError:
        monkeypatch.setattr(script_module, "open_cache", StandInCache)
        monkeypatch.setattr(script_module, "speak_cached", stand_in_speak)
    return tmp_path


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_bytes().decode("utf-8")  # UTF-8, or this fails
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_lecture_script_lists_every_narrated_step_once_in_order(isolated: Path) -> None:
    result = invoke("script", "-o", "out")
    assert result.exit_code == 0, result.stderr
    header, rows = read_csv(isolated / "out" / "script.csv")
    assert header == HEADER
    assert [row["step_id"] for row in rows] == LECTURE_STEPS
    assert FakeEngine.spoken == LECTURE_STEPS  # each step synthesised once, in order
    for row in rows:
        assert row["seconds"] == expected_seconds(row["speech"]), row
        assert row["title"]
        assert row["narration"]
        assert not re.search(r"[\[\]_ᵀ′∗^\\]", row["speech"]), row["speech"]
    shown = {row["step_id"]: row for row in rows}
    assert "W[2]" in shown["dZ1.expand"]["narration"]  # the narration as shown ...
    assert "W two" in shown["dZ1.expand"]["speech"]  # ... and as spoken
    md = (isolated / "out" / "script.md").read_text(encoding="utf-8")
    for step_id in LECTURE_STEPS:
        assert f"`{step_id}`" in md
        assert f"{step_id}.wav" in md
    assert 'engine = "recorded"' in md
    assert "folder = " in md
    assert md.index("`dZ1.forward`") < md.index("`dZ1.expand`") < md.index("`db1.fold`")


def test_a_second_run_synthesises_nothing(isolated: Path) -> None:
    assert invoke("script", "ExpandToScalars").exit_code == 0
    assert FakeEngine.spoken == EXPAND_STEPS
    first = (isolated / "media" / "script.csv").read_bytes()  # default: [output] directory
    FakeEngine.spoken = []
    again = invoke("script", "ExpandToScalars")
    assert again.exit_code == 0, again.stderr
    assert FakeEngine.spoken == []
    assert (isolated / "media" / "script.csv").read_bytes() == first


def test_scenes_follow_each_other_and_a_repeated_step_is_listed_once(isolated: Path) -> None:
    result = invoke("script", "FoldBack", "WhyTranspose", "FoldBack", "-o", "o")
    assert result.exit_code == 0, result.stderr
    _, rows = read_csv(isolated / "o" / "script.csv")
    assert [row["step_id"] for row in rows] == FOLD_AND_TRANSPOSE_STEPS


def test_no_seconds_synthesises_nothing_and_leaves_the_column_empty(
    isolated: Path, monkeypatch: Any
) -> None:
    def no_engine(voice: Any) -> Any:
        raise AssertionError("--no-seconds must not make an engine")

    monkeypatch.setattr(script_module, "make_engine", no_engine)
    result = invoke("script", "ExpandToScalars", "--no-seconds", "-o", "o")
    assert result.exit_code == 0, result.stderr
    header, rows = read_csv(isolated / "o" / "script.csv")
    assert header == HEADER
    assert [row["step_id"] for row in rows] == EXPAND_STEPS
    assert [row["seconds"] for row in rows] == ["", "", ""]
    assert FakeEngine.spoken == []


def test_the_network_options_change_the_steps(isolated: Path) -> None:
    result = invoke("script", "--dims", "2,3,3,1", "--no-seconds", "-o", "o")
    assert result.exit_code == 0, result.stderr
    _, rows = read_csv(isolated / "o" / "script.csv")
    ids = [row["step_id"] for row in rows]
    # three layers: the recursion, then back to the question on the recap card
    assert ids[-2:] == ["general.recursion", "general.recap"]
    assert "dZ3.loss" in ids
    assert "dZ2.loss" not in ids
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("script", "Nope"), ("unknown scene 'Nope'",)),
        (("script", "Lecture", "expandtoscalars"), ("did you mean ExpandToScalars",)),
        (("script", "--config", "missing.toml"), ("missing.toml", "does not exist")),
        (("script", "--m", "9"), ("--m",)),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    isolated: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    before = snapshot(isolated)
    result = invoke(*args, "-o", "out")
    assert_one_line_error(result, 2, *fragments)
    assert snapshot(isolated) == before
    assert FakeEngine.spoken == []


def test_an_output_folder_that_is_a_file_is_refused(isolated: Path) -> None:
    (isolated / "out").write_text("not a folder")
    before = snapshot(isolated)
    assert_one_line_error(invoke("script", "-o", "out"), 2, "out", "not a folder")
    assert snapshot(isolated) == before
    assert FakeEngine.spoken == []


def test_a_bad_voice_setting_is_refused_before_any_speech(isolated: Path) -> None:
    (isolated / "chainrule.toml").write_text("[voice]\nspeed = 9\n")
    before = snapshot(isolated)
    assert_one_line_error(invoke("script"), 2, "chainrule.toml", "speed")
    assert snapshot(isolated) == before
    assert FakeEngine.spoken == []


def test_csv_quotes_commas_quotes_and_newlines() -> None:
    line = Line.of("a.b", 'Say "hi", twice', "One, two.\nThree W[2]ᵀ.")
    text = script_module.script_csv([line], {"a.b": 2.0})
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [
        HEADER,
        [
            "a.b",
            'Say "hi", twice',
            "One, two. Three W[2]ᵀ.",
            "One, two. Three W two transpose.",
            "2.00",
        ],
    ]
