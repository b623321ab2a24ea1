"""``chainrule.rendering.drawing.manim_config``: what one unit's drawing process tells Manim."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("manim")

from manim import Text, tempconfig

from chainrule.rendering.drawing import manim_config
from tests.render_support import tiny_unit


def test_a_narrow_render_does_not_hand_its_wrapped_text_to_a_wide_one(tmp_path: Path) -> None:
    """Pango wraps a ``Text`` at the pixel width, and Manim's text cache does not key on it:
    with one shared text folder a title typeset 256 pixels wide came back on two lines in the
    next 854-pixel render of the same slot."""
    title = "Backwards along the edges, one column of the weights at a time"
    slot, partial = tmp_path / "slot", tmp_path / "partial"
    heights = []
    for width, height in ((256, 144), (854, 480)):
        settings = manim_config(tiny_unit(tmp_path, width, height), slot, partial)
        with tempconfig(settings):
            heights.append(Text(title, font_size=40).height)
    with tempconfig(manim_config(tiny_unit(tmp_path, 854, 480), tmp_path / "fresh", partial)):
        one_line = Text(title, font_size=40).height
    assert heights[0] > 1.5 * one_line, "the narrow render did not wrap: the test shows nothing"
    assert heights[1] == pytest.approx(one_line)
