"""The cache key of a render unit: a digest of everything that shapes its pictures.

A unit's key covers

* the settings (network, theme, pacing; the labels only for the title card, the one part that
  shows them), the pixel size, frame rate and video format;
* the scene: its class, the part and its segment, and the steps the parts before it narrate
  (a part inherits them: a repeated step is marked as continued);
* the code: the content of every file of ``derivations``, ``chainrule`` and ``manim_adapter``
  (when installed), and of the ``scenes`` modules the unit runs: ``scenes/__init__.py``, the
  scene's own module, the part's segment module and every ``scenes`` module those import,
  transitively (found by reading their imports, function-level ones included), except the
  modules of the other parts' segments;
* the tools: the versions of Manim, Cairo, Pango, TeX (``latex``), ``dvisvgm``, SymPy, PyAV and
  its FFmpeg libraries, the encoder options, and whether the drawing speed-ups are on.

Part-level precision is kept: a change to one segment's module redraws the parts that run it
(a part runs only its own segment; the segments before it contribute only the ids of the
steps they narrate, and those ids are in the key). Any change to ``derivations``,
``chainrule`` or ``manim_adapter`` redraws everything.

The tool versions and package digests are found once per command (:func:`toolchain`).
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import json
import platform
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import sympy

from chainrule.exchange import ENCODER_OPTIONS
from manim_adapter import fastwrite, speedups

#: Bumped when the layout of a cached unit or the way units are made changes.
SCHEMA = "chainrule-unit-4"
#: Packages digested whole (a missing optional one counts as absent).
PACKAGES = ("derivations", "chainrule", "manim_adapter")


@dataclass(frozen=True)
class Toolchain:
    """Code digests and tool versions that shape every unit of a render."""

    packages: tuple[tuple[str, str], ...]
    versions: tuple[tuple[str, str], ...]
    switches: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, Any]:
        """The three groups as plain mappings (for the key document)."""
        return {
            "packages": dict(self.packages),
            "versions": dict(self.versions),
            "switches": dict(self.switches),
        }


@lru_cache(maxsize=1)
def toolchain() -> Toolchain:
    """The :class:`Toolchain` of this process (found once)."""
    return Toolchain(
        packages=tuple((name, package_digest(name)) for name in PACKAGES),
        versions=tuple(sorted(tool_versions().items())),
        switches=tuple(sorted(_switches().items())),
    )


def package_digest(package: str) -> str:
    """A digest of every file of ``package`` (paths and contents), or ``"absent"``."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return "absent"
    root = Path(next(iter(spec.submodule_search_locations)))
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(file_digest(path).encode() + b"\0")
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tool_versions() -> dict[str, str]:
    """Versions of the libraries and programs that draw, typeset and encode."""
    import av
    import cairo
    import manim
    import manimpango

    versions = {
        "manim": manim.__version__,
        "cairo": cairo.cairo_version_string(),
        "pycairo": cairo.version,
        "pango": manimpango.pango_version(),
        "manimpango": manimpango.__version__,
        "sympy": sympy.__version__,
        "av": av.__version__,
        "python": platform.python_version(),
    }
    versions.update(
        {
            name: ".".join(map(str, number))
            for name, number in getattr(av, "library_versions", {}).items()
        }
    )
    for program in ("latex", "dvisvgm"):
        versions[program] = _program_version(program)
    return versions


def _program_version(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        return "absent"
    try:
        output = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return output.strip().splitlines()[0] if output.strip() else "unknown"


def _switches() -> dict[str, str]:

    return {
        "fastwrite": str(fastwrite.enabled()),
        "speedups": str(speedups.enabled()),
        "encoder": json.dumps(ENCODER_OPTIONS, sort_keys=True),
    }


def unit_key(document: dict[str, Any]) -> str:
    """The key of a unit described by ``document`` (JSON-able), with the schema and the
    :func:`toolchain` added."""
    full = {"schema": SCHEMA, "toolchain": toolchain().as_dict(), **document}
    text = json.dumps(full, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def scene_sources(
    scene_module: str,
    segment_module: str | None = None,
    other_segments: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Digests of the ``scenes`` files a unit runs: those of ``scenes/__init__.py``, the
    scene's module and, for a part, its segment's module, each with every ``scenes`` module it
    imports, transitively. The other parts' segment modules are not followed from the scene's
    module (the lecture imports them all, and a part runs only its own segment; their
    module-level code only defines classes), only from a segment module of their own."""
    names = _closure(scene_module, other_segments) | _closure("scenes")
    if segment_module is not None:  # all it imports, other segments' modules included ...
        names |= _closure(
            segment_module,  # ... unless it is the scene's module
            other_segments if segment_module == scene_module else frozenset(),
        )
    return {name: file_digest(_module_file(name)) for name in sorted(names)}


def _module_file(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"no module {module}")
    return Path(spec.origin)


def _closure(module: str, exclude: frozenset[str] = frozenset()) -> set[str]:
    """``module`` and every ``scenes`` module it imports, transitively (``exclude``: modules
    not followed)."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or (name in exclude and name != module):
            continue
        seen.add(name)
        todo.extend(_scene_imports(_module_file(name)))
    return seen


def _scene_imports(path: Path) -> frozenset[str]:
    """The ``scenes`` modules a file imports, anywhere in it (functions included)."""
    return _imports_in(path.parent, path.read_bytes())


@lru_cache(maxsize=256)
def _imports_in(package_dir: Path, source: bytes) -> frozenset[str]:
    """:func:`_scene_imports` of one file's ``source``, parsed once per content (every unit
    of a render follows the same files: parsing them again for each unit took a second of a
    warm render)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.decode("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                base = f"scenes.{node.module}" if node.module else "scenes"
            else:
                base = node.module or ""
            if base == "scenes":  # from scenes import build / from . import x
                found.update(
                    f"scenes.{alias.name}"
                    for alias in node.names
                    if (package_dir / f"{alias.name}.py").exists()
                )
            elif base.startswith("scenes."):
                found.add(base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("scenes."))
    return frozenset(found)


__all__ = [
    "PACKAGES",
    "SCHEMA",
    "Toolchain",
    "file_digest",
    "package_digest",
    "scene_sources",
    "tool_versions",
    "toolchain",
    "unit_key",
]
