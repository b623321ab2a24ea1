"""The display vocabulary every output reads: TeX parts with a role, and structured step ids.

A leaf module: it imports nothing from :mod:`derivations`, so every other module of the package
(and every scene, every new medium) can use it without import cycles.

* :class:`Role` says what a :class:`TexPart` *is* (an ``=``, a ``+``, an element-wise product,
  the ``1/m`` scale, a parenthesis, a symbol, ...). Scenes select parts by role (or by the
  structured data of a step), never by a part's name string or a symbol prefix.
* :class:`StepId` names a step by its ``target`` and its :class:`StepKind`; its string form
  ``"dZ1.fold"`` is what the CLI prints and the manifest stores.

>>> EQUALS.role is Role.EQUALS
True
>>> TexPart("W2T", r"W^{[2]T}", "W2").role
<Role.TERM: 'term'>
>>> str(StepId("dZ1", StepKind.FOLD))
'dZ1.fold'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    """What a piece of display TeX is, for the outputs that pick parts out of an equation."""

    TERM = "term"  #: a matrix, an entry, a function, a partial, any other fragment
    EQUALS = "equals"  #: ``=``: separates the two sides of an equation
    NOT_EQUALS = "not_equals"  #: ``≠``
    PLUS = "plus"  #: ``+`` between terms (equations may break after it)
    MINUS = "minus"  #: ``−`` between terms
    HADAMARD = "hadamard"  #: ``∗``: the element-wise product
    SCALE = "scale"  #: ``1/m``: the average over the examples
    SUM = "sum"  #: a summation sign (``Σ_k``, ``Σ_columns``)
    OPEN = "open"  #: an opening parenthesis
    CLOSE = "close"  #: a closing parenthesis (possibly with an index or a ``T``)
    SEPARATOR = "separator"  #: punctuation between two formulas on one line


@dataclass(frozen=True)
class TexPart:
    """One named piece of display LaTeX.

    ``symbol`` is the theme key that colours it (``"W2"``, ``"dZ2"``, ``"gprime1"``, ...) or
    ``None`` for operators and punctuation. ``role`` says what the piece is: a term (the
    default) or an operator (built with :func:`operator`, e.g. :data:`EQUALS`, :data:`PLUS`). Scenes
    pass the ``tex`` of consecutive parts as the separate strings of one ``MathTex`` so that
    ``TransformMatchingTex`` can pair them.

    >>> TexPart("W2T", r"W^{[2]T}", "W2").tex
    'W^{[2]T}'
    """

    name: str
    tex: str
    symbol: str | None = None
    role: Role = Role.TERM

    def __post_init__(self) -> None:
        if not isinstance(self.role, Role):
            raise TypeError(f"TeX part {self.name!r}: role must be a Role, not {self.role!r}")
        depth = 0
        for char in self.tex.replace(r"\{", "").replace(r"\}", ""):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth < 0:
                break
        if depth:
            raise ValueError(
                f"TeX part {self.name!r} has unbalanced braces: {self.tex!r}; "
                f"every part must typeset on its own (scenes measure parts one "
                f"by one)"
            )


Parts = tuple[TexPart, ...]


def operator(name: str, tex: str, role: Role, symbol: str | None = None) -> TexPart:
    """A part that is an operator or punctuation: ``operator("minus", "-", Role.MINUS)``."""
    return TexPart(name, tex, symbol, role)


EQUALS = operator("eq", "=", Role.EQUALS)
NOT_EQUALS = operator("neq", r"\neq", Role.NOT_EQUALS)
PLUS = operator("plus", "+", Role.PLUS)
MINUS = operator("minus", "-", Role.MINUS)
HADAMARD = operator("hadamard", r"\ast", Role.HADAMARD)
OVER_M = operator("overm", r"\frac{1}{m}", Role.SCALE, "m")
LPAREN = operator("lparen", "(", Role.OPEN)
RPAREN = operator("rparen", ")", Role.CLOSE)


def joined_tex(parts: Parts) -> str:
    """The whole LaTeX of ``parts``, as one string (for logging and tests)."""
    return " ".join(part.tex for part in parts)


def index_of(parts: Parts, role: Role, start: int = 0) -> int | None:
    """The index of the first part of ``parts[start:]`` with ``role`` (``None`` if none).

    >>> index_of((TexPart("Z2", "Z", "Z2"), EQUALS, PLUS), Role.EQUALS)
    1
    """
    for index in range(start, len(parts)):
        if parts[index].role is role:
            return index
    return None


class StepKind(str, Enum):
    """What a step does for its target: the second half of a :class:`StepId`."""

    FORWARD = "forward"
    CONCRETE = "concrete"
    EXPAND = "expand"
    ACTIVATE = "activate"
    LOSS = "loss"
    PARTIAL = "partial"
    PARTIAL_VALUES = "partial_values"
    GPRIME = "gprime"
    ALL_ENTRIES = "all_entries"
    FOLD_FACTOR = "fold_factor"
    TRANSPOSE = "transpose"
    FOLD = "fold"
    SHAPES = "shapes"
    CANDIDATES = "candidates"
    NO_TRANSPOSE = "no_transpose"
    CANCEL = "cancel"
    RECURSION = "recursion"
    NETWORK = "network"  #: the network drawn as neurons and weighted edges
    BACKWARD = "backward"  #: the gradient run backwards along the edges
    FORWARD_NUMBERS = "forward_numbers"  #: one forward pass with real numbers
    NUMBERS = "numbers"
    NUDGE = "nudge"
    JACOBIAN = "jacobian"
    ELEMENTWISE = "elementwise"
    STACK = "stack"
    RECAP = "recap"  #: back to the question: the six formulas with shapes
    MAP = "map"  #: the slide's formulas and the lecture's two parts
    PART_TWO = "part_two"  #: the turn from the question to the rest of the slide


class StepId(str):
    """A step's id: the gradient it works towards (``"dZ1"``, ``"dW2"``, ``"general"``) and
    what it does there.

    Built from its two parts, it *is* its text ``"<target>.<kind>"`` (a ``str``), the form the
    CLI prints and the manifest stores; so it formats, compares, hashes and serialises exactly
    like the string ids before it, and an id written as text (on the command line, by an
    educator's scene) finds the same step. Code that needs the parts reads :attr:`target` and
    :attr:`kind` instead of splitting the text.

    >>> step_id = StepId("dZ1", StepKind.FOLD)
    >>> step_id.target, step_id.kind
    ('dZ1', <StepKind.FOLD: 'fold'>)
    >>> step_id == StepId.parse("dZ1.fold") == "dZ1.fold"
    True
    >>> f"[{StepId('dW2', StepKind.PARTIAL):<12}]"
    '[dW2.partial ]'
    """

    __slots__ = ()

    def __new__(cls, target: str, kind: StepKind | str) -> StepId:
        kind = StepKind(kind)
        if not target or "." in target:
            raise ValueError(f"a step's target is a gradient name like 'dZ1', not {target!r}")
        return super().__new__(cls, f"{target}.{kind.value}")

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # str's has none
        return self.target, self.kind.value

    @property
    def target(self) -> str:
        """The gradient the step works towards (``"dZ1"``, ..., ``"general"``)."""
        return self.partition(".")[0]

    @property
    def kind(self) -> StepKind:
        """What the step does for its target."""
        return StepKind(self.partition(".")[2])

    @classmethod
    def parse(cls, text: str) -> StepId:
        """``"dZ1.fold"`` as a :class:`StepId` (a ``StepId`` is returned as it is).

        >>> StepId.parse("dZ1.no_transpose").kind
        <StepKind.NO_TRANSPOSE: 'no_transpose'>
        >>> StepId.parse("dZ1")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: step id 'dZ1' is not '<target>.<kind>' with a kind among forward, ...
        """
        if isinstance(text, StepId):
            return text
        target, _, kind = str(text).partition(".")
        if target and kind in _KINDS:
            return cls(target, StepKind(kind))
        raise ValueError(
            f"step id {text!r} is not '<target>.<kind>' with a kind among " + ", ".join(_KINDS)
        )

    def __repr__(self) -> str:
        return f"StepId({self.target!r}, StepKind.{self.kind.name})"


_KINDS = tuple(kind.value for kind in StepKind)


__all__ = [
    "EQUALS",
    "HADAMARD",
    "LPAREN",
    "MINUS",
    "NOT_EQUALS",
    "OVER_M",
    "PLUS",
    "RPAREN",
    "Parts",
    "Role",
    "StepId",
    "StepKind",
    "TexPart",
    "index_of",
    "joined_tex",
    "operator",
]
