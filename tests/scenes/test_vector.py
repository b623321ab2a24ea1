"""ColumnByColumn on screen: every shape of the learner's route is shown in TeX under its
factor, and the stacked result is matched to the fold's with a tick, not boxed a second time.

The scene runs with ``dry_run`` (no video); what is on screen is recorded after every play.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from manim import UP, ManimColor, SurroundingRectangle, VGroup, VMobject

from derivations import derive
from derivations.sequence_vector import shape_label
from derivations.spec import NetworkSpec
from scenes.equations import EquationTex
from scenes.numbers import body_boxes
from scenes.theme import Theme
from scenes.vector import (
    CENTRE_GROWTH,
    LABEL_GAP,
    ColumnByColumn,
    ShapedEquation,
    bracket_end,
    centre_stage,
)
from scenes.words import title_part
from tests.scene_support import checked_plays, each_spec, render_scene

SPECS = (
    NetworkSpec(),
    NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
    NetworkSpec(layer_dims=(2, 3, 2, 1)),
)


def _visible(mobject: VMobject) -> bool:
    return any(
        m.has_points() and (m.get_fill_opacity() > 0 or m.get_stroke_opacity() > 0)
        for m in mobject.get_family()
    )


def _on_screen(scene) -> list[VMobject]:
    return [m for top in scene.mobjects for m in top.get_family() if _visible(m)]


@pytest.mark.slow
@each_spec(SPECS)
def test_shapes_in_tex_and_the_result_ticked_not_boxed(spec: NetworkSpec, media: Path) -> None:
    screens: list[tuple[str, list[VMobject]]] = []
    # where each shape label is at that moment (mobjects move later: the column form rises)
    placed: list[list[tuple[str, float, float, float]]] = []

    def remember(scene) -> None:
        current = scene.begun[-1] if scene.begun else ""
        on_screen = _on_screen(scene)
        screens.append((str(current), on_screen))
        placed.append(
            [
                (str(m.tex_string), m.get_left()[0], m.get_right()[0], m.get_y())
                for m in dict.fromkeys(on_screen)
                if isinstance(m, EquationTex) and "array" in str(m.tex_string)
            ]
        )

    with checked_plays(remember):
        scene = render_scene(ColumnByColumn, spec, media)
    shown = {
        str(m.tex_string)
        for step, mobjects in screens
        for m in mobjects
        if hasattr(m, "tex_string")
    }
    for step_id in ("dZ1.jacobian", "dZ1.elementwise"):
        for badge in scene.steps[step_id].badges:
            assert shape_label(badge).tex in shown, (step_id, badge)
    labels = {
        shape_label(b).tex
        for i in ("dZ1.jacobian", "dZ1.elementwise")
        for b in scene.steps[i].badges
    }
    neighbours = 0
    for shapes in placed:  # shapes on one row stay apart
        row = sorted((shape for shape in shapes if shape[0] in labels), key=lambda s: s[1])
        for left, right in itertools.combinations(row, 2):
            if abs(left[3] - right[3]) < 0.05:
                neighbours += 1
                assert left[2] < right[1], (left, right)
    assert neighbours > 0, "no two shapes side by side were seen"
    last = [mobjects for step, mobjects in screens if step == "dZ1.stack"][-1]
    assert not any(isinstance(m, SurroundingRectangle) for m in last), "boxed a second time"
    ok = scene.theme.ok
    assert any(m.get_stroke_color().to_hex().lower() == str(ok).lower() for m in last), "no tick"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: ",".join(map(str, s.layer_dims)))
def test_shapes_sit_on_one_row_under_their_terms(spec: NetworkSpec) -> None:
    """Every shape label of a line sits on one row under the equation, centred under its
    part, at least LABEL_GAP from its neighbours; the parts keep TeX's order and never come
    closer than TeX set them (a narrow part with a wide label gets room, nothing is pushed
    onto a second row)."""
    theme = Theme()
    derivation = derive(spec)
    lines = widened = 0
    for step_id in ("dZ1.jacobian", "dZ1.elementwise"):
        step = derivation.step(step_id)
        for parts in (step.equation, *step.lines):
            shaped = ShapedEquation(parts, step.badges, theme)
            if not shaped.labels:
                continue
            lines += 1
            tops = {round(label.get_top()[1], 6) for label in shaped.labels}
            assert len(tops) == 1, (step_id, tops)
            assert tops.pop() < shaped.equation.get_bottom()[1]
            labelled = {b.part for b in step.badges}
            named = [p for p in parts if p.tex and p.name in labelled]
            kept = [p for p in parts if p.tex]
            assert len(named) == len(shaped.labels)
            for part, label in zip(named, shaped.labels, strict=True):
                factor = VGroup(*shaped.equation[kept.index(part) : _closed(kept, part) + 1])
                assert abs(label.get_x() - factor.get_x()) < 1e-6, part.name
                assert (
                    label.tex_string
                    == shape_label(next(b for b in step.badges if b.part == part.name)).tex
                )
            for left, right in itertools.pairwise(shaped.labels):
                assert right.get_left()[0] - left.get_right()[0] >= LABEL_GAP - 1e-6
            plain = EquationTex(parts, theme)
            for (a, b), (c, d) in zip(
                itertools.pairwise(shaped.equation),
                itertools.pairwise(plain),
                strict=True,
            ):
                gap = b.get_left()[0] - a.get_right()[0]
                tex_gap = d.get_left()[0] - c.get_right()[0]
                assert gap >= tex_gap - 1e-6, (step_id, a.tex_string, b.tex_string)
                widened += gap > tex_gap + 1e-3
    assert lines >= 4
    assert widened > 0, "no line needed room for a label: the test saw nothing to check"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: ",".join(map(str, s.layer_dims)))
def test_a_first_line_waits_at_the_centre_and_keeps_its_place(spec: NetworkSpec) -> None:
    """The first line of a Jacobian screen is shown grown at the centre of the body, inside
    it, while its place among the step's lines is kept as its target."""
    theme = Theme()
    step = derive(spec).step("dZ1.elementwise")
    line = ShapedEquation(step.equation, step.badges, theme).scale(0.8).to_edge(UP)
    place, width = line.get_center().copy(), line.width
    centre_stage(line)
    box = body_boxes((1.0,), gap=0.35)[0]
    assert np.allclose(line.target.get_center(), place)
    assert abs(line.target.width - width) < 1e-9
    assert np.allclose(line.get_center()[:2], box.point()[:2])
    assert width < line.width <= CENTRE_GROWTH * width + 1e-9
    assert line.width <= box.width
    assert line.height <= box.height


def _closed(parts: list, part) -> int:
    """The index of the part that closes the brackets ``part`` opens (the factor a shape
    label is centred under: ``diag(g′(`` + ``z`` + ``))``), counted here on the TeX."""
    depth = 0
    for index in range(parts.index(part), len(parts)):
        depth += parts[index].tex.count("(") - parts[index].tex.count(")")
        if depth <= 0:
            return index
    raise AssertionError(f"{part.name} opens brackets that no part closes")


def test_a_factor_set_as_several_parts_ends_where_its_brackets_close() -> None:
    from derivations.vocabulary import TexPart

    parts = tuple(
        TexPart(name, tex)
        for name, tex in (("d", r"\operatorname{diag}\big(g("), ("z", "z^{(j)}"), ("c", r")\big)"))
    )
    assert [bracket_end(parts, i) for i in range(3)] == [2, 1, 2]
    assert bracket_end(parts[:2], 0) == 1  # never past the end


#: An activation applied to something, in the TeX: ``g^{[1]}(`` or ``g^{[1]\prime}(``.
APPLIED = re.compile(r"g\^\{\[1\](?:\\prime)?\}\(")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: ",".join(map(str, s.layer_dims)))
def test_z_inside_g_and_diag_has_zs_colour(spec: NetworkSpec) -> None:
    """Wherever ``g(…)``, ``g′(…)`` or ``diag(g′(…))`` is applied to one example's
    ``z[1]`` on these screens, that ``z`` is a part of its own in ``Z``'s colour (the
    theme's, as in the forward pass), not in the function's colour around it."""
    theme = Theme()
    derivation = derive(spec)
    teal = ManimColor(theme.colour("Z1")).to_hex().lower()
    applied = 0
    for step_id in ("dZ1.jacobian", "dZ1.elementwise", "dZ1.stack"):
        step = derivation.step(step_id)
        for parts in (step.equation, *step.lines):
            equation = EquationTex(parts, theme)
            pieces = equation.pieces()
            for index, (part, _) in enumerate(pieces):
                for match in APPLIED.finditer(part.tex):
                    inside = part.tex[match.end() :]
                    assert not inside.startswith("z"), (step_id, part.tex)
                    if inside or index + 1 == len(pieces):
                        continue  # applied to Z[1], the matrix (the fold's formula)
                    argument, piece = pieces[index + 1]
                    assert argument.tex.startswith("z^{[1]"), (step_id, argument.tex)
                    assert piece.get_color().to_hex().lower() == teal, (step_id, part.tex)
                    applied += 1
    assert applied >= 5, "g applied to z[1] was expected on every screen"


def _title_and_body(scene) -> tuple[float, list[VMobject]]:
    """The lower of the title band's bottom and the titles', and the body on screen (a title
    is known by its TeX: the one fading in is not the scene's title until its play ends)."""
    titles = {title_part(step.title).tex for step in scene.steps.values()}
    shown = [m for m in scene.mobjects if _visible(m)]
    is_title = [getattr(m, "tex_string", None) in titles for m in shown]
    limit = min(
        [scene.title_box.bottom]
        + [m.get_bottom()[1] for m, title in zip(shown, is_title, strict=True) if title]
    )
    return limit, [m for m, title in zip(shown, is_title, strict=True) if not title]


#: The least space between the title (or its band) and the body (scene units): a fraction's
#: top closer than this reads as touching the title.
TITLE_CLEARANCE = 0.2


@pytest.mark.slow
@each_spec(SPECS)
def test_the_body_keeps_clear_of_the_title(spec: NetworkSpec, media: Path) -> None:
    """After every play, every line of the three screens stays at least TITLE_CLEARANCE
    below the title band (and the title), and above the subtitle band."""
    from scenes.layout import safe_box

    tops: list[float] = []

    def check(scene) -> None:
        limit, body = _title_and_body(scene)
        for mobject in body:
            top = mobject.get_top()[1]
            tops.append(limit - top)
            assert top <= limit - TITLE_CLEARANCE, (scene.begun[-1], mobject, top, limit)
            assert mobject.get_bottom()[1] >= safe_box().bottom - 0.01, (scene.begun[-1], mobject)

    with checked_plays(check):
        render_scene(ColumnByColumn, spec, media)
    assert tops, "nothing was checked"
