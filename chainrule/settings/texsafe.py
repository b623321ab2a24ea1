"""Text from a config file that may reach LaTeX: plain text, checked and escaped.

Labels (title, course name) are *plain text*. :func:`check_label` rejects what has no place in
a label and, with a reason, every TeX control sequence that could read or write files, change
catcodes or define macros; :func:`escape_tex` turns checked text into TeX that typesets those
characters literally (for scenes that put labels in ``Tex`` rather than ``Text``; today the
lecture draws them with Pango ``Text``, so they do not reach LaTeX at all).

The TeX that does reach LaTeX is generated: formulas from :mod:`derivations` (built from the
network's sizes, never from free text) and Manim's template, and LaTeX runs sandboxed
(:func:`manim_adapter.sandbox.latex_sandbox`); no config text reaches LaTeX, and
:func:`check_label` refuses ``\\input`` and its relatives.

>>> escape_tex("50% of $x_1$ & more")
'50\\\\% of \\\\$x\\\\_1\\\\$ \\\\& more'
>>> check_label("title", r"\\input{/etc/passwd}")
Traceback (most recent call last):
...
ValueError: title contains \\input, which makes TeX read a file: labels are plain text
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

MAX_LABEL_LENGTH = 120

#: Control sequences rejected with the reason given (the rest of ``\word`` is rejected too).
DANGEROUS: dict[str, str] = {
    **dict.fromkeys(
        (
            "input",
            "include",
            "includeonly",
            "openin",
            "read",
            "readline",
            "InputIfFileExists",
            "IfFileExists",
            "lstinputlisting",
            "verbatiminput",
            "usepackage",
            "RequirePackage",
            "documentclass",
            "includegraphics",
            "includepdf",
            "font",
            "pdfximage",
            "pdffiledump",
            "pdfmdfivesum",
            "scantokens",
            "everyeof",
        ),
        "makes TeX read a file",
    ),
    **dict.fromkeys(
        (
            "write",
            "openout",
            "immediate",
            "closeout",
            "newwrite",
            "special",
            "write18",
            "ShellEscape",
            "directlua",
            "latelua",
            "luaexec",
            "pdfshellescape",
            "filecontents",
        ),
        "makes TeX write a file or run a command",
    ),
    **dict.fromkeys(
        (
            "catcode",
            "lccode",
            "uccode",
            "mathcode",
            "sfcode",
            "delcode",
            "endlinechar",
            "escapechar",
            "newlinechar",
            "lowercase",
            "uppercase",
            "detokenize",
            "string",
            "everyjob",
            "everypar",
            "everymath",
        ),
        "changes how TeX reads text",
    ),
    **dict.fromkeys(
        (
            "def",
            "edef",
            "gdef",
            "xdef",
            "let",
            "futurelet",
            "newcommand",
            "renewcommand",
            "providecommand",
            "DeclareRobustCommand",
            "csname",
            "endcsname",
            "expandafter",
            "noexpand",
            "makeatletter",
            "newenvironment",
            "renewenvironment",
            "global",
            "outer",
            "long",
            "protected",
            "afterassignment",
            "aftergroup",
        ),
        "defines or expands macros",
    ),
    "begin": "opens an environment (filecontents, for one, writes a file)",
}

_CONTROL_SEQUENCE = re.compile(r"\\([A-Za-z@]+|.)", re.S)
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def check_label(key: str, text: str) -> None:
    """Raise ``ValueError`` naming ``key`` if ``text`` is not a safe, reasonable label."""
    if len(text) > MAX_LABEL_LENGTH:
        raise ValueError(
            f"{key} is {len(text)} characters long: labels are at most "
            f"{MAX_LABEL_LENGTH} characters"
        )
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise ValueError(
                f"{key} contains the control character {char!r}: labels are one "
                f"line of printable text"
            )
    if "^^" in text:  # ^^5c is a backslash, ^^M a line end: escapes that hide the rest
        raise ValueError(
            f"{key} contains ^^, which TeX reads as a character code escape: labels are plain text"
        )
    for match in _CONTROL_SEQUENCE.finditer(text):
        name = match.group(1)
        reason = DANGEROUS.get(name)
        if reason is not None:
            raise ValueError(f"{key} contains \\{name}, which {reason}: labels are plain text")
        if name.isalpha() or "@" in name:  # any \word, \@word: labels are plain text
            raise ValueError(
                f"{key} contains the TeX command \\{name}: labels are plain text "
                f"(write symbols directly, e.g. ᵀ, ∗, ′)"
            )


def escape_tex(text: str) -> str:
    """``text`` as TeX that prints exactly these characters."""
    return "".join(_ESCAPES.get(char, char) for char in text)


#: The non-ASCII characters words may contain, each with the math it is set as.
MATH_CHARACTERS: Mapping[str, str] = MappingProxyType(
    {
        "ℒ": r"\mathcal{L}",
        "𝓛": r"\mathcal{L}",
        "×": r"\times",
        "≠": r"\neq",
        "ᵀ": r"^{T}",
        "′": r"'",
        "∗": r"\ast",
        "·": r"\cdot",
        "σ": r"\sigma",
        "∂": r"\partial",
        "−": r"-",
        "…": r"\ldots",
    }
)
#: Relations and operators: math mode spaces them, so the spaces around them in the text go.
SPACED = frozenset("×≠∗·−")
#: Typographic punctuation set as its ASCII or TeX equivalent inside ``\text``.
TEXT_CHARACTERS: Mapping[str, str] = MappingProxyType(
    {"’": "'", "‘": "`", "“": "``", "”": "''", "–": "--", "—": "---"}
)


def words_tex(text: str, what: str = "words") -> str:
    """``text`` as TeX for math mode: ``\\text{...}`` runs and math characters.

    ``ValueError`` naming ``what`` for text that is no plain label (a TeX command, a control
    character) or holds a character TeX cannot set here.

    >>> words_tex("a ≠ b")
    '\\\\text{a}\\\\neq\\\\text{b}'
    >>> words_tex(r"\\input x")
    Traceback (most recent call last):
    ...
    ValueError: words contains \\input, which makes TeX read a file: labels are plain text
    """
    check_label(what, text)
    pieces: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            pieces.append(r"\text{" + "".join(run) + "}")
            run.clear()

    for index, char in enumerate(text):
        if char == " " and index + 1 < len(text) and text[index + 1] in SPACED:
            continue  # math mode spaces a relation or an operator itself
        if char == " " and index and text[index - 1] in SPACED:
            continue
        if char in MATH_CHARACTERS:
            close_run()
            pieces.append(MATH_CHARACTERS[char])
        elif char in TEXT_CHARACTERS:
            run.append(TEXT_CHARACTERS[char])
        elif " " <= char <= "~":
            run.append(escape_tex(char))
        else:
            raise ValueError(
                f"{what} {text!r} contains {char!r}, which the screen's TeX cannot set: use "
                f"ASCII or one of {' '.join(MATH_CHARACTERS)}"
            )
    close_run()
    if not pieces:
        raise ValueError(f"{what} is empty: there is nothing to typeset")
    return "".join(pieces)


__all__ = [
    "DANGEROUS",
    "MATH_CHARACTERS",
    "MAX_LABEL_LENGTH",
    "SPACED",
    "TEXT_CHARACTERS",
    "check_label",
    "escape_tex",
    "words_tex",
]
