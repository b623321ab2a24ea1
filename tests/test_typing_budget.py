"""The typing budgets of the issue "Types carry the design", read from the source.

* At most :data:`ANY_PARAMETERS` parameters in ``chainrule/`` are annotated exactly ``Any``
  (``*args`` and ``**kwargs`` count; ``list[Any]`` and the like do not), and each has a comment
  on its ``def`` giving the reason (a Manim or manim-slides signature passed on unchanged, ...).
* At most :data:`SCENES_IGNORES` ``# type: ignore`` comments in ``scenes/``.

Parameters are read with ``ast``, comments with ``tokenize`` (so text in strings never counts).
The counters themselves are tested on small synthetic sources.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Parameters annotated exactly ``Any`` that chainrule/ may keep, each with its reason.
ANY_PARAMETERS = 10
#: ``# type: ignore`` comments that scenes/ may keep.
SCENES_IGNORES = 5


@dataclass(frozen=True)
class AnyParameter:
    """A parameter annotated ``Any``: where, and whether its ``def`` carries a comment."""

    where: str  # "path:line function(parameter)"
    explained: bool


def _is_any(annotation: ast.expr | None) -> bool:
    """``Any``, ``typing.Any`` or the string ``"Any"`` (nothing else, e.g. not ``list[Any]``)."""
    if isinstance(annotation, ast.Name):
        return annotation.id == "Any"
    if isinstance(annotation, ast.Attribute):
        return annotation.attr == "Any"
    if isinstance(annotation, ast.Constant):
        return annotation.value == "Any"
    return False


def _comment_lines(source: str) -> dict[int, str]:
    """Line number -> the comment on that line."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {token.start[0]: token.string for token in tokens if token.type == tokenize.COMMENT}


def any_parameters(source: str, name: str = "<source>") -> list[AnyParameter]:
    """Every parameter of ``source`` annotated exactly ``Any``; it is explained when a comment
    stands on its ``def``'s signature lines or on the line just above the ``def``."""
    comments = _comment_lines(source)
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [arg for arg in (args.vararg, args.kwarg) if arg is not None]
        signature = range(node.lineno - 1, node.body[0].lineno)  # the line above, the def
        explained = any(line in comments for line in signature)
        found.extend(
            AnyParameter(f"{name}:{arg.lineno} {node.name}({arg.arg})", explained)
            for arg in every
            if _is_any(arg.annotation)
        )
    return found


def type_ignores(source: str) -> int:
    """The ``# type: ignore`` comments of ``source``."""
    return sum("type: ignore" in comment for comment in _comment_lines(source).values())


def _sources(package: str) -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text("utf-8")
        for path in sorted((ROOT / package).rglob("*.py"))
    }


# --- the counters, on synthetic input ---------------------------------------------------------


def test_the_counter_finds_exactly_any() -> None:
    source = (
        "from typing import Any\nimport typing\n"
        "def f(a: Any, b: typing.Any, c: 'Any', d: list[Any], e: object, *f: Any, **g: Any):\n"
        "    pass\n"
        "class C:\n"
        "    def m(self, x: Any) -> Any:  # Any: a library's own signature\n"
        "        return x\n"
    )
    found = any_parameters(source)
    assert [p.where.split(" ")[1] for p in found] == [
        "f(a)",
        "f(b)",
        "f(c)",
        "f(f)",
        "f(g)",
        "m(x)",
    ]
    assert [p.explained for p in found] == [False] * 5 + [True]


def test_a_comment_above_the_def_explains_it() -> None:
    source = "# Any: passed on to Manim\ndef f(\n    x: Any,\n) -> None:\n    '''# no'''\n"
    assert [p.explained for p in any_parameters(source)] == [True]
    assert [p.explained for p in any_parameters("def f(x: Any):\n    pass  # late\n")] == [False]


def test_only_comments_count_as_type_ignores() -> None:
    source = 'x = 1  # type: ignore[misc]\ny = "# type: ignore"\nz = 2  # noqa  # type: ignore\n'
    assert type_ignores(source) == 2


# --- the budgets ------------------------------------------------------------------------------


def test_chainrule_keeps_at_most_ten_any_parameters() -> None:
    found = [p for name, text in _sources("chainrule").items() for p in any_parameters(text, name)]
    assert len(found) <= ANY_PARAMETERS, (
        f"{len(found)} parameters of chainrule/ are annotated Any, over the budget of "
        f"{ANY_PARAMETERS}: give them their real types\n" + "\n".join(p.where for p in found)
    )


def test_every_any_parameter_of_chainrule_says_why() -> None:
    found = [p for name, text in _sources("chainrule").items() for p in any_parameters(text, name)]
    unexplained = [p.where for p in found if not p.explained]
    assert not unexplained, "Any parameters without a comment giving the reason:\n" + "\n".join(
        unexplained
    )


def test_scenes_keep_at_most_five_type_ignores() -> None:
    counts = {name: type_ignores(text) for name, text in _sources("scenes").items()}
    total = sum(counts.values())
    assert total <= SCENES_IGNORES, (
        f"scenes/ has {total} `# type: ignore` comments, over the budget of {SCENES_IGNORES} "
        f"(the scenes engineer is bringing them down; this budget is the issue's): "
        + ", ".join(f"{name} {n}" for name, n in counts.items() if n)
    )
