"""Layout of every scene, for small and extreme networks: after every ``play``/``wait``

* everything visible lies inside the frame;
* no text is smaller than the theme's legible minimum, and every letter and digit drawn,
  subscripts included, is tall enough in pixels (measured on the glyph outlines);
* major items (equations, matrices, titles) do not overlap.

Scenes run with ``dry_run`` (no video), so this is a layout test, not a render test.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from manim import MathTex, Text, VMobject, config

from derivations.spec import NetworkSpec
from scenes.build import MatrixView
from scenes.expand import ExpandToScalars
from scenes.fold import FoldBack
from scenes.partials import TakePartials
from tests.scene_support import checked_plays, render_scene

SCENES = (ExpandToScalars, TakePartials, FoldBack)
SPECS = (
    NetworkSpec(),
    NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
    NetworkSpec(layer_dims=(1, 1, 1), m=1, activation="sigmoid"),
    NetworkSpec(layer_dims=(4, 4, 4), m=5, activation="leaky_relu"),
    NetworkSpec(layer_dims=(2, 4, 1, 3), m=5, activation="tanh"),
)
EDGE_TOLERANCE = 0.02
OVERLAP_TOLERANCE = 0.02
#: Every letter or digit, subscripts included, is at least this tall in a 1080p frame (pixels).
#: The smallest glyphs the scenes draw are the second-level scripts of a sum's limits (the
#: ``[2]`` of ``n^{[2]}`` above a sigma, 7.4 px at the theme's minimum font size); a
#: lower-case subscript measures 12.4 px there.
MIN_GLYPH_PIXELS = 7.0
#: Outlines that are no letter or digit, left out of the glyph-height check: rules and bars
#: (minus, equals, fraction bars) are flat, dots and commas are narrow.
FLAT_RATIO, NARROW_PIXELS = 0.35, 5.5


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")  # shared so TeX is compiled once per string


def _visible(mobject: VMobject) -> bool:
    family = mobject.get_family()
    return any(m.has_points() and (m.get_fill_opacity() > 0 or m.get_stroke_opacity() > 0)
               for m in family)


def _box(mobject: VMobject) -> tuple[float, float, float, float]:
    return (mobject.get_left()[0], mobject.get_bottom()[1], mobject.get_right()[0],
            mobject.get_top()[1])


def _major(mobject: VMobject) -> bool:
    return isinstance(mobject, (MathTex, Text, MatrixView))


def glyph_heights_1080p(member: VMobject) -> list[float]:
    """The heights, in pixels of a 1080p frame, of the letter and digit outlines drawn in
    ``member``
    (measured on the outlines themselves, whatever the font size says)."""
    scale = 1080 / config.frame_height
    heights = []
    for glyph in member.family_members_with_points():
        height, width = glyph.height * scale, glyph.width * scale
        if width >= NARROW_PIXELS and height >= FLAT_RATIO * width:
            heights.append(height)
    return heights


def check_layout(scene) -> None:
    """Frame, legibility and overlap checks on the scene's current state."""
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    minimum = scene.theme.min_font_size
    visible = [m for m in scene.mobjects if _visible(m)]
    for mobject in visible:
        left, bottom, right, top = _box(mobject)
        assert (left >= -half_w - EDGE_TOLERANCE and right <= half_w + EDGE_TOLERANCE
                and bottom >= -half_h - EDGE_TOLERANCE and top <= half_h + EDGE_TOLERANCE), (
            f"{mobject!r} leaves the frame: x {left:.2f}..{right:.2f}, y {bottom:.2f}..{top:.2f}"
            f" (after play {scene.renderer.num_plays})")
        for member in mobject.get_family():
            if isinstance(member, (MathTex, Text)) and member.height > 0:
                assert member.font_size >= minimum - 0.5, (
                    f"{member!r} has font size {member.font_size:.1f} < {minimum}")
                smallest = min(glyph_heights_1080p(member), default=MIN_GLYPH_PIXELS)
                assert smallest >= MIN_GLYPH_PIXELS, (
                    f"{member!r} draws a glyph {smallest:.1f} px tall at 1080p, below "
                    f"{MIN_GLYPH_PIXELS}")
    major = [m for m in visible if _major(m)]
    for a, b in itertools.combinations(major, 2):
        if set(a.get_family()) & set(b.get_family()):
            continue
        la, ba, ra, ta = _box(a)
        lb, bb, rb, tb = _box(b)
        overlap_x = min(ra, rb) - max(la, lb)
        overlap_y = min(ta, tb) - max(ba, bb)
        assert overlap_x <= OVERLAP_TOLERANCE or overlap_y <= OVERLAP_TOLERANCE, (
            f"{a!r} and {b!r} overlap by {overlap_x:.2f} x {overlap_y:.2f} units")


def test_the_glyph_check_measures_outlines(media: Path) -> None:
    """At the theme's minimum font size an entry with subscripts and a fraction passes; with one
    part of it drawn at a third of its size it fails, while its font size, which follows the whole
    formula's height, still passes the font-size rule above."""
    from manim import tempconfig

    from scenes.theme import Theme

    size = Theme().min_font_size
    with tempconfig({"media_dir": str(media), "tex_dir": str(media / "Tex")}):
        entry = MathTex(r"w^{[2]}_{12}", "=", r"\frac{1}{m}", font_size=size)
    assert min(glyph_heights_1080p(entry)) >= MIN_GLYPH_PIXELS
    entry[0].scale(0.35)  # the entry shrinks; the fraction keeps the formula's height
    assert entry.font_size >= size - 0.5
    assert min(glyph_heights_1080p(entry)) < MIN_GLYPH_PIXELS


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.describe().replace(" ", ""))
@pytest.mark.parametrize("scene_class", SCENES, ids=lambda c: c.__name__)
def test_layout(scene_class: type, spec: NetworkSpec, media: Path) -> None:
    with checked_plays(check_layout) as plays:
        scene = render_scene(scene_class, spec, media)
    assert plays[0] > 5
    assert scene.time > 10
    # `chainrule list` estimates from the narrated steps: they are the ones the scene begins,
    # and the estimate never exceeds the real length
    assert scene.begun == list(scene_class.segment.narrated_ids_for(scene.derivation))
    assert scene_class.estimated_duration(scene.derivation, scene.pacing) <= scene.time
