"""``manim_adapter.speedups``: copies of SVG glyphs share the parsed path and nothing else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.process_support import python_output

pytest.importorskip("manim")

from manim import SVGMobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

import scenes.base  # noqa: F401  (installs the speed-ups, as every scene does)
from manim_adapter.speedups import install, installed

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10">
<path d="M0 0 L5 0 L5 5 Z" fill="#fff"/><path d="M10 0 C12 4 14 4 16 0 Z" fill="#f00"/></svg>"""


@pytest.fixture
def glyphs(tmp_path: Path) -> SVGMobject:
    path = tmp_path / "glyphs.svg"
    path.write_text(SVG)
    return SVGMobject(str(path), use_svg_cache=False)


def test_importing_the_scenes_installs_it_once() -> None:
    assert installed(VMobjectFromSVGPath)
    method = VMobjectFromSVGPath.__deepcopy__
    install()
    assert VMobjectFromSVGPath.__deepcopy__ is method


def test_a_copy_shares_the_parsed_path_but_owns_its_points(glyphs: SVGMobject) -> None:
    copy = glyphs.copy()
    pairs = list(zip(glyphs.submobjects, copy.submobjects, strict=True))
    assert len(pairs) == 2
    for original, duplicate in pairs:
        assert duplicate is not original
        assert duplicate.path_obj is original.path_obj
        assert duplicate.points is not original.points
        np.testing.assert_array_equal(duplicate.points, original.points)
    before = glyphs.submobjects[0].points.copy()
    copy.shift(np.array([1.0, 2.0, 0.0])).set_fill("#00ff00")
    np.testing.assert_array_equal(glyphs.submobjects[0].points, before)
    assert glyphs.submobjects[1].get_fill_color().to_hex().lower() == "#ff0000"


def test_copies_of_copies_keep_their_own_submobjects(glyphs: SVGMobject) -> None:
    second = glyphs.copy().copy()
    assert [m.path_obj for m in second.submobjects] == [m.path_obj for m in glyphs.submobjects]
    assert not set(map(id, second.get_family())) & set(map(id, glyphs.get_family()))


def test_switched_off_manim_renders_as_shipped() -> None:
    """``CHAINRULE_SPEEDUPS=0`` (the benchmark's stock baseline): no patch, Manim's camera, no
    held frames."""
    import os

    code = (
        "from manim import Camera\n"
        "from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath\n"
        "from scenes.base import DerivationScene\n"
        "from manim_adapter.fastwrite import enabled\n"
        "from manim_adapter.speedups import installed\n"
        "scene = DerivationScene(skip_animations=True)\n"
        "print(installed(VMobjectFromSVGPath), type(scene.renderer.camera) is Camera, "
        "enabled())\n"
    )
    for value, expected in (("0", "False True False"), ("1", "True False True")):
        env = {**os.environ, "CHAINRULE_SPEEDUPS": value}
        env.pop("CHAINRULE_FASTWRITE", None)
        output = python_output("-c", code, env=env)
        assert output.split("\n")[-2] == expected


def test_a_copy_has_the_geometry_of_stock_manims_deep_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The contract against stock Manim: a formula copied with the shared path has the points,
    colours, widths and opacities of one copied by Manim's own deep copy."""
    import copy

    from manim import MathTex, Mobject

    formula = MathTex(
        r"dZ^{[1]}", "=", r"W^{[2]T} dZ^{[2]}", r"\ast", r"g^{[1]\prime}(Z^{[1]})"
    ).set_color_by_tex("=", "#ffcc00")
    ours = formula.copy()
    monkeypatch.setattr(VMobjectFromSVGPath, "__deepcopy__", Mobject.__deepcopy__)
    stock = copy.deepcopy(formula)
    assert (
        stock.submobjects[0].submobjects[0].path_obj
        is not formula.submobjects[0].submobjects[0].path_obj
    )  # really Manim's copy
    ours_family, stock_family = ours.get_family(), stock.get_family()
    assert [type(m) for m in ours_family] == [type(m) for m in stock_family]
    assert len(ours_family) > 20
    for a, b in zip(ours_family, stock_family, strict=True):
        np.testing.assert_array_equal(a.points, b.points)
        np.testing.assert_array_equal(a.get_fill_rgbas(), b.get_fill_rgbas())
        np.testing.assert_array_equal(a.get_stroke_rgbas(), b.get_stroke_rgbas())
        assert a.get_stroke_width() == b.get_stroke_width()
        if isinstance(a, VMobjectFromSVGPath):
            assert str(a.path_obj.d()) == str(b.path_obj.d())
