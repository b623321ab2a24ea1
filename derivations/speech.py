"""Spoken text, derived from the narration: the words a text-to-speech voice should read.

A step's narration is written for reading: ``W[2]ᵀ dZ[2]``, ``z[1]_ij``, ``g'``, ``1/m``. A voice
would spell out the brackets or skip them, and read ``z[1]_ij`` as "z one ij". :func:`spoken`
turns the same notation into words ("W two transpose times d Z two", "z one, i j",
"g prime", "one over m"), so the spoken form is never typed twice.

The translation is a list of small named :class:`Rule` s, applied in the order of
:data:`RULES`; each rule's docstring-like ``does`` says what it rewrites. The order matters:

1. TeX spellings (``\\partial``, ``w^{[2]}_{ki}``, ``^T``) become the plain notation;
2. products written by juxtaposition (``W[2]ᵀ dZ[2]``) get an explicit "times", while the
   matrix names are still recognisable;
3. transposes, primes and function applications (``g'(Z[1])`` is "g prime of Z one");
4. names: gradients (``dZ`` is "d Z"), entries (``z[1]_ij``), layers (``W[l+1]``), subscripts;
5. numbers: shapes (``2×3`` is "two by three"), fractions (``1/m`` is "one over m");
6. symbols (``∂``, ``ℒ``, ``ℓ``, ``Σ``, ``σ``, ``∗``, ``@``, ``=``, ``−`` ...);
7. digits glued to letters are separated (``dZ1`` is "d Z one");
8. whatever notation is left is dropped and the spacing is tidied.

Plain numbers in prose stay digits ("2 by 4 weights and 3 examples"): voices read them well.

>>> spoken("Row i of W[2] transposed times column j of dZ[2]: that is W[2]ᵀ dZ[2].")
'Row i of W two transposed times column j of d Z two: that is W two transpose times d Z two.'
>>> spoken("a[1]_ij depends on z[1]_ij; g'(Z[1]) and 1/m.")
'a one, i j depends on z one, i j; g prime of Z one and one over m.'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .activations import ACTIVATIONS

Replacement = str | Callable[[re.Match[str]], str]

_ONES = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(digits: str) -> str:
    """An integer written as words: ``"2"`` is ``"two"``, ``"21"`` is ``"twenty-one"``;
    from 100 on, digit by digit (``"123"`` is ``"one two three"``).

    >>> number_words("12"), number_words("40"), number_words("105")
    ('twelve', 'forty', 'one zero five')
    """
    value = int(digits)
    if (len(digits) > 1 and digits.startswith("0")) or value >= 100:
        return " ".join(_ONES[int(d)] for d in digits)
    if value < 20:
        return _ONES[value]
    tens, ones = divmod(value, 10)
    return _TENS[tens] + ("" if ones == 0 else "-" + _ONES[ones])


def count_words(count: int) -> str:
    """A count as words, for narration that means a number of things: ``2`` is ``"two"``.

    >>> f"each of the {count_words(3)} examples"
    'each of the three examples'
    """
    return number_words(str(count))


def index_words(index: str) -> str:
    """A subscript spelled symbol by symbol: ``"ij"`` is ``"i j"``, ``"k1"`` is ``"k one"``,
    ``"12"`` is ``"one two"`` (row 1, column 2, not twelve); commas are dropped.

    >>> index_words("k1"), index_words("1,2")
    ('k one', 'one two')
    """
    return " ".join(_ONES[int(c)] if c.isdigit() else c for c in index if c.isalnum())


def layer_words(layer: str) -> str:
    """A layer superscript as words: ``"2"`` is ``"two"``, ``"l"`` is ``"l"``, ``"l+1"`` is
    ``"l plus one"``, ``"l-1"`` is ``"l minus one"``.

    >>> layer_words("l-1")
    'l minus one'
    """
    words = []
    for token in re.findall(r"\d+|[A-Za-z]+|[+\-−]", layer):
        if token.isdigit():
            words.append(number_words(token))
        elif token == "+":
            words.append("plus")
        elif token in "-−":
            words.append("minus")
        else:
            words.append(token)
    return " ".join(words)


@dataclass(frozen=True)
class Rule:
    """One named rewrite: every match of ``pattern`` is replaced by ``replacement`` (a
    :func:`re.sub` template or a function of the match)."""

    name: str
    does: str
    pattern: re.Pattern[str]
    replacement: Replacement

    def apply(self, text: str) -> str:
        """``text`` with this rule applied everywhere."""
        return self.pattern.sub(self.replacement, text)


def _spaced(left: str, word: str, right: str) -> str:
    """``word`` between the (optional) numbers ``left`` and ``right``, as words, with spaces."""
    return (
        " "
        + " ".join(
            w for w in (left and number_words(left), word, right and number_words(right)) if w
        )
        + " "
    )


def _rule(name: str, does: str, pattern: str, replacement: Replacement) -> Rule:
    return Rule(name, does, re.compile(pattern), replacement)


#: Function names the narration may apply (``tanh(z)``): every activation, longest first.
_FUNCTIONS = "|".join(sorted(ACTIVATIONS, key=len, reverse=True))

# A matrix or entry name as the narration writes it: ``W[2]``, ``dZ[l]``, ``z[1]_ij``, with an
# optional transpose or prime.
_NAME = r"d?[A-Za-z]\[[^\]\s]+\](?:_[A-Za-z0-9]+)?(?:ᵀ|\.T\b|[′'])?"

_TEX_SYMBOLS = {
    "mathcal{L}": "ℒ",
    "ell": "ℓ",
    "partial": "∂",
    "sigma": "σ",
    "sum": "Σ",
    "times": "×",
    "top": "ᵀ",
    "cdot": "·",
    "odot": "∗",
    "circ": "∗",
    "ast": "∗",
    "prime": "′",
    "minus": "−",
    "neq": "≠",
    "approx": "≈",
    "left": "",
    "right": "",
}

#: ``_{ki}`` is ``_ki``: read (as words) and shown (as subscripts) from the same plain form.
TEX_SUBSCRIPT = _rule(
    "tex_subscript",
    r"_{ki} and _{k,i} are _ki",
    r"_\{([^{}]*)\}",
    lambda m: "_" + m[1].replace(",", "").replace(" ", ""),
)
#: An apostrophe in a word is the typographic one, for the voice and the subtitles alike.
APOSTROPHE = _rule(
    "apostrophe",
    "an apostrophe in a word (cost's, layer 3's) is the typographic one (cost’s)",
    r"(?<=[A-Za-z0-9])'(?=[A-Za-z])",
    "’",
)


RULES: tuple[Rule, ...] = (
    # 1. TeX spellings become the plain notation
    _rule(
        "tex_transpose",
        r"^T, ^{T}, ^\top and a T inside a superscript are a transpose ᵀ",
        r"\^\{?(?:T|\\top)\}?(?![A-Za-z])",
        "ᵀ",
    ),
    _rule(
        "tex_layer",
        r"w^{[2]} is w[2]; a trailing T in the superscript is a transpose",
        r"\^\{(\[[^\]]*\])(T?)\}",
        lambda m: m[1] + ("ᵀ" if m[2] else ""),
    ),
    TEX_SUBSCRIPT,
    _rule(
        "tex_symbol",
        r"\partial, \sigma, \sum, \times, \mathcal{L} ... are their symbols",
        r"\\(" + "|".join(re.escape(k) for k in _TEX_SYMBOLS) + r")(?![A-Za-z])",
        lambda m: _TEX_SYMBOLS[m[1]],
    ),
    _rule("tex_fraction", r"\frac{a}{b} is a/b", r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2"),
    _rule("tex_command", r"any other \command is read as its name", r"\\([A-Za-z]+)", r" \1 "),
    _rule(
        "sum_index",
        "Σ_k (or Σ_{k}) is 'the sum over k'",
        r"[Σ∑]_([A-Za-z])\b",
        r" the sum over \1 ",
    ),
    # 2. juxtaposition is a product
    _rule(
        "adjacent_brackets",
        "σ(z)(1 − σ(z)): brackets side by side are a product",
        r"\)\s*\(",
        ") times (",
    ),
    _rule(
        "juxtaposition",
        "two names side by side, W[2]ᵀ dZ[2], are a product: 'times'",
        rf"({_NAME})\s+(?={_NAME}|[A-Za-zσ][′']?\()",
        r"\1 times ",
    ),
    # 3. transposes, primes, applications
    _rule(
        "transpose", "ᵀ, .T and a superscript T are 'transpose'", r"\s*(?:ᵀ|\.T\b)", " transpose"
    ),
    _rule(
        "prime",
        "g′ or g' (a single letter or σ) is 'g prime'",
        r"(?<![A-Za-z])([A-Za-zσ\]])[′']",
        r"\1 prime",
    ),
    _rule("gprime", "gprime (as code writes g′) is 'g prime'", r"\bgprime\b", "g prime"),
    _rule("diag", "diag(v) is 'the diagonal matrix of v'", r"\bdiag\b", "the diagonal matrix of "),
    APOSTROPHE,
    _rule(
        "application",
        "g(Z[1]), g prime(Z[1]), σ(z): 'g of Z one', dropping the brackets",
        rf"(?<![A-Za-z])([A-Za-zσ]|prime|{_FUNCTIONS})\(([^()]*)\)",
        r"\1 of \2",
    ),
    # 4. names
    _rule(
        "gradient",
        "dZ, dW[2], dz[1]_ij: the d is read on its own, 'd Z'",
        r"\bd(?=[A-Z]|[a-z]\[)",
        "d ",
    ),
    _rule(
        "entry",
        "z[1]_ij is 'z one, i j'; w[2]_12 is 'w two, one two'",
        r"([A-Za-z])\[([^\]\s]+)\]_([A-Za-z0-9]+)",
        lambda m: f"{m[1]} {layer_words(m[2])}, {index_words(m[3])}",
    ),
    _rule(
        "layer",
        "W[2] is 'W two', Z[l] is 'Z l', W[l+1] is 'W l plus one'",
        r"([A-Za-z])\[([^\]\s]+)\]",
        lambda m: f"{m[1]} {layer_words(m[2])}",
    ),
    _rule(
        "subscript",
        "n_x is 'n x', w_ki is 'w k i'",
        r"([A-Za-z])_([A-Za-z0-9]+)",
        lambda m: f"{m[1]} {index_words(m[2])}",
    ),
    # 5. numbers in notation
    _rule(
        "shape",
        "2×3 is 'two by three', n[1]×m is 'n one by m'",
        r"(\d*)\s*×\s*(\d*)",
        lambda m: _spaced(m[1], "by", m[2]),
    ),
    _rule(
        "fraction",
        "1/m is 'one over m', ∂ℒ/∂z is '∂ℒ over ∂z' (not between two words)",
        r"(\d*)\s*(?<![A-Za-z]{2})/(?![A-Za-z]{2})\s*(\d*)",
        lambda m: _spaced(m[1], "over", m[2]),
    ),
    # 6. symbols
    _rule(
        "absolute", "|x| is 'the absolute value of x'", r"\|([^|]*)\|", r"the absolute value of \1"
    ),
    _rule("partial", "∂ is 'partial'", r"∂", " partial "),
    _rule("loss", "ℒ (or 𝓛) is 'the loss L'", r"[ℒ𝓛]", " the loss L "),
    _rule("output_loss", "ℓ (the loss of one output) is 'small l'", r"ℓ", " small l "),
    _rule("sum", "Σ (or ∑) is 'the sum'", r"[Σ∑]", " the sum "),
    _rule("sigma", "σ is 'sigma'", r"σ", " sigma "),
    _rule("hadamard", "∗, ⊙ and * are 'element-wise times'", r"[∗⊙*]", " element-wise times "),
    _rule("matmul", "@ and · are 'times'", r"[@·]", " times "),
    _rule(
        "power",
        "x^2 is 'x squared', x^n is 'x to the power n'",
        r"\^\s*\{?(2\b)?([A-Za-z0-9]*)\}?",
        lambda m: " squared " if m[1] else f" to the power {m[2]} ",
    ),
    _rule(
        "equals",
        "= is 'equals', ≠ 'does not equal', ≈ 'is about'",
        r"\s*([=≠≈])\s*",
        lambda m: {"=": " equals ", "≠": " does not equal ", "≈": " is about "}[m[1]],
    ),
    _rule("plus", "+ is 'plus'", r"\s*\+\s*", " plus "),
    _rule(
        "minus",
        "− anywhere, and - between terms or in front of one, is 'minus' "
        "(element-wise keeps its hyphen)",
        r"\s*−\s*|(?<![A-Za-z0-9])-(?=[\sA-Za-z0-9(])",
        " minus ",
    ),
    # 7. digits glued to letters
    _rule(
        "glued_digits",
        "dZ1 is 'd Z one': digits after a letter become words",
        r"(?<=[A-Za-z])(\d+)",
        lambda m: " " + number_words(m[1]),
    ),
    _rule(
        "glued_letters",
        "2x is 'two x': digits before a letter become words",
        r"(\d+)(?=[A-Za-z])",
        lambda m: number_words(m[1]) + " ",
    ),
    # 8. leftovers and spacing
    _rule(
        "leftover",
        "remaining brackets, braces, underscores, backslashes, carets, bars, "
        "primes, quotes and transposes are dropped",
        r"[\[\]{}_\\^|′'ᵀ]",
        " ",
    ),
    _rule("spaces", "runs of spaces are one space", r"\s+", " "),
    _rule(
        "punctuation",
        "no space before punctuation or after an opening bracket",
        r" (?=[,.;:!?)])|(?<=\() ",
        "",
    ),
)
"""The rules :func:`spoken` applies, in this order."""


def spoken(text: str) -> str:
    """``text`` as a voice should read it: the narration notation turned into words.

    >>> spoken("dZ[2] = A[2] − Y, 2×3, W[l+1]ᵀ dZ[l+1] ∗ g′(Z[l])")
    'd Z two equals A two minus Y, two by three, W l plus one transpose times d Z l plus one \
element-wise times g prime of Z l'
    >>> spoken("∂ℒ/∂w[2]_12 = (1/m) Σ dZ1")
    'partial the loss L over partial w two, one two equals (one over m) the sum d Z one'
    """
    for rule in RULES:
        text = rule.apply(text)
    return text.strip()


# --------------------------------------------------------------------------- subtitles

#: Unicode subscripts of the index symbols the narration uses (every digit and the letters
#: Unicode has a subscript for).
SUBSCRIPTS: dict[str, str] = dict(
    zip("0123456789aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)

#: One prime everywhere: the typographic ′ (U+2032).
PRIME = "′"


def subscript(index: str) -> str:
    """``index`` in Unicode subscripts: ``"ij"`` is ``"ᵢⱼ"``, ``"k1"`` is ``"ₖ₁"`` (commas and
    spaces dropped). An index with a symbol that has no subscript is kept in parentheses,
    ``"(q)"``, never with an underscore.

    >>> subscript("ij"), subscript("k1"), subscript("1,3"), subscript("q")
    ('ᵢⱼ', 'ₖ₁', '₁₃', '(q)')
    """
    index = index.replace(",", "").replace(" ", "")
    if all(c in SUBSCRIPTS for c in index):
        return "".join(SUBSCRIPTS[c] for c in index)
    return f"({index})"


SUBTITLE_RULES: tuple[Rule, ...] = (
    TEX_SUBSCRIPT,
    APOSTROPHE,
    _rule(
        "prime",
        "g' and σ' (after a letter, a bracket or a subscript) are g′ and σ′: one prime",
        rf"(?<=[A-Za-zσ\])\){''.join(SUBSCRIPTS.values())}])'",
        PRIME,
    ),
    _rule(
        "subscript",
        "z[1]_ij is z[1]ᵢⱼ, n_x is nₓ, v_i is vᵢ: indices as Unicode subscripts",
        r"(?<=[A-Za-z\]}])_([A-Za-z0-9]+)",
        lambda m: subscript(m[1]),
    ),
)
"""The rules :func:`subtitle_text` applies, in this order."""


def subtitle_text(text: str) -> str:
    """``text`` as a subtitle shows it: the narration notation as readable text. Indices are
    Unicode subscripts (``z[1]_ij`` is ``z[1]ᵢⱼ``, ``n_x`` is ``nₓ``), there is one prime
    (``g'`` is ``g′``), apostrophes are typographic, and ``ᵀ``, ``∗`` and layer brackets stay.

    >>> subtitle_text("Pick z[1]_11: g'(z[1]_ij), w[2]_k1, the sigmoid's slope, n_x.")
    'Pick z[1]₁₁: g′(z[1]ᵢⱼ), w[2]ₖ₁, the sigmoid’s slope, nₓ.'
    >>> subtitle_text("W[2]ᵀ dZ[2] ∗ g′(Z[1]), entry i is v_i u_i")
    'W[2]ᵀ dZ[2] ∗ g′(Z[1]), entry i is vᵢ uᵢ'
    """
    for rule in SUBTITLE_RULES:
        text = rule.apply(text)
    return text


__all__ = [
    "PRIME",
    "RULES",
    "SUBSCRIPTS",
    "SUBTITLE_RULES",
    "Rule",
    "count_words",
    "index_words",
    "layer_words",
    "number_words",
    "spoken",
    "subscript",
    "subtitle_text",
]
