"""The gradients after ``dZ[1]``: ``dZ[L] = A[L] − Y``, ``dW[l]``, ``db[l]``, the other hidden
layers' ``dZ[l]`` and the general recursion.

As in :mod:`derivations.sequence_dz`, each step's claims come from a ``*_claims`` function and
its display and narration from the step builder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise

import sympy

from . import notation
from .activations import Z
from .claims import Claim, DerivativeClaim, EqualityClaim
from .display import (
    COST,
    EQUALS,
    LOSS,
    LPAREN,
    OVER_M,
    entry_sum,
    general_entry,
    matrix_display,
    matrix_label,
    partial,
)
from .formula import Node, to_parts
from .formulas import composite, fold_claims
from .functions import bce, sigma
from .network import Network
from .sequence_dz import badges_for
from .sequence_numbers import NUMBERS_SEED, choose_numbers, square_input_check
from .speech import count_words
from .steps import Highlight, MatrixDisplay, Stage, Step
from .vocabulary import HADAMARD, Parts, Role, StepId, StepKind, TexPart, operator

#: The pieces of a scalar formula that are operators, by their TeX.
_PIECE_ROLES = {"=": Role.EQUALS, "-": Role.MINUS, "+": Role.PLUS}


@dataclass(frozen=True)
class ScalarLetters:
    """The one-example scalars ``a``, ``y``, ``z`` of the output layer and the matrix each is an
    entry of, so that they are coloured like ``A[L]``, ``Y`` and ``Z[L]`` wherever they appear.

    >>> letters = ScalarLetters(a="A2", y="Y", z="Z2")
    >>> [(p.name, p.tex, p.symbol) for p in letters.parts("f", ("g(", "z", ")"))]
    [('f0', 'g(', None), ('f1', 'z', 'Z2'), ('f2', ')', None)]
    >>> letters.parts("s", ("a", "=", "y"))[1].role
    <Role.EQUALS: 'equals'>
    """

    a: str
    y: str
    z: str

    def parts(
        self, name: str, pieces: tuple[str, ...], symbol: str | None = None
    ) -> tuple[TexPart, ...]:
        """``pieces`` as parts named ``<name><i>``: a lone letter gets its matrix's colour,
        every other piece gets ``symbol``, and a lone ``=`` is an equals sign. Each piece must
        typeset on its own (scenes measure parts one by one), so fractions are written with a
        slash."""
        return tuple(
            TexPart(
                f"{name}{i}",
                piece,
                self.colour_of(piece, symbol),
                _PIECE_ROLES.get(piece, Role.TERM),
            )
            for i, piece in enumerate(pieces)
        )

    def colour_of(self, piece: str, symbol: str | None) -> str | None:
        """The matrix of a lone scalar letter, else ``symbol``."""
        return {"a": self.a, "y": self.y, "z": self.z}.get(piece, symbol)


def sigmoid_claims() -> tuple[Claim, ...]:
    """``σ'(z) = σ(z)(1 − σ(z))``."""
    logistic = 1 / (1 + sympy.exp(-Z))
    return (
        DerivativeClaim(
            "σ'(z) = σ(z)(1 − σ(z))",
            logistic,
            sympy.ImmutableMatrix([[Z]]),
            sympy.ImmutableMatrix([[logistic * (1 - logistic)]]),
        ),
    )


def summed_loss_claims(net: Network) -> tuple[Claim, ...]:
    """``ℒ`` is the sum of ``ℓ(a_kj, y_kj)``, the loss of one output, over every output ``k``
    and example ``j``."""
    last = net.spec.num_layers
    forward = net.forward(f"Z{last}")
    a, y = forward.values[f"A{last}"], forward.values["Y"]
    terms = sum(
        (bce(a[k, j], y[k, j]) for k in range(a.rows) for j in range(a.cols)), sympy.Integer(0)
    )
    return (
        EqualityClaim(
            "ℒ = Σ_j Σ_k ℓ(a_kj, y_kj)",
            sympy.ImmutableMatrix([[forward.loss]]),
            sympy.ImmutableMatrix([[terms]]),
        ),
    )


#: The scalars of one output and one example.
_A, _Y = sympy.symbols("a y", real=True)

#: The chain rule for one output, then the fractions cancelling, line by line: each line is
#: a tuple of (TeX piece, cancels) and the sympy value it stands for.
CANCEL_LINES: tuple[tuple[tuple[tuple[str, bool], ...], sympy.Expr], ...] = (
    (
        (
            ("(-", False),
            ("y", False),
            ("/", False),
            ("a", False),
            ("+ (1 -", False),
            ("y", False),
            (") / (1 -", False),
            ("a", False),
            ("))", False),
            (r"\cdot", False),
            ("a", False),
            ("(1 -", False),
            ("a", False),
            (")", False),
        ),
        (-_Y / _A + (1 - _Y) / (1 - _A)) * _A * (1 - _A),
    ),
    (
        (
            ("-", False),
            ("y", False),
            ("/", False),
            ("a", True),
            (r"\cdot", False),
            ("a", True),
            ("(1 -", False),
            ("a", False),
            (")", False),
            ("+ (1 -", False),
            ("y", False),
            (") / ", False),
            ("(1 -", True),
            ("a", True),
            (")", True),
            (r"\cdot", False),
            ("a", False),
            ("(1 -", True),
            ("a", True),
            (")", True),
        ),
        -_Y / _A * _A * (1 - _A) + (1 - _Y) / (1 - _A) * _A * (1 - _A),
    ),
    (
        (
            ("-", False),
            ("y", False),
            ("(1 -", False),
            ("a", False),
            (")", False),
            ("+ (1 -", False),
            ("y", False),
            (")", False),
            ("a", False),
        ),
        -_Y * (1 - _A) + (1 - _Y) * _A,
    ),
    (
        (
            ("-", False),
            ("y", False),
            ("+", False),
            ("a", False),
            ("y", False),
            ("+", False),
            ("a", False),
            ("-", False),
            ("a", False),
            ("y", False),
        ),
        -_Y + _A * _Y + _A - _A * _Y,
    ),
    ((("a", False), ("-", False), ("y", False)), _A - _Y),
)


def cancel_claims(net: Network) -> tuple[Claim, ...]:
    """Every ``=`` of the cancellation holds, the first line is the chain rule
    ``∂ℓ/∂a · ∂a/∂z``, and on the network ``∂ℒ/∂z_11 = σ(z_11) − y_11``."""
    # sympy differentiates L(a, y) = −(y log a + (1 − y) log(1 − a)); an equality claim (not a
    # derivative claim) because finite differences of log(a) need 0 < a < 1.
    claims: list[Claim] = [
        EqualityClaim(
            "∂L/∂a = −y/a + (1−y)/(1−a)",
            sympy.ImmutableMatrix([[sympy.diff(bce(_A, _Y), _A)]]),
            sympy.ImmutableMatrix([[-_Y / _A + (1 - _Y) / (1 - _A)]]),
        )
    ]
    for (_, before), (_, after) in pairwise(CANCEL_LINES):
        claims.append(
            EqualityClaim(
                f"{sympy.sstr(before)} = {sympy.sstr(after)}",
                sympy.ImmutableMatrix([[before]]),
                sympy.ImmutableMatrix([[after]]),
            )
        )
    last = net.spec.num_layers
    z, y = net.symbols(f"Z{last}"), net.symbols("Y")
    claims.append(
        DerivativeClaim(
            "∂ℒ/∂z = σ(z) − y for one entry",
            net.forward(f"Z{last}").loss,
            sympy.ImmutableMatrix([[z[0, 0]]]),
            sympy.ImmutableMatrix([[sigma(z[0, 0]) - y[0, 0]]]),
        )
    )
    return tuple(claims)


def _cancel_parts(letters: ScalarLetters, index: int) -> Parts:
    pieces, _ = CANCEL_LINES[index]
    return letters.parts(f"c{index}_", tuple(piece for piece, _ in pieces))


def _cancelling(letters: ScalarLetters, index: int) -> tuple[tuple[str, ...], ...]:
    """The names of the parts of line ``index`` that cancel, one group per factor (``(1 − a)``
    is one factor of three parts)."""
    pieces, _ = CANCEL_LINES[index]
    groups: list[tuple[str, ...]] = []
    current: list[str] = []
    for part, (_, cancels) in zip(_cancel_parts(letters, index), pieces, strict=True):
        if cancels:
            current.append(part.name)
        elif current:
            groups.append(tuple(current))
            current = []
    if current:
        groups.append(tuple(current))
    return tuple(groups)


def matrix_fold_step(
    net: Network,
    target: str,
    node: Node,
    title: str,
    narration: str,
    *,
    lines: tuple[Parts, ...] = (),
    matrices: tuple[MatrixDisplay, ...] = (),
    highlights: tuple[tuple[Highlight, Highlight], ...] = (),
) -> Step:
    """The fold of ``target``: ``target = node`` with a shape badge under every factor,
    checked by the fold claims (:func:`~derivations.formulas.fold_claims`)."""
    return Step(
        StepId(target, StepKind.FOLD),
        Stage.FOLD,
        title,
        narration,
        equation=(matrix_label(target), EQUALS, *to_parts(node)),
        lines=lines,
        matrices=matrices,
        highlights=highlights,
        badges=badges_for(net, target, node),
        claims=fold_claims(net, target, node),
    )


def output_sequence(net: Network, node: Node) -> tuple[Step, ...]:
    """``dZ[L]``: the loss, the chain rule through the sigmoid, the fractions cancelling line
    by line, and the fold to ``A[L] − Y`` (with no ``1/m``)."""
    last = net.spec.num_layers
    target = f"dZ{last}"
    letters = ScalarLetters(a=f"A{last}", y="Y", z=f"Z{last}")
    summed = (
        LOSS,
        EQUALS,
        TexPart("loss_terms", r"\sum_{j}\sum_{k} \ell(", "loss"),
        TexPart("loss_a", "a_{kj}", letters.a),  # coloured like a and y on the next line
        TexPart("loss_comma", ",", "loss"),
        TexPart("loss_y", "y_{kj}", letters.y),
        TexPart("loss_close", ")", "loss"),
    )
    loss_line = (
        *letters.parts("loss", (r"\ell(", "a", ",", "y", ")"), symbol="loss"),
        EQUALS,
        *letters.parts(
            "bce", (r"-\big(", "y", r"\log", "a", "+ (1 -", "y", r") \log(1 -", "a", r")\big)")
        ),
    )
    sigma_line = (
        *letters.parts("out", ("a",)),
        EQUALS,
        *letters.parts(
            "sigma", (r"\sigma(", "z", r"),\quad", "d", "a", "/ d", "z", "=", "a", "(1 -", "a", ")")
        ),
    )
    outputs = net.spec.size(last)
    many = (
        f"Here ℓ is one output's loss; each example has {count_words(outputs)}, "
        "and ℒ adds up all of them. "
        if outputs > 1
        else "Here ℓ is the loss of the one output of an example; ℒ adds it over the examples. "
    )
    first = Step(
        StepId(target, StepKind.LOSS),
        Stage.FORWARD,
        "The loss of one output",
        many + "Each ℓ is the cross-entropy of a sigmoid output a, whose slope is a(1 − a).",
        lines=(summed, loss_line, sigma_line),
        claims=(*summed_loss_claims(net), *sigmoid_claims()),
    )
    chain = (
        TexPart("dL/dz", r"\frac{\partial \ell}{\partial z}", target),
        EQUALS,
        TexPart("dL/da", r"\frac{\partial \ell}{\partial a}", None),
        TexPart("da/dz", r"\frac{\partial a}{\partial z}", None),
        EQUALS,
        *_cancel_parts(letters, 0),
    )
    steps = tuple((EQUALS, *_cancel_parts(letters, index)) for index in range(1, len(CANCEL_LINES)))
    # the chain rule and the cancellation on one screen: ∂ℓ/∂z = ∂ℓ/∂a ∂a/∂z, its value, then
    # each line of the cancellation under it
    cancel = Step(
        StepId(target, StepKind.CANCEL),
        Stage.PARTIAL,
        "A sigmoid meets cross-entropy",
        "By the chain rule, ∂ℓ/∂z is ∂ℓ/∂a times ∂a/∂z, and ∂a/∂z is a(1 − a). "
        "Multiply out: a cancels in the first term, 1 − a in the second. "
        "Expand, and a y cancels too: ∂ℓ/∂z = a − y.",
        equation=chain,
        lines=steps,
        struck=tuple(
            group for index in range(len(CANCEL_LINES)) for group in _cancelling(letters, index)
        ),
        claims=(*cancel_claims(net), *sigmoid_claims()),
    )
    no_mean = (
        TexPart("no_mean", r"\text{no }"),
        # 1/m in its own colour, as in every formula that has it
        TexPart("no_mean_m", r"\tfrac{1}{m}", "m"),
        TexPart("no_mean_here", r"\text{ here: }"),
        TexPart(
            "dZ_is",
            rf"dZ^{{[{last}]}} = \partial\mathcal{{L}} / "
            rf"\partial Z^{{[{last}]}}",
            target,
        ),
    )
    # the three matrices entry by entry; column j of dZ[L] pairs with column j of A[L] and of
    # Y (one example), for every j
    shown = (target, f"A{last}", "Y")
    columns = tuple(
        (Highlight(target, col=j), Highlight(name, col=j))
        for j in range(net.spec.m)
        for name in shown[1:]
    )
    third = matrix_fold_step(
        net,
        target,
        node,
        f"dZ[{last}] for all examples at once",
        f"Each entry needs only its own a and y: dZ[{last}] = A[{last}] − Y. "
        "No 1/m here: it is the gradient of the sum ℒ, not of J.",
        lines=(no_mean,),
        matrices=tuple(matrix_display(net, name) for name in shown),
        highlights=columns,
    )
    return first, cancel, third


def _previous(layer: int) -> str:
    return "X" if layer == 1 else f"A{layer - 1}"


def _screen(matrix: str) -> str:
    """``"A1"`` → ``"A[1]"``, ``"X"`` → ``"X"``."""
    return matrix if matrix == "X" else f"{matrix[:-1]}[{matrix[-1]}]"


def weight_entry(net: Network, layer: int) -> tuple[int, int]:
    """The entry ``(k, i)`` (0-based) of ``dW[l]`` the detailed steps single out: row 1, and
    column 2 where there is one, so that ``k`` and ``i`` visibly differ."""
    return 0, min(1, net.spec.size(layer - 1) - 1)


def weight_partial_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """``∂J/∂w[l]_ki = (1/m) Σ_j dz[l]_kj a[l-1]_ij`` for every ``(k, i)``, and the local
    factor ``∂z[l]_kj/∂w[l]_ki = a[l-1]_ij`` of the singled-out entry."""
    target, previous, m = f"dW{layer}", _previous(layer), net.spec.m
    cost = composite(net, target)
    dz, a = cost.values[f"dZ{layer}"], cost.values[previous]
    w = net.symbols(f"W{layer}")
    general = sympy.ImmutableMatrix(
        w.rows,
        w.cols,
        lambda k, i: sum((dz[k, j] * a[i, j] for j in range(m)), sympy.Integer(0)) / m,
    )
    k, i = weight_entry(net, layer)
    a_sym, b = net.symbols(previous), net.symbols(f"b{layer}")
    z_k1 = sum((w[k, p] * a_sym[p, 0] for p in range(w.cols)), sympy.Integer(0)) + b[k, 0]
    return (
        DerivativeClaim(
            f"∂J/∂w[{layer}]_ki = (1/m) Σ_j dz[{layer}]_kj a_ij for every k, i",
            cost.function,
            w,
            general,
            cost.bindings,
        ),
        DerivativeClaim(
            f"∂z[{layer}]_{k + 1}1/∂w[{layer}]_{k + 1}{i + 1} = a_{i + 1}1",
            z_k1,
            sympy.ImmutableMatrix([[w[k, i]]]),
            sympy.ImmutableMatrix([[a_sym[i, 0]]]),
        ),
    )


def weight_transpose_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """``Σ_j dz[l]_kj a_ij`` is entry ``(k, i)`` of ``dZ[l] A[l-1]ᵀ``."""
    previous, m = _previous(layer), net.spec.m
    dz, a = net.symbols(f"dZ{layer}"), net.symbols(previous)
    sums = sympy.ImmutableMatrix(
        dz.rows, a.rows, lambda k, i: sum((dz[k, j] * a[i, j] for j in range(m)), sympy.Integer(0))
    )
    return (
        EqualityClaim(
            f"Σ_j dz[{layer}]_kj a_ij is entry (k, i) of dZ{layer} @ {previous}.T",
            sums,
            sympy.ImmutableMatrix(dz * a.T),
        ),
    )


def _cost_line() -> Parts:
    return (COST, EQUALS, OVER_M, LOSS)


def _weight_sum(layer: int) -> Parts:
    """``Σ_j dz[l]_kj a[l-1]_ij``: entry ``(k, i)`` of ``dZ[l] A[l-1]ᵀ`` written as a sum."""
    return entry_sum("j", "m", (f"dZ{layer}", "k", "j"), (_previous(layer), "i", "j"))


def _general_weight(layer: int) -> Parts:
    return (
        partial("J", general_entry(f"W{layer}", "k", "i"), f"dW{layer}"),
        EQUALS,
        OVER_M,
        *_weight_sum(layer),
    )


def weight_sequence(
    net: Network, layer: int, node: Node, numbers_seed: int = NUMBERS_SEED
) -> tuple[Step, ...]:
    """``dW[l] = (1/m) dZ[l] A[l-1]ᵀ``. For the output layer in full: the general entry (with
    ``J = ℒ/m``), why ``A[l-1]ᵀ`` sits on the right, the fold; for the layers below, one step:
    the same pattern with their own input (``A[0] = X``). Where ``m = n_x`` the shapes of
    ``dZ[1] X`` fit too: layer 1's step says so and checks values instead, at the numbers of
    ``numbers_seed`` (:func:`~derivations.sequence_numbers.square_input_check`)."""
    target, previous = f"dW{layer}", _previous(layer)
    if layer < net.spec.num_layers:
        # A[0] in the activations' colour: the input is layer 0's activation
        input_line = (
            (TexPart("A0", notation.matrix_tex("A0"), "A0"), EQUALS, matrix_label("X"))
            if layer == 1
            else (TexPart("input", r"\text{input } "), matrix_label(previous))
        )
        said = "A[0] = X, n_x by m" if layer == 1 else f"its input A[{layer - 1}]"
        square = (
            square_input_check(net, node, choose_numbers(net, numbers_seed)) if layer == 1 else None
        )
        fold = matrix_fold_step(
            net,
            target,
            node,
            f"Layer {layer}: the same pattern",
            f"Layer {layer} is the same pattern, with {said}: dW[{layer}] = "
            f"(1/m) dZ[{layer}] {_screen(previous)}ᵀ."
            + (f" {square.narration}" if square is not None else ""),
            lines=(input_line,) if square is None else (input_line, *square.lines),
        )
        if square is not None:
            fold = replace(fold, claims=(*fold.claims, *square.claims))
        return (fold,)
    k, i = weight_entry(net, layer)
    dz, inp = matrix_display(net, f"dZ{layer}"), matrix_display(net, previous)
    rows_meet = ((Highlight(f"dZ{layer}", row=k), Highlight(previous, row=i)),)
    ours, theirs = f"dZ[{layer}]", _screen(previous)
    first = Step(
        StepId(target, StepKind.PARTIAL),
        Stage.PARTIAL,
        f"Any weight of layer {layer}",
        "J = ℒ/m, so each weight's partial carries 1/m. "
        f"w[{layer}]_ki feeds z[{layer}]_kj of every example j, with slope "
        f"{theirs.lower()}_ij. So row k of {ours} meets row i of {theirs}, summed over j.",
        equation=_general_weight(layer),
        lines=(_cost_line(),),
        matrices=(dz, inp),
        highlights=rows_meet,
        picked=(k, i),
        claims=weight_partial_claims(net, layer),
    )
    transposed = matrix_display(net, previous, transposed=True)
    columns = tuple(
        (Highlight(previous, row=r), Highlight(f"{previous}T", col=r))
        for r in range(net.shapes[previous][0])
    )
    product = (
        *_weight_sum(layer),
        EQUALS,
        LPAREN,
        matrix_label(f"dZ{layer}"),
        matrix_label(previous, transposed=True),
        operator("rparen_ki", ")_{ki}", Role.CLOSE),
    )
    second = Step(
        StepId(target, StepKind.TRANSPOSE),
        Stage.FOLD,
        "Why the transpose is on the right",
        f"A product pairs rows on its left with columns on its right. "
        f"Row i of {theirs} is column i of {theirs}ᵀ, so the sum is entry (k, i) of "
        f"{ours} {theirs}ᵀ.",
        equation=product,
        matrices=(dz, inp, transposed),
        highlights=rows_meet + columns,
        picked=(k, i),
        claims=weight_transpose_claims(net, layer),
    )
    fold = matrix_fold_step(
        net,
        target,
        node,
        f"dW[{layer}] as a matrix product",
        f"Every k and i at once: dW[{layer}] = (1/m) {ours} {theirs}ᵀ, shaped like W[{layer}].",
    )
    return first, second, fold


def bias_partial_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """``∂J/∂b[l]_k = (1/m) Σ_j dz[l]_kj`` for every ``k``."""
    target, m = f"db{layer}", net.spec.m
    cost = composite(net, target)
    dz = cost.values[f"dZ{layer}"]
    b = net.symbols(f"b{layer}")
    return (
        DerivativeClaim(
            f"∂J/∂b[{layer}]_k = (1/m) Σ_j dz[{layer}]_kj for every k",
            cost.function,
            b,
            sympy.ImmutableMatrix(
                b.rows, 1, lambda k, _: sum((dz[k, j] for j in range(m)), sympy.Integer(0)) / m
            ),
            cost.bindings,
        ),
    )


def bias_sequence(net: Network, layer: int, node: Node) -> tuple[Step, ...]:
    """``db[l] = (1/m) Σ_columns dZ[l]``, one fold for every layer: for the output layer it
    also says (and its claims check) why, entry by entry: ``b[l]_k`` is added to ``z[l]_kj``
    of every example with slope one, so ``∂J/∂b[l]_k`` is ``1/m`` times the sum of row
    ``k`` of ``dZ[l]``; below it, "again"."""
    target = f"db{layer}"
    if layer < net.spec.num_layers:
        return (
            matrix_fold_step(
                net,
                target,
                node,
                f"db[{layer}]: sum across the examples again",
                f"And db[{layer}] again sums each row of dZ[{layer}] over its columns, over m.",
            ),
        )
    fold = matrix_fold_step(
        net,
        target,
        node,
        f"db[{layer}]: sum across the examples",
        f"b[{layer}]_k is added to z[{layer}]_kj of every example j, with slope one. "
        f"So db[{layer}] sums each row of dZ[{layer}] over its columns, the examples, over m.",
    )
    return (replace(fold, claims=(*bias_partial_claims(net, layer), *fold.claims)),)


def hidden_fold_step(net: Network, layer: int, node: Node) -> Step:
    """``dZ[l]`` for a hidden layer other than the detailed one: the same fold, checked again."""
    return matrix_fold_step(
        net,
        f"dZ{layer}",
        node,
        f"dZ[{layer}] by the same argument",
        f"Layer {layer} sits between layers {layer - 1} and {layer + 1} exactly as layer 1 "
        "sat below layer 2, so the same expansion gives the same form.",
    )


def recursion_claims(net: Network, formulas: Mapping[str, Node]) -> tuple[Claim, ...]:
    """The fold claims of every hidden layer."""
    return tuple(
        claim
        for layer in range(1, net.spec.num_layers)
        for claim in fold_claims(net, f"dZ{layer}", formulas[f"dZ{layer}"])
    )


def recursion_step(net: Network, formulas: Mapping[str, Node]) -> Step:
    """The general-layer recursion, with the fold claims of every hidden layer."""
    equation = (
        TexPart("dZl", "dZ^{[l]}", "dZ"),
        EQUALS,
        TexPart("Wl1T", "W^{[l+1]T}", "W"),
        TexPart("dZl1", "dZ^{[l+1]}", "dZ"),
        HADAMARD,
        TexPart("gprimel", r"g^{[l]\prime}(Z^{[l]})", "gprime"),
    )
    order = ", ".join(f"dZ[{layer}]" for layer in reversed(net.spec.layers))
    return Step(
        StepId("general", StepKind.RECURSION),
        Stage.GENERAL,
        "Any number of layers",
        f"Nothing used that layer 2 was the last, so every hidden layer obeys the same "
        f"rule. Backprop runs it from the output down: {order}.",
        equation=equation,
        claims=recursion_claims(net, formulas),
    )
