"""TakePartials: one entry's partial derivative by the scalar chain rule, then every entry.

One entry ``z[1]_ij`` is picked. A small dependency graph shows every path from it to the loss
(``z[1]_ij → a[1]_ij → z[2]_kj → 𝓛`` for each ``k``); each edge is coloured like the chain-rule
factor it stands for (upstream = ``dZ[2]``, weight = ``W[2]``, local = ``g′``). The chain rule
is written one path at a time, each factor is replaced by its value, and the grid of all
entries is filled.

Render with ``manim -ql scenes/partials.py TakePartials``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    LaggedStart,
    Line,
    MoveToTarget,
    VGroup,
    VMobject,
)

from derivations.steps import FactorRole, Step, TexPart
from derivations.vocabulary import Role, StepId, StepKind
from scenes.equations import (
    EquationTex,
    break_points,
    equation_lines,
    split_at_equals,
)
from scenes.layout import Box, fit_first, fit_into, stack_boxes
from scenes.matrices import grid_view, highlight_band, regrouping, reveal
from scenes.segment import Segment, SegmentScene
from scenes.theme import Theme
from scenes.words import words_part

if TYPE_CHECKING:
    from derivations import Derivation


FORWARD = StepId("dZ1", StepKind.FORWARD)
CONCRETE = StepId("dZ1", StepKind.CONCRETE)
PARTIAL = StepId("dZ1", StepKind.PARTIAL)
PARTIAL_VALUES = StepId("dZ1", StepKind.PARTIAL_VALUES)
GPRIME = StepId("dZ1", StepKind.GPRIME)
ALL_ENTRIES = StepId("dZ1", StepKind.ALL_ENTRIES)
#: Shares of the factors' replacement: symbols fade out, the rest settles, values fade in.
REPLACE_WEIGHTS = (0.45, 0.1, 0.45)
#: Heights of the title, the graph, the chain rule and the definitions of g and g′, as shares
#: of the frame (:func:`~scenes.layout.stack_boxes`). The definitions' band holds relu's two
#: cases at body size or more.
STACK = (0.55, 2.6, 2.2, 1.6)
#: The definitions of g and g′ are drawn up to this much larger than body text: they are what
#: the step adds to the screen.
GPRIME_GROWTH = 1.2
#: Space between the graph's middle nodes (the ``z[2]_kj``), in scene units: wide for a few,
#: closer for four, so that the graph fits its band with legible labels.
NODE_GAP, CLOSE_NODE_GAP, CLOSE_FROM = 0.45, 0.25, 4


@dataclass(frozen=True)
class FactorName:
    """How the narration of the values step names one factor of every path's product:
    ``cue``, words of the sentence that names it (its marks wait for that sentence), and
    ``label``, the words written beside it (``None``: its formula is all the sentence says)."""

    role: FactorRole
    cue: str
    label: str | None = None


#: The factors as the narration names them, in order (each one's words are the narration's).
FACTOR_NAMES = (
    FactorName(FactorRole.UPSTREAM, "upstream gradient", "upstream gradient"),
    FactorName(FactorRole.WEIGHT, "a weight", "weight"),
    FactorName(FactorRole.LOCAL, "The third"),
)
#: The last sentence: every path shares the local factor (its copies are joined to these words).
SHARED = FactorName(FactorRole.LOCAL, "Every path shares", "every path shares it")
#: The products with values are drawn up to this much larger than body text: the step's
#: screen is the products and the names of their factors.
VALUES_GROWTH = 1.35
#: Underlines sit this far under the lowest factor of their line; labels hang in tiers this
#: far apart under the bottom line (the last factor's nearest), each this far right of its
#: leader's hook.
UNDER_GAP, TIER_STEP, HOOK, LABEL_GAP = 0.1, 0.6, 0.15, 0.1


class PartialsSegment(Segment):
    """Stages 4 and 5 of the method: ``∂𝓛/∂z[1]_ij`` over every path, then every entry."""

    target = "dZ1"
    step_ids = (FORWARD, CONCRETE, PARTIAL, PARTIAL_VALUES, GPRIME, ALL_ENTRIES)
    #: The forward and concrete steps introduced the loss and the entries the graph shows;
    #: the segments before this one narrate them.
    narrated = (PARTIAL, PARTIAL_VALUES, GPRIME, ALL_ENTRIES)

    @classmethod
    def narrated_ids_for(cls, derivation: Derivation | None) -> tuple[StepId, ...]:
        """The partial, its values, ``g′`` and every entry (see :attr:`narrated`)."""
        return cls.narrated

    def play(self) -> None:
        partial, values, gprime, every = (self.step(i) for i in self.narrated)
        graph_box, equation_box, gprime_box = stack_boxes(STACK)[1:]

        # -- one entry, every path, the scalar chain rule
        self.begin_step(partial)
        graph = self.dependency_graph(partial)
        fit_into(graph, graph_box, self.theme)
        self.draw_graph(graph)
        # one line while it fits at the legible minimum (four paths in two lines of fractions
        # would not fit under the graph)
        breaks = break_points(
            partial.equation, self.theme, equation_box.width, self.theme.min_font_size
        )
        generic = equation_lines(partial.equation, self.theme, breaks)
        fit_into(generic, equation_box, self.theme)
        self.write_paths(partial, generic, graph)
        self.end_step()

        # -- what each factor is
        self.begin_step(values)
        valued = equation_lines(values.equation, self.theme, breaks)
        fit_into(valued, equation_box, self.theme, grow=VALUES_GROWTH)
        valued.align_to(equation_box.point() + equation_box.height / 2 * UP, UP)
        # each factor's symbol fades out, then its value fades in (no glyph morphs into
        # another); the parts both lines share stay or move
        replaced = regrouping(line_parts(generic), line_parts(valued))
        # the shared "=" and "+" hardly move: the fades take the time
        self.scene.play(replaced.animation(REPLACE_WEIGHTS), run_time=self.t(2.0))
        self.settle(valued)
        named = NamedFactors(values, valued, self.theme)
        self.name_factors(named, graph)
        self.end_step()

        # -- the local factor
        self.begin_step(
            gprime, along=[FadeOut(m) for m in named.submobjects if m is not named.kept()]
        )
        defined = [EquationTex(line, self.theme) for line in gprime.lines[:1]]  # g(z) itself
        local = VGroup(*defined, EquationTex(gprime.equation, self.theme)).arrange(RIGHT, buff=1.2)
        fit_into(local, gprime_box, self.theme, grow=GPRIME_GROWTH)
        self.scene.play(reveal(local), run_time=self.t(1.2))
        self.end_step()

        # -- every entry
        self.begin_step(every)
        self.scene.play(FadeOut(graph), FadeOut(local), FadeOut(named.kept()), run_time=self.t(0.6))
        top, rest = stack_boxes((0.55, 1.7, 5.0))[1:]
        valued.generate_target()
        fit_into(valued.target, top, self.theme)  # no smaller than legible
        self.scene.play(MoveToTarget(valued), run_time=self.t(0.8))
        self.fill_grid(every, valued, rest, partial.picked or (0, 0))
        self.end_step(pause=1.0)

    # ---------------------------------------------------------------- the graph

    @staticmethod
    def node_parts(partial: Step) -> tuple[TexPart, TexPart, TexPart]:
        """``z[1]_ij``, ``a[1]_ij`` and ``𝓛``: what the chain-rule factors of the first path
        differentiate (the local factor is ``∂a/∂z``, the upstream one ``∂𝓛/∂z[2]_kj``)."""
        factors = {f.role: f for f in partial.paths[0].factors}
        local, upstream = factors[FactorRole.LOCAL], factors[FactorRole.UPSTREAM]
        return local.wrt, local.of, upstream.of

    def dependency_graph(self, partial: Step) -> DependencyGraph:
        """Nodes ``z → a → z[2]_kj (each k) → 𝓛`` and arrows coloured by chain-rule factor."""
        z_part, a_part, loss_part = self.node_parts(partial)
        size = self.theme.body_size
        z = EquationTex((z_part,), self.theme, size)
        a = EquationTex((a_part,), self.theme, size)
        loss = EquationTex((loss_part,), self.theme, size)
        middle = [EquationTex((path.via,), self.theme, size) for path in partial.paths]
        colour = {f.role: self.theme.colour(f.generic.symbol) for f in partial.paths[0].factors}
        return DependencyGraph(z, a, middle, loss, colour)

    def draw_graph(self, graph: DependencyGraph) -> None:
        """The picked entry first, then the paths fanning out to the loss."""
        band = highlight_band(graph.entry, self.theme)
        self.scene.play(FadeIn(graph.entry), Create(band), run_time=self.t(0.8))
        self.scene.play(
            GrowArrow(graph.local),
            FadeIn(graph.activation, shift=0.2 * RIGHT),
            run_time=self.t(0.8),
        )
        self.scene.play(
            LaggedStart(*[GrowArrow(e) for e in graph.weights], lag_ratio=0.2),
            LaggedStart(*[FadeIn(n) for n in graph.middle], lag_ratio=0.2),
            run_time=self.t(1.0),
        )
        self.scene.play(
            LaggedStart(*[GrowArrow(e) for e in graph.upstreams], lag_ratio=0.2),
            FadeIn(graph.loss),
            run_time=self.t(1.0),
        )
        graph.add(band)

    def write_paths(self, step: Step, lines: VGroup, graph: DependencyGraph) -> None:
        """Write the left side, then one product per path while its edges light up."""
        pieces = [
            piece for line in lines if isinstance(line, EquationTex) for piece in line.pieces()
        ]
        lhs_count = len(split_at_equals(step.equation)[0]) + 1
        self.scene.play(reveal(VGroup(*[m for _, m in pieces[:lhs_count]])), run_time=self.t(1.0))
        groups = _path_groups(pieces[lhs_count:], len(step.paths))
        for k, group in enumerate(groups):
            lit = VGroup(graph.local, graph.weights[k], graph.upstreams[k])
            self.scene.play(lit.animate.set_stroke(width=9), run_time=self.t(0.4))
            self.scene.play(reveal(group), run_time=self.t(1.0 if k < 2 else 0.5))
            self.scene.play(lit.animate.set_stroke(width=4), run_time=self.t(0.3))

    # ---------------------------------------------------------------- the factors named

    def name_factors(self, named: NamedFactors, graph: DependencyGraph) -> None:
        """Each factor's copies underlined (and its edges of the graph lit) as the narration
        names it, with its name beside it; then the local factor's copies joined to the words
        that say every path shares it."""
        lit: VGroup | None = None
        for name in FACTOR_NAMES:
            self.scene.wait_for_words(name.cue)
            edges = graph.edges(name.role)
            shown: list[Animation] = [Create(named.underlines[name.role], lag_ratio=0.3)]
            pointer = named.pointers.get(name.role)
            if pointer is not None:
                shown += [Create(pointer.leader), FadeIn(pointer.label, shift=0.1 * RIGHT)]
            dimmed = [lit.animate.set_stroke(width=4)] if lit is not None else []
            self.scene.play(
                *shown, *dimmed, edges.animate.set_stroke(width=9), run_time=self.t(0.8)
            )
            lit = edges
        self.scene.wait_for_words(SHARED.cue)
        colour = self.theme.colour(named.symbols[SHARED.role])
        self.scene.play(
            *[Indicate(m, color=colour, scale_factor=1.15) for m in named.copies[SHARED.role]],
            Create(named.shared.bracket),
            FadeIn(named.shared.label),
            run_time=self.t(1.0),
        )
        self.settle(named)

    # ---------------------------------------------------------------- every entry

    def fill_grid(self, step: Step, valued: VGroup, box: Box, picked: tuple[int, int]) -> None:
        """The picked entry's value appears in its slot, lit with the formula it comes from;
        the other entries follow."""
        grid = step.grid
        assert grid is not None, f"step {step.id} has no entry grid"
        builders = [
            functools.partial(grid_view, grid, self.theme, side=side, limit=limit)
            for side, limit in (("rhs", (9, 9)), ("rhs", (3, 3)), ("general", (3, 3)))
        ]
        # entry by entry only at the entry size (a 12-term grid shrunk to fit is unreadable on
        # a phone); else one general entry, the pattern every entry follows
        view = fit_first(builders, box, self.theme, min_size=self.theme.entry_size)
        if view.general:  # one entry: shown large
            fit_into(view, box, self.theme, grow=1.8)
        self.scene.play(FadeIn(view.frame()), run_time=self.t(0.6))
        slot = view.cell(*picked)
        if slot is not None:
            # the formula above and its slot light up together while the entry fades in: the
            # formula stays where it is read, and no copy of it travels over it
            bands = VGroup(highlight_band(valued, self.theme), highlight_band(slot, self.theme))
            self.scene.play(Create(bands), FadeIn(slot), run_time=self.t(1.0))
            self.scene.play(FadeOut(bands), run_time=self.t(0.5))
        rest = [m for m in view.matrix.get_entries() if m is not slot]
        if rest:
            self.scene.play(
                LaggedStart(*[FadeIn(m) for m in rest], lag_ratio=0.15), run_time=self.t(1.5)
            )
        self.settle(view)


def line_parts(lines: VGroup) -> list[tuple[TexPart, VMobject]]:
    """``(part, mobject)`` for every part of equation lines (:func:`equation_lines`), in
    order."""
    return [piece for line in lines if isinstance(line, EquationTex) for piece in line.pieces()]


class DependencyGraph(VGroup):
    """The paths from one entry to the loss: the nodes ``entry`` (``z[1]_ij``), ``activation``
    (``a[1]_ij``), ``middle`` (each ``z[2]_kj``) and ``loss``, and arrows coloured like the
    chain-rule factor each stands for (``colour`` by :class:`~derivations.steps.FactorRole`):
    ``local`` (``z → a``), ``weights[k]`` (``a → z[2]_kj``) and ``upstreams[k]``
    (``z[2]_kj → 𝓛``)."""

    def __init__(
        self,
        entry: EquationTex,
        activation: EquationTex,
        middle: list[EquationTex],
        loss: EquationTex,
        colour: dict[FactorRole, str],
    ) -> None:
        super().__init__()
        gap = NODE_GAP if len(middle) < CLOSE_FROM else CLOSE_NODE_GAP
        column = VGroup(*middle).arrange(DOWN, buff=gap)
        entry.move_to(4.5 * LEFT)
        activation.move_to(1.8 * LEFT)
        column.move_to(1.2 * RIGHT)
        loss.move_to(4.2 * RIGHT)
        self.entry, self.activation, self.middle, self.loss = entry, activation, middle, loss
        self.local = _arrow(entry, activation, colour[FactorRole.LOCAL])
        self.weights = [_arrow(activation, node, colour[FactorRole.WEIGHT]) for node in middle]
        self.upstreams = [_arrow(node, loss, colour[FactorRole.UPSTREAM]) for node in middle]
        self.add(entry, activation, column, loss, self.local, *self.weights, *self.upstreams)

    def edges(self, role: FactorRole) -> VGroup:
        """The arrows that stand for the factor ``role`` (one per path, or the one local
        arrow every path shares)."""
        arrows = {
            FactorRole.LOCAL: [self.local],
            FactorRole.WEIGHT: self.weights,
            FactorRole.UPSTREAM: self.upstreams,
        }
        return VGroup(*arrows[role])


def _arrow(start: VMobject, end: VMobject, colour: str) -> Arrow:
    return Arrow(
        start.get_right(),
        end.get_left(),
        buff=0.15,
        color=colour,
        stroke_width=4,
        max_tip_length_to_length_ratio=0.12,
        tip_length=0.2,
    )


def _path_pieces(
    pieces: list[tuple[TexPart, VMobject]], count: int
) -> list[list[tuple[TexPart, VMobject]]]:
    """Split the right side's pieces into one list per path (a trailing ``+`` included)."""
    groups: list[list[tuple[TexPart, VMobject]]] = [[]]
    for part, mobject in pieces:
        groups[-1].append((part, mobject))
        if part.role is Role.PLUS and len(groups) < count:
            groups.append([])
    return groups


def _path_groups(pieces: list[tuple[TexPart, VMobject]], count: int) -> list[VGroup]:
    """Split the right side's mobjects into one group per path (a trailing ``+`` included)."""
    return [VGroup(*[m for _, m in group]) for group in _path_pieces(pieces, count)]


def factor_copies(step: Step, lines: VGroup) -> dict[FactorRole, list[VMobject]]:
    """For each chain-rule factor, its copy in every path's product of ``lines`` (the
    step's equation as :func:`equation_lines` draws it), in path order."""
    pieces = line_parts(lines)
    lhs_count = len(split_at_equals(step.equation)[0]) + 1
    groups = _path_pieces(pieces[lhs_count:], len(step.paths))
    copies: dict[FactorRole, list[VMobject]] = {role: [] for role in FactorRole}
    for path, group in zip(step.paths, groups, strict=True):
        by_name = {part.name: mobject for part, mobject in group}
        for factor in path.factors:
            copies[factor.role].append(by_name[factor.value.name])
    return copies


class Underline(Line):
    """A line under one copy of a chain-rule factor (``role``), in the factor's colour."""

    def __init__(self, role: FactorRole, copy: VMobject, y: float, colour: str) -> None:
        inset = min(0.05, copy.width / 4)
        left, right = copy.get_left()[0] + inset, copy.get_right()[0] - inset
        super().__init__((left, y, 0.0), (right, y, 0.0), color=colour, stroke_width=5)
        self.role = role


class Pointer(VGroup):
    """A factor's name (``label``) hanging under the equation on a ``leader`` from the
    middle of one underlined copy: down to the label's tier, then a short hook towards it."""

    def __init__(self, role: FactorRole, under: Line, tier: float, label: VMobject) -> None:
        super().__init__()
        x, top = under.get_center()[0], under.get_center()[1]
        colour = under.get_color()
        self.leader = VMobject(stroke_color=colour, stroke_width=2.5)
        self.leader.set_points_as_corners(
            np.array([(x, top, 0.0), (x, tier, 0.0), (x + HOOK, tier, 0.0)])
        )
        label.next_to((x + HOOK, tier, 0.0), RIGHT, buff=LABEL_GAP)
        self.role, self.label = role, label
        self.add(self.leader, label)


class SharedBracket(VGroup):
    """The copies of the local factor in one line joined under it (a drop from each
    underline to a line at ``tier``), with ``label`` on that line in the widest gap between
    two drops; when no gap holds it, under the line, right of ``clear_of`` (the other
    labels' right edge), or hooked right of the only copy."""

    def __init__(
        self, unders: Sequence[Line], tier: float, label: VMobject, clear_of: float
    ) -> None:
        super().__init__()
        colour = unders[0].get_color()
        xs = [u.get_center()[0] for u in unders]
        top = unders[0].get_center()[1]
        self.bracket = VGroup()
        for x in xs:
            drop = VMobject(stroke_color=colour, stroke_width=2.5)
            drop.set_points_as_corners(np.array([(x, top, 0.0), (x, tier, 0.0)]))
            self.bracket.add(drop)
        gaps = sorted(((b - a, a, b) for a, b in pairwise(xs)), reverse=True)
        segments: list[tuple[float, float]]
        if gaps and gaps[0][0] > label.width + 2 * (LABEL_GAP + HOOK):
            _, a, b = gaps[0]
            label.move_to(((a + b) / 2, tier, 0.0))
            left, right = label.get_left()[0] - LABEL_GAP, label.get_right()[0] + LABEL_GAP
            segments = [(xs[0], left), (right, xs[-1])]
        elif len(xs) > 1:
            segments = [(xs[0], xs[-1])]
            label.next_to(((xs[0] + xs[-1]) / 2, tier, 0.0), DOWN, buff=LABEL_GAP)
            label.shift(max(0.0, clear_of - label.get_left()[0]) * RIGHT)
        else:
            segments = [(xs[0], xs[0] + HOOK)]
            label.next_to((xs[0] + HOOK, tier, 0.0), RIGHT, buff=LABEL_GAP)
        for a, b in segments:
            self.bracket.add(Line((a, tier, 0.0), (b, tier, 0.0), color=colour, stroke_width=2.5))
        self.label = label
        self.add(self.bracket, label)


class NamedFactors(VGroup):
    """The marks of the values step, built for its equation ``lines`` once they are in place:
    ``underlines[role]`` (one under each copy of the factor ``role`` in every path's product,
    in the factor's colour), ``pointers[role]`` (a labelled factor's name hanging from its
    first copy in the bottom line) and ``shared`` (the local factor's copies in the bottom
    line joined to the words that say every path shares it). Labels hang in tiers, the last
    factor's nearest, so that no leader crosses a label."""

    def __init__(self, step: Step, lines: VGroup, theme: Theme) -> None:
        super().__init__()
        self.copies = factor_copies(step, lines)
        factors = step.paths[0].factors
        self.symbols = {f.role: f.value.symbol for f in factors}
        line_of = {id(m): n for n, line in enumerate(lines) for m in line.submobjects}
        marked = [m for copies in self.copies.values() for m in copies]
        floor: dict[int, float] = {}
        for m in marked:
            n = line_of[id(m)]
            floor[n] = min(floor.get(n, m.get_bottom()[1]), m.get_bottom()[1])
        last = max(floor)
        self.underlines: dict[FactorRole, VGroup] = {}
        bottom: dict[FactorRole, list[Line]] = {}
        for f in factors:
            colour = theme.colour(f.value.symbol)
            unders = [
                Underline(f.role, m, floor[line_of[id(m)]] - UNDER_GAP, colour)
                for m in self.copies[f.role]
            ]
            self.underlines[f.role] = VGroup(*unders)
            bottom[f.role] = [
                u
                for u, m in zip(unders, self.copies[f.role], strict=True)
                if line_of[id(m)] == last
            ]
        top = floor[last] - UNDER_GAP
        tier = {f.role: top - TIER_STEP * (len(factors) - k) for k, f in enumerate(factors)}
        self.pointers: dict[FactorRole, Pointer] = {}
        for name in FACTOR_NAMES:
            if name.label is not None:
                label = _label(name.label, theme, self.symbols[name.role])
                self.pointers[name.role] = Pointer(
                    name.role, bottom[name.role][0], tier[name.role], label
                )
        shared_label = _label(SHARED.label or "", theme, self.symbols[SHARED.role])
        clear_of = max(
            (p.label.get_right()[0] + TIER_STEP for p in self.pointers.values()),
            default=-np.inf,
        )
        self.shared = SharedBracket(
            bottom[SHARED.role], tier[SHARED.role], shared_label, float(clear_of)
        )
        self.add(*self.underlines.values(), *self.pointers.values(), self.shared)

    def kept(self) -> VGroup:
        """What stays while the next step speaks of the local factor: its underlines."""
        return self.underlines[SHARED.role]


def factor_name_parts() -> tuple[TexPart, ...]:
    """The words the values step writes beside its factors, as parts (one per label)."""
    labels = [name.label for name in (*FACTOR_NAMES, SHARED) if name.label is not None]
    return tuple(words_part(text, "factor_name") for text in labels)


def _label(text: str, theme: Theme, symbol: str | None) -> EquationTex:
    """``text`` in the formulas' type at body size, in the colour of ``symbol``."""
    label = EquationTex((words_part(text, "factor_name"),), theme, theme.body_size)
    return label.set_color(theme.colour(symbol))


class TakePartials(SegmentScene):
    """Stages 4 and 5 of the method: ``∂𝓛/∂z[1]_ij`` over every path, then every entry."""

    segment = PartialsSegment
    target = PartialsSegment.target
    step_ids = PartialsSegment.step_ids


__all__ = [
    "FACTOR_NAMES",
    "SHARED",
    "DependencyGraph",
    "FactorName",
    "NamedFactors",
    "PartialsSegment",
    "TakePartials",
    "factor_copies",
]
