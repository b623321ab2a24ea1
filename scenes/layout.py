"""Where things go: boxes of the frame, fitting content into them legibly, the safe area.

Large matrices get a *compact presentation* rather than text below
:attr:`Theme.min_font_size`: :func:`fit_first` takes builders from the most to the least
detailed presentation and keeps the first that fits (see :mod:`scenes.matrices`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from manim import LEFT, UP, MathTex, Mobject, Text

from .theme import Theme

M = TypeVar("M", bound=Mobject)


@dataclass(frozen=True)
class Box:
    """A rectangle of the frame (centre and size, in scene units) that content must fit."""

    center: tuple[float, float]
    width: float
    height: float

    def point(self) -> np.ndarray:
        """The centre as a 3-D point."""
        return np.array([self.center[0], self.center[1], 0.0])

    @property
    def top(self) -> float:
        """The y coordinate of the top edge."""
        return self.center[1] + self.height / 2

    @property
    def bottom(self) -> float:
        """The y coordinate of the bottom edge."""
        return self.center[1] - self.height / 2


def smallest_font(mobject: Mobject) -> float:
    """The smallest font size among the ``MathTex``/``Text`` in ``mobject``'s family
    (``inf`` when it holds no text)."""
    sizes = [
        m.font_size for m in mobject.get_family() if isinstance(m, (MathTex, Text)) and m.height > 0
    ]
    return min(sizes, default=float("inf"))


def fit_into(mobject: Mobject, box: Box, theme: Theme, grow: bool | float = False) -> bool:
    """Scale ``mobject`` down into ``box`` and centre it there; with ``grow``, scale it up to
    fill the box too (``True``: as far as the box allows; a number: at most that factor, so a
    lone formula is shown big without dwarfing the rest of the lecture). ``False`` when that
    would put text below ``theme.min_font_size`` (it is then left scaled as far as legibility
    allows, possibly overflowing)."""
    scale = min(box.width / max(mobject.width, 1e-6), box.height / max(mobject.height, 1e-6))
    if grow is False:
        scale = min(scale, 1.0)
    elif grow is not True:
        scale = min(scale, max(1.0, float(grow)))
    smallest = smallest_font(mobject)
    legible = smallest * scale >= theme.min_font_size - 1e-6
    if not legible:
        scale = theme.min_font_size / smallest
    mobject.scale(scale).move_to(box.point())
    return legible


def fit_first(
    builders: Iterable[Callable[[], M]], box: Box, theme: Theme, min_size: float | None = None
) -> M:
    """The first built mobject that fits ``box`` with legible text (the last one regardless).

    Pass builders from the most to the least detailed presentation: e.g. every entry, then
    first/last rows and columns, then a single general entry. ``min_size`` asks more than
    legible: a presentation whose text would be drawn smaller than that font size is passed
    over (a grid of long entries read on a phone is shown compact rather than shrunk).
    """
    built: M | None = None
    for builder in builders:
        built = builder()
        if fit_into(built, box, theme) and smallest_font(built) >= (min_size or 0.0) - 1e-6:
            return built
    if built is None:
        raise ValueError("fit_first needs at least one builder")
    return built


#: Content keeps this fraction of the frame's width from the left, right and top edges (57 px
#: at 1080p): clear of the edge on any screen, TV overscan's title-safe area included.
EDGE_MARGIN = 0.03
#: The bottom of the frame where a player draws subtitles, as a fraction of the frame's
#: height, kept free of content: two lines of about 45 px type with their leading and the
#: player's bottom margin take 120–130 px of a 1080-px frame.
SUBTITLE_BAND = 0.12


def safe_box() -> Box:
    """The part of the frame content may use: :data:`EDGE_MARGIN` from the left, right and top
    edges, and above the subtitle band (:data:`SUBTITLE_BAND`).

    >>> box = safe_box()
    >>> round(box.width, 3), round(box.top, 3), round(box.bottom, 3)
    (13.369, 3.573, -3.04)
    """
    from manim import config

    margin = EDGE_MARGIN * config.frame_width
    top = config.frame_height / 2 - margin
    bottom = -config.frame_height / 2 + SUBTITLE_BAND * config.frame_height
    return Box((0.0, (top + bottom) / 2), config.frame_width - 2 * margin, top - bottom)


def frame_box(margin: float = 0.0) -> Box:
    """The safe part of the frame (:func:`safe_box`) less ``margin`` on every side."""
    safe = safe_box()
    return Box(safe.center, safe.width - 2 * margin, safe.height - 2 * margin)


def stack_boxes(heights: Sequence[float], gap: float = 0.15) -> list[Box]:
    """Split the safe part of the frame (:func:`safe_box`) into horizontal bands, top to
    bottom, in proportion to ``heights``."""
    safe = safe_box()
    usable = safe.height - gap * (len(heights) - 1)
    total = sum(heights)
    boxes, top = [], safe.top
    for height in heights:
        h = usable * height / total
        boxes.append(Box((safe.center[0], top - h / 2), safe.width, h))
        top -= h + gap
    return boxes


def place_title(title: Mobject, box: Box) -> Mobject:
    """Put a title at the top-left of ``box``."""
    left = np.array([box.center[0] - box.width / 2, 0.0, 0.0])
    return (
        title.move_to(box.point()).align_to(left, LEFT).align_to(np.array([0.0, box.top, 0.0]), UP)
    )


__all__ = [
    "EDGE_MARGIN",
    "SUBTITLE_BAND",
    "Box",
    "fit_first",
    "fit_into",
    "frame_box",
    "place_title",
    "safe_box",
    "smallest_font",
    "stack_boxes",
]
