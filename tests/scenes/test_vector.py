"""ColumnByColumn on screen: every shape of the learner's route is shown in TeX under its
factor, and the stacked result is matched to the fold's with a tick, not boxed a second time.

The scene runs with ``dry_run`` (no video); what is on screen is recorded after every play.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from manim import SurroundingRectangle, VMobject

from derivations import derive
from derivations.sequence_vector import shape_label
from derivations.spec import NetworkSpec
from scenes.equations import EquationTex
from scenes.theme import Theme
from scenes.vector import LABEL_GAP, ColumnByColumn, ShapedEquation
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
def test_shapes_keep_the_formula_spacing_and_sit_under_their_terms(spec: NetworkSpec) -> None:
    """A shape label never widens its formula: every part stays where TeX set it (as in the
    same formula with no labels), each label is centred under its part, and labels on one
    row keep apart (a label too wide for the room under its part goes a row down)."""
    theme = Theme()
    derivation = derive(spec)
    lines = 0
    for step_id in ("dZ1.jacobian", "dZ1.elementwise"):
        step = derivation.step(step_id)
        for parts in (step.equation, *step.lines):
            shaped = ShapedEquation(parts, step.badges, theme)
            if not shaped.labels:
                continue
            lines += 1
            plain = EquationTex(parts, theme).move_to(shaped.equation)
            for piece, alone in zip(shaped.equation, plain, strict=True):
                assert abs(piece.get_x() - alone.get_x()) < 1e-6, (step_id, piece.tex_string)
            labelled = {b.part for b in step.badges}
            named = [p for p in parts if p.tex and p.name in labelled]
            kept = [p.name for p in parts if p.tex]
            pieces = dict(zip(kept, shaped.equation, strict=True))
            for part, label in zip(named, shaped.labels, strict=True):
                assert abs(label.get_x() - pieces[part.name].get_x()) < 1e-6, part.name
                assert label.get_top()[1] < shaped.equation.get_bottom()[1], part.name
            rows: dict[int, list[EquationTex]] = {}
            for label, tier in zip(shaped.labels, shaped.tiers, strict=True):
                rows.setdefault(tier, []).append(label)
            for row in rows.values():
                for left, right in itertools.pairwise(row):
                    assert right.get_left()[0] - left.get_right()[0] >= LABEL_GAP - 1e-6
    assert lines >= 4
