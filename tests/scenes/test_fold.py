"""The expand, factor and fold pictures: parts paired by their TeX, the folded formula's
factors and where they come from, and speech and picture in step (every animation of a step
ends before its narration does, give or take a second).

The pairing and the factors are checked without drawing, across networks; the timing with
dry-run renders of :class:`ExpandToScalars` and :class:`FoldBack` (no video).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chainrule.voice.lines import split_sentences
from derivations import NetworkSpec, derive
from derivations.vocabulary import Role
from scenes.base import sentence_offsets
from scenes.expand import FASTEST_FILL, fill_seconds
from scenes.fold import (
    ALL_ENTRIES,
    FOLD,
    FOLD_FACTOR,
    FoldSegment,
    entry_sources,
    factor_parts,
)
from scenes.matrices import pair_parts
from scenes.pacing import Pacing
from tests.derivation_support import network_specs
from tests.scene_support import each_spec, render_scene
from tests.scenes.test_regroup import misreadings

RELU = NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu")
SPECS = (NetworkSpec(), RELU)

tokens = st.lists(st.sampled_from(["w", "dz", "g", "+", "(", ")"]), max_size=12)


@given(sources=tokens, targets=tokens)
def test_pair_parts_pairs_equal_tex_in_order(sources: list[str], targets: list[str]) -> None:
    pairs, left = pair_parts(sources, targets)
    used = list(pairs.values())
    assert len(used) == len(set(used)), "a source part is used twice"
    assert sorted(left) == sorted(set(range(len(sources))) - set(used))
    for target, source in pairs.items():
        assert sources[source] == targets[target]
    # as many pairs of each TeX as both sides have, the k-th target with the k-th source
    count_s, count_t = Counter(sources), Counter(targets)
    for tex in count_t:
        paired = sorted((t, s) for t, s in pairs.items() if targets[t] == tex)
        assert len(paired) == min(count_s[tex], count_t[tex])
        expected_sources = [i for i, x in enumerate(sources) if x == tex][: len(paired)]
        assert [s for _, s in paired] == expected_sources


@settings(max_examples=8, deadline=None)
@given(spec=network_specs(largest=4))
def test_the_folded_factors_are_the_matrices_of_the_product(spec: NetworkSpec) -> None:
    """``dZ[1] = A B ∗ C``: ``A`` is n[1]×n[2] (W[2]ᵀ), ``B`` n[2]×m (dZ[2]) and ``C`` n[1]×m
    (g′(Z[1])), shapes read from the network, not from the scene."""
    fold = derive(spec).step("dZ1.fold")
    n1, n2, m = spec.layer_dims[1], spec.layer_dims[2], spec.m
    left, right, local = factor_parts(fold.equation)
    shapes = [
        next(d for d in fold.matrices if d.symbol == part.symbol and d.label.tex == part.tex).shape
        for part in (left, right, local)
    ]
    assert shapes == [(n1, n2), (n2, m), (n1, m)]


@settings(max_examples=8, deadline=None)
@given(spec=network_specs(largest=4))
def test_every_factor_of_the_fold_comes_from_a_part_of_the_entry_formula(
    spec: NetworkSpec,
) -> None:
    derivation = derive(spec)
    entry, fold = derivation.step("dZ1.fold_factor").equation, derivation.step("dZ1.fold").equation
    sources = entry_sources(entry, fold)
    for part, index in zip(fold, sources, strict=True):
        if part.role is Role.HADAMARD:
            assert index is None, "no entry has the element-wise product"
            continue
        assert index is not None, f"{part.tex} comes from no part of the entry formula"
        assert entry[index].role is part.role
        assert entry[index].symbol == part.symbol
    # each factor from a different part: the entries of W[2]ᵀ, dZ[2] and g′(Z[1])
    factors = [sources[fold.index(p)] for p in factor_parts(fold)]
    assert len(set(factors)) == 3


def test_a_factor_from_the_wrong_entry_is_caught() -> None:
    derivation = derive(NetworkSpec())
    entry, fold = derivation.step("dZ1.fold_factor").equation, derivation.step("dZ1.fold").equation
    swapped = (fold[0], fold[1], fold[3], fold[2], *fold[4:])  # dZ[2] W[2]ᵀ: the wrong order
    shapes_first = factor_parts(swapped)[0]
    assert shapes_first.symbol == fold[3].symbol != factor_parts(fold)[0].symbol
    assert entry_sources(entry, fold) != entry_sources(entry, swapped)


@given(
    available=st.floats(0.0, 30.0),
    entries=st.integers(1, 40),
    nominal=st.floats(FASTEST_FILL, 2.0),
)
def test_fills_fit_the_sentence_when_they_can(
    available: float, entries: int, nominal: float
) -> None:
    seconds = fill_seconds(available, entries, nominal)
    assert FASTEST_FILL - 1e-9 <= seconds <= nominal + 1e-6
    if available / entries >= FASTEST_FILL:
        assert entries * seconds <= available + entries * 1e-6


@pytest.mark.parametrize("wpm", [120, 160, 200])
def test_sentences_start_after_the_reading_time_of_the_ones_before(wpm: int) -> None:
    pacing = Pacing(words_per_minute=wpm)
    for step in derive(NetworkSpec()):
        sentences = split_sentences(step.narration)
        offsets = sentence_offsets(step.narration, pacing)
        assert len(offsets) == len(sentences), step.id
        assert offsets[0] == 0.0
        for k in range(1, len(sentences)):
            before = pacing.reading_time(" ".join(sentences[:k]))
            assert offsets[k] == pytest.approx(before), (step.id, k)


#: Speech about as fast as the bundled voice (it reads the expand step's 31 words in 9.9 s).
VOICE_LIKE = Pacing(words_per_minute=190, min_caption_seconds=1.0)
#: After a step's speech ends, its animations may run on for at most this long.
OVERRUN = 1.0


@each_spec(SPECS)
@pytest.mark.parametrize("scene_name", ["ExpandToScalars", "FoldBack"])
def test_animations_end_before_the_speech(
    scene_name: str, spec: NetworkSpec, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At every ``end_step`` (after the step's last animation, before its hold) the step's
    narration is still being read, or ended at most :data:`OVERRUN` seconds before: no picture
    moves in silence."""
    import scenes.expand
    import scenes.fold
    from scenes.base import DerivationScene

    scene_class = {
        "ExpandToScalars": scenes.expand.ExpandToScalars,
        "FoldBack": scenes.fold.FoldBack,
    }[scene_name]
    late: list[tuple[str, float]] = []
    original = DerivationScene.end_step

    def end_step(self: DerivationScene, pause: float = 0.5) -> None:
        overrun = float(self.time) - self._caption_end
        if overrun > OVERRUN:
            late.append((str(self.begun[-1]), round(overrun, 2)))
        original(self, pause)

    monkeypatch.setattr(DerivationScene, "end_step", end_step)
    monkeypatch.setattr(DerivationScene, "pacing", VOICE_LIKE)
    render_scene(scene_class, spec, media)
    assert not late, f"animations run on after the speech (step, seconds): {late}"


def test_fit_first_passes_over_a_presentation_shrunk_below_min_size() -> None:
    """A presentation that fits only by shrinking its text below ``min_size`` is passed over
    for the next one; without ``min_size`` it is taken (legible at the theme's minimum)."""
    from manim import MathTex

    from scenes.layout import Box, fit_first, smallest_font
    from scenes.theme import Theme

    theme = Theme()
    box = Box((0.0, 0.0), 6.0, 2.0)

    # fits at a size between the theme's minimum and the entry size: legible, but shrunk
    shrink = (theme.min_font_size + theme.entry_size) / 2 / theme.entry_size

    def wide() -> MathTex:
        tex = MathTex("x", font_size=theme.entry_size)
        return tex.stretch_to_fit_width(6.0 / shrink)

    def narrow() -> MathTex:
        return MathTex("y", font_size=theme.entry_size)

    taken = fit_first([wide, narrow], box, theme)
    assert smallest_font(taken) < theme.entry_size  # the shrunk one
    strict = fit_first([wide, narrow], box, theme, min_size=theme.entry_size)
    assert strict.tex_string == "y"
    assert smallest_font(strict) >= theme.entry_size - 1e-6


def fold_segment(spec: NetworkSpec) -> FoldSegment:
    """The fold's segment for ``spec``, on a stand-in scene: the steps and the theme, all its
    building methods need (nothing is played)."""
    from types import SimpleNamespace

    from scenes.theme import Theme

    derivation = derive(spec)
    scene = SimpleNamespace(
        derivation=derivation,
        spec=spec,
        steps={step.id: step for step in derivation.steps},
        theme=Theme(),
    )
    return FoldSegment(scene)  # type: ignore[arg-type]


@settings(max_examples=3, deadline=None)
@given(spec=network_specs(largest=4))
@example(spec=NetworkSpec())
@example(spec=RELU)
@example(spec=NetworkSpec(layer_dims=(1, 2, 4), m=1))  # one general entry, split into a grid
def test_no_frame_of_the_factoring_states_a_false_equality(spec: NetworkSpec) -> None:
    """The blind review's worst frame (2:09): while g′ came out of every entry, each line read
    ``dz = w dz + w dz`` for seconds. Sampled through the two motions of the factor beat (g′
    out of the terms of every formula and entry; each entry split into its sum and its g′),
    across networks, every line shows a g′ whole at every instant and never stands still
    half changed (:func:`tests.scenes.test_regroup.misreadings`); every entry is a line (no
    entry simply fades)."""
    segment = fold_segment(spec)
    every, factor, fold = (segment.step(i) for i in (ALL_ENTRIES, FOLD_FACTOR, FOLD))
    stays = segment.local_factor(fold)
    shown = segment.factor_pictures(every, like=factor)
    factored = segment.factor_pictures(factor, like=every)
    taken_out = segment.factored(shown, factored, stays)
    assert len(taken_out.lines) == 2 + len(shown[1].cells)
    assert misreadings(taken_out.lines, taken_out.regrouping, stays) == []

    after = factored[1]
    product = segment.product_row(factor, fold, segment.factor_boxes()[1], like=after)
    split = segment.split_product(after, product, stays)
    assert len(split.lines) == len(after.cells)
    assert misreadings(split.lines, split.regrouping, stays) == []
