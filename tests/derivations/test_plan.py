"""The lecture's plan: the map after the title and the turn to part 2 show the slide's own
formulas, say what each part does, and frame the argument (part 1 is dZ[1]'s, part 2 the
rest)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from derivations import NetworkSpec, VerificationError, derive
from derivations.claims import check_claim
from derivations.formula import parse, to_parts
from derivations.formulas import fold_claims
from derivations.network import Network
from derivations.sequence_plan import (
    MAP,
    PART_TWO,
    map_beats,
    part_two_beats,
    plan_formulas,
    plan_tags,
)
from derivations.sequence_recap import recap_formulas
from derivations.vocabulary import joined_tex
from tests.derivation_support import network_specs


@settings(max_examples=8, deadline=None)
@given(spec=network_specs(3))
def test_the_plan_shows_the_formulas_the_recap_verifies(spec: NetworkSpec) -> None:
    derivation = derive(spec)
    recap = [joined_tex(line) for line in recap_formulas(derivation.step("general.recap"))]
    for step_id in (MAP, PART_TWO):
        step = derivation.step(step_id)
        assert [joined_tex(line) for line in plan_formulas(step)] == recap
        assert step.equation[0].tex == "dZ^{[1]}"
        assert len(plan_tags(step)) == 3


def test_the_map_shows_the_slide_and_a_wrong_formula_fails_where_it_is_derived() -> None:
    course = joined_tex(to_parts(parse("W2.T @ dZ2 * gprime(Z1)")))
    wrong = derive(NetworkSpec(), formulas={"dZ1": "W2 @ dZ2 * gprime(Z1)"})
    assert joined_tex(wrong.step(MAP).equation).endswith(course)
    with pytest.raises(VerificationError) as caught:
        wrong.verify()
    assert caught.value.step_id != MAP
    assert caught.value.step_id.startswith("dZ1.")


def test_the_maps_claims_catch_a_wrong_slide() -> None:
    """The map's claims are real: the same claims for a wrong dZ[1] fail."""
    net = Network(NetworkSpec())
    good = fold_claims(net, "dZ1", parse("W2.T @ dZ2 * gprime(Z1)"))
    bad = fold_claims(net, "dZ1", parse("W2.T @ dZ2"))
    assert all(check_claim(claim) is None for claim in good)
    assert any(check_claim(claim) is not None for claim in bad)


@pytest.mark.parametrize("dims", [(2, 3, 2), (3, 4, 2), (2, 3, 2, 1), (2, 3, 2, 2, 1)])
def test_the_plan_comes_first_and_part_two_follows_the_last_step_of_dz1(
    dims: tuple[int, ...],
) -> None:
    ids = [str(step.id) for step in derive(NetworkSpec(layer_dims=dims))]
    assert ids[0] == MAP
    turn = ids.index(PART_TWO)
    assert all(i.startswith("dZ1.") for i in ids[1:turn])
    assert not any(i.startswith("dZ1.") for i in ids[turn + 1 :])


@pytest.mark.parametrize("dims", [(2, 3, 2), (2, 3, 2, 1)])
def test_the_narration_names_the_parts_in_words_and_fits_a_cue_per_beat(
    dims: tuple[int, ...],
) -> None:
    spec = NetworkSpec(layer_dims=dims)
    step = derive(spec).step(MAP)
    beats = map_beats(spec)
    assert step.narration == " ".join(beats)
    assert "Part one" in beats[1]
    assert "Part two" in beats[2]
    assert ("six formulas" in beats[0]) == (spec.num_layers == 2)
    turn = part_two_beats(spec)
    assert turn[0].startswith("That answers the question")
    assert f"dZ[{spec.num_layers}]" in turn[2]
