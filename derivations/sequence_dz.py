"""The detailed derivation of ``dZ[l] = W[l+1]ᵀ dZ[l+1] ∗ g[l]′(Z[l])`` by the seed's method.

Forward equations → tiny matrices → products expanded to scalars → one scalar partial by the
chain rule over every path → every entry → the fold back into matrix form → the shape check and
the tempting wrong answer. Nothing here draws anything.

Each step has two halves, kept apart: its *claims* (what it states, as sympy objects; the
``*_claims`` functions, which read only the network) and its *display and narration* (the
``*_step`` functions, which build the TeX parts and the words and take the claims as they are).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

import sympy

from . import notation
from .activations import Activation, Z
from .claims import Claim, DerivativeClaim, DifferenceClaim, EqualityClaim, ShapeClaim
from .display import (
    COST,
    EQUALS,
    LOSS,
    LPAREN,
    OVER_M,
    PLUS,
    RPAREN,
    entry,
    entry_grid,
    entry_sum,
    general_entry,
    general_gprime,
    gprime_display,
    gprime_entry,
    joined,
    matrix_display,
    matrix_label,
    partial,
)
from .formula import (
    GPrime,
    Hadamard,
    MatMul,
    Node,
    Ref,
    ShapeError,
    Transpose,
    children,
    parse,
    shape_of,
    to_parts,
    to_text,
)
from .formulas import composite, fold_claims
from .network import Network
from .sequence_network import column_to_row_claims, focus_unit, unit_words
from .spec import NetworkSpec
from .speech import count_words
from .steps import (
    Candidate,
    ChainFactor,
    ChainPath,
    FactorRole,
    GridCell,
    Highlight,
    ShapeBadge,
    Stage,
    Step,
)
from .vocabulary import NOT_EQUALS, Parts, Role, StepId, StepKind, TexPart, operator


def _prev(layer: int) -> str:
    return "X" if layer == 1 else f"A{layer - 1}"


def forward_claims(net: Network) -> tuple[Claim, ...]:
    """Every layer's ``W A + b``, as a product and as scalar sums, agree."""
    return tuple(_expansion_claim(net, layer) for layer in net.spec.layers)


def forward_step(net: Network, target: str) -> Step:
    """1. The forward equations, one line per equation, and the loss and cost."""
    lines: list[Parts] = []
    last = net.spec.num_layers
    for layer in net.spec.layers:
        lines.append(
            (
                matrix_label(f"Z{layer}"),
                EQUALS,
                matrix_label(f"W{layer}"),
                matrix_label(_prev(layer)),
                PLUS,
                matrix_label(f"b{layer}"),
            )
        )
        function = r"\sigma" if layer == last else f"g^{{[{layer}]}}"
        lines.append(
            (
                matrix_label(f"A{layer}"),
                EQUALS,
                TexPart(
                    f"act{layer}",
                    rf"{function}(Z^{{[{layer}]}})",
                    "sigma" if layer == last else f"g{layer}",
                ),
            )
        )
    lines.append(
        (
            LOSS,
            EQUALS,
            TexPart("loss_sum", r"\sum_{j=1}^{m} L(a^{(j)}, y^{(j)})"),
            operator("comma", r",\quad", Role.SEPARATOR),
            COST,
            EQUALS,
            OVER_M,
            LOSS,
        )
    )
    return Step(
        StepId(target, StepKind.FORWARD),
        Stage.FORWARD,
        "The forward equations",
        "Everything starts from the forward pass. Each layer multiplies by its weights, "
        "adds its bias and applies its activation. ℒ adds up L, the cross-entropy loss of "
        "each of the m examples. The cost J is their average.",
        lines=tuple(lines),
        claims=forward_claims(net),
    )


def _expansion_claim(net: Network, layer: int) -> EqualityClaim:
    """``W A + b`` as a matrix product equals the scalar sums written entry by entry."""
    w, a, b = net.symbols(f"W{layer}"), net.symbols(_prev(layer)), net.symbols(f"b{layer}")
    product = w * a + b * sympy.ones(1, a.cols)
    sums = sympy.ImmutableMatrix(
        w.rows,
        a.cols,
        lambda k, j: sum((w[k, i] * a[i, j] for i in range(w.cols)), sympy.Integer(0)) + b[k, 0],
    )
    return EqualityClaim(
        f"Z{layer} = W{layer} {_prev(layer)} + b{layer}, entry by entry",
        sympy.ImmutableMatrix(product),
        sums,
    )


def concrete_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """``W[l+1] A[l]`` has the shape of ``Z[l+1]``."""
    nxt = layer + 1
    product_shape = shape_of(parse(f"W{nxt} @ A{layer}"), net.shapes)
    return (
        EqualityClaim(
            f"W{nxt} A{layer} has the shape of Z{nxt}",
            sympy.ImmutableMatrix([list(product_shape)]),
            sympy.ImmutableMatrix([list(net.shapes[f"Z{nxt}"])]),
        ),
    )


def concrete_step(net: Network, layer: int, target: str) -> Step:
    """2. The tiny matrices of layer ``layer + 1`` written with scalar entries."""
    nxt = layer + 1
    n_next, n_here, m = net.spec.size(nxt), net.spec.size(layer), net.spec.m
    matrices = tuple(
        matrix_display(net, name)
        for name in (f"W{nxt}", f"A{layer}", f"b{nxt}", f"Z{nxt}", f"Z{layer}")
    )
    return Step(
        StepId(target, StepKind.CONCRETE),
        Stage.CONCRETE,
        "Tiny matrices, every entry named",
        f"Take the smallest case: {count_words(n_next)} by {count_words(n_here)} weights and "
        f"{count_words(m)} example"
        f"{'s' if m > 1 else ''}. n[{nxt}] = {n_next} counts the units of layer {nxt}, "
        f"n[{layer}] = {n_here} those of layer {layer}. Every entry gets a name of its own.",
        equation=(
            matrix_label(f"Z{nxt}"),
            EQUALS,
            matrix_label(f"W{nxt}"),
            matrix_label(f"A{layer}"),
            PLUS,
            matrix_label(f"b{nxt}"),
        ),
        matrices=matrices,
        claims=concrete_claims(net, layer),
    )


def expand_step(net: Network, layer: int, target: str) -> Step:
    """3. ``z[l+1]_kj = Σ_i w_ki a_ij + b_k`` for every entry of ``Z[l+1]``."""
    nxt = layer + 1
    inner = net.spec.size(layer)

    def cell(k: int, j: int) -> GridCell:
        terms = [(entry(f"W{nxt}", k, i), entry(f"A{layer}", i, j)) for i in range(inner)]
        parts = (entry(f"Z{nxt}", k, j), EQUALS, *joined(terms), PLUS, entry(f"b{nxt}", k, 0))
        sources = (
            Highlight(f"W{nxt}", row=k),
            Highlight(f"A{layer}", col=j),
            Highlight(f"b{nxt}", row=k),
        )
        return GridCell(k, j, parts, sources)

    general = (
        general_entry(f"Z{nxt}", "k", "j"),
        EQUALS,
        *entry_sum("i", notation.size_tex(layer), (f"W{nxt}", "k", "i"), (f"A{layer}", "i", "j")),
        PLUS,
        general_entry(f"b{nxt}", "k", ""),
    )
    return Step(
        StepId(target, StepKind.EXPAND),
        Stage.EXPAND,
        "Expand the product into scalars",
        f"Each entry of Z[{nxt}] is row k of W[{nxt}] times column j of A[{layer}], "
        "plus the bias. That is a plain sum of products of scalars, and ordinary "
        "calculus can handle it.",
        equation=general,
        grid=entry_grid(net, f"Z{nxt}", general, cell),
        claims=(_expansion_claim(net, nxt),),
    )


def activate_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """``A[l] = g(Z[l])`` entry by entry."""
    z = net.symbols(f"Z{layer}")
    return (
        EqualityClaim(
            f"A{layer} = g(Z{layer}) entry by entry",
            net.activate(layer, z),
            sympy.ImmutableMatrix(z.applyfunc(net.activation.g)),
        ),
    )


def activate_step(net: Network, layer: int, target: str) -> Step:
    """3b. ``a[l]_ij = g(z[l]_ij)``: the activation acts entry by entry."""
    g_tex = f"g^{{[{layer}]}}"

    def cell(i: int, j: int) -> GridCell:
        parts = (
            entry(f"A{layer}", i, j),
            EQUALS,
            TexPart(
                f"g{layer}_{i + 1}{j + 1}",
                rf"{g_tex}({entry(f'Z{layer}', i, j).tex})",
                f"g{layer}",
            ),
        )
        return GridCell(i, j, parts, (Highlight(f"Z{layer}", row=i, col=j),))

    general = (
        general_entry(f"A{layer}", "i", "j"),
        EQUALS,
        TexPart(
            f"g{layer}_ij",
            rf"{g_tex}({notation.general_entry_tex(f'Z{layer}', 'i', 'j')})",
            f"g{layer}",
        ),
    )
    return Step(
        StepId(target, StepKind.ACTIVATE),
        Stage.EXPAND,
        "The activation acts entry by entry",
        f"A[{layer}] = g(Z[{layer}]) applies g to each entry on its own. So a[{layer}]_ij "
        f"depends on z[{layer}]_ij and on nothing else.",
        equation=general,
        grid=entry_grid(net, f"A{layer}", general, cell),
        claims=activate_claims(net, layer),
    )


def _chain_paths(net: Network, layer: int, i: int, j: int) -> tuple[ChainPath, ...]:
    nxt = layer + 1
    z_here, a_here = entry(f"Z{layer}", i, j), entry(f"A{layer}", i, j)
    paths = []
    for k in range(net.spec.size(nxt)):
        z_next = entry(f"Z{nxt}", k, j)
        factors = (
            _chain_factor(FactorRole.UPSTREAM, LOSS, z_next, entry(f"dZ{nxt}", k, j), "d"),
            _chain_factor(FactorRole.WEIGHT, z_next, a_here, entry(f"W{nxt}", k, i)),
            _chain_factor(FactorRole.LOCAL, a_here, z_here, gprime_entry(layer, i, j)),
        )
        paths.append(ChainPath(z_next, factors))
    return tuple(paths)


def _chain_factor(
    role: FactorRole, of: TexPart, wrt: TexPart, value: TexPart, prefix: str | None = None
) -> ChainFactor:
    """``∂ of / ∂ wrt``, coloured like ``value`` (the entry it stands for); its part is named
    ``<prefix>/<wrt>``, the prefix being ``of``'s name unless given."""
    generic = partial(of.tex, wrt, value.symbol, prefix=of.name if prefix is None else prefix)
    return ChainFactor(role, generic, value, of, wrt)


def _partial_truth(net: Network, layer: int, i: int, j: int) -> sympy.Expr:
    """``Σ_k (∂𝓛/∂z[l+1]_kj) w_ki g'(z_ij)`` with sympy's derivative as the upstream factor
    (written in the symbols ``z[l+1]_kj``, which :func:`composite` binds)."""
    nxt = layer + 1
    upstream = net.upstream(nxt)
    w = net.symbols(f"W{nxt}")
    z = net.symbols(f"Z{layer}")
    return sum(
        (upstream[k, j] * w[k, i] * net.activation.gprime(z[i, j]) for k in range(w.rows)),
        sympy.Integer(0),
    )


def partial_claims(
    net: Network, layer: int, target: str, picked: tuple[int, int]
) -> tuple[DerivativeClaim, tuple[DerivativeClaim, ...]]:
    """The chain rule over every path gives ``∂𝓛/∂z[l]_ij`` (the total), and each local
    factor is the derivative it stands for."""
    nxt = layer + 1
    i, j = picked
    z = net.symbols(f"Z{layer}")
    loss = composite(net, target)
    total = DerivativeClaim(
        f"the chain rule over every path through z[{nxt}]_kj gives ∂𝓛/∂z[{layer}]_{i + 1}{j + 1}",
        loss.function,
        sympy.ImmutableMatrix([[z[i, j]]]),
        sympy.ImmutableMatrix([[_partial_truth(net, layer, i, j)]]),
        loss.bindings,
    )
    a = net.symbols(f"A{layer}")
    w, b = net.symbols(f"W{nxt}"), net.symbols(f"b{nxt}")
    local_claims = []
    for k in range(w.rows):
        z_next = sum((w[k, p] * a[p, j] for p in range(w.cols)), sympy.Integer(0)) + b[k, 0]
        local_claims.append(
            DerivativeClaim(
                f"∂z[{nxt}]_{k + 1}{j + 1}/∂a[{layer}]_{i + 1}{j + 1} = w[{nxt}]_{k + 1}{i + 1}",
                z_next,
                sympy.ImmutableMatrix([[a[i, j]]]),
                sympy.ImmutableMatrix([[w[k, i]]]),
            )
        )
    local_claims.append(
        DerivativeClaim(
            f"∂a[{layer}]_ij/∂z[{layer}]_ij = g'(z[{layer}]_ij)",
            net.activation.g(z[i, j]),
            sympy.ImmutableMatrix([[z[i, j]]]),
            sympy.ImmutableMatrix([[net.activation.gprime(z[i, j])]]),
        )
    )
    return total, tuple(local_claims)


def partial_steps(
    net: Network, layer: int, target: str, picked: tuple[int, int]
) -> tuple[Step, ...]:
    """4. One entry's partial derivative by the scalar chain rule, then with values."""
    nxt = layer + 1
    i, j = picked
    paths = _chain_paths(net, layer, i, j)
    lhs = partial(LOSS.tex, entry(f"Z{layer}", i, j), f"dZ{layer}")
    generic = (lhs, EQUALS, *joined([tuple(f.generic for f in p.factors) for p in paths]))
    values = (lhs, EQUALS, *joined([tuple(f.value for f in p.factors) for p in paths]))
    total, local_claims = partial_claims(net, layer, target, picked)
    n_paths = len(paths)
    first = Step(
        StepId(target, StepKind.PARTIAL),
        Stage.PARTIAL,
        "One entry, by the scalar chain rule",
        f"Pick z[{layer}]_{i + 1}{j + 1}. It reaches ℒ through a[{layer}]_"
        f"{i + 1}{j + 1}, then through "
        + (
            "both entries"
            if n_paths == 2
            else f"all {count_words(n_paths)} entries"
            if n_paths > 1
            else "the entry"
        )
        + f" of column {j + 1} of Z[{nxt}]. The chain rule adds one product per path.",
        equation=generic,
        paths=paths,
        picked=picked,
        claims=(total, *local_claims),
    )
    second = Step(
        StepId(target, StepKind.PARTIAL_VALUES),
        Stage.PARTIAL,
        "What each factor is",
        f"The first factor is the upstream gradient dz[{nxt}]_k{j + 1}, short for "
        f"∂ℒ/∂z[{nxt}]_k{j + 1}: what arrives from layer {nxt}. Part two computes it; here it "
        f"is given. The second is a weight, w[{nxt}]_k{i + 1}. The third "
        f"is g' at z[{layer}]_{i + 1}{j + 1}. Every path shares that last factor.",
        equation=values,
        paths=paths,
        picked=picked,
        claims=(total,),
    )
    return first, second


def gprime_claims(net: Network) -> tuple[Claim, ...]:
    """The activation's derivative is sympy's derivative of its definition."""
    act = net.activation
    return (
        DerivativeClaim(
            f"the derivative of {act.name} is g'(z) = {sympy.sstr(act.derivative)}",
            act.definition,
            sympy.ImmutableMatrix([[Z]]),
            sympy.ImmutableMatrix([[act.derivative]]),
        ),
    )


def gprime_step(net: Network, layer: int, target: str) -> Step:
    """The activation's derivative, checked against sympy's differentiation of its definition."""
    act = net.activation
    equation = (
        TexPart(f"gprime{layer}_z", rf"g^{{[{layer}]\prime}}(z)", f"gprime{layer}"),
        EQUALS,
        TexPart("gprime_def", act.derivative_tex),
    )
    definition = (
        TexPart(f"g{layer}_z", rf"g^{{[{layer}]}}(z)", f"A{layer}"),
        EQUALS,
        TexPart("g_def", act.definition_tex),
    )
    return Step(
        StepId(target, StepKind.GPRIME),
        Stage.PARTIAL,
        f"The derivative of {act.title}",
        _activation_words(act)
        + f"For {act.title} the local factor is the formula shown. It is evaluated at each "
        "entry separately, which is why it will become an element-wise product.",
        equation=equation,
        lines=(definition,),
        claims=gprime_claims(net),
    )


def _activation_words(act: Activation) -> str:
    """What a kinked activation does, its slopes, and the convention at its kink (said where
    it first appears); nothing for a smooth one, whose formula says it all."""
    if act.slope_at_zero is None:
        return ""
    below = float(act.derivative.subs(Z, -1))
    slope = f"{below:g}"
    return (
        f"{act.title.capitalize()} {act.behaviour}. Its slope is 1 for positive z and {slope} "
        f"for negative z. At z = 0 it has no slope: backprop takes {act.slope_at_zero:g} "
        "there, by convention. "
    )


def _backward_sum(layer: int) -> Parts:
    """``Σ_k w[l+1]_ki dz[l+1]_kj``: what reaches ``a[l]_ij`` from above, entry ``(i, j)`` of
    ``W[l+1]ᵀ dZ[l+1]`` written as a sum."""
    nxt = layer + 1
    return entry_sum("k", notation.size_tex(nxt), (f"W{nxt}", "k", "i"), (f"dZ{nxt}", "k", "j"))


def all_entries_claims(net: Network, layer: int, target: str) -> tuple[Claim, ...]:
    """Every entry of ``dZ[l]`` by the same chain rule is sympy's derivative."""
    rows, cols = net.shapes[f"Z{layer}"]
    truth = sympy.ImmutableMatrix(rows, cols, lambda i, j: _partial_truth(net, layer, i, j))
    loss = composite(net, target)
    return (
        DerivativeClaim(
            f"every entry of dZ{layer} by the same chain rule",
            loss.function,
            net.symbols(f"Z{layer}"),
            truth,
            loss.bindings,
        ),
    )


def all_entries_step(net: Network, layer: int, target: str) -> Step:
    """5. Every entry, each product reordered as ``w_ki · dz_kj · g'(z_ij)``."""
    nxt = layer + 1
    inner = net.spec.size(nxt)

    def cell(i: int, j: int) -> GridCell:
        terms = [
            (entry(f"W{nxt}", k, i), entry(f"dZ{nxt}", k, j), gprime_entry(layer, i, j))
            for k in range(inner)
        ]
        return GridCell(
            i,
            j,
            (entry(f"dZ{layer}", i, j), EQUALS, *joined(terms)),
            (Highlight(f"W{nxt}", col=i), Highlight(f"dZ{nxt}", col=j)),
        )

    general = (
        general_entry(f"dZ{layer}", "i", "j"),
        EQUALS,
        *_backward_sum(layer),
        general_gprime(layer),
    )
    return Step(
        StepId(target, StepKind.ALL_ENTRIES),
        Stage.ALL_ENTRIES,
        "Every entry the same way",
        "Repeat for every entry. Scalars commute, so write each product as weight, then "
        "upstream gradient, then g'. The matrices will need that order.",
        equation=general,
        grid=entry_grid(net, f"dZ{layer}", general, cell),
        claims=all_entries_claims(net, layer, target),
    )


def _display_sums(net: Network, layer: int) -> sympy.ImmutableMatrix:
    nxt = layer + 1
    w, dz = net.symbols(f"W{nxt}"), net.symbols(f"dZ{nxt}")
    return sympy.ImmutableMatrix(
        w.cols,
        dz.cols,
        lambda i, j: sum((w[k, i] * dz[k, j] for k in range(w.rows)), sympy.Integer(0)),
    )


def fold_factor_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """Factoring ``g'`` out of every entry's sum leaves the entry unchanged."""
    nxt = layer + 1
    rows, cols = net.shapes[f"Z{layer}"]
    inner = net.spec.size(nxt)
    display = net.display_values
    factored = _display_sums(net, layer).multiply_elementwise(display[f"gprime{layer}"])
    unfactored = sympy.ImmutableMatrix(
        rows,
        cols,
        lambda i, j: sum(
            (
                display[f"W{nxt}"][k, i]
                * display[f"dZ{nxt}"][k, j]
                * display[f"gprime{layer}"][i, j]
                for k in range(inner)
            ),
            sympy.Integer(0),
        ),
    )
    return (
        EqualityClaim(
            "factoring out g' leaves every entry unchanged",
            sympy.ImmutableMatrix(factored),
            unfactored,
        ),
    )


def fold_factor_step(net: Network, layer: int, target: str) -> Step:
    """6a. The shared factor ``g'(z_ij)`` comes out of each entry's sum."""
    nxt = layer + 1
    inner = net.spec.size(nxt)

    def cell(i: int, j: int) -> GridCell:
        terms = [(entry(f"W{nxt}", k, i), entry(f"dZ{nxt}", k, j)) for k in range(inner)]
        parts = (
            entry(f"dZ{layer}", i, j),
            EQUALS,
            LPAREN,
            *joined(terms),
            RPAREN,
            gprime_entry(layer, i, j),
        )
        return GridCell(i, j, parts)

    general = (
        general_entry(f"dZ{layer}", "i", "j"),
        EQUALS,
        operator("lparen", r"\Big(", Role.OPEN),
        *_backward_sum(layer),
        operator("rparen", r"\Big)", Role.CLOSE),
        general_gprime(layer),
    )
    return Step(
        StepId(target, StepKind.FOLD_FACTOR),
        Stage.FOLD,
        "Take out the common factor",
        f"In every entry, all terms share g'(z[{layer}]_ij). Factor it out. What is left "
        "is a sum of weights times upstream gradients, and g' multiplies it entry by "
        "entry.",
        equation=general,
        grid=entry_grid(net, f"dZ{layer}", general, cell),
        claims=fold_factor_claims(net, layer),
    )


def transpose_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """``Σ_k w[l+1]_ki dz[l+1]_kj`` is entry ``(i, j)`` of ``W[l+1]ᵀ dZ[l+1]``, and row ``i``
    of the displayed ``W[l+1]ᵀ`` is column ``i`` of ``W[l+1]`` (the column laid down)."""
    nxt = layer + 1
    display = net.display_values
    return (
        EqualityClaim(
            f"Σ_k w[{nxt}]_ki dz[{nxt}]_kj is entry (i, j) of W{nxt}.T @ dZ{nxt}",
            _display_sums(net, layer),
            sympy.ImmutableMatrix(display[f"W{nxt}"].T * display[f"dZ{nxt}"]),
        ),
        *column_to_row_claims(
            net,
            matrix_display(net, f"W{nxt}"),
            matrix_display(net, f"W{nxt}", transposed=True),
        ),
    )


def transpose_narration(spec: NetworkSpec, layer: int) -> str:
    """The one argument for the transpose, proof first: the index ``k`` of the sum runs down
    column ``i`` of ``W[l+1]`` (the edges the step before showed), a product needs a row of
    its left factor, and that column laid down is row ``i`` of ``W[l+1]ᵀ``."""
    nxt = layer + 1
    return (
        f"In that sum, k runs down column i of W[{nxt}]: the edges that leave "
        f"{unit_words(spec, layer, 'i')}. "
        "A matrix product takes a row of its left factor, not a column. "
        f"Laid on its side, column i of W[{nxt}] is row i of W[{nxt}]ᵀ. "
        f"So the sum is entry (i, j) of W[{nxt}]ᵀ dZ[{nxt}]. "
        "That is where the transpose comes from."
    )


def transpose_step(net: Network, layer: int, target: str) -> Step:
    """6b. The sum runs down a column of ``W[l+1]``: a row of ``W[l+1]ᵀ``. ``highlights``
    pair column ``i`` of ``W[l+1]`` with row ``i`` of its transpose, the followed unit's
    column first (:func:`~derivations.sequence_network.focus_unit`), then the others."""
    nxt = layer + 1
    first = focus_unit(net.spec, layer)
    order = [first, *[i for i in range(net.shapes[f"W{nxt}"][1]) if i != first]]
    highlights = tuple((Highlight(f"W{nxt}", col=i), Highlight(f"W{nxt}T", row=i)) for i in order)
    equation = (
        *_backward_sum(layer),
        EQUALS,
        LPAREN,
        matrix_label(f"W{nxt}", transposed=True),
        matrix_label(f"dZ{nxt}"),
        operator("rparen_ij", ")_{ij}", Role.CLOSE),
    )
    return Step(
        StepId(target, StepKind.TRANSPOSE),
        Stage.PITFALL,
        "Why the transpose",
        transpose_narration(net.spec, layer),
        equation=equation,
        matrices=(
            matrix_display(net, f"W{nxt}"),
            matrix_display(net, f"W{nxt}", transposed=True),
            matrix_display(net, f"dZ{nxt}"),
        ),
        highlights=highlights,
        claims=transpose_claims(net, layer),
    )


def dz_fold_claims(net: Network, layer: int, target: str, node: Node) -> tuple[Claim, ...]:
    """The fold claims of ``node``, and (when it can be evaluated) that it reproduces every
    entry of the grid."""
    claims: list[Claim] = list(fold_claims(net, target, node))
    try:
        value = net.evaluate_symbolic(node, net.display_values)
        factored = _display_sums(net, layer).multiply_elementwise(
            net.display_values[f"gprime{layer}"]
        )
        claims.append(
            EqualityClaim(
                f"{to_text(node)} reproduces every entry of the grid",
                value,
                sympy.ImmutableMatrix(factored),
            )
        )
    except (ShapeError, KeyError):
        pass
    return tuple(claims)


def fold_step(net: Network, layer: int, target: str, node: Node) -> Step:
    """6c. The grid folds into the matrix formula; checked against sympy's derivative."""
    equation = (matrix_label(target), EQUALS, *to_parts(node))
    nxt = layer + 1
    matrices = (
        matrix_display(net, f"W{nxt}", transposed=True),
        matrix_display(net, f"dZ{nxt}"),
        gprime_display(net, layer),
        matrix_display(net, f"dZ{layer}"),
    )
    return Step(
        StepId(target, StepKind.FOLD),
        Stage.FOLD,
        "Fold back into matrices",
        f"Row i of W[{nxt}]ᵀ times column j of dZ[{nxt}], times g' of the same entry. "
        f"That is W[{nxt}]ᵀ dZ[{nxt}], then an element-wise product with "
        f"g'(Z[{layer}]).",
        equation=equation,
        matrices=matrices,
        claims=dz_fold_claims(net, layer, target, node),
    )


def badges_for(net: Network, target: str, node: Node) -> tuple[ShapeBadge, ...]:
    """A shape badge for ``target`` and for every factor of ``node`` (letters and numbers)."""
    parts = (matrix_label(target), *to_parts(node))
    badges = []
    for part in parts:
        name = part.name
        base = name[:-1] if name.endswith("T") and name[:-1] in net.shapes else name
        if base.startswith("gprime"):
            base = f"Z{base[6:]}"
        if base not in net.shapes:
            continue
        rows, cols = net.shapes[base]
        letters = _shape_letters(net, base)
        if base != name and name.endswith("T"):
            rows, cols, letters = cols, rows, (letters[1], letters[0])
        badges.append(ShapeBadge(name, rows, cols, notation.shape_tex(*letters)))
    return tuple(badges)


def _shape_letters(net: Network, name: str) -> tuple[str, str]:
    stripped = name.lstrip("d")
    letter, layer = stripped[0], int(stripped[1:] or 0)
    if name in ("X", "A0"):
        return notation.size_tex(0), "m"
    if name == "Y":
        return notation.size_tex(net.spec.num_layers), "m"
    if letter == "W":
        return notation.size_tex(layer), notation.size_tex(layer - 1)
    if letter == "b":
        return notation.size_tex(layer), "1"
    return notation.size_tex(layer), "m"


def shapes_claims(net: Network, layer: int, node: Node) -> tuple[Claim, ...]:
    """``node`` has the shape of ``Z[l]``."""
    return (
        ShapeClaim(
            f"{to_text(node)} has the shape of Z{layer}",
            to_text(node),
            tuple(net.shapes.items()),
            net.shapes[f"Z{layer}"],
        ),
    )


def shapes_step(net: Network, layer: int, target: str, node: Node) -> Step:
    """7. Shapes under every factor: they must agree, and the result has ``Z[l]``'s shape."""
    nxt = layer + 1
    rows, cols = net.shapes[f"Z{layer}"]
    return Step(
        StepId(target, StepKind.SHAPES),
        Stage.SHAPES,
        "The shapes fit",
        f"Now W[{nxt}]ᵀ dZ[{nxt}]: n[{layer}] by n[{nxt}] times n[{nxt}] by m. "
        f"That gives n[{layer}] by m, here {rows}×{cols}. "
        f"g'(Z[{layer}]) and dZ[{layer}] have that shape too.",
        equation=(matrix_label(target), EQUALS, *to_parts(node)),
        badges=badges_for(net, target, node),
        claims=shapes_claims(net, layer, node),
    )


# --------------------------------------------------------------------------- wrong candidates


def candidate_texts(layer: int) -> tuple[str, ...]:
    """The tempting wrong forms of ``dZ[l]``: without the transpose, in the naive scalar order
    ``dZ W g'``, and with a matrix product where ``g'`` needs an element-wise one.

    >>> candidate_texts(1)
    ('W2 @ dZ2 * gprime(Z1)', 'dZ2 @ W2 * gprime(Z1)', 'W2.T @ dZ2 @ gprime(Z1)')
    """
    nxt = layer + 1
    return (
        f"W{nxt} @ dZ{nxt} * gprime(Z{layer})",
        f"dZ{nxt} @ W{nxt} * gprime(Z{layer})",
        f"W{nxt}.T @ dZ{nxt} @ gprime(Z{layer})",
    )


def screen_name(node: Node) -> str:
    """A formula in the plain notation of titles and subtitles.

    >>> screen_name(parse("W2.T @ dZ2 @ gprime(Z1)"))
    "W[2]ᵀ dZ[2] g'(Z[1])"
    """
    if isinstance(node, Ref):
        match = re.fullmatch(r"(d?[A-Za-z])(\d)", node.name)
        return f"{match[1]}[{match[2]}]" if match else node.name
    if isinstance(node, GPrime):
        return f"g'(Z[{node.layer}])"
    if isinstance(node, Transpose):
        return screen_name(node.arg) + "ᵀ"
    if isinstance(node, MatMul):
        return f"{screen_name(node.left)} {screen_name(node.right)}"
    if isinstance(node, Hadamard):
        return f"{screen_name(node.left)} ∗ {screen_name(node.right)}"
    return to_text(node)


def failing_product(node: Node, shapes: Mapping[str, tuple[int, int]]) -> Node | None:
    """The innermost product of ``node`` that does not exist (its factors have shapes, it has
    none), or ``None`` when ``node`` has a shape."""
    try:
        shape_of(node, shapes)
        return None
    except ShapeError:
        pass
    for child in children(node):
        inner = failing_product(child, shapes)
        if inner is not None:
            return inner
    return node


def _size(shape: tuple[int, int]) -> str:
    return f"{shape[0]}×{shape[1]}"


def judge_candidate(net: Network, target: str, text: str) -> Candidate:
    """What the shape checker says of ``text`` as ``target`` on this network, as data.

    Only what fails is marked (``ok=False`` badges): for a product that does not exist, the
    two factors that meet in it (the last of its left side, the first of its right side: their
    inner sizes differ); for an element-wise product of two shapes, the factors of the side
    whose shape is not ``target``'s; for a form of the wrong shape, ``target``. Every factor's
    own shape is right, so nothing else is marked."""
    node = parse(text)
    shapes, wanted = net.shapes, net.shapes[target]
    equation = (matrix_label(target), EQUALS, *to_parts(node))
    badges = badges_for(net, target, node)
    badged = {badge.part for badge in badges}
    failing = failing_product(node, shapes)
    if failing is None:
        shape = shape_of(node, shapes)
        fits = shape == wanted
        if not fits:
            verdict = (
                f"{screen_name(node)} is {_size(shape)}, but {screen_name(Ref(target))} "
                f"is {_size(wanted)}"
            )
            reason = _wrong_shape_reason(node, shape, target, wanted)
        else:
            verdict = (
                "shapes fit, and here it is even right"
                if _agrees(net, node, int(target[2:]))
                else "shapes fit here: only the values can tell"
            )
            reason = (_words("verdict", verdict),)
        red: tuple[str, ...] = () if fits else (target,)
        return Candidate(text, equation, _marked(badges, red), shape, fits, verdict, reason=reason)
    assert isinstance(failing, (MatMul, Hadamard))
    left, right = shape_of(failing.left, shapes), shape_of(failing.right, shapes)
    if isinstance(failing, MatMul):
        verdict = (
            f"no product: {screen_name(failing.left)} is {_size(left)}, "
            f"{screen_name(failing.right)} is {_size(right)} ({left[1]} ≠ {right[0]})"
        )
        reason = _no_product_reason(failing, left, right)
        red = (_named(failing.left, badged)[-1], _named(failing.right, badged)[0])
    else:
        odd = failing.left if left != wanted else failing.right
        verdict = (
            f"{screen_name(odd)} is {_size(shape_of(odd, shapes))}, "
            f"but {screen_name(Ref(target))} is {_size(wanted)}"
        )
        reason = _wrong_shape_reason(odd, shape_of(odd, shapes), target, wanted)
        red = _named(odd, badged)
    return Candidate(text, equation, _marked(badges, red), None, False, verdict, reason=reason)


def _named(node: Node, badged: set[str]) -> tuple[str, ...]:
    """The names of ``node``'s parts that carry a shape badge, in order."""
    return tuple(part.name for part in to_parts(node) if part.name in badged)


def _words(name: str, text: str) -> TexPart:
    """Words of a verdict as one ``\\text`` part with no symbol (``text`` is the checker's
    own, made of letters, digits and ``:,`` only)."""
    return TexPart(name, rf"\text{{{text}}}")


def _size_tex(name: str, shape: tuple[int, int]) -> TexPart:
    """``2 \\times 3``: a shape in numbers, as the formulas set it."""
    return TexPart(name, rf"{shape[0]} \times {shape[1]}")


def _renamed(parts: Parts, prefix: str) -> Parts:
    """``parts`` with names made unique within a verdict (a name can occur on both sides)."""
    return tuple(dataclasses.replace(part, name=f"{prefix}{part.name}") for part in parts)


def _no_product_reason(failing: MatMul, left: tuple[int, int], right: tuple[int, int]) -> Parts:
    """``no product: A is r × k, B is l × c  (k ≠ l)`` in the formulas' notation."""
    return (
        _words("no_product", "no product: "),
        *_renamed(to_parts(failing.left), "left:"),
        _words("is_left", " is "),
        _size_tex("left_size", left),
        _words("comma", ", "),
        *_renamed(to_parts(failing.right), "right:"),
        _words("is_right", " is "),
        _size_tex("right_size", right),
        TexPart("inner", rf"\quad({left[1]} \neq {right[0]})"),
    )


def _wrong_shape_reason(
    node: Node, shape: tuple[int, int], target: str, wanted: tuple[int, int]
) -> Parts:
    """``A B is r × c, but dZ[l] is …`` in the formulas' notation."""
    return (
        *_renamed(to_parts(node), "odd:"),
        _words("is_odd", " is "),
        _size_tex("odd_size", shape),
        _words("but", ", but "),
        matrix_label(target),
        _words("is_target", " is "),
        _size_tex("target_size", wanted),
    )


def _truth(net: Network, layer: int) -> sympy.ImmutableMatrix:
    """The true ``dZ[l]`` in display symbols: ``(Σ_k w_ki dz_kj) g'(z_ij)``."""
    return sympy.ImmutableMatrix(
        _display_sums(net, layer).multiply_elementwise(net.display_values[f"gprime{layer}"])
    )


def _agrees(net: Network, node: Node, layer: int) -> bool:
    """Whether a formula of the right shape equals the true ``dZ[l]`` in every entry."""
    value = net.evaluate_symbolic(node, net.display_values)
    truth = _truth(net, layer)
    return all(sympy.expand(a - b) == 0 for a, b in zip(value, truth, strict=True))


def _marked(badges: tuple[ShapeBadge, ...], red: tuple[str, ...]) -> tuple[ShapeBadge, ...]:
    return tuple(dataclasses.replace(badge, ok=badge.part not in red) for badge in badges)


def candidate_claims(net: Network, layer: int, target: str) -> tuple[Claim, ...]:
    """For each tempting form: the shape the checker finds (or that a product in it does not
    exist, with its factors' shapes); a form that fits differs from the truth in value."""
    table = tuple(net.shapes.items())
    claims: list[Claim] = [
        ShapeClaim(f"{target} has the shape of Z{layer}", target, table, net.shapes[target])
    ]
    truth = _truth(net, layer)
    for text in candidate_texts(layer):
        node = parse(text)
        failing = failing_product(node, net.shapes)
        if failing is None:
            shape = shape_of(node, net.shapes)
            claims.append(ShapeClaim(f"{text} is {_size(shape)}", text, table, shape))
            if shape == net.shapes[target]:
                value = net.evaluate_symbolic(node, net.display_values)
                if _agrees(net, node, layer):
                    claims.append(
                        EqualityClaim(
                            f"with one unit per layer, {text} is the true {target}", value, truth
                        )
                    )
                else:
                    claims.append(
                        DifferenceClaim(
                            f"{text} fits but differs from the true {target}", value, truth
                        )
                    )
            continue
        claims.append(
            ShapeClaim(f"{to_text(failing)} does not exist", to_text(failing), table, None)
        )
        for factor in children(failing):
            shape = shape_of(factor, net.shapes)
            claims.append(
                ShapeClaim(f"{to_text(factor)} is {_size(shape)}", to_text(factor), table, shape)
            )
    return tuple(claims)


def candidate_sentence(net: Network, target: str, candidate: Candidate) -> str:
    """One short spoken sentence for a judged candidate, e.g. ``"W[2] dZ[2] has no product:
    2×3 times 2×2."``"""
    node = parse(candidate.text)
    failing = failing_product(node, net.shapes)
    wanted = _size(net.shapes[target])
    if failing is None:
        if not candidate.fits:
            return (
                f"{screen_name(node)} is {_size(shape_of(node, net.shapes))}, but "
                f"{screen_name(Ref(target))} is {wanted}."
            )
        if candidate.verdict.endswith("even right"):
            return f"{screen_name(node)} fits, and here it is even right."
        return f"{screen_name(node)} fits here, so only its values can tell."
    assert isinstance(failing, (MatMul, Hadamard))
    left, right = (shape_of(f, net.shapes) for f in (failing.left, failing.right))
    if isinstance(failing, MatMul):
        return f"{screen_name(failing)} has no product: {_size(left)} times {_size(right)}."
    odd = failing.left if left != net.shapes[target] else failing.right
    return (
        f"{screen_name(odd)} is {_size(shape_of(odd, net.shapes))}, but "
        f"{screen_name(Ref(target))} is {wanted}."
    )


def candidates_step(net: Network, layer: int, target: str) -> Step:
    """7a. The tempting wrong forms, each judged by the shape checker on this network."""
    candidates = tuple(judge_candidate(net, target, text) for text in candidate_texts(layer))
    failing = sum(not c.fits for c in candidates)
    dims = "-".join(str(n) for n in net.spec.layer_dims)
    summary = (
        "Each one fails on shapes."
        if failing == len(candidates)
        else "Here each one fits, so shapes cannot tell."
        if failing == 0
        else f"{count_words(failing).capitalize()} of {count_words(len(candidates))} fail "
        "on shapes."
    )
    # the shape check starts from the fold just drawn (issue: each step leads from the last)
    opening = (
        f"A first check of the fold is its shapes: try the tempting forms on {dims}, "
        f"m = {net.spec.m}. {summary}"
    )
    sentences = tuple(candidate_sentence(net, target, c) for c in candidates)
    candidates = tuple(
        dataclasses.replace(c, said=said) for c, said in zip(candidates, sentences, strict=True)
    )
    return Step(
        StepId(target, StepKind.CANDIDATES),
        Stage.SHAPES,
        "Wrong forms fail on shapes",
        " ".join((opening, *sentences)),
        equation=candidates[0].equation,
        candidates=candidates,
        claims=candidate_claims(net, layer, target),
    )


# --------------------------------------------------------------------------- the square pitfall


def square_companion(spec: NetworkSpec, layer: int) -> NetworkSpec:
    """The same network with ``W[l+1]`` square (``n[l] = n[l+1]``, at least 2), where leaving
    out the transpose keeps every shape and only the values can tell.

    >>> square_companion(NetworkSpec(layer_dims=(2, 3, 2)), 1).layer_dims
    (2, 2, 2)
    >>> square_companion(NetworkSpec(layer_dims=(3, 4, 1), m=3), 1).layer_dims
    (3, 2, 2)
    """
    size = max(2, spec.size(layer + 1))
    dims = list(spec.layer_dims)
    dims[layer] = dims[layer + 1] = size
    return NetworkSpec(layer_dims=tuple(dims), m=spec.m, activation=spec.activation)


def _no_transpose_text(layer: int) -> str:
    nxt = layer + 1
    return f"W{nxt} @ dZ{nxt} * gprime(Z{layer})"


def no_transpose_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """On the square companion of ``net``: the form without the transpose has the shape of
    ``dZ[l]`` and differs from it in value."""
    square = Network(square_companion(net.spec, layer))
    text = _no_transpose_text(layer)
    wrong = parse(text)
    display = square.display_values
    right_value = _truth(square, layer)
    return (
        ShapeClaim(
            f"with a square W{layer + 1}, {text} has the shape of Z{layer}",
            text,
            tuple(square.shapes.items()),
            square.shapes[f"Z{layer}"],
        ),
        DifferenceClaim(
            f"with a square W{layer + 1}, {text} differs from the true dZ{layer}",
            square.evaluate_symbolic(wrong, display),
            right_value,
        ),
    )


def no_transpose_step(net: Network, layer: int, target: str) -> Step:
    """The square pitfall: for a square ``W[l+1]`` (the network's square companion, said on
    screen) ``W[l+1] dZ[l+1] ∗ g'(Z[l])`` has every shape right and a wrong entry."""
    nxt = layer + 1
    square_spec = square_companion(net.spec, layer)
    square = Network(square_spec)
    wrong = parse(_no_transpose_text(layer))
    claims = no_transpose_claims(net, layer)
    difference = claims[-1]
    assert isinstance(difference, DifferenceClaim)
    i, j = _first_difference(difference.lhs, difference.rhs)
    k = next(k for k in range(square_spec.size(nxt)) if k != i)
    dims = "-".join(str(n) for n in square_spec.layer_dims)
    here = square_spec == net.spec
    note = TexPart(
        "square_note",
        rf"\text{{{'here' if here else 'for'} a square }}"
        rf"{notation.matrix_tex(f'W{nxt}')}"
        + (r"\text{ in this network}" if here else rf"\text{{ as in {dims}}}"),
    )
    lines = (
        (note,),
        (
            entry(f"dZ{layer}", i, j),
            NOT_EQUALS,
            *_scalar_parts(square, layer, i, j, transposed=False),
        ),
        (entry(f"dZ{layer}", i, j), EQUALS, *_scalar_parts(square, layer, i, j, transposed=True)),
    )
    wrong_w, right_w = (f"w[{nxt}]_{a + 1}{b + 1}" for a, b in ((i, k), (k, i)))
    where = "Here W" if here else f"For a square W[{nxt}], as in {dims}, W"
    return Step(
        StepId(target, StepKind.NO_TRANSPOSE),
        Stage.PITFALL,
        "Shapes agree, values differ",
        f"{where}[{nxt}] dZ[{nxt}] has every shape right. "
        f"The values do not: entry ({i + 1}, {j + 1}) uses {wrong_w} "
        f"where it needs {right_w}.",
        equation=(matrix_label(target), EQUALS, *to_parts(wrong)),
        badges=badges_for(square, target, wrong),
        lines=lines,
        claims=claims,
        picked=(i, j),
    )


def _first_difference(left: sympy.MatrixBase, right: sympy.MatrixBase) -> tuple[int, int]:
    for i in range(left.rows):
        for j in range(left.cols):
            if sympy.expand(left[i, j] - right[i, j]) != 0:
                return i, j
    return 0, 0


def _scalar_parts(
    net: Network, layer: int, i: int, j: int, transposed: bool
) -> tuple[TexPart, ...]:
    """``Σ_k w · dz · g'`` for entry (i, j), with or without the transpose."""
    nxt = layer + 1
    terms = []
    for k in range(net.spec.size(nxt)):
        w = entry(f"W{nxt}", k, i) if transposed else entry(f"W{nxt}", i, k)
        terms.append((w, entry(f"dZ{nxt}", k, j), gprime_entry(layer, i, j)))
    return joined(terms)


def dz_sequence(
    net: Network, layer: int, node: Node, picked: tuple[int, int] = (0, 0)
) -> tuple[Step, ...]:
    """The whole detailed sequence for ``dZ[layer]`` (``layer < L``)."""
    target = f"dZ{layer}"
    return (
        forward_step(net, target),
        concrete_step(net, layer, target),
        expand_step(net, layer, target),
        activate_step(net, layer, target),
        *partial_steps(net, layer, target, picked),
        gprime_step(net, layer, target),
        all_entries_step(net, layer, target),
        fold_factor_step(net, layer, target),
        transpose_step(net, layer, target),
        fold_step(net, layer, target, node),
        candidates_step(net, layer, target),
        shapes_step(net, layer, target, node),
        no_transpose_step(net, layer, target),
    )
