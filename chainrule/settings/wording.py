"""Validation errors as one line: the key, the value and what is allowed.

Pydantic reports every problem with a location and a type; an educator needs the first one,
named as it stands in the file (``[network] m = 9``), with what the key allows (its
description) or, for a typo, the closest known key.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

#: The settings model's sections: ``{"network": NetworkSettings, ...}``.
Sections = Mapping[str, type[BaseModel]]


def describe_error(error: ValidationError, sections: Sections, brief: bool = False) -> str:
    """One line for the first problem of ``error``: the key, the value, what is allowed
    (``sections``: the settings model's section models by name)."""
    problem = error.errors()[0]
    loc = tuple(problem["loc"])
    kind = problem["type"]
    message = problem["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return _unknown(loc, sections)
    where = _where(loc)
    if kind.startswith("value_error") or kind == "assertion_error":
        # our validators (and NetworkSpec) name the key and the value themselves
        return f"[{loc[0]}] {message}" if loc and not brief else message
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{where} must be a table of keys, like [{loc[0]}] followed by key = value lines"
    value = problem.get("input")
    allowed = _allowed(loc, sections)
    subject = _show(value) if brief else f"{where} = {_show(value)}"
    return f"{subject} is not allowed ({message[:1].lower()}{message[1:]})" + (
        f"; {loc[1]}: {allowed}" if allowed else ""
    )


def _where(loc: tuple[Any, ...]) -> str:
    if not loc:
        return "the config"
    key = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[1:])
    return f"[{loc[0]}] {key.lstrip('.')}".rstrip()


def _allowed(loc: tuple[Any, ...], sections: Sections) -> str | None:
    if len(loc) < 2 or loc[0] not in sections:
        return None
    field = sections[loc[0]].model_fields.get(str(loc[1]))
    return field.description if field is not None else None


def _unknown(loc: tuple[Any, ...], sections: Sections) -> str:
    if len(loc) == 1:
        known = list(sections)
        name = str(loc[0])
        what = f"unknown section [{name}]"
    else:
        known = list(sections[loc[0]].model_fields) if loc[0] in sections else []
        name = str(loc[-1])
        what = f"unknown key {name!r} in [{loc[0]}]"
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{what}{hint}: allowed are {', '.join(known)}"


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["Sections", "describe_error"]
