"""Rearranging formulas without artefacts: a regrouping fades the parts that leave, then moves
the matched ones, then fades the new ones in, so no frame overlays a fading glyph on a moving
one (the ghosts of ``g′`` past the bracket, the blind review's 2:04); formulas are revealed
glyph by glyph, each glyph whole (a half-written ``y`` read as ``ν``, 6:32).

Taking a common factor out (:mod:`scenes.factoring`) must, besides, never show a false
equality (the blind review's 2:09: ``dz = w dz + w dz``, its ``g′`` gone for seconds): at every
instant each line shows its factor whole, and a line that is still reads exactly as before or
exactly as after (:func:`misreadings`, which the fading regrouping fails).

Checked on plain squares (no TeX): which part goes where, and what every part looks like at
moments inside each phase of the animation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import (
    Animation,
    FadeIn,
    FadeOut,
    Mobject,
    ReplacementTransform,
    Square,
    VGroup,
    VMobject,
)

from derivations.vocabulary import TexPart
from scenes.factoring import FULL_FLIGHT, SHRINK, Line, rearranged
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


def shown(mobject: Mobject) -> float:
    """How visible a glyph group is: the most opaque fill or stroke among its outlines (0 to
    1; a glyph of TeX is filled, the squares of these tests are stroked)."""
    outlines = mobject.family_members_with_points() or [mobject]
    return max(max(float(m.get_fill_opacity()), float(m.get_stroke_opacity())) for m in outlines)


#: Instants of a rearrangement sampled (as shares of its run time): every 1/60.
SAMPLES = 60
#: A line shows its factor when one copy is at least this visible.
WHOLE = 0.9
#: Closer than this (scene units) to where it starts or ends, a glyph is not in motion.
STILL = 1e-4


def misreadings(
    lines: Sequence[Line], regrouped: Regrouping, factor: Callable[[TexPart], bool]
) -> list[tuple[float, int, str]]:
    """Where a rearrangement misleads: ``(instant, line, what)`` for every sampled instant at
    which a line shows no copy of its factor whole, or stands still neither exactly as before
    nor exactly as after (a part half faded, a part gone, a new part not yet in). What a line
    shows is the glyphs the animations of its parts draw."""
    animations: list[Animation] = [*regrouped.leaving, *regrouped.moving, *regrouped.arriving]
    whole = regrouped.animation()
    whole.begin()

    def state(alpha: float) -> tuple[np.ndarray, np.ndarray]:
        whole.interpolate(alpha)
        centres = np.array([a.mobject.get_center() for a in animations]).reshape(-1, 3)
        return centres, np.array([shown(a.mobject) for a in animations])

    (start, was), (end, will) = state(0.0), state(1.0)
    drawn, factors = [], []
    for line in lines:
        members = {id(m) for m in line.mobjects()}
        factor_ids = {id(m) for p, m in (*line.before, *line.after) if factor(p)}
        drawn.append([i for i, a in enumerate(animations) if id(a.mobject) in members])
        factors.append([i for i, a in enumerate(animations) if id(a.mobject) in factor_ids])
    found: list[tuple[float, int, str]] = []
    for k in range(SAMPLES + 1):
        alpha = k / SAMPLES
        centres, seen = state(alpha)
        off_start = np.linalg.norm(centres - start, axis=1) >= STILL
        off_end = np.linalg.norm(centres - end, axis=1) >= STILL
        as_before = ~off_start & (np.abs(seen - was) < 0.02)
        as_after = ~off_end & (np.abs(seen - will) < 0.02)
        for index, (parts, copies) in enumerate(zip(drawn, factors, strict=True)):
            if max(seen[copies], default=0.0) < WHOLE:
                found.append((alpha, index, "no factor whole"))
            moving = (off_start[parts] & off_end[parts]).any()
            if not moving and not as_before[parts].all() and not as_after[parts].all():
                found.append((alpha, index, "still, neither before nor after"))
    return found


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


@st.composite
def factored_lines(draw: st.DrawFn) -> list[tuple[list[str], list[str], float]]:
    """Lines ``lhs = a g + b g + ...`` and their factored form ``lhs = (a + b + ...) g``
    (each term one or two parts), with how far down the factored line is drawn."""
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        terms = draw(
            st.lists(
                st.lists(st.sampled_from(["w", "dz"]), min_size=1, max_size=2),
                min_size=1,
                max_size=4,
            )
        )
        before, inside = ["dz", "="], []
        for k, term in enumerate(terms):
            before += (["+"] if k else []) + term + ["g"]
            inside += (["+"] if k else []) + term
        lines.append(
            (before, ["dz", "=", "(", *inside, ")", "g"], draw(st.sampled_from([0.0, 0.0, -1.0])))
        )
    return lines


def line_of(before: list[str], after: list[str], y: float, drop: float) -> Line:
    """Squares for ``before`` on the line at ``y`` and for ``after`` centred under them."""
    shift = (len(before) - len(after)) / 2
    return Line(
        formula(before, y),
        [(p, m.shift((shift * 1.0, drop, 0))) for p, m in formula(after, y)],
    )


@settings(max_examples=25, deadline=None)
@given(shapes=factored_lines())
def test_taking_a_factor_out_never_shows_a_false_line(
    shapes: list[tuple[list[str], list[str], float]],
) -> None:
    """Across lines of any number of terms, moved in place or to another row: every line
    shows its factor whole at every instant and never stands still half changed; at the end
    each part after is drawn once, where it belongs (the copies of the factor merged)."""
    lines = [line_of(b, a, 3.0 * i, drop) for i, (b, a, drop) in enumerate(shapes)]
    regrouped = rearranged(lines, is_g).regrouping
    assert misreadings(lines, regrouped, is_g) == []
    animations = [*regrouped.leaving, *regrouped.moving, *regrouped.arriving]
    final = regrouped.animation()
    final.begin()
    final.interpolate(1.0)
    drawn = sorted(
        tuple(np.round(a.mobject.get_center(), 6)) for a in animations if shown(a.mobject) > 0.5
    )
    wanted = sorted(tuple(np.round(m.get_center(), 6)) for line in lines for _, m in line.after)
    assert drawn == wanted


@settings(max_examples=30, deadline=None)
@given(shapes=factored_lines())
def test_a_factor_that_travels_far_flies_over_its_line_small(
    shapes: list[tuple[list[str], list[str], float]],
) -> None:
    """Half way, a copy of the factor going farther than a full flight is well above the
    straight way from where it starts to where it lands, and smaller: it passes over the
    terms, not through them."""
    lines = [line_of(b, a, 3.0 * i, drop) for i, (b, a, drop) in enumerate(shapes)]
    regrouped = rearranged(lines, is_g).regrouping
    factors = {id(m) for line in lines for p, m in line.before if is_g(p)}
    flights = [a for a in regrouped.moving if id(a.mobject) in factors]
    starts = {id(a): (a.mobject.get_center().copy(), a.mobject.height) for a in flights}
    whole = regrouped.animation()
    whole.begin()
    whole.interpolate(1.0)
    ends = {id(a): a.mobject.get_center().copy() for a in flights}
    whole.interpolate(0.5)
    for a in flights:
        (start, height), end = starts[id(a)], ends[id(a)]
        if np.linalg.norm(end - start) < FULL_FLIGHT * height:
            continue
        x, y = a.mobject.get_center()[:2]
        share = (x - start[0]) / (end[0] - start[0]) if abs(end[0] - start[0]) > height else 0.5
        assert y > start[1] + share * (end[1] - start[1]) + 0.5 * height
        assert a.mobject.height < (SHRINK + 0.1) * height


@settings(max_examples=20, deadline=None)
@given(shapes=factored_lines())
def test_the_fading_regrouping_is_caught_showing_lines_without_their_factor(
    shapes: list[tuple[list[str], list[str], float]],
) -> None:
    """The way the factor used to come out (it fades out of every term, the rest moves, one
    copy fades in outside): :func:`misreadings` finds lines without their factor and lines
    standing still half changed."""
    lines = [line_of(b, a, 3.0 * i, drop) for i, (b, a, drop) in enumerate(shapes)]
    regrouped = Regrouping()
    for line in lines:
        regrouped += regrouping(line.before, line.after, is_g)
    found = misreadings(lines, regrouped, is_g)
    assert {what for _, _, what in found} == {"no factor whole", "still, neither before nor after"}
    assert {index for _, index, _ in found} == set(range(len(lines)))
