"""The scenes the CLI knows: found in the ``scenes`` package, in lecture order.

Every concrete :class:`~scenes.base.DerivationScene` subclass defined in a ``scenes`` module
(helper modules such as ``base`` and ``theme`` aside) is found by importing those modules, and
ordered as the lecture plays them (:func:`lecture_order`: each scene where its segment comes in
``Lecture.every_segment()``, the lecture itself last), the others alphabetically after them.
A module that fails to import is reported, not fatal, so one scene under construction does not
stop the others. A command discovers the scenes once, in its plan
(:mod:`chainrule.rendering.plan`); a worker process imports the one class it draws by its module
and name (:func:`scene_by_path`).
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn, cast

import scenes
from chainrule.errors import ConfigError, MissingDependency

if TYPE_CHECKING:  # for annotations only
    from derivations import Derivation
    from scenes.pacing import Pacing

#: The scene ``chainrule render`` renders when none is named.
DEFAULT_SCENE = "Lecture"
_HELPER_MODULES = frozenset(
    {"base", "equations", "matrices", "layout", "theme", "pacing", "typeset", "narration"}
)


@dataclass(frozen=True)
class Catalog:
    """Scene classes by name (in lecture order) and the modules that failed to import."""

    scenes: dict[str, type]
    problems: tuple[str, ...] = ()

    def get(self, name: str) -> type:
        """The scene called ``name``; :class:`ConfigError` suggests the closest name."""
        if name in self.scenes:
            return self.scenes[name]
        lowered = {key.lower(): key for key in self.scenes}
        if name.lower() in lowered:
            hint = f" (did you mean {lowered[name.lower()]}?)"
        else:
            close = difflib.get_close_matches(name, list(self.scenes), n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]}?)" if close else ""
        shown = name if len(name) <= 60 else name[:57] + "..."
        known = ", ".join(self.scenes) or "none"
        return _raise(ConfigError(f"unknown scene {shown!r}{hint}: the scenes are {known}"))


def _raise(error: Exception) -> NoReturn:
    raise error


def import_manim() -> ModuleType:
    """Import Manim, turning a missing Cairo/Pango into the install command."""
    try:
        import manim
    except ImportError as error:
        text = str(error).lower()
        if any(word in text for word in ("cairo", "pango", "libpango", "manimpango")):
            raise MissingDependency(
                f"Manim cannot load Cairo/Pango ({error}): install them with `sudo apt-get "
                f"install libcairo2-dev libpango1.0-dev pkg-config`, then `pip install "
                f"--force-reinstall pycairo manimpango`"
            ) from error
        raise
    return manim


def discover() -> Catalog:
    """Every scene class, in lecture order."""
    import_manim()
    from scenes.base import DerivationScene

    found: dict[str, type] = {}
    problems: list[str] = []
    for info in sorted(pkgutil.iter_modules(scenes.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in _HELPER_MODULES:
            continue
        module_name = f"scenes.{info.name}"
        try:
            module = importlib.import_module(module_name)
        except Exception as error:  # a module being written must not hide the others
            problems.append(f"{module_name} could not be imported: {type(error).__name__}: {error}")
            continue
        for name, cls in vars(module).items():
            if (
                inspect.isclass(cls)
                and issubclass(cls, DerivationScene)
                and cls is not DerivationScene
                and cls.__module__ == module_name
                and not name.startswith("_")
                and is_concrete(cls)
            ):
                found[name] = cls
    names = lecture_order(found)
    return Catalog({name: found[name] for name in names}, tuple(problems))


def lecture_order(found: dict[str, type]) -> list[str]:
    """The names of ``found`` in the order the lecture (:data:`DEFAULT_SCENE`) plays their
    segments; a scene whose segment is a general form of a lecture segment (``FoldBack``'s
    fold, played in two halves) goes where the first half plays. The lecture comes last;
    scenes it does not play follow alphabetically."""
    every_segment = getattr(found.get(DEFAULT_SCENE), "every_segment", None)
    sequence: tuple[type, ...] = tuple(every_segment()) if callable(every_segment) else ()

    def place(name: str) -> tuple[int, str]:
        if name == DEFAULT_SCENE:
            return (len(sequence), name)
        segment = getattr(found[name], "segment", None)
        for index, played in enumerate(sequence):
            if isinstance(segment, type) and issubclass(played, segment):
                return (index, name)
        return (len(sequence) + 1, name)

    return sorted(found, key=place)


def scene_path(cls: type) -> str:
    """``"module:QualifiedName"`` of a scene class, for :func:`scene_by_path`."""
    return f"{cls.__module__}:{cls.__qualname__}"


def scene_by_path(path: str) -> type:
    """The class at ``"module:QualifiedName"`` (imports its module, not every scene)."""
    import_manim()
    module_name, _, qualname = path.partition(":")
    found: Any = importlib.import_module(module_name)
    for name in qualname.split("."):
        found = getattr(found, name)
    return cast(type, found)


def is_concrete(cls: type) -> bool:
    """Not abstract, and every class attribute it declares as ``ClassVar`` has a value
    (``SegmentScene`` declares ``segment`` and leaves it to subclasses)."""
    if inspect.isabstract(cls):
        return False
    for klass in cls.__mro__:
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            if "ClassVar" in str(annotation) and not hasattr(cls, name):
                return False
    return True


def summary(cls: type) -> str:
    """The first line of the class docstring, without reST markup."""
    doc = inspect.getdoc(cls) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    return re.sub(r"``?([^`]+)``?", r"\1", re.sub(r":\w+:`~?([^`]+)`", r"\1", first)).strip()


def step_ids_of(cls: type, derivation: Derivation) -> tuple[str, ...]:
    """The steps a scene shows: its ``step_ids``, or every step when it lists none."""
    ids = tuple(getattr(cls, "step_ids", ()) or ())
    if not ids:
        return tuple(step.id for step in derivation.steps)
    known = {str(step.id) for step in derivation.steps}  # ids compare by their text form
    return tuple(step_id for step_id in ids if str(step_id) in known)


def narrated_ids_of(cls: type, derivation: Derivation) -> tuple[str, ...]:
    """The ids of the steps a scene reads out, in the order it reads them, each once: the
    ``narrated_ids_for`` of each of its segments (a lecture's ``segments_for``, or its one
    ``segment``), else :func:`step_ids_of` (a step another segment already read out is only
    marked as continued, so it is said once)."""
    segments_for = getattr(cls, "segments_for", None)
    if callable(segments_for):
        segments = tuple(segments_for(derivation))
    elif (segment := getattr(cls, "segment", None)) is not None:
        segments = (segment,)
    else:
        return tuple(dict.fromkeys(str(step_id) for step_id in step_ids_of(cls, derivation)))
    ids: list[str] = []
    for segment in segments:
        narrated = getattr(segment, "narrated_ids_for", None) or segment.step_ids_for
        ids.extend(str(step_id) for step_id in narrated(derivation))
    return tuple(dict.fromkeys(ids))


def estimated_seconds(cls: type, derivation: Derivation, pacing: Pacing) -> float:
    """A scene's estimated length: its own ``estimated_duration(derivation, pacing)`` if it
    has one, else the reading time of its steps' narrations (a lower bound)."""
    own = getattr(cls, "estimated_duration", None)
    if callable(own):
        return float(own(derivation, pacing))
    return sum(
        pacing.reading_time(derivation.step(step_id).narration)
        for step_id in step_ids_of(cls, derivation)
    )


__all__ = [
    "DEFAULT_SCENE",
    "Catalog",
    "discover",
    "estimated_seconds",
    "import_manim",
    "lecture_order",
    "narrated_ids_of",
    "scene_by_path",
    "scene_path",
    "step_ids_of",
    "summary",
]
