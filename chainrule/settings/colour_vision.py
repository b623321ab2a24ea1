"""Colour-blind safety, measured: do the symbol colours stay apart under colour-vision deficiency?

Every symbol family has one colour (:mod:`scenes.theme`), and the families meet on screen: the
forward equations show ``W``, ``X``/``A``, ``b`` and ``Z`` together, the gradients ``dZ``,
``g′``, ``W``, ``m`` and ``Y`` with them, and symbols without a family (``g``, ``σ``, ``ℒ``) are
drawn in the fallback colour beside all of them. So *every* pair of symbol colours (the
families and the fallback) is checked, in normal vision and as seen with deuteranopia,
protanopia and tritanopia.

**Simulation.** ``colorspacious`` (``"sRGB1+CVD"``), which implements Machado, Oliveira &
Fernandes (2009), "A physiologically-based model for simulation of color vision deficiency",
IEEE TVCG 15(6): 1291-1298, at severity 100 (dichromacy: ``deuteranomaly`` at 100 is
deuteranopia, and so on). The paper calls its tritan model an approximation.

**Difference.** ``colorspacious.deltaE``: the Euclidean distance in CAM02-UCS (Luo, Cui & Li
2006, "Uniform colour spaces based on CIECAM02 colour appearance model", Color Research &
Application 31(4): 320-330), a space fitted to the same visual colour-difference data as
CIEDE2000, so its ΔE is on the ΔE00 scale.

**Threshold.** :data:`MIN_DELTA_E` = 10. The usual reading of ΔE (e.g. Z. Schuessler,
"Delta E 101", zschuessler.github.io/DeltaE/learn: < 1 not perceptible, 1-2 perceptible on close
observation, 2-10 perceptible at a glance, 11-49 more similar than opposite) puts 10 at the top
of "perceptible at a glance": symbols are thin glyphs read in passing, so two symbol colours must
differ at least that much, not just be told apart side by side. (The Okabe-Ito palette itself,
with tints for contrast, reaches at most about 10.3 over all pairs: a stricter threshold would
rule out the colour-blind-safe palette.)

**Normal vision, stricter.** Telling two symbols apart under a deficiency is the floor; a viewer
with normal vision must see them as *clearly* different colours. A review of the old palette
found Okabe-Ito's orange ``Y`` too close to vermillion ``dZ`` (ΔE 21.6, hue 27° apart, lightness
15 apart: "amber" and "orange") and a light sky-blue ``b`` too close to sky-blue ``A`` (ΔE 12.5,
3° apart). So in normal vision every two symbol colours keep :data:`NORMAL_MIN_DELTA_E` = 19,
and two of one hue family (both chromatic, CAM02-UCS chroma above :data:`CHROMATIC`, hues within
:data:`SAME_HUE_DEGREES` = 30°) must also differ in lightness by :data:`SAME_HUE_LIGHTNESS` =
20, which the old ``Y``/``dZ`` and ``b``/``A`` fail. Pairs of one hue on purpose
(:data:`SIBLINGS`: a parameter and its gradient, the two backward signals) keep
:data:`SIBLING_MIN_DELTA_E` = 15. See :func:`normal_vision_clashes`.

No Manim here: :func:`check_colours` takes ``{name: "#RRGGBB"}``; :func:`theme_warnings` builds
the theme of a config (which imports Manim) only when the config sets symbol colours.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from colorspacious import cspace_convert, deltaE

from chainrule.errors import ConfigError

if TYPE_CHECKING:
    from chainrule.settings.model import Settings

#: The least CAM02-UCS ΔE two symbol colours keep, in every vision (see the module docstring).
MIN_DELTA_E = 10.0
#: The least CAM02-UCS ΔE two symbol colours keep in normal vision (see the module docstring).
NORMAL_MIN_DELTA_E = 19.0
#: Pairs of families drawn in one hue on purpose, and the least ΔE they keep in normal vision.
SIBLINGS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair) for pair in (("W", "dW"), ("b", "db"), ("dZ", "dA"))
)
SIBLING_MIN_DELTA_E = 15.0
#: Two chromatic colours whose CAM02-UCS hues lie this close read as one hue family ...
SAME_HUE_DEGREES = 30.0
#: ... unless their CAM02-UCS lightness J' differs by this much.
SAME_HUE_LIGHTNESS = 20.0
#: CAM02-UCS chroma above which a colour has a hue (greys and white have none).
CHROMATIC = 10.0
#: The deficiencies simulated, each as colorspacious names it (at severity 100).
DEFICIENCIES: Mapping[str, str] = {
    "deuteranopia": "deuteranomaly",
    "protanopia": "protanomaly",
    "tritanopia": "tritanomaly",
}
NORMAL = "normal vision"
#: Every vision checked: normal first, then the deficiencies.
VISIONS: tuple[str, ...] = (NORMAL, *DEFICIENCIES)


@dataclass(frozen=True)
class PairDifference:
    """How far apart two named colours look in one vision (CAM02-UCS ΔE)."""

    first: str
    first_colour: str
    second: str
    second_colour: str
    vision: str
    delta_e: float

    def describe(self) -> str:
        """E.g. ``'W #E04000 and Z #60A000 under deuteranopia: ΔE 3.1'``."""
        where = "in normal vision" if self.vision == NORMAL else f"under {self.vision}"
        return (
            f"{self.first} {self.first_colour} and {self.second} {self.second_colour} "
            f"{where}: ΔE {self.delta_e:.1f}"
        )


def _rgb(colour: str) -> tuple[float, float, float]:
    """``#RRGGBB`` as sRGB in [0, 1]; ``ValueError`` for anything else."""
    text = colour.strip()
    if len(text) != 7 or text[0] != "#":
        raise ValueError(f"{colour!r} is not a colour of the form #RRGGBB")
    try:
        red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (1, 3, 5))
    except ValueError:
        raise ValueError(f"{colour!r} is not a colour of the form #RRGGBB") from None
    return red, green, blue


def seen(colour: str, vision: str) -> tuple[float, float, float]:
    """``colour`` (``#RRGGBB``) as sRGB in [0, 1] as seen in ``vision`` (one of
    :data:`VISIONS`); simulated colours outside the display's gamut are clipped to it.

    >>> [round(c, 3) for c in seen("#FFFFFF", "deuteranopia")], seen("#FFFFFF", NORMAL)
    ([1.0, 1.0, 1.0], (1.0, 1.0, 1.0))
    """
    rgb = _rgb(colour)
    if vision == NORMAL:
        return rgb
    if vision not in DEFICIENCIES:
        raise ValueError(f"unknown vision {vision!r}: one of {', '.join(VISIONS)}")

    space = {"name": "sRGB1+CVD", "cvd_type": DEFICIENCIES[vision], "severity": 100}
    simulated = np.clip(cspace_convert(rgb, space, "sRGB1"), 0.0, 1.0)
    return float(simulated[0]), float(simulated[1]), float(simulated[2])


def delta_e(first: str, second: str, vision: str = NORMAL) -> float:
    """CAM02-UCS ΔE between two ``#RRGGBB`` colours as seen in ``vision``.

    >>> round(delta_e("#000000", "#FFFFFF"), 1)
    100.0
    """

    return float(deltaE(seen(first, vision), seen(second, vision), input_space="sRGB1"))


def pair_differences(
    colours: Mapping[str, str], visions: Sequence[str] = VISIONS
) -> tuple[PairDifference, ...]:
    """Every pair of ``colours`` (``{name: "#RRGGBB"}``) in every vision, smallest ΔE first."""
    seen_as = {
        (name, vision): seen(colour, vision)
        for name, colour in colours.items()
        for vision in visions
    }

    found = [
        PairDifference(
            a,
            colours[a],
            b,
            colours[b],
            vision,
            float(deltaE(seen_as[a, vision], seen_as[b, vision], input_space="sRGB1")),
        )
        for vision in visions
        for a, b in itertools.combinations(colours, 2)
    ]
    return tuple(sorted(found, key=lambda pair: pair.delta_e))


def worst_pairs(colours: Mapping[str, str]) -> dict[str, PairDifference]:
    """The closest pair of ``colours`` in each vision."""
    worst: dict[str, PairDifference] = {}
    for pair in pair_differences(colours):
        worst.setdefault(pair.vision, pair)
    return {vision: worst[vision] for vision in VISIONS if vision in worst}


def check_colours(
    colours: Mapping[str, str], threshold: float = MIN_DELTA_E
) -> tuple[PairDifference, ...]:
    """The pairs of ``colours`` closer than ``threshold`` in some vision (none: safe),
    closest first."""
    return tuple(pair for pair in pair_differences(colours) if pair.delta_e < threshold)


def lightness_hue_chroma(colour: str) -> tuple[float, float, float]:
    """CAM02-UCS lightness J', hue angle (degrees) and chroma of ``#RRGGBB`` in normal vision.

    >>> white, grey = lightness_hue_chroma("#FFFFFF"), lightness_hue_chroma("#808080")
    >>> round(white[0]), grey[2] < CHROMATIC  # white is lightest; a grey has no hue
    (100, True)
    """
    j, a, b = cspace_convert(_rgb(colour), "sRGB1", "CAM02-UCS")
    return float(j), float(np.degrees(np.arctan2(b, a)) % 360), float(np.hypot(a, b))


def same_hue_family(first: str, second: str) -> bool:
    """Both chromatic, hues within :data:`SAME_HUE_DEGREES` and lightness within
    :data:`SAME_HUE_LIGHTNESS`: one hue, one lightness, two shades a viewer calls alike.

    >>> same_hue_family("#E69F00", "#D55E00"), same_hue_family("#56B4E9", "#D55E00")
    (True, False)
    """
    (j1, h1, c1), (j2, h2, c2) = lightness_hue_chroma(first), lightness_hue_chroma(second)
    apart = abs((h1 - h2 + 180) % 360 - 180)
    return (
        min(c1, c2) > CHROMATIC and apart < SAME_HUE_DEGREES and abs(j1 - j2) < SAME_HUE_LIGHTNESS
    )


def normal_vision_clashes(colours: Mapping[str, str]) -> tuple[str, ...]:
    """Pairs of ``colours`` (``{family: "#RRGGBB"}``) not clearly apart in normal vision, each
    described in one line: ΔE below :data:`NORMAL_MIN_DELTA_E` (:data:`SIBLING_MIN_DELTA_E`
    for :data:`SIBLINGS`), or one hue family (:func:`same_hue_family`, siblings excepted)."""
    found = []
    for pair in pair_differences(colours, (NORMAL,)):
        sibling = frozenset((pair.first, pair.second)) in SIBLINGS
        least = SIBLING_MIN_DELTA_E if sibling else NORMAL_MIN_DELTA_E
        if pair.delta_e < least:
            found.append(f"{pair.describe()} < {least:g}")
        elif not sibling and same_hue_family(pair.first_colour, pair.second_colour):
            found.append(f"{pair.describe()}: one hue family, too close in lightness")
    return tuple(found)


def symbol_colours(families: Mapping[str, str], fallback: str) -> dict[str, str]:
    """The colours symbols are drawn in: one per family, and the fallback (``g``, ``σ``,
    ``ℒ``) unless a family has the same colour."""
    colours = {name: colour.upper() for name, colour in families.items()}
    if fallback.upper() not in colours.values():
        colours["fallback"] = fallback.upper()
    return colours


def collapse_warning(collapsed: Sequence[PairDifference], where: str = "[theme]") -> str:
    """One line naming the closest pair and the vision it collapses in."""
    pair = collapsed[0]
    more = len(collapsed) - 1
    tail = f" (and {more} more close pair{'s' if more > 1 else ''})" if more else ""
    who = "viewers" if pair.vision == NORMAL else f"viewers with {pair.vision}"
    return (
        f"{where} symbol colours {pair.describe()}, below {MIN_DELTA_E:g} in CAM02-UCS: "
        f"{who} may not tell them apart{tail}; the default Okabe-Ito colours stay apart"
    )


def theme_warnings(settings: Settings) -> tuple[str, ...]:
    """The colour-vision warning for the theme of ``settings`` (one line), or none.

    Only a config that sets a symbol colour (a family or the fallback) is checked: the
    default palette is checked by the tests, and checking it needs no Manim import.
    """
    families = {"W", "b", "Z", "A", "dZ", "dA", "dW", "db", "gprime", "X", "Y", "m", "fallback"}
    if not families & set(settings.theme.overrides()):
        return ()

    try:
        from chainrule.settings.scene_settings import scene_settings  # imports scenes

        theme = scene_settings(settings).theme  # cached: the render builds it once, here
    except ConfigError:  # reported where the theme is used, as before
        return ()
    collapsed = check_colours(symbol_colours(theme.families, theme.fallback))
    return (collapse_warning(collapsed, settings.where("theme")),) if collapsed else ()


__all__ = [
    "CHROMATIC",
    "DEFICIENCIES",
    "MIN_DELTA_E",
    "NORMAL",
    "NORMAL_MIN_DELTA_E",
    "SAME_HUE_DEGREES",
    "SAME_HUE_LIGHTNESS",
    "SIBLINGS",
    "SIBLING_MIN_DELTA_E",
    "VISIONS",
    "PairDifference",
    "check_colours",
    "collapse_warning",
    "delta_e",
    "lightness_hue_chroma",
    "normal_vision_clashes",
    "pair_differences",
    "same_hue_family",
    "seen",
    "symbol_colours",
    "theme_warnings",
    "worst_pairs",
]
