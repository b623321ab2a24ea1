"""Which Manim the patches were written for, and whether they apply to the one installed.

Every patch of :mod:`manim_adapter` reads or replaces Manim internals that a Manim release may
rename or drop. :func:`active` says whether they apply: the installed Manim is in
:data:`SUPPORTED` and every internal in :data:`INTERNALS` is there. When not, chainrule renders
with stock Manim (slower, same pictures) and :func:`active` prints one line saying why, once
per command: the line is not repeated by the worker processes it starts.

>>> supported_version("0.22.0"), supported_version("0.19.1"), supported_version("0.23.0")
(True, False, False)
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from functools import lru_cache

#: The Manim releases the patches were written for and are tested with: ``(lowest, below)``
#: as (major, minor); keep in step with the ``manim`` pin in ``pyproject.toml``.
SUPPORTED: tuple[tuple[int, int], tuple[int, int]] = ((0, 22), (0, 23))
#: The internals the patches read or replace, as ``module:attribute.attribute``.
INTERNALS: tuple[str, ...] = (
    "manim.mobject.svg.svg_mobject:VMobjectFromSVGPath",  # speedups
    "manim.mobject.mobject:Mobject.__deepcopy__",
    "manim.camera.camera:Camera.set_cairo_context_path",  # camera
    "manim.camera.camera:Camera.transform_points_pre_display",
    "manim.scene.video_segment_encoder:VideoSegmentEncoder._validate_frame",  # held frames
    "manim.scene.video_segment_encoder:VideoSegmentEncoder._operation_error",
    "manim.scene.scene_file_writer:SceneFileWriter._create_segment_encoder",
    "manim.scene.scene_file_writer:SceneFileWriter.combine_files",
    "manim.renderer.cairo_renderer:CairoRenderer",
    "manim.utils.tex_file_writing:make_tex_compilation_command",  # sandbox, batch
    "manim.utils.tex_file_writing:compile_tex",
    "manim.utils.tex_file_writing:convert_to_svg",
    "manim.utils.tex_file_writing:tex_hash",
    "manim.mobject.text.tex_mobject:tex_to_svg_file",  # TeX capture
)
#: Set in the environment once the warning is printed, so worker processes stay silent.
WARNED_ENV = "CHAINRULE_MANIM_WARNED"


def supported_version(version: str) -> bool:
    """Whether Manim ``version`` (e.g. ``"0.22.0"``) is in :data:`SUPPORTED`."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:2]]
    if len(numbers) < 2:
        return False
    lowest, below = SUPPORTED
    return lowest <= (numbers[0], numbers[1]) < below


def missing_internals(names: tuple[str, ...] = INTERNALS) -> list[str]:
    """Those of ``names`` (``module:attribute.attribute``) that cannot be imported."""
    missing = []
    for name in names:
        module_name, _, path = name.partition(":")
        try:
            found: object = importlib.import_module(module_name)
            for attribute in path.split(".") if path else ():
                found = getattr(found, attribute)
        except (ImportError, AttributeError):
            missing.append(name)
    return missing


def unsupported_reason() -> str | None:
    """Why the patches cannot apply to the installed Manim (``None`` when they can)."""
    import manim

    version = str(getattr(manim, "__version__", "unknown"))
    (a, b), (c, d) = SUPPORTED
    if not supported_version(version):
        return (
            f"Manim {version} is outside {a}.{b}–{c}.{d} (exclusive), the versions "
            f"chainrule's Manim patches were written for"
        )
    missing = missing_internals()
    if missing:
        return (
            f"Manim {version} lacks {', '.join(missing)}, which chainrule's Manim patches replace"
        )
    return None


@lru_cache(maxsize=1)
def active() -> bool:
    """Whether the patches apply to the installed Manim; if not, say why on one line of
    stderr (once per command) and let chainrule render with stock Manim."""
    reason = unsupported_reason()
    if reason is None:
        return True
    if not os.environ.get(WARNED_ENV):
        os.environ[WARNED_ENV] = "1"
        sys.stderr.write(
            f"chainrule: warning: {reason}; rendering with stock Manim (slower, same pictures)\n"
        )
        sys.stderr.flush()
    return False


__all__ = [
    "INTERNALS",
    "SUPPORTED",
    "WARNED_ENV",
    "active",
    "missing_internals",
    "supported_version",
    "unsupported_reason",
]
