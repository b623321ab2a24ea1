"""``chainrule slides``: one slide per narrated step, the narration as its notes.

Two short scenes (TheNetwork: 1 narrated step, ShapeCheck: 2) are rendered once per format at
256x144, each deck made by the CLI in-process. The HTML is opened in headless Chromium with the
network blocked; the PowerPoint is read back with python-pptx; the PDF's pages are counted
with poppler's pdfinfo. Expected notes come from the derivation and the catalog, not from
the slides code.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chainrule.catalog import discover, narrated_ids_of
from derivations import NetworkSpec, derive
from tests.cli_support import assert_one_line_error, forbid, invoke, snapshot
from tests.paths import PROJECT_ROOT
from tests.pdf_support import pdf_page_png, pdf_pages
from tests.process_support import python_output

SCENES = ("TheNetwork", "ShapeCheck")
TINY = ("-q", "l", "--resolution", "256x144")
STEM = "TheNetwork-ShapeCheck_slides"


def narrations() -> list[str]:
    """The narration of every step the two scenes read out, in order, as subtitles write it."""
    from derivations.speech import subtitle_text

    derivation = derive(NetworkSpec())
    catalog = discover()
    ids = [i for name in SCENES for i in narrated_ids_of(catalog.scenes[name], derivation)]
    return [subtitle_text(derivation.step(i).narration) for i in ids]


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The two scenes as html, pptx and pdf decks (one CLI run each) in one folder."""
    root = tmp_path_factory.mktemp("slides")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("CHAINRULE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        made = {}
        for to in ("html", "pptx", "pdf"):
            result = invoke("slides", *SCENES, "--to", to, *TINY, "-o", "deck")
            assert result.exit_code == 0, (result.stdout, result.stderr)
            assert f"({len(narrations())} slides)" in result.stdout
            made[to] = root / "deck" / f"{STEM}.{to}"
        yield made


@pytest.mark.render
def test_html_deck_plays_offline_one_slide_per_step(decks: dict[str, Path]) -> None:
    from tests.browser_support import not_blank, offline_page

    html = decks["html"]
    text = html.read_text(encoding="utf-8")
    for reference in re.findall(r'(?:src|href|data-background-video)="([^"]+)"', text):
        assert "://" not in reference, reference
        assert not reference.startswith("/"), reference
        assert (html.parent / reference).is_file(), reference
    expected = narrations()
    with offline_page(html) as page:
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15000)
        assert page.evaluate("Reveal.getTotalSlides()") == len(expected)
        notes = page.evaluate("Reveal.getSlides().map(s => Reveal.getSlideNotes(s))")
        assert notes == expected
        assert page.evaluate("Reveal.getIndices().h") == 0
        played = (
            "(() => { const v = Reveal.getCurrentSlide().slideBackgroundContentElement"
            "?.querySelector('video'); return v !== null && v !== undefined"
            " && v.currentTime > 0.3; })()"
        )
        page.wait_for_function(played, timeout=15000)
        page.keyboard.press("ArrowRight")
        page.wait_for_function("Reveal.getIndices().h === 1", timeout=5000)
        page.wait_for_function(played, timeout=15000)
        assert not_blank(page.screenshot())
        assert page.blocked == []
        assert page.errors == []


@pytest.mark.render
def test_pptx_has_one_slide_per_step_with_its_narration_as_notes(decks: dict[str, Path]) -> None:
    import pptx

    deck = pptx.Presentation(str(decks["pptx"]))
    slides = list(deck.slides)
    assert [s.notes_slide.notes_text_frame.text for s in slides] == narrations()
    for slide in slides:  # each with its video
        assert any(
            shape.shape_type == pptx.enum.shapes.MSO_SHAPE_TYPE.MEDIA for shape in slide.shapes
        )


@pytest.mark.render
def test_pdf_has_one_page_per_step(decks: dict[str, Path], tmp_path: Path) -> None:
    from tests.browser_support import not_blank

    assert pdf_pages(decks["pdf"]) == len(narrations())
    assert not_blank(pdf_page_png(decks["pdf"], 3, tmp_path))


@pytest.mark.render
def test_the_html_deck_has_nothing_else_beside_it(decks: dict[str, Path]) -> None:
    folder = decks["html"].parent
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [f"{STEM}.html", f"{STEM}_assets", f"{STEM}.pptx", f"{STEM}.pdf", "reveal.js"]
    )  # no staging folder left
    assert len(list((folder / f"{STEM}_assets").iterdir())) == len(narrations())


# ---------------------------------------------------------------------- errors (no rendering)


@pytest.fixture
def no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    import chainrule.publishing.slides

    forbid(monkeypatch, (chainrule.publishing.slides, "render_deck"))


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--to", "docx"), ("'docx' is not one of", "html")),
        (("FoldBak",), ("unknown scene 'FoldBak'", "FoldBack")),
        (("-o", "/proc/slides"), ("/proc",)),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    isolated: Path, no_rendering: None, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    before = snapshot(isolated)
    result = invoke("slides", *args)
    assert_one_line_error(result, 2, *fragments)
    assert snapshot(isolated) == before


def test_an_output_path_that_is_a_file_is_refused(isolated: Path, no_rendering: None) -> None:
    (isolated / "deck").write_text("not a folder")
    before = snapshot(isolated)
    assert_one_line_error(invoke("slides", "-o", "deck"), 2, "deck is a file")
    assert snapshot(isolated) == before


def test_without_manim_slides_the_message_gives_the_install_command(
    isolated: Path, no_rendering: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "manim_slides", None)  # import manim_slides fails
    before = snapshot(isolated)
    assert_one_line_error(invoke("slides", "TheNetwork"), 2, "pip install 'chainrule[slides]'")
    assert snapshot(isolated) == before


def test_an_interrupted_run_leaves_no_partial_deck(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chainrule.publishing.slides

    config = isolated / "fake.json"
    config.write_text(json.dumps({"slides": [{}]}))
    monkeypatch.setattr(chainrule.publishing.slides, "render_deck", lambda *args, **kwargs: config)

    def interrupted(configs: object, to: str, folder: Path, stem: str, title: str) -> None:
        (folder / f"{stem}.html").write_text("<html>half")
        (folder / f"{stem}_assets").mkdir()
        raise KeyboardInterrupt

    monkeypatch.setattr(chainrule.publishing.slides, "convert_deck", interrupted)
    result = invoke("slides", "TheNetwork", "-o", "deck")
    assert result.exit_code == 130, (result.stdout, result.stderr)
    assert list((isolated / "deck").iterdir()) == []


def test_scenes_do_not_need_manim_slides(tmp_path: Path) -> None:
    """The plain scenes and the CLI import and list scenes with manim-slides unavailable."""
    code = (
        "import sys; sys.modules['manim_slides'] = None\n"
        "from chainrule.catalog import discover\n"
        "import scenes.base\n"
        "catalog = discover()\n"
        "assert not catalog.problems, catalog.problems\n"
        "assert 'Lecture' in catalog.scenes\n"
        "assert not any(c.__name__ == 'Slide' for c in catalog.scenes['Lecture'].__mro__)\n"
    )
    env = {"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    python_output("-c", code, cwd=tmp_path, env=env)


def test_deck_needs_the_reveal_package_files() -> None:
    """The template's reveal.js files exist in the npm package the deck copies them from."""
    from chainrule.publishing.slides import TEMPLATE
    from chainrule.publishing.templates import read
    from chainrule.publishing.web_assets import package_dir

    package = package_dir("reveal.js")
    for reference in re.findall(r'\{\{ cdn_url \}\}/([^"]+)"', read(TEMPLATE)):
        assert (package / reference).is_file(), reference
    assert shutil.which("pdfinfo"), "poppler-utils (pdfinfo) is needed by the PDF test"
