"""Shape badges under the factors of an equation, and the marks that judge them.

A :class:`BadgedEquation` is an equation (one ``MathTex``, one substring per
:class:`~derivations.steps.TexPart`) whose parts are spread apart so that a badge fits under
each factor that has one. A badge shows the shape in letters (``(n^{[1]} \\times m)``, TeX from
the step) over the shape in numbers (``(2×3)``, plain text from the derivation's notation).

Verdicts use the theme's ``ok`` and ``error`` colours, which no symbol uses, and always come
with a shape as well (a tick or a cross), so that they never rest on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Create,
    FadeIn,
    SurroundingRectangle,
    VGroup,
    VMobject,
)

from derivations.notation import shape_text
from derivations.steps import Parts, ShapeBadge, TexPart

from .equations import EquationTex
from .theme import Theme
from .words import words_part

#: Space between neighbouring slots of a badged equation, in scene units.
SLOT_GAP = 0.5


def status_colour(theme: Theme, ok: bool) -> str:
    """The theme's colour for a verdict: ``theme.ok`` or ``theme.error``."""
    return theme.ok if ok else theme.error


def badge_size(theme: Theme) -> float:
    """Font size of a badge's letters: the size of matrix entries."""
    return max(theme.min_font_size, theme.entry_size)


def tick(theme: Theme, height: float = 0.32) -> VMobject:
    """A tick drawn as a polyline in the ``ok`` colour (no glyph, no TeX)."""
    mark = VMobject(stroke_color=status_colour(theme, True), stroke_width=6)
    mark.set_points_as_corners(
        [np.array([-0.5, 0.0, 0.0]), np.array([-0.15, -0.4, 0.0]), np.array([0.5, 0.45, 0.0])]
    )
    return mark.scale_to_fit_height(height)


def cross(theme: Theme, height: float = 0.3) -> VGroup:
    """A cross drawn as two strokes in the ``error`` colour."""
    strokes = VGroup()
    for a, b in (((-1, -1), (1, 1)), ((-1, 1), (1, -1))):
        stroke = VMobject(stroke_color=status_colour(theme, False), stroke_width=6)
        stroke.set_points_as_corners([np.array([*a, 0.0]), np.array([*b, 0.0])])
        strokes.add(stroke)
    return strokes.scale_to_fit_height(height)


def verdict_mark(theme: Theme, ok: bool, height: float = 0.3) -> VMobject:
    """A tick (``ok``) or a cross."""
    return tick(theme, height) if ok else cross(theme, height)


class Badge(VGroup):
    """The shape of one factor: letters over numbers. ``badge`` is the data it shows."""

    def __init__(self, badge: ShapeBadge, theme: Theme, font_size: float | None = None) -> None:
        super().__init__()
        self.badge = badge
        size = font_size or badge_size(theme)
        letters = EquationTex(_as_parts(badge), theme, size)
        numbers = EquationTex(
            (words_part(shape_text((badge.rows, badge.cols)), "shape_numbers"),), theme, size
        )
        numbers.next_to(letters, DOWN, buff=0.12)
        self.letters, self.numbers = letters, numbers
        self.add(letters, numbers)

    def frame(self, theme: Theme, ok: bool) -> SurroundingRectangle:
        """A rounded frame in the verdict colour around the badge."""
        return SurroundingRectangle(
            self, color=status_colour(theme, ok), buff=0.1, corner_radius=0.1, stroke_width=4
        )

    def judge(self, theme: Theme, ok: bool | None = None) -> tuple[VGroup, list[Animation]]:
        """A frame and a mark for the verdict (``ok`` defaults to the badge's own), and the
        animations that show them. The scene adds the returned group to what it clears."""
        verdict = self.badge.ok if ok is None else ok
        frame = self.frame(theme, verdict)
        mark = verdict_mark(theme, verdict).next_to(frame, DOWN, buff=0.12)
        return VGroup(frame, mark), [Create(frame), FadeIn(mark, scale=1.5)]


def _as_parts(badge: ShapeBadge) -> Parts:

    return (TexPart(f"shape:{badge.part}", badge.tex),)


class BadgedEquation(VGroup):
    """An equation whose factors are spread apart, each with its shape badge underneath.

    ``equation`` is the :class:`~scenes.equations.EquationTex` of the parts (one submobject
    per non-empty part); ``badges`` maps a part name to its :class:`Badge`. Parts named in
    ``badges`` but missing from ``parts`` are ignored.

    Examples
    --------
    >>> from manim import config
    >>> config.verbosity = "WARNING"  # no "Writing ..." lines when the TeX is new
    >>> from derivations import derive
    >>> step = derive().step("dZ1.shapes")
    >>> shown = BadgedEquation(step.equation, step.badges, Theme())
    >>> sorted(shown.badges) == sorted(b.part for b in step.badges)
    True
    """

    def __init__(
        self,
        parts: Parts,
        badges: Sequence[ShapeBadge],
        theme: Theme,
        font_size: float | None = None,
    ) -> None:
        super().__init__()
        kept = [part for part in parts if part.tex]
        self.equation = EquationTex(kept, theme, font_size)
        by_part = {badge.part: badge for badge in badges}
        self.badges: dict[str, Badge] = {}
        x = 0.0
        for part, mobject in zip(kept, self.equation.submobjects, strict=True):
            badge = Badge(by_part[part.name], theme) if part.name in by_part else None
            width = max(mobject.width, badge.width if badge else 0.0)
            mobject.shift((x + width / 2 - mobject.get_center()[0]) * RIGHT)
            x += width + SLOT_GAP
            if badge is not None:
                self.badges[part.name] = badge
        if self.badges:
            below = self.equation.get_bottom()[1] - 0.5
            for name, badge in self.badges.items():
                anchor = self.equation.part(name)
                badge.move_to(anchor.get_center()).align_to(np.array([0, below, 0]), UP)
        self.add(self.equation, *self.badges.values())

    def badge_row(self) -> VGroup:
        """All badges as one group (in the order of the parts)."""
        return VGroup(*self.badges.values())

    def part(self, name: str) -> VMobject:
        """The submobject of the part called ``name``."""
        return self.equation.part(name)


def stacked_left(mobjects: Sequence[VMobject], buff: float = 0.35) -> VGroup:
    """``mobjects`` one under another, left-aligned."""
    return VGroup(*mobjects).arrange(DOWN, aligned_edge=LEFT, buff=buff)


__all__ = [
    "Badge",
    "BadgedEquation",
    "badge_size",
    "cross",
    "stacked_left",
    "status_colour",
    "tick",
    "verdict_mark",
]
