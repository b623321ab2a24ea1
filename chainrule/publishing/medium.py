"""What a medium is: the interface every medium implements, and what it is given.

Kept apart from the registry (:mod:`chainrule.publishing.media`), which imports every medium,
so that a medium's own module can import these types without an import circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from chainrule.exchange import RenderedFiles

if TYPE_CHECKING:
    from chainrule.catalog import Catalog
    from chainrule.settings.model import Settings
    from derivations import Derivation


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

    settings: Settings | None = None
    derivation: Derivation | None = None
    catalog: Catalog | None = None
    cache: Path | None = None
    first_title: str = "Title"
    summary: str | None = None
    verbosity: str = "WARNING"
    note: Callable[[str], None] = _silent

    def required(self) -> tuple[Settings, Derivation, Catalog]:
        """The settings, derivation and catalog, for a medium that draws or reads the steps
        (a :class:`ValueError` when one is missing)."""
        if self.settings is None or self.derivation is None or self.catalog is None:
            raise ValueError("this medium needs the context's settings, derivation and catalog")
        return self.settings, self.derivation, self.catalog


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


__all__ = ["Context", "Medium", "Output"]
