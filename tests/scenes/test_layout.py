"""Layout of every scene, for small and extreme networks: after every ``play``/``wait``

* everything visible lies inside the frame, at least :data:`EDGE_MARGIN` from its left, right
  and top edges, and above the band at the bottom where subtitles are shown
  (:data:`SUBTITLE_BAND`);
* no text is smaller than the theme's legible minimum, and every letter and digit drawn,
  subscripts included, is at least :data:`MIN_GLYPH_PIXELS` tall at 1080p (measured on the
  glyph outlines);
* major items (equations, matrices, titles) do not overlap;

and at the end of every step (the frame held while the step is read or spoken) the body uses
the frame: its bounding box covers at least :data:`MIN_FRAME_FRACTION` of it.

Scenes run with ``dry_run`` (no video), so this is a layout test, not a render test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from manim import MathTex, Text, VMobject, config

from derivations.spec import NetworkSpec
from scenes.expand import ExpandToScalars
from scenes.fold import FoldBack
from scenes.matrices import MatrixView
from scenes.partials import TakePartials
from tests.scene_support import checked_plays, each_spec, render_scene

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
#: Every letter or digit, subscripts included, is at least this tall in a 1080p frame (pixels),
#: so that the lecture reads on a 6-inch phone held in landscape. A lower-case subscript ("n",
#: "i", "j") is its x-height. The arithmetic:
#:
#: * the phone's screen is about 13.3 cm wide in landscape; the 1920 px of a 1080p frame span
#:   it, so one pixel is 133 mm / 1920 = 0.069 mm;
#: * a phone is held about 32 cm from the eyes (Bababekova et al. 2011, Optom. Vis. Sci. 88(7):
#:   795-797: 32.2 cm on average for reading messages);
#: * fluent reading needs an x-height of about 0.2° of visual angle, the "critical print size"
#:   of normal vision (Legge & Bigelow 2011, J. Vision 11(5):8); below it reading slows down;
#: * 0.2° at 32 cm is 320 mm × tan(0.2°) = 1.12 mm, that is 1.12 / 0.069 = 16.2 px.
#:
#: Hence 16 px (the old floor, 14 px, was a laptop's: 0.17° on the phone). A first-level
#: subscript's x-height is 0.505 px per unit of Manim font size (with the scenes' screen math
#: sizes, see scenes.equations.SCREEN_MATH_SIZES): 16.2 px at the theme's minimum font size, 32.
#: A second-level script (the ``[1]`` of ``n^{[1]}`` in a sum's limit) is 0.44 px per unit: it
#: needs a formula drawn at 37 or more.
MIN_GLYPH_PIXELS = 16.0
#: The floor screens are held to until they are laid out for the phone (:data:`PHONE_PENDING`).
LAPTOP_GLYPH_PIXELS = 14.0
#: Screens (step ids) still held to :data:`LAPTOP_GLYPH_PIXELS`, each with the reason and what
#: was measured when the phone floor came in. Every other check still applies to them; remove
#: an entry once its screen reaches :data:`MIN_GLYPH_PIXELS` (the test then holds it there).
PHONE_PENDING: dict[str, str] = {}
#: Outlines that are no letter or digit, left out of the glyph-height check: rules and bars
#: (minus, equals, fraction bars: at most 0.37 as tall as wide, even at script size) are flat,
#: dots and commas are narrow. The widest letter, a math-italic "m", is 0.49 as tall as wide.
FLAT_RATIO, NARROW_PIXELS = 0.45, 5.5
#: Narrow also means narrower than this many px (at 1080p) per unit of the formula's font size:
#: at size 40 a comma is 6.6 px wide, a semicolon 6.1, a colon 5.9, the stroke of a bracket 6.6
#: (0.17 px per unit at most), while the narrowest letter, an upright "i" in a second-level
#: script, is 8.6 px (0.215 per unit). Without it a comma at body size, 16.8 px tall, would
#: count as the formula's smallest letter.
NARROW_SHARE = 0.19
#: Nothing nearer the left, right or top edge than this fraction of the frame's width (57 px at
#: 1080p): the title-safe area of broadcast practice is 5 % of each side, screens and players
#: crop far less, and 3 % keeps a clear frame around the content without wasting width.
EDGE_MARGIN = 0.03
#: The bottom fraction of the frame where players draw subtitles, kept free of content: two
#: lines of ~45-px type (about 4 % of the height each, the size of common players' default
#: subtitles) with leading and the player's bottom margin take 120–130 px of 1080.
SUBTITLE_BAND = 0.12
#: At the end of every step (the frame held while the step is read), the bounding box of
#: everything but the title covers at least this fraction of the frame's area. Measured on the
#: default and 3-4-2 networks before this floor existed, steps ended on as little as 4.3 % (one
#: short partial such as ∂J/∂b[2]_1 at body size) and 5.2 % (the boxed dZ[1] formula alone),
#: while screens with matrices or grids covered 17–70 %. A lone formula is now shown at up to
#: 1.5–1.6 × body size, which puts the least-filled screens (one short formula line) at
#: 9.8–11 %: the floor keeps every screen at least there. It is an area, so one line of
#: formula can never reach the 40 % that matrix screens reach; raise it as segments show more
#: than one line per screen.
MIN_FRAME_FRACTION = 0.09


def _visible(mobject: VMobject) -> bool:
    family = mobject.get_family()
    return any(
        m.has_points() and (m.get_fill_opacity() > 0 or m.get_stroke_opacity() > 0) for m in family
    )


def _box(mobject: VMobject) -> tuple[float, float, float, float]:
    return (
        mobject.get_left()[0],
        mobject.get_bottom()[1],
        mobject.get_right()[0],
        mobject.get_top()[1],
    )


def _near_the_edge(scene: Any, mobject: VMobject, box: tuple[float, float, float, float]) -> str:
    """The failure message of a mobject nearer the frame's edge than the margin allows."""
    left, bottom, right, top = box
    return (
        f"{mobject!r} is nearer the frame's edge than {EDGE_MARGIN:.0%} of its width: x "
        f"{left:.2f}..{right:.2f}, y {bottom:.2f}..{top:.2f} (after play "
        f"{scene.renderer.num_plays})"
    )


def _major(mobject: VMobject) -> bool:
    return isinstance(mobject, (MathTex, Text, MatrixView))


def glyph_heights_1080p(member: VMobject) -> list[float]:
    """The heights, in pixels of a 1080p frame, of the letter and digit outlines drawn in
    ``member``
    (measured on the outlines themselves, whatever the font size says)."""
    scale = 1080 / config.frame_height
    narrow = max(NARROW_PIXELS, NARROW_SHARE * float(getattr(member, "font_size", 0.0)))
    found = []
    for glyph in member.family_members_with_points():
        height, width = glyph.height * scale, glyph.width * scale
        if width >= narrow and height >= FLAT_RATIO * width:
            found.append((height, width))
    tallest = max((height for height, _ in found), default=0.0)
    return [height for height, width in found if not is_dot(height, width, tallest)]


#: A dot (a decimal point, a ``\cdot``) is about as wide as tall and under 0.4 of the tallest
#: outline beside it; the smallest letters, second-level scripts, are 0.5 of it or more.
DOT_SHARE = 0.4


def is_dot(height: float, width: float, tallest: float) -> bool:
    """Whether an outline ``height`` by ``width`` px, in a formula whose tallest outline is
    ``tallest`` px, is a dot rather than a letter or digit."""
    return height < DOT_SHARE * tallest and 0.7 <= height / max(width, 1e-6) <= 1.4


def allowed_area() -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of where content may be: the frame less the edge margin on
    the left, right and top, and above the subtitle band."""
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    margin = EDGE_MARGIN * config.frame_width
    return (
        -half_w + margin,
        -half_h + SUBTITLE_BAND * config.frame_height,
        half_w - margin,
        half_h - margin,
    )


def current_step(scene: Any) -> str:
    """The id of the step the scene is showing (the last one begun), or ``"-"`` before any."""
    begun = getattr(scene, "begun", None)
    return str(begun[-1]) if begun else "-"


def glyph_floor(scene: Any) -> float:
    """The smallest glyph height the screen now shown may draw, in px at 1080p:
    :data:`MIN_GLYPH_PIXELS`, or :data:`LAPTOP_GLYPH_PIXELS` for a step in
    :data:`PHONE_PENDING`."""
    return LAPTOP_GLYPH_PIXELS if current_step(scene) in PHONE_PENDING else MIN_GLYPH_PIXELS


def check_layout(scene) -> None:
    """Frame, margin, subtitle band, legibility and overlap checks on the scene's current
    state."""
    min_x, min_y, max_x, max_y = allowed_area()
    minimum = scene.theme.min_font_size
    floor = glyph_floor(scene)
    visible = [m for m in scene.mobjects if _visible(m)]
    for mobject in visible:
        box = left, bottom, right, top = _box(mobject)
        assert left >= min_x - EDGE_TOLERANCE, _near_the_edge(scene, mobject, box)
        assert right <= max_x + EDGE_TOLERANCE, _near_the_edge(scene, mobject, box)
        assert top <= max_y + EDGE_TOLERANCE, _near_the_edge(scene, mobject, box)
        assert bottom >= min_y - EDGE_TOLERANCE, (
            f"{mobject!r} reaches into the subtitle band: its bottom is at y = {bottom:.2f}, "
            f"below {min_y:.2f} (after play {scene.renderer.num_plays})"
        )
        for member in mobject.get_family():
            if isinstance(member, (MathTex, Text)) and member.height > 0:
                assert member.font_size >= minimum - 0.5, (
                    f"{member!r} has font size {member.font_size:.1f} < {minimum}"
                )
                smallest = min(glyph_heights_1080p(member), default=floor)
                assert smallest >= floor, (
                    f"{member!r} draws a glyph {smallest:.1f} px tall at 1080p, below "
                    f"{floor} (step {current_step(scene)}, after play {scene.renderer.num_plays})"
                )
    major = [m for m in visible if _major(m)]
    for a, b in itertools.combinations(major, 2):
        if set(a.get_family()) & set(b.get_family()):
            continue
        la, ba, ra, ta = _box(a)
        lb, bb, rb, tb = _box(b)
        overlap_x = min(ra, rb) - max(la, lb)
        overlap_y = min(ta, tb) - max(ba, bb)
        assert overlap_x <= OVERLAP_TOLERANCE or overlap_y <= OVERLAP_TOLERANCE, (
            f"{a!r} and {b!r} overlap by {overlap_x:.2f} x {overlap_y:.2f} units"
        )


def body_fraction(scene) -> float:
    """The fraction of the frame covered by the bounding box of everything visible but the
    title (0 when nothing is)."""
    title = getattr(scene, "_title", None)
    body = [m for m in scene.mobjects if _visible(m) and m is not title]
    if not body:
        return 0.0
    boxes = [_box(m) for m in body]
    width = max(b[2] for b in boxes) - min(b[0] for b in boxes)
    height = max(b[3] for b in boxes) - min(b[1] for b in boxes)
    return width * height / (config.frame_width * config.frame_height)


@contextmanager
def step_fills() -> Iterator[list[tuple[str, float]]]:
    """Record (step id, :func:`body_fraction`) at every ``end_step``: the frame the step holds
    while it is read or spoken."""
    from scenes.base import DerivationScene

    original = DerivationScene.end_step
    fills: list[tuple[str, float]] = []

    def end_step(self, *args, **kwargs):
        fills.append((str(self.begun[-1]) if self.begun else "?", body_fraction(self)))
        return original(self, *args, **kwargs)

    DerivationScene.end_step = end_step  # type: ignore[method-assign]
    try:
        yield fills
    finally:
        DerivationScene.end_step = original  # type: ignore[method-assign]


def check_fills(fills: list[tuple[str, float]]) -> None:
    """Every step ends on a body that covers at least :data:`MIN_FRAME_FRACTION`."""
    thin = [(step, round(fraction, 3)) for step, fraction in fills if fraction < MIN_FRAME_FRACTION]
    assert not thin, f"steps ending on less than {MIN_FRAME_FRACTION:.0%} of the frame: {thin}"


def test_the_checks_catch_a_bad_layout(media: Path) -> None:
    """A formula in the subtitle band, one at the edge and a small one are each caught."""
    from types import SimpleNamespace

    from manim import tempconfig

    from scenes.theme import Theme

    def scene_with(mobject: VMobject):
        return SimpleNamespace(
            mobjects=[mobject], theme=Theme(), _title=None, renderer=SimpleNamespace(num_plays=0)
        )

    with tempconfig({"media_dir": str(media), "tex_dir": str(media / "Tex")}):
        formula = MathTex(r"w^{[2]}_{12}", font_size=60)
    check_layout(scene_with(formula))  # centred: fine
    for place, message in (
        (config.frame_height / 2 - 0.6, "subtitle band"),
        (config.frame_width / 2 - 0.35, "edge"),
    ):
        moved = formula.copy()
        moved.move_to([0, -place, 0] if message == "subtitle band" else [place, 0, 0])
        with pytest.raises(AssertionError, match=message):
            check_layout(scene_with(moved))
    assert body_fraction(scene_with(formula)) < MIN_FRAME_FRACTION
    with pytest.raises(AssertionError, match="less than"):
        check_fills([("dZ1.fold", body_fraction(scene_with(formula)))])


def test_the_glyph_check_measures_outlines(media: Path) -> None:
    """At the theme's minimum font size an entry with subscripts and a fraction passes; with one
    part of it drawn at a third of its size it fails, while its font size, which follows the whole
    formula's height, still passes the font-size rule above."""
    from manim import tempconfig

    from scenes.equations import screen_tex_template
    from scenes.theme import Theme

    size = Theme().min_font_size
    with tempconfig({"media_dir": str(media), "tex_dir": str(media / "Tex")}):
        entry = MathTex(
            r"w^{[2]}_{12}", "=", r"\frac{1}{m}", font_size=size, tex_template=screen_tex_template()
        )
        plain = MathTex(r"a^{[1]}_{mn}", font_size=size)  # TeX's print sizes: too small
    assert min(glyph_heights_1080p(entry)) >= MIN_GLYPH_PIXELS
    assert min(glyph_heights_1080p(plain)) < MIN_GLYPH_PIXELS
    entry[0].scale(0.35)  # the entry shrinks; the fraction keeps the formula's height
    assert entry.font_size >= size - 0.5
    assert min(glyph_heights_1080p(entry)) < MIN_GLYPH_PIXELS


def test_punctuation_is_not_measured_but_every_letter_is(media: Path) -> None:
    """A comma or colon at body size (16.8 px tall) is no letter: left out. The narrowest
    letters, an upright "i" and "l" in a second-level script, are measured."""
    from manim import tempconfig

    from scenes.equations import screen_tex_template
    from scenes.theme import Theme

    size = Theme().body_size
    with tempconfig({"media_dir": str(media), "tex_dir": str(media / "Tex")}):
        punctuated = MathTex(r"(a, b) : c", font_size=size, tex_template=screen_tex_template())
        narrow = MathTex(r"x_{y_{\text{il}}}", font_size=size, tex_template=screen_tex_template())
    assert len(glyph_heights_1080p(punctuated)) == 5  # ( a b ) c
    assert min(glyph_heights_1080p(punctuated)) >= MIN_GLYPH_PIXELS
    assert len(glyph_heights_1080p(narrow)) == 4  # x y i l


#: Cases that fail since the theme's minimum font size became 32 (the phone floor), each with
#: the reason; they run and are reported as xfail (XPASS once laid out anew). Enable them by
#: removing the entry once the screen's owner has made it fit.
PENDING_FIT: dict[tuple[str, str], str] = {
    ("ExpandToScalars", "4-4-4 network, m = 5, leaky_relu"): (
        "dZ1.expand and dZ1.activate: the 4x4 matrices (MatrixView) run off the frame at min "
        "font size 32 (measured on the whole lecture; not the 'legible' helper's screens)"
    ),
}


def pending_fit(request: pytest.FixtureRequest, scene_class: type, spec: NetworkSpec) -> None:
    """Mark the running case xfail when :data:`PENDING_FIT` names it (it still runs)."""
    reason = PENDING_FIT.get((scene_class.__name__, spec.describe()))
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=False))


@pytest.mark.slow
@each_spec(SPECS)
@pytest.mark.parametrize("scene_class", SCENES, ids=lambda c: c.__name__)
def test_layout(
    scene_class: type, spec: NetworkSpec, media: Path, request: pytest.FixtureRequest
) -> None:
    pending_fit(request, scene_class, spec)
    with checked_plays(check_layout) as plays, step_fills() as fills:
        scene = render_scene(scene_class, spec, media)
    check_fills(fills)
    assert plays[0] > 5
    assert scene.time > 10
    # `chainrule list` estimates from the narrated steps: they are the ones the scene begins,
    # and the estimate never exceeds the real length
    assert scene.begun == list(scene_class.segment.narrated_ids_for(scene.derivation))
    assert scene_class.estimated_duration(scene.derivation, scene.pacing) <= scene.time
