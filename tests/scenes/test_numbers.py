"""RealNumbers and ColumnByColumn: layout after every play, the subtitle band kept clear, the
numbers on screen are the derivation's, and the steps are narrated in order.

Scenes run with ``dry_run`` (no video), as in ``tests/scenes/test_layout.py``, whose
:func:`check_layout` is applied after every ``play``/``wait``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from manim import VMobject, config

import tests.scenes.test_layout as layout
from derivations.spec import NetworkSpec
from scenes.numbers import SUBTITLE_BAND, RealNumbers, body_boxes
from scenes.vector import ColumnByColumn
from tests.scene_support import all_of, checked_plays, each_spec, render_scene

SPECS = (
    NetworkSpec(layer_dims=(2, 2, 2)),  # square: another number
    NetworkSpec(layer_dims=(2, 3, 2), m=2, activation="relu"),  # W[2] dZ[2] has no product
    NetworkSpec(layer_dims=(4, 4, 4), m=5, activation="leaky_relu"),  # compact matrices
    NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),  # a forward pass without Z[1]
    NetworkSpec(layer_dims=(2, 3, 2, 1)),  # a deeper forward pass, in three rows
)
#: A decimal point is a dot, not a letter or digit: at the body size it is a 5.9 px square at
#: 1080p, which the layout test's narrow-outline rule (5.5 px) would take for a glyph.
DOT_PIXELS = 7.0
#: Every step of these scenes ends on a body covering at least this share of the frame: their
#: screens show matrices with a formula or two (measured 59-67 % on the default and 3-4-2
#: networks). Before, the non-square "without the transpose" screen (two badges alone) ended on
#: 24 % and "stack the columns" on 37 %: this floor rejects both. Far above the global floor,
#: which lone formulas set.
MIN_FILL = 0.4


#: The numbers' screens keep every letter and digit at least this tall at 1080p (a phone's
#: floor: a 6-inch phone in landscape is about 13.3 cm wide, 1080p across it; a readable
#: x-height of 0.2° at 32 cm is about 1.12 mm, about 16 px). Measured: 22-29 px on the
#: default, 3-4-2 relu, 2-3-2-1 and 4-4-4 networks.
PHONE_GLYPH_PIXELS = 16.0


@pytest.fixture(autouse=True)
def decimal_points_are_dots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "NARROW_PIXELS", DOT_PIXELS)


def _visible(mobject: VMobject) -> bool:
    return any(
        m.has_points() and (m.get_fill_opacity() > 0 or m.get_stroke_opacity() > 0)
        for m in mobject.get_family()
    )


def check_band(scene) -> None:
    """Nothing drawn in the bottom band where subtitles are shown."""
    limit = -config.frame_height / 2 + SUBTITLE_BAND * config.frame_height
    for mobject in scene.mobjects:
        if _visible(mobject):
            assert mobject.get_bottom()[1] >= limit - 0.01, (
                f"{mobject!r} reaches y = {mobject.get_bottom()[1]:.2f}, inside the subtitle "
                f"band (below {limit:.2f})"
            )


def test_the_body_boxes_stay_above_the_subtitle_band() -> None:
    boxes = body_boxes((2.0, 1.0, 1.0))
    assert boxes[-1].bottom >= -config.frame_height / 2 + SUBTITLE_BAND * config.frame_height
    assert all(a.bottom > b.top for a, b in itertools.pairwise(boxes))


def _texts(scene) -> str:
    """The TeX of every formula piece on screen (each part of a ``MathTex`` has its own)."""
    return " ".join(
        str(m.tex_string)
        for top in scene.mobjects
        for m in top.get_family()
        if getattr(m, "tex_string", None) and _visible(m)
    )


@pytest.mark.slow
@each_spec(SPECS)
@pytest.mark.parametrize("scene_class", [RealNumbers, ColumnByColumn], ids=lambda c: c.__name__)
def test_layout(
    scene_class: type, spec: NetworkSpec, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if scene_class is RealNumbers:
        monkeypatch.setattr(layout, "MIN_GLYPH_PIXELS", PHONE_GLYPH_PIXELS)
    with (
        checked_plays(all_of(layout.check_layout, check_band)) as plays,
        layout.step_fills() as fills,
    ):
        scene = render_scene(scene_class, spec, media)
    thin = [(step, round(fill, 3)) for step, fill in fills if fill < MIN_FILL]
    assert not thin, f"steps ending on less than {MIN_FILL:.0%} of the frame: {thin}"
    assert plays[0] > 10
    assert scene.begun == list(scene_class.segment.step_ids)
    assert scene_class.estimated_duration(scene.derivation, scene.pacing) <= scene.time


def _formatted(data, name: str, pattern: str) -> list[str]:
    return [pattern.format(v) for row in data.matrix(name) for v in row]


def test_the_numbers_on_screen_are_the_derivations(media: Path) -> None:
    """The story a learner can recompute from the screen, in order: the forward pass (W[1],
    b[1] and the Z[1] they give on one screen; Z[1], W[2], b[2] and A[2] on the next), then
    dZ[2] beside A[2], then the chain rule's value, then the nudge's change of ℒ against ε
    times the value, with A[2] and ℒ before. Every number is formatted here from the step's
    data, independently of the scene; the section opens with more than its title."""
    seen: list[tuple[str, str]] = []
    first_fill: list[float] = []

    def remember(scene) -> None:
        seen.append((str(scene.begun[-1]) if scene.begun else "", _texts(scene)))
        if len(seen) == 1:
            first_fill.append(layout.body_fraction(scene))

    with checked_plays(remember):
        scene = render_scene(RealNumbers, NetworkSpec(), media)
    assert first_fill[0] > 0.05, "the section opens on an empty body"
    data = scene.steps["dZ1.nudge"].numbers
    tenths = {name: _formatted(data, name, "{:.1f}") for name in ("W1", "b1", "Z1", "W2", "b2")}
    results = {name: _formatted(data, name, "{:.3g}") for name in ("A2", "dZ2")}

    def shown_together(step: str, numbers: list[str]) -> bool:
        return any(s == step and all(n in text for n in numbers) for s, text in seen)

    assert shown_together("dZ1.forward_numbers", tenths["W1"] + tenths["b1"] + tenths["Z1"])
    assert shown_together(
        "dZ1.forward_numbers", tenths["Z1"] + tenths["W2"] + tenths["b2"] + results["A2"]
    )
    assert shown_together("dZ1.numbers", results["A2"] + results["dZ2"])
    assert shown_together("dZ1.numbers", [f"{data.result:.3g}"] + results["dZ2"])
    delta, predicted = f"{data.delta:.3g}", f"{data.epsilon * data.result:.3g}"
    loss = f"{data.loss_before:.5f}"[:6]
    # the nudge opens on A[2] as it was; the forward pass then runs again on screen: A[2]
    # after the nudge ends beside ℒ before and after and the change against the prediction
    nudged = _formatted(data, "A2_nudged", "{:.3g}")
    assert nudged != results["A2"]
    loss_after = f"{data.loss_after:.5f}"[:6]
    assert shown_together("dZ1.nudge", results["A2"])
    assert shown_together("dZ1.nudge", [delta, predicted, loss, loss_after, *nudged])
    order = [s for s, _ in seen]
    assert order.index("dZ1.forward_numbers") < order.index("dZ1.numbers")
    assert order.index("dZ1.numbers") < order.index("dZ1.nudge")
