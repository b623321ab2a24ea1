"""The recap (issue 12, item 6): the last step of every derivation returns to the question with
the six formulas and their shapes; its claims hold and catch a wrong formula; the Recap scene
lays the card out inside the safe frame, after every animation, for several networks."""

from __future__ import annotations

from pathlib import Path

import pytest

from derivations import NetworkSpec, derive
from derivations.claims import check_claim
from derivations.formula import parse
from derivations.network import Network
from derivations.sequence_recap import (
    answer_focus,
    narration_beats,
    recap_answers,
    recap_formulas,
    recap_step,
)
from derivations.vocabulary import Role, joined_tex
from scenes.captions import MAX_CUE_CHARS, split_narration
from tests.scene_support import checked_plays, render_scene
from tests.scenes.test_layout import check_fills, check_layout, step_fills

DEFAULT = NetworkSpec()
RELU = NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu")
DEEP = NetworkSpec(layer_dims=(2, 3, 2, 2, 1), m=2)
#: The networks of tests/scenes/test_parameter_gradients.py.
SCENE_SPECS = (DEFAULT, RELU, DEEP, NetworkSpec(layer_dims=(4, 4, 4), m=5, activation="leaky_relu"))


@pytest.mark.parametrize(
    "spec", [DEFAULT, RELU, DEEP, NetworkSpec(layer_dims=(2, 3, 2, 1))], ids=lambda s: s.describe()
)
def test_the_recap_ends_every_derivation_and_holds(spec: NetworkSpec) -> None:
    derivation = derive(spec)
    assert str(derivation.steps[-1].id) == "general.recap"
    if spec.num_layers > 2:
        assert str(derivation.steps[-2].id) == "general.recursion"
    certificate = derivation.certificate("general.recap")
    assert certificate.holds, certificate.summary()
    assert len(certificate.claims) >= 12 + 3  # two per formula, the badges, the answers


@pytest.mark.parametrize("spec", [DEFAULT, DEEP], ids=lambda s: s.describe())
def test_the_card_shows_the_derived_formulas(spec: NetworkSpec) -> None:
    """Each formula line is its fold step's equation, typeset from the derivation's formula."""
    derivation = derive(spec)
    step = derivation.step("general.recap")
    last = spec.num_layers
    targets = [f"{kind}{layer}" for layer in (last, 1) for kind in ("dZ", "dW", "db")]
    for target, line in zip(targets, recap_formulas(step), strict=True):
        assert line == derivation.step(f"{target}.fold").equation
    assert step.equation == derivation.step("dZ1.fold").equation
    assert joined_tex(step.equation) == (
        r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \ast "
        r"g^{[1]\prime}(Z^{[1]})"
    )


def test_badges_show_the_shapes_of_3_4_2_with_m_3() -> None:
    step = derive(RELU).step("general.recap")
    shapes = {badge.part: (badge.rows, badge.cols) for badge in step.badges}
    # n_x = 3, n[1] = 4, n[2] = 2, m = 3, worked out by hand
    assert shapes["dZ1"] == (4, 3)
    assert shapes["W2T"] == (4, 2)
    assert shapes["dZ2"] == (2, 3)
    assert shapes["dW1"] == (4, 3)
    assert shapes["XT"] == (3, 3)
    assert shapes["db1"] == (4, 1)
    assert shapes["dW2"] == (2, 4)
    assert shapes["A1T"] == (3, 4)
    assert shapes["db2"] == (2, 1)
    letters = {badge.part: badge.tex for badge in step.badges}
    assert letters["dZ1"] == r"(n^{[1]} \times m)"
    assert letters["W2T"] == r"(n^{[1]} \times n^{[2]})"


@pytest.mark.parametrize(
    ("target", "wrong"),
    [
        ("dZ1", "W2 @ dZ2 * gprime(Z1)"),  # no transpose: no product on 2-3-2
        ("dZ1", "W2.T @ dZ2"),  # g' left out: right shape, wrong values
        ("dW1", "dZ1 @ X.T"),  # the 1/m left out
        ("db2", "1/m * sum(A2, axis=1)"),  # a wrong matrix summed
    ],
)
def test_a_wrong_recap_formula_is_caught(target: str, wrong: str) -> None:
    net = Network(DEFAULT)
    formulas = {**derive(DEFAULT).formulas, target: parse(wrong)}
    step = recap_step(net, formulas)
    failures = [claim.description for claim in step.claims if check_claim(claim) is not None]
    assert failures, failures
    assert all(target in failure for failure in failures), failures


def test_a_wrong_badge_is_caught() -> None:
    from dataclasses import replace

    from derivations.sequence_recap import badge_claims

    net = Network(RELU)
    step = derive(RELU).step("general.recap")
    swapped = tuple(
        replace(b, rows=b.cols, cols=b.rows) if b.part == "W2T" else b for b in step.badges
    )
    reasons = [check_claim(claim) for claim in badge_claims(net, swapped)]
    assert sum(reason is not None for reason in reasons) == 1


def test_the_three_answers_point_at_their_parts_of_dz1() -> None:
    step = derive(DEFAULT).step("general.recap")
    focus = [answer_focus(answer, step.equation) for answer in recap_answers(step)]
    assert focus == [("W2T",), ("W2T", "dZ2"), ("hadamard", "gprime1")]
    transpose, order, each = (joined_tex(answer) for answer in recap_answers(step))
    assert "column" in transpose
    assert "row" in transpose
    assert r"(n^{[1]} \times n^{[2]})(n^{[2]} \times m)" in order
    assert r"(n^{[1]} \times m)" in order
    assert each.startswith(r"\ast g^{[1]\prime}(Z^{[1]})")
    assert next(p.role for p in recap_answers(step)[2]) is Role.HADAMARD


@pytest.mark.parametrize("spec", [DEFAULT, DEEP], ids=lambda s: s.describe())
def test_the_narration_fits_the_subtitles_sentence_by_sentence(spec: NetworkSpec) -> None:
    step = derive(spec).step("general.recap")
    assert step.narration == " ".join(narration_beats(spec))
    sentences = [s for s in step.narration.replace("? ", "?|").replace(". ", ".|").split("|")]
    cues = split_narration(step.narration)
    assert list(cues) == sentences  # one cue per sentence: none had to be cut
    assert all(len(cue) <= MAX_CUE_CHARS for cue in cues)
    assert "W[2]ᵀ" in step.narration
    assert "transposed" not in step.narration


@pytest.mark.slow
@pytest.mark.parametrize("spec", SCENE_SPECS, ids=lambda s: s.describe().replace(" ", ""))
def test_layout(spec: NetworkSpec, media: Path) -> None:
    from scenes.recap import Recap, RecapCard

    with checked_plays(check_layout) as plays, step_fills() as fills:
        scene = render_scene(Recap, spec, media, frame_rate=5)
    check_fills(fills)
    assert plays[0] >= 10
    assert [str(i) for i in scene.begun] == ["general.recap"]
    assert Recap.estimated_duration(scene.derivation, scene.pacing) <= scene.time
    # the card ends whole: six formulas, six badges, three answer labels, all at full opacity
    cards = [m for m in scene.mobjects if isinstance(m, RecapCard)]
    assert len(cards) == 1
    card = cards[0]
    assert len(card.formulas) == 6
    assert len(card.labels) == 3
    assert all(member.get_fill_opacity() in (0.0, 1.0) for member in card.get_family())
    question = card.question
    for part, mobject in zip(question.parts, question.submobjects, strict=True):
        assert mobject.get_color().to_hex().upper() == scene.theme.colour(part.symbol).upper()


@pytest.mark.parametrize("spec", [DEFAULT, RELU, DEEP], ids=lambda s: s.describe())
def test_the_answer_marks_cover_no_glyph(spec: NetworkSpec, media: Path) -> None:
    """Each answer's mark lies under the parts it marks, in the ``dZ[1]`` formula and in the
    label, as wide as they are, and touches no glyph of the card or the labels (the band once
    drawn round ``W[2]ᵀ`` covered the ``d`` of ``dZ[2]`` beside it)."""
    from manim import tempconfig

    from scenes.recap import RecapCard, focus_parts, underline
    from scenes.theme import Theme

    theme = Theme()
    step = derive(spec).step("general.recap")
    with tempconfig({"media_dir": str(media), "tex_dir": str(media / "Tex")}):
        card = RecapCard(step, theme)
    glyphs = [g for g in card.get_family() if g.has_points() and not g.submobjects]
    for answer, label in zip(recap_answers(step), card.labels, strict=True):
        focus = answer_focus(answer, step.equation)
        for shown in (card.question, label):
            marked = focus_parts(shown, focus)
            mark = underline(marked, theme)
            assert mark.get_top()[1] < marked.get_bottom()[1]
            assert abs(mark.width - marked.width) < 1e-6
            for glyph in glyphs:
                across = min(mark.get_right()[0], glyph.get_right()[0]) - max(
                    mark.get_left()[0], glyph.get_left()[0]
                )
                up = min(mark.get_top()[1], glyph.get_top()[1]) - max(
                    mark.get_bottom()[1], glyph.get_bottom()[1]
                )
                assert across <= 0 or up <= 0, f"the mark of {focus} touches {glyph!r}"
