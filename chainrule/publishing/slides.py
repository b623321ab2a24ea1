"""Slides: every scene as a manim-slides deck, one slide per narrated step.

A scene's slides variant is made at run time, only here (the scenes never import
manim-slides, an optional extra): ``type(name, (StepSlides, Slide, SceneClass), {})``. In it
:meth:`DerivationScene.open_step_section <scenes.base.DerivationScene.open_step_section>`,
called where each step begins, starts a slide with the step's narration as its speaker notes;
every other section (the lecture's title card, a step marked as continued) stays a plain
Manim section inside the current slide. So a scene has one slide per narrated step, and the
lecture one more at its start, for the title card.

Manim renders the variant in this process (:func:`render_deck`); manim-slides saves the
slides' videos and a JSON configuration per scene, and its converters
(:func:`convert_deck`) make from them

* ``html``: a reveal.js deck from our own small template (:data:`TEMPLATE`, a file), the videos in
  ``<stem>_assets/`` and reveal.js (``dist`` and the notes plugin, from the npm package, see
  :mod:`chainrule.publishing.web_assets`) in ``reveal.js/`` next to it: nothing is loaded from a
  network
  when it is shown; press ``S`` for the speaker view with the notes;
* ``pptx``: one slide per step, its video and its notes;
* ``pdf``: one page per step, the step's last frame.

Everything is built in a hidden folder inside the output folder and renamed into place at the
end (:func:`chainrule.files.install_outputs`), so an interrupted run leaves no partial
deck.

:class:`SlidesMedium` is the deck as a medium (:mod:`chainrule.publishing.media`): ``chainrule
slides``
asks the registry for it.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainrule.catalog import scene_path
from chainrule.errors import MissingDependency
from chainrule.exchange import RenderUnit, VideoFormat
from chainrule.files import install_outputs, remove_stale, scratch_folder
from chainrule.publishing.templates import read
from chainrule.publishing.web_assets import copy_package_dist, package_dir
from chainrule.rendering.cache_folder import free_slot
from chainrule.rendering.drawing import manim_config, scene_class
from chainrule.rendering.execution import work_folder
from chainrule.settings.scene_settings import scene_settings
from derivations.speech import subtitle_text
from manim_adapter.sandbox import latex_sandbox

if TYPE_CHECKING:
    from chainrule.publishing.medium import Context, Output
    from chainrule.settings.model import Settings
    from derivations import Derivation
    from derivations.steps import Step

#: What ``--to`` accepts.
TARGETS = ("html", "pptx", "pdf")
#: The command that installs the slides extra.
INSTALL = "pip install 'chainrule[slides]'"
#: Our reveal.js template (Jinja, package data in :mod:`chainrule.publishing.templates`, rendered by
#: manim-slides' html converter, which passes the presentations, ``assets_dir``, ``prefix``,
#: ``cdn_url`` and ``title``): each slide's video as its background, its notes as plain
#: (escaped) text for the speaker view, reveal.js from the relative ``cdn_url`` folder next to
#: the HTML.
TEMPLATE = "slides.html"
#: The folder next to the HTML that holds reveal.js.
REVEAL_FOLDER = "reveal.js"


class SlidesExtraMissing(MissingDependency):
    """manim-slides is not installed (a usage error: exit 2, the message says how to fix it)."""

    exit_code = 2


def require_manim_slides() -> None:
    """Raise :class:`SlidesExtraMissing` with the install command unless manim-slides
    imports."""
    try:
        import manim_slides  # noqa: F401
    except ImportError as error:
        raise SlidesExtraMissing(
            f"chainrule slides needs the slides extra (manim-slides), "
            f"which is not installed ({error}); install it with: "
            f"{INSTALL}"
        ) from None


class StepSlides:
    """Mixed in before ``manim_slides.Slide``: a slide per step begun, notes = narration.

    ``Slide`` makes every ``next_section`` a slide break; here only a step's start is one,
    and other sections stay sections of the current slide. Reversed videos (for the
    presenter's "back" key in ``manim-slides present``) are not made: the converters do not
    use them.
    """

    # A mixin: mypy cannot know that ``self`` is the Slide (a Manim Scene) of slide_class's
    # class, hence the ``type: ignore`` s below.

    skip_reversing = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # Any: Slide's own, passed on
        # ``Slide.__init__`` only sets ``config["write_to_movie"]`` (for manim's OpenGL
        # renderer), a key Manim 0.22 no longer has; the Cairo renderer writes movies anyway
        from manim_slides.slide.base import BaseSlide

        BaseSlide.__init__(self, *args, **kwargs)  # type: ignore[arg-type]

    def render(self, *args: Any, **kwargs: Any) -> None:  # Any: Slide's own, passed on
        """Render the scene, then save its slides (``Slide.render`` sets
        ``config["max_files_cached"]`` to infinity, which Manim 0.22 refuses; chainrule
        renders with Manim's cache off, so no partial movie is removed before it is used)."""
        from manim_slides.slide import Slide

        super(Slide, self).render(*args, **kwargs)  # type: ignore[misc]
        self._save_slides(  # type: ignore[attr-defined]
            use_cache=False,
            flush_cache=False,
            skip_reversing=True,
        )

    @property
    def _background_color(self) -> str:
        """The background as ``#RRGGBB`` (the theme sets the camera's as a string, which
        ``Slide`` expects to be a ``ManimColor``)."""
        from manim import ManimColor

        return ManimColor(self.camera.background_color).to_hex()  # type: ignore[attr-defined]

    def open_step_section(self, step: Step) -> None:
        """Start a slide named after ``step``, with its narration as the speaker notes, written
        as the subtitles write it (:func:`derivations.speech.subtitle_text`)."""
        notes = subtitle_text(step.narration)
        self.next_slide(step.title, notes=notes)  # type: ignore[attr-defined]

    def next_section(self, *args: Any, **kwargs: Any) -> None:  # Any: Slide's own, passed on
        """A Manim section only (no slide break)."""
        from manim import Scene

        Scene.next_section(self, *args, **kwargs)  # type: ignore[arg-type]


def slide_class(scene: type) -> type:
    """The slides variant of the scene class ``scene`` (same name, module and docs)."""
    require_manim_slides()
    from manim_slides.slide import Slide

    return type(
        scene.__name__,
        (StepSlides, Slide, scene),
        {
            "__module__": scene.__module__,
            "__qualname__": scene.__qualname__,
            "__doc__": scene.__doc__,
        },
    )


@dataclass(frozen=True)
class DeckFormat:
    """The pixel size and frame rate slides are rendered at."""

    width: int
    height: int
    fps: int


def render_deck(
    settings: Settings,
    scene: type,
    derivation: Derivation,
    video: DeckFormat,
    work: Path,
    cache: Path,
    verbosity: str = "WARNING",
) -> Path:
    """Render ``scene``'s slides variant with Manim in this process, into ``work``; returns
    the manim-slides configuration (JSON) of its slides."""
    from manim import tempconfig

    from scenes.typeset import precompile_scene

    name = scene.__name__
    drawn = VideoFormat(video.width, video.height, video.fps, "mp4", "slides")
    unit = RenderUnit.whole_scene(
        name,
        scene_path(scene),
        settings,
        f"{name}_slides",
        drawn,
        str(work),
        str(cache),
        verbosity=verbosity,
    )
    configured = scene_class(scene, scene_settings(settings), derivation)
    cls = slide_class(configured)
    logging.getLogger("manim-slides").setLevel(verbosity)  # after manim-slides made its logger
    folder = work / "slides"
    with free_slot(cache / "tex") as slot:
        options = {
            **manim_config(unit, slot, work / "partial" / name),
            "save_sections": False,
            "max_files_cached": -1,
        }  # every partial movie is a slide's part
        with tempconfig(options), latex_sandbox():
            precompile_scene(configured, derivation)
            cls(output_folder=folder).render()
    return folder / f"{name}.json"


def deck_stem(names: Sequence[str]) -> str:
    """The file name (without extension) of a deck of the scenes ``names``.

    >>> deck_stem(["Lecture"])
    'Lecture_slides'
    >>> deck_stem(["FoldBack", "WhyTranspose"])
    'FoldBack-WhyTranspose_slides'
    """
    joined = "-".join(names)
    return f"{joined if len(joined) <= 100 else 'scenes'}_slides"


def convert_deck(
    configs: Sequence[Path], to: str, folder: Path, stem: str, title: str
) -> list[Path]:
    """Convert the slides of ``configs`` into one deck ``folder/stem.<to>`` with
    manim-slides' converters; returns what was written in ``folder`` (the HTML also has its
    videos folder and reveal.js)."""
    from manim_slides.config import PresentationConfig
    from manim_slides.convert import PDF, PowerPoint

    presentations = [PresentationConfig.from_file(path) for path in configs]
    dest = folder / f"{stem}.{to}"
    with _quiet_progress():
        if to == "html":
            assets = f"{stem}_assets"
            _offline_reveal()(
                presentation_configs=presentations,
                cdn_url=REVEAL_FOLDER,
                assets_dir=assets,
                title=title,
            ).convert_to(dest)
            copy_reveal(folder / REVEAL_FOLDER)
            return [folder / REVEAL_FOLDER, folder / assets, dest]
        if to == "pptx":
            width, height = presentations[0].resolution
            scale = 1280 / width  # the slide is 1280 px wide (13.3 in); the video fills it
            PowerPoint(
                presentation_configs=presentations, width=1280, height=round(height * scale)
            ).convert_to(dest)
            return [dest]
        if to == "pdf":
            PDF(presentation_configs=presentations).convert_to(dest)
            return [dest]
    raise ValueError(f"unknown slides format {to!r}; known: {', '.join(TARGETS)}")


@lru_cache(maxsize=1)
def _offline_reveal() -> type:
    """manim-slides' html converter with our template :data:`TEMPLATE` (and no ``offline``
    download)."""
    from manim_slides.convert import RevealJS

    class OfflineRevealJS(RevealJS):
        """RevealJS rendering chainrule's template."""

        def load_template(self) -> str:
            return read(TEMPLATE)

    return OfflineRevealJS


@contextmanager
def _quiet_progress() -> Iterator[None]:
    """The converters' tqdm bars off (the command prints its own lines)."""
    from manim_slides import convert

    original = convert.tqdm
    convert.tqdm = partial(original, disable=True)
    try:
        yield
    finally:
        convert.tqdm = original


def copy_reveal(target: Path) -> Path:
    """reveal.js for an offline deck in ``target``: the package's ``dist`` and its notes
    plugin (the speaker view), from the npm package (:mod:`chainrule.publishing.web_assets`)."""

    copy_package_dist("reveal.js", target / "dist")
    shutil.copytree(
        package_dir("reveal.js") / "plugin" / "notes",
        target / "plugin" / "notes",
        dirs_exist_ok=True,
    )
    return target


def deck_title(names: Sequence[str]) -> str:
    """The title of a deck of the scenes ``names``.

    >>> deck_title(["FoldBack", "WhyTranspose"])
    'chainrule: FoldBack, WhyTranspose'
    """
    return "chainrule: " + ", ".join(names)


def slide_count(configs: Sequence[Path]) -> int:
    """How many slides the manim-slides configurations ``configs`` hold."""
    return sum(len(json.loads(path.read_text(encoding="utf-8"))["slides"]) for path in configs)


class SlidesMedium:
    """The output's scenes as one deck, ``<stem>_slides.<format>`` (html, pptx, pdf), one
    slide per narrated step, rendered at ``output.size`` and ``output.fps``; made when asked
    for (``chainrule slides``). The deck is converted in a hidden folder inside
    ``output.folder`` and renamed into place, its main file last. Manifest key ``slides``:
    how many slides."""

    name = "slides"

    def applies_to(self, output: Output) -> bool:
        return self.name in output.requested and output.format in TARGETS

    def publish(self, output: Output, context: Context) -> list[Path]:

        if output.size is None or output.fps is None or context.cache is None:
            raise ValueError("slides are drawn at output.size and output.fps, in context.cache")
        settings, derivation, catalog = context.required()
        width, height = output.size
        video = DeckFormat(width, height, output.fps)
        with work_folder(context.cache) as work:
            configs = []
            for name in output.scenes:
                context.note(f"Rendering {name} as slides ({width}x{height}, {output.fps} fps) ...")
                configs.append(
                    render_deck(
                        settings,
                        catalog.scenes[name],
                        derivation,
                        video,
                        work,
                        context.cache,
                        context.verbosity,
                    )
                )
            output.manifest["slides"] = slide_count(configs)
            # a hidden folder inside the output folder (same file system: finished files are
            # renamed into place), removed afterwards, or by the next run if this one is killed
            remove_stale(output.folder)
            with scratch_folder(output.folder, "slides") as staging:
                made = convert_deck(
                    configs,
                    output.format,
                    staging,
                    deck_stem(output.scenes),
                    title=deck_title(output.scenes),
                )
                return install_outputs(made, output.folder)


__all__ = [
    "INSTALL",
    "REVEAL_FOLDER",
    "TARGETS",
    "TEMPLATE",
    "DeckFormat",
    "SlidesExtraMissing",
    "SlidesMedium",
    "StepSlides",
    "convert_deck",
    "copy_reveal",
    "deck_stem",
    "deck_title",
    "render_deck",
    "require_manim_slides",
    "slide_class",
    "slide_count",
]
