"""Each scene renders to a video (tiny resolution) with subtitles; checked by metadata."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import av
import pytest
import srt

from derivations.spec import NetworkSpec
from derivations.speech import subtitle_text
from scenes.captions import split_narration
from scenes.expand import ExpandToScalars
from scenes.fold import FoldBack
from scenes.partials import TakePartials
from tests.scene_support import render_scene

pytestmark = pytest.mark.render

SIZE = (256, 144)
FPS = 5


@pytest.mark.parametrize(
    "scene_class", [ExpandToScalars, TakePartials, FoldBack], ids=lambda c: c.__name__
)
def test_scene_renders(scene_class: type, tmp_path: Path) -> None:
    scene = render_scene(
        scene_class,
        NetworkSpec(),
        tmp_path,
        dry_run=False,
        pixel_width=SIZE[0],
        pixel_height=SIZE[1],
        frame_rate=FPS,
    )
    videos = list(tmp_path.rglob(f"{scene_class.__name__}.mp4"))
    assert len(videos) == 1, f"expected one video, found {videos}"
    with av.open(str(videos[0])) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == SIZE
        assert round(float(stream.base_rate)) == FPS  # still frames are held (fastwrite)
        duration = float(stream.duration * stream.time_base)
    assert duration == pytest.approx(scene.time, abs=2 / FPS)
    subtitles = videos[0].with_suffix(".srt").read_text()
    assert scene.begun, "the scene opened no step"
    shown = " ".join(" ".join(cue.content.split()) for cue in srt.parse(subtitles))
    for step_id in scene.begun:  # each narration as text, cut into cues of at most two lines
        narration = " ".join(subtitle_text(scene.steps[step_id].narration).split())
        assert narration in shown, f"{step_id} has no subtitle"
    spans = subtitle_spans(subtitles)
    assert len(spans) == sum(
        len(split_narration(subtitle_text(scene.steps[i].narration))) for i in scene.begun
    )
    for (_, end), (start, _) in pairwise(spans):
        assert end <= start, f"a subtitle ending at {end} s overlaps the next at {start} s"
    assert spans[-1][1] <= duration + 1e-3


def subtitle_spans(srt: str) -> list[tuple[float, float]]:
    """(start, end) in seconds of every cue of an ``.srt`` text."""
    stamp = r"(\d+):(\d\d):(\d\d),(\d{3})"
    spans = []
    for match in re.finditer(stamp + " --> " + stamp, srt):
        h1, m1, s1, f1, h2, m2, s2, f2 = map(int, match.groups())
        spans.append((3600 * h1 + 60 * m1 + s1 + f1 / 1000, 3600 * h2 + 60 * m2 + s2 + f2 / 1000))
    return spans
