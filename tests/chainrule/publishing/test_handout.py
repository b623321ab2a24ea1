"""``chainrule handout``: a PDF and an HTML handout of one short scene, read back and looked at.

One module-scoped build of ``ExpandToScalars`` (three steps, key frames at 256x144) as PDF and
as HTML; the PDF is read back with poppler (pdftotext, pdfimages, pdfinfo), the HTML opened in
headless Chromium with the network blocked. Expected titles, formulas and certificate texts
come from the derivation itself, not from the handout code. A failing step is refused by the
command and shown as FAILED by the renderers; bad inputs exit 2 with one line, writing nothing.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import chainrule.publishing.handout
import chainrule.verification
from chainrule.errors import RenderFailed
from chainrule.publishing.handout import (
    Handout,
    compile_pdf,
    handout_steps,
    html_document,
    latex_source,
    latex_text,
)
from chainrule.publishing.katex import KatexError, render_tex
from derivations import derive
from tests.browser_support import not_blank, offline_page
from tests.cli_support import assert_one_line_error, forbid, invoke, snapshot
from tests.pdf_support import pdf_page_png, pdf_pages, pdf_text

SCENE = "ExpandToScalars"
STEP_IDS = ("dZ1.concrete", "dZ1.expand", "dZ1.activate")
FRAME = ("--resolution", "256x144")


def _formula_count(step: Any) -> int:
    return sum(1 for parts in (step.equation, *step.lines) if any(p.tex for p in parts))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The scene's handout as PDF and HTML (the second run reuses the rendered frames)."""
    root = tmp_path_factory.mktemp("handout")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHAINRULE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        patch.chdir(root)
        for format_ in ("pdf", "html"):
            result = invoke("handout", SCENE, *FRAME, "--format", format_, "-o", format_)
            assert result.exit_code == 0, result.stderr
            assert "3 steps, 3 key frames" in result.stdout
        yield {
            "pdf": root / "pdf" / f"{SCENE}_handout.pdf",
            "html": root / "html" / f"{SCENE}_handout.html",
        }


@pytest.fixture(scope="module")
def derivation() -> Any:
    return derive()


@pytest.mark.render
@pytest.mark.parametrize("format_", ["pdf", "html"])
def test_each_format_is_one_file_and_leaves_nothing_else(
    built: dict[str, Path], format_: str
) -> None:
    made = built[format_]
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]


# ---------------------------------------------------------------------- the PDF


@pytest.mark.render
def test_pdf_has_a_section_per_step_with_its_certificate(
    built: dict[str, Path], derivation: Any
) -> None:
    pdf = built["pdf"]
    text = pdf_text(pdf)
    positions = []
    for number, step_id in enumerate(STEP_IDS, 1):
        step = derivation.step(step_id)
        heading = f"{number} {step.title}"
        assert heading in text, heading
        positions.append(text.index(heading))
        certificate = derivation.certificate(step_id)
        assert certificate.holds
        assert certificate.claims
        assert f"Verified: {certificate.summary()}" in text
        for claim in certificate.claims:
            assert claim.summary() in text
            if claim.points:
                assert f"(seed {claim.seed})" in text
    assert positions == sorted(positions)  # in the scene's order
    assert "FAILED" not in text
    assert 1 <= pdf_pages(pdf) <= 2 * len(STEP_IDS)
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(images) == len(STEP_IDS)  # one key frame per step
    assert all(line.split()[3:5] == ["256", "144"] for line in images)


@pytest.mark.render
def test_pdf_pages_are_not_blank(built: dict[str, Path], tmp_path: Path) -> None:
    assert not_blank(pdf_page_png(built["pdf"], 1, tmp_path))


# ---------------------------------------------------------------------- the HTML


@pytest.mark.render
def test_html_is_offline_and_every_formula_is_typeset(
    built: dict[str, Path], derivation: Any
) -> None:
    html = built["html"]
    expected = sum(_formula_count(derivation.step(step_id)) for step_id in STEP_IDS)
    with offline_page(html, width=640, height=900) as page:
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.blocked == []
        assert page.errors == []
        assert page.locator(".katex").count() == expected > 0
        assert page.locator(".katex-error").count() == 0
        assert page.locator(".formula .katex-html").count() == expected
        assert page.evaluate("document.fonts.check('1em KaTeX_Main')")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.locator("section.step").count() == len(STEP_IDS)
        for step_id in STEP_IDS:
            section = page.locator(f"section[id='{step_id}']")
            text = " ".join(section.inner_text().split())
            certificate = derivation.certificate(step_id)
            assert derivation.step(step_id).title in text
            assert certificate.summary() in text
            assert "Verified" in text
            for claim in certificate.claims:
                assert claim.summary() in text
            width = section.locator("img").evaluate("img => img.naturalWidth")
            assert width == 256
        assert page.locator(".certificate.failed").count() == 0
        assert not_blank(page.screenshot())


# ---------------------------------------------------------------------- failures


def test_the_command_refuses_a_failing_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        chainrule.verification,
        "derive",
        lambda spec: derive(spec, formulas={"dZ1": "W2 @ dZ2 * gprime(Z1)"}),
    )
    before = snapshot(tmp_path)
    for format_ in ("pdf", "html"):
        result = invoke("handout", "FoldBack", "--no-frames", "--format", format_, "-o", "out")
        assert_one_line_error(
            result, 1, "step dZ1.fold", "failed verification", "no handout was written"
        )
    assert snapshot(tmp_path) == before


def _failing_and_hostile() -> Handout:
    """A real failing certificate (dZ1 without the transpose) and hostile text."""
    wrong = derive(formulas={"dZ1": "W2 @ dZ2 * gprime(Z1)"})
    steps = handout_steps(wrong, ["dZ1.fold"])
    assert not steps[0].certificate.holds
    from dataclasses import replace

    from derivations.certificates import StepCertificate

    hostile = replace(
        steps[0],
        step_id="x.hostile",
        certificate=StepCertificate("x", ()),
        title=r"\input{/etc/passwd} 50% & #1",
        narration=r"\write18{rm -rf /} $x_1$ ~ ^^5c {braces} <a|b> \def\x{}",
        formulas=(" + ".join(f"a_{{{i}}}" for i in range(150)),),
    )
    return Handout("Broken", "a test network", (steps[0], hostile))


def test_a_failing_certificate_is_shown_failed_and_text_is_literal(tmp_path: Path) -> None:
    handout = _failing_and_hostile()
    claims = handout.steps[0].certificate.claims
    reasons = [claim.failure for claim in claims if not claim.holds]
    assert reasons
    pdf = compile_pdf(latex_source(handout), tmp_path)
    text = pdf_text(pdf)
    assert "Verification: FAILED" in text
    for reason in reasons:
        assert f"FAILED: {' '.join(str(reason).split())}" in text
    assert "the dimensions fit as stated" not in text  # a failed claim's summary is not shown
    assert r"\input{/etc/passwd} 50% & #1" in text
    assert r"\write18{rm -rf /}" in text
    assert "{braces} <a|b> \\def\\x{}" in text
    log = (tmp_path / "handout.log").read_text(errors="replace")
    assert "Overfull \\hbox" not in log  # the 150-term formula was scaled to fit
    page = html_document(handout)
    assert page.count('class="certificate failed"') == 1
    assert page.count('class="certificate"') == 1
    assert "Nothing to check" in page
    assert "Nothing to check" in text
    assert "FAILED" in page
    assert "&lt;a|b&gt;" in page
    assert "\\input{/etc/passwd}" in page


def test_latex_runs_sandboxed(tmp_path: Path) -> None:
    """compile_pdf's LaTeX may neither write outside its folder nor run a command."""
    outside, ran = tmp_path / "outside.txt", tmp_path / "ran.txt"
    work = tmp_path / "work"
    work.mkdir()
    source = (
        r"\documentclass{article}\begin{document}x"
        r"\immediate\write18{touch " + str(ran) + "}"
        r"\newwrite\f\immediate\openout\f=" + str(outside) + r" "
        r"\immediate\write\f{hi}\immediate\closeout\f\end{document}"
    )
    with pytest.raises(RenderFailed, match="write"):
        compile_pdf(source, work)
    assert not outside.exists()
    assert not ran.exists()


def test_latex_text_refuses_control_characters_and_unknown_symbols() -> None:
    with pytest.raises(RenderFailed, match="control character"):
        latex_text("bell\x07", "a title")
    with pytest.raises(RenderFailed, match="U\\+2603"):
        latex_text("snow ☃", "a title")
    assert latex_text("W[2]ᵀ", "t") == r"W[2]\textsuperscript{T}"


def test_katex_errors_name_the_formula() -> None:
    with pytest.raises(KatexError, match="frac"):
        render_tex(r"\frac{")
    assert 'class="katex"' in render_tex("x^2", display=False)


# ---------------------------------------------------------------------- bad input


@pytest.fixture
def no_frames(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    return forbid(monkeypatch, (chainrule.publishing.handout, "render_key_frames"))


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--format", "docx"), ("--format", "docx")),
        (("Nonsense",), ("unknown scene", "Nonsense")),
        (("-o", "a-file"), ("a-file", "is a file")),
        (("-o", "/proc/handout"), ("/proc/handout", "cannot be used")),
        (("--resolution", "33x10"), ("--resolution",)),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    args: tuple[str, ...],
    fragments: tuple[str, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_frames: list[Any],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("keep me")
    before = snapshot(tmp_path)
    assert_one_line_error(invoke("handout", *args), 2, *fragments)
    assert snapshot(tmp_path) == before
    assert no_frames == []


def test_key_frames_come_from_each_steps_own_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The title card and a step's ``(continued)`` section are not its key frame."""
    import chainrule.publishing.handout
    from chainrule.publishing.handout import section_frames

    monkeypatch.setattr(
        chainrule.publishing.handout,
        "last_frame_png",
        lambda video, target: target.write_text(video.name),
    )
    sections = [
        {"name": "Title", "video": "title.mp4"},
        {"name": "One", "video": "one.mp4"},
        {"name": "Two", "video": "two.mp4"},
        {"name": "One (continued)", "video": "again.mp4"},
        {"name": "Two", "video": "two-bis.mp4"},
    ]
    titles = {"a.one": "One", "b.two": "Two", "c.none": "Never shown", "d.two": "Two"}
    frames = section_frames(sections, tmp_path, titles, tmp_path)
    assert {key: path.read_text() for key, path in frames.items()} == {
        "a.one": "one.mp4",
        "b.two": "two.mp4",
        "d.two": "two-bis.mp4",
    }


@pytest.mark.parametrize(
    ("dims", "m", "activation"),
    [((2, 3, 2), 2, "tanh"), ((3, 4, 2), 3, "relu"), ((2, 3, 2, 1), 2, "tanh")],
)
def test_every_narration_and_title_can_be_typeset(
    dims: tuple[int, ...], m: int, activation: str
) -> None:
    """Each character of the narration as the handout shows it (ℒ, ℓ, ∂, ᵀ, subscripts ...)
    has a TeX spelling, and no index is left in the narration's ``_`` notation."""
    from derivations import NetworkSpec
    from derivations.speech import subtitle_text

    spec = NetworkSpec(dims, m=m, activation=activation)
    derivation = derive(spec)
    shown = handout_steps(derivation, [str(step.id) for step in derivation.steps])
    for step in shown:
        assert "_" not in step.narration, step.step_id
        latex_text(step.narration, step.step_id)
        latex_text(step.title, step.step_id)
        for claim in step.certificate.claims:  # as the certificate prints them
            latex_text(subtitle_text(claim.description), step.step_id)


def test_the_map_lists_the_slides_formulas_not_its_labels() -> None:
    """The map's entry (handout, lecture page) gives the slide's six formulas, each once; its
    part labels and check mark are labels of the picture, not formulas."""
    from chainrule.publishing.handout import step_formulas
    from derivations import NetworkSpec

    derivation = derive(NetworkSpec())
    formulas = step_formulas(derivation.step("general.map"))
    assert len(formulas) == 6 == len(set(formulas))
    assert not any(r"\text{Part" in f or r"\checkmark" in f for f in formulas), formulas
    targets = {f.split("=")[0].strip() for f in formulas}
    assert targets == {"dZ^{[1]}", "dZ^{[2]}", "dW^{[1]}", "dW^{[2]}", "db^{[1]}", "db^{[2]}"}, (
        targets
    )
