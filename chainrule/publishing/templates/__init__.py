"""The templates of what chainrule publishes, as package data files, and their one renderer.

The lecture page (``lecture_page.html`` with its ``.css`` and ``.js``), the handout
(``handout.tex``, ``handout.html``, ``handout.css``) and the slides' reveal.js template
(``slides.html``, a Jinja template that manim-slides renders) live in this folder and ship in
the wheel (``[tool.setuptools.package-data]``); :func:`read` reads one with
:mod:`importlib.resources`.

:func:`render` fills a template's ``@@NAME@@`` placeholders in one pass (what is inserted is
never scanned again). A value is escaped for the template's language unless it is
:class:`Markup`, text already written in that language by code that escaped its own parts; a
TeX template takes only :class:`Markup` (its text must be escaped with the handout's own rules,
:func:`chainrule.publishing.handout.latex_text`, which name where a bad character came from). Every
placeholder needs a value and every value a placeholder: a typo is an error, not a hole.

>>> render("lecture_page.css", BACKGROUND="#111", OK="#0f0", ERROR="<red>")[:40]
':root { --bg: #111; --panel: #1b1d22; --'
>>> escape_html('a < b & "c"')
'a &lt; b &amp; &quot;c&quot;'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import PurePath

#: A placeholder: ``@@NAME@@`` (capitals and underscores), safe in HTML, CSS, JS and TeX.
PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")


class Markup(str):
    """Text already in the template's language (HTML built from escaped parts, TeX from
    escaped text): inserted as it is."""

    __slots__ = ()


def escape_html(text: object) -> str:
    """``text`` as HTML text or attribute value (``& < > " '`` escaped)."""
    return html.escape(str(text), quote=True)


def _refuse(text: object) -> str:
    raise TypeError(
        f"this template takes only Markup values (escape the text for it first), not {text!r}"
    )


#: How a plain value is escaped, by the template's file suffix (the CSS and JS are inlined in
#: HTML pages); a template of another kind takes only :class:`Markup`.
ESCAPES: dict[str, Callable[[object], str]] = {
    ".html": escape_html,
    ".css": escape_html,
    ".js": escape_html,
}


@cache
def read(name: str) -> str:
    """The text of the template file ``name`` in this package."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def render(name: str, /, **values: object) -> str:
    """Template ``name`` with each ``@@NAME@@`` replaced by ``values[NAME]`` (escaped for the
    template's kind unless it is :class:`Markup`)."""
    text = read(name)
    wanted = set(PLACEHOLDER.findall(text))
    if wanted != set(values):
        missing, unknown = sorted(wanted - set(values)), sorted(set(values) - wanted)
        raise KeyError(
            f"template {name} has the placeholders {', '.join(sorted(wanted)) or 'none'}; "
            f"missing: {', '.join(missing) or 'none'}; unknown: {', '.join(unknown) or 'none'}"
        )
    escape = ESCAPES.get(PurePath(name).suffix, _refuse)
    filled = {
        key: value if isinstance(value, Markup) else escape(value) for key, value in values.items()
    }
    return PLACEHOLDER.sub(lambda match: filled[match.group(1)], text)


__all__ = ["ESCAPES", "PLACEHOLDER", "Markup", "escape_html", "read", "render"]
