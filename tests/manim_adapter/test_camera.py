"""``manim_adapter.camera.PathCamera`` gives Cairo exactly the paths Manim's camera gives it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

cairo = pytest.importorskip("cairo")

from manim import Camera, MathTex, VMobject  # noqa: E402

from manim_adapter.camera import PathCamera, subpath_bounds  # noqa: E402


def cairo_path(camera: Camera, vmobject: VMobject) -> list[tuple]:
    """The path ``camera`` builds for ``vmobject``, as Cairo reports it."""
    ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 8, 8))
    ctx.move_to(0.5, 0.5)  # a stale path: an early return must leave it as Manim leaves it
    camera.set_cairo_context_path(ctx, vmobject)
    return list(ctx.copy_path())


@st.composite
def outlines(draw) -> np.ndarray:
    """Points of 0-6 cubic curves: each joined to the one before, almost joined (within
    tolerance or just outside), or apart; sometimes closed, sometimes with a few points extra
    or a non-finite coordinate."""
    coordinate = st.floats(-5, 5, allow_nan=False)
    curves, here = [], np.array([draw(coordinate), draw(coordinate), 0.0])
    for _ in range(draw(st.integers(0, 6))):
        gap = draw(st.sampled_from([0.0, 0.0, 1e-9, 1e-6, 3e-6, 0.5]))
        start = here + np.array([gap, -gap, 0.0])
        rest = [np.array([draw(coordinate), draw(coordinate), 0.0]) for _ in range(3)]
        curves.append([start, *rest])
        here = rest[-1]
    points = np.array([p for curve in curves for p in curve]).reshape(-1, 3)
    if len(points) and draw(st.booleans()):
        points[-1] = points[0]  # a closed outline
    extra = draw(st.integers(0, 3))
    points = np.vstack([points, np.full((extra, 3), 0.25)])
    if len(points) and draw(st.integers(0, 9)) == 0:
        points[draw(st.integers(0, len(points) - 1)), 0] = draw(
            st.sampled_from([np.nan, np.inf, -np.inf])
        )
    return points


@settings(max_examples=300, deadline=None)
@given(outlines())
def test_random_outlines_give_the_same_cairo_path(points: np.ndarray) -> None:
    vmobject = VMobject()
    vmobject.points = points
    assert cairo_path(PathCamera(), vmobject) == cairo_path(Camera(), vmobject)


def test_glyphs_of_a_formula_give_the_same_cairo_path() -> None:
    formula = MathTex(r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \ast g^{[1]\prime}(Z^{[1]})").scale(1.7)
    glyphs = formula.family_members_with_points()
    assert len(glyphs) > 20
    for glyph in glyphs:
        assert cairo_path(PathCamera(), glyph) == cairo_path(Camera(), glyph)


def test_subpath_bounds_split_where_curves_do_not_meet() -> None:
    joined = np.array([[0, 0], [1, 1], [2, 1], [3, 0], [3, 0], [4, 1], [5, 1], [6, 0]], float)
    assert subpath_bounds(joined, 4, 1e-6) == [0, 8]
    apart = joined.copy()
    apart[4:] += 0.1
    assert subpath_bounds(apart, 4, 1e-6) == [0, 4, 8]
    assert subpath_bounds(joined[:6], 4, 1e-6) == [0, 6]


def test_scenes_draw_with_it() -> None:
    from scenes.base import DerivationScene

    scene = DerivationScene(skip_animations=True)
    assert isinstance(scene.renderer.camera, PathCamera)
