"""chainrule: a verified derivation of the matrix chain rule for backprop, rendered with Manim.

The ``chainrule`` command (:mod:`chainrule.cli`) checks, lists and renders the lecture; its
settings are :class:`Settings`; its errors are the classes of :mod:`chainrule.errors`.
Importing this package does not import Manim.
"""

from __future__ import annotations

__version__ = "0.1.0"

from chainrule.errors import (
    ChainruleError,
    ConfigError,
    Interrupted,
    MissingDependency,
    RenderFailed,
    VerificationFailed,
)
from chainrule.settings.model import Settings

__all__ = [
    "ChainruleError",
    "ConfigError",
    "Interrupted",
    "MissingDependency",
    "RenderFailed",
    "Settings",
    "VerificationFailed",
    "__version__",
]
