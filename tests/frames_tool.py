"""Key-frame regression harness: render a scene tiny, keep the last frame of every section.

Manim's ``manim.utils.testing.frames_comparison`` skips itself when Cairo < 1.18 (Debian 12
ships 1.16), so here it would assert nothing. This module keeps its idea — committed control
frames, a tolerance, a diff image on failure, a re-record switch — and runs on any Cairo.

How a scene is captured (:func:`render_key_frames`): the scene class is subclassed with the
case's spec (and theme or layout perturbation), rendered with ``format="none"`` (every frame is
drawn with Cairo, nothing is encoded or written) at :data:`SIZE` and :data:`FPS`, and at every
``next_section`` — each step opens one — the section that ends there contributes its last frame
(the scene as it stands after its last play, drawn afresh) and, when it has
:data:`MIDDLE_AFTER_PLAYS` plays or more, the frame after its middle play; so does the last
section when the scene ends. Labels name the section, so a step added or removed shows up
by name.

Control data: ``tests/frames/<Scene>_<spec>.npz`` with ``frames`` (N×H×W×4 RGBA uint8),
``labels`` and ``meta`` (JSON: Cairo, pycairo and Manim versions, resolution, fps, spec).

Re-record with ``pytest tests/scenes/test_frames.py --record-frames`` (or
``CHAINRULE_RECORD_FRAMES=1``); look at them with ``python -m tests.frames_tool show NAME``.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np

from derivations.spec import NetworkSpec

ROOT = Path(__file__).resolve().parent.parent
CONTROL_DIR = Path(__file__).resolve().parent / "frames"
FAILURE_DIR = CONTROL_DIR / "_failures"
RECORD_ENV = "CHAINRULE_RECORD_FRAMES"

#: Pixel size (16:9, so Manim's 14.2 × 8 unit frame maps onto it unchanged) and frame rate.
#: Small enough to be quick; large enough that recolouring one symbol is caught (see
#: :data:`TOLERANCE`).
SIZE = (256, 144)
FPS = 5

#: A section with at least this many plays (waits count) also keeps the frame after its middle
#: play, so a long single-step scene (``WhyTranspose``) is checked mid-way too.
MIDDLE_AFTER_PLAYS = 4


# --------------------------------------------------------------------------- tolerance


@dataclass(frozen=True)
class Tolerance:
    """When two frames count as the same.

    A pixel *differs* when any RGBA channel is off by more than ``channel``; a frame matches
    when at most ``pixels`` of its pixels differ.
    """

    channel: int
    pixels: int


#: Why these numbers (measured at 256×144 on 8 cases, 50 key frames):
#:
#: * Noise: re-rendering in the same process, in fresh processes with PYTHONHASHSEED 0, 1, 7
#:   and random, and from a cold TeX cache gives bit-identical frames (max |diff| 0). Manim's
#:   own graphical tests rely on the same: ±1 per channel, on Linux, macOS and Windows.
#: * ``channel = 16``: room for rounding and compositing differences between Cairo/pixman
#:   builds (a few units per channel) with a wide margin, far below a real colour change.
#: * ``pixels = 16`` (0.04 % of a frame): a few edge pixels a different rasteriser or font
#:   hinting draws differently may exceed ``channel``.
#: * Sensitivity: recolouring one symbol family to a close hue (W: Okabe–Ito yellow → orange)
#:   moves 39–103 pixels past 16 in every ShapeCheck frame; nudging the step title by one
#:   pixel, 400+ (both are tests in tests/scenes/test_frames.py).
#: * What it will not absorb: the whole picture drifting by a fraction of a pixel (as another
#:   TeX or FreeType might cause): 1/8 px moves 281–1093 pixels past 16 (max diff 47). At this
#:   size that is indistinguishable from the close-hue recolour above (a symbol's strokes are
#:   1–2 px wide, so they are nearly all edge), so such a change fails, names the versions
#:   that differ, and is re-recorded.
TOLERANCE = Tolerance(channel=16, pixels=16)


# --------------------------------------------------------------------------- cases


def spec_slug(spec: NetworkSpec) -> str:
    """``"default"`` for ``NetworkSpec()``, else e.g. ``"3-4-2_m3_relu"``."""
    if spec == NetworkSpec():
        return "default"
    return f"{'-'.join(str(n) for n in spec.layer_dims)}_m{spec.m}_{spec.activation}"


@dataclass(frozen=True)
class Case:
    """One scene for one spec, optionally perturbed (for tests that the check can fail).

    ``scene`` is ``"module:Class"`` so a case pickles into a worker process. ``theme`` holds
    :meth:`Theme.from_dict` overrides; ``nudge_title`` moves every step title right by that
    many pixels.
    """

    scene: str
    spec: NetworkSpec = field(default_factory=NetworkSpec)
    theme: tuple[tuple[str, str], ...] = ()
    nudge_title: float = 0.0

    @property
    def scene_name(self) -> str:
        return self.scene.rpartition(":")[2]

    @property
    def name(self) -> str:
        """``<Scene>_<spec>``: the control file's stem."""
        return f"{self.scene_name}_{spec_slug(self.spec)}"

    @property
    def control_path(self) -> Path:
        return CONTROL_DIR / f"{self.name}.npz"

    def scene_class(self) -> type:
        module, _, name = self.scene.partition(":")
        return getattr(import_module(module), name)


@dataclass(frozen=True)
class KeyFrames:
    """Frames (N×H×W×4 RGBA uint8), the section each one ends, and how they were made."""

    frames: np.ndarray
    labels: tuple[str, ...]
    meta: dict[str, Any]


def environment() -> dict[str, Any]:
    """Versions and settings that decide the pixels; stored with the control data."""
    import cairo
    import manim

    return {
        "cairo": cairo.cairo_version_string(),
        "pycairo": cairo.version,
        "manim": manim.__version__,
        "size": list(SIZE),
        "fps": FPS,
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
    }


# --------------------------------------------------------------------------- rendering


def _capturing(case: Case, sink: list[tuple[str, np.ndarray]]) -> type:
    """The case's scene class, with its spec/theme, that appends key frames to ``sink``."""
    from manim import RIGHT, config
    from manim.utils.iterables import list_update

    from scenes.theme import Theme

    base = case.scene_class()
    attrs: dict[str, Any] = {"spec": case.spec}
    if case.theme:
        attrs["theme"] = Theme.from_dict(dict(case.theme))
    nudge = case.nudge_title * config.frame_width / SIZE[0]

    def setup(self: Any) -> None:
        base.setup(self)
        self._frames_section = "(start)"
        self._frames_after_play: list[np.ndarray] = []

    def draw(self: Any) -> np.ndarray:
        camera = self.renderer.camera
        camera.reset()  # the scene as it stands, not over the last play's static image
        camera.capture_mobjects(list_update(self.mobjects, self.foreground_mobjects))
        return self.renderer.get_frame()

    def play(self: Any, *args: Any, **kwargs: Any) -> None:
        base.play(self, *args, **kwargs)  # (``wait`` plays too)
        self._frames_after_play.append(draw(self))

    def flush(self: Any) -> None:
        """Key frames of the section that ends here: its last frame, and its middle one."""
        frames = self._frames_after_play
        if frames:  # (nothing was played before the first step's section opens)
            if len(frames) >= MIDDLE_AFTER_PLAYS:
                sink.append(
                    (
                        f"{len(sink) + 1:02d} {self._frames_section} (middle)",
                        frames[(len(frames) - 1) // 2],
                    )
                )
            sink.append((f"{len(sink) + 1:02d} {self._frames_section}", frames[-1]))
        self._frames_after_play = []

    def next_section(self: Any, name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
        flush(self)
        self._frames_section = name
        base.next_section(self, name, *args, **kwargs)

    def show_title(self: Any, step: Any, along: Any = ()) -> None:
        base.show_title(self, step, along)
        self._title.shift(nudge * RIGHT)

    attrs.update(setup=setup, play=play, next_section=next_section, _frames_flush=flush)
    if nudge:
        attrs["show_title"] = show_title
    return type(base.__name__, (base,), attrs)


_SLOT: Path | None = None
_HELD = contextlib.ExitStack()  # the slot's lock, held until the process ends


def _tex_slot() -> Path:
    """This process's own TeX/text cache folder, kept between runs in chainrule's cache folder
    (``frames/`` under :func:`chainrule.rendering.cache_folder.cache_root`), never in the output
    folder
    media/.

    Manim writes TeX, DVI and SVG files (and a temporary ``<hash>_.svg`` on every use) into
    its ``tex_dir``; two processes sharing one folder delete each other's temporary files. So
    each process takes a slot from :func:`chainrule.rendering.cache_folder.free_slot` and keeps it.
    """
    global _SLOT
    if _SLOT is None:
        from chainrule.rendering.cache_folder import cache_root, free_slot

        _SLOT = _HELD.enter_context(free_slot(cache_root() / "frames"))
    return _SLOT


def render_key_frames(case: Case) -> KeyFrames:
    """Render ``case`` tiny, without encoding, and return its key frames."""
    from manim import tempconfig

    sink: list[tuple[str, np.ndarray]] = []
    scene_class = _capturing(case, sink)
    slot = _tex_slot()
    settings = {
        "pixel_width": SIZE[0],
        "pixel_height": SIZE[1],
        "frame_rate": FPS,
        "format": "none",
        "save_sections": False,
        "media_dir": str(slot),
        "tex_dir": str(slot / "Tex"),
        "text_dir": str(slot / "texts"),
        "verbosity": "WARNING",
        "progress_bar": "none",
        "disable_caching": True,
        "preview": False,
        "log_to_file": False,
    }
    with tempconfig(settings):
        scene = scene_class()
        scene.render()
        scene._frames_flush()
    if not sink:
        raise AssertionError(f"{case.name}: the scene played nothing, so there is no key frame")
    labels, frames = zip(*sink, strict=True)
    meta = {**environment(), "scene": case.scene_name, "spec": case.spec.describe()}
    return KeyFrames(np.stack(frames).astype(np.uint8), tuple(labels), meta)


class Renderer:
    """Renders cases in up to ``jobs`` spawned worker processes (in this one when ``jobs`` ≤ 1).

    ``submit`` returns a future; submit everything first, then wait for each result.
    """

    def __init__(self, jobs: int) -> None:
        self.executor: ProcessPoolExecutor | None = None
        if jobs > 1:
            context = multiprocessing.get_context("spawn")
            self.executor = ProcessPoolExecutor(jobs, mp_context=context)
        self.futures: dict[Case, Future[KeyFrames]] = {}

    def submit(self, case: Case) -> Future[KeyFrames]:
        if case not in self.futures:
            if self.executor is not None:
                self.futures[case] = self.executor.submit(render_key_frames, case)
            else:
                self.futures[case] = _lazy(lambda: render_key_frames(case))
        return self.futures[case]

    def result(self, case: Case) -> KeyFrames:
        return self.submit(case).result()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def _lazy(work: Callable[[], KeyFrames]) -> Future[KeyFrames]:
    """A future that runs ``work`` in this process the first time its result is asked for."""

    class Lazy(Future):  # type: ignore[type-arg]
        def result(self, timeout: float | None = None) -> KeyFrames:
            if not self.done():
                try:
                    self.set_result(work())
                except BaseException as error:  # kept, and raised to every caller
                    self.set_exception(error)
            return super().result(timeout)

    return Lazy()


def default_jobs() -> int:
    """Worker processes: ``CHAINRULE_FRAMES_JOBS``, else one per core up to 2."""
    value = os.environ.get("CHAINRULE_FRAMES_JOBS")
    if value:
        return max(1, int(value))
    return max(1, min(2, os.cpu_count() or 1))


# --------------------------------------------------------------------------- control data


def save_control(path: Path, key_frames: KeyFrames) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        frames=key_frames.frames,
        labels=np.array(key_frames.labels),
        meta=np.array(json.dumps(key_frames.meta, sort_keys=True)),
    )


def load_control(path: Path) -> KeyFrames:
    with np.load(path, allow_pickle=False) as data:
        return KeyFrames(
            data["frames"], tuple(str(s) for s in data["labels"]), json.loads(str(data["meta"]))
        )


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class FrameDiff:
    label: str
    differing: int  # pixels with a channel off by more than the tolerance
    max_diff: int  # largest channel difference anywhere

    def describe(self) -> str:
        return (
            f"{self.label!r}: {self.differing} pixel(s) differ (max channel diff {self.max_diff})"
        )


def frame_diffs(
    control: np.ndarray, actual: np.ndarray, labels: Iterable[str], tolerance: Tolerance
) -> list[FrameDiff]:
    """Per frame: how many pixels are off by more than ``tolerance.channel``."""
    diff = np.abs(control.astype(np.int16) - actual.astype(np.int16)).max(axis=-1)
    return [
        FrameDiff(label, int((d > tolerance.channel).sum()), int(d.max()))
        for label, d in zip(labels, diff, strict=True)
    ]


def diff_image(
    control: np.ndarray, actual: np.ndarray, tolerance: Tolerance, scale: int = 2
) -> np.ndarray:
    """RGB rows of ``control | actual | difference`` (one row per frame, upscaled).

    The difference is amplified ×8 in grey; pixels beyond the tolerance are red.
    """
    rows = []
    for c, a in zip(control, actual, strict=True):
        d = np.abs(c[..., :3].astype(np.int16) - a[..., :3].astype(np.int16)).max(axis=-1)
        grey = np.clip(d * 8, 0, 255).astype(np.uint8)
        heat = np.repeat(grey[..., None], 3, axis=-1)
        heat[d > tolerance.channel] = (255, 0, 0)
        gap = np.full((c.shape[0], 4, 3), 128, np.uint8)
        rows.append(np.concatenate([c[..., :3], gap, a[..., :3], gap, heat], axis=1))
        rows.append(np.full((4, rows[-1].shape[1], 3), 128, np.uint8))
    image = np.concatenate(rows[:-1], axis=0)
    return image.repeat(scale, axis=0).repeat(scale, axis=1)


def write_png(path: Path, rgb: np.ndarray) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path)
    return path


def mismatch(
    case_name: str, control: KeyFrames, actual: KeyFrames, tolerance: Tolerance, failures: Path
) -> str | None:
    """``None`` when ``actual`` matches ``control``; else a message naming the diff image."""
    problems: list[str] = []
    if control.labels != actual.labels:
        problems.append(
            f"key frames changed: control has {list(control.labels)}, this render "
            f"has {list(actual.labels)}"
        )
    if control.frames.shape[1:] != actual.frames.shape[1:]:
        problems.append(
            f"frame size changed: control {control.frames.shape[1:]}, this render "
            f"{actual.frames.shape[1:]}"
        )
        return _message(case_name, problems, control, actual, None)
    n = min(len(control.frames), len(actual.frames))
    diffs = frame_diffs(control.frames[:n], actual.frames[:n], actual.labels[:n], tolerance)
    bad = [i for i, d in enumerate(diffs) if d.differing > tolerance.pixels]
    if bad:
        problems += [
            f"frame {diffs[i].describe()}, more than {tolerance.pixels} allowed" for i in bad
        ]
    if not problems:
        return None
    shown = bad or list(range(n))
    image = None
    if shown:
        image = write_png(
            failures / f"{case_name}.png",
            diff_image(control.frames[shown], actual.frames[shown], tolerance),
        )
    return _message(case_name, problems, control, actual, image)


def _message(
    case_name: str, problems: list[str], control: KeyFrames, actual: KeyFrames, image: Path | None
) -> str:
    lines = [
        f"{case_name}: key frames differ from the control data "
        f"({control.frames.shape[0]} control frame(s) vs {actual.frames.shape[0]})."
    ]
    lines += [f"  - {p}" for p in problems]
    if image is not None:
        lines.append(
            f"  Diff image (control | actual | difference ×8, red = beyond tolerance): {image}"
        )
    changed = {
        k: (control.meta.get(k), actual.meta.get(k))
        for k in ("cairo", "pycairo", "manim", "size", "fps")
        if control.meta.get(k) != actual.meta.get(k)
    }
    if changed:
        lines.append(
            "  Note: recorded with a different environment "
            + ", ".join(f"{k} {old} -> {new}" for k, (old, new) in changed.items())
            + "; if the change is only rendering noise, re-record."
        )
    lines.append(
        "  If the change is intended, re-record: pytest tests/scenes/test_frames.py "
        "--record-frames (or CHAINRULE_RECORD_FRAMES=1)."
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- looking


def export_pngs(path: Path, out: Path, scale: int = 4) -> list[Path]:
    """Write each key frame of the control file ``path`` as an upscaled PNG into ``out``."""
    key_frames = load_control(path)
    written = []
    for label, frame in zip(key_frames.labels, key_frames.frames, strict=True):
        stem = label.split(" ", 1)[0]
        big = frame[..., :3].repeat(scale, axis=0).repeat(scale, axis=1)
        written.append(write_png(out / f"{path.stem}_{stem}.png", big))
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.frames_tool show NAME [OUT]``: control frames of NAME as PNGs."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3) or args[0] != "show":
        print(main.__doc__)
        return 2
    path = CONTROL_DIR / f"{args[1].removesuffix('.npz')}.npz"
    if not path.exists():
        print(
            f"{path} does not exist; known: "
            f"{', '.join(p.stem for p in sorted(CONTROL_DIR.glob('*.npz')))}"
        )
        return 1
    out = Path(args[2]) if len(args) == 3 else FAILURE_DIR / "show"
    meta = load_control(path).meta
    print(json.dumps(meta, sort_keys=True))
    for written in export_pngs(path, out):
        print(written)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
