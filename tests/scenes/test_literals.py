"""No formula is typed in ``scenes/``: every piece of TeX comes from the derivation's steps."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.paths import PROJECT_ROOT

SCENES = PROJECT_ROOT / "scenes"
FORMULA = re.compile(
    r"\\[A-Za-z]{2,}"  # a TeX command: \frac, \partial, \cdots
    r"|\^\{|_\{"  # a TeX superscript or subscript group
    r"|\b[A-Za-z]\w{0,3}\s*=\s*[A-Za-z\\]"  # "Z = W", "dZ1=W2"
)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


#: TeX that is not a formula: preamble settings of the TeX template (the screen's math sizes).
PREAMBLE = re.compile(r"^\\DeclareMathSizes(\{\d+\}){4}$")


def formula_literals(source: str) -> list[tuple[int, str]]:
    """``(line, text)`` of every non-docstring string literal that looks like a formula
    (a preamble setting such as ``\\DeclareMathSizes{10}{10}{8}{7}`` is not one)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and FORMULA.search(node.value)
        and not PREAMBLE.match(node.value)
    ]


@pytest.mark.parametrize("path", sorted(SCENES.glob("*.py")), ids=lambda p: p.name)
def test_no_formula_literals(path: Path) -> None:
    found = formula_literals(path.read_text())
    assert not found, (
        f"{path.name} types formulas {found}: take TeX from the derivation's "
        "steps (TexPart) instead"
    )


@pytest.mark.parametrize("text", [r"\frac{1}{m}", "W^{[2]}", "z_{kj}", "dZ1 = W2", r"\cdots"])
def test_detector_catches_formulas(text: str) -> None:
    assert formula_literals(f"x = {text!r}\n")


@pytest.mark.parametrize("text", ["lparen", "hadamard", "speed = 1.5", "eq", "rhs"])
def test_detector_allows_plain_strings(text: str) -> None:
    assert not formula_literals(f"x = {text!r}\n")
