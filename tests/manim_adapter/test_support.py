"""With a Manim the patches were not written for (another version, or one that lacks an
internal they replace, as Manim 0.19-0.21 lack ``video_segment_encoder``), importing and
rendering still work: stock Manim, and one warning line per command (issue 10, defect 3)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.paths import PROJECT_ROOT

pytest.importorskip("manim")

ROOT = PROJECT_ROOT

#: Hides the module Manim 0.22 added and the held frames subclass, as in Manim 0.19-0.21
#: (Manim itself has already imported it, so Manim still works).
HIDE_SEGMENT_ENCODER = (
    "import manim, sys\nsys.modules['manim.scene.video_segment_encoder'] = None\n"
)
OLD_VERSION = "import manim\nmanim.__version__ = '0.19.0'\n"

#: Builds a scene the way ``manim`` and ``chainrule`` do and prints whether each patch is off,
#: then starts a child process that checks again (a render's worker): it must stay silent.
PROBE = """
from manim import Camera, Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.scene.scene_file_writer import SceneFileWriter
from manim.utils import tex_file_writing
from scenes.base import DerivationScene
try:
    from manim_adapter.sandbox import latex_sandbox
except ImportError:  # before the adapter
    from chainrule.settings.texsafe import latex_sandbox
import chainrule.rendering.drawing  # noqa: the render imports these
import chainrule.rendering.joining  # noqa
import chainrule.rendering.keys  # noqa

scene = DerivationScene(skip_animations=True)
stock_copy = VMobjectFromSVGPath.__deepcopy__ is Mobject.__deepcopy__
stock_camera = type(scene.renderer.camera) is Camera
stock_writer = type(scene.renderer.file_writer) is SceneFileWriter
original = tex_file_writing.make_tex_compilation_command
with latex_sandbox():
    stock_latex = tex_file_writing.make_tex_compilation_command is original
print("STOCK", stock_copy, stock_camera, stock_writer, stock_latex)
import subprocess, sys
subprocess.run([sys.executable, "-c", CHILD], check=True)
"""


def run_probe(setup: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run :data:`PROBE` after ``setup`` in a fresh interpreter with this worktree first."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environ.pop("CHAINRULE_MANIM_WARNED", None)
    child = setup + "import scenes.base\nfrom scenes.base import DerivationScene\n"
    code = setup + f"CHILD = {child!r}\n" + PROBE
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("setup", "env", "reason"),
    [
        (OLD_VERSION + HIDE_SEGMENT_ENCODER, {}, "Manim 0.19.0 is outside 0.22"),
        (HIDE_SEGMENT_ENCODER, {}, "lacks manim.scene.video_segment_encoder:VideoSegmentEncoder"),
        (HIDE_SEGMENT_ENCODER, {"CHAINRULE_FASTWRITE": "0"}, "lacks manim.scene.video_segment"),
    ],
    ids=["manim-0.19", "no-segment-encoder", "no-segment-encoder-fastwrite-off"],
)
def test_another_manim_gets_stock_behaviour_and_one_warning_line(
    setup: str, env: dict[str, str], reason: str
) -> None:
    done = run_probe(setup, **env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "STOCK True True True True" in done.stdout.splitlines()
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("chainrule: warning: ")
    assert reason in lines[0]
    assert lines[0].endswith("rendering with stock Manim (slower, same pictures)")


def test_the_manim_it_was_written_for_gets_every_patch_and_no_warning() -> None:
    done = run_probe("")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "STOCK False False False False" in done.stdout.splitlines()
    assert "warning" not in done.stderr


def test_supported_range_matches_the_pin() -> None:
    import manim

    from manim_adapter import support

    pin = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (a, b), (c, d) = support.SUPPORTED
    assert f'"manim>={a}.{b},<{c}.{d}"' in pin
    assert support.supported_version(manim.__version__)
    assert support.missing_internals() == []
