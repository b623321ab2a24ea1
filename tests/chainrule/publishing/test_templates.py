"""The templates are package data files (:mod:`chainrule.publishing.templates`) and fill to the
documents
they filled as Python strings.

The lecture page and the handout are parsed (``html.parser``) and compared element by element
with what a reader of the templates expects for a small sample: every expected text below is
written out here, not computed by the code under test.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatch
from html.parser import HTMLParser

import pytest

from chainrule.publishing.handout import Handout, HandoutStep, html_document, latex_source
from chainrule.publishing.lecture_page import Chapter, Claim, Cue, PageData, StepView, page_html
from chainrule.publishing.templates import Markup, read, render
from derivations.certificates import StepCertificate
from tests.paths import PROJECT_ROOT

PROJECT = PROJECT_ROOT
TEMPLATES = PROJECT / "chainrule" / "publishing" / "templates"
VOID = {"meta", "link", "img", "br", "input", "source", "track"}


# ---------------------------------------------------------------------- a tiny DOM


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""  # all text inside, entities decoded

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str = "", cls: str = "", **attrs: str) -> list[Node]:
        """Every element below (depth first) with that tag, class and attribute values."""
        found = []
        for child in self.children:
            if (
                (not tag or child.tag == tag)
                and (not cls or cls in child.classes())
                and all(child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
            ):
                found.append(child)
            found += child.all(tag, cls, **attrs)
        return found

    def one(self, tag: str = "", cls: str = "", **attrs: str) -> Node:
        (found,) = self.all(tag, cls, **attrs)
        return found


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.open = [self.root]
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.open[-1].tag == tag, f"</{tag}> closes <{self.open[-1].tag}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        for node in self.open:
            node.text += data


def parse(page: str) -> tuple[str, Node]:
    builder = _Builder()
    builder.feed(page)
    builder.close()
    assert builder.open == [builder.root], "unclosed elements"
    return builder.doctype, builder.root


# ---------------------------------------------------------------------- the lecture page


def sample_page() -> PageData:
    step = StepView(
        "dZ1.fold",
        "Fold <back>",
        71.0,
        ((r"\textcolor{#FF0000}{W}", "W"),),
        "1 claim & more",
        True,
        (Claim("the shapes fit", "checked at 3 points", True),),
    )
    return PageData(
        scene="FoldBack",
        heading="Fold <back>",
        summary="Sum & fold",
        network="2-3-1 network, m = 2, sigmoid",
        video='a"b.mp4',
        duration=75.9,
        chapters=(Chapter("Title", 0.0, ()), Chapter("Fold & back", 70.5, (step,))),
        cues=(Cue(0.5, 2.0, "Hello <world> & all"), Cue(71.0, 73.0, "Now fold.")),
        background="#123456",
        ok_colour="#00ff00",
        error_colour="#ff0000",
    )


def test_the_lecture_page_has_the_structure_and_text_of_the_template() -> None:
    page = page_html(sample_page())
    assert "@@" not in page
    doctype, root = parse(page)
    assert doctype == "DOCTYPE html"
    html = root.one("html")
    assert html.attrs == {"lang": "en"}
    assert [child.tag for child in html.children] == ["head", "body"]
    head, body = html.children
    assert head.one("title").text == "Fold <back> · chainrule lecture"
    assert head.one("meta", name="generator").attrs["content"] == "chainrule"
    assert head.one("link").attrs == {"rel": "stylesheet", "href": "assets/katex/katex.min.css"}
    style = head.one("style").text
    assert style.startswith("\n:root { --bg: #123456; --panel: #1b1d22;")
    assert "--ok: #00ff00; --error: #ff0000;" in style
    assert ".cue.spoken { background: var(--spoken);" in style
    assert style.rstrip().endswith("}")
    assert [child.tag for child in body.children] == [
        "header",
        "main",
        "footer",
        "script",
        "script",
        "script",
    ]
    assert body.one("h1").text == "Fold <back>"
    summary, meta = body.one("header", "page").all("p")
    assert summary.text == "Sum & fold"
    assert meta.text == (
        "2-3-1 network, m = 2, sigmoid · 1:15 · every formula below was checked by chainrule"
    )
    assert body.one("video", id="video").attrs["src"] == 'a"b.mp4'
    assert body.one("footer").text == (
        "Made with chainrule from verified derivation steps. Works offline."
    )

    chapters = body.one("ol", id="chapters").all("button", "chapter")
    assert [c.attrs["data-seek"] for c in chapters] == ["0.0", "70.5"]
    assert [c.one("span", "time").text for c in chapters] == ["0:00", "1:10"]
    assert [c.one("span", "name").text for c in chapters] == ["Title", "Fold & back"]

    transcript = body.one("div", id="transcript")
    paragraphs = transcript.all("p")
    assert [p.attrs["data-chapter"] for p in paragraphs] == ["0", "1"]
    assert [
        (c.attrs["data-cue"], c.attrs["data-seek"], c.text) for c in transcript.all("span")
    ] == [
        ("0", "0.5", "Hello <world> & all"),
        ("1", "71.0", "Now fold."),
    ]

    article = body.one("div", id="steps").one("article", "step")
    assert article.attrs == {
        "class": "step",
        "data-step": "dZ1.fold",
        "data-chapter": "1",
        "data-start": "71.0",
    }
    assert article.one("h3").text == "Fold <back>"
    assert article.one("button", "play").text == "▶ 1:11"
    formula = article.one("div", "formula")
    assert formula.attrs["data-tex"] == r"\textcolor{#FF0000}{W}"
    assert formula.attrs["data-plain"] == "W"
    certificate = article.one("div", "certificate")
    assert certificate.classes() == {"certificate", "ok"}
    assert certificate.one("strong").text == "Verified"
    assert certificate.one("span", "summary").text == "1 claim & more"
    assert certificate.one("summary").text == "How it was checked (1 claim)"
    claim = certificate.one("li")
    assert (claim.one("span", "what").text, claim.one("span", "how").text) == (
        "the shapes fit",
        "checked at 3 points",
    )

    data, katex, own = body.all("script")
    assert data.attrs == {"id": "lecture-data", "type": "application/json"}
    assert json.loads(data.text) == {
        "cues": [
            {"start": 0.5, "end": 2.0, "text": "Hello <world> & all"},
            {"start": 71.0, "end": 73.0, "text": "Now fold."},
        ],
        "chapters": [{"title": "Title", "start": 0.0}, {"title": "Fold & back", "start": 70.5}],
        "steps": [{"id": "dZ1.fold", "start": 71.0}],
        "duration": 75.9,
    }
    assert katex.attrs == {"src": "assets/katex/katex.min.js"}
    assert not katex.text
    assert own.attrs == {}
    assert own.text.startswith('\n(function () {\n  "use strict";')
    for needle in ("addTextTrack", "katex.render", "requestAnimationFrame"):
        assert needle in own.text
    assert own.text.endswith("})();\n")


# ---------------------------------------------------------------------- the handout


def sample_handout() -> Handout:
    steps = tuple(
        HandoutStep(step_id, title, "Said.", (), StepCertificate(step_id, ()))
        for step_id, title in (("a.one", "One & <two>"), ("b.two", "Three"))
    )
    return Handout("Demo", "a 2-2-1 network", steps)


def test_the_latex_handout_is_the_preamble_then_the_document() -> None:
    source = latex_source(sample_handout())
    assert "@@" not in source
    lines = source.splitlines()
    assert lines[0] == r"\documentclass[11pt]{article}"
    assert r"\usepackage[hidelinks,bookmarksnumbered]{hyperref}" in lines
    begin = lines.index(r"\begin{document}")
    assert lines[begin - 1] == ""  # after the preamble, as before
    assert lines[begin + 1] == r"{\LARGE\bfseries Demo: the verified steps}\par"
    assert lines[begin + 2] == (
        r"a 2-2-1 network $\cdot$ 2 steps. Each step shows its formulas as the video typesets "
        r"them, its last frame, and how every claim in it was checked: exactly by sympy, and "
        r"numerically at a reproducible random point (its seed).\par"
    )
    assert lines[begin + 3] == r"\section{One \& \textless{}two\textgreater{}}"
    assert lines.count(r"\begin{document}") == 1
    assert source.endswith("\\end{document}\n")
    assert r"\tableofcontents" not in source  # only from more than five steps


def test_the_html_handout_has_the_structure_of_the_template() -> None:
    page = html_document(sample_handout())
    assert "@@" not in page
    doctype, root = parse(page)
    assert doctype == "DOCTYPE html"
    head, body = root.one("html").children
    assert head.one("title").text == "Demo — handout"
    katex_css, own_css = head.all("style")
    assert "KaTeX_Main" in katex_css.text
    assert own_css.text.startswith("\nbody {")
    assert "section.step" in own_css.text
    assert body.one("h1").text == "Demo: the verified steps"
    assert body.one("p", "intro").text.startswith("a 2-2-1 network · 2 steps. Each step shows")
    sections = body.all("section", "step")
    assert [s.attrs["id"] for s in sections] == ["a.one", "b.two"]
    assert [s.one("h2").text for s in sections] == ["One & <two>", "Three"]
    assert not root.all("script")


# ---------------------------------------------------------------------- the renderer


def test_render_escapes_text_and_inserts_markup_once() -> None:
    css = render("lecture_page.css", BACKGROUND="<b>", OK=Markup("<i>"), ERROR="@@OK@@")
    assert "--bg: &lt;b&gt;;" in css
    assert "--ok: <i>;" in css
    assert "--error: @@OK@@;" in css  # what is inserted is not filled again


def test_render_refuses_a_missing_or_unknown_placeholder() -> None:
    with pytest.raises(KeyError, match="missing: ERROR"):
        render("lecture_page.css", BACKGROUND="#000", OK="#0f0")
    with pytest.raises(KeyError, match="unknown: COLOUR"):
        render("lecture_page.css", BACKGROUND="#000", OK="#0f0", ERROR="#f00", COLOUR="x")


def test_a_tex_template_takes_only_markup() -> None:
    values = {"NETWORK": Markup("n"), "COUNT": Markup("1"), "BODY": Markup("")}
    with pytest.raises(TypeError, match="only Markup"):
        render("handout.tex", SCENE="50% & $x$", **values)


def test_no_document_is_left_in_a_python_string() -> None:
    """The modules that publish documents hold no HTML or LaTeX document text."""
    for module in ("lecture_page", "handout", "slides"):
        text = (PROJECT / "chainrule" / "publishing" / f"{module}.py").read_text(encoding="utf-8")
        for marker in ("<!DOCTYPE", "<!doctype", "<html", "<style", r"\documentclass"):
            assert marker not in text, (module, marker)


def test_every_template_file_is_package_data() -> None:
    """A wheel carries every template: each file matches a package-data pattern."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["chainrule.publishing.templates"]
    files = [p.name for p in TEMPLATES.iterdir() if p.is_file() and p.suffix != ".py"]
    assert sorted(files) == sorted(
        [
            "handout.css",
            "handout.html",
            "handout.tex",
            "lecture_page.css",
            "lecture_page.html",
            "lecture_page.js",
            "slides.html",
        ]
    )
    for name in files:
        assert any(fnmatch(name, pattern) for pattern in patterns), name
        assert read(name) == (TEMPLATES / name).read_text(encoding="utf-8")
