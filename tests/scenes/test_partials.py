"""TakePartials' values step: each factor of every path's product is marked, in its own
colour, under its copy in every path, as the narration names it.

The scene runs with ``dry_run`` (no video); what is on screen is recorded after every play.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from manim import VMobject

from derivations import derive
from derivations.spec import NetworkSpec
from derivations.steps import FactorRole
from scenes.equations import EquationTex
from scenes.layout import safe_box
from scenes.partials import FACTOR_NAMES, SHARED, SharedBracket, TakePartials, Underline
from scenes.theme import Theme
from tests.scene_support import checked_plays, each_spec, render_scene

SPECS = (
    NetworkSpec(),
    NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
    NetworkSpec(layer_dims=(2, 3, 2, 1)),
    NetworkSpec(layer_dims=(2, 3, 4)),  # four paths
)
VALUES = "dZ1.partial_values"
#: The words of the narration that name each factor (written here, not taken from the scene).
NAMED_BY = {
    FactorRole.UPSTREAM: "upstream gradient",
    FactorRole.WEIGHT: "The second",
    FactorRole.LOCAL: "The third",
}


def _visible(mobject: VMobject) -> bool:
    return any(
        m.has_points() and (m.get_fill_opacity() > 0 or m.get_stroke_opacity() > 0)
        for m in mobject.get_family()
    )


@pytest.mark.slow
@each_spec(SPECS)
def test_each_factor_is_marked_under_every_copy_as_it_is_named(
    spec: NetworkSpec, media: Path
) -> None:
    record: list[dict] = []

    def remember(scene) -> None:
        if not scene.begun or str(scene.begun[-1]) != VALUES:
            return
        shown = [m for top in scene.mobjects for m in top.get_family() if _visible(m)]
        record.append(
            {
                "time": float(scene.time),
                "starts": scene._sentence_starts,
                "texts": scene._sentence_texts,
                "unders": [
                    (m.role, m.get_left()[0], m.get_right()[0], m.get_y(), str(m.get_color()))
                    for m in dict.fromkeys(shown)
                    if isinstance(m, Underline)
                ],
                "ids": {id(m) for m in shown},
                "brackets": [
                    m
                    for m in scene.mobjects
                    for m in m.get_family()
                    if isinstance(m, SharedBracket)
                ],
                "tex": [
                    (
                        part.name,
                        m.get_left()[0],
                        m.get_right()[0],
                        m.get_bottom()[1],
                        m.get_top()[1],
                    )
                    for tex in dict.fromkeys(shown)
                    if isinstance(tex, EquationTex)
                    for part, m in tex.pieces()
                ],
            }
        )

    with checked_plays(remember):
        render_scene(TakePartials, spec, media)
    step = derive(spec).step(VALUES)
    starts, texts = record[-1]["starts"], record[-1]["texts"]
    assert len(starts) == len(texts)
    theme = Theme()
    begun = record[0]["time"]  # after the step's first play
    for role, words in NAMED_BY.items():
        factors = [f for path in step.paths for f in path.factors if f.role is role]
        colour = theme.colour(factors[0].value.symbol).lower()
        first = next(n for n, r in enumerate(record) if any(u[0] is role for u in r["unders"]))
        opened = record[first - 1]["time"] if first else begun
        index = next(i for i, t in enumerate(texts) if words in t)
        assert opened >= starts[index] - 1e-6, (role, opened, starts[index])
        if index + 1 < len(starts):
            assert record[first]["time"] <= starts[index + 1] + 1e-6, role
        # at the end of the step: one underline under each path's copy, in the factor's colour
        final = record[-1]
        unders = [u for u in final["unders"] if u[0] is role]
        names = {f.value.name for f in factors}
        copies = [c for c in final["tex"] if c[0] in names]
        assert len(unders) == len(step.paths), role
        assert len(copies) == len(step.paths), role
        for _, left, right, bottom, _top in copies:
            under = [
                u
                for u in unders
                if left - 1e-6 <= u[1]
                and u[2] <= right + 1e-6
                and 0 < bottom - u[3] < 0.3
                and u[2] - u[1] > (right - left) / 2
            ]
            assert len(under) == 1, (role, left, right, unders)
            assert under[0][4].lower() == colour, role
    bracket = next(b for r in record for b in r["brackets"])
    drawn = {id(m) for m in bracket.bracket.get_family()}
    shared_at = next(n for n, r in enumerate(record) if drawn & r["ids"])
    opened = record[shared_at - 1]["time"]
    index = next(i for i, t in enumerate(texts) if "Every path shares" in t)
    assert opened >= starts[index] - 1e-6
    box = safe_box()
    for _, left, right, bottom, top in record[-1]["tex"]:
        assert box.bottom - 1e-6 <= bottom
        assert top <= box.top + 1e-6
        assert -box.width / 2 - 1e-6 <= left
        assert right <= box.width / 2 + 1e-6


def test_the_names_are_the_narrations_words_in_its_order() -> None:
    for spec in SPECS:
        narration = derive(spec).step(VALUES).narration
        cues = [name.cue for name in (*FACTOR_NAMES, SHARED)]
        places = [narration.find(cue) for cue in cues]
        assert all(p >= 0 for p in places), places
        assert places == sorted(places), places
        for name in (*FACTOR_NAMES, SHARED):
            for word in (name.label or "").split():
                assert word.lower() in narration.lower(), word
    assert [name.role for name in FACTOR_NAMES] == [
        f.role for f in derive().step(VALUES).paths[0].factors
    ]
