"""The vector chain rule for ``dZ[1]``: one example, a diagonal matrix, the columns stacked.

For one example (a column ``j``), ``∂a/∂z = diag(g′(z))``; a diagonal matrix times a vector is
an element-wise product; and the ``m`` columns side by side are the matrix formula. It follows
the numbers of :mod:`.sequence_numbers` in the fold of ``dZ[1]``. Each step's claims come from a
``*_claims`` function, its display and narration from the step builder.
"""

from __future__ import annotations

import sympy

from .claims import Claim, DerivativeClaim, EqualityClaim, ShapeClaim
from .display import EQUALS, gprime_entry, matrix_display, matrix_label
from .formula import Node, ShapeError, to_parts, to_text
from .formulas import composite
from .network import Network
from .speech import count_words
from .steps import MatrixDisplay, Stage, Step
from .vocabulary import HADAMARD, Role, StepId, StepKind, TexPart, operator


def _column_tex(letter: str, layer: int, index: str = "j") -> str:
    """``z^{[1](j)}``: column ``index`` of a matrix, one example."""
    return f"{letter}^{{[{layer}]({index})}}"


def _diag_tex() -> str:
    return rf"\operatorname{{diag}}\big(g^{{[1]\prime}}({_column_tex('z', 1)})\big)"


def jacobian_claims(net: Network) -> tuple[Claim, ...]:
    """For each example, sympy's Jacobian of ``g`` applied to the column is ``diag(g′)``."""
    z = net.symbols("Z1")
    claims = []
    for j in range(z.cols):
        column = z[:, j]
        jacobian = sympy.ImmutableMatrix(column.applyfunc(net.activation.g).jacobian(column))
        claims.append(
            EqualityClaim(
                f"∂a[1]/∂z[1] for example {j + 1} is diag(g'(z[1]))",
                jacobian,
                sympy.ImmutableMatrix(sympy.diag(*[net.activation.gprime(v) for v in column])),
            )
        )
    return tuple(claims)


def jacobian_step(net: Network) -> Step:
    """One example: ``∂a/∂z`` is the diagonal matrix ``diag(g′(z))`` (the step's one
    matrix)."""
    n1 = net.spec.size(1)
    entries = tuple(
        tuple(
            (gprime_entry(1, r, 0) if r == c else TexPart(f"zero_{r + 1}{c + 1}", "0"),)
            for c in range(n1)
        )
        for r in range(n1)
    )
    label = TexPart(
        "jacobian",
        rf"\frac{{\partial {_column_tex('a', 1, '1')}}}"
        rf"{{\partial {_column_tex('z', 1, '1')}}}",
        "A1",
    )
    jacobian = MatrixDisplay("jacobian", label, entries, gprime_entry(1, 0, 0), "gprime1")
    equation = (
        TexPart(
            "da_dz",
            rf"\frac{{\partial {_column_tex('a', 1)}}}"
            rf"{{\partial {_column_tex('z', 1)}}}",
            "A1",
        ),
        EQUALS,
        TexPart("diag", _diag_tex(), "gprime1"),
    )
    return Step(
        StepId("dZ1", StepKind.JACOBIAN),
        Stage.FOLD,
        "One example: a diagonal matrix",
        "Take one example: one column of Z[1]. "
        "There a[1] = g(z[1]) works entry by entry. "
        "So ∂a/∂z has g' on its diagonal and zeros everywhere else.",
        equation=equation,
        matrices=(jacobian,),
        claims=jacobian_claims(net),
    )


def _letter_vector(name: str, letter: str, count: int, symbol: str | None) -> MatrixDisplay:
    entries = tuple(
        ((TexPart(f"{name}_{r + 1}", f"{letter}_{{{r + 1}}}", symbol),),) for r in range(count)
    )
    label = TexPart(name, letter, symbol)
    return MatrixDisplay(
        name, label, entries, TexPart(f"{name}_i", f"{letter}_i", symbol), symbol or name
    )


def elementwise_claims(net: Network) -> tuple[Claim, ...]:
    """``diag(v) u = v ∗ u`` for the hidden layer's size, and for each example the vector
    chain rule ``diag(g′(z)) W[2]ᵀ dz[2]`` is sympy's gradient of 𝓛 with respect to that
    column."""
    n1 = net.spec.size(1)
    v = sympy.ImmutableMatrix(sympy.symbols(f"v1:{n1 + 1}", real=True))
    u = sympy.ImmutableMatrix(sympy.symbols(f"u1:{n1 + 1}", real=True))
    claims: list[Claim] = [
        EqualityClaim(
            f"diag(v) u = v ∗ u for {n1} entries",
            sympy.ImmutableMatrix(sympy.diag(*v) * u),
            sympy.ImmutableMatrix(v.multiply_elementwise(u)),
        )
    ]
    loss = composite(net, "dZ1")
    z, w = net.symbols("Z1"), net.symbols("W2")
    upstream = net.upstream(2)
    for j in range(z.cols):
        column = z[:, j]
        value = sympy.diag(*[net.activation.gprime(x) for x in column]) * w.T * upstream[:, j]
        claims.append(
            DerivativeClaim(
                f"for example {j + 1} diag(g'(z[1])) W[2]ᵀ dz[2] is the gradient of 𝓛",
                loss.function,
                sympy.ImmutableMatrix(column),
                sympy.ImmutableMatrix(value),
                loss.bindings,
            )
        )
    return tuple(claims)


def elementwise_step(net: Network) -> Step:
    """``diag(v) u = v ∗ u``: the vector chain rule becomes an element-wise product.

    The equation has two ``=`` (role :attr:`~derivations.vocabulary.Role.EQUALS`): scenes
    break it before the second. The matrices are, in this order, ``diag(v)``, ``u``,
    ``[v_i u_i]`` and ``v``."""
    n1 = net.spec.size(1)
    dz1, dz2 = _column_tex("dz", 1), _column_tex("dz", 2)
    equation = (
        TexPart("dz1_j", dz1, "dZ1"),
        EQUALS,
        TexPart("diag", _diag_tex(), "gprime1"),
        matrix_label("W2", transposed=True),
        TexPart("dz2_j", dz2, "dZ2"),
        operator("eq2", "=", Role.EQUALS),
        TexPart("W2T_2", matrix_label("W2", transposed=True).tex, "W2"),
        TexPart("dz2_j2", dz2, "dZ2"),
        HADAMARD,
        TexPart("gprime_j", rf"g^{{[1]\prime}}({_column_tex('z', 1)})", "gprime1"),
    )
    diag = MatrixDisplay(
        "diag_v",
        TexPart("diag_v", r"\operatorname{diag}(v)", "gprime1"),
        tuple(
            tuple(
                (
                    TexPart(f"v_{r + 1}", f"v_{{{r + 1}}}", "gprime1")
                    if r == c
                    else TexPart(f"zero_{r + 1}{c + 1}", "0"),
                )
                for c in range(n1)
            )
            for r in range(n1)
        ),
        TexPart("v_i", "v_i", "gprime1"),
        "gprime1",
    )
    products = MatrixDisplay(
        "vu",
        TexPart("vu", r"v \ast u"),
        tuple(((TexPart(f"vu_{r + 1}", f"v_{{{r + 1}}} u_{{{r + 1}}}"),),) for r in range(n1)),
        TexPart("vu_i", "v_i u_i"),
        "vu",
    )
    names = (
        TexPart("v_is", rf"v = g^{{[1]\prime}}({_column_tex('z', 1)})", "gprime1"),
        operator("comma", r",\quad", Role.SEPARATOR),
        TexPart("u_is", rf"u = W^{{[2]T}} {dz2}"),
    )
    return Step(
        StepId("dZ1", StepKind.ELEMENTWISE),
        Stage.FOLD,
        "A diagonal matrix is an element-wise product",
        "The vector chain rule gives diag(g') times W[2]ᵀ dz[2]. "
        "A diagonal matrix times a vector scales each entry: entry i is v_i u_i. "
        "So for one example, dz[1] = W[2]ᵀ dz[2] ∗ g'(z[1]).",
        equation=equation,
        lines=(names,),
        matrices=(
            diag,
            _letter_vector("u", "u", n1, None),
            products,
            _letter_vector("v", "v", n1, "gprime1"),
        ),
        claims=elementwise_claims(net),
    )


def stack_claims(net: Network, node: Node) -> tuple[Claim, ...]:
    """The ``m`` columns ``diag(g′(z)) W[2]ᵀ dz[2]`` side by side are the folded ``dZ[1]``."""
    values = net.display_values
    z, w, dz = values["Z1"], values["W2"], values["dZ2"]
    columns = [
        sympy.diag(*[net.activation.gprime(x) for x in z[:, j]]) * w.T * dz[:, j]
        for j in range(z.cols)
    ]
    stacked = sympy.ImmutableMatrix(sympy.Matrix.hstack(*columns))
    text = to_text(node)
    try:
        folded = net.evaluate_symbolic(node, values)
    except (ShapeError, KeyError):
        return (
            ShapeClaim(
                f"dZ1 = {text} has the shape of Z1, column by column",
                text,
                tuple(net.shapes.items()),
                net.shapes["Z1"],
            ),
        )
    return (EqualityClaim(f"the {z.cols} columns side by side are {text}", stacked, folded),)


def stack_step(net: Network, node: Node) -> Step:
    """The ``m`` examples' columns side by side: the matrix formula. The step's one matrix is
    ``dZ[1]``; its second line has one label per column."""
    m = net.spec.m
    columns = tuple(
        TexPart(f"dz1_col{j + 1}", _column_tex("dz", 1, str(j + 1)), "dZ1") for j in range(m)
    )
    equation = (matrix_label("dZ1"), EQUALS, *to_parts(node))
    column_rule = (
        TexPart("dz1_j", _column_tex("dz", 1), "dZ1"),
        EQUALS,
        matrix_label("W2", transposed=True),
        TexPart("dz2_j", _column_tex("dz", 2), "dZ2"),
        HADAMARD,
        TexPart("gprime_j", rf"g^{{[1]\prime}}({_column_tex('z', 1)})", "gprime1"),
    )
    first = (
        f"Do this for each of the {count_words(m)} examples. "
        if m > 1
        else "Here there is one example, so one column. "
    )
    return Step(
        StepId("dZ1", StepKind.STACK),
        Stage.FOLD,
        "Stack the columns",
        first + "Set the columns side by side: dZ[1], dZ[2] and Z[1] have one column "
        "per example. That is the matrix formula dZ[1] = W[2]ᵀ dZ[2] ∗ g'(Z[1]).",
        equation=equation,
        lines=(column_rule, columns),
        matrices=(matrix_display_columns(net),),
        claims=stack_claims(net, node),
    )


def matrix_display_columns(net: Network) -> MatrixDisplay:
    """``dZ[1]`` with its entries, for highlighting one column (one example) at a time."""
    return matrix_display(net, "dZ1")


# --------------------------------------------------------------------------- the sequence


def vector_sequence(net: Network, node: Node) -> tuple[Step, ...]:
    """One example's vector chain rule, then the columns stacked."""
    return jacobian_step(net), elementwise_step(net), stack_step(net, node)


__all__ = ["vector_sequence"]
