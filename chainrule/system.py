"""System programs and libraries a render needs, checked before any work starts."""

from __future__ import annotations

import shutil

from .errors import MissingDependency

#: Debian/Ubuntu packages providing each program Manim calls.
APT_PACKAGES: dict[str, tuple[str, ...]] = {
    "latex": ("texlive-latex-base", "texlive-latex-recommended", "texlive-latex-extra",
              "texlive-fonts-recommended"),
    "dvisvgm": ("dvisvgm",),
}


def missing_programs() -> list[str]:
    """The programs of :data:`APT_PACKAGES` that are not on ``PATH``."""
    return [program for program in APT_PACKAGES if shutil.which(program) is None]


def require_tex() -> None:
    """Raise :class:`MissingDependency` with the apt command when LaTeX tools are missing."""
    missing = missing_programs()
    if missing:
        packages = " ".join(package for program in missing for package in APT_PACKAGES[program])
        raise MissingDependency(f"{' and '.join(missing)} not found: Manim needs "
                                f"{'them' if len(missing) > 1 else 'it'} to typeset formulas; "
                                f"install with `sudo apt-get install {packages}`")


__all__ = ["APT_PACKAGES", "missing_programs", "require_tex"]
