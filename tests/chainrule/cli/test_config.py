"""The TOML config: ``chainrule init``, validation errors, and precedence (options > file >
defaults)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from chainrule.errors import ConfigError
from chainrule.settings.model import SECTIONS, Settings
from chainrule.settings.scene_settings import build_pacing, build_theme, resolved
from chainrule.settings.template import render_toml
from tests.cli_support import assert_one_line_error, invoke
from tests.paths import PROJECT_ROOT
from tests.process_support import python_output

pytestmark = pytest.mark.usefixtures("isolated_shared_cache")


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
            line = text.splitlines().index(
                next(
                    l
                    for l in text.splitlines()
                    if l.startswith(f"{key} = ") and l in _section_lines(text, section)
                )
            )
            assert text.splitlines()[line - 1].startswith("#"), key
    assert resolved(Settings.from_toml(text)) == resolved(Settings())


def _section_lines(text: str, section: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(f"[{section}]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    return lines[start:end]


def test_init_defaults_come_from_the_theme_and_pacing_classes() -> None:
    from scenes.pacing import Pacing
    from scenes.theme import Theme

    values = resolved(Settings())
    theme = Theme()
    assert values["theme"]["W"] == theme.families["W"]
    assert values["theme"]["background"] == theme.background
    assert values["pacing"]["words_per_minute"] == Pacing().words_per_minute


def test_theme_section_covers_what_the_theme_accepts() -> None:
    from dataclasses import fields

    from chainrule.settings.model import ThemeSettings
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


@pytest.mark.parametrize(
    ("path", "fragment"), [(".", "is a directory"), ("no/such/folder/c.toml", "does not exist")]
)
def test_init_bad_paths(path: str, fragment: str) -> None:
    assert_one_line_error(invoke("init", path), 2, fragment)


def test_written_toml_round_trips_odd_strings() -> None:
    settings = Settings().with_overrides({"labels.title": ('Say "hi" — ∂𝓛/∂z', "--t")})
    text = render_toml(resolved(settings))
    assert Settings.from_toml(text).labels.title == 'Say "hi" — ∂𝓛/∂z'


# ---------------------------------------------------------------------- precedence


def test_defaults_without_a_file() -> None:
    settings = Settings()
    assert settings.network.spec().describe() == "2-3-2 network, m = 2, tanh"
    assert (settings.output.quality, settings.output.format, settings.output.directory) == (
        "h",
        "mp4",
        "media",
    )


def test_file_overrides_defaults_and_options_override_the_file(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text(
        '[network]\nm = 3\n[output]\nquality = "m"\n[theme]\nW = "#123456"\n'
    )
    from chainrule.cli.options import load_settings

    settings = load_settings(
        "c.toml", {"network.m": (4, "--m"), "output.quality": (None, "--quality")}
    )
    assert settings.network.m == 4  # option beats file
    assert settings.output.quality == "m"  # file beats default
    assert settings.output.format == "mp4"  # default
    assert build_theme(settings).colour("W2") == "#123456"


def test_a_colour_from_the_file_reaches_the_theme(tmp_path: Path) -> None:
    settings = Settings.from_toml('[theme]\ndZ = "RED"\nbackground = "#000"\n')
    theme = build_theme(settings)
    assert theme.colour("dZ1") != build_theme(Settings()).colour("dZ1")
    assert theme.background == "#000000"


# ---------------------------------------------------------------------- errors
# (the bad-input corpus, config files included, is tests/chainrule/cli/test_bad_input_corpus.py)


def test_errors_are_config_errors_with_exit_2() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_toml("[network]\nm = 9\n", source="x.toml")
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith("x.toml: [network] m = 9")


def test_hex_colours_do_not_import_manim() -> None:
    code = (
        "import sys; from chainrule.settings.model import Settings; "
        "Settings.from_toml('[theme]\\nW = \"#ABCDEF\"\\n'); "
        "assert 'manim' not in sys.modules, 'manim imported'"
    )
    python_output("-c", code)


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    """Windows editors save UTF-8 with a BOM; it is not a TOML error."""
    (tmp_path / "c.toml").write_bytes(b"\xef\xbb\xbf[network]\nm = 3\n")
    assert Settings.from_file(tmp_path / "c.toml").network.m == 3


def readme_blocks(language: str) -> list[str]:
    """The fenced code blocks of README.md in ``language``."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_the_readme_config_example_is_a_valid_config() -> None:
    """What the README tells educators to paste loads, and its theme and pacing build."""
    [example] = [block for block in readme_blocks("toml") if "[network]" in block]
    settings = Settings.from_toml(example, "README.md")
    assert settings.network.spec().layer_dims == (3, 4, 2)
    theme = build_theme(settings)
    assert theme.colour("W2") == "#56B4E9"
    assert theme.colour("dZ1") == "#E69F00"
    build_pacing(settings)


def test_the_readme_subclass_example_builds() -> None:
    """The README's ``ReluLecture`` class: importing it builds its theme, pacing and spec."""
    [example] = [block for block in readme_blocks("python") if "class ReluLecture" in block]
    namespace: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), namespace)
    lecture = namespace["ReluLecture"]
    assert lecture.spec.layer_dims == (3, 4, 2)
    assert lecture.theme.colour("A1") == "#F0E442"
