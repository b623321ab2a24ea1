"""Still frames are encoded once: a held frame becomes one video frame with a long duration.

A narration-heavy lecture is mostly still: every ``wait`` that nothing moves in reaches
Manim's file writer as one frame with ``repeat=N``, which stock Manim encodes N times (at
1080p60, 20 ms per frame). :class:`~manim_adapter.holding.HoldingSegmentEncoder` encodes it
once at its presentation time and once more, unchanged, at the time of its last repeat (an
empty P-frame, so the segment ends exactly where N frames would have ended); the frames in
between are left out and the next frame keeps its own timestamp. The result is a
variable-frame-rate video whose duration, section lengths and subcaption times are those of
the constant-rate one, and whose pictures are the same at every instant.

:class:`~scenes.base.DerivationScene` uses :func:`holding_renderer` unless
``CHAINRULE_FASTWRITE=0`` (stock Manim behaviour, e.g. for a benchmark), so ``manim`` and
``chainrule render`` both profit. The encoder and writer subclass Manim internals and live in
:mod:`manim_adapter.holding`, imported only when the patches apply to the installed Manim;
:func:`manim_adapter.concat.concat_videos` needs only PyAV.

Examples
--------
>>> from manim_adapter.fastwrite import enabled
>>> enabled({"CHAINRULE_FASTWRITE": "0"})
False
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .speedups import enabled as speedups_enabled
from .speedups import switched_on

#: Environment variable that turns held frames off (``0``) for stock-Manim comparisons.
ENV = "CHAINRULE_FASTWRITE"


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether held frames are on: unless ``CHAINRULE_FASTWRITE`` or ``CHAINRULE_SPEEDUPS``
    is ``0`` or the installed Manim is not one the patch was written for."""

    return switched_on(environ, ENV) and speedups_enabled(environ)


def holding_renderer(camera_class: type, skip_animations: bool) -> Any:
    """A Cairo renderer writing with :class:`~manim_adapter.holding.HoldingFileWriter`
    (``None``, for Manim's own, when turned off or when Manim is not set to the Cairo
    renderer)."""
    from manim import config
    from manim.constants import RendererType
    from manim.renderer.cairo_renderer import CairoRenderer

    if not enabled() or config.renderer != RendererType.CAIRO:
        return None
    from .holding import HoldingFileWriter

    return CairoRenderer(
        file_writer_class=HoldingFileWriter,
        camera_class=camera_class,
        skip_animations=skip_animations,
    )


__all__ = ["ENV", "enabled", "holding_renderer"]
