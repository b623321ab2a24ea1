"""The commented TOML file ``chainrule init`` writes: every key with its value and what it means.

Each section opens with a sentence on what it is for; each key is preceded by its description
from the settings model (the same text an error message quotes as what is allowed).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from typing import Any

from chainrule.settings.model import SECTIONS

_HEADER = """\
# chainrule configuration: `chainrule check`, `list`, `render` and `script` read it (--config
# FILE, or ./chainrule.toml when present). Every key is shown with its default; edit what you need
# and delete the rest. Command-line options override this file.
"""

_SECTION_INTRO = {
    "network": "The network whose gradients the lecture derives (Andrew Ng's notation).",
    "theme": "Colours (hex '#RRGGBB' or Manim names such as 'ORANGE') per symbol family, "
    "the highlight, background and font sizes. Defaults: the Okabe-Ito palette, "
    "safe for colour-blind viewers.",
    "pacing": "How fast the lecture runs.",
    "labels": "Plain text on the title card (no TeX commands).",
    "output": "What `chainrule render` writes, and where.",
    "voice": "Narration: the offline Piper voice (default), your own recordings, or none. "
    "Piper is GPL-3.0 software; its joe-us voice was trained on a CC0 data set.",
}


def render_toml(values: Mapping[str, Mapping[str, Any]]) -> str:
    """The commented TOML text for ``values`` (``{section: {key: value}}``)."""
    lines = [_HEADER]
    for section, model in SECTIONS.items():
        lines += textwrap.wrap(
            _SECTION_INTRO[section], 96, initial_indent="# ", subsequent_indent="# "
        )
        lines.append(f"[{section}]")
        for key, field in model.model_fields.items():
            lines += textwrap.wrap(
                str(field.description), 96, initial_indent="# ", subsequent_indent="#   "
            )
            lines.append(f"{key} = {toml_value(values[section][key])}")
        lines.append("")
    return "\n".join(lines)


def toml_value(value: object) -> str:
    """A TOML literal for a string, number, boolean or list of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        # JSON strings are TOML basic strings, but for DEL, which TOML wants escaped too
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


__all__ = ["render_toml", "toml_value"]
