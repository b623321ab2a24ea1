"""The theme: one colour per symbol family, a highlight no symbol uses, validated input."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest

from scenes.pacing import Pacing
from scenes.theme import DEFAULT_FAMILY_COLOURS, OKABE_ITO, Theme, family_of


def test_families_have_distinct_colours() -> None:
    colours = list(Theme().families.values())
    assert len(colours) == len(set(colours))


def test_highlight_is_no_symbol_colour() -> None:
    theme = Theme()
    assert theme.highlight not in theme.families.values()


def _channels(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _is_tint_of(colour: str, base: str, most: float = 0.4) -> bool:
    """``colour`` is ``base`` mixed with at most ``most`` white (one mixing amount for all
    three channels, up to rounding)."""
    c, b = _channels(colour), _channels(base)
    amounts = [(cc - bb) / (255 - bb) for cc, bb in zip(c, b, strict=True) if bb < 255]
    return (
        all(cc >= bb for cc, bb in zip(c, b, strict=True))
        and 0 <= max(amounts) <= most
        and max(amounts) - min(amounts) <= 2.5 / 255 * 3
    )


def test_palette_is_okabe_ito_or_its_tints_for_the_main_families() -> None:
    for family in ("W", "Z", "A", "dZ"):
        colour = DEFAULT_FAMILY_COLOURS[family]
        assert any(_is_tint_of(colour, base) for base in OKABE_ITO.values()), family
    assert not _is_tint_of("#4A90E2", OKABE_ITO["blue"])  # a different hue is caught


def _hsv(colour: str) -> tuple[float, float, float]:
    import colorsys

    return colorsys.rgb_to_hsv(*(_channels(colour) / 255))


@pytest.mark.parametrize(("gradient", "parameter"), [("dW", "W"), ("db", "b")])
def test_parameter_gradients_are_their_parameters_hue_muted(gradient: str, parameter: str) -> None:
    """dW and db have a colour of their own, in the hue of W and b (within 20° of HSV hue) and less
    saturated: the hue says whose gradient, the muting says "gradient of"."""
    theme = Theme()
    assert theme.colour(f"{gradient}2") not in {theme.text, theme.fallback}
    hue, saturation, _ = _hsv(theme.colour(f"{gradient}1"))
    parent_hue, parent_saturation, _ = _hsv(theme.colour(f"{parameter}1"))
    assert abs(hue - parent_hue) * 360 <= 20
    assert saturation < parent_saturation - 0.1
    assert abs(_hsv(OKABE_ITO["orange"])[0] - _hsv(DEFAULT_FAMILY_COLOURS["W"])[0]) * 360 > 10


# --------------------------------------------------------------------------- WCAG contrast
# Computed here from the WCAG 2.x definitions, not with any helper of the theme.


def _linear(colour: str) -> np.ndarray:
    c = _channels(colour) / 255
    return np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _relative_luminance(colour: str) -> float:
    r, g, b = _linear(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_by_hand() -> None:
    assert _contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert _contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # WebAIM's example
    assert _contrast("#0072B2", "#111111") < 4.5  # the old blue


def _theme_colours(theme: Theme) -> dict[str, str]:
    colours = {f"family {name}": colour for name, colour in theme.families.items()}
    colours.update(
        {name: getattr(theme, name) for name in ("text", "fallback", "highlight", "ok", "error")}
    )
    return colours


@pytest.mark.parametrize(("name", "colour"), sorted(_theme_colours(Theme()).items()))
def test_every_theme_colour_reaches_wcag_aa_on_the_background(name: str, colour: str) -> None:
    assert _contrast(colour, Theme().background) >= 4.5, f"{name} {colour}"


# --------------------------------------------------------------------------- colour vision
# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
PROTANOPIA = np.array(
    [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]
)
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
SRGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
D65 = np.array([0.95047, 1.0, 1.08883])
#: CIE76 ΔE every two families keep, in normal vision and simulated protanopia and
#: deuteranopia: about four just-noticeable differences (2.3 each), so two colours are told
#: apart at a glance even on thin glyphs.
MIN_DELTA_E = 10.0


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    t = SRGB_TO_XYZ @ np.clip(linear_rgb, 0, 1) / D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _delta_e(a: str, b: str, vision: np.ndarray) -> float:
    return float(np.linalg.norm(_lab(vision @ _linear(a)) - _lab(vision @ _linear(b))))


@pytest.mark.parametrize(
    "vision", [np.eye(3), PROTANOPIA, DEUTERANOPIA], ids=["normal", "protanopia", "deuteranopia"]
)
def test_families_stay_apart_under_colour_blindness(vision: np.ndarray) -> None:
    families = Theme().families
    for (one, a), (two, b) in itertools.combinations(families.items(), 2):
        assert _delta_e(a, b, vision) >= MIN_DELTA_E, f"{one} {a} and {two} {b}"


def test_the_colour_blindness_check_catches_a_confusable_pair() -> None:
    # an orange-red and a green, plainly different in normal vision, merge for a deuteranope;
    # vermillion and olive merge for a protanope
    assert _delta_e("#E04000", "#60A000", np.eye(3)) >= MIN_DELTA_E
    assert _delta_e("#E04000", "#60A000", DEUTERANOPIA) < MIN_DELTA_E
    assert _delta_e("#D55E00", "#808000", PROTANOPIA) < MIN_DELTA_E


@pytest.mark.parametrize(
    ("key", "family"),
    [
        ("W2", "W"),
        ("W", "W"),
        ("dZ2", "dZ"),
        ("gprime1", "gprime"),
        ("A1", "A"),
        ("m", "m"),
        ("X", "X"),
        ("g1", "g"),
        ("loss", "loss"),
        ("dA1", "dA"),
    ],
)
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


@pytest.mark.parametrize(
    "settings",
    [
        {"W": DEFAULT_FAMILY_COLOURS["A"]},  # onto another family's default
        {"dZ": "#123456", "Y": "#123456"},  # two new colours that agree
        {"b": DEFAULT_FAMILY_COLOURS["Z"].lower()},  # case does not make it another
    ],
)
def test_two_families_sharing_a_colour_is_an_error(settings: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"are both .*a colour must mean one thing"):
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
