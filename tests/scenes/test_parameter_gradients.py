"""OtherGradients: every target but dZ1 in derivation order, layout after every play, and a
render at the lowest quality."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from derivations import NetworkSpec, derive
from scenes.badges import Badge
from scenes.parameter_gradients import (
    OtherGradients,
    OtherGradientsSegment,
    screen_of,
    shared_parts,
)
from tests.derivation_support import OTHER_GRADIENT_STEPS
from tests.scene_support import all_of, checked_plays, each_spec, render_scene, render_video
from tests.scenes.test_layout import OVERLAP_TOLERANCE, _box, _visible, check_layout, step_fills

SPECS = (
    NetworkSpec(),
    NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
    NetworkSpec(layer_dims=(2, 3, 2, 2, 1), m=2),
    NetworkSpec(layer_dims=(4, 4, 4), m=5, activation="leaky_relu"),
)


#: Every step of this scene ends on a body covering at least this share of the frame (the
#: global floor, tests/scenes/test_layout.MIN_FRAME_FRACTION, is set by lone formulas). Measured
#: on the networks below: 30 % at least (a layer's first fold, e.g. dW[1] or dZ[3], alone on
#: its layer's screen, drawn large in the middle until the next fold joins it), 33-66 %
#: elsewhere. Before the layer screens and the dZ[2] fold were reworked, dW[1]'s step ended on
#: 19 % and, on 2-3-2-2-1, dZ[3]'s and dZ[2]'s on 16 %: this floor rejects those. Where
#: m = n_x, layer 1's fold carries its values check (the shapes cannot tell dZ[1] X from
#: dZ[1] Xᵀ there): the fold, its badges and the check are one picture, alone on the screen
#: until db[1] joins it (it ended on 24 % while the check was a footnote-sized line).
MIN_FILL = 0.28


def check_badges_clear(scene) -> None:
    """No shape badge overlaps an equation or another badge (check_layout compares only
    equations, texts and matrices; a layer's folds stacked on one screen once drew the db
    equation over the dW badges on 4-layer networks)."""
    from manim import MathTex

    shown = [m for m in scene.mobjects if _visible(m) and isinstance(m, (MathTex, Badge))]
    for a, b in itertools.combinations(shown, 2):
        if not (isinstance(a, Badge) or isinstance(b, Badge)):
            continue
        la, ba, ra, ta = _box(a)
        lb, bb, rb, tb = _box(b)
        across, up = min(ra, rb) - max(la, lb), min(ta, tb) - max(ba, bb)
        assert across <= OVERLAP_TOLERANCE or up <= OVERLAP_TOLERANCE, (
            f"{a!r} and {b!r} overlap by {across:.2f} x {up:.2f} units "
            f"(after play {scene.renderer.num_plays})"
        )


@pytest.mark.slow
@each_spec(SPECS)
def test_layout(spec: NetworkSpec, media: Path) -> None:
    with checked_plays(all_of(check_layout, check_badges_clear)) as plays, step_fills() as fills:
        scene = render_scene(OtherGradients, spec, media)
    thin = [(step, round(fill, 3)) for step, fill in fills if fill < MIN_FILL]
    assert not thin, f"steps ending on less than {MIN_FILL:.0%} of the frame: {thin}"
    assert plays[0] > 20
    assert scene.time > 30


def test_steps_follow_the_derivation_for_every_depth() -> None:
    two = OtherGradientsSegment.step_ids_for(derive(NetworkSpec()))
    assert two == OTHER_GRADIENT_STEPS
    three = OtherGradientsSegment.step_ids_for(derive(NetworkSpec(layer_dims=(2, 3, 2, 1))))
    assert three[0] == "dZ3.loss"
    assert "dZ2.fold" in three
    assert not [i for i in three if i.startswith(("dZ1.", "general."))]


def test_a_layer_below_the_output_is_one_screen() -> None:
    derivation = derive(NetworkSpec(layer_dims=(2, 3, 2, 1)))
    screens = [
        screen_of(derivation, derivation.step(i))
        for i in OtherGradientsSegment.step_ids_for(derivation)
    ]
    assert screens == ["dZ3"] * 3 + ["dW3"] * 3 + ["layer 3"] + ["layer 2"] * 3 + ["layer 1"] * 2


def test_one_over_m_is_what_partial_and_fold_share() -> None:
    derivation = derive(NetworkSpec())
    partial, *_, fold = derivation.steps_for("dW2")
    assert shared_parts(partial.equation, fold.equation) == ("overm",)


@pytest.mark.render
def test_renders_at_lowest_quality(tmp_path: Path) -> None:
    render_video(OtherGradients, tmp_path)
