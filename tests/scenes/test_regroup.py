"""Rearranging formulas without artefacts: a regrouping fades the parts that leave, then moves
the matched ones, then fades the new ones in, so no frame overlays a fading glyph on a moving
one (the ghosts of ``g′`` past the bracket, the blind review's 2:04); formulas are revealed
glyph by glyph, each glyph whole (a half-written ``y`` read as ``ν``, 6:32).

Checked on plain squares (no TeX): which part goes where, and what every part looks like at
moments inside each phase of the animation.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import FadeIn, FadeOut, ReplacementTransform, Square, VGroup, VMobject

from derivations.vocabulary import TexPart
from scenes.matrices import (
    PHASE_WEIGHTS,
    Regrouping,
    regrouping,
    reveal,
)

TEX = ["w", "dz", "g", "+", "(", ")"]
tokens = st.lists(st.sampled_from(TEX), max_size=8)


def formula(texs: list[str], y: float) -> list[tuple[TexPart, VMobject]]:
    """One square per part, side by side on the line at height ``y``."""
    return [
        (TexPart(f"p{i}", tex, "g" if tex == "g" else None), Square(0.2).move_to([i, y, 0]))
        for i, tex in enumerate(texs)
    ]


def is_g(part: TexPart) -> bool:
    return part.tex == "g"


def opacity(mobject: VMobject) -> float:
    return float(mobject.get_fill_opacity() + mobject.get_stroke_opacity())


@settings(max_examples=60, deadline=None)
@given(sources=tokens, targets=tokens, with_stays=st.booleans())
def test_every_part_leaves_moves_or_arrives_exactly_once(
    sources: list[str], targets: list[str], with_stays: bool
) -> None:
    before, after = formula(sources, 0.0), formula(targets, -2.0)
    stays = is_g if with_stays else None
    parts = regrouping(before, after, stays)
    left = [a.mobject for a in parts.leaving]
    moved_from = [a.mobject for a in parts.moving]
    moved_to = [a.target_mobject for a in parts.moving]
    arrived = [a.mobject for a in parts.arriving]
    assert all(isinstance(a, FadeOut) for a in parts.leaving)
    assert all(isinstance(a, ReplacementTransform) for a in parts.moving)
    assert all(isinstance(a, FadeIn) for a in parts.arriving)
    source_ids = sorted(id(m) for _, m in before)
    target_ids = sorted(id(m) for _, m in after)
    assert sorted(id(m) for m in left + moved_from) == source_ids
    assert sorted(id(m) for m in moved_to + arrived) == target_ids
    texs = {id(m): p.tex for p, m in [*before, *after]}
    for start, end in zip(moved_from, moved_to, strict=True):
        assert texs[id(start)] == texs[id(end)], "a part moved into another glyph"
        assert not (with_stays and texs[id(start)] == "g"), "a part kept in place travelled"
    # as many moves of a TeX as both formulas have of it (outside the parts kept in place)
    for tex in TEX:
        if with_stays and tex == "g":
            continue
        assert sum(texs[id(m)] == tex for m in moved_to) == min(
            sources.count(tex), targets.count(tex)
        )


@settings(max_examples=30, deadline=None)
@given(sources=tokens, targets=tokens)
def test_the_phases_never_overlap(sources: list[str], targets: list[str]) -> None:
    """Inside the leaving phase nothing has arrived and nothing has moved; inside the moving
    phase what left is gone and nothing has arrived; at the end everything is in place."""
    before, after = formula(sources, 0.0), formula(targets, -2.0)
    parts = regrouping(before, after, is_g)
    animation = parts.animation()
    animation.begin()
    shares = dict(zip(("leaving", "moving", "arriving"), PHASE_WEIGHTS, strict=True))
    present = {name: bool(getattr(parts, name)) for name in ("leaving", "moving", "arriving")}
    total = sum(w for name, w in shares.items() if present[name])
    leave_end = shares["leaving"] / total if present["leaving"] else 0.0
    move_end = leave_end + (shares["moving"] / total if present["moving"] else 0.0)
    starts = {id(a.mobject): a.mobject.get_center().copy() for a in parts.moving}

    if present["leaving"]:
        animation.interpolate(leave_end / 2)
        for a in parts.arriving:
            assert opacity(a.mobject) < 1e-6, "a new part shows while the old ones leave"
        for a in parts.moving:
            assert np.allclose(a.mobject.get_center(), starts[id(a.mobject)])
    if present["moving"]:
        animation.interpolate((leave_end + move_end) / 2)
        for a in parts.leaving:
            assert opacity(a.mobject) < 1e-6, "a leaving part still shows while parts move"
        for a in parts.arriving:
            assert opacity(a.mobject) < 1e-6, "a new part shows while parts move"
    animation.interpolate(1.0)
    for a in parts.moving:
        assert np.allclose(a.mobject.get_center(), a.target_mobject.get_center())
    for a in parts.arriving:
        assert opacity(a.mobject) > 0.5


def test_regroupings_played_together_share_their_phases() -> None:
    one = regrouping(formula(["w", "g"], 0.0), formula(["(", "w", ")"], -1.0))
    two = regrouping(formula(["dz", "g"], 1.0), formula(["dz"], -2.0))
    both = one + two
    assert both.leaving == one.leaving + two.leaving
    assert both.moving == one.moving + two.moving
    assert both.arriving == one.arriving + two.arriving
    assert [len(p) for _, p in both.phases()] == [2, 2, 2]
    assert sum(share for share, _ in both.phases()) == 1.0
    assert Regrouping().phases() == []


def test_a_formula_is_revealed_glyph_by_glyph_in_reading_order() -> None:
    glyphs = [Square(0.2).move_to([i, 0, 0]) for i in range(6)]
    lines = VGroup(VGroup(*glyphs[:3]), VGroup(*glyphs[3:]))
    animation = reveal(lines)
    assert animation.mobject is lines, "the scene must end up holding the formula itself"
    animation.begin()
    animation.interpolate(0.0)
    assert all(opacity(g) < 1e-6 for g in glyphs)
    animation.interpolate(0.5)
    shown = [opacity(g) for g in glyphs]
    assert shown == sorted(shown, reverse=True), "glyphs are revealed in reading order"
    assert shown[0] > 0.9, "the first glyph is in by half time"
    assert shown[-1] < 1e-6, "the last glyph has not begun by half time"
    animation.interpolate(1.0)
    assert all(opacity(g) > 0.9 for g in glyphs)
