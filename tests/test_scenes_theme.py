"""The theme: one colour per symbol family, a highlight no symbol uses, validated input."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scenes.pacing import Pacing
from scenes.theme import DEFAULT_FAMILY_COLOURS, OKABE_ITO, Theme, family_of


def test_families_have_distinct_colours() -> None:
    colours = list(Theme().families.values())
    assert len(colours) == len(set(colours))


def test_highlight_is_no_symbol_colour() -> None:
    theme = Theme()
    assert theme.highlight not in theme.families.values()


def test_palette_is_okabe_ito_for_the_main_families() -> None:
    for family in ("W", "b", "Z", "A", "dZ", "gprime"):
        assert DEFAULT_FAMILY_COLOURS[family] in OKABE_ITO.values()


@pytest.mark.parametrize("key, family", [("W2", "W"), ("W", "W"), ("dZ2", "dZ"),
                                         ("gprime1", "gprime"), ("A1", "A"), ("m", "m"),
                                         ("X", "X"), ("g1", "g"), ("loss", "loss")])
def test_family_of(key: str, family: str) -> None:
    assert family_of(key) == family


def test_one_colour_per_family_across_layers() -> None:
    theme = Theme()
    assert theme.colour("W1") == theme.colour("W2") != theme.colour("dW2")
    assert theme.colour(None) == theme.text
    assert theme.colour("unknown") == theme.fallback


def test_from_dict_sets_families_and_settings() -> None:
    theme = Theme.from_dict({"W2": "RED", "dZ": "#00ff00", "min_font_size": 26})
    assert theme.colour("W1") == "#FC6255"  # Manim's RED
    assert theme.colour("dZ2") == "#00FF00"
    assert theme.min_font_size == 26


def test_bad_colour_names_key_and_value() -> None:
    with pytest.raises(ValueError, match=r"'W2'.*'nope'"):
        Theme.from_dict({"W2": "nope"})


def test_unknown_key_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown theme key 'bodysize'"):
        Theme.from_dict({"bodysize": 30})


def test_highlight_clash_is_an_error() -> None:
    with pytest.raises(ValueError, match="highlight colour"):
        Theme.from_dict({"highlight": DEFAULT_FAMILY_COLOURS["W"]})


@pytest.mark.parametrize("settings", [
    {"W": DEFAULT_FAMILY_COLOURS["A"]},                    # onto another family's default
    {"dZ": "#123456", "Y": "#123456"},                      # two new colours that agree
    {"b": DEFAULT_FAMILY_COLOURS["Z"].lower()},            # case does not make it another
])
def test_two_families_sharing_a_colour_is_an_error(settings: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="are both .*a colour must mean one thing"):
        Theme.from_dict(settings)


def test_swapping_family_colours_is_allowed() -> None:
    theme = Theme.from_dict({"W": DEFAULT_FAMILY_COLOURS["A"], "A": DEFAULT_FAMILY_COLOURS["W"]})
    assert theme.colour("W2") == DEFAULT_FAMILY_COLOURS["A"]
    assert theme.colour("A1") == DEFAULT_FAMILY_COLOURS["W"]


def test_sizes_below_minimum_are_errors() -> None:
    with pytest.raises(ValueError, match="body_size"):
        Theme(body_size=20)


def test_pacing() -> None:
    pacing = Pacing(words_per_minute=120, speed=2)
    assert pacing.reading_time("a b c d") == 2.0
    assert pacing.reading_time("a") == pacing.min_caption_seconds
    assert pacing.run_time(1.0) == 0.5
    with pytest.raises(ValueError, match="speed"):
        Pacing(speed=0)


def test_scene_modules_import_by_absolute_package_path() -> None:
    code = "import scenes.expand, scenes.partials, scenes.fold"
    subprocess.run([sys.executable, "-c", code], check=True, cwd="/")
