"""Copies of typeset formulas share their parsed SVG path instead of deep-copying it.

Every glyph of a ``MathTex`` is a ``VMobjectFromSVGPath`` that keeps the ``svgelements.Path``
it was built from (``path_obj``). Manim reads that path once, in ``__init__``, to compute the
glyph's points, and never again, yet ``Mobject.copy()`` deep-copies it: hundreds of
``svgelements`` points, segments and colours per formula, each through Python's slow generic
``copy._reconstruct``. Transforms copy their start and target, fades copy, and every ``MathTex``
is itself a copy out of Manim's SVG cache, so at 1080p60 this was 15 % of the main thread of a
scene render (``py-spy``, ``FoldBack``); copying one six-part ``MathTex`` took 14 ms.

:func:`install` gives ``VMobjectFromSVGPath`` a ``__deepcopy__`` that hands the same parsed path
to the copy (the copy's points, colours and submobjects are still deep copies). It is installed
when :mod:`scenes.base` is imported, so ``chainrule render`` and the ``manim`` CLI both profit.

``CHAINRULE_SPEEDUPS=0`` renders with Manim exactly as shipped: no shared paths, Manim's own
camera instead of :class:`manim_adapter.camera.PathCamera`, and no held frames
(:mod:`manim_adapter.fastwrite`). So does a Manim the patches were not written for
(:func:`manim_adapter.support.active`). The pictures are the same; ``benchmarks/render.py``
uses the switch for its stock-Manim baseline.

>>> install()
>>> from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
>>> installed(VMobjectFromSVGPath)
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .support import active

#: Environment variable that turns every rendering speed-up off (``0``) for a stock baseline.
ENV = "CHAINRULE_SPEEDUPS"
_OFF = {"0", "false", "no", "off"}
_MARK = "_chainrule_shares_path_obj"


def _deepcopy_sharing_path(self: Any, memo: dict[int, Any]) -> Any:
    """``Mobject.__deepcopy__``, with the parsed SVG path entered in ``memo`` as itself."""
    from manim import Mobject

    path = self.__dict__.get("path_obj")
    if path is not None:
        memo.setdefault(id(path), path)
    return Mobject.__deepcopy__(self, memo)


def switched_on(environ: Mapping[str, str], name: str) -> bool:
    """Whether the switch ``name`` is on in ``environ`` (on unless ``0``, ``off``, ...).

    >>> switched_on({"X": "No"}, "X"), switched_on({}, "X")
    (False, True)
    """
    return environ.get(name, "1").strip().lower() not in _OFF


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether chainrule's rendering speed-ups are on: unless ``CHAINRULE_SPEEDUPS`` is ``0``
    or the installed Manim is not one they were written for.

    >>> enabled({"CHAINRULE_SPEEDUPS": "off"})
    False
    """

    return switched_on(environ, ENV) and active()


def installed(cls: type) -> bool:
    """Whether ``cls`` copies with the shared path."""
    return bool(getattr(getattr(cls, "__deepcopy__", None), _MARK, False))


def install() -> None:
    """Make copies of SVG glyphs share their parsed path (idempotent; nothing happens when
    the installed Manim is not one the patch was written for)."""

    if not active():
        return
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

    if not installed(VMobjectFromSVGPath):
        setattr(_deepcopy_sharing_path, _MARK, True)
        # replacing a method of Manim's class is the patch itself; the function takes any
        # Mobject, not the class's Self-typed signature mypy expects of an assigned method
        VMobjectFromSVGPath.__deepcopy__ = _deepcopy_sharing_path  # type: ignore[method-assign, assignment]


__all__ = ["ENV", "enabled", "install", "installed", "switched_on"]
