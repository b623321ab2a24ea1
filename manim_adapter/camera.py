"""A Cairo camera that hands each glyph's outline to Cairo with less Python per curve.

A formula on screen is hundreds of small ``VMobject`` outlines, and Manim's
``Camera.set_cairo_context_path`` rebuilds each one's Cairo path every frame it moves: it
splits the points into subpaths with about ten small numpy operations (plus a ``np.errstate``
context), then feeds every Bézier curve to Cairo by indexing a numpy array six times. A
``py-spy`` profile of ``FoldBack`` at 1080p60 put 32 % of the main thread there, more than
Cairo's own filling.

:class:`PathCamera` draws exactly the same paths (``tests/manim_adapter/test_camera.py`` compares
the Cairo path, segment by segment, with Manim's for random outlines): the points are finite once
``transform_points_pre_display`` has run (it replaces anything else by a single point), so
the split needs only one comparison of curve ends with curve starts; the coordinates go to
Cairo as Python floats from one ``tolist()``. Scenes draw with it when
:func:`manim_adapter.speedups.enabled` says so (else with Manim's own camera).

>>> PathCamera.__mro__[1].__name__
'Camera'
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
from manim import Camera

#: ``numpy.isclose``'s relative tolerance, which Manim's subpath split uses.
RTOL = 1.0e-5


def subpath_bounds(xy: np.ndarray, per_curve: int, atol: float) -> list[int]:
    """Indices where subpaths start, then the number of points: a subpath ends where a curve's
    last point is not (within ``atol`` plus ``RTOL`` relative) the next curve's first point.

    ``xy`` holds finite 2-D points, ``per_curve`` of them per cubic curve.

    >>> curve_then_dot = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [5, 5], [5, 5], [5, 5], [5, 5]])
    >>> subpath_bounds(curve_then_dot.astype(float), 4, 1e-6)
    [0, 4, 8]
    """
    count = len(xy)
    starts = xy[per_curve::per_curve]
    ends = xy[per_curve - 1 : count - 1 : per_curve]
    close = (np.abs(ends - starts) <= atol + RTOL * np.abs(starts)).all(axis=1)
    breaks = (np.flatnonzero(~close) + 1) * per_curve
    return [0, *breaks.tolist(), count]


class PathCamera(Camera):
    """Manim's Cairo :class:`~manim.Camera` with a faster ``set_cairo_context_path``."""

    def set_cairo_context_path(self, ctx: Any, vmobject: Any) -> PathCamera:
        """Outline ``vmobject`` in ``ctx``: one sub-path per run of joined curves, closed when it
        ends where it began (what Manim's camera does, with the same tolerances)."""
        points = vmobject.points
        if len(points) == 0:
            return self
        if _moves_points(self):
            points = self.transform_points_pre_display(vmobject, points)
        elif not np.isfinite(points).all():  # what Camera.transform_points_pre_display does
            points = np.zeros((1, 3))
        per_curve = vmobject.n_points_per_cubic_curve
        ctx.new_path()
        if len(points) < per_curve:
            return self
        atol = vmobject.tolerance_for_point_equality
        xy = points[:, :2]
        bounds = subpath_bounds(xy, per_curve, atol)
        flat = xy.ravel().tolist()
        for start, end in pairwise(bounds):
            if end - start < per_curve:
                continue
            _trace(ctx, flat, start, end, per_curve)
            if _same_point(flat, start, end - 1, atol):
                ctx.close_path()
        return self


def _moves_points(camera: Camera) -> bool:
    """Whether a subclass changes the points before display (then its method is called)."""
    return type(camera).transform_points_pre_display is not Camera.transform_points_pre_display


def _trace(ctx: Any, flat: list[float], start: int, end: int, per_curve: int) -> None:
    """A new sub-path through the curves of points ``start`` to ``end`` (``flat`` is x, y, ...)."""
    ctx.new_sub_path()
    ctx.move_to(flat[2 * start], flat[2 * start + 1])
    curve_to = ctx.curve_to
    for first in range(2 * start + 2, 2 * (end - per_curve) + 3, 2 * per_curve):
        curve_to(*flat[first : first + 6])


def _same_point(flat: list[float], i: int, j: int, atol: float) -> bool:
    """Manim's ``consider_points_equals_2d`` for finite points ``i`` and ``j`` of ``flat``."""
    x0, y0, x1, y1 = flat[2 * i], flat[2 * i + 1], flat[2 * j], flat[2 * j + 1]
    return (abs(x0 - x1) <= atol + RTOL * abs(x1)) and (abs(y0 - y1) <= atol + RTOL * abs(y1))


__all__ = ["PathCamera", "subpath_bounds"]
