"""Manim scenes of the verified chain-rule derivation, and the helpers they are built from.

Each lecture segment is a :class:`~scenes.base.DerivationScene` in its own module, so the stock
CLI renders it (``manim -ql scenes/expand.py ExpandToScalars``). Importing this package does
not import the scene modules.
"""

from __future__ import annotations

from .pacing import Pacing
from .theme import Theme

__all__ = ["Pacing", "Theme"]
