"""Helpers for the scene tests: run a scene without writing video, check every frame state."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from derivations.spec import NetworkSpec


def spec_id(spec: NetworkSpec) -> str:
    """A network as a test id: its description without spaces."""
    return spec.describe().replace(" ", "")


def each_spec(specs: Sequence[NetworkSpec]) -> pytest.MarkDecorator:
    """Run the test once for each network of ``specs`` (as ``spec``), named by :func:`spec_id`."""
    return pytest.mark.parametrize("spec", specs, ids=spec_id)


def all_of(*checks: Callable[[object], None]) -> Callable[[object], None]:
    """One check for :func:`checked_plays` that runs ``checks`` in turn."""

    def check(scene: object) -> None:
        for each in checks:
            each(scene)

    return check


@contextmanager
def checked_plays(check: Callable[[object], None]) -> Iterator[list[int]]:
    """Call ``check(scene)`` after every ``Scene.play`` (``wait`` goes through ``play``)."""
    from manim import Scene

    original = Scene.play
    count = [0]

    def play(self, *args, **kwargs):
        original(self, *args, **kwargs)
        count[0] += 1
        check(self)

    Scene.play = play  # type: ignore[method-assign]
    try:
        yield count
    finally:
        Scene.play = original  # type: ignore[method-assign]


def render_scene(
    scene_class: type, spec: NetworkSpec, media: Path, dry_run: bool = True, **settings: object
) -> object:
    """Render ``scene_class`` for ``spec`` at low quality into ``media``; return the scene.

    Text is typeset into ``media`` too when ``settings`` change the pixel size: Manim's text
    cache ignores the pixel width, which Pango wraps lines at, so a title typeset 256 pixels
    wide would come back wrapped in a later test's 854-pixel render."""
    from manim import tempconfig

    subclass = type(scene_class.__name__, (scene_class,), {"spec": spec})
    own_text = {"text_dir": str(media / "texts")} if "pixel_width" in settings else {}
    config = {
        "quality": "low_quality",
        "dry_run": dry_run,
        "media_dir": str(media),
        "verbosity": "WARNING",
        "progress_bar": "none",
        "disable_caching": True,
        **own_text,
        **settings,
    }
    with tempconfig(config):
        scene = subclass()
        scene.render()
    return scene


def render_video(scene_class: type, media: Path) -> object:
    """``scene_class`` rendered for real for the default network at the lowest quality into
    ``media``, which must then hold its video of more than 10 kB; returns the scene."""
    scene = render_scene(scene_class, NetworkSpec(), media, dry_run=False)
    videos = list(media.rglob(f"{scene_class.__name__}.mp4"))
    assert videos
    assert videos[0].stat().st_size > 10_000
    return scene
