"""The key-frame harness itself, on synthetic frames (no rendering): the tolerance's edges,
labels, the diff image, the control file round trip and the failure message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from derivations.spec import NetworkSpec
from tests.frames_tool import (
    CONTROL_DIR,
    SIZE,
    TOLERANCE,
    Case,
    KeyFrames,
    Tolerance,
    diff_image,
    environment,
    load_control,
    main,
    mismatch,
    save_control,
    spec_slug,
)

H, W = SIZE[1], SIZE[0]


def key_frames(count: int = 2, meta: dict | None = None) -> KeyFrames:
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, size=(count, H, W, 4), dtype=np.uint8)
    frames[..., 3] = 255
    labels = tuple(f"{i + 1:02d} step {i}" for i in range(count))
    return KeyFrames(frames, labels, meta or environment())


def changed(base: KeyFrames, pixels: int, by: int, frame: int = 0) -> KeyFrames:
    frames = base.frames.copy()
    flat = frames[frame].reshape(-1, 4)
    channel = flat[:pixels, 0].astype(np.int16)
    flat[:pixels, 0] = np.where(channel + by <= 255, channel + by, channel - by)
    return KeyFrames(frames, base.labels, base.meta)


def test_identical_frames_match(tmp_path: Path) -> None:
    base = key_frames()
    assert mismatch("case", base, base, TOLERANCE, tmp_path) is None
    assert not list(tmp_path.iterdir())


def test_small_channel_differences_everywhere_match(tmp_path: Path) -> None:
    base = key_frames()
    assert (
        mismatch("case", base, changed(base, H * W, TOLERANCE.channel), TOLERANCE, tmp_path) is None
    )


def test_a_few_stray_pixels_match_one_more_fails(tmp_path: Path) -> None:
    base = key_frames()
    big = TOLERANCE.channel + 1
    assert mismatch("case", base, changed(base, TOLERANCE.pixels, big), TOLERANCE, tmp_path) is None
    message = mismatch(
        "case", base, changed(base, TOLERANCE.pixels + 1, big, frame=1), TOLERANCE, tmp_path
    )
    assert message is not None
    assert f"'02 step 1': {TOLERANCE.pixels + 1} pixel(s) differ" in message
    assert "'01 step 0'" not in message  # only the failing frame is reported
    assert str(tmp_path / "case.png") in message
    assert (tmp_path / "case.png").exists()


def test_changed_labels_fail_by_name(tmp_path: Path) -> None:
    base = key_frames(3)
    fewer = KeyFrames(base.frames[:2], base.labels[:2], base.meta)
    message = mismatch("case", base, fewer, TOLERANCE, tmp_path)
    assert message is not None
    assert "key frames changed" in message
    assert "02 step 1" in message
    assert "3 control frame(s) vs 2" in message


def test_other_versions_are_compared_and_named(tmp_path: Path) -> None:
    base = key_frames()
    old = KeyFrames(base.frames, base.labels, {**base.meta, "cairo": "1.14.0"})
    assert mismatch("case", old, base, TOLERANCE, tmp_path) is None  # same pixels: passes
    message = mismatch("case", old, changed(base, 500, 200), TOLERANCE, tmp_path)
    assert message is not None
    assert f"cairo 1.14.0 -> {base.meta['cairo']}" in message
    assert "--record-frames" in message


def test_diff_image_is_control_actual_difference() -> None:
    base = key_frames(2)
    image = diff_image(base.frames, changed(base, 10, 200).frames, Tolerance(48, 0), scale=1)
    assert image.shape == (2 * H + 4, 3 * W + 8, 3)
    assert np.array_equal(image[:H, :W], base.frames[0, ..., :3])
    assert tuple(image[0, 2 * W + 8]) == (255, 0, 0)  # first changed pixel, beyond tolerance
    assert tuple(image[H - 1, 3 * W + 7]) == (0, 0, 0)  # unchanged


def test_control_file_round_trip(tmp_path: Path) -> None:
    base = key_frames()
    save_control(tmp_path / "x.npz", base)
    loaded = load_control(tmp_path / "x.npz")
    assert np.array_equal(loaded.frames, base.frames)
    assert loaded.frames.dtype == np.uint8
    assert loaded.labels == base.labels
    assert loaded.meta == base.meta
    assert {"cairo", "pycairo", "manim", "size", "fps"} <= set(loaded.meta)


def test_case_names() -> None:
    assert spec_slug(NetworkSpec()) == "default"
    relu = NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu")
    case = Case("scenes.shapes:ShapeCheck", relu)
    assert case.name == "ShapeCheck_3-4-2_m3_relu"
    assert case.control_path == CONTROL_DIR / "ShapeCheck_3-4-2_m3_relu.npz"
    assert case.scene_class().__name__ == "ShapeCheck"


def test_show_names_known_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "NoSuchScene_default"]) == 1
    assert "does not exist" in capsys.readouterr().out
    assert main(["oops"]) == 2
