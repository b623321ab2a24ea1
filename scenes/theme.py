"""Colours and type sizes: one place decides what every symbol looks like.

A symbol key (``"W2"``, ``"dZ2"``, ``"gprime1"``, ``"X"``, ``"m"``) belongs to a *family* (``W``,
``dZ``, ``gprime``, ...); each family has one colour in every scene. Colours come from the
Okabe–Ito palette, which stays distinguishable under the common colour-vision deficiencies,
completed by two greys. The "this row / this column" highlight has its own colour, used by no
symbol, so a colour never means two things.

Every default colour has a WCAG 2.x contrast ratio of at least 4.5:1 (level AA for text) against
the default background. ``W``, ``Z``, ``A`` and ``dZ`` are Okabe–Ito's; the others were chosen by
measurement so that every two symbol colours are clearly apart in normal vision (CAM02-UCS
ΔE >= 19, and two colours of one hue family a clear lightness step apart; a parameter and its
gradient, which share a hue on purpose, >= 15) and stay apart (ΔE >= 10) under simulated
deuteranopia, protanopia and tritanopia (:mod:`chainrule.settings.colour_vision`,
tests/chainrule/settings/test_colour_vision.py; tests/scenes/test_theme.py checks the red-green
pairs with CIELAB).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from manim import ManimColor

#: The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), without its black.
OKABE_ITO: Mapping[str, str] = MappingProxyType(
    {
        "orange": "#E69F00",
        "sky_blue": "#56B4E9",
        "bluish_green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish_purple": "#CC79A7",
    }
)


def tint(colour: str, amount: float) -> str:
    """``colour`` (``#RRGGBB``) mixed with white: ``amount`` 0 keeps it, 1 gives white.

    A tint keeps the hue, so an Okabe–Ito colour stays recognisably itself while gaining the
    lightness it needs to be read on a dark background.

    >>> tint("#0072B2", 0.2), tint("#000000", 0.5), tint("#123456", 0.0)
    ('#338EC1', '#808080', '#123456')
    """
    if not 0.0 <= amount <= 1.0:
        raise ValueError(f"tint amount {amount!r} is outside [0, 1]")
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in channels)


#: ``dW``: ``W``'s yellow-green, muted (less saturated, darker). Chosen, like every colour below
#: that is not Okabe-Ito's, by measurement (:mod:`chainrule.settings.colour_vision`): CAM02-UCS
#: ΔE >= 19 from every other symbol colour in normal vision (>= 15 from its parent ``W``), >= 10
#: under simulated deuteranopia, protanopia and tritanopia; WCAG AA on #111111.
MUTED_W = "#B4C378"
#: ``db``: ``b``'s violet, pale (same hue, a fifth of its saturation).
MUTED_B = "#D2CAFF"

#: Family of each symbol kind → its default colour.
DEFAULT_FAMILY_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "W": OKABE_ITO["yellow"],
        # violet: a light sky blue sat 12.5 ΔE from A in normal vision (b and A meet in
        # Z = W A + b), Okabe-Ito's blue fails contrast and merges with Z for tritanopes
        "b": "#8762FF",
        "Z": OKABE_ITO["bluish_green"],
        "A": OKABE_ITO["sky_blue"],
        "dZ": OKABE_ITO["vermillion"],
        # the gradients of the parameters: W's and b's own hue, muted. The hue says whose
        # gradient it is (dW has W's shape and updates W); the muting says "the gradient of",
        # and no other symbol is drawn in it. dZ keeps its own vermillion: it is the signal that
        # runs backwards through the layers, not the update of a parameter.
        "dW": MUTED_W,
        "db": MUTED_B,
        # ∂ℒ/∂a, the other signal that runs backwards: amber, dZ's neighbour (a gradient), a
        # lighter step away from it (CAM02-UCS ΔE 18 from dZ in normal vision)
        "dA": "#FFA534",
        "gprime": "#BB62A5",  # reddish purple, darker than Okabe-Ito's: apart from m and the greys
        "X": "#9E9E9E",  # mid grey: the input (A[0])
        # light green: Okabe-Ito's orange sat beside vermillion dZ (one hue family, ΔE 21.6) in
        # dZ[2] = A[2] - Y; a mint (#69FFA5, CAM02-UCS hue 13° from Z) read as a shade of Z's
        # teal beside it in the loss (σ(z) and y). Every colour that keeps the rules above is
        # a green here (the other hues are taken); this one is the farthest from Z's hue (20°)
        "Y": "#90FFA0",
        "m": "#E8BBBB",  # a warm light grey: the number of examples, apart from white text
    }
)

_FAMILY = re.compile(r"^(gprime|g|sigma|loss|d?[WbZAXYm])\d*$")


def family_of(symbol: str) -> str:
    """The family of a symbol key: ``"W2"`` → ``"W"``, ``"gprime1"`` → ``"gprime"``.

    Gradients of the same letter form their own family (``"dZ2"`` → ``"dZ"``); a key that
    fits no pattern is its own family. Families without a colour (``g``, ``sigma``, ``loss``
    by default) are drawn in the fallback colour.

    >>> family_of("dZ2"), family_of("gprime1"), family_of("X"), family_of("g1"), family_of("?")
    ('dZ', 'gprime', 'X', 'g', '?')
    """
    match = _FAMILY.match(symbol)
    return match.group(1) if match else symbol


def _checked_colour(key: str, value: object) -> str:
    """``value`` as ``#RRGGBB`` or ``ValueError`` naming ``key``, ``value`` and the fix."""
    if not isinstance(value, str):
        raise ValueError(
            f"colour for {key!r} is {value!r}, not a string: write a colour such "
            f"as '#E69F00' or 'ORANGE'"
        )
    try:
        return ManimColor(value).to_hex().upper()
    except Exception:  # ManimColor raises ValueError or TypeError depending on the input
        raise ValueError(
            f"colour for {key!r} is {value!r}, which Manim cannot read: write a "
            f"hex colour such as '#E69F00' or a Manim colour name such as "
            f"'ORANGE'"
        ) from None


def _shared_colours(families: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """Colours given to more than one family, each with those families (case-insensitive).

    >>> _shared_colours({"W": "#56B4E9", "A": "#56b4e9", "Y": "#E69F00"})
    [('#56B4E9', ['W', 'A'])]
    """
    owners: dict[str, list[str]] = {}
    for family, colour in families.items():
        owners.setdefault(colour.upper(), []).append(family)
    return [(colour, names) for colour, names in owners.items() if len(names) > 1]


@dataclass(frozen=True)
class Theme:
    """How symbols look: colours per symbol family, the highlight colour and type sizes.

    ``ok`` and ``error`` colour verdicts (a shape check that agrees or fails); like
    ``highlight`` they belong to no symbol family, and scenes pair them with a tick or a cross
    so that no verdict rests on colour alone.

    Sizes are Manim font sizes for a 14.2-unit-wide frame; ``min_font_size`` is the smallest
    size a helper may shrink text to: its subscripts are 16 px tall at 1080p, an x-height of
    0.2° on a 6-inch phone held in landscape (tests/scenes/test_layout.py,
    ``MIN_GLYPH_PIXELS``). A layout that would need less switches to a compact presentation
    instead.

    Examples
    --------
    >>> theme = Theme.from_dict({"W": "#FF0000"})
    >>> theme.colour("W2"), theme.colour("dZ2") == Theme().colour("dZ1")
    ('#FF0000', True)
    """

    families: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(dict(DEFAULT_FAMILY_COLOURS))
    )
    text: str = "#FFFFFF"
    fallback: str = "#FFFFFF"
    highlight: str = "#FFFFFF"
    highlight_opacity: float = 0.16
    ok: str = "#8BE28B"
    error: str = "#FF1F5B"
    background: str = "#111111"
    title_size: float = 36
    body_size: float = 40
    entry_size: float = 34
    min_font_size: float = 32

    def __post_init__(self) -> None:
        families = {str(k): _checked_colour(str(k), v) for k, v in dict(self.families).items()}
        object.__setattr__(self, "families", MappingProxyType(families))
        for name in ("text", "fallback", "highlight", "ok", "error", "background"):
            object.__setattr__(self, name, _checked_colour(name, getattr(self, name)))
        for name in ("title_size", "body_size", "entry_size", "min_font_size"):
            size = getattr(self, name)
            if isinstance(size, bool) or not isinstance(size, (int, float)) or size <= 0:
                raise ValueError(
                    f"{name} = {size!r} is not a positive number: font sizes are numbers such as 36"
                )
        if not 0 < self.highlight_opacity <= 1:
            raise ValueError(
                f"highlight_opacity = {self.highlight_opacity!r} is outside (0, 1]: use e.g. 0.16"
            )
        for name in ("title_size", "body_size", "entry_size"):
            if getattr(self, name) < self.min_font_size:
                raise ValueError(
                    f"{name} = {getattr(self, name)} is below min_font_size = "
                    f"{self.min_font_size}: raise it or lower min_font_size"
                )
        shared = _shared_colours(self.families)
        if shared:
            colour, names = shared[0]
            raise ValueError(
                f"{' and '.join(names)} are both {colour}: a colour must mean one "
                f"thing; give each symbol family its own colour"
            )
        for name in ("highlight", "ok", "error"):
            own = getattr(self, name)
            clash = [family for family, colour in self.families.items() if colour == own]
            if clash:
                raise ValueError(
                    f"the {name} colour {own} is also the colour of "
                    f"{', '.join(clash)}: a colour must mean one thing; choose "
                    f"another {name}"
                )
        if self.ok == self.error:
            raise ValueError(
                f"ok and error are both {self.ok}: a verdict colour must say "
                f"which verdict it is; choose two colours"
            )

    def colour(self, symbol: str | None) -> str:
        """The colour of a symbol key (``None``, an operator, gets the text colour)."""
        if symbol is None:
            return self.text
        return self.families.get(family_of(symbol), self.fallback)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Theme:
        """A theme from a config mapping: symbol keys (or families) to colours, plus fields.

        Keys naming a :class:`Theme` field (``"highlight"``, ``"body_size"`` ...) set that field;
        any other key is a symbol (``"W2"`` and ``"W"`` both set the ``W`` family).
        Colours are validated with Manim's ``ManimColor``.
        """
        if not isinstance(data, Mapping):
            raise ValueError(
                f"a theme is a mapping of symbol names to colours, not {type(data).__name__}"
            )
        names = {f.name for f in fields(cls)} - {"families"}
        default = cls()
        families = dict(default.families)
        settings: dict[str, Any] = {}
        for key, value in data.items():
            if key in names:
                settings[key] = value
            elif _FAMILY.match(str(key)):
                families[family_of(str(key))] = _checked_colour(str(key), value)
            else:
                raise ValueError(
                    f"unknown theme key {key!r}: use a symbol such as W2, dZ2, gprime1, X, Y "
                    f"or m, or one of the settings {', '.join(sorted(names))}"
                )
        return replace(default, families=MappingProxyType(families), **settings)
