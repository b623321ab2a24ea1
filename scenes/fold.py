"""FoldBack: the grid of scalar results folds back into ``dZ[1] = W[2]ᵀ dZ[2] ∗ g[1]′(Z[1])``.

The shared factor ``g′(z_ij)`` is lit in every entry, leaves every entry's sum (its parts
move; the repeated ``g′`` merge) and becomes an element-wise product, one entry shown large
below the grid; the sums are recognised as rows of ``W[2]ᵀ`` times columns of ``dZ[2]``
(column ``i`` of ``W[2]`` is row ``i`` of ``W[2]ᵀ``); then the entry formula folds into the
boxed matrix formula while it is narrated: row ``i`` of ``W[2]ᵀ``, column ``j`` of ``dZ[2]``
and the entry of ``g′(Z[1])`` light up as they are named, and each part of the entry formula
gives the matrix it is an entry of.

Render with ``manim -ql scenes/fold.py FoldBack``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from manim import (
    RIGHT,
    UP,
    Animation,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
    VMobject,
)

from derivations.steps import MatrixDisplay, Step
from derivations.vocabulary import Parts, Role, StepId, StepKind, TexPart, index_of
from scenes.equations import EquationTex, inside_parentheses, parts_in, split_at_equals
from scenes.factoring import Line, Rearranged, fading_in, fading_out, rearranged, settling
from scenes.layout import Box, fit_first, fit_into, stack_boxes
from scenes.matrices import (
    MatrixRow,
    MatrixView,
    Regrouping,
    grid_view,
    highlight_band,
    matrix_view,
    parts_view,
)
from scenes.segment import Segment, SegmentScene

if TYPE_CHECKING:
    from derivations import Derivation

LIMITS: tuple[tuple[int, int], ...] = ((9, 9), (3, 3))
#: What the factor beat shows of a step: its general entry, its grid, its entry (1, 1) large.
Pictures = tuple[EquationTex, MatrixView, EquationTex]
#: Most detailed to most compact presentation of ``W`` and ``Wᵀ`` side by side.
PAIR_LIMITS: tuple[tuple[int, int], ...] = ((9, 9), (4, 4), (3, 3))


ALL_ENTRIES = StepId("dZ1", StepKind.ALL_ENTRIES)
FOLD_FACTOR = StepId("dZ1", StepKind.FOLD_FACTOR)
TRANSPOSE = StepId("dZ1", StepKind.TRANSPOSE)
FOLD = StepId("dZ1", StepKind.FOLD)


class FoldSegment(Segment):
    """Stage 6 of the method: fold every entry back into one matrix expression."""

    target = "dZ1"
    step_ids = (ALL_ENTRIES, FOLD_FACTOR, TRANSPOSE, FOLD)
    #: ``dZ1.all_entries`` is the grid the fold starts from; TakePartials narrates it.
    narrated: ClassVar[tuple[StepId, ...]] = (FOLD_FACTOR, TRANSPOSE, FOLD)

    @classmethod
    def narrated_ids_for(cls, derivation: Derivation | None) -> tuple[StepId, ...]:
        """The factor, the transpose and the fold (see :attr:`narrated`)."""
        return cls.narrated

    #: The beats this segment plays, in order: the common factor, the transpose, the fold.
    #: The lecture plays them apart (:class:`FactorSegment`, then the network argument of
    #: ``TransposeSegment``, then :class:`FoldUpSegment`), so "why the transpose" is one
    #: argument and no step is shown twice.
    beats: tuple[str, ...] = ("factor", "transpose", "fold")

    def play(self) -> None:
        every, factor, transpose, fold = (self.step(i) for i in self.step_ids)
        equation_box, lower_box = stack_boxes((0.55, 1.1, 0.4, 4.4))[1::2]
        factored_general: EquationTex | None = None
        if "factor" in self.beats:
            factored_general = self.factor_beat(every, factor, fold)
        if "transpose" in self.beats:
            assert factored_general is not None, "the transpose beat follows the factor beat"
            self.transpose_beat(transpose, factored_general, equation_box, lower_box)
        if "fold" in self.beats:
            self.fold_beat(factor, fold)

    def body_mobjects(self) -> list[VMobject]:
        """What is on screen but the title: what a beat that starts afresh clears."""
        title = getattr(self.scene, "_title", None)
        return [m for m in self.scene.mobjects if m is not title and isinstance(m, VMobject)]

    def factor_beat(self, every: Step, factor: Step, fold: Step) -> EquationTex:
        """The common factor g' comes out of every entry, which becomes an element-wise
        product of the sums and the g' matrix. One entry, shown large under the grid, does
        the same (the grid's entries are small: this one is read)."""
        self.begin_step(factor)
        shown = self.factor_pictures(every, like=factor)
        self.scene.play(*[FadeIn(m) for m in shown], run_time=self.t(1.0))

        # "all terms share g'(z_ij)": every g' lit
        shared = VGroup(*parts_in(VGroup(*shown), where=self.local_factor(fold)))
        bands = VGroup(*[highlight_band(m, self.theme, buff=0.04) for m in shared])
        self.scene.play(Create(bands), run_time=self.t(0.8))

        # "Factor it out": every part moves to its place; the g′ of every term fly over the
        # terms to the one g′ outside the parentheses, so every frame reads true
        self.wait_for_sentence(1)
        factored = self.factor_pictures(factor, like=every)
        self.scene.play(FadeOut(bands), run_time=self.t(0.3))
        regrouped = self.factored(shown, factored, self.local_factor(fold))
        self.scene.play(regrouped.regrouping.animation(), run_time=self.t(1.6))
        for mobject in factored:
            self.settle(mobject)

        # "What is left is a sum ..., and g' multiplies it entry by entry"
        self.wait_for_sentence(2)
        factored_general, after, _ = factored
        product = self.product_row(factor, fold, self.factor_boxes()[1], like=after)
        split = self.split_product(after, product, self.local_factor(fold))
        self.scene.play(split.regrouping.animation(), run_time=self.t(1.6))
        self.settle(product)
        self.end_step()
        return factored_general

    @staticmethod
    def factor_boxes() -> tuple[Box, Box, Box]:
        """Where the factor beat draws the general entry, the grid and the large entry."""
        general_box, grid_box, zoom_box = (
            inset(box, BAND_ROOM) for box in stack_boxes((0.55, 1.3, 3.0, 1.4))[1:]
        )
        return general_box, grid_box, zoom_box

    def factor_pictures(self, step: Step, like: Step | None = None) -> Pictures:
        """What the factor beat shows of ``step`` (the entries before or after the factor is
        taken out): its general entry, its grid of entries and entry (1, 1) large. The grid
        shows the entries ``like``'s grid shows too (so each entry has one to turn into)."""
        general_box, grid_box, zoom_box = self.factor_boxes()
        general = EquationTex(step.equation, self.theme)
        fit_into(general, general_box, self.theme, grow=1.3)
        return general, self.grid(step, grid_box, like), self.zoomed_entry(step, zoom_box)

    def factored(
        self, before: Pictures, after: Pictures, factor: Callable[[TexPart], bool]
    ) -> Rearranged:
        """Every formula of ``before`` rearranged into its own in ``after``, the factor
        travelling out of the terms (:func:`scenes.factoring.rearranged`); the grid's
        brackets and dots move while its entries do."""
        (general, grid, zoom), (general_after, grid_after, zoom_after) = before, after
        return (
            rearranged([Line(general.pieces(), general_after.pieces())], factor)
            + self.cellwise(grid, grid_after, factor)
            + rearranged([Line(zoom.pieces(), zoom_after.pieces())], factor)
        )

    @staticmethod
    def local_factor(fold: Step) -> Callable[[TexPart], bool]:
        """Whether a part is ``g′`` of an entry: of the family of the fold's element-wise
        factor (the factor every term of an entry shares)."""
        local = factor_parts(fold.equation)[2].symbol
        return lambda part: part.symbol == local

    def zoomed_entry(self, step: Step, box: Box) -> EquationTex:
        """Entry (1, 1) of ``step``'s grid, whole, as large as ``box`` allows."""
        grid = step.grid
        assert grid is not None, f"step {step.id} has no entry grid"
        entry = EquationTex(grid.cell(0, 0).parts, self.theme)
        fit_into(entry, box, self.theme, grow=1.4)
        return entry

    def split_product(
        self, after: MatrixView, product: ProductRow, factor: Callable[[TexPart], bool]
    ) -> Rearranged:
        """Each factored entry splits in one motion: its g′ (``factor``) flies to the same
        entry of the g′ matrix, its sum to the same entry of the sums, its parentheses fade
        out early; the label and the brackets move to the sums', and the ``∗`` and the g′
        matrix's brackets fade in late (never a frame without the g′)."""
        sums, gprimes = product.sums, product.gprimes
        lines = []
        for (r, c), cell in after.cells.items():
            sum_cell, gprime_cell = sums.cells.get((r, c)), gprimes.cells.get((r, c))
            if after.general != sums.general or sum_cell is None or gprime_cell is None:
                # nothing to pair: one leaves, then the other comes (never overlaid)
                return Rearranged(
                    (), Regrouping(leaving=(FadeOut(after),), arriving=(FadeIn(product),))
                )
            lines.append(Line(cell.pieces(), [*sum_cell.pieces(), *gprime_cell.pieces()]))
        coming = [product.operator, *gprimes.matrix.get_brackets(), *gprimes.ellipses()]
        return rearranged(
            lines,
            factor,
            along=[
                *moves(list(after.frame()), list(sums.frame())),
                *moves(after.ellipses(), sums.ellipses()),
                *[fading_in(m) for m in coming],
            ],
        )

    def transpose_beat(
        self, transpose: Step, factored_general: VMobject, equation_box: Box, lower_box: Box
    ) -> None:
        """The sums are rows of W[2]ᵀ times columns of dZ[2]."""
        self.begin_step(transpose)
        leaving = [m for m in self.body_mobjects() if m is not factored_general]
        sum_equation = EquationTex(transpose.equation, self.theme)
        fit_into(sum_equation, equation_box, self.theme)
        pair = self.transpose_pair(transpose, lower_box)
        self.scene.play(
            *[FadeOut(m) for m in leaving],
            FadeOut(factored_general, shift=0.2 * UP),
            run_time=self.t(0.5),
        )
        self.scene.play(FadeIn(sum_equation, shift=0.2 * UP), FadeIn(pair), run_time=self.t(0.8))
        self.pair_columns_with_rows(transpose, pair)
        self.end_step()

    def fold_beat(self, factor: Step, fold: Step) -> None:
        """The entry formula folds into the matrix formula while it is narrated: row ``i``
        of ``W[2]ᵀ``, column ``j`` of ``dZ[2]`` and the same entry of ``g′(Z[1])`` light up
        with the parts of the entry formula that name them (first sentence), then each part
        of the entry formula gives the matrix it is an entry of (second sentence); the
        result is boxed."""
        entry_box, final_box, factors_box = (
            inset(box, BAND_ROOM) for box in stack_boxes((0.55, 1.45, 1.45, 2.9))[1:]
        )
        self.begin_step(fold)
        started, sentence = float(self.scene.time), self.until_sentence(1)
        gone = self.body_mobjects()  # what the beats before left
        if gone:
            self.scene.play(*[FadeOut(m) for m in gone], run_time=self.t(0.4))
        entry = EquationTex(factor.equation, self.theme)
        fit_into(entry, entry_box, self.theme, grow=1.3)
        final = EquationTex(fold.equation, self.theme)
        fit_into(final, final_box, self.theme, grow=1.6)  # the result, shown big
        factors = self.factor_row(fold, factors_box)
        self.scene.play(FadeIn(entry), FadeIn(factors), run_time=self.t(0.6))

        # "Row i of W[2]ᵀ times column j of dZ[2], times g′ of the same entry.": each lit
        # when it is named
        bands = VGroup()
        for named_at, (part, lit) in zip(
            NAMED_AT, self.named_factors(fold, entry, factors), strict=True
        ):
            self.hold_until(started + named_at * sentence)
            new = VGroup(highlight_band(part, self.theme, buff=0.05), lit)
            bands.add(new)
            self.scene.play(Create(new), run_time=self.t(0.5))

        # "That is W[2]ᵀ dZ[2], then an element-wise product with g′(Z[1])."
        self.wait_for_sentence(1)
        self.scene.play(FadeOut(bands), run_time=self.t(0.3))
        self.scene.play(
            LaggedStart(*fold_parts(entry, final), lag_ratio=0.25), run_time=self.t(2.0)
        )
        box = SurroundingRectangle(final, color=self.theme.text, buff=0.2, corner_radius=0.1)
        self.scene.play(Create(box), run_time=self.t(0.8))
        self.end_step(pause=1.5)

    def hold_until(self, moment: float) -> None:
        """Hold the frame until scene time ``moment`` (nothing if it has passed)."""
        if moment - float(self.scene.time) > 1.0 / 15:
            self.wait(moment - float(self.scene.time))

    def factor_row(self, fold: Step, box: Box) -> MatrixRow:
        """The matrices the folded formula multiplies (``W[2]ᵀ``, ``dZ[2]``, ``g′(Z[1])``),
        side by side, as detailed as legibility allows."""
        displays = [_matrix_of(fold, part) for part in factor_parts(fold.equation)]

        def build(limit: tuple[int, int], general: int) -> MatrixRow:
            """The last ``general`` matrices as one general entry each, the others up to
            ``limit``."""
            first_general = len(displays) - general
            return MatrixRow(
                {
                    d.name: matrix_view(d, self.theme, limit=limit, general=i >= first_general)
                    for i, d in enumerate(displays)
                },
                buff=0.45,
            )

        # every entry if it fits; then g′(Z[1]) (the widest entries) as its general entry;
        # then all three general
        tiers = [(limit, 0) for limit in PAIR_LIMITS] + [((3, 3), 1), ((3, 3), len(displays))]
        return fit_first([partial(build, *tier) for tier in tiers], box, self.theme)

    def named_factors(
        self, fold: Step, entry: EquationTex, factors: MatrixRow
    ) -> list[tuple[VMobject, VMobject]]:
        """For each factor of the folded formula, in order, the part of the entry formula that
        is its entry and a band on what of the matrix it runs over: the left factor of the
        matrix product by a row, the right one by a column, the element-wise factor by the
        entry itself (the first row, column and entry shown)."""
        found: list[tuple[VMobject, VMobject]] = []
        for kind, part in zip(("row", "col", "entry"), factor_parts(fold.equation), strict=True):
            view = factors.views[_matrix_of(fold, part).name]
            if kind == "row":
                lit = view.band(self.theme, row=view.rows[0])
            elif kind == "col":
                lit = view.band(self.theme, col=view.cols[0])
            else:
                cell = next(iter(view.cells.values()))
                lit = highlight_band(cell, self.theme)
            source = next(m for p, m in entry.pieces() if p.symbol == part.symbol)
            found.append((source, lit))
        return found

    # ---------------------------------------------------------------- building

    def grid(self, step: Step, box: Box, like: Step | None = None) -> MatrixView:
        """The step's entry grid (right sides), as detailed as legibility allows, and no more
        detailed than ``like``'s grid can be in the same box."""
        views = [self.grid_views(step)] + ([self.grid_views(like)] if like is not None else [])
        built: MatrixView | None = None
        for options in zip(*views, strict=True):
            pictures = [option() for option in options]
            built = pictures[0]
            if all(fit_into(picture, box, self.theme) for picture in pictures):
                return built
        assert built is not None
        return built

    def grid_views(self, step: Step) -> list[Callable[[], MatrixView]]:
        """Builders of ``step``'s entry grid, from the most detailed to one general entry."""
        grid = step.grid
        assert grid is not None, f"step {step.id} has no entry grid"
        builders: list[Callable[[], MatrixView]] = [
            partial(grid_view, grid, self.theme, limit=limit) for limit in LIMITS
        ]
        return [*builders, partial(grid_view, grid, self.theme, side="general")]

    def product_row(
        self, factor: Step, fold: Step, box: Box, like: MatrixView | None = None
    ) -> ProductRow:
        """``dZ = [the sums] ∗ [g′ entries]``, the g′ matrix taken from the fold step; with
        ``like``, the sums show the entries ``like`` shows (so each entry has one to split
        into) where any presentation does."""
        grid = factor.grid
        assert grid is not None, f"step {factor.id} has no entry grid"
        gprime = elementwise_factor(fold)
        star = fold.equation[_hadamard_index(fold.equation)]

        def build(limit: tuple[int, int] | None) -> ProductRow:
            if limit is None:  # the most compact: one general entry each
                sums = parts_view(
                    (1, 1),
                    lambda r, c: inside_parentheses(grid.general),
                    self.theme,
                    grid.label,
                    general=True,
                )
                gprimes = matrix_view(gprime, self.theme, with_label=False, general=True)
            else:
                sums = parts_view(
                    grid.shape,
                    lambda r, c: inside_parentheses(grid.cell(r, c).parts),
                    self.theme,
                    grid.label,
                    limit=limit,
                )
                gprimes = matrix_view(gprime, self.theme, limit=limit, with_label=False)
            return ProductRow(sums, EquationTex((star,), self.theme), gprimes)

        built = [build(limit) for limit in (*LIMITS, None)]
        if like is not None:
            paired = [
                row
                for row in built
                if row.sums.general == like.general and set(row.sums.cells) == set(like.cells)
            ]
            built = paired or built
        return fit_first([partial(_same, row) for row in built], box, self.theme)

    def cellwise(
        self, before: MatrixView, after: MatrixView, factor: Callable[[TexPart], bool]
    ) -> Rearranged:
        """Each cell of ``before`` rearranges into the same cell of ``after``, the factor
        travelling out of the terms; the brackets (and dots) move while the cells do."""
        if before.general != after.general or set(before.cells) != set(after.cells):
            # nothing to pair: one leaves, then the other comes (never overlaid)
            return Rearranged((), Regrouping(leaving=(FadeOut(before),), arriving=(FadeIn(after),)))
        lines = [
            Line(before.cells[key].pieces(), after.cells[key].pieces()) for key in before.cells
        ]
        along = [
            *moves(list(before.frame()), list(after.frame())),
            *moves(before.ellipses(), after.ellipses()),
        ]
        return rearranged(lines, factor, along=along)

    def transpose_pair(self, step: Step, box: Box) -> MatrixRow:
        """``W`` and ``Wᵀ`` side by side (the matrices the highlights pair up)."""
        names = []
        for left, right in step.highlights:
            for name in (left.matrix, right.matrix):
                if name not in names:
                    names.append(name)

        def build(limit: tuple[int, int]) -> MatrixRow:
            return MatrixRow(
                {n: matrix_view(step.matrix(n), self.theme, limit=limit) for n in names}, buff=1.0
            )

        return fit_first([partial(build, limit) for limit in PAIR_LIMITS], box, self.theme)

    def pair_columns_with_rows(self, step: Step, pair: MatrixRow) -> None:
        """Light up column ``i`` of ``W`` together with row ``i`` of ``Wᵀ``, for each ``i``."""
        views = pair.views
        shown = 0
        for left, right in step.highlights:
            bands = VGroup()
            for mark in (left, right):
                view = views[mark.matrix]
                index = mark.col if mark.col is not None else mark.row
                axis = view.cols if mark.col is not None else view.rows
                if index not in axis:
                    continue
                bands.add(
                    view.band(self.theme, row=mark.row)
                    if mark.row is not None
                    else view.band(self.theme, col=mark.col)
                )
            if len(bands) < 2:
                continue
            self.scene.play(Create(bands), run_time=self.t(0.7 if shown < 2 else 0.4))
            self.scene.play(FadeOut(bands), run_time=self.t(0.4 if shown < 2 else 0.2))
            shown += 1


def moves(sources: Sequence[VMobject], targets: Sequence[VMobject]) -> list[Animation]:
    """Each source moves into the target in the same place of the list while the terms
    settle; the sources left over fade out, the targets left over fade in (two matrices may
    show different numbers of dots)."""
    paired = [settling(ReplacementTransform(a, b)) for a, b in zip(sources, targets, strict=False)]
    count = len(paired)
    return [
        *paired,
        *[fading_out(m) for m in sources[count:]],
        *[fading_in(m) for m in targets[count:]],
    ]


def _same(row: ProductRow) -> ProductRow:
    """``row`` itself (a builder for :func:`~scenes.layout.fit_first` of one built row)."""
    return row


def _hadamard_index(parts: Parts) -> int:
    index = index_of(parts, Role.HADAMARD)
    if index is None:
        raise ValueError(
            "the folded formula has no element-wise product: "
            + " ".join(part.tex for part in parts)
        )
    return index


#: Room left at each side of a band for the highlight bands drawn around its parts.
BAND_ROOM = 0.15


def inset(box: Box, margin: float) -> Box:
    """``box`` less ``margin`` on every side."""
    return Box(box.center, box.width - 2 * margin, box.height - 2 * margin)


#: Where in the fold's first sentence ("Row i of W[2]ᵀ times column j of dZ[2], times g′ of
#: the same entry") each factor is named, as a fraction of the sentence's length.
NAMED_AT = (0.0, 0.38, 0.72)


def factor_parts(parts: Parts) -> tuple[TexPart, TexPart, TexPart]:
    """The three factors of a folded formula ``dZ = A B ∗ C``: ``A``, ``B`` and ``C`` (the
    terms after the ``=``, the element-wise factor last)."""
    star = _hadamard_index(parts)
    rhs = [p for p in split_at_equals(parts[:star])[1] if p.role is Role.TERM]
    after = [p for p in parts[star + 1 :] if p.role is Role.TERM]
    if len(rhs) != 2 or len(after) != 1:
        raise ValueError(
            "a folded formula is a matrix product times an element-wise factor; got "
            + " ".join(part.tex for part in parts)
        )
    return rhs[0], rhs[1], after[0]


def _matrix_of(fold: Step, part: TexPart) -> MatrixDisplay:
    return next(m for m in fold.matrices if m.symbol == part.symbol)


def entry_sources(entry: Parts, folded: Parts) -> list[int | None]:
    """For each part of the folded formula, the index of the part of the entry formula it
    comes from: the term of the same symbol family (``w_ki`` gives ``W[2]ᵀ``, ``g′(z_ij)``
    gives ``g′(Z[1])``), the ``=`` the ``=``; ``None`` for a part no entry has (the ``∗``)."""

    def source(part: TexPart) -> int | None:
        for index, candidate in enumerate(entry):
            if part.role is Role.TERM and candidate.role is Role.TERM:
                if candidate.symbol == part.symbol:
                    return index
            elif part.role is Role.EQUALS and candidate.role is Role.EQUALS:
                return index
        return None

    return [source(part) for part in folded]


def fold_parts(entry: EquationTex, final: EquationTex) -> list[Animation]:
    """Each part of the folded formula comes out of the part of the entry formula that is its
    entry (:func:`entry_sources`) and travels down into place; the ``∗``, which no entry has,
    fades in. The entry formula stays, so the eye can go back from matrices to entries."""
    animations: list[Animation] = []
    sources = entry_sources(entry.parts, final.parts)
    for index, mobject in zip(sources, final.submobjects, strict=False):
        if index is None:
            animations.append(FadeIn(mobject, scale=0.6))
        else:
            animations.append(FadeIn(mobject, target_position=entry.submobjects[index], scale=0.5))
    return animations


def elementwise_factor(fold: Step) -> MatrixDisplay:
    """The matrix the fold's element-wise product multiplies by (``g′(Z[1])``): the one the
    part after the ``∗`` is coloured like."""
    right = fold.equation[_hadamard_index(fold.equation) + 1]
    return next(m for m in fold.matrices if m.symbol == right.symbol)


class ProductRow(VGroup):
    """An element-wise product of two matrix views, ``sums ∗ gprimes``, left to right:
    ``operator`` is the ``∗`` and ``label`` the label of ``sums`` (``dZ =``)."""

    def __init__(self, sums: MatrixView, operator: EquationTex, gprimes: MatrixView) -> None:
        if sums.label is None:
            raise ValueError("the sums of a ProductRow need their label (dZ =)")
        super().__init__(sums, operator, gprimes)
        self.arrange(RIGHT, buff=0.3)
        self.sums, self.operator, self.gprimes = sums, operator, gprimes
        self.label: EquationTex = sums.label

    def frame(self) -> VGroup:
        """What stays when the entries move: the label, both pairs of brackets and the ``∗``."""
        return VGroup(*self.sums.frame(), self.operator, self.gprimes.matrix.get_brackets())


class FactorSegment(FoldSegment):
    """The lecture's first fold beat: g' comes out of every entry."""

    step_ids = (ALL_ENTRIES, FOLD_FACTOR, TRANSPOSE, FOLD)
    narrated = (FOLD_FACTOR,)
    beats = ("factor",)


class FoldUpSegment(FoldSegment):
    """The lecture's last fold beat, after the transpose is explained: the grid collapses
    into ``dZ[1] = W[2]ᵀ dZ[2] ∗ g'(Z[1])``."""

    step_ids = (ALL_ENTRIES, FOLD_FACTOR, TRANSPOSE, FOLD)
    narrated = (FOLD,)
    beats = ("fold",)


class FoldBack(SegmentScene):
    """Stage 6 of the method: fold every entry back into one matrix expression."""

    segment = FoldSegment
    target = FoldSegment.target
    step_ids = FoldSegment.step_ids


__all__ = ["FactorSegment", "FoldBack", "FoldSegment", "FoldUpSegment"]
