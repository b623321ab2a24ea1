"""Words on screen in the formulas' own type: titles, shape labels and verdicts as TeX.

A title in a sans-serif or Pango serif beside Computer Modern formulas, or a shape label
``(3×2)`` in one face under ``(n^{[1]} × m)`` in another, makes one screen look like two. So
every word a scene shows is typeset by the same ``MathTex`` (with the screen template) as the
formulas: :func:`words_part` turns plain text into one :class:`~derivations.steps.TexPart`
whose TeX is ``\\text{...}`` runs, with the few mathematical characters the derivation's
words use set in math (``ℒ`` as ``\\mathcal{L}``, ``×``, ``≠``, ``ᵀ``, ``′``, ``∗``).

The text is validated before it reaches LaTeX (:func:`chainrule.settings.texsafe.words_tex`):
:func:`~chainrule.settings.texsafe.check_label` refuses control characters and every TeX
command, :func:`~chainrule.settings.texsafe.escape_tex` makes TeX's special characters print as
themselves, and any other character outside printable ASCII is refused by name (pdfTeX would
stop on it). Nothing here imports Manim.

>>> words_part("Nudge it and watch ℒ").tex
'\\\\text{Nudge it and watch }\\\\mathcal{L}'
>>> words_part("(3×2)").tex
'\\\\text{(3}\\\\times\\\\text{2)}'
>>> words_part("50% of W[2]ᵀ").tex
'\\\\text{50\\\\% of W[2]}^{T}'

A title names matrices as the formulas do: :func:`title_part` sets a bracketed layer name
(``dZ[2]``, ``W[2]ᵀ``, ``A[0]``) as the formulas' math, in the title's colour:

>>> title_part("db[2]: sum across the examples").tex
'db^{[2]}\\\\text{: sum across the examples}'
"""

from __future__ import annotations

import re

from chainrule.settings.texsafe import (
    MATH_CHARACTERS,
    SPACED,
    TEXT_CHARACTERS,
    check_label,
    words_tex,
)
from derivations.notation import matrix_tex
from derivations.steps import TexPart

#: The word that sets a defining equation apart from a formula (``where A[0] = X``).
NOTE_WORD = "where"


def words_part(text: str, name: str = "words") -> TexPart:
    """``text`` as one part with no symbol (drawn in the theme's text colour, or the colour a
    scene sets), typeset by :class:`~scenes.equations.EquationTex` like any formula."""
    return TexPart(name, words_tex(text, name), None)


#: A matrix of a layer as the words write it: ``dZ[2]``, ``W[1]ᵀ``, ``db[2]``, ``A[0]`` (not inside
#: a longer word).
LAYER_NAME = re.compile(r"(?<![A-Za-z])(d?[WZAb])\[(\d)\](ᵀ?)(?![A-Za-z])")


def layered_words_tex(text: str, what: str = "words") -> str:
    """``text`` as :func:`words_tex` would set it, but each bracketed layer name
    (:data:`LAYER_NAME`) as the formulas write that matrix (``dZ[2]`` as ``dZ^{[2]}``,
    ``W[2]ᵀ`` as ``W^{[2]T}``, :func:`derivations.notation.matrix_tex`).

    The whole text is validated first, as every label is; ``ValueError`` names ``what``.

    >>> layered_words_tex("dW[2] as a matrix product")
    'dW^{[2]}\\\\text{ as a matrix product}'
    >>> layered_words_tex("Why W[2]ᵀ, not W[2]")
    '\\\\text{Why }W^{[2]T}\\\\text{, not }W^{[2]}'
    """
    check_label(what, text)
    pieces: list[str] = []
    done = 0
    for match in LAYER_NAME.finditer(text):
        if match.start() > done:
            pieces.append(words_tex(text[done : match.start()], what))
        letters, layer, transposed = match.groups()
        pieces.append(matrix_tex(letters + layer, transposed=bool(transposed)))
        done = match.end()
    if done < len(text) or not pieces:
        pieces.append(words_tex(text[done:], what))
    return "".join(pieces)


def title_part(title: str, name: str = "title") -> TexPart:
    """``title`` as one part with no symbol (the text colour), its layer names set as math
    (:func:`layered_words_tex`) so that ``dZ[2]`` in a title looks like ``dZ^{[2]}`` below it."""
    return TexPart(name, layered_words_tex(title, name), None)


__all__ = [
    "LAYER_NAME",
    "MATH_CHARACTERS",
    "NOTE_WORD",
    "SPACED",
    "TEXT_CHARACTERS",
    "layered_words_tex",
    "title_part",
    "words_part",
    "words_tex",
]
