"""The bad-input corpus: every way an educator can get an input wrong, in one table.

Each case runs ``chainrule render`` (the command that reads every input) in a folder holding
a previous render's output, and asserts:

* the exit code (2 for a bad input: it is validated before any work starts);
* one line on stderr, ``chainrule: error: ...``, naming the source (file and key, or option),
  the bad value and what is allowed (the case's fragments), and never echoing an absurd value
  in full;
* no traceback;
* nothing verified or rendered, and the folder (the output folder included) unchanged.

Inputs of ``chainrule check --candidate`` (formula syntax) are in
``tests/chainrule/cli/test_check.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import chainrule.cli.folders
from tests.cli_support import assert_one_line_error, forbid_work, invoke, snapshot

#: The longest error line accepted (absurd values are cut, lists of allowed values are not).
MAX_LINE = 500
LONG = "x" * 5000


@dataclass(frozen=True)
class Case:
    """``chainrule render ARGS`` with ``files`` in the folder (``bad.toml`` is read with
    ``--config bad.toml`` when present); the error line must contain ``fragments``."""

    args: tuple[str, ...] = ()
    fragments: tuple[str, ...] = ()
    files: dict[str, str | bytes] = field(default_factory=dict)
    code: int = 2
    setup: Callable[[Path, pytest.MonkeyPatch], None] | None = None


def toml(text: str, *fragments: str, **kwargs: Any) -> Case:
    """A bad config file: the message names the file too."""
    return Case(("--config", "bad.toml"), ("bad.toml", *fragments), {"bad.toml": text}, **kwargs)


def option(*args: str, fragments: tuple[str, ...]) -> Case:
    return Case(tuple(args), fragments)


def _fifo(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(folder / "pipe.toml")


def _read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "ro").mkdir()  # as root, permissions do not stop writing: ask access() instead
    monkeypatch.setattr(chainrule.cli.folders.os, "access", lambda path, mode: False)


CASES: dict[str, Case] = {
    # ------------------------------------------------------------------ dimensions
    "dims-float": toml("[network]\nlayer_dims = [2, 2.5, 1]\n", "layer_dims[1]", "2.5"),
    "dims-string": toml('[network]\nlayer_dims = ["2", 2, 1]\n', "layer_dims[0]", "'2'"),
    "dims-not-a-list": toml("[network]\nlayer_dims = 3\n", "layer_dims", "3"),
    "dims-zero": toml("[network]\nlayer_dims = [2, 0, 1]\n", "layer_dims[1] = 0", "1 to 4"),
    "dims-negative": toml("[network]\nlayer_dims = [2, -3, 1]\n", "layer_dims[1] = -3", "1 to 4"),
    "dims-above-range": toml("[network]\nlayer_dims = [2, 5, 1]\n", "layer_dims[1] = 5", "1 to 4"),
    "dims-astronomical": toml(
        "[network]\nlayer_dims = [2, 99999999999999999999999, 1]\n",
        "layer_dims[1] = 99999999999999999999999",
        "1 to 4",
    ),
    "dims-too-many": toml("[network]\nlayer_dims = [2, 2, 2, 2, 2, 2]\n", "2 to 4 layer sizes"),
    "dims-too-few": toml("[network]\nlayer_dims = [2, 2]\n", "2 to 4 layer sizes"),
    "opt-dims-not-integers": option(
        "--dims", "2,a,1", fragments=("--dims", "'2,a,1'", "comma-separated list of integers")
    ),
    "opt-dims-zero": option(
        "--dims", "2,0,1", fragments=("option --dims", "layer_dims[1] = 0", "1 to 4")
    ),
    "opt-dims-negative": option("--dims=-2,1,1", fragments=("option --dims", "layer_dims[0] = -2")),
    "opt-dims-above-range": option(
        "--dims", "2,5,1", fragments=("option --dims", "layer_dims[1] = 5")
    ),
    # ------------------------------------------------------------------ m
    "m-zero": toml("[network]\nm = 0\n", "m = 0", "1 to 5"),
    "m-huge": toml("[network]\nm = 100000000000\n", "m = 100000000000", "1 to 5"),
    "m-string": toml('[network]\nm = "2"\n', "[network] m", "'2'", "integer"),
    "m-bool": toml("[network]\nm = true\n", "[network] m", "True"),
    "m-float": toml("[network]\nm = 2.0\n", "[network] m", "2.0"),
    "opt-m-negative": option("--m", "-1", fragments=("option --m", "m = -1", "1 to 5")),
    "opt-m-above-range": option("--m", "99", fragments=("option --m", "m = 99", "1 to 5")),
    "opt-m-not-integer": option("--m", "abc", fragments=("--m", "'abc'", "integer")),
    # ------------------------------------------------------------------ activation
    "activation": toml('[network]\nactivation = "swish"\n', "activation", "'swish'", "relu"),
    "opt-activation": option("--activation", "gelu", fragments=("--activation", "gelu", "tanh")),
    # ------------------------------------------------------------------ quality, format
    "quality": toml('[output]\nquality = "ultra"\n', "quality", "'ultra'", "'l'"),
    "opt-quality": option("-q", "x", fragments=("--quality", "'x'", "'l'")),
    "format": toml('[output]\nformat = "avi"\n', "format", "'avi'", "mp4"),
    "opt-format": option("--format", "avi", fragments=("--format", "'avi'", "mp4")),
    # ------------------------------------------------------------------ --jobs, --resolution
    "opt-jobs-zero": option("--jobs", "0", fragments=("--jobs", "0", "1<=x<=16")),
    "opt-jobs-too-many": option("--jobs", "99", fragments=("--jobs", "99", "1<=x<=16")),
    "opt-jobs-not-integer": option("--jobs", "two", fragments=("--jobs", "two")),
    "opt-resolution-shape": option(
        "--resolution", "100", fragments=("--resolution", "WIDTHxHEIGHT")
    ),
    "opt-resolution-odd": option("--resolution", "101x100", fragments=("--resolution", "even")),
    "opt-resolution-tiny": option("--resolution", "8x8", fragments=("--resolution", "16 to 3840")),
    # ------------------------------------------------------------------ colours, sizes, pacing
    "colour-not-a-colour": toml('[theme]\nW = "blu"\n', "W = 'blu'", "not a colour", "#E69F00"),
    "colour-number": toml("[theme]\nW = 255\n", "[theme] W", "255"),
    "colour-bad-hex": toml('[theme]\nbackground = "#12345"\n', "background", "#12345"),
    "colour-long-name": toml(f'[theme]\ndZ = "{LONG}"\n', "dZ", "...", "not a colour"),
    "colour-highlight-clash": toml('[theme]\nhighlight = "#F0E442"\n', "[theme]", "highlight"),
    "colour-two-families": toml('[theme]\nW = "#56B4E9"\n', "[theme]", "W and A", "#56B4E9"),
    "font-size-zero": toml("[theme]\nbody_size = 0\n", "body_size", "0"),
    "font-size-huge": toml("[theme]\ntitle_size = 1000\n", "title_size", "1000"),
    "opacity": toml("[theme]\nhighlight_opacity = 2\n", "highlight_opacity", "2"),
    "speed-zero": toml("[pacing]\nspeed = 0\n", "speed", "0.1 to 10"),
    "speed-nan": toml("[pacing]\nspeed = nan\n", "speed", "nan", "0.1 to 10"),
    "speed-string": toml('[pacing]\nspeed = "fast"\n', "speed", "'fast'"),
    "words-per-minute": toml("[pacing]\nwords_per_minute = 5\n", "words_per_minute", "40 to 600"),
    # ------------------------------------------------------------------ labels (TeX)
    "title-input": toml(
        "[labels]\ntitle = '\\input{/etc/passwd}'\n", "[labels] title", "\\input", "read a file"
    ),
    "course-write18": toml(
        "[labels]\ncourse = '\\immediate\\write18{ls}'\n",
        "[labels] course",
        "\\immediate",
        "run a command",
    ),
    "title-catcode": toml(
        "[labels]\ntitle = '\\catcode`\\^=7'\n", "\\catcode", "how TeX reads text"
    ),
    "title-def": toml("[labels]\ntitle = '\\def\\x{y}'\n", "\\def", "macros"),
    "title-csname": toml("[labels]\ntitle = '\\csname input\\endcsname'\n", "\\csname"),
    "title-hat-escape": toml("[labels]\ntitle = '^^5cinput'\n", "^^", "character code"),
    "title-newline": toml('[labels]\ntitle = "a\\nb"\n', "title", "control character"),
    "title-other-command": toml("[labels]\ntitle = '\\textbf{x}'\n", "\\textbf", "plain text"),
    # ------------------------------------------------------------------ paths
    "config-missing": option(
        "--config",
        "nope.toml",
        fragments=("config file nope.toml does not exist", "chainrule init nope.toml"),
    ),
    "config-a-directory": Case(
        ("--config", "conf"), ("config file conf", "is a directory"), {"conf/keep.txt": ""}
    ),
    "config-a-pipe": Case(
        ("--config", "pipe.toml"), ("pipe.toml", "not a regular file"), setup=_fifo
    ),
    "config-a-device": option(
        "--config", "/dev/zero", fragments=("/dev/zero", "not a regular file")
    ),
    "output-a-file": Case(("-o", "out"), ("option --output", "out is a file")),
    "output-below-a-file": Case(("-o", "out/sub"), ("option --output", "out is a file")),
    "output-a-file-from-config": Case(
        ("--config", "c.toml"),
        ("[output] directory", "out is a file"),
        {"c.toml": '[output]\ndirectory = "out"\n'},
    ),
    "output-not-writable": Case(
        ("-o", "ro"), ("option --output", "ro", "not writable"), setup=_read_only
    ),
    "output-parent-not-writable": Case(
        ("-o", "ro/new"), ("option --output", "not writable"), setup=_read_only
    ),
    "output-empty": option("--output", "", fragments=("option --output", "''", "at least 1")),
    "output-nul": toml('[output]\ndirectory = "me\\u0000dia"\n', "directory", "NUL"),
    # ------------------------------------------------------------------ TOML itself
    "toml-malformed": toml("[network\nm = 2\n", "not valid TOML", "line 1"),
    "toml-duplicate-key": toml("[network]\nm = 2\nm = 3\n", "not valid TOML"),
    "toml-section-not-table": toml("network = 3\n", "[network]", "table"),
    "toml-binary": Case(
        ("--config", "bad.toml"),
        ("bad.toml", "binary"),
        {"bad.toml": b"\x89PNG\r\n\x1a\n\x00\x00IHDR"},
    ),
    "toml-not-utf8": Case(
        ("--config", "bad.toml"),
        ("bad.toml", "not UTF-8", "line 2, byte 13"),
        {"bad.toml": b'[labels]\ntitle = "caf\xe9"\n'},
    ),
    "toml-deeply-nested": toml("a = " + "[" * 5000 + "]" * 5000 + "\n", "nests", "too deeply"),
    # ------------------------------------------------------------------ unknown keys
    "unknown-section": toml(
        "[netwrk]\nm = 2\n", "unknown section [netwrk]", "did you mean 'network'?"
    ),
    "unknown-key": toml("[network]\nlayers = [2, 2, 2]\n", "unknown key 'layers'", "layer_dims"),
    "unknown-theme-key": toml('[theme]\ncolour_W = "#fff"\n', "colour_W", "[theme]"),
    "unknown-option": option("--frobnicate", fragments=("--frobnicate",)),
    # ------------------------------------------------------------------ scene names
    "scene-close": option(
        "ExpandToScalar",
        fragments=("unknown scene 'ExpandToScalar'", "did you mean ExpandToScalars?"),
    ),
    "scene-case": option(
        "whytranspose", fragments=("unknown scene 'whytranspose'", "did you mean WhyTranspose?")
    ),
    "scene-unknown": option(
        "NoSuchScene", fragments=("unknown scene 'NoSuchScene'", "the scenes are", "ShapeCheck")
    ),
    # ------------------------------------------------------------------ absurdly long strings
    "long-scene-name": option(LONG, fragments=("unknown scene", "...")),
    "long-title": toml(f'[labels]\ntitle = "{LONG}"\n', "title", "120"),
    "long-dims": option("--dims", ",".join(["1"] * 2000), fragments=("--dims", "characters")),
    "long-config-path": option("--config", LONG, fragments=("config file", "5000 characters")),
    "long-output": option("-o", LONG, fragments=("option --output", "1024 characters")),
    "long-output-name": option(
        "-o", "media/" + "b" * 300, fragments=("option --output", "300 bytes", "at most 255")
    ),
    "long-resolution": option("--resolution", LONG, fragments=("--resolution", "WIDTHxHEIGHT")),
    "huge-config-file": Case(
        ("--config", "big.toml"), ("big.toml", "bytes"), {"big.toml": "# " + "x" * 300_000 + "\n"}
    ),
}


@pytest.fixture(autouse=True)
def isolated(isolated_shared_cache: Path) -> Path:
    """The shared working folder, with an earlier render's output that must stay as it is."""
    tmp_path = isolated_shared_cache
    media = tmp_path / "media"  # a previous render's output, which must stay as it is
    media.mkdir()
    (media / "WhyTranspose_l.mp4").write_bytes(b"an earlier video")
    (media / "manifest.json").write_text('{"outputs": []}\n')
    (tmp_path / "out").write_text("a file, not a folder")
    return tmp_path


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if verifying or rendering starts."""
    forbid_work(monkeypatch, before="the input was rejected")


def test_the_corpus_is_large_and_covers_every_category() -> None:
    assert len(CASES) >= 30
    for prefix in (
        "dims",
        "m-",
        "opt-m",
        "activation",
        "quality",
        "format",
        "opt-jobs",
        "colour",
        "config-",
        "output-",
        "toml-",
        "unknown-",
        "scene-",
        "long-",
        "title-",
    ):
        assert any(name.startswith(prefix) for name in CASES), prefix


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_work: None
) -> None:
    case = CASES[name]
    for relative, content in case.files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.setup is not None:
        case.setup(tmp_path, monkeypatch)
    before = snapshot(tmp_path)
    result = invoke("render", *case.args)
    line = assert_one_line_error(result, case.code, *case.fragments)
    assert len(line) <= MAX_LINE, (len(line), line[:200])
    assert result.stdout == ""
    assert snapshot(tmp_path) == before
