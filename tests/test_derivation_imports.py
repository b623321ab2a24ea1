"""The modules of ``derivations`` import each other without a cycle.

Every import is read from the source with ``ast`` (module-level and function-level ones alike,
so a cycle cannot hide behind a deferred import), the graph of the package's modules is built,
and it must be acyclic. The checker itself is tested on small synthetic graphs.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

PACKAGE = "derivations"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE


def imported_modules(source: str, module: str, package: str = PACKAGE) -> set[str]:
    """The modules of ``package`` that ``module``'s source imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package ``level`` steps above the module
                parts = module.split(".")
                base = ".".join(parts[: len(parts) - node.level])
                prefix = f"{base}.{node.module}" if node.module else base
            else:
                prefix = node.module or ""
            found.add(prefix)
            # ``from . import notation`` imports the module ``derivations.notation``
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith(f"{package}.")}


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    """``module -> modules of the package it imports`` for every module file of ``root``."""
    modules = {
        f"{package}.{path.stem}": path
        for path in sorted(root.glob("*.py"))
        if path.stem != "__init__"
    }
    return {
        name: imported_modules(path.read_text(encoding="utf-8"), name, package) & set(modules)
        for name, path in modules.items()
    }


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as a list of nodes (first == last), or ``None`` if it is acyclic."""
    state: dict[str, str] = {}  # "open" while on the path, "done" once fully explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for successor in sorted(graph.get(node, ())):
            if state.get(successor) == "open":
                return [*path[path.index(successor) :], successor]
            if successor not in state:
                cycle = visit(successor)
                if cycle:
                    return cycle
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_the_checker_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def test_the_checker_accepts_a_diamond() -> None:
    assert find_cycle({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) is None


def test_function_level_imports_count() -> None:
    source = "from .b import x\n\ndef f():\n    from .c import y\n    import derivations.d\n"
    assert imported_modules(source, "derivations.a") == {
        "derivations.b",
        "derivations.b.x",
        "derivations.c",
        "derivations.c.y",
        "derivations.d",
    }


def test_the_old_cycle_would_be_found() -> None:
    """``steps → claims → formula → steps`` (the last two deferred) was the cycle."""
    sources = {
        "derivations.steps": "from .claims import Claim\n",
        "derivations.claims": "def f():\n    from .formula import parse\n",
        "derivations.formula": "def g():\n    from .steps import TexPart\n",
    }
    graph = {name: imported_modules(text, name) & set(sources) for name, text in sources.items()}
    assert find_cycle(graph) == [
        "derivations.claims",
        "derivations.formula",
        "derivations.steps",
        "derivations.claims",
    ]


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) >= 10, graph
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])


def test_the_vocabulary_is_a_leaf() -> None:
    assert import_graph()["derivations.vocabulary"] == set()


@pytest.mark.parametrize("path", sorted(ROOT.glob("*.py")), ids=lambda p: p.name)
def test_no_deferred_imports(path: Path) -> None:
    """Imports sit at the top of each module, where a reader (and this test) sees them."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    nested = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top
    ]
    assert not nested, f"{path.name} imports inside functions at lines {nested}"
