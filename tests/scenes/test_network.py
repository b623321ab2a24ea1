"""The network picture and TheNetwork: built from the spec for many networks, labelled with
the matrices' own TeX, coloured like W, nothing colliding or leaving its box; the segment's
layout after every play for several networks."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivations import NetworkSpec, derive
from scenes.layout import Box
from scenes.network import NetworkSegment, TheNetwork, collisions, network_picture
from scenes.theme import Theme
from tests.scene_support import checked_plays, each_spec, render_scene
from tests.scenes.test_layout import check_layout

SPECS = (
    NetworkSpec(layer_dims=(2, 3, 2), m=2),
    NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
    NetworkSpec(layer_dims=(2, 3, 2, 1), m=2),
    NetworkSpec(layer_dims=(1, 1, 1), m=1, activation="sigmoid"),
)
BOX = Box((0.0, -0.3), 12.5, 5.6)
TOLERANCE = 1e-6


def _picture(dims: tuple[int, ...], media: Path, **options: object):
    from manim import tempconfig

    with tempconfig(
        {"media_dir": str(media), "tex_dir": str(media / "Tex"), "verbosity": "WARNING"}
    ):
        return network_picture(NetworkSpec(layer_dims=dims), Theme(), BOX, **options)


def _inside(mobject, box: Box) -> bool:
    return (
        mobject.get_left()[0] >= box.center[0] - box.width / 2 - TOLERANCE
        and mobject.get_right()[0] <= box.center[0] + box.width / 2 + TOLERANCE
        and mobject.get_bottom()[1] >= box.bottom - TOLERANCE
        and mobject.get_top()[1] <= box.top + TOLERANCE
    )


@settings(
    max_examples=10,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(dims=st.lists(st.integers(1, 4), min_size=3, max_size=5).map(tuple))
def test_the_picture_is_the_network(dims: tuple[int, ...], media: Path) -> None:
    theme = Theme()
    picture = _picture(dims, media)
    assert len(picture.units) == sum(dims)
    assert len(picture.edges) == sum(a * b for a, b in pairwise(dims))
    for (layer, k, i), edge in picture.edges.items():
        start, end = picture.circle(layer - 1, i), picture.circle(layer, k)
        assert start.get_center()[0] < end.get_center()[0]  # left to right, layer by layer
        assert edge.get_color().to_hex().upper() == theme.colour(f"W{layer}")
    for (layer, k, i), label in picture.labels.items():
        assert label.tex.tex_string == f"w^{{[{layer}]}}_{{{k + 1}{i + 1}}}"
        assert label.tex[0].get_color().to_hex().upper() == theme.colour("W2")
    # compact when a layer has 4 units: only the focus unit's leaving edges are labelled
    focus_layer, focus = picture.focus
    if max(dims) == 4:
        assert picture.compact
    if picture.compact:
        assert sorted(picture.labels) == [(focus_layer + 1, k, focus) for k in range(dims[2])]
    else:
        assert set(picture.labels) == set(picture.edges)
    assert collisions(picture.labels.values(), picture.units.values()) == []
    assert _inside(picture, BOX)
    circle = picture.circle(*picture.focus)
    assert circle.get_stroke_color().to_hex().upper() == theme.highlight
    unit_labels = [
        unit[1].tex_string for (layer, _), unit in sorted(picture.units.items()) if layer == 1
    ]
    assert unit_labels == [f"a^{{[1]}}_{{{i + 1}}}" for i in range(dims[1])]


def test_collisions_are_found(media: Path) -> None:
    """Every edge of a 4-4-4 network labelled at once: the check must see the pile-up."""
    crowded = _picture((4, 4, 4), media, labels="all")
    assert not crowded.compact
    assert collisions(crowded.labels.values(), crowded.units.values())


def test_bad_label_option_is_one_clear_line(media: Path) -> None:
    with pytest.raises(ValueError, match="labels = 'some'"):
        _picture((2, 2, 2), media, labels="some")


@pytest.mark.slow
@each_spec(SPECS)
def test_layout(spec: NetworkSpec, media: Path) -> None:
    with checked_plays(check_layout) as plays:
        scene = render_scene(TheNetwork, spec, media)
    assert plays[0] > 5
    assert scene.begun == list(NetworkSegment.narrated_ids_for(scene.derivation))
    assert TheNetwork.estimated_duration(scene.derivation, scene.pacing) <= scene.time


def test_the_segment_shows_the_step_it_names() -> None:
    step = derive(NetworkSpec(layer_dims=(2, 3, 2))).step("dZ1.network")
    assert NetworkSegment.step_ids == (step.id,)
    assert step.picked == (0, 2)
