"""Equations from derivation data: a ``MathTex`` made of named, coloured parts, and lines of them.

No TeX is written here: all of it comes from :class:`~derivations.steps.TexPart` s. An
:class:`EquationTex` keeps the parts it was typeset from, so a scene finds a part's glyphs by
the part's name (:meth:`EquationTex.part`) or role (:meth:`EquationTex.with_role`), and in a
group of equations with :func:`parts_in`. Every helper *returns* mobjects (or animations);
scenes decide where and when they appear.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import pairwise

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    AnimationGroup,
    MathTex,
    Mobject,
    ReplacementTransform,
    TexTemplate,
    VGroup,
    VMobject,
)

from derivations.steps import Parts, TexPart
from derivations.vocabulary import Role, index_of

from .theme import Theme

#: TeX's math sizes for a screen: subscripts at 80 % of the text (TeX's default is 70 %) and
#: scripts of scripts (the ``[2]`` of ``n^{[2]}`` over a sum) at 70 % (default 50 %), so that
#: an entry's indices stay readable in a video frame, where print sizes are too small.
SCREEN_MATH_SIZES = r"\DeclareMathSizes{10}{10}{8}{7}"


@lru_cache(maxsize=1)
def screen_tex_template() -> TexTemplate:
    """Manim's default TeX template with :data:`SCREEN_MATH_SIZES` (every formula of the
    scenes is typeset with it)."""
    template = TexTemplate()
    template.add_to_preamble(SCREEN_MATH_SIZES)
    return template


class EquationTex(MathTex):
    """One ``MathTex`` with a substring per part, each coloured by its ``symbol``.

    Parts with empty TeX are dropped (``MathTex`` drops them too): ``parts`` holds the kept
    ones, and the ``i``-th submobject is the ``i``-th of them. Mobjects added to the equation
    later (a strike through a factor) are not parts.

    Examples
    --------
    >>> from manim import config
    >>> config.verbosity = "WARNING"  # no "Writing ..." lines when the TeX is new
    >>> from derivations.vocabulary import EQUALS
    >>> tex = EquationTex([TexPart("Z2", "Z^{[2]}", "Z2"), EQUALS], Theme())
    >>> len(tex.submobjects), [part.name for part in tex.parts]
    (2, ['Z2', 'eq'])
    >>> tex.with_role(Role.EQUALS) is tex.part("eq") is tex.submobjects[1]
    True
    """

    def __init__(
        self, parts: Sequence[TexPart], theme: Theme, font_size: float | None = None
    ) -> None:
        kept = tuple(part for part in parts if part.tex)
        if not kept:
            raise ValueError("EquationTex needs at least one part with TeX; got none")
        super().__init__(
            *[part.tex for part in kept],
            font_size=font_size or theme.body_size,
            color=theme.text,
            tex_template=screen_tex_template(),
        )
        for part, mobject in zip(kept, self.submobjects, strict=True):
            mobject.set_color(theme.colour(part.symbol))
        self.parts: tuple[TexPart, ...] = kept

    def pieces(self) -> list[tuple[TexPart, VMobject]]:
        """``(part, submobject)`` for every part, in order."""
        return list(zip(self.parts, self.submobjects, strict=False))

    def part(self, name: str) -> VMobject:
        """The submobject of the part called ``name``; :class:`KeyError` if there is none."""
        for part, mobject in self.pieces():
            if part.name == name:
                return mobject
        known = ", ".join(part.name for part in self.parts)
        raise KeyError(f"the equation has no part {name!r}; it has: {known}")

    def with_role(self, role: Role) -> VMobject:
        """The submobject of the first part with ``role`` (e.g. the ``=`` of an equation);
        :class:`KeyError` if there is none."""
        index = index_of(self.parts, role)
        if index is None:
            raise KeyError(
                f"the equation has no part with role {role.value!r}: "
                + " ".join(part.tex for part in self.parts)
            )
        return self.submobjects[index]


def parts_in(
    group: Mobject, role: Role | None = None, where: Callable[[TexPart], bool] | None = None
) -> list[VMobject]:
    """The submobjects of the parts of every :class:`EquationTex` in ``group`` (itself
    included), in drawing order: those with ``role`` if given, those ``where`` accepts if
    given. The one query for a group of equations (one equation answers
    :meth:`EquationTex.part` and :meth:`EquationTex.with_role` itself).

    >>> from manim import config
    >>> config.verbosity = "WARNING"
    >>> from derivations.vocabulary import EQUALS
    >>> a, b = TexPart("a", "a"), TexPart("b", "b")
    >>> lines = VGroup(EquationTex((a, EQUALS, b), Theme()), EquationTex((EQUALS, a), Theme()))
    >>> len(parts_in(lines)), len(parts_in(lines, Role.EQUALS))
    (5, 2)
    >>> len(parts_in(lines, where=lambda part: part.name == a.name))
    2
    """
    return [
        mobject
        for member in group.get_family()
        if isinstance(member, EquationTex)
        for part, mobject in member.pieces()
        if (role is None or part.role is role) and (where is None or where(part))
    ]


def split_at_equals(parts: Parts) -> tuple[Parts, Parts]:
    """``(left side, right side)`` of an equation, split at its first ``=`` part (the first
    part with the role :attr:`~derivations.vocabulary.Role.EQUALS`).

    Without an ``=`` the left side is empty.
    """
    index = index_of(parts, Role.EQUALS)
    if index is None:
        return (), parts
    return parts[:index], parts[index + 1 :]


def inside_parentheses(parts: Parts) -> Parts:
    """The parts strictly between the first opening parenthesis (a part with the role
    :attr:`~derivations.vocabulary.Role.OPEN`) and the next closing one (or the end)."""
    opening = index_of(parts, Role.OPEN)
    if opening is None:
        raise KeyError("no opening parenthesis among " + ", ".join(p.name for p in parts))
    closing = index_of(parts, Role.CLOSE, opening + 1)
    return parts[opening + 1 : len(parts) if closing is None else closing]


def line_starts(parts: Parts) -> tuple[int, ...]:
    """Where a continuation line of ``parts`` may start: just after each ``+`` part (the only
    places :func:`break_points` breaks; :mod:`scenes.typeset` predicts the lines from it).

    >>> from derivations.vocabulary import PLUS
    >>> line_starts((TexPart("a", "a"), PLUS, TexPart("b", "b")))
    (2,)
    """
    return tuple(index + 1 for index, part in enumerate(parts) if part.role is Role.PLUS)


def break_points(
    parts: Parts, theme: Theme, max_width: float, font_size: float | None = None
) -> tuple[int, ...]:
    """Indices where :func:`equation_lines` starts a new line: after a ``+`` part, so that
    each line of ``parts`` is at most ``max_width`` wide at ``font_size``.

    Widths are estimated from the parts' typeset widths, one ``MathTex`` per part.
    """
    size = font_size or theme.body_size
    widths = [EquationTex((part,), theme, size).width + 0.12 if part.tex else 0.0 for part in parts]
    starts = set(line_starts(parts))
    breaks: list[int] = []
    start, used = 0, 0.0
    last_plus: int | None = None
    for index, width in enumerate(widths):
        if used + width > max_width and last_plus is not None and last_plus > start:
            breaks.append(last_plus)
            start = last_plus
            used = sum(widths[start:index])
            last_plus = None
        used += width
        if index + 1 in starts:
            last_plus = index + 1
    return tuple(breaks)


def equation_lines(
    parts: Parts, theme: Theme, breaks: Sequence[int] = (), font_size: float | None = None
) -> VGroup:
    """``parts`` as one :class:`EquationTex` per line, broken before the indices in
    ``breaks`` (see :func:`break_points`), stacked and left-aligned; continuation lines are
    indented."""
    bounds = [0, *breaks, len(parts)]
    lines = [
        EquationTex(parts[a:b], theme, font_size)
        for a, b in pairwise(bounds)
        if any(p.tex for p in parts[a:b])
    ]
    group = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
    for line in lines[1:]:
        line.shift(0.8 * RIGHT)
    return group


def line_pieces(lines: VMobject) -> list[VMobject]:
    """The part mobjects of an equation, or of equation lines (a group of them), in order:
    every submobject of each line."""
    group = [lines] if isinstance(lines, EquationTex) else lines.submobjects
    return [piece for line in group for piece in line.submobjects]


def replace_parts(source: VMobject, target: VMobject) -> AnimationGroup:
    """Morph equation lines into lines with the *same part structure* (e.g. each chain-rule
    factor into its value): part ``n`` of ``source`` becomes part ``n`` of ``target``.

    Both are groups of equations built by :func:`equation_lines` (or single equations).
    Parts with the same TeX simply move; the others morph. Unlike ``TransformMatchingTex``
    this pairs repeated parts by position, and it does not iterate a set.
    """
    before, after = line_pieces(source), line_pieces(target)
    if len(before) != len(after):
        raise ValueError(
            f"replace_parts needs equations with the same number of parts; got "
            f"{len(before)} and {len(after)}"
        )
    return AnimationGroup(*[ReplacementTransform(a, b) for a, b in zip(before, after, strict=True)])


__all__ = [
    "SCREEN_MATH_SIZES",
    "EquationTex",
    "break_points",
    "equation_lines",
    "inside_parentheses",
    "line_pieces",
    "line_starts",
    "parts_in",
    "replace_parts",
    "screen_tex_template",
    "split_at_equals",
]
