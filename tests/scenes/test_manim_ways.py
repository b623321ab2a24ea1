"""The scenes work the way Manim users work: the stock ``manim`` CLI and Jupyter's ``%%manim``.

Both run in a fresh interpreter (Manim's config is process-wide) at a tiny resolution, and
check what a user would look at: a video of the right size, its subtitles, and, for the
notebook, that a subclass with another network really rendered that network.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import av
import pytest

from chainrule.catalog import step_ids_of
from derivations.spec import NetworkSpec
from scenes.base import verified_derivation
from scenes.transpose import WhyTranspose
from tests.paths import PROJECT_ROOT

pytestmark = pytest.mark.render

ROOT = PROJECT_ROOT
BIN = Path(sys.executable).parent
TINY = ("-r", "256,144", "--frame_rate", "5")


def environment() -> dict[str, str]:
    """This environment with Manim's speed-up switches left at their defaults."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("CHAINRULE_SPEEDUPS", "CHAINRULE_FASTWRITE")
    }


def video_size(path: Path) -> tuple[int, int]:
    """Width and height of the first video stream of ``path``."""
    with av.open(str(path)) as container:
        context = container.streams.video[0].codec_context
        return context.width, context.height


def test_the_stock_manim_cli_renders_a_scene_file(tmp_path: Path) -> None:
    """``manim -ql scenes/transpose.py WhyTranspose`` from the project folder, as the README
    says; the video and its subtitles land in the media folder given."""
    media = tmp_path / "media"
    result = subprocess.run(
        [
            str(BIN / "manim"),
            "-ql",
            *TINY,
            "--media_dir",
            str(media),
            "-v",
            "WARNING",
            "--progress_bar",
            "none",
            "scenes/transpose.py",
            "WhyTranspose",
        ],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    videos = list(media.rglob("WhyTranspose.mp4"))
    assert len(videos) == 1, videos
    assert video_size(videos[0]) == (256, 144)
    subtitles = videos[0].with_suffix(".srt").read_text(encoding="utf-8")
    derivation = verified_derivation(NetworkSpec())
    shown = step_ids_of(WhyTranspose, derivation)
    assert shown
    assert subtitles.count("-->") >= len(shown)
    from derivations.speech import subtitle_text
    from scenes.captions import split_narration

    told = " ".join(subtitles.split())
    for step_id in shown:  # every cue of every step's narration (cues of two short lines)
        for cue in split_narration(subtitle_text(derivation.step(step_id).narration)):
            assert " ".join(cue.split()) in told, f"{step_id} has no subtitle {cue!r}"


NOTEBOOK = """
from IPython.core.interactiveshell import InteractiveShell
from manim.utils.ipython_magic import ManimMagic

shell = InteractiveShell.instance()
shell.register_magics(ManimMagic)
for cell in CELLS:
    outcome = shell.run_cell(cell)
    if not outcome.success:
        raise SystemExit(f"cell failed: {outcome.error_in_exec or outcome.error_before_exec!r}")
print("spec:", shell.user_ns["seen"])
"""

CELLS = [
    "from manim import *\nfrom derivations import NetworkSpec\n"
    "from scenes.transpose import WhyTranspose\n",
    "%%manim -ql -r 256,144 --frame_rate 5 -v WARNING --progress_bar none ReluTranspose\n"
    "class ReluTranspose(WhyTranspose):\n"
    "    spec = NetworkSpec(layer_dims=(3, 4, 2), m=3, activation='relu')\n"
    "    def construct(self):\n"
    "        global seen\n"
    "        seen = (self.derivation.spec.layer_dims, self.derivation.spec.activation)\n"
    "        super().construct()\n",
]


def test_a_subclass_renders_from_the_jupyter_cell_magic(tmp_path: Path) -> None:
    """The README's notebook example: ``%%manim`` on a subclass with another network renders
    that network (IPython's shell runs the cells as a notebook would, without a browser)."""
    pytest.importorskip("IPython")
    script = f"CELLS = {CELLS!r}\n" + textwrap.dedent(NOTEBOOK)
    # the magic writes under ./media and needs the video to lie under the working folder
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**environment(), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]
    assert "spec: ((3, 4, 2), 'relu')" in result.stdout
    videos = list((tmp_path / "media" / "videos").rglob("ReluTranspose.mp4"))
    assert len(videos) == 1, videos
    assert video_size(videos[0]) == (256, 144)
    assert list((tmp_path / "media" / "jupyter").glob("*.mp4")), "the magic showed no video"
