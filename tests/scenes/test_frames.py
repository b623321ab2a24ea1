"""Graphical regression tests: key frames of every scene against committed control frames.

Each case renders one scene at 256×144, 5 fps, without encoding, and keeps the last frame of
every section (one per step) plus the middle frame of long sections (see
``tests/frames_tool.py``). They are compared with ``tests/frames/<Scene>_<spec>.npz``: a pixel
may be off by 16 per channel, and 16 pixels per frame may be off by more (see
``frames_tool.TOLERANCE`` for the measured noise and sensitivity behind those numbers). A
failure writes ``tests/frames/_failures/<case>.png`` (control | actual | difference) and names
it.

Unlike ``manim.utils.testing.frames_comparison`` this does not skip on Cairo < 1.18: it runs
here (Debian 12, Cairo 1.16). Missing control data is a failure, not a skip. The Cairo, pycairo
and Manim versions used to record are stored with the frames; a mismatch on another version is
still reported as a failure, with a note naming the versions.

Re-record after an intended visual change, then look at the frames before committing them::

    pytest tests/scenes/test_frames.py --record-frames      # or CHAINRULE_RECORD_FRAMES=1
    python -m tests.frames_tool show ShapeCheck_default   # PNGs in tests/frames/_failures/show

Cases render in up to two spawned worker processes (``CHAINRULE_FRAMES_JOBS`` overrides).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from derivations.spec import NetworkSpec
from tests.frames_tool import (
    FAILURE_DIR,
    RECORD_ENV,
    TOLERANCE,
    Case,
    KeyFrames,
    Renderer,
    default_jobs,
    load_control,
    mismatch,
    save_control,
)

RELU = NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu")

#: Every scene of the default spec, plus the two whose picture changes most with the network:
#: a non-square ``W[2]`` turning into its transpose, and ``W[2] dZ[2]`` failing by shape
#: (it fails by value for the square default). Longest first, so two workers finish together.
CASES = (
    Case("scenes.fold:FoldBack"),
    Case("scenes.parameter_gradients:OtherGradients"),
    Case("scenes.expand:ExpandToScalars"),
    Case("scenes.partials:TakePartials"),
    Case("scenes.shapes:ShapeCheck"),
    Case("scenes.transpose:WhyTranspose"),
    Case("scenes.transpose:WhyTranspose", RELU),
    Case("scenes.shapes:ShapeCheck", RELU),
    Case("scenes.network:TheNetwork"),
    Case("scenes.numbers:RealNumbers"),
    Case("scenes.vector:ColumnByColumn"),
    Case("scenes.shapes:SquarePitfall"),
    Case("scenes.recap:Recap"),
    Case("scenes.plan:LecturePlan"),
    Case("scenes.plan:PartTwo"),
)

#: Scenes with no case of their own, and why.
NOT_CASES = {"Lecture": "plays the segments above one after another"}

#: Changes the comparison must notice: one symbol family recoloured (W from yellow to
#: Okabe–Ito orange, a close hue, swapped with Y's so that a colour still means one thing; the
#: scene shows no Y), and every step title one pixel to the right.
PERTURBED = {
    "W recoloured": Case("scenes.shapes:ShapeCheck", theme=(("W", "#E69F00"), ("Y", "#F0E442"))),
    "title nudged 1 px": Case("scenes.shapes:ShapeCheck", nudge_title=1.0),
}

#: A key frame shows something when at least this share of its pixels is not background.
MIN_CONTENT = 0.005


@pytest.fixture(scope="module")
def renders(request: pytest.FixtureRequest) -> Iterator[Renderer]:
    """Renders the cases the selected tests of this module need, all started up front (in up
    to two worker processes); each test waits for its own."""
    wanted: dict[Case, None] = {}
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if getattr(item, "module", None) is not request.module:
            continue
        if "case" in params:
            wanted[params["case"]] = None
        if "kind" in params:
            perturbed = PERTURBED[params["kind"]]
            wanted.update({perturbed: None, Case(perturbed.scene, perturbed.spec): None})
    renderer = Renderer(min(default_jobs(), len(wanted)))
    for case in wanted:
        renderer.submit(case)
    yield renderer
    renderer.close()


def recording(config: pytest.Config) -> bool:
    flag = os.environ.get(RECORD_ENV, "").strip().lower()
    return bool(config.getoption("--record-frames")) or flag in {"1", "true", "yes", "on"}


def assert_shows_content(case: Case, key_frames: KeyFrames) -> None:
    """No key frame is (nearly) blank: a test of blank frames against blank frames proves
    nothing."""
    background = key_frames.frames[:, :1, :1]  # the corner is background in every scene
    for label, frame, corner in zip(key_frames.labels, key_frames.frames, background, strict=True):
        share = float(np.any(frame != corner, axis=-1).mean())
        assert share >= MIN_CONTENT, (
            f"{case.name}: key frame {label!r} is blank "
            f"({share:.2%} of pixels differ from the background)"
        )


@pytest.mark.render
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_key_frames_match_control(
    case: Case, renders: Renderer, request: pytest.FixtureRequest
) -> None:
    actual = renders.result(case)
    assert_shows_content(case, actual)
    failure_image = FAILURE_DIR / f"{case.name}.png"
    failure_image.unlink(missing_ok=True)  # from an earlier run
    if recording(request.config):
        save_control(case.control_path, actual)
        pytest.skip(
            f"recorded {len(actual.labels)} key frames of {case.name} into "
            f"{case.control_path} (nothing compared)"
        )
    if not case.control_path.exists():
        pytest.fail(
            f"{case.name}: no control frames at {case.control_path}. Record them with "
            f"`pytest tests/scenes/test_frames.py --record-frames` (or {RECORD_ENV}=1), look "
            f"at them, and commit them.",
            pytrace=False,
        )
    problem = mismatch(case.name, load_control(case.control_path), actual, TOLERANCE, FAILURE_DIR)
    if problem is not None:
        pytest.fail(problem, pytrace=False)


@pytest.mark.render
@pytest.mark.parametrize("kind", PERTURBED)
def test_comparison_detects_a_perturbation(kind: str, renders: Renderer, tmp_path: Path) -> None:
    perturbed = PERTURBED[kind]
    plain = Case(perturbed.scene, perturbed.spec)
    assert plain in CASES
    message = mismatch(
        plain.name, renders.result(plain), renders.result(perturbed), TOLERANCE, tmp_path
    )
    assert message is not None, f"{kind}: the comparison did not notice"
    image = tmp_path / f"{plain.name}.png"
    assert image.exists()
    assert str(image) in message


def test_every_scene_has_a_case() -> None:
    import importlib
    import pkgutil

    import scenes
    from scenes.base import DerivationScene
    from scenes.segment import SegmentScene

    found = set()
    for info in pkgutil.iter_modules(scenes.__path__):
        module = importlib.import_module(f"scenes.{info.name}")
        found |= {
            name
            for name, value in vars(module).items()
            if isinstance(value, type)
            and issubclass(value, DerivationScene)
            and value.__module__ == module.__name__
            and value not in (DerivationScene, SegmentScene)
        }
    covered = {case.scene_name for case in CASES}
    assert found, "found no scene in scenes/"
    missing = found - covered - set(NOT_CASES)
    assert not missing, (
        f"scenes without key-frame tests: {sorted(missing)}; add them to CASES in {__file__}"
    )
