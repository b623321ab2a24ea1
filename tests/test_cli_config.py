"""The TOML config: ``chainrule init``, validation errors, and precedence (options > file >
defaults)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from chainrule.config import SECTIONS, Settings, render_toml
from chainrule.errors import ConfigError
from cli_support import assert_one_line_error, invoke, snapshot


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             tmp_path_factory: pytest.TempPathFactory) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHAINRULE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    return tmp_path


# ---------------------------------------------------------------------- init

def test_init_writes_every_key_with_its_default(tmp_path: Path) -> None:
    result = invoke("init")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "chainrule.toml").read_text()
    data = tomllib.loads(text)
    assert set(data) == set(SECTIONS)
    for section, model in SECTIONS.items():
        assert set(data[section]) == set(model.model_fields), section
        for key in model.model_fields:  # every key is commented
            line = text.splitlines().index(next(l for l in text.splitlines()
                                                if l.startswith(f"{key} = ")
                                                and l in _section_lines(text, section)))
            assert text.splitlines()[line - 1].startswith("#"), key
    assert Settings.from_toml(text).resolved() == Settings().resolved()


def _section_lines(text: str, section: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(f"[{section}]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    return lines[start:end]


def test_init_defaults_come_from_the_theme_and_pacing_classes() -> None:
    from scenes.pacing import Pacing
    from scenes.theme import Theme

    values = Settings().resolved()
    theme = Theme()
    assert values["theme"]["W"] == theme.families["W"]
    assert values["theme"]["background"] == theme.background
    assert values["pacing"]["words_per_minute"] == Pacing().words_per_minute


def test_theme_section_covers_what_the_theme_accepts() -> None:
    from dataclasses import fields

    from chainrule.config import ThemeSettings
    from scenes.theme import DEFAULT_FAMILY_COLOURS, Theme

    accepted = {f.name for f in fields(Theme)} - {"families"} | set(DEFAULT_FAMILY_COLOURS)
    assert set(ThemeSettings.model_fields) == accepted


def test_init_to_a_given_path(tmp_path: Path) -> None:
    assert invoke("init", "course.toml").exit_code == 0
    assert (tmp_path / "course.toml").is_file()


def test_init_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "chainrule.toml"
    target.write_text("# mine\n")
    assert_one_line_error(invoke("init"), 2, "already exists")
    assert target.read_text() == "# mine\n"


@pytest.mark.parametrize("path, fragment", [(".", "is a directory"),
                                            ("no/such/folder/c.toml", "does not exist")])
def test_init_bad_paths(path: str, fragment: str) -> None:
    assert_one_line_error(invoke("init", path), 2, fragment)


def test_written_toml_round_trips_odd_strings() -> None:
    settings = Settings().with_overrides({"labels.title": ('Say "hi" — ∂𝓛/∂z', "--t")})
    text = render_toml(settings.resolved())
    assert Settings.from_toml(text).labels.title == 'Say "hi" — ∂𝓛/∂z'


# ---------------------------------------------------------------------- precedence

def test_defaults_without_a_file() -> None:
    settings = Settings()
    assert settings.network.spec().describe() == "2-2-2 network, m = 2, tanh"
    assert (settings.output.quality, settings.output.format, settings.output.directory) == (
        "h", "mp4", "media")


def test_file_overrides_defaults_and_options_override_the_file(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text('[network]\nm = 3\n[output]\nquality = "m"\n'
                                     '[theme]\nW = "#123456"\n')
    from chainrule.options import load_settings

    settings = load_settings("c.toml", {"network.m": (4, "--m"),
                                        "output.quality": (None, "--quality")})
    assert settings.network.m == 4                  # option beats file
    assert settings.output.quality == "m"           # file beats default
    assert settings.output.format == "mp4"          # default
    assert settings.theme_object().colour("W2") == "#123456"


def test_a_colour_from_the_file_reaches_the_theme(tmp_path: Path) -> None:
    settings = Settings.from_toml('[theme]\ndZ = "RED"\nbackground = "#000"\n')
    theme = settings.theme_object()
    assert theme.colour("dZ1") != Settings().theme_object().colour("dZ1")
    assert theme.background == "#000000"


# ---------------------------------------------------------------------- the error corpus

BAD_FILES = {
    "unknown-section": ('[netwrk]\nm = 2\n', ["unknown section [netwrk]", "network"]),
    "unknown-key": ('[network]\nlayers = [2, 2, 2]\n', ["unknown key 'layers'", "layer_dims"]),
    "unknown-theme-key": ('[theme]\ncolour_W = "#fff"\n', ["colour_W", "[theme]"]),
    "dims-not-a-list": ('[network]\nlayer_dims = 3\n', ["layer_dims", "3"]),
    "dims-float": ('[network]\nlayer_dims = [2, 2.5, 1]\n', ["layer_dims[1]", "2.5"]),
    "dims-string": ('[network]\nlayer_dims = ["2", 2, 1]\n', ["layer_dims[0]", "'2'"]),
    "dims-zero": ('[network]\nlayer_dims = [2, 0, 1]\n', ["layer_dims[1] = 0", "1 to 4"]),
    "dims-negative": ('[network]\nlayer_dims = [2, -3, 1]\n', ["layer_dims[1] = -3"]),
    "dims-too-big": ('[network]\nlayer_dims = [2, 5, 1]\n', ["layer_dims[1] = 5"]),
    "dims-too-many": ('[network]\nlayer_dims = [2, 2, 2, 2, 2, 2]\n', ["2 to 4 layer sizes"]),
    "dims-too-few": ('[network]\nlayer_dims = [2, 2]\n', ["2 to 4 layer sizes"]),
    "m-zero": ('[network]\nm = 0\n', ["m = 0", "1 to 5"]),
    "m-huge": ('[network]\nm = 100000000000\n', ["m = 100000000000"]),
    "m-string": ('[network]\nm = "2"\n', ["[network] m", "'2'", "integer"]),
    "m-bool": ('[network]\nm = true\n', ["[network] m", "True"]),
    "m-float": ('[network]\nm = 2.0\n', ["[network] m", "2.0"]),
    "activation": ('[network]\nactivation = "swish"\n', ["activation", "'swish'", "relu"]),
    "not-a-colour": ('[theme]\nW = "blu"\n', ["W = 'blu'", "not a colour", "#E69F00"]),
    "colour-number": ('[theme]\nW = 255\n', ["[theme] W", "255"]),
    "bad-hex": ('[theme]\nbackground = "#12345"\n', ["background", "#12345"]),
    "highlight-clash": ('[theme]\nhighlight = "#0072B2"\n', ["[theme]", "highlight"]),
    "font-size-zero": ('[theme]\nbody_size = 0\n', ["body_size", "0"]),
    "font-size-huge": ('[theme]\ntitle_size = 1000\n', ["title_size", "1000"]),
    "opacity": ('[theme]\nhighlight_opacity = 2\n', ["highlight_opacity", "2"]),
    "speed-zero": ('[pacing]\nspeed = 0\n', ["speed", "0.1 to 10"]),
    "speed-string": ('[pacing]\nspeed = "fast"\n', ["speed", "'fast'"]),
    "wpm": ('[pacing]\nwords_per_minute = 5\n', ["words_per_minute", "40 to 600"]),
    "quality": ('[output]\nquality = "ultra"\n', ["quality", "'ultra'", "'l'"]),
    "format": ('[output]\nformat = "avi"\n', ["format", "'avi'", "mp4"]),
    "directory-empty": ('[output]\ndirectory = ""\n', ["directory"]),
    "title-too-long": ('[labels]\ntitle = "' + "x" * 500 + '"\n', ["title", "120"]),
    "title-input": ("[labels]\ntitle = '\\input{/etc/passwd}'\n", ["\\input", "read a file"]),
    "course-write": ("[labels]\ncourse = '\\immediate\\write18{ls}'\n", ["\\immediate"]),
    "title-catcode": ("[labels]\ntitle = '\\catcode`\\^=7'\n", ["\\catcode"]),
    "title-def": ("[labels]\ntitle = '\\def\\x{y}'\n", ["\\def", "macros"]),
    "title-csname": ("[labels]\ntitle = '\\csname input\\endcsname'\n", ["\\csname"]),
    "title-hat-escape": ("[labels]\ntitle = '^^5cinput'\n", ["^^"]),
    "title-newline": ('[labels]\ntitle = "a\\nb"\n', ["title", "control character"]),
    "section-not-table": ('network = 3\n', ["[network]", "table"]),
    "bad-toml": ('[network\nm = 2\n', ["not valid TOML", "line 1"]),
    "duplicate-key": ('[network]\nm = 2\nm = 3\n', ["not valid TOML"]),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_config_files(name: str, tmp_path: Path) -> None:
    text, fragments = BAD_FILES[name]
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    before = snapshot(tmp_path)
    result = invoke("render", "--config", "bad.toml")
    assert_one_line_error(result, 2, "bad.toml", *fragments)
    assert snapshot(tmp_path) == before  # no media/ folder, nothing written


def test_binary_config(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert_one_line_error(invoke("check", "--config", "bad.toml"), 2, "bad.toml", "binary")


def test_non_utf8_config(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_bytes(b'[labels]\ntitle = "caf\xe9"\n')
    assert_one_line_error(invoke("check", "--config", "bad.toml"), 2, "bad.toml", "UTF-8")


def test_config_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    assert_one_line_error(invoke("check", "--config", "conf"), 2, "conf", "directory")


def test_huge_config(tmp_path: Path) -> None:
    (tmp_path / "big.toml").write_text("# " + "x" * 300_000 + "\n")
    assert_one_line_error(invoke("check", "--config", "big.toml"), 2, "big.toml", "bytes")


def test_errors_are_config_errors_with_exit_2() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_toml("[network]\nm = 9\n", source="x.toml")
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith("x.toml: [network] m = 9")


def test_hex_colours_do_not_import_manim() -> None:
    import subprocess
    import sys

    code = ("import sys; from chainrule.config import Settings; "
            "Settings.from_toml('[theme]\\nW = \"#ABCDEF\"\\n'); "
            "assert 'manim' not in sys.modules, 'manim imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
