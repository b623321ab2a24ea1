"""Manim scenes of the verified chain-rule derivation, and the helpers they are built from.

Each lecture segment is a :class:`~scenes.base.DerivationScene` in its own module, so the stock
CLI renders it (``manim -ql scenes/expand.py ExpandToScalars``). Importing this package imports
neither the scene modules nor Manim: ``Theme`` and ``Pacing`` are loaded when first used, so
plain-data modules such as :mod:`scenes.narration` can be imported without Manim.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Pacing", "Theme"]


def __getattr__(name: str) -> Any:
    if name == "Pacing":
        from .pacing import Pacing

        return Pacing
    if name == "Theme":
        from .theme import Theme

        return Theme
    raise AttributeError(f"module 'scenes' has no attribute {name!r}")
