"""Shorter sequences: ``dZ[L] = A[L] − Y``, ``dW[l]``, ``db[l]`` and the general recursion.

As in :mod:`derivations.sequence_dz`, each step's claims come from a ``*_claims`` function and
its display and narration from the step builder.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from collections.abc import Mapping

from .claims import Claim, DerivativeClaim, EqualityClaim
from .display import EQUALS, LPAREN, OVER_M, RPAREN, entry, joined, matrix_label, partial
from .formula import Node, to_parts
from .formulas import composite, fold_claims
from .functions import Z, sigma
from .network import Network
from .sequence_dz import badges_for
from .steps import Stage, Step
from .vocabulary import HADAMARD, Role, StepId, StepKind, TexPart

#: The pieces of a scalar formula that are operators, by their TeX.
_PIECE_ROLES = {"=": Role.EQUALS}


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

    def parts(self, name: str, pieces: tuple[str, ...], symbol: str | None = None
              ) -> tuple[TexPart, ...]:
        """``pieces`` as parts named ``<name><i>``: a lone letter gets its matrix's colour,
        every other piece gets ``symbol``, and a lone ``=`` is an equals sign. Each piece must
        typeset on its own (scenes measure parts one by one), so fractions are written with a
        slash."""
        return tuple(TexPart(f"{name}{i}", piece, self.colour_of(piece, symbol),
                             _PIECE_ROLES.get(piece, Role.TERM))
                     for i, piece in enumerate(pieces))

    def colour_of(self, piece: str, symbol: str | None) -> str | None:
        """The matrix of a lone scalar letter, else ``symbol``."""
        return {"a": self.a, "y": self.y, "z": self.z}.get(piece, symbol)


def sigmoid_claims() -> tuple[Claim, ...]:
    """``σ'(z) = σ(z)(1 − σ(z))``."""
    logistic = 1 / (1 + sympy.exp(-Z))
    return (DerivativeClaim("σ'(z) = σ(z)(1 − σ(z))", logistic, sympy.ImmutableMatrix([[Z]]),
                            sympy.ImmutableMatrix([[logistic * (1 - logistic)]])),)


def output_partial_claims(net: Network) -> tuple[Claim, ...]:
    """The fractions cancel to ``a − y``; ``∂𝓛/∂z = σ(z) − y`` for one entry."""
    last = net.spec.num_layers
    a, y = sympy.symbols("a y", real=True)
    slope = (-y / a + (1 - y) / (1 - a)) * a * (1 - a)
    simplify_claim = EqualityClaim("(−y/a + (1−y)/(1−a)) · a(1−a) = a − y",
                                   sympy.ImmutableMatrix([[slope]]),
                                   sympy.ImmutableMatrix([[a - y]]))
    z = net.symbols(f"Z{last}")
    yy = net.symbols("Y")
    scalar_claim = DerivativeClaim("∂𝓛/∂z = σ(z) − y for one entry", net.forward(f"Z{last}").loss,
                                   sympy.ImmutableMatrix([[z[0, 0]]]),
                                   sympy.ImmutableMatrix([[sigma(z[0, 0]) - yy[0, 0]]]))
    return simplify_claim, scalar_claim


def output_sequence(net: Network, node: Node) -> tuple[Step, ...]:
    """``dZ[L]``: the loss of one example, its scalar derivative, the fold to ``A[L] − Y``."""
    last = net.spec.num_layers
    target = f"dZ{last}"
    letters = ScalarLetters(a=f"A{last}", y="Y", z=f"Z{last}")
    loss_line = letters.parts("loss", ("L(", "a", ",", "y", ")"), symbol="loss") + (EQUALS,) \
        + letters.parts("bce", (r"-\big(", "y", r"\log", "a", "+ (1 -", "y", r") \log(1 -", "a",
                                r")\big)"))
    sigma_line = letters.parts("out", ("a",)) + (EQUALS,) + letters.parts(
        "sigma", (r"\sigma(", "z", r"),\quad", "d", "a", "/ d", "z", "=", "a", "(1 -", "a", ")"))
    units = net.spec.layer_dims[-1]
    terms = (f"a sum of {units} binary cross-entropy terms, one per output unit. One term is "
             "shown" if units > 1 else "the binary cross-entropy")
    first = Step(StepId(target, StepKind.LOSS), Stage.FORWARD, "The loss of one example",
                 f"The output layer is a sigmoid. Each example's loss L is {terms}. "
                 "The sigmoid's slope is a times one minus a.",
                 lines=(loss_line, sigma_line), claims=sigmoid_claims())
    chain = (TexPart("dL/dz", r"\frac{\partial L}{\partial z}", target), EQUALS,
             *letters.parts("dL/da", (r"\Bigl(-", "y", "/", "a", "+ (1 -", "y", ") / (1 -", "a",
                                      r")\Bigr)")),
             *letters.parts("da/dz", ("a", "(1 -", "a", ")")), EQUALS,
             TexPart("a_minus_y", "a - y", target))
    second = Step(StepId(target, StepKind.PARTIAL), Stage.PARTIAL, "A sigmoid meets cross-entropy",
                  "Differentiate L through the sigmoid. The fractions cancel, and what is left "
                  "is the prediction minus the label.",
                  equation=chain, claims=output_partial_claims(net))
    third = Step(StepId(target, StepKind.FOLD), Stage.FOLD, f"dZ[{last}] for all examples at once",
                 "Each entry only depends on its own prediction and label, so the matrix is simply "
                 f"A minus Y. There is no 1/m here: dZ[{last}] is the derivative of ℒ, the summed "
                 "loss, not of the cost J, the average.",
                 equation=(matrix_label(target), EQUALS, *to_parts(node)),
                 badges=badges_for(net, target, node), claims=fold_claims(net, target, node))
    return first, second, third


def _previous(layer: int) -> str:
    return "X" if layer == 1 else f"A{layer - 1}"


def weight_partial_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """``∂J/∂w[l]_11 = (1/m) Σ_j dz[l]_1j a_1j``."""
    target, previous, m = f"dW{layer}", _previous(layer), net.spec.m
    cost = composite(net, target)
    dz, a = cost.values[f"dZ{layer}"], cost.values[previous]
    return (DerivativeClaim(f"∂J/∂w[{layer}]_11 = (1/m) Σ_j dz[{layer}]_1j a_1j", cost.function,
                            sympy.ImmutableMatrix([[net.symbols(f"W{layer}")[0, 0]]]),
                            sympy.ImmutableMatrix([[sum((dz[0, j] * a[0, j] for j in range(m)),
                                                        sympy.Integer(0)) / m]]), cost.bindings),)


def weight_sequence(net: Network, layer: int, node: Node) -> tuple[Step, ...]:
    """``dW[l] = (1/m) dZ[l] A[l-1]ᵀ``: one weight's partial, then the fold."""
    target = f"dW{layer}"
    previous = _previous(layer)
    m = net.spec.m
    w_entry = entry(f"W{layer}", 0, 0)
    terms = [(entry(f"dZ{layer}", 0, j), entry(previous, 0, j)) for j in range(m)]
    equation = (partial("J", w_entry, target), EQUALS, OVER_M, LPAREN, *joined(terms), RPAREN)
    first = Step(StepId(target, StepKind.PARTIAL), Stage.PARTIAL, f"One weight of layer {layer}",
                 f"w[{layer}]_11 is used by every example, once per column of Z[{layer}]. The "
                 "chain rule sums over the examples. The cost's 1/m comes along.",
                 equation=equation, claims=weight_partial_claims(net, layer))
    source = "X" if layer == 1 else f"A[{layer - 1}]"
    fold = Step(StepId(target, StepKind.FOLD), Stage.FOLD, f"dW[{layer}] as a matrix product",
                f"The sum over examples j pairs row k of dZ[{layer}] with row i of {source}. "
                f"That is a product with {source}ᵀ on the right, and 1/m in front.",
                equation=(matrix_label(target), EQUALS, *to_parts(node)),
                badges=badges_for(net, target, node), claims=fold_claims(net, target, node))
    return first, fold


def bias_partial_claims(net: Network, layer: int) -> tuple[Claim, ...]:
    """``∂J/∂b[l]_1 = (1/m) Σ_j dz[l]_1j``."""
    target, m = f"db{layer}", net.spec.m
    cost = composite(net, target)
    dz = cost.values[f"dZ{layer}"]
    return (DerivativeClaim(f"∂J/∂b[{layer}]_1 = (1/m) Σ_j dz[{layer}]_1j", cost.function,
                            sympy.ImmutableMatrix([[net.symbols(f"b{layer}")[0, 0]]]),
                            sympy.ImmutableMatrix([[sum((dz[0, j] for j in range(m)),
                                                        sympy.Integer(0)) / m]]), cost.bindings),)


def bias_sequence(net: Network, layer: int, node: Node) -> tuple[Step, ...]:
    """``db[l] = (1/m) Σ_columns dZ[l]``: one bias's partial, then the fold."""
    target = f"db{layer}"
    m = net.spec.m
    b_entry = entry(f"b{layer}", 0, 0)
    terms = [(entry(f"dZ{layer}", 0, j),) for j in range(m)]
    equation = (partial("J", b_entry, target), EQUALS, OVER_M, LPAREN, *joined(terms), RPAREN)
    first = Step(StepId(target, StepKind.PARTIAL), Stage.PARTIAL, f"One bias of layer {layer}",
                 f"b[{layer}]_1 is added to every column of Z[{layer}], with slope one. So its "
                 f"partial is the average of the first row of dZ[{layer}].",
                 equation=equation, claims=bias_partial_claims(net, layer))
    fold = Step(StepId(target, StepKind.FOLD), Stage.FOLD, f"db[{layer}]: sum across the examples",
                f"For all rows at once: add up the columns of dZ[{layer}] and divide by m. The "
                "result is a column, the shape of the bias.",
                equation=(matrix_label(target), EQUALS, *to_parts(node)),
                badges=badges_for(net, target, node), claims=fold_claims(net, target, node))
    return first, fold


def hidden_fold_step(net: Network, layer: int, node: Node) -> Step:
    """``dZ[l]`` for a hidden layer other than the detailed one: the same fold, checked again."""
    target = f"dZ{layer}"
    return Step(StepId(target, StepKind.FOLD), Stage.FOLD, f"dZ[{layer}] by the same argument",
                f"Layer {layer} sits between layers {layer - 1} and {layer + 1} exactly as layer 1 "
                "sat below layer 2, so the same expansion gives the same form.",
                equation=(matrix_label(target), EQUALS, *to_parts(node)),
                badges=badges_for(net, target, node), claims=fold_claims(net, target, node))


def recursion_claims(net: Network, formulas: Mapping[str, Node]) -> tuple[Claim, ...]:
    """The fold claims of every hidden layer."""
    return tuple(claim for layer in range(1, net.spec.num_layers)
                 for claim in fold_claims(net, f"dZ{layer}", formulas[f"dZ{layer}"]))


def recursion_step(net: Network, formulas: Mapping[str, Node]) -> Step:
    """The general-layer recursion, with the fold claims of every hidden layer."""
    equation = (TexPart("dZl", "dZ^{[l]}", "dZ"), EQUALS, TexPart("Wl1T", "W^{[l+1]T}", "W"),
                TexPart("dZl1", "dZ^{[l+1]}", "dZ"), HADAMARD,
                TexPart("gprimel", r"g^{[l]\prime}(Z^{[l]})", "gprime"))
    order = ", ".join(f"dZ[{layer}]" for layer in reversed(net.spec.layers))
    return Step(StepId("general", StepKind.RECURSION), Stage.GENERAL, "Any number of layers",
                f"Nothing used that layer 2 was the last, so every hidden layer obeys the same "
                f"rule. Backprop runs it from the output down: {order}.",
                equation=equation, claims=recursion_claims(net, formulas))
