"""Media: what chainrule publishes for a learner, each one small class, registered once.

A medium is anything made from an output beside (or instead of) the video: the captions, the
video chapters, the lecture page, the handout, the slides. Each has one shape,
:class:`Medium`::

    class Medium(Protocol):
        name: str
        def applies_to(self, output: Output) -> bool: ...
        def publish(self, output: Output, context: Context) -> list[Path]: ...

``publish`` writes the medium's files into ``output.folder`` (made if needed; each file in
one step, through a temporary file and a rename: :func:`chainrule.files.atomic_write`,
:func:`~chainrule.files.atomic_move`, :func:`~chainrule.files.install_outputs`),
adds what the manifest should say about them to ``output.manifest`` (e.g.
``{"page": "Lecture_l.html"}``), and returns the files written. Nothing it refuses to make
(a failing step, a missing tool) leaves a trace in the output folder.

The registry lists every medium once, in the order they are made:
:func:`chainrule.publishing.manifest.
publish` asks it which media apply to each rendered video (:func:`applicable`) and makes them
in that order, so a medium sees the manifest keys of those before it (the lecture page reads
the captions). The handout and the slides apply only when asked for by name
(:attr:`Output.requested`): ``chainrule handout`` and ``chainrule slides`` ask for them.

The interface (:class:`~chainrule.publishing.medium.Medium`, :class:`Output`, :class:`Context`)
is in :mod:`chainrule.publishing.medium`, which imports no medium, so each medium's module can
import it. To add a medium, write its class (anywhere) and add one instance to :data:`BUILT_IN`
below;
CONTRIBUTING.md ("Add a medium") has the recipe, ``tests/chainrule/publishing/test_media.py`` the
test.

>>> [medium.name for medium in media()]
['captions', 'chapters', 'lecture-page', 'handout', 'slides']
"""

from __future__ import annotations

from collections.abc import Iterator

from chainrule.publishing.chapters import CaptionsMedium, ChaptersMedium
from chainrule.publishing.handout import HandoutMedium
from chainrule.publishing.lecture_page import LecturePageMedium
from chainrule.publishing.medium import Context, Medium, Output
from chainrule.publishing.slides import SlidesMedium

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
