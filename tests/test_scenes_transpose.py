"""WhyTranspose: layout after every play, for small, uneven and large networks, the data its
choreography relies on, and a render at the lowest quality."""

from __future__ import annotations

from pathlib import Path

import pytest

from derivations import NetworkSpec, derive
from scenes.transpose import TransposeSegment, WhyTranspose
from tests.scene_support import checked_plays, render_scene
from tests.test_scenes_layout import check_layout

SPECS = (
    NetworkSpec(),
    NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
    NetworkSpec(layer_dims=(2, 3, 2, 1), m=2),
    NetworkSpec(layer_dims=(1, 1, 1), m=1, activation="sigmoid"),
    NetworkSpec(layer_dims=(4, 4, 4), m=5, activation="leaky_relu"),
)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.describe().replace(" ", ""))
def test_layout(spec: NetworkSpec, media: Path) -> None:
    with checked_plays(check_layout) as plays:
        scene = render_scene(WhyTranspose, spec, media)
    assert plays[0] > 5
    assert scene.time > 10


def test_every_column_of_w2_becomes_a_row_of_its_transpose() -> None:
    step = derive(NetworkSpec(layer_dims=(3, 4, 2), m=3)).step("dZ1.transpose")
    source = step.matrix(step.highlights[0][0].matrix)
    target = step.matrix(step.highlights[0][1].matrix)
    for column, row in step.highlights:
        assert column.col == row.row
        moved = [source.entries[k][column.col] for k in range(source.shape[0])]
        assert list(target.entries[row.row]) == moved
    assert TransposeSegment.summand_part(step, source.name) in {p.name for p in step.equation}


@pytest.mark.render
def test_renders_at_lowest_quality(tmp_path: Path) -> None:
    scene = render_scene(WhyTranspose, NetworkSpec(), tmp_path, dry_run=False)
    videos = list(tmp_path.rglob("WhyTranspose.mp4"))
    assert videos and videos[0].stat().st_size > 10_000
    assert list(tmp_path.rglob("WhyTranspose.srt"))
    assert scene.time > 10
