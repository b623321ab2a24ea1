"""The lecture page ``<Scene>_<quality>.html`` that ``chainrule render`` writes next to a video:
opened in headless Chromium with the network blocked, its chapters seek the video, the
highlighted transcript sentence follows ``currentTime``, its formulas are typeset by KaTeX and
every step's certificate is on it.

One narrated scene is rendered once for the module at a tiny size (the Piper speech is shared
by the whole run, tests/conftest.py). The captions are read back independently with ``srt``;
the certificates are recomputed from a derivation built here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import srt

from chainrule.publishing.lecture_page import (
    Chapter,
    Claim,
    Cue,
    PageData,
    StepView,
    assign_steps,
    page_html,
)
from derivations import NetworkSpec, derive
from tests.browser_support import not_blank, offline_page
from tests.cli_support import invoke

SCENE = "FoldBack"  # three narrated steps, three chapters
TINY = ("-q", "l", "--resolution", "256x144")
#: How close a seek must land to the chapter's start (s).
SEEK_TOLERANCE = 0.5


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """FoldBack, narrated, rendered once: the output folder and its manifest entry."""
    base = tmp_path_factory.mktemp("lecture-page")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(base)
        patch.setenv("CHAINRULE_CACHE_DIR", str(base / "cache"))
        result = invoke("render", SCENE, *TINY, "-o", str(base / "out"))
    assert result.exit_code == 0, result.stderr + result.stdout
    (entry,) = json.loads((base / "out" / "manifest.json").read_text())["outputs"]
    return base / "out", entry


@pytest.fixture(scope="module")
def browser_facts(rendered: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    """Everything the browser tests look at, gathered in one Chromium session."""
    out, entry = rendered
    cues = list(srt.parse((out / f"{SCENE}_l.srt").read_text(encoding="utf-8")))
    facts: dict[str, Any] = {"cues": cues, "seeks": [], "spoken": []}
    with offline_page(out / entry["page"]) as page:
        page.wait_for_function("document.getElementById('video').readyState >= 1")
        facts["chapter_count"] = page.locator("#chapters .chapter").count()
        facts["chapter_names"] = page.locator("#chapters .chapter .name").all_inner_texts()
        facts["katex"] = page.locator(".formula .katex").count()
        facts["formulas"] = page.locator(".formula").count()
        facts["katex_errors"] = page.locator(".katex-error").count()
        facts["text"] = page.evaluate("document.body.textContent")
        facts["screenshot"] = page.screenshot()
        for number in (2, 1, 0):  # out of order, so each seek really moves the video
            page.locator("#chapters .chapter").nth(number).click()
            page.wait_for_function("!document.getElementById('video').seeking")
            facts["seeks"].append(
                (number, page.evaluate("document.getElementById('video').currentTime"))
            )
        for k in (1, len(cues) // 2, len(cues) - 1):
            middle = (cues[k].start + (cues[k].end - cues[k].start) / 2).total_seconds()
            page.evaluate(f"document.getElementById('video').currentTime = {middle}")
            page.wait_for_function("!document.getElementById('video').seeking")
            page.wait_for_timeout(100)
            facts["spoken"].append(
                (
                    k,
                    page.locator(".cue.spoken").evaluate_all(
                        "els => els.map(e => [e.dataset.cue, e.textContent])"
                    ),
                )
            )
        facts["tracks"] = page.evaluate(
            "Array.from(document.getElementById('video').textTracks).map(t => "
            "[t.kind, t.mode, Array.from(t.cues).map(c => [c.startTime, c.endTime, c.text])])"
        )
        facts["blocked"], facts["errors"] = list(page.blocked), list(page.errors)
    return facts


@pytest.mark.render
def test_render_writes_the_page_listed_in_the_manifest(rendered: tuple[Path, dict]) -> None:
    """The page sits next to the video, is named in the manifest, and KaTeX is copied along."""
    out, entry = rendered
    assert entry["page"] == f"{SCENE}_l.html"
    assert (out / entry["page"]).is_file()
    assert (out / "assets" / "katex" / "katex.min.js").is_file()
    text = (out / entry["page"]).read_text(encoding="utf-8")
    assert f'src="{entry["path"]}"' in text
    assert "http://" not in text
    assert "https://" not in text
    assert not list(out.glob(".*.tmp"))


@pytest.mark.render
def test_page_loads_offline_without_errors(browser_facts: dict[str, Any]) -> None:
    """Nothing was fetched from the network and no script failed; the page is not blank."""
    assert browser_facts["blocked"] == []
    assert browser_facts["errors"] == []
    assert not_blank(browser_facts["screenshot"])


@pytest.mark.render
def test_one_chapter_per_section_and_clicking_seeks(
    rendered: tuple[Path, dict], browser_facts: dict[str, Any]
) -> None:
    """The chapter list mirrors the manifest's sections; a click seeks to the chapter."""
    _, entry = rendered
    sections = entry["sections"]
    assert len(sections) >= 3
    assert browser_facts["chapter_count"] == len(sections)
    assert browser_facts["chapter_names"] == [s["title"] for s in sections]
    for number, time in browser_facts["seeks"]:
        assert abs(time - sections[number]["start"]) < SEEK_TOLERANCE, (number, time)
    assert {number for number, _ in browser_facts["seeks"]} == {0, 1, 2}


@pytest.mark.render
def test_the_spoken_sentence_follows_current_time(browser_facts: dict[str, Any]) -> None:
    """Inside cue k exactly one sentence is highlighted: cue k's text (from the .srt)."""
    cues = browser_facts["cues"]
    assert len(browser_facts["spoken"]) == 3
    for k, spoken in browser_facts["spoken"]:
        expected = " ".join(cues[k].content.split())
        assert spoken == [[str(k), expected]], (k, spoken)


@pytest.mark.render
def test_formulas_and_certificates(
    rendered: tuple[Path, dict], browser_facts: dict[str, Any]
) -> None:
    """Every formula is typeset by KaTeX; every narrated step's certificate, and each of its
    claims' summaries, is on the page."""
    _, entry = rendered
    assert browser_facts["formulas"] >= 3
    assert browser_facts["katex"] == browser_facts["formulas"]
    assert browser_facts["katex_errors"] == 0
    network = entry["config"]["network"]
    derivation = derive(
        NetworkSpec(
            layer_dims=tuple(network["layer_dims"]),
            m=network["m"],
            activation=network["activation"],
        )
    )
    text = browser_facts["text"]
    step_ids = [mark[0] for mark in entry["audio"]["steps"]]
    assert step_ids == ["dZ1.fold_factor", "dZ1.transpose", "dZ1.fold"]
    for step_id in step_ids:
        certificate = derivation.certificate(step_id)
        assert certificate.summary() in text
        assert derivation.step(step_id).title in text
        for claim in certificate.claims:
            assert claim.summary() in text
    assert "FAILED" not in text


def test_every_text_is_escaped() -> None:
    """Titles, narration, certificates and TeX reach the page as text, never as markup; the
    embedded JSON cannot close its script element."""
    evil = "<script>alert(1)</script>"
    step = StepView(
        "x.y",
        f"Step {evil}",
        1.0,
        ((r"\textcolor{red}{a<b}", "a<b"),),
        f"1 claim {evil}",
        True,
        (Claim(f"claim {evil}", f"how {evil}", True),),
    )
    data = PageData(
        scene="Evil",
        heading=f"Heading {evil}",
        summary=f"Summary {evil}",
        network="2-2-2",
        video='v"ideo.mp4',
        duration=3.0,
        chapters=(Chapter(f"Chapter {evil}", 0.0, (step,)),),
        cues=(Cue(0.0, 1.0, f"Said {evil} & more"),),
    )
    page = page_html(data)
    assert page.count("<script") == 3  # the JSON data, KaTeX, the page's own script
    assert "alert(1)</script>" not in page
    assert "Chapter &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Said &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert 'src="v&quot;ideo.mp4"' in page
    assert "a&lt;b" in page
    payload = page.split('type="application/json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(payload)["cues"][0]["text"] == f"Said {evil} & more"


def test_steps_are_placed_in_their_chapters() -> None:
    """By the narration's start times when known, else by the chapter named after the step;
    a deliberately wrong time lands in another chapter."""
    sections = [
        {"title": "Title", "start": 0.0},
        {"title": "A", "start": 5.0},
        {"title": "B", "start": 9.0},
        {"title": "B (continued)", "start": 20.0},
    ]
    timed = assign_steps(sections, [("a", 5.0), ("b", 9.03), ("c", 14.0)], str)
    assert timed == [[], [("a", 5.0)], [("b", 9.03), ("c", 14.0)], []]
    titles = {"a": "A", "b": "B", "c": "C"}.__getitem__
    untimed = assign_steps(sections, [("a", None), ("b", None), ("c", None)], titles)
    assert untimed == [[], [("a", 5.0)], [("b", 9.0), ("c", 9.0)], []]
    assert assign_steps(sections, [("a", 4.0)], str) == [[("a", 4.0)], [], [], []]


@pytest.mark.render
def test_the_video_shows_the_captions_as_subtitles(browser_facts: dict[str, Any]) -> None:
    """One subtitles track, showing, with exactly the .srt's cues (read with ``srt``): built in
    the page, because Chromium refuses a ``<track src>`` on a page opened from a file."""
    cues = browser_facts["cues"]
    ((kind, mode, shown),) = browser_facts["tracks"]
    assert (kind, mode) == ("subtitles", "showing")
    assert len(shown) == len(cues)
    for (start, end, text), cue in zip(shown, cues, strict=True):
        assert start == pytest.approx(cue.start.total_seconds(), abs=0.01)
        assert end == pytest.approx(cue.end.total_seconds(), abs=0.01)
        assert " ".join(text.split()) == " ".join(cue.content.split())
