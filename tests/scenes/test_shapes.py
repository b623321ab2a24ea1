"""ShapeCheck and its badges: layout after every play, badges under their factors, verdict
colours that no symbol uses, and a render at the lowest quality."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from derivations import NetworkSpec, derive
from scenes.badges import BadgedEquation, status_colour
from scenes.shapes import ShapeCheck, SquarePitfall, culprit_frame
from scenes.theme import Theme
from tests.scene_support import checked_plays, each_spec, render_scene, render_video
from tests.scenes.test_layout import check_layout

SPECS = (
    NetworkSpec(),
    NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
    NetworkSpec(layer_dims=(2, 3, 2, 2, 1), m=2),
    NetworkSpec(layer_dims=(1, 1, 1), m=1, activation="sigmoid"),
    NetworkSpec(layer_dims=(4, 4, 4), m=5, activation="leaky_relu"),
)


@pytest.mark.slow
@each_spec(SPECS)
@pytest.mark.parametrize("scene_class", [ShapeCheck, SquarePitfall], ids=lambda c: c.__name__)
def test_layout(scene_class: type, spec: NetworkSpec, media: Path) -> None:
    with checked_plays(check_layout) as plays:
        scene = render_scene(scene_class, spec, media)
    assert plays[0] > 5
    assert scene.time > 8


def test_each_candidate_is_judged_where_the_derivation_says() -> None:
    """On 2-3-2 one frame (and one cross) goes around the badges of what fails: the two
    factors whose inner sizes differ, or the side whose shape is not dZ[1]'s; the badges of
    the other factors stay unframed."""
    theme = Theme()
    step = derive(NetworkSpec()).step("dZ1.candidates")
    red = [{b.part for b in c.badges if not b.ok} for c in step.candidates]
    assert red == [{"W2", "dZ2"}, {"dZ2", "W2"}, {"dZ2", "gprime1"}]
    for candidate, names in zip(step.candidates, red, strict=True):
        shown = BadgedEquation(candidate.equation, candidate.badges, theme)
        frame, mark = culprit_frame(shown, theme)
        for name, badge in shown.badges.items():
            inside = (
                frame.get_left()[0] < badge.get_left()[0]
                and badge.get_right()[0] < frame.get_right()[0]
            )
            assert inside == (name in names), (candidate.text, name)
        assert mark.get_top()[1] < frame.get_bottom()[1]
        assert mark.get_left()[0] > frame.get_left()[0]
        assert mark.get_right()[0] < frame.get_right()[0]


def test_a_form_whose_shapes_fit_gets_no_frame() -> None:
    theme = Theme()
    step = derive(NetworkSpec(layer_dims=(2, 2, 2))).step("dZ1.candidates")
    for candidate in step.candidates:
        assert (
            len(culprit_frame(BadgedEquation(candidate.equation, candidate.badges, theme), theme))
            == 0
        )


def test_badges_sit_under_their_factors_without_touching() -> None:
    step = derive(NetworkSpec(layer_dims=(3, 4, 2), m=3)).step("dZ1.candidates")
    for candidate in step.candidates:
        shown = BadgedEquation(candidate.equation, candidate.badges, Theme())
        assert set(shown.badges) == {badge.part for badge in candidate.badges}
        for name, badge in shown.badges.items():
            part = shown.part(name)
            assert badge.get_top()[1] < part.get_bottom()[1]
            assert badge.get_left()[0] <= part.get_center()[0] <= badge.get_right()[0]
        badges = list(shown.badges.values())
        for left, right in pairwise(badges):
            assert left.get_right()[0] < right.get_left()[0]


def test_the_pitfall_is_square_whatever_the_network() -> None:
    for spec in SPECS:
        step = derive(spec).step("dZ1.no_transpose")
        assert all(b.ok and b.rows == b.cols for b in step.badges if b.part.startswith("W"))
        assert len(step.lines) == 3
        assert "square" in step.lines[0][0].tex


def test_verdict_colours_mean_nothing_else() -> None:
    theme = Theme()
    symbols = set(theme.families.values()) | {theme.text, theme.highlight}
    for ok in (True, False):
        assert status_colour(theme, ok).upper() not in symbols
    assert status_colour(theme, True) != status_colour(theme, False)


@pytest.mark.render
def test_renders_at_lowest_quality(tmp_path: Path) -> None:
    render_video(ShapeCheck, tmp_path)


@pytest.mark.parametrize("name", ["ok", "error"])
def test_a_verdict_colour_that_is_a_symbol_colour_is_an_error(name: str) -> None:
    with pytest.raises(ValueError, match=f"the {name} colour"):
        Theme.from_dict({name: Theme().colour("dZ2")})
    with pytest.raises(ValueError, match="ok and error"):
        Theme.from_dict({"ok": "#123456", "error": "#123456"})
