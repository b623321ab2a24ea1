"""OtherGradients: ``dZ[L] = A[L] − Y``, then ``dW``, ``db`` of every layer, more briefly.

Steps are taken from the derivation in its order, one target at a time (``dZ2``, ``dW2``,
``db2``, ``dW1``, ``db1`` for two layers; deeper networks add ``dZ[l]`` of hidden layers).
A partial step writes one scalar partial; the fold step that follows writes the matrix form
below it, with shape badges, and lights up where ``1/m`` and the sum over the examples went:
the part both forms share (``1/m``) and the bracketed sum that became a product or a sum over
columns.

Render with ``manim -ql scenes/others.py OtherGradients``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from manim import DOWN, UP, Create, FadeIn, FadeOut, LaggedStart, VGroup, VMobject, Write

from derivations.steps import Parts, Stage, Step
from derivations.vocabulary import Role, StepId, index_of

from scenes.badges import BadgedEquation
from scenes.build import (
    Box,
    break_points,
    equation_lines,
    fit_into,
    highlight_band,
    highlight_bands,
    part_of,
    stack_boxes,
)
from scenes.segment import Segment, SegmentScene

if TYPE_CHECKING:
    from derivations import Derivation

#: Targets another segment covers (``dZ1`` is the whole lecture; ``general`` its ending).
COVERED_ELSEWHERE = ("dZ1", "general")


class OtherGradientsSegment(Segment):
    """Every gradient but ``dZ[1]``: one partial, then its matrix form, per target."""

    @classmethod
    def step_ids_for(cls, derivation: Derivation | None) -> tuple[StepId, ...]:
        """All steps of targets other than ``dZ1`` and ``general``, in derivation order."""
        if derivation is None:
            return ()
        return tuple(step.id for step in derivation.steps
                     if step.target not in COVERED_ELSEWHERE)

    def play(self) -> None:
        upper_box, lower_box = self.bands()
        ids = self.step_ids_for(self.scene.derivation)
        target = None
        upper: VMobject | None = None
        for step in (self.step(i) for i in ids):
            if step.target != target:
                if target is not None:
                    self.scene.clear_at_next_step()
                target, upper = step.target, None
            self.begin_step(step)
            if step.stage is Stage.FOLD:
                self.show_fold(step, upper, lower_box)
            else:
                shown = self.written(step, upper_box)
                animations = [Write(shown)]
                if upper is not None:
                    animations.append(FadeOut(upper))
                self.scene.play(*animations, run_time=self.t(1.2))
                upper = shown
                self.point_at_mean(step, upper)
            self.end_step()

    # ---------------------------------------------------------------- layout

    @staticmethod
    def bands() -> tuple[Box, Box]:
        """The scalar partial above, its matrix form (with badges) below."""
        upper, lower = stack_boxes((0.55, 2.6, 3.6))[1:]
        return (Box(upper.center, upper.width - 0.6, upper.height),
                Box(lower.center, lower.width - 0.6, lower.height))

    def written(self, step: Step, box: Box) -> VGroup:
        """The step's equation (broken into lines where too wide), or its lines stacked."""
        groups: list[Parts] = [step.equation] if step.equation else list(step.lines)
        lines = VGroup()
        for parts in groups:
            breaks = break_points(parts, self.theme, box.width)
            lines.add(*equation_lines(parts, self.theme, breaks))
        lines.arrange(DOWN, buff=0.35)
        fit_into(lines, box, self.theme, grow=1.5)  # alone in its band: shown big
        return lines

    # ---------------------------------------------------------------- choreography

    def point_at_mean(self, step: Step, shown: VGroup) -> None:
        """Light up ``1/m`` and the bracketed sum over the examples, when the step has them."""
        pieces = [find_role(shown, Role.SCALE)]
        inner = bracketed(shown, step.equation)
        bands = highlight_bands([p for p in (*pieces, inner) if p is not None], self.theme)
        if len(bands):
            self.scene.play(Create(bands), run_time=self.t(0.8))
            self.wait(self.t(0.8))
            self.scene.play(FadeOut(bands), run_time=self.t(0.4))

    def show_fold(self, step: Step, upper: VMobject | None, box: Box) -> None:
        """The matrix form with its badges; the parts it shares with the partial above, and
        what the bracketed sum became, light up in both."""
        folded = BadgedEquation(step.equation, step.badges, self.theme)
        fit_into(folded, box, self.theme)
        self.scene.play(Write(folded.equation), run_time=self.t(1.2))
        self.scene.play(LaggedStart(*[FadeIn(b, shift=0.2 * UP) for b in folded.badge_row()],
                                    lag_ratio=0.25), run_time=self.t(1.0))
        if upper is None:
            return
        previous = next((s for s in self.scene.derivation.steps_for(step.target)
                         if s.id != step.id and s.stage is not Stage.FOLD), None)
        shared = shared_parts(previous.equation if previous else (), step.equation)
        bands = VGroup()
        for name in shared:
            above = find_part(upper, name)
            if above is not None:
                bands.add(highlight_band(above, self.theme),
                          highlight_band(folded.part(name), self.theme))
        inner = bracketed(upper, previous.equation if previous else ())
        became = self.became(folded, step, shared)
        if inner is not None and became is not None:
            bands.add(highlight_band(inner, self.theme), highlight_band(became, self.theme))
        if len(bands):
            self.scene.play(Create(bands), run_time=self.t(1.0))
            self.wait(self.t(1.0))
            self.scene.play(FadeOut(bands), run_time=self.t(0.4))

    @staticmethod
    def became(folded: BadgedEquation, step: Step, shared: tuple[str, ...]
               ) -> VMobject | None:
        """The right-hand side of the fold without the shared parts (``dZ A^T``, ``Σ dZ``)."""
        kept = tuple(p for p in step.equation if p.tex)
        equals = index_of(kept, Role.EQUALS)
        if equals is None:
            return None
        rest = [folded.equation.submobjects[i] for i, part in enumerate(kept)
                if i > equals and part.name not in shared]
        return VGroup(*rest) if rest else None


def find_part(lines: VMobject, name: str) -> VMobject | None:
    """The first submobject called ``name`` in a group of equations (``None`` if absent)."""
    for line in lines:
        try:
            return part_of(line, name)  # type: ignore[arg-type]
        except (KeyError, AttributeError):
            continue
    return None


def find_role(lines: VMobject, role: Role) -> VMobject | None:
    """The first submobject whose part has ``role`` in a group of equations (``None`` if
    absent)."""
    for line in lines:
        parts = getattr(line, "parts", ())
        index = index_of(parts, role)
        if index is not None:
            return line.submobjects[index]
    return None


def bracketed(lines: VMobject, parts: Parts) -> VGroup | None:
    """The parts of ``parts`` from its first opening to its first closing parenthesis, as
    shown in ``lines``."""
    opening, closing = index_of(parts, Role.OPEN), index_of(parts, Role.CLOSE)
    if opening is None or closing is None:
        return None
    inside = parts[opening: closing + 1]
    found = VGroup()
    for line in lines:
        for part, mobject in zip(getattr(line, "parts", ()), line.submobjects, strict=True):
            if any(part is p for p in inside):
                found.add(mobject)
    return found if len(found) else None


def shared_parts(before: Parts, after: Parts) -> tuple[str, ...]:
    """Names of the right-hand-side parts of ``after`` that ``before`` has too (``1/m``)."""
    names_before = {p.name: p.tex for p in before}
    equals = index_of(after, Role.EQUALS)
    start = 0 if equals is None else equals + 1
    return tuple(p.name for p in after[start:]
                 if p.symbol is not None and names_before.get(p.name) == p.tex)


class OtherGradients(SegmentScene):
    """``dZ[L]``, then ``dW`` and ``db`` of every layer: where ``1/m`` and the sums come from."""

    segment = OtherGradientsSegment


__all__ = ["OtherGradients", "OtherGradientsSegment", "bracketed", "find_part", "find_role",
           "shared_parts"]
