"""System programs and libraries a render needs, checked before any work starts.

Each check names what is missing and the exact command that installs it (Debian/Ubuntu, the
packages ``scripts/bootstrap.sh`` installs):

* Cairo and Pango, which Manim draws with (through ``pycairo`` and ``manimpango``);
* ``latex`` and ``dvisvgm``, which typeset the formulas;
* the LaTeX files Manim's template loads (``standalone.cls``, ``preview.sty``, ...), found with
  ``kpsewhich``: ``latex`` alone (``texlive-latex-base``) does not bring ``standalone``.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

from chainrule.errors import MissingDependency

#: Debian/Ubuntu packages providing each program Manim calls.
APT_PACKAGES: dict[str, tuple[str, ...]] = {
    "latex": (
        "texlive-latex-base",
        "texlive-latex-recommended",
        "texlive-latex-extra",
        "texlive-fonts-recommended",
    ),
    "dvisvgm": ("dvisvgm",),
}

#: Files Manim's default TeX template needs, and the package that provides each.
TEX_FILES: dict[str, str] = {
    "standalone.cls": "texlive-latex-extra",
    "preview.sty": "texlive-latex-extra",
    "babel.sty": "texlive-latex-base",
    "english.ldf": "texlive-latex-base",
    "amsmath.sty": "texlive-latex-base",
    "amssymb.sty": "texlive-base",
}

#: Python modules Manim draws with, and the system library each one loads.
GRAPHICS_MODULES: dict[str, str] = {"cairo": "Cairo", "manimpango": "Pango"}
GRAPHICS_APT_PACKAGES = ("libcairo2-dev", "libpango1.0-dev", "pkg-config")


def missing_programs() -> list[str]:
    """The programs of :data:`APT_PACKAGES` that are not on ``PATH``."""
    return [program for program in APT_PACKAGES if shutil.which(program) is None]


def missing_tex_files() -> list[str]:
    """The files of :data:`TEX_FILES` that ``kpsewhich`` does not find (none if there is no
    ``kpsewhich`` to ask: then LaTeX itself will say)."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return []
    try:
        found = subprocess.run(
            [kpsewhich, *TEX_FILES], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    names = {Path(line.strip()).name for line in found.splitlines() if line.strip()}
    return [name for name in TEX_FILES if name not in names]


def require_tex() -> None:
    """Raise :class:`MissingDependency` with the apt command when LaTeX tools are missing."""
    missing = missing_programs()
    if missing:
        packages = " ".join(package for program in missing for package in APT_PACKAGES[program])
        raise MissingDependency(
            f"{' and '.join(missing)} not found: Manim needs "
            f"{'them' if len(missing) > 1 else 'it'} to typeset formulas; "
            f"install with `sudo apt-get install {packages}`"
        )
    files = missing_tex_files()
    if files:
        packages = " ".join(dict.fromkeys(TEX_FILES[name] for name in files))
        raise MissingDependency(
            f"LaTeX is installed but {', '.join(files)} "
            f"{'are' if len(files) > 1 else 'is'} not: Manim's formula "
            f"template needs {'them' if len(files) > 1 else 'it'}; install "
            f"with `sudo apt-get install {packages}`"
        )


def require_graphics() -> None:
    """Raise :class:`MissingDependency` when Cairo or Pango cannot be loaded.

    The install command rebuilds ``pycairo`` and ``manimpango`` against the libraries, for
    this Python (``sys.executable``).
    """
    problems = []
    for module, library in GRAPHICS_MODULES.items():
        try:
            importlib.import_module(module)
        except ImportError as error:
            problems.append(f"{library} ({module}: {' '.join(str(error).split())[:120]})")
    if problems:
        raise MissingDependency(
            f"{' and '.join(problems)} cannot be loaded: Manim draws with Cairo and Pango; "
            f"install them with `sudo apt-get install {' '.join(GRAPHICS_APT_PACKAGES)}`, then "
            f"`{sys.executable} -m pip install --force-reinstall pycairo manimpango`"
        )


__all__ = [
    "APT_PACKAGES",
    "GRAPHICS_APT_PACKAGES",
    "GRAPHICS_MODULES",
    "TEX_FILES",
    "missing_programs",
    "missing_tex_files",
    "require_graphics",
    "require_tex",
]
