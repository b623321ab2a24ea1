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
"""

from __future__ import annotations

from chainrule.settings.texsafe import MATH_CHARACTERS, SPACED, TEXT_CHARACTERS, words_tex
from derivations.steps import TexPart

#: The word that sets a defining equation apart from a formula (``where A[0] = X``).
NOTE_WORD = "where"


def words_part(text: str, name: str = "words") -> TexPart:
    """``text`` as one part with no symbol (drawn in the theme's text colour, or the colour a
    scene sets), typeset by :class:`~scenes.equations.EquationTex` like any formula."""
    return TexPart(name, words_tex(text, name), None)


__all__ = ["MATH_CHARACTERS", "NOTE_WORD", "SPACED", "TEXT_CHARACTERS", "words_part", "words_tex"]
