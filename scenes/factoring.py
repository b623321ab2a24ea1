"""Taking a common factor out of formulas so that every frame reads true.

A regrouping that fades the factor out of the terms, moves the rest, then fades the factor in
outside the parentheses (:func:`scenes.matrices.regrouping` with the factor kept in place)
shows, for the time the rest moves, every line without its factor: ``dz = w dz + w dz``
where ``dz = (w dz + w dz) g′`` is meant, a false equality on screen (the blind review's
2:09). Here the factor travels instead: each copy of it flies over the terms, which close up
under it, to the one factor outside; the parentheses fade in while the terms settle. So at
every instant a line reads as before, as after, or visibly in motion, and its factor is
always on screen.

The same motion splits an entry ``(w dz + w dz) g′`` into its sum and its ``g′``, each going
to its own matrix of ``[sums] ∗ [g′]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from manim import (
    UP,
    Animation,
    FadeIn,
    FadeOut,
    Mobject,
    Transform,
    VMobject,
    linear,
    smooth,
    squish_rate_func,
)

from derivations.vocabulary import TexPart
from scenes.matrices import Regrouping, regrouping

Pieces = Sequence[tuple[TexPart, VMobject]]

#: How high a travelling factor flies over its line, in heights of the factor (centre above
#: centre): into the gap above the line, between the rows of a grid of entries.
LIFT = 0.9
#: How small it flies (a share of its size): small enough to fit that gap.
SHRINK = 0.55
#: The share of the journey in which it rises to its flight (and, at the end, comes down):
#: it rises before it moves along, so it goes over the terms that close up under it.
RISE = 0.25
#: A factor that moves less than this many of its heights only partly rises and shrinks (one
#: hopping over a closing parenthesis stays nearly in its line).
FULL_FLIGHT = 2.0
#: The share of the motion in which every part but a travelling factor reaches its place:
#: the terms close up and the parentheses come while the factor is up in the air, so the
#: line reads as after, plus a factor in flight, until the factor lands.
SETTLE = 0.5
#: When the parts but the factor start to move: once the factor has begun to rise.
START = 0.1
#: When, in the motion, parts that leave (the parentheses of an entry being split) fade out:
#: while the terms move (a line never stands still with a part half gone).
GOING = (START, 0.25)
#: When new parts (the parentheses around the sum, a new matrix's brackets) fade in: once
#: the terms have made room for them, before they settle.
COMING = (0.25, SETTLE)


@dataclass(frozen=True)
class Line:
    """One formula (a grid entry, an equation) rearranged: its parts before and after."""

    before: Pieces
    after: Pieces

    def mobjects(self) -> list[VMobject]:
        """Every glyph group of the line, before and after."""
        return [m for _, m in (*self.before, *self.after)]


@dataclass(frozen=True)
class Rearranged:
    """Lines rearranged at once, and the regrouping that does it (with whatever else moves
    along: brackets, labels, ellipses)."""

    lines: tuple[Line, ...]
    regrouping: Regrouping

    def __add__(self, other: Rearranged) -> Rearranged:
        return Rearranged(self.lines + other.lines, self.regrouping + other.regrouping)


def flight(alpha: float) -> float:
    """How far into its flight a travelling factor is at ``alpha`` of its journey: 0 on the
    line, 1 up in the gap; it rises over the first :data:`RISE`, comes down over the last."""
    return float(smooth(float(np.clip(min(alpha, 1.0 - alpha) / RISE, 0.0, 1.0))))


def headway(alpha: float) -> float:
    """How far along its way a travelling factor is at ``alpha`` of its journey: it moves
    along between rising and coming down."""
    return float(smooth(float(np.clip((alpha - RISE) / (1.0 - 2 * RISE), 0.0, 1.0))))


def hop_path(source: VMobject, target: VMobject) -> Callable[..., np.ndarray]:
    """A ``path_func`` taking the glyphs of ``source`` to those of ``target`` over the line:
    up into the gap above it (:data:`LIFT`), small (:data:`SHRINK`), along, and down. A short
    move (less than :data:`FULL_FLIGHT` heights) hardly rises."""
    start, end = source.get_center(), target.get_center()
    height = max(source.height, 1e-6)
    reach = float(np.linalg.norm((end - start)[:2])) / (FULL_FLIGHT * height)
    amplitude = min(1.0, reach)

    def path(points: np.ndarray, goal: np.ndarray, alpha: float) -> np.ndarray:
        along = (1 - amplitude) * alpha + amplitude * headway(alpha)
        up = amplitude * flight(alpha)
        centre = start + along * (end - start)
        moved = points + along * (goal - points)
        scale = 1.0 - (1.0 - SHRINK) * up
        return np.asarray(centre + scale * (moved - centre) + UP * LIFT * height * up)

    return path


class Hop(Transform):
    """``mobject`` travels to ``target`` over its line (:func:`hop_path`) and, like
    :class:`~manim.ReplacementTransform`, is replaced by it; with ``melt`` it melts into a copy
    of ``target`` already there instead, fading as it lands, and leaves the scene.

    >>> from manim import RIGHT, Square
    >>> hop = Hop(Square(0.2), Square(0.2).shift(3 * RIGHT))
    >>> hop.begin(); hop.interpolate(0.5)
    >>> bool(hop.mobject.get_center()[1] > 0.1), bool(hop.mobject.height < 0.2)
    (True, True)
    """

    def __init__(self, mobject: VMobject, target: VMobject, melt: bool = False) -> None:
        super().__init__(
            mobject,
            target.copy() if melt else target,
            path_func=hop_path(mobject, target),
            replace_mobject_with_target_in_scene=not melt,
            remover=melt,
            rate_func=linear,  # the path eases itself: it rises, moves along, comes down
        )
        self.melt = melt
        #: Whether the move is a hop within the line (shorter than a full flight).
        self.short = distance(mobject, target) < FULL_FLIGHT * max(mobject.height, 1e-6)

    def interpolate_submobject(  # type: ignore[override]  # Transform's own signature
        self, submobject: Mobject, starting_submobject: Mobject, target_copy: Mobject, alpha: float
    ) -> Hop:
        super().interpolate_submobject(submobject, starting_submobject, target_copy, alpha)
        if self.melt and isinstance(submobject, VMobject):
            keep = 1.0 - float(smooth(float(np.clip((alpha - 1.0 + RISE) / RISE, 0.0, 1.0))))
            submobject.set_fill(opacity=submobject.get_fill_opacity() * keep, family=False)
            submobject.set_stroke(opacity=submobject.get_stroke_opacity() * keep, family=False)
        return self


def fading_out(mobject: VMobject) -> Animation:
    """``mobject`` fades out early in the motion (:data:`GOING`)."""
    return FadeOut(mobject, rate_func=squish_rate_func(smooth, *GOING))


def fading_in(mobject: VMobject) -> Animation:
    """``mobject`` fades in once there is room for it (:data:`COMING`)."""
    return FadeIn(mobject, rate_func=squish_rate_func(smooth, *COMING))


def settling(animation: Animation) -> Animation:
    """``animation`` played from :data:`START` to :data:`SETTLE` of the motion (returned)."""
    animation.set_rate_func(squish_rate_func(smooth, START, SETTLE))
    return animation


def factor_travels(sources: list[VMobject], targets: list[VMobject]) -> list[Animation]:
    """The factor's copies in a line travel to its copies after (:class:`Hop`): the ``i``-th
    to the ``i``-th, the ones left over to the last. Where several go to one, the nearest
    becomes it (a factor outside the parentheses stays on screen throughout) and the others
    fly over and melt into it. A copy that only hops (past a parenthesis) settles with the
    terms; one that flies lands at the end. A copy nothing travels to fades in."""
    if not targets:
        return [fading_out(m) for m in sources]
    goals = [min(index, len(targets) - 1) for index in range(len(sources))]
    moves: list[Animation] = []
    for goal, target in enumerate(targets):
        coming = [s for s, g in zip(sources, goals, strict=True) if g == goal]
        if not coming:
            moves.append(fading_in(target))
            continue
        nearest = min(coming, key=lambda s: distance(s, target))
        for source in coming:
            hop = Hop(source, target, melt=source is not nearest)
            moves.append(settling(hop) if hop.short else hop)
    return moves


def distance(source: VMobject, target: VMobject) -> float:
    """How far ``source`` travels to ``target`` (centre to centre)."""
    return float(np.linalg.norm(target.get_center() - source.get_center()))


def factor_out(line: Line, factor: Callable[[TexPart], bool]) -> Regrouping:
    """Rearrange ``line`` in one motion: the parts ``factor`` accepts travel over the others
    (:func:`factor_travels`); the others move to the parts with their TeX
    (:func:`~scenes.matrices.regrouping`) and settle while it is in the air (:data:`SETTLE`),
    a part left over fading out early and a new one (a parenthesis) fading in as room is
    made for it. Nothing happens before or after the motion, so no frame holds a still line
    with a part half gone."""
    rest = regrouping(
        [piece for piece in line.before if not factor(piece[0])],
        [piece for piece in line.after if not factor(piece[0])],
    )
    travels = factor_travels(
        [m for part, m in line.before if factor(part)],
        [m for part, m in line.after if factor(part)],
    )
    return Regrouping(
        moving=(
            *[fading_out(cast(VMobject, a.mobject)) for a in rest.leaving],
            *[settling(a) for a in rest.moving],
            *travels,
            *[fading_in(cast(VMobject, a.mobject)) for a in rest.arriving],
        )
    )


def rearranged(
    lines: Sequence[Line], factor: Callable[[TexPart], bool], along: Sequence[Animation] = ()
) -> Rearranged:
    """Every line factored out (:func:`factor_out`) at once, with ``along`` (brackets and
    labels moving, new brackets fading in: see :func:`settling`, :func:`fading_in`) in the
    same motion."""
    regrouped = Regrouping(moving=tuple(along))
    for line in lines:
        regrouped += factor_out(line, factor)
    return Rearranged(tuple(lines), regrouped)


__all__ = [
    "COMING",
    "FULL_FLIGHT",
    "GOING",
    "LIFT",
    "RISE",
    "SETTLE",
    "SHRINK",
    "START",
    "Hop",
    "Line",
    "Rearranged",
    "distance",
    "factor_out",
    "factor_travels",
    "fading_in",
    "fading_out",
    "flight",
    "headway",
    "hop_path",
    "rearranged",
    "settling",
]
