"""Media: what chainrule publishes for a learner, each one small class, registered once.

A medium is anything made from an output beside (or instead of) the video: the captions, the
video chapters, the lecture page, the handout, the slides. Each has one shape,
:class:`Medium`::

    class Medium(Protocol):
        name: str
        def applies_to(self, output: Output) -> bool: ...
        def publish(self, output: Output, context: Context) -> list[Path]: ...

``publish`` writes the medium's files into ``output.folder`` (made if needed; each file in
one step, through a temporary file and a rename: :func:`chainrule.publishing.install`,
:func:`~chainrule.publishing.write_text_atomic`, :func:`~chainrule.publishing.install_outputs`),
adds what the manifest should say about them to ``output.manifest`` (e.g.
``{"page": "Lecture_l.html"}``), and returns the files written. Nothing it refuses to make
(a failing step, a missing tool) leaves a trace in the output folder.

The registry lists every medium once, in the order they are made: :func:`chainrule.publishing.
publish` asks it which media apply to each rendered video (:func:`applicable`) and makes them
in that order, so a medium sees the manifest keys of those before it (the lecture page reads
the captions). The handout and the slides apply only when asked for by name
(:attr:`Output.requested`): ``chainrule handout`` and ``chainrule slides`` ask for them.

To add a medium, write its class (anywhere) and add one instance to :data:`BUILT_IN` below;
``docs/recipe-medium.md`` has the recipe, ``tests/test_media.py`` the test.

>>> [medium.name for medium in media()]
['captions', 'chapters', 'lecture-page', 'handout', 'slides']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .chapters import CaptionsMedium, ChaptersMedium
from .handout import HandoutMedium
from .lecture_page import LecturePageMedium
from .slides import SlidesMedium

if TYPE_CHECKING:
    from .drawing import RenderedFiles


def _silent(text: str) -> None:
    """Say nothing (a :class:`Context` without a progress printer)."""


@dataclass(frozen=True)
class Output:
    """What media are made from: scenes rendered (or to be rendered) into ``folder``.

    A video published by ``chainrule render`` is one scene with ``files`` (what the render
    drew, still in the work folder) and ``manifest`` (its manifest entry so far: ``path``,
    ``format``, ``sections``, ``config``, ...). ``format`` is the format asked for (a video's:
    mp4, webm, gif, png; a handout's: pdf, html; slides': html, pptx, pdf). ``requested``
    names the media asked for beyond those that apply by themselves; ``size`` and ``fps`` are
    what to draw at, for a medium that draws (the handout's key frames, the slides).
    """

    scenes: tuple[str, ...]
    folder: Path
    format: str
    manifest: dict[str, Any] = field(default_factory=dict)
    files: RenderedFiles | None = None
    requested: frozenset[str] = frozenset()
    size: tuple[int, int] | None = None
    fps: int | None = None


@dataclass(frozen=True)
class Context:
    """What a medium may need besides its output: the settings, the verified derivation and
    the scene catalog (for media that draw or read the steps), the cache folder (``None``:
    draw nothing), the scene's first section title and one-line summary (``None``: looked up),
    Manim's log level, and ``note`` for a progress line."""

    settings: Any = None  # chainrule.config.Settings
    derivation: Any = None  # derivations.Derivation
    catalog: Any = None  # chainrule.catalog.Catalog
    cache: Path | None = None
    first_title: str = "Title"
    summary: str | None = None
    verbosity: str = "WARNING"
    note: Callable[[str], None] = _silent


@runtime_checkable
class Medium(Protocol):
    """One medium: its ``name`` (the registry's key, and what a command asks for), whether
    it applies to an output, and how it is published (see the module's text)."""

    name: str

    def applies_to(self, output: Output) -> bool:
        """Whether this medium is made for ``output``."""
        ...

    def publish(self, output: Output, context: Context) -> list[Path]:
        """Write the medium's files into ``output.folder``, add its keys to
        ``output.manifest``; return the files written."""
        ...


#: Every medium chainrule has, in the order they are made.
BUILT_IN: tuple[Medium, ...] = (
    CaptionsMedium(),
    ChaptersMedium(),
    LecturePageMedium(),
    HandoutMedium(),
    SlidesMedium(),
)

_registry: dict[str, Medium] = {}


def register(medium: Medium) -> Medium:
    """Add ``medium`` to the registry (after those there); returns it. A name is taken once."""
    if not isinstance(medium, Medium):
        raise TypeError(
            f"{medium!r} is not a medium: a medium has a name, applies_to(output) and "
            f"publish(output, context)"
        )
    if medium.name in _registry:
        raise ValueError(
            f"a medium named {medium.name!r} is registered already ({_registry[medium.name]!r})"
        )
    _registry[medium.name] = medium
    return medium


def unregister(name: str) -> None:
    """Remove the medium ``name`` (a test's toy medium) from the registry."""
    del _registry[name]


def media() -> tuple[Medium, ...]:
    """Every registered medium, in the order they are made."""
    return tuple(_registry.values())


def medium(name: str) -> Medium:
    """The registered medium ``name``."""
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"no medium named {name!r}; the media are: {', '.join(_registry)}") from None


def applicable(output: Output) -> Iterator[Medium]:
    """The media that apply to ``output``, in order; each is asked when reached, so it sees
    the manifest keys the media before it added."""
    for candidate in media():
        if candidate.applies_to(output):
            yield candidate


for _medium in BUILT_IN:
    register(_medium)


__all__ = [
    "BUILT_IN",
    "Context",
    "Medium",
    "Output",
    "applicable",
    "media",
    "medium",
    "register",
    "unregister",
]
