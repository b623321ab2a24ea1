"""Colour-blind safety, measured: the default symbol colours stay apart (CAM02-UCS ΔE >= 10) in
normal vision and under simulated deuteranopia, protanopia and tritanopia; a config whose
colours collapse gets one warning line naming the pair and the deficiency."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from chainrule.settings.colour_vision import (
    DEFICIENCIES,
    MIN_DELTA_E,
    NORMAL,
    NORMAL_MIN_DELTA_E,
    SIBLING_MIN_DELTA_E,
    SIBLINGS,
    VISIONS,
    check_colours,
    delta_e,
    lightness_hue_chroma,
    normal_vision_clashes,
    same_hue_family,
    seen,
    symbol_colours,
    theme_warnings,
    worst_pairs,
)
from chainrule.settings.model import Settings
from tests.cli_support import invoke
from tests.process_support import python_output

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB: the published matrices,
# to check that colorspacious at severity 100 is that model (not computed by the module).
MACHADO = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}


def _by_matrix(colour: str, matrix: np.ndarray) -> np.ndarray:
    c = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    out = np.clip(matrix @ linear, 0, 1)
    return np.where(out <= 0.0031308, 12.92 * out, 1.055 * out ** (1 / 2.4) - 0.055)


@pytest.mark.parametrize("deficiency", list(DEFICIENCIES))
@pytest.mark.parametrize("colour", ["#E69F00", "#009E73", "#9AD2F2", "#D55E00", "#808080"])
def test_simulation_is_machado_at_full_severity(deficiency: str, colour: str) -> None:
    assert np.allclose(seen(colour, deficiency), _by_matrix(colour, MACHADO[deficiency]), atol=0.02)


def test_default_theme_is_colour_blind_safe() -> None:
    from scenes.theme import Theme

    theme = Theme()
    colours = symbol_colours(theme.families, theme.fallback)
    assert set(colours) >= {"W", "b", "Z", "A", "dZ", "dA", "dW", "db", "gprime", "X", "Y", "m"}
    assert check_colours(colours) == ()
    assert normal_vision_clashes(colours) == ()
    worst = worst_pairs(colours)
    assert list(worst) == list(VISIONS)
    assert all(pair.delta_e >= MIN_DELTA_E for pair in worst.values()), worst


@pytest.mark.parametrize(
    ("first", "second", "vision"),
    [
        ("#E04000", "#60A000", "deuteranopia"),  # orange-red and green
        ("#D55E00", "#808000", "protanopia"),  # vermillion and olive
        ("#338EC1", "#009E73", "tritanopia"),  # the old b (a blue tint) and Z (bluish green)
    ],
)
def test_pairs_that_collapse_are_caught(first: str, second: str, vision: str) -> None:
    assert delta_e(first, second, NORMAL) >= MIN_DELTA_E  # plainly apart for most
    assert delta_e(first, second, vision) < MIN_DELTA_E  # not for these viewers
    assert vision in {pair.vision for pair in check_colours({"one": first, "two": second})}


def test_delta_e_scale() -> None:
    assert delta_e("#000000", "#FFFFFF") == pytest.approx(100.0, abs=0.5)
    assert delta_e("#56B4E9", "#56B4E9", "tritanopia") == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("bad", ["red", "#12345", "#GGGGGG", ""])
def test_bad_colours_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="#RRGGBB"):
        delta_e(bad, "#000000")


def test_unknown_vision_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown vision"):
        seen("#000000", "achromatopsia")


# --------------------------------------------------------------------------- the warning


def test_a_red_green_config_warns_once_naming_pair_and_deficiency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rg.toml").write_text('[theme]\ndZ = "#E04000"\nZ = "#60A000"\n', encoding="utf-8")
    result = invoke("check", "--config", "rg.toml")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("chainrule: warning: rg.toml: [theme] ")
    assert "Z #60A000" in line
    assert "dZ #E04000" in line
    assert "deuteranopia" in line


def test_manim_colour_names_are_checked_too() -> None:
    settings = Settings.from_toml('[theme]\ndZ = "RED"\nZ = "GREEN"\n', source="c.toml")
    (warning,) = theme_warnings(settings)
    # Manim's GREEN is #83C167; the closest pair it makes is with dW's muted yellow-green
    assert "Z #83C167 and dW #B4C378" in warning
    pairs = check_colours({"Z": "#83C167", "dZ": "#FC6255"})
    assert "deuteranopia" in {pair.vision for pair in pairs}


@pytest.mark.parametrize("toml", ["", '[theme]\nW = "#F0E442"\n', "[theme]\nbody_size = 44\n"])
def test_safe_configs_do_not_warn(toml: str) -> None:
    assert theme_warnings(Settings.from_toml(toml, source="c.toml")) == ()


def test_no_manim_import_without_theme_colours() -> None:
    code = (
        "import sys; from chainrule.settings.model import Settings; "
        "from chainrule.settings.colour_vision import theme_warnings; "
        "assert theme_warnings(Settings()) == (); assert 'manim' not in sys.modules"
    )
    python_output("-c", code)


# --------------------------------------------------------------------------- normal vision


def _pairs_shown_together() -> set[frozenset[str]]:
    """Every pair of symbol families some step of the lecture shows together, over networks of
    several sizes, activations and example counts (from the derivation, not listed by hand)."""
    from derivations import derive
    from derivations.spec import NetworkSpec
    from derivations.steps import TexPart
    from scenes.theme import family_of

    def families(value: object, out: set[str]) -> None:
        if isinstance(value, TexPart):
            out.add(family_of(value.symbol) if value.symbol else "fallback")
        elif isinstance(value, (tuple, list)):
            for item in value:
                families(item, out)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                families(getattr(value, name), out)

    pairs: set[frozenset[str]] = set()
    for spec in (
        NetworkSpec(),
        NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
        NetworkSpec(layer_dims=(2, 3, 2, 1)),
    ):
        for step in derive(spec).steps:
            shown: set[str] = set()
            families(step, shown)
            pairs |= {frozenset((a, b)) for a in shown for b in shown if a < b}
    return pairs


def test_every_pair_shown_together_is_clearly_apart_in_normal_vision() -> None:
    """The pairs the review named (Y and dZ, b and A, ∂ℒ/∂a and plain text) are among them."""
    from scenes.theme import Theme

    theme = Theme()
    together = _pairs_shown_together()
    assert {frozenset(p) for p in (("Y", "dZ"), ("A", "b"), ("dA", "fallback"))} <= together
    colours = {
        family: theme.families.get(family, theme.fallback)
        for family in {f for pair in together for f in pair}
    }
    assert colours["dA"] != theme.fallback, "∂ℒ/∂a is a gradient: it has a colour of its own"
    for pair in together:
        first, second = sorted(pair)
        if colours[first] == colours[second]:  # g, σ, ℒ and operators: all the text colour
            continue
        assert normal_vision_clashes({first: colours[first], second: colours[second]}) == ()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Y", "#E69F00"), ("dZ", "#D55E00")),  # the old amber Y beside vermillion dZ
        (("b", "#95D0F1"), ("A", "#56B4E9")),  # the old light sky-blue b beside sky-blue A
        (("m", "#CFCFCF"), ("fallback", "#FFFFFF")),  # a light grey beside white text
    ],
)
def test_pairs_too_close_in_normal_vision_are_caught(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    assert check_colours(dict((first, second))) == ()  # the deficiency check lets them pass
    assert len(normal_vision_clashes(dict((first, second)))) == 1


def test_siblings_share_a_hue_but_keep_their_own_floor() -> None:
    assert same_hue_family("#F0E442", "#E0D440")  # two yellows of one lightness
    assert normal_vision_clashes({"W": "#F0E442", "dW": "#B4C378"}) == ()
    assert normal_vision_clashes({"W": "#F0E442", "dW": "#E8DC40"})  # a sibling too close
    assert NORMAL_MIN_DELTA_E > SIBLING_MIN_DELTA_E >= MIN_DELTA_E
    assert frozenset(("W", "dW")) in SIBLINGS


#: The least CAM02-UCS hue angle between the labels Y and the pre-activations Z, shown together
#: in the loss (σ(z) beside y) and the forward pass: a review read the old mint Y (13° from Z's
#: teal) as a shade of Z.
Y_Z_HUE_DEGREES = 18.0


def test_the_labels_are_no_shade_of_the_pre_activations() -> None:
    from scenes.theme import Theme

    theme = Theme()
    assert frozenset(("Y", "Z")) in _pairs_shown_together()

    def hue_apart(first: str, second: str) -> float:
        h1, h2 = lightness_hue_chroma(first)[1], lightness_hue_chroma(second)[1]
        return abs((h1 - h2 + 180) % 360 - 180)

    assert hue_apart(theme.families["Y"], theme.families["Z"]) >= Y_Z_HUE_DEGREES
    assert hue_apart("#69FFA5", theme.families["Z"]) < Y_Z_HUE_DEGREES  # the old mint fails
