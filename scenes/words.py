"""Words on screen in the formulas' own type: titles, shape labels and verdicts as TeX.

A title in a sans-serif or Pango serif beside Computer Modern formulas, or a shape label
``(3×2)`` in one face under ``(n^{[1]} × m)`` in another, makes one screen look like two. So
every word a scene shows is typeset by the same ``MathTex`` (with the screen template) as the
formulas: :func:`words_part` turns plain text into one :class:`~derivations.steps.TexPart`
whose TeX is ``\\text{...}`` runs, with the few mathematical characters the derivation's
words use set in math (``ℒ`` as ``\\mathcal{L}``, ``×``, ``≠``, ``ᵀ``, ``′``, ``∗``).

The text is validated before it reaches LaTeX: :func:`chainrule.settings.texsafe.check_label`
refuses control characters and every TeX command, :func:`~chainrule.settings.texsafe.escape_tex`
makes TeX's special characters print as themselves, and any other character outside printable
ASCII is refused by name (pdfTeX would stop on it). Nothing here imports Manim.

>>> words_part("Nudge it and watch ℒ").tex
'\\\\text{Nudge it and watch }\\\\mathcal{L}'
>>> words_part("(3×2)").tex
'\\\\text{(3}\\\\times\\\\text{2)}'
>>> words_part("50% of W[2]ᵀ").tex
'\\\\text{50\\\\% of W[2]}^{T}'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from chainrule.settings.texsafe import check_label, escape_tex
from derivations.steps import TexPart

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


#: The word that sets a defining equation apart from a formula (``where A[0] = X``).
NOTE_WORD = "where"


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


def words_part(text: str, name: str = "words") -> TexPart:
    """``text`` as one part with no symbol (drawn in the theme's text colour, or the colour a
    scene sets), typeset by :class:`~scenes.equations.EquationTex` like any formula."""
    return TexPart(name, words_tex(text, name), None)


__all__ = ["MATH_CHARACTERS", "NOTE_WORD", "SPACED", "TEXT_CHARACTERS", "words_part", "words_tex"]
