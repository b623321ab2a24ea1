"""Batched LaTeX: typeset many of Manim's TeX strings in one ``latex`` and one ``dvisvgm`` run.

Manim typesets every distinct TeX string on its own: it writes ``<hash>.tex`` into
``config.tex_dir``, runs ``latex`` and ``dvisvgm`` on it (about 0.23 s a string) and, next
time, finds ``<hash>.svg`` there and runs nothing. :func:`precompile` fills that cache ahead of
a render: it writes one multi-page document (Manim's own preamble, one page per string, each
page's body exactly the body Manim would typeset), runs ``latex`` once and ``dvisvgm`` once over
all pages, and puts each page's SVG where Manim looks for it, under the name Manim computes.
The SVGs are Manim's byte for byte but for the names of glyph definitions, which are renumbered
per page as a single-page document numbers them (see :func:`normalise_page`).

What to precompile is the caller's to say: :mod:`scenes.typeset`, beside the code that builds
the scenes' ``MathTex``, predicts a scene's strings from the derivation data, and
:func:`mathtex_request` turns them into the file ``MathTex`` itself would write (it asks Manim
for the file and stops it before it compiles). Strings not foreseen are typeset by Manim as
usual during the render. With a Manim the batch was not written for
(:func:`manim_adapter.support.active`) :func:`precompile` leaves everything to Manim.

An expression LaTeX rejects does not spoil the batch: it is taken out (found through the line
of the error, else by halving the batch) and the rest is compiled again; Manim then reports the
error itself when the scene asks for that string. Pages do not leak into each other: every
LaTeX counter is reset between pages, and a body with a global assignment (``\\global``,
``\\gdef``, ``\\xdef``) is left to Manim. LaTeX runs with ``-no-shell-escape``.

>>> request = mathtex_request("a", "=", "b")   # what MathTex("a", "=", "b") compiles
>>> request.name                               # Manim's file is <tex_dir>/<name>.svg
'33120d4609ec20d8'
>>> stats = precompile([request], "/tmp/chainrule-doctest/Tex")  # doctest: +SKIP
>>> stats.describe()                                              # doctest: +SKIP
'1 TeX files: 1 compiled in 1 latex run(s) (0.3 s)'
"""

from __future__ import annotations

import bisect
import math
import os
import re
import subprocess
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from chainrule.files import atomic_write, scratch_folder

from .support import active

#: What ends one page and starts the next in a ``standalone`` document with the ``preview``
#: option: what ``\end{document}`` does to a page, then every LaTeX counter back to where a
#: new document starts it (equation numbers, say, do not run on), then what
#: ``\begin{document}`` does.
PAGE_BREAK = (
    r"\ifhmode\unskip\fi\endpreview"
    r"\makeatletter\begingroup\def\@elt#1{\global\csname c@#1\endcsname\z@}"
    r"\cl@@ckpt\endgroup\global\c@page\@ne\makeatother\preview"
)
#: Assignments that would outlive their page and change the pages after it.
_GLOBAL = re.compile(r"\\(?:global|gdef|xdef)(?![A-Za-z@])")
_BEGIN, _END = r"\begin{document}", r"\end{document}"
NO_SHELL_ESCAPE = "-no-shell-escape"
_COMPILERS = frozenset({"latex", "pdflatex", "lualatex", "xelatex"})
_PAGES = re.compile(r"Output written on .*?\((\d+) pages?", re.S)
_ERROR_LINE = re.compile(r"^l\.(\d+)", re.M)
#: What :func:`_run_once` returns when no page of a batch can be compiled (an error in the
#: preamble, no LaTeX) and when a batch failed without saying where.
_EVERY_PAGE, _SOMEWHERE = "every page", "somewhere"
#: LaTeX runs a batch may spend finding bad expressions, beyond twice the depth of halving;
#: past that the rest of the batch is left to Manim.
MAX_EXTRA_RUNS = 6
#: Matrix brackets are precompiled for matrices up to this many rows of text high.
BRACKET_ROWS = 6


@dataclass(frozen=True)
class TexRequest:
    """One ``.tex`` file as Manim would write it: its text and how Manim would compile it.

    ``name`` is the file name stem Manim gives it in ``config.tex_dir`` (``<name>.tex``,
    ``<name>.svg``).
    """

    source: str
    compiler: str
    output_format: str

    @property
    def name(self) -> str:
        """Manim's cache key for this file (``tex_file_writing.tex_hash`` of its text)."""
        from manim.utils.tex_file_writing import tex_hash

        return tex_hash(self.source)

    @property
    def preamble(self) -> str:
        """Everything before ``\\begin{document}``."""
        return self.source.partition(_BEGIN)[0]

    @property
    def body(self) -> str:
        """What is typeset: the text between ``\\begin{document}`` and ``\\end{document}``."""
        return self.source.partition(_BEGIN)[2].rpartition(_END)[0]

    @property
    def closing(self) -> str:
        """Everything after ``\\end{document}``."""
        return self.source.rpartition(_END)[2]

    @classmethod
    def of(
        cls, expression: str, environment: str | None = "align*", tex_template: Any = None
    ) -> TexRequest:
        """The file Manim writes for ``tex_to_svg_file(expression, environment, tex_template)``
        (``tex_template`` defaults to ``config.tex_template``, as in Manim)."""
        from manim import config

        template = tex_template if tex_template is not None else config["tex_template"]
        if environment is not None:
            source = template.get_texcode_for_expression_in_env(expression, environment)
        else:
            source = template.get_texcode_for_expression(expression)
        compiler = template.tex_compiler
        return cls(
            source,
            compiler if isinstance(compiler, str) else "\0".join(compiler),
            template.output_format,
        )

    def batchable(self) -> bool:
        """Whether pages of this file can share one document: a known single compiler,
        Manim's ``standalone`` class with the ``preview`` option (one page per preview) and no
        global assignment in the body (it would change the pages after it)."""
        first = self.preamble.lstrip().split("\n", 1)[0].replace(" ", "")
        return (
            self.compiler in _COMPILERS
            and self.source.count(_BEGIN) == 1
            and not _GLOBAL.search(self.body)
            and first.startswith(r"\documentclass[")
            and first.endswith("{standalone}")
            and "preview" in first.partition("[")[2].partition("]")[0].split(",")
        )


class _Captured(Exception):
    """Raised in place of Manim's compile to hand back what it was asked to compile."""

    def __init__(self, request: TexRequest) -> None:
        super().__init__(request)
        self.request = request


def mathtex_request(*tex_strings: str, **kwargs: Any) -> TexRequest:
    """The file ``MathTex(*tex_strings, **kwargs)`` would compile; nothing is compiled.

    Manim itself joins the strings (with its ``\\special`` group markers) and applies its
    fixes, so the result is exactly what a scene's ``MathTex`` asks for. Not thread-safe: it
    swaps ``tex_to_svg_file`` in Manim's ``tex_mobject`` module for the duration of the call.
    """

    import manim.mobject.text.tex_mobject as tex_mobject
    from manim import MathTex

    def capture(expression: str, environment: str | None = None, tex_template: Any = None) -> Any:
        raise _Captured(TexRequest.of(expression, environment, tex_template))

    try:
        with mock.patch.object(tex_mobject, "tex_to_svg_file", capture):
            MathTex(*tex_strings, **kwargs)
    except _Captured as captured:
        return captured.request
    raise RuntimeError("MathTex did not ask for a TeX file; Manim's internals have changed")


# --------------------------------------------------------------------------- precompiling


@dataclass
class BatchStats:
    """What :func:`precompile` did.

    ``requested`` distinct files; ``cached`` already had an SVG; ``compiled`` were made by the
    batch; ``failed`` were rejected by LaTeX (Manim will report them); ``unsupported`` use a
    template that cannot be batched (Manim compiles them as usual).
    """

    requested: int = 0
    cached: int = 0
    compiled: int = 0
    failed: int = 0
    unsupported: int = 0
    latex_runs: int = 0
    dvisvgm_runs: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def add(self, other: BatchStats) -> None:
        """Add the counts of ``other`` (a part of the same batch) to these."""
        for name in ("compiled", "failed", "latex_runs", "dvisvgm_runs"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures += other.failures

    def describe(self) -> str:
        """One line, e.g. ``'120 TeX files: 118 compiled in 1 latex run, 2 cached (2.1 s)'``."""
        extra = "".join(
            f", {n} {what}"
            for n, what in (
                (self.cached, "cached"),
                (self.failed, "failed"),
                (self.unsupported, "unsupported"),
            )
            if n
        )
        return (
            f"{self.requested} TeX files: {self.compiled} compiled in {self.latex_runs} "
            f"latex run(s){extra} ({self.seconds:.1f} s)"
        )


def precompile(
    requests: Iterable[TexRequest | tuple[str, str | None, Any]],
    tex_dir: str | os.PathLike[str] | None = None,
    jobs: int = 1,
) -> BatchStats:
    """Typeset every request not yet in ``tex_dir`` in one batched run (``jobs`` runs in
    parallel when ``jobs`` > 1) and place each SVG where Manim's TeX cache looks for it.

    ``requests`` are :class:`TexRequest` s or ``(expression, environment, tex_template)``
    triples as Manim's ``tex_to_svg_file`` takes them. ``tex_dir`` defaults to
    ``config.tex_dir``. Never raises for a LaTeX error: see :attr:`BatchStats.failed`.
    """
    start = time.perf_counter()

    if not active():  # Manim may name or write its files differently: leave them to it
        requests = list(requests)
        return BatchStats(requested=len(requests), unsupported=len(requests))
    if tex_dir is None:
        from manim import config

        tex_dir = config.get_dir("tex_dir")
    folder = Path(tex_dir)
    folder.mkdir(parents=True, exist_ok=True)
    unique: dict[str, TexRequest] = {}
    for request in requests:
        if not isinstance(request, TexRequest):
            request = TexRequest.of(*request)
        unique.setdefault(request.name, request)
    stats = BatchStats(requested=len(unique))
    groups: dict[tuple[str, str, str, str], list[TexRequest]] = {}
    for name, request in unique.items():
        if (folder / f"{name}.svg").exists():
            stats.cached += 1
        elif not request.batchable():
            stats.unsupported += 1
        else:
            key = (request.preamble, request.closing, request.compiler, request.output_format)
            groups.setdefault(key, []).append(request)
    chunks = [chunk for group in groups.values() for chunk in _split(group, max(1, jobs))]
    if len(chunks) == 1:
        stats.add(_compile_batch(chunks[0], folder))
    elif chunks:
        with ThreadPoolExecutor(max_workers=min(jobs, len(chunks))) as pool:
            for part in pool.map(lambda chunk: _compile_batch(chunk, folder), chunks):
                stats.add(part)
    stats.seconds = time.perf_counter() - start
    return stats


def _split(items: list[TexRequest], parts: int) -> list[list[TexRequest]]:
    """``items`` in ``parts`` chunks of similar length (fewer when there are few items)."""
    parts = min(parts, max(1, len(items) // 8))  # below ~8 pages a second run does not pay
    size = -(-len(items) // parts)
    return [items[i : i + size] for i in range(0, len(items), size)]


def _compile_batch(items: list[TexRequest], folder: Path) -> BatchStats:
    stats = BatchStats()
    # The work folder is beside tex_dir, not in it (Manim deletes whatever else is in tex_dir),
    # and not a dot folder (kpathsea's openout_any=p refuses to write into one); a killed
    # run's is removed by the next (chainrule.files.remove_stale, from texcache.checked_slot).
    with scratch_folder(folder.parent, f"{folder.name}-batch", hidden=False) as work:
        pending = [items]
        budget = MAX_EXTRA_RUNS + 2 * math.ceil(math.log2(len(items) + 1))
        while pending:
            group = pending.pop()
            if stats.latex_runs >= budget:  # something is wrong with every page: stop trying
                stats.failed += len(group)
                stats.failures += [request.name for request in group]
                continue
            outcome = _run_once(group, Path(work), folder, stats)
            if outcome is None:
                continue
            if len(group) == 1 or outcome == _EVERY_PAGE:
                stats.failed += len(group)
                stats.failures += [request.name for request in group]
            elif isinstance(outcome, int):  # LaTeX named the page: drop it, retry the rest
                stats.failed += 1
                stats.failures.append(group[outcome].name)
                rest = group[:outcome] + group[outcome + 1 :]
                if rest:
                    pending.append(rest)
            else:  # no usable clue: halve
                half = len(group) // 2
                pending += [group[:half], group[half:]]
    return stats


def _run_once(
    group: list[TexRequest], work: Path, folder: Path, stats: BatchStats
) -> int | str | None:
    """Compile ``group`` as one document and place its pages. ``None`` on success, else the
    index of the page LaTeX failed on (when known), :data:`_EVERY_PAGE` when no page can be
    compiled (an error in the preamble, no LaTeX), else :data:`_SOMEWHERE`."""
    first = group[0]
    lines, starts = [first.preamble + _BEGIN], []
    count = first.preamble.count("\n") + 1
    for index, request in enumerate(group):
        starts.append(count)
        body = request.body + (PAGE_BREAK if index < len(group) - 1 else "")
        lines.append(body)
        count += body.count("\n")
    source = "".join(lines) + _END + first.closing
    stem = f"batch{stats.latex_runs}"
    tex_file = work / f"{stem}.tex"
    tex_file.write_text(source, encoding="utf-8")
    dvi_file = tex_file.with_suffix(first.output_format)
    stats.latex_runs += 1
    try:
        returncode = subprocess.run(
            _latex_command(first, tex_file, work),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        ).returncode
    except OSError:  # no LaTeX: Manim will say so
        return _EVERY_PAGE
    log = _read(tex_file.with_suffix(".log"))
    pages = page_count(log)
    if returncode != 0 or not dvi_file.exists() or pages is None:
        error = _ERROR_LINE.search(log[log.find("\n!") :]) if "\n!" in log else None
        if error is None:
            return _SOMEWHERE
        line = int(error.group(1))
        if line <= starts[0]:  # the preamble, or \begin{document} (a missing package)
            return _EVERY_PAGE
        return bisect.bisect_right(starts, line) - 1
    if pages != len(group):
        return _SOMEWHERE  # an expression ended or opened a page of its own
    out = work / stem
    out.mkdir()
    stats.dvisvgm_runs += 1
    try:
        subprocess.run(
            [
                "dvisvgm",
                *(["--pdf"] if first.output_format == ".pdf" else []),
                "--page=1-",
                "--no-fonts",
                "--verbosity=0",
                f"--output={(out / '%p.svg').as_posix()}",
                dvi_file.as_posix(),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
    except OSError:  # no dvisvgm: Manim will say so
        return _EVERY_PAGE
    svgs = {int(path.stem): path for path in out.glob("*.svg") if path.stem.isdigit()}
    for page, request in enumerate(group, start=1):
        svg = svgs.get(page)
        if svg is None:
            stats.failed += 1
            stats.failures.append(request.name)
            continue
        _place(request.source, folder / f"{request.name}.tex", keep=True)
        _place(normalise_page(svg.read_text(encoding="utf-8")), folder / f"{request.name}.svg")
        stats.compiled += 1
    return None


def page_count(log: str) -> int | None:
    """The number of pages LaTeX says it wrote (``None`` if it says none), from its log,
    whose lines TeX wraps at 79 characters, wherever that falls.

    >>> page_count("Output written on /a/b.dvi (3\\n1 pages, 11264 bytes).")
    31
    """
    found = _PAGES.search(log.replace("\n", ""))
    return int(found.group(1)) if found else None


def _latex_command(request: TexRequest, tex_file: Path, work: Path) -> list[str]:
    """Manim's own compile command for ``request`` (as wrapped by whoever patched it, e.g.
    :func:`manim_adapter.sandbox.latex_sandbox`), with ``-no-shell-escape`` after the compiler."""
    from manim.utils.tex_file_writing import make_tex_compilation_command

    command = list(
        make_tex_compilation_command(request.compiler, request.output_format, tex_file, work)
    )
    if NO_SHELL_ESCAPE not in command:
        at = command.index(request.compiler) if request.compiler in command else 0
        command.insert(at + 1, NO_SHELL_ESCAPE)
    return command


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _place(text: str, target: Path, keep: bool = False) -> None:
    """Write ``target`` atomically (a reader sees no file or the whole file); the TeX cache's
    digests are recorded when the render is done (:mod:`.texcache`)."""
    if keep and target.exists():
        return
    atomic_write(target, text, durable=False)


_GLYPH = re.compile(r"(?<=['#])g(\d+)-(?=\d)")
_PAGE_ID = re.compile(r"<g id='page\d+'>")


def normalise_page(svg: str) -> str:
    """One page of a multi-page conversion as a single-page conversion writes it: the page
    group is ``page1`` and fonts are numbered in the order the page first uses them (in a
    multi-page file the numbers count every font the earlier pages used)."""
    head, marker, rest = svg.partition("<g id='page")
    used = sorted({int(match.group(1)) for match in _GLYPH.finditer(rest)})
    order = {str(number): str(rank) for rank, number in enumerate(used)}

    def renumber(text: str) -> str:
        return _GLYPH.sub(lambda m: f"g{order.get(m.group(1), m.group(1))}-", text)

    return _PAGE_ID.sub("<g id='page1'>", renumber(head) + marker + renumber(rest), count=1)


def bracket_requests(
    rows: Iterable[int] = range(1, BRACKET_ROWS + 1), left: str = "[", right: str = "]"
) -> list[TexRequest]:
    """The brackets of Manim's matrices (``Matrix._add_brackets``): an empty array of
    ``n`` rows after ``\\left[`` or before ``\\right]``, ``n`` growing with the height."""
    requests = []
    for n in rows:
        array = "".join([r"\begin{array}{c}", *n * [r"\quad \\"], r"\end{array}"])
        requests += [
            mathtex_request(rf"\left{left}{array}\right."),
            mathtex_request(rf"\left.{array}\right{right}"),
        ]
    return requests


__all__ = [
    "BRACKET_ROWS",
    "MAX_EXTRA_RUNS",
    "PAGE_BREAK",
    "BatchStats",
    "TexRequest",
    "bracket_requests",
    "mathtex_request",
    "normalise_page",
    "page_count",
    "precompile",
]
