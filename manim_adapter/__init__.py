"""Everything chainrule does to Manim's internals, in one place, for one range of Manim.

Scenes and the CLI use Manim's public API; what reaches past it lives here:

========================  ===============================================================
:mod:`.speedups`          copies of typeset glyphs share their parsed SVG path
:mod:`.camera`            a Cairo camera that builds the same paths with less Python
:mod:`.fastwrite`         still frames encoded once, held (:mod:`.holding` subclasses
                          Manim's file writer and segment encoder)
:mod:`.concat`            videos joined by their durations, without re-encoding
:mod:`.sandbox`           every LaTeX run with shell escape off, writes kept in its folder
:mod:`.texbatch`          the TeX files ``MathTex`` would write, typeset in one batch
:mod:`.support`           the Manim versions and internals the patches were written for
========================  ===============================================================

Each patch checks :func:`.support.active` first: with a Manim outside
:data:`.support.SUPPORTED`, or one that lacks an internal a patch replaces, chainrule renders
with stock Manim and prints one warning line; importing never fails. The pictures are the same
either way (contract tests against stock Manim: ``tests/manim_adapter/test_patches.py``,
``tests/manim_adapter/test_camera.py``, ``tests/manim_adapter/test_speedups.py``,
``tests/manim_adapter/test_texbatch.py``). ``CHAINRULE_SPEEDUPS=0`` turns the drawing and writing
patches off
(``CHAINRULE_FASTWRITE=0`` only the held frames), for a stock-Manim baseline.

Which TeX strings a scene will typeset is the scenes' own knowledge: :mod:`scenes.typeset`.

>>> from manim_adapter import support
>>> support.active()
True
"""

from __future__ import annotations

__all__: list[str] = []
