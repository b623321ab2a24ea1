"""No scene and no chainrule module picks a TeX part by its name string or by a symbol prefix.

Parts are selected by their role (:class:`derivations.vocabulary.Role`) or by the structured
data of a step (a chain factor's ``of``/``wrt``, a highlight's matrix, a symbol equal to another
part's symbol). This test reads the source of ``scenes/`` and ``chainrule/`` with ``ast`` and
fails on any string literal from the derivation's vocabulary (a part name, a symbol, a matrix
name, or a prefix of one) that is compared with something, tested as a prefix or suffix, or
passed to a part lookup.
"""

from __future__ import annotations

import ast
import itertools
from functools import lru_cache
from pathlib import Path

import pytest

from derivations import NetworkSpec, Step, derive
from tests.paths import PROJECT_ROOT

ROOT = PROJECT_ROOT
SOURCES = sorted(
    [*ROOT.glob("scenes/*.py"), *ROOT.glob("chainrule/**/*.py"), *ROOT.glob("manim_adapter/*.py")]
)
PREFIX_METHODS = {"startswith", "removeprefix", "lstrip", "partition"}
SUFFIX_METHODS = {"endswith", "removesuffix", "rstrip"}
LOOKUPS = {"part_of", "find_part", "between", "part", "index", "matrix"}


def _step_parts(step: Step):
    yield from step.equation
    for line in step.lines:
        yield from line
    for matrix in step.matrices:
        yield matrix.label
        yield matrix.general_entry
        for row in matrix.entries:
            for cell in row:
                yield from cell
    if step.grid is not None:
        yield step.grid.label
        yield from step.grid.general
        for cell in step.grid.cells:
            yield from cell.parts
    for path in step.paths:
        yield path.via
        for factor in path.factors:
            yield from (factor.generic, factor.value)


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Every part name, symbol and matrix name of a few derivations."""
    words: set[str] = set()
    for spec in (NetworkSpec(), NetworkSpec(layer_dims=(2, 3, 2, 1), m=2)):
        for step in derive(spec):
            for part in _step_parts(step):
                words.add(part.name)
                if part.symbol:
                    words.add(part.symbol)
            words.update(matrix.name for matrix in step.matrices)
    return frozenset(words)


def _literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [text for element in node.elts for text in _literals(element)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        return _literals(node.args[0])  # frozenset({...}), set((...))
    return []


def _called(node: ast.Call) -> str:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return node.func.id if isinstance(node.func, ast.Name) else ""


def violations(source: str, words: frozenset[str]) -> list[str]:
    """``line: what`` for every use of a vocabulary literal to select a part."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                found += [
                    f"{node.lineno}: compared with {text!r}"
                    for text in _literals(operand)
                    if text in words
                ]
        elif isinstance(node, ast.Call):
            name = _called(node)
            texts = [text for arg in node.args for text in _literals(arg)]
            if name in PREFIX_METHODS:
                found += [
                    f"{node.lineno}: {name}({text!r})"
                    for text in texts
                    if text and any(word.startswith(text) for word in words)
                ]
            elif name in SUFFIX_METHODS:
                found += [
                    f"{node.lineno}: {name}({text!r})"
                    for text in texts
                    if text and any(word.endswith(text) for word in words)
                ]
            elif name in LOOKUPS:
                found += [f"{node.lineno}: {name}({text!r})" for text in texts if text in words]
    return found


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", SOURCES, ids=_relative)
def test_parts_are_not_picked_by_name(path: Path) -> None:
    found = violations(path.read_text(encoding="utf-8"), vocabulary())
    assert not found, f"{_relative(path)} selects parts by name or symbol prefix:\n" + "\n".join(
        found
    )


@pytest.mark.parametrize(
    "snippet",
    [
        'star = next(p for p in fold.equation if p.name == "hadamard")',
        'equals = [m for p, m in zip(parts, mobs) if p.name in ("eq", "equals")]',
        'gprime = next(m for m in fold.matrices if m.symbol.startswith("gprime"))',
        'layer = symbol.removeprefix("gprime")',
        'bias = [m.name for m in matrices if m.name.startswith("b")]',
        'mobject = part_of(line, "eq")',
        'inside = between(parts, "lparen", "rparen")',
        'at = names.index("hadamard")',
        'ok = "eq" in names',
        'loss = next(p for p in line if p.symbol == "loss")',
    ],
)
def test_the_checker_catches_selection_by_name(snippet: str) -> None:
    assert violations(snippet, vocabulary()), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "equals = index_of(parts, Role.EQUALS)",
        'hidden = info.name.startswith("_") or path.name.startswith(".")',
        'label = segment.__name__.removesuffix("Segment")',
        'if name == "scene": pass',
        "found = part_of(line, part.name)",
    ],
)
def test_the_checker_allows_roles_and_unrelated_strings(snippet: str) -> None:
    assert not violations(snippet, vocabulary()), snippet


def test_the_vocabulary_is_the_derivations() -> None:
    words = vocabulary()
    assert {"eq", "plus", "hadamard", "lparen", "overm", "gprime1", "dZ2", "b2", "loss"} <= words


# --------------------------------------------------------------------------- same choices as before
# The structured selections pick exactly what the old name-based ones picked.

SPECS = (
    NetworkSpec(),
    NetworkSpec(layer_dims=(2, 3, 2, 1), m=2),
    NetworkSpec(layer_dims=(3, 4, 2), m=3, activation="relu"),
)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.describe())
def test_the_recursion_arrow_starts_from_the_gradient_passed_down(spec: NetworkSpec) -> None:
    from scenes.lecture import RecursionSegment, passed_on

    derivation = derive(spec)
    ids = RecursionSegment.step_ids_for(derivation)[1:]
    folds = [derivation.step(i) for i in ids]
    for upper, lower in itertools.pairwise(folds):
        old = next(p.name for p in lower.equation[2:] if p.name.startswith("dZ"))
        assert passed_on(upper, lower) == old == upper.target


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.describe())
def test_the_elementwise_factor_is_the_gprime_matrix(spec: NetworkSpec) -> None:
    from scenes.fold import elementwise_factor

    fold = derive(spec).step("dZ1.fold")
    assert elementwise_factor(fold) is next(
        m for m in fold.matrices if m.symbol.startswith("gprime")
    )


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.describe())
def test_the_dependency_graph_nodes_are_the_picked_entries(spec: NetworkSpec) -> None:
    from scenes.partials import PartialsSegment

    derivation = derive(spec)
    partial, concrete = derivation.step("dZ1.partial"), derivation.step("dZ1.concrete")
    i, j = partial.picked or (0, 0)
    loss = next(
        p for line in derivation.step("dZ1.forward").lines for p in line if p.symbol == "loss"
    )
    assert PartialsSegment.node_parts(partial) == (
        concrete.matrix("Z1").entries[i][j][0],
        concrete.matrix("A1").entries[i][j][0],
        loss,
    )


def test_segments_name_the_steps_they_narrate() -> None:
    from scenes.fold import FoldSegment
    from scenes.partials import PartialsSegment

    derivation = derive(NetworkSpec())
    assert PartialsSegment.narrated_ids_for(derivation) == PartialsSegment.step_ids[2:]
    assert FoldSegment.narrated_ids_for(derivation) == FoldSegment.step_ids[1:]
    assert [str(i) for i in PartialsSegment.narrated_ids_for(derivation)] == [
        "dZ1.partial",
        "dZ1.partial_values",
        "dZ1.gprime",
        "dZ1.all_entries",
    ]
