"""What the settings become for the scenes: the network spec, the :class:`scenes.theme.Theme`,
the :class:`scenes.pacing.Pacing` and the lecture's labels, built once per process; and the
settings with every default filled in (for manifests, cache keys and ``chainrule init``).

:mod:`chainrule.settings.model` validates what educators write and never imports ``scenes``; this
module is where the scenes' own classes (which import Manim) take those values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from chainrule.errors import ConfigError
from chainrule.settings.model import (
    LabelsSettings,
    PacingSettings,
    Settings,
    ThemeSettings,
)
from chainrule.settings.template import render_toml
from derivations.spec import NetworkSpec
from scenes.pacing import Pacing

if TYPE_CHECKING:
    from scenes.pacing import Pacing
    from scenes.theme import Theme


@dataclass(frozen=True)
class SceneSettings:
    """The objects a scene class is given: ``spec``, ``theme``, ``pacing`` and the labels set
    in ``[labels]`` (class attributes of the scenes that show them)."""

    spec: NetworkSpec
    theme: Theme
    pacing: Pacing
    labels: Mapping[str, str]


@lru_cache(maxsize=8)
def scene_settings(settings: Settings) -> SceneSettings:
    """The :class:`SceneSettings` of ``settings``, built once per process and settings;
    errors name the file and section (:class:`ConfigError`)."""
    return SceneSettings(
        spec=settings.network.spec(),
        theme=build_theme(settings),
        pacing=build_pacing(settings),
        labels=MappingProxyType(settings.labels.overrides()),
    )


def build_theme(settings: Settings) -> Theme:
    """The :class:`scenes.theme.Theme` of ``[theme]`` (imports Manim)."""
    from scenes.theme import Theme

    try:
        return Theme.from_dict(settings.theme.overrides())
    except (ValueError, TypeError) as error:
        raise ConfigError(f"{settings.where('theme')} {error}") from None


def build_pacing(settings: Settings) -> Pacing:
    """The :class:`scenes.pacing.Pacing` of ``[pacing]``."""

    try:
        return Pacing(**settings.pacing.overrides())
    except (ValueError, TypeError) as error:
        raise ConfigError(f"{settings.where('pacing')} {error}") from None


def resolved(settings: Settings) -> dict[str, Any]:
    """Every value of ``settings``, defaults filled in from the theme, pacing and lecture
    classes (for manifests, cache keys and :func:`settings_toml`)."""
    objects = scene_settings(settings)
    data = settings.model_dump(mode="json")
    data["network"]["layer_dims"] = list(settings.network.layer_dims)
    data["theme"] = _theme_values(objects.theme)
    data["pacing"] = {key: getattr(objects.pacing, key) for key in PacingSettings.model_fields}
    data["labels"] = {**default_labels(), **settings.labels.overrides()}
    return data


def default_labels() -> dict[str, str]:
    """The title and course the lecture scene shows by default."""
    try:
        from scenes.lecture import Lecture
    except ImportError:  # the scene is not there: nothing shows labels
        return {"title": "", "course": ""}
    return {key: str(getattr(Lecture, key, "")) for key in LabelsSettings.model_fields}


def _theme_values(theme: Theme) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ThemeSettings.model_fields:
        if key in theme.families:
            values[key] = theme.families[key]
        elif hasattr(theme, key):
            values[key] = getattr(theme, key)
    return values


def settings_toml(settings: Settings) -> str:
    """A fully commented TOML file holding every key of ``settings``."""
    return render_toml(resolved(settings))


def write_settings(
    settings: Settings, path: str | os.PathLike[str], overwrite: bool = False
) -> None:
    """Write :func:`settings_toml` to ``path``; refuses to replace a file unless
    ``overwrite`` (``FileExistsError``)."""
    text = settings_toml(settings)
    with Path(path).open("w" if overwrite else "x", encoding="utf-8") as file:
        file.write(text)


__all__ = [
    "SceneSettings",
    "build_pacing",
    "build_theme",
    "default_labels",
    "resolved",
    "scene_settings",
    "settings_toml",
    "write_settings",
]
