"""The learner's route to ``dZ[1]``: Jacobians and the vector chain rule, for one example.

This is the route the learner in the thread tried: the chain rule from a matrix-calculus
reference, which works on vectors, so on one example (one column ``j``). ``z[2] = W[2] a[1] +
b[2]`` gives the Jacobian ``∂z[2]/∂a[1] = W[2]`` and ``a[1] = g(z[1])`` entry by entry gives
``∂a[1]/∂z[1] = diag(g′(z[1]))``. The chain rule multiplies Jacobians in the order of the
chain; ``ℒ`` is a number, so ``∂ℒ/∂z[1]`` is a row. The course writes gradients as columns,
``dz = (∂ℒ/∂z)ᵀ``: transposing the product reverses its order and transposes each factor, which
gives ``W[2]ᵀ`` and its place again (the narration does not explain the transpose a second
time: ``dZ1.transpose`` did, from the index sum). A diagonal matrix times a vector is an
element-wise product, and the ``m`` columns side by side are the fold's formula again: a
cross-check of one result in the learner's language, not a new one. Each step's claims come
from a ``*_claims`` function (with one-claim builders a test can feed a wrong Jacobian or a
wrong order), its display and narration from the step builder; every Jacobian's shape badge is
read from the sympy matrix it names.
"""

from __future__ import annotations

import sympy

from . import notation
from .claims import Claim, DerivativeClaim, EqualityClaim, ShapeClaim
from .display import EQUALS, LOSS, matrix_display, matrix_label
from .formula import Node, ShapeError, to_parts, to_text
from .formulas import composite
from .network import Network
from .speech import count_words
from .steps import MatrixDisplay, ShapeBadge, Stage, Step
from .vocabulary import HADAMARD, Parts, Role, StepId, StepKind, TexPart, operator

#: Between two formulas on one line.
APART = operator("apart", r",\qquad", Role.SEPARATOR)


def _column_tex(letter: str, layer: int, index: str = "j") -> str:
    """``z^{[1](j)}``: column ``index`` of a matrix, one example."""
    return f"{letter}^{{[{layer}]({index})}}"


def applied(name: str, outer: str, symbol: str, close: str = ")") -> Parts:
    """``outer`` applied to ``z[1]`` as three parts: ``outer`` with its open bracket(s) in
    ``symbol``'s colour, ``z^{[1](j)}`` in ``Z``'s colour (as everywhere else), and the
    closing bracket(s). The first part is called ``name`` (a shape badge names it; its
    label is centred under the three, see :class:`~scenes.vector.ShapedEquation`).

    >>> [part.tex for part in applied("g", "g^{[1]}(", "A1")]
    ['g^{[1]}(', 'z^{[1](j)}', ')']
    """
    return (
        TexPart(name, outer, symbol),
        TexPart(f"{name}_z", _column_tex("z", 1), "Z1"),
        TexPart(f"{name}_close", close, symbol),
    )


def _diag_parts(name: str) -> Parts:
    """``diag(g′(z[1]))`` as parts, ``z[1]`` in its own colour."""
    return applied(name, r"\operatorname{diag}\big(g^{[1]\prime}(", "gprime1", r")\big)")


def _gprime_parts(name: str) -> Parts:
    """``g′(z[1])`` as parts, ``z[1]`` in its own colour."""
    return applied(name, r"g^{[1]\prime}(", "gprime1")


def _partial_tex(top: str, bottom: str) -> str:
    """``∂top/∂bottom`` set as a fraction, as the scalar chain rule sets its partials."""
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def _badge(part: str, shape: tuple[int, int], rows: int | str, cols: int | str) -> ShapeBadge:
    """The badge of ``part``: ``shape`` (from the sympy matrix) in numbers, and in letters the
    layer sizes ``rows`` and ``cols`` (a layer number, or a literal such as ``"1"``)."""
    letters = [notation.size_tex(s) if isinstance(s, int) else s for s in (rows, cols)]
    return ShapeBadge(part, shape[0], shape[1], notation.shape_tex(*letters))


def shape_label(badge: ShapeBadge) -> TexPart:
    r"""The shape of ``badge``'s part as TeX, to set under it: the sizes in letters over the
    sizes in numbers (``n^{[2]} × n^{[1]}`` over ``2 × 3``), in the formulas' type.

    >>> print(shape_label(ShapeBadge("W2", 2, 3, r"(n^{[2]} \times n^{[1]})")).tex)
    \begin{array}{c}(n^{[2]} \times n^{[1]}) \\ (2 \times 3)\end{array}
    """
    sizes = notation.shape_tex(str(badge.rows), str(badge.cols))
    return TexPart(
        f"shape:{badge.part}", rf"\begin{{array}}{{c}}{badge.tex} \\ {sizes}\end{{array}}"
    )


def _column(net: Network, name: str, j: int) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix(net.symbols(name)[:, j])


def _diag(net: Network, z: sympy.MatrixBase) -> sympy.ImmutableMatrix:
    """``diag(g′(z))`` for a column ``z``."""
    return sympy.ImmutableMatrix(sympy.diag(*[net.activation.gprime(v) for v in z]))


# --------------------------------------------------------------------------- the Jacobians


def weight_jacobian(net: Network, j: int) -> sympy.ImmutableMatrix:
    """Sympy's Jacobian of ``z[2] = W[2] a[1] + b[2]`` (example ``j``) with respect to
    ``a[1]``: the truth the weight claim is checked against."""
    a = _column(net, "A1", j)
    z = net.symbols("W2") * a + net.symbols("b2")
    return sympy.ImmutableMatrix(z.jacobian(a))


def activation_jacobian(net: Network, j: int) -> sympy.ImmutableMatrix:
    """Sympy's Jacobian of ``a[1] = g(z[1])`` (example ``j``, entry by entry) w.r.t. ``z[1]``."""
    z = _column(net, "Z1", j)
    return sympy.ImmutableMatrix(z.applyfunc(net.activation.g).jacobian(z))


def weight_jacobian_claim(net: Network, j: int, claimed: sympy.MatrixBase) -> Claim:
    """``∂z[2]/∂a[1] = claimed`` for example ``j`` (the lecture claims ``W[2]``)."""
    return EqualityClaim(
        f"∂z[2]/∂a[1] for example {j + 1} is W[2]",
        weight_jacobian(net, j),
        sympy.ImmutableMatrix(claimed),
    )


def activation_jacobian_claim(net: Network, j: int, claimed: sympy.MatrixBase) -> Claim:
    """``∂a[1]/∂z[1] = claimed`` for example ``j`` (the lecture claims ``diag(g′(z[1]))``)."""
    return EqualityClaim(
        f"∂a[1]/∂z[1] for example {j + 1} is diag(g'(z[1]))",
        activation_jacobian(net, j),
        sympy.ImmutableMatrix(claimed),
    )


def jacobian_claims(net: Network) -> tuple[Claim, ...]:
    """For each example, sympy's Jacobians are ``W[2]`` and ``diag(g′(z[1]))``."""
    claims: list[Claim] = []
    for j in range(net.spec.m):
        claims.append(weight_jacobian_claim(net, j, net.symbols("W2")))
        claims.append(activation_jacobian_claim(net, j, _diag(net, _column(net, "Z1", j))))
    return tuple(claims)


def _chain_rule() -> Parts:
    """``∂ℒ/∂z[1] = ∂ℒ/∂z[2] · ∂z[2]/∂a[1] · ∂a[1]/∂z[1]``: one Jacobian per link, in the
    order of the chain (names of its own, so that no shape is set under it)."""
    return (
        _loss_partial("chain_dL_dz1", 1),
        EQUALS,
        _loss_partial("chain_dL_dz2", 2),
        operator("cdot1", r"\cdot", Role.TERM),
        TexPart("chain_dz2_da1", _partial_tex(_column_tex("z", 2), _column_tex("a", 1)), "W2"),
        operator("cdot2", r"\cdot", Role.TERM),
        TexPart("chain_da1_dz1", _partial_tex(_column_tex("a", 1), _column_tex("z", 1)), "gprime1"),
    )


def _forward_line() -> Parts:
    """``z[2] = W[2] a[1] + b[2],  a[1] = g(z[1])`` for one example."""
    return (
        TexPart("z2_j", _column_tex("z", 2), "Z2"),
        EQUALS,
        matrix_label("W2"),
        TexPart("a1_j", _column_tex("a", 1), "A1"),
        operator("plus", "+", Role.PLUS),
        matrix_label("b2"),
        APART,
        TexPart("a1_j_lhs", _column_tex("a", 1), "A1"),
        operator("eq_a", "=", Role.EQUALS),
        *applied("g_of_z", "g^{[1]}(", "A1"),
    )


def _jacobian_lines() -> tuple[Parts, Parts]:
    """``∂z[2]/∂a[1] = W[2]  (∂z_k/∂a_i = w[2]_ki)`` and ``∂a[1]/∂z[1] = diag(g′(z[1]))``."""
    weights = (
        TexPart("dz2_da1", _partial_tex(_column_tex("z", 2), _column_tex("a", 1)), "W2"),
        EQUALS,
        matrix_label("W2"),
        TexPart(
            "entry_ki",
            r"\quad\left(\frac{\partial z^{[2]}_k}{\partial a^{[1]}_i} = w^{[2]}_{ki}\right)",
            "W2",
        ),
    )
    slopes = (
        TexPart("da1_dz1", _partial_tex(_column_tex("a", 1), _column_tex("z", 1)), "gprime1"),
        EQUALS,
        *_diag_parts("diag"),
    )
    return weights, slopes


def jacobian_badges(net: Network) -> tuple[ShapeBadge, ...]:
    """The shapes of the two Jacobians, read from sympy's Jacobians (example 1)."""
    return (
        _badge("dz2_da1", weight_jacobian(net, 0).shape, 2, 1),
        _badge("da1_dz1", activation_jacobian(net, 0).shape, 1, 1),
    )


def jacobian_step(net: Network) -> Step:
    """The learner's route: the chain rule of Jacobians, one example, and the two Jacobians
    of the chain with their shapes.

    ``equation`` is the chain rule, one Jacobian per link; ``lines`` are the forward pass of
    one example and the two Jacobians, whose parts carry the step's badges."""
    n1, n2 = net.spec.size(1), net.spec.size(2)
    return Step(
        StepId("dZ1", StepKind.JACOBIAN),
        Stage.FOLD,
        "The learner's route: Jacobians",
        "Shapes cannot prove dZ[1]; the learner's matrix-calculus route can. "
        "A Jacobian holds every partial of one vector by another. "
        "It needs vectors, so take one example: one column. "
        f"z[2] = W[2] a[1] + b[2], so ∂z[2] / ∂a[1] is W[2] itself, {n2}×{n1}. "
        f"a[1] = g(z[1]) entry by entry, so ∂a[1] / ∂z[1] = diag(g'(z[1])), {n1}×{n1}.",
        equation=_chain_rule(),
        lines=(_forward_line(), *_jacobian_lines()),
        badges=jacobian_badges(net),
        claims=jacobian_claims(net),
    )


# --------------------------------------------------------------------------- chain, transpose


def row_chain(net: Network, j: int) -> sympy.ImmutableMatrix:
    """``∂ℒ/∂z[2] · W[2] · diag(g′(z[1]))`` for example ``j``: Jacobians in the chain's order."""
    upstream = sympy.ImmutableMatrix(net.upstream(2)[:, j]).T
    return sympy.ImmutableMatrix(upstream * net.symbols("W2") * _diag(net, _column(net, "Z1", j)))


def column_chain(net: Network, j: int) -> sympy.ImmutableMatrix:
    """``diag(g′(z[1])) W[2]ᵀ dz[2]`` for example ``j``: the row chain transposed."""
    upstream = sympy.ImmutableMatrix(net.upstream(2)[:, j])
    return sympy.ImmutableMatrix(_diag(net, _column(net, "Z1", j)) * net.symbols("W2").T * upstream)


def gradient_claim(net: Network, j: int, claimed: sympy.MatrixBase, row: bool) -> Claim:
    """Sympy's derivative of ℒ with respect to column ``j`` of ``Z[1]`` is ``claimed`` — laid
    out as a row (the chain rule's ``∂ℒ/∂z``) if ``row``, else as a column (``dz``)."""
    loss = composite(net, "dZ1")
    column = _column(net, "Z1", j)
    variables = column.T if row else column
    layout = "row ∂ℒ/∂z[1]" if row else "column dz[1]"
    return DerivativeClaim(
        f"for example {j + 1} the {layout} is the derivative of ℒ",
        loss.function,
        sympy.ImmutableMatrix(variables),
        sympy.ImmutableMatrix(claimed),
        loss.bindings,
    )


def elementwise_claims(net: Network) -> tuple[Claim, ...]:
    """For each example: the Jacobians chained in order are ``∂ℒ/∂z[1]`` as a row; their
    product transposed is ``diag(g′) W[2]ᵀ dz[2]`` and is ``dz[1]`` as a column; and it is
    the element-wise product ``W[2]ᵀ dz[2] ∗ g′(z[1])``."""
    claims: list[Claim] = []
    w = net.symbols("W2")
    for j in range(net.spec.m):
        row, column = row_chain(net, j), column_chain(net, j)
        upstream = sympy.ImmutableMatrix(net.upstream(2)[:, j])
        slopes = net.gprime(_column(net, "Z1", j))
        claims += [
            gradient_claim(net, j, row, row=True),
            EqualityClaim(
                f"for example {j + 1} (∂ℒ/∂z[2] W[2] diag(g'))ᵀ = diag(g') W[2]ᵀ dz[2]",
                sympy.ImmutableMatrix(row.T),
                column,
            ),
            gradient_claim(net, j, column, row=False),
            EqualityClaim(
                f"for example {j + 1} diag(g') W[2]ᵀ dz[2] = W[2]ᵀ dz[2] ∗ g'(z[1])",
                column,
                sympy.ImmutableMatrix((w.T * upstream).multiply_elementwise(slopes)),
            ),
        ]
    return tuple(claims)


def _loss_partial(name: str, layer: int) -> TexPart:
    """``∂ℒ/∂z[layer]`` in the colour of ``dZ[layer]``: the same gradient as a row (as in
    "What each factor is", where ``∂ℒ/∂z`` is the upstream gradient's colour)."""
    return TexPart(name, _partial_tex(LOSS.tex, _column_tex("z", layer)), f"dZ{layer}")


def _row_line() -> Parts:
    """``∂ℒ/∂z[1] = ∂ℒ/∂z[2] W[2] diag(g′)``: the Jacobians in the order of the chain."""
    return (
        _loss_partial("dL_dz1", 1),
        EQUALS,
        _loss_partial("dL_dz2", 2),
        matrix_label("W2"),
        *_diag_parts("diag"),
    )


def _transpose_rule() -> Parts:
    """``(A B C)ᵀ = Cᵀ Bᵀ Aᵀ,  diag(v)ᵀ = diag(v)``."""
    return (
        TexPart("abc_T", r"(A\,B\,C)^{T} = C^{T} B^{T} A^{T}"),
        APART,
        TexPart("diag_T", r"\operatorname{diag}(v)^{T} = \operatorname{diag}(v)", "gprime1"),
    )


def _column_line() -> Parts:
    """``dz[1] = (∂ℒ/∂z[1])ᵀ = diag(g′) W[2]ᵀ dz[2]``."""
    return (
        TexPart("dz1_j", _column_tex("dz", 1), "dZ1"),
        EQUALS,
        TexPart(
            "dL_dz1_T",
            rf"\left({_partial_tex(LOSS.tex, _column_tex('z', 1))}\right)^{{T}}",
            "dZ1",
        ),
        operator("eq2", "=", Role.EQUALS),
        *_diag_parts("diag_c"),
        matrix_label("W2", transposed=True),
        TexPart("dz2_j", _column_tex("dz", 2), "dZ2"),
    )


def _elementwise_line() -> Parts:
    """``= W[2]ᵀ dz[2] ∗ g′(z[1])``."""
    return (
        operator("eq3", "=", Role.EQUALS),
        TexPart("W2T_2", matrix_label("W2", transposed=True).tex, "W2"),
        TexPart("dz2_j2", _column_tex("dz", 2), "dZ2"),
        HADAMARD,
        *_gprime_parts("gprime_j"),
    )


def _product_fact() -> Parts:
    """``since diag(v) u = [v_i u_i] = v ∗ u``: why the diagonal matrix becomes ``∗``."""
    return (
        operator("since", r"\text{since}\quad", Role.SEPARATOR),
        TexPart("diag_vu", r"\operatorname{diag}(v)\,u = [\,v_i u_i\,] = v \ast u", "gprime1"),
    )


def chain_badges(net: Network) -> tuple[ShapeBadge, ...]:
    """The shape of every factor of the row chain and of the column form, from the sympy
    matrices (example 1): ``∂ℒ/∂z`` is a row, ``dz`` a column."""
    row_z1 = _column(net, "Z1", 0).T
    row_z2 = sympy.ImmutableMatrix(net.upstream(2)[:, 0]).T
    w = net.symbols("W2")
    diag = _diag(net, _column(net, "Z1", 0))
    return (
        _badge("dL_dz1", row_z1.shape, "1", 1),
        _badge("dL_dz2", row_z2.shape, "1", 2),
        _badge("W2", w.shape, 2, 1),
        _badge("diag", diag.shape, 1, 1),
        _badge("dz1_j", row_z1.T.shape, 1, "1"),
        _badge("diag_c", diag.shape, 1, 1),
        _badge("W2T", w.T.shape, 1, 2),
        _badge("dz2_j", row_z2.T.shape, 2, "1"),
    )


def elementwise_step(net: Network) -> Step:
    """Chain the Jacobians (a row), transpose to the course's column, then ``diag`` times a
    vector is an element-wise product.

    ``equation`` is the row chain; ``lines`` are the transpose rule, the column form, its
    element-wise form (which starts with ``=``, to be set under the column form's second
    ``=``) and the fact that makes it element-wise. The badges name parts of the row chain
    and of the column form."""
    n1 = net.spec.size(1)
    return Step(
        StepId("dZ1", StepKind.ELEMENTWISE),
        Stage.FOLD,
        "Chain the Jacobians, then transpose",
        "The chain rule multiplies the Jacobians in the order of the chain. "
        f"ℒ is a number, so ∂ℒ/∂z[1] is a row, 1×{n1}. "
        "The course writes gradients as columns: dz = (∂ℒ/∂z)ᵀ. "
        "Transposing a product reverses the order and transposes each factor. "
        "So dz[1] = diag(g') W[2]ᵀ dz[2], with W[2]ᵀ as in the index sum. "
        "And diag(v) u = v ∗ u, so dz[1] = W[2]ᵀ dz[2] ∗ g'(z[1]).",
        equation=_row_line(),
        lines=(_transpose_rule(), _column_line(), _elementwise_line(), _product_fact()),
        badges=chain_badges(net),
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
        *_gprime_parts("gprime_j"),
    )
    first = (
        f"Do this for each of the {count_words(m)} examples and set the columns side by side. "
        if m > 1
        else "Here there is one example, so one column. "
    )
    same = (TexPart("same", r"\text{the same formula as the fold}"),)
    return Step(
        StepId("dZ1", StepKind.STACK),
        Stage.FOLD,
        "Stack the columns: the fold again",
        first + "dZ[1], dZ[2] and Z[1] have one column per example. "
        "That gives dZ[1] = W[2]ᵀ dZ[2] ∗ g'(Z[1]): the same formula as the fold.",
        equation=equation,
        lines=(column_rule, columns, same),
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
