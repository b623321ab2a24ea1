"""Batched LaTeX (manim_adapter.texbatch): the same mobjects as Manim's own compile, in the place
Manim's TeX cache looks, cached files skipped, a bad expression isolated."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from manim_adapter import texbatch
from manim_adapter.texbatch import TexRequest, mathtex_request, precompile
from tests.process_support import record_commands

manim = pytest.importorskip("manim")
import manim.mobject.text.tex_mobject as tex_mobject  # noqa: E402
from manim import MathTex, tempconfig  # noqa: E402

#: A sample of what the scenes typeset: one-part and many-part equations, fractions, sums,
#: a transpose, a Hadamard product, a matrix bracket.
SAMPLE: tuple[tuple[str, ...], ...] = (
    ("x",),
    (r"dZ^{[1]}", "=", r"W^{[2]T}", r"dZ^{[2]}", r"\ast", r"g^{[1]\prime}(Z^{[1]})"),
    (
        r"\frac{\partial \mathcal{L}}{\partial z^{[1]}_{ij}}",
        "=",
        r"\sum_{k} w^{[2]}_{ki}\,dz^{[2]}_{kj}",
    ),
    (r"\left[\begin{array}{c}\quad \\\quad \\\end{array}\right.",),
    (r"db^{[1]}", "=", r"\frac{1}{m}", r"\sum_{\text{columns}}", r"dZ^{[1]}"),
)


@contextmanager
def tex_dir(path: Path) -> Iterator[Path]:
    with tempconfig({"tex_dir": str(path), "verbosity": "WARNING"}):
        yield path


@contextmanager
def manim_must_not_compile() -> Iterator[None]:
    """Fail if Manim would run LaTeX (every SVG must come from the cache)."""
    from manim.utils import tex_file_writing

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"Manim compiled TeX itself: {args[0]}")

    original = tex_file_writing.compile_tex
    tex_file_writing.compile_tex = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        tex_file_writing.compile_tex = original  # type: ignore[assignment]


def assert_same_mobject(ours: MathTex, theirs: MathTex) -> None:
    assert len(ours.submobjects) == len(theirs.submobjects)
    np.testing.assert_allclose(ours.get_all_points(), theirs.get_all_points(), atol=1e-9)
    for a, b in zip(ours.submobjects, theirs.submobjects, strict=True):
        np.testing.assert_allclose(a.get_all_points(), b.get_all_points(), atol=1e-9)
    for corner in (np.array([-1, -1, 0]), np.array([1, 1, 0])):  # the bounding box
        np.testing.assert_allclose(
            ours.get_critical_point(corner), theirs.get_critical_point(corner), atol=1e-9
        )
    assert ours.width == pytest.approx(theirs.width, abs=1e-9)
    assert ours.height == pytest.approx(theirs.height, abs=1e-9)


@pytest.fixture(scope="module")
def manims_own(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A TeX folder filled by Manim itself, one compile per sample string."""
    folder = tmp_path_factory.mktemp("manim") / "Tex"
    with tex_dir(folder):
        for strings in SAMPLE:
            MathTex(*strings)
    return folder


@pytest.fixture(scope="module")
def batched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, texbatch.BatchStats]:
    folder = tmp_path_factory.mktemp("batch") / "Tex"
    with tex_dir(folder):
        stats = precompile(mathtex_request(*strings) for strings in SAMPLE)
    return folder, stats


def test_one_latex_and_one_dvisvgm_run_for_all(batched: tuple[Path, texbatch.BatchStats]) -> None:
    _, stats = batched
    assert (stats.requested, stats.compiled, stats.failed) == (len(SAMPLE), len(SAMPLE), 0)
    assert (stats.latex_runs, stats.dvisvgm_runs) == (1, 1)


def test_batched_svgs_make_the_same_mobjects_as_manims_own(
    manims_own: Path, batched: tuple[Path, texbatch.BatchStats]
) -> None:
    folder, _ = batched
    for strings in SAMPLE:
        with tex_dir(manims_own):
            theirs = MathTex(*strings)
        with tex_dir(folder), manim_must_not_compile():
            ours = MathTex(*strings)
        assert Path(ours.file_name).parent == folder
        assert_same_mobject(ours, theirs)


def test_batched_svgs_are_manims_up_to_the_order_of_glyph_definitions(
    manims_own: Path, batched: tuple[Path, texbatch.BatchStats]
) -> None:
    folder, _ = batched
    theirs = sorted(manims_own.glob("*.svg"))
    assert [p.name for p in theirs] == sorted(p.name for p in folder.glob("*.svg"))
    for path in theirs:
        assert sorted(path.read_text().splitlines()) == sorted(
            (folder / path.name).read_text().splitlines()
        ), path.name


def test_files_are_where_manims_cache_looks(tmp_path: Path) -> None:
    from manim.utils.tex_file_writing import generate_tex_file

    with tex_dir(tmp_path / "Tex"):
        request = mathtex_request("a", "=", "b")
        precompile([request])
        expression = request.body.split("\n")[2]  # "\n\\begin{align*}\n<expression>\n..."
        expected = generate_tex_file(expression, "align*")
    assert expected.name == f"{request.name}.tex"
    assert expected.read_text() == request.source
    assert expected.with_suffix(".svg").exists()
    assert {p.suffix for p in (tmp_path / "Tex").iterdir()} == {".tex", ".svg"}
    assert [p.name for p in tmp_path.iterdir()] == ["Tex"], "work files were left behind"


def test_mathtex_request_is_what_mathtex_compiles(tmp_path: Path) -> None:
    asked: list[tuple[str, str | None]] = []
    original = tex_mobject.tex_to_svg_file

    def spy(expression: str, environment: str | None = None, tex_template: object = None) -> Path:
        asked.append((expression, environment))
        return original(expression, environment, tex_template)

    tex_mobject.tex_to_svg_file = spy  # type: ignore[assignment]
    try:
        with tex_dir(tmp_path):
            MathTex(*SAMPLE[2])
            request = mathtex_request(*SAMPLE[2])
    finally:
        tex_mobject.tex_to_svg_file = original  # type: ignore[assignment]
    assert len(asked) == 1
    assert request == TexRequest.of(*asked[0])
    assert r"\special{dvisvgm:raw <g id='unique002'>}" in request.source


def test_tuples_as_manim_takes_them_are_accepted(tmp_path: Path) -> None:
    with tex_dir(tmp_path):
        stats = precompile([("y^2", "align*", None), ("y^2", "align*", None), ("z", None, None)])
    assert (stats.requested, stats.compiled) == (2, 2)


def test_cached_files_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with tex_dir(tmp_path):
        requests = [mathtex_request(s) for s in ("p", "q")]
        precompile(requests[:1])
        svg = tmp_path / f"{requests[0].name}.svg"
        svg.write_text(svg.read_text() + "<!-- untouched -->")
        stats = precompile(requests)
        assert (stats.cached, stats.compiled, stats.latex_runs) == (1, 1, 1)
        assert svg.read_text().endswith("<!-- untouched -->")
        again = precompile(requests)
    assert (again.cached, again.compiled, again.latex_runs, again.dvisvgm_runs) == (2, 0, 0, 0)


def test_latex_runs_without_shell_escape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = record_commands(monkeypatch, texbatch)
    with tex_dir(tmp_path):
        precompile([mathtex_request("s")])
    latex = [c for c in commands if c[0] == "latex"]
    assert len(latex) == 1
    assert latex[0][1] == "-no-shell-escape"
    assert "-halt-on-error" in latex[0]
    dvisvgm = [c for c in commands if c[0] == "dvisvgm"]
    assert len(dvisvgm) == 1
    assert {"--no-fonts", "--verbosity=0", "--page=1-"} <= set(dvisvgm[0])


def test_inside_the_latex_sandbox_the_sandboxed_command_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from manim_adapter.sandbox import latex_sandbox

    commands = record_commands(monkeypatch, texbatch)
    with tex_dir(tmp_path / "Tex"), latex_sandbox():
        stats = precompile([mathtex_request("s"), mathtex_request("t")])
    assert (stats.compiled, stats.failed) == (2, 0)
    latex = next(c for c in commands if "latex" in c)
    assert latex.count("-no-shell-escape") == 1
    assert latex.index("-no-shell-escape") == latex.index("latex") + 1


def test_a_failing_expression_does_not_break_the_others(tmp_path: Path) -> None:
    good = [f"x_{{{i}}}" for i in range(6)]
    with tex_dir(tmp_path):
        requests = [mathtex_request(s) for s in good[:3]]
        bad = mathtex_request(r"\nosuchmacro{1}")
        requests += [bad] + [mathtex_request(s) for s in good[3:]]
        stats = precompile(requests)
        assert (stats.compiled, stats.failed) == (6, 1)
        assert stats.failures == [bad.name]
        assert stats.latex_runs == 2, "the failing page is found from the error's line"
        assert not (tmp_path / f"{bad.name}.svg").exists()
        with manim_must_not_compile():
            for strings in good:
                MathTex(strings)
        # Manim compiles it itself and reports the error
        with pytest.raises(ValueError, match="latex error converting to dvi"):
            MathTex(r"\nosuchmacro{1}")


def test_an_expression_that_breaks_the_page_structure_is_isolated(tmp_path: Path) -> None:
    """No LaTeX error, but two pages from one expression: found by halving the batch."""
    odd = r"a\end{align*}\ifhmode\unskip\fi\endpreview\preview\begin{align*}b"
    with tex_dir(tmp_path):
        requests = [TexRequest.of(s) for s in ("c", "d", odd, "e")]
        stats = precompile(requests)
    assert (stats.compiled, stats.failed, stats.failures) == (3, 1, [requests[2].name])
    assert stats.latex_runs > 2
    assert not (tmp_path / f"{requests[2].name}.svg").exists()


def test_each_page_starts_with_fresh_counters(tmp_path: Path) -> None:
    """Numbered equations: every page shows (1), as a document of its own does."""
    from manim.utils.tex_file_writing import tex_to_svg_file

    with tex_dir(tmp_path / "single"):
        single = tex_to_svg_file("c^2", "align")
    with tex_dir(tmp_path / "batch"):
        stats = precompile([("a^2", "align", None), ("b^2", "align", None), ("c^2", "align", None)])
    assert stats.compiled == 3
    batched = tmp_path / "batch" / single.name
    assert sorted(batched.read_text().splitlines()) == sorted(single.read_text().splitlines())


@pytest.mark.parametrize(
    "wrapped",
    [
        "(31 \npages, 11264 bytes)",
        "(3\n1 pages, 112 bytes)",
        "(31 pa\nges, 112 bytes)",
        "(31 pages, 112 bytes)",
    ],
)
def test_the_page_count_is_read_wherever_tex_wraps_the_log_line(wrapped: str) -> None:
    log = f"x\nOutput written on /tmp/{'d' * 50}/batch0.dvi {wrapped}.\nmore"
    assert texbatch.page_count(log) == 31
    assert texbatch.page_count("No pages of output.\n") is None


def test_a_long_folder_name_is_no_problem(tmp_path: Path) -> None:
    """TeX wraps its log at 79 characters: a long folder name splits "(N pages" in two."""
    folder = tmp_path / ("x" * 60) / "Tex"
    with tex_dir(folder):
        stats = precompile([mathtex_request(s) for s in ("k", "l", "n")])
    assert (stats.compiled, stats.failed, stats.latex_runs) == (3, 0, 1)


def test_a_batch_that_keeps_failing_gives_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every run fails without a clue: the batch stops after a few runs, not 2N - 1."""
    monkeypatch.setattr(texbatch, "_PAGES", __import__("re").compile("never matches"))
    with tex_dir(tmp_path):
        stats = precompile([mathtex_request(f"v_{i}") for i in range(40)])
    assert (stats.compiled, stats.failed) == (0, 40)
    assert stats.latex_runs <= texbatch.MAX_EXTRA_RUNS + 2 * 6


def test_an_error_in_the_preamble_fails_every_page_in_one_run(tmp_path: Path) -> None:
    from manim import TexTemplate

    template = TexTemplate()
    template.add_to_preamble(r"\usepackage{nosuchpackageanywhere}")
    with tex_dir(tmp_path):
        stats = precompile([(s, "align*", template) for s in ("f", "g", "h")])
    assert (stats.failed, stats.compiled, stats.latex_runs) == (3, 0, 1)


def test_global_assignments_are_left_to_manim(tmp_path: Path) -> None:
    with tex_dir(tmp_path):
        stats = precompile([(r"\gdef\x{1}\x", "align*", None), ("w", "align*", None)])
    assert (stats.unsupported, stats.compiled) == (1, 1)


def test_templates_that_cannot_share_a_document_are_left_to_manim(tmp_path: Path) -> None:
    from manim import TexTemplate

    template = TexTemplate(documentclass=r"\documentclass{article}")
    with tex_dir(tmp_path):
        stats = precompile([("u", "align*", template), ("v", "align*", None)])
    assert (stats.unsupported, stats.compiled) == (1, 1)


def test_pages_are_renumbered_like_a_single_page_file() -> None:
    page = (
        "<svg>\n<defs>\n<path id='g4-1' d='M0'/>\n<path id='g7-2' d='M1'/>\n</defs>\n"
        "<g id='page3'>\n<use x='1' y='2' xlink:href='#g7-2'/>\n"
        "<use x='3' y='4' xlink:href='#g4-1'/>\n</g>\n</svg>"
    )
    assert texbatch.normalise_page(page) == page.replace("g4-", "g0-").replace(
        "g7-", "g1-"
    ).replace("page3", "page1")
