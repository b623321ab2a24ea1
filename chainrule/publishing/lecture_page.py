"""The lecture page: ``<Scene>_<quality>.html`` next to each rendered video.

One offline HTML page per video for a learner: the video, its chapters as a clickable list
(from the manifest entry's sections), the transcript with the sentence being spoken highlighted
as it plays (from the ``.srt`` the render wrote, read with the ``srt`` library and embedded as
JSON), and every narrated step's formula (typeset by KaTeX in the browser) with its
verification certificate (:meth:`derivations.Derivation.certificate`).

KaTeX comes from the npm package (:mod:`chainrule.publishing.web_assets`), copied once into
``<output>/assets/katex/``; nothing is loaded from the network. Plain JavaScript, no build step.
The page is written atomically (:func:`chainrule.files.atomic_write`).

:func:`page_data` gathers what a page shows from a manifest entry, :func:`page_html` turns it
into HTML (pure: every text is escaped) by filling the templates ``lecture_page.html``,
``.css`` and ``.js`` (:mod:`chainrule.publishing.templates`; the CSS and the script are inlined, so
the
page is one file), :func:`write_page` does both and writes the file.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainrule.publishing.chapters import timestamp
from chainrule.publishing.templates import Markup, read, render
from chainrule.publishing.templates import escape_html as _e

if TYPE_CHECKING:
    from chainrule.publishing.medium import Context, Output

import srt

from chainrule.catalog import discover, narrated_ids_of, summary
from chainrule.errors import MissingDependency
from chainrule.files import atomic_write
from chainrule.publishing.web_assets import copy_package_dist
from derivations import Derivation, NetworkSpec, TexPart, derive
from derivations.sequence_plan import formula_lines

#: Where KaTeX is copied, relative to the output folder (and so to the page).
KATEX_DIR = "assets/katex"
#: Slack (s) when placing a step's narration start within a chapter.
TIME_SLACK = 0.05


# ---------------------------------------------------------------------- data


@dataclass(frozen=True)
class Cue:
    """One caption: what is said from ``start`` to ``end`` (s)."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Claim:
    """One checked claim of a step: what it states, how it was checked, whether it held."""

    description: str
    summary: str
    holds: bool


@dataclass(frozen=True)
class StepView:
    """What the page shows of one step: its title, its formulas (TeX, coloured and plain) and
    its certificate; ``start`` is when the video begins narrating it (s)."""

    id: str
    title: str
    start: float
    formulas: tuple[tuple[str, str], ...]  # (coloured TeX, plain TeX) per displayed line
    certificate: str
    holds: bool
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Chapter:
    """A chapter of the video (a manifest section) and the steps it narrates."""

    title: str
    start: float
    steps: tuple[StepView, ...]


@dataclass(frozen=True)
class PageData:
    """Everything one lecture page shows."""

    scene: str
    heading: str
    summary: str
    network: str
    video: str
    duration: float
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    captions: str | None = None  # the WebVTT next to the page (its track is built from cues)
    background: str = "#111111"
    ok_colour: str = "#8BE28B"
    error_colour: str = "#FF1F5B"
    katex: str = KATEX_DIR  # the KaTeX folder, relative to the page


# ---------------------------------------------------------------------- gathering


def read_cues(path: Path) -> tuple[Cue, ...]:
    """The captions of an ``.srt`` file, in time order (read with the ``srt`` library)."""

    subtitles = srt.parse(path.read_text(encoding="utf-8"))
    return tuple(
        Cue(
            round(s.start.total_seconds(), 3),
            round(s.end.total_seconds(), 3),
            " ".join(s.content.split()),
        )
        for s in sorted(subtitles, key=lambda s: s.start)
    )


@functools.lru_cache(maxsize=4)
def _derivation(layer_dims: tuple[int, ...], m: int, activation: str) -> Derivation:

    return derive(NetworkSpec(layer_dims=layer_dims, m=m, activation=activation))


def derivation_of(config: dict[str, Any]) -> Derivation:
    """The derivation a manifest entry's ``config`` was rendered from."""
    network = config["network"]
    return _derivation(
        tuple(int(n) for n in network["layer_dims"]), int(network["m"]), str(network["activation"])
    )


def formula_tex(
    parts: Sequence[TexPart], colour_of: Callable[[str | None], str]
) -> tuple[str, str]:
    """A step's display as TeX for KaTeX: coloured by symbol as the video colours it, and plain
    (the parts joined with spaces, as ``MathTex`` joins them)."""
    kept = [part for part in parts if part.tex]
    plain = " ".join(part.tex for part in kept)
    coloured = " ".join(
        rf"\textcolor{{{colour_of(part.symbol)}}}{{{part.tex}}}" if part.symbol else part.tex
        for part in kept
    )
    return coloured, plain


def step_view(
    derivation: Derivation, step_id: str, start: float, colour_of: Callable[[str | None], str]
) -> StepView:
    """The page's view of step ``step_id`` of ``derivation``."""
    step = derivation.step(step_id)
    displays = [p for p in formula_lines(step) if any(part.tex for part in p)]
    certificate = derivation.certificate(step_id)
    claims = tuple(Claim(c.description, c.summary(), c.holds) for c in certificate.claims)
    return StepView(
        step_id,
        step.title,
        round(start, 3),
        tuple(formula_tex(p, colour_of) for p in displays),
        certificate.summary(),
        certificate.holds,
        claims,
    )


def _colour_function(theme: dict[str, Any]) -> Callable[[str | None], str]:
    """Symbol key -> colour, read from the manifest's resolved ``[theme]`` (every family with
    its colour, as the render used them; no theme is built again)."""
    from scenes.theme import family_of

    text = str(theme.get("text", "#FFFFFF"))
    fallback = str(theme.get("fallback", text))

    def colour(symbol: str | None) -> str:
        return text if symbol is None else str(theme.get(family_of(symbol), fallback))

    return colour


def narrated_steps(entry: dict[str, Any], derivation: Derivation) -> list[tuple[str, float | None]]:
    """The steps the video narrates, in order, each with its start (s) when the narration
    says it (the manifest's ``audio`` marks), else ``None``."""
    audio = entry.get("audio") or {}
    marks = audio.get("steps") or []
    if marks:
        return [(str(mark[0]), float(mark[1])) for mark in marks]

    catalog = discover()
    scene = catalog.scenes.get(entry["scene"])
    if scene is None:
        return []
    return [(step_id, None) for step_id in narrated_ids_of(scene, derivation)]


def assign_steps(
    sections: Sequence[dict[str, Any]],
    steps: Sequence[tuple[str, float | None]],
    title_of: Callable[[str], str],
) -> list[list[tuple[str, float]]]:
    """Each section's steps: by time when a step's start is known (the last section starting
    at or before it), else by title (a section named after the step, or ``… (continued)``,
    starts it; later steps stay in the current section)."""
    groups: list[list[tuple[str, float]]] = [[] for _ in sections]
    if not sections:
        return groups
    starts = [float(section["start"]) for section in sections]
    titles = [str(section["title"]).removesuffix(" (continued)") for section in sections]
    current = 0
    for step_id, start in steps:
        if start is not None:
            current = max(i for i, s in enumerate(starts) if s <= start + TIME_SLACK or i == 0)
        else:
            later = [i for i in range(current, len(titles)) if titles[i] == title_of(step_id)]
            current = later[0] if later else current
        groups[current].append((step_id, start if start is not None else starts[current]))
    return groups


def page_data(entry: dict[str, Any], output_dir: Path, summary: str | None = None) -> PageData:
    """What the lecture page of manifest entry ``entry`` (a video in ``output_dir``) shows."""
    config = entry["config"]
    derivation = derivation_of(config)
    colour_of = _colour_function(config.get("theme") or {})
    steps = [(i, s) for i, s in narrated_steps(entry, derivation) if i in _ids(derivation)]
    groups = assign_steps(entry["sections"], steps, lambda i: derivation.step(i).title)
    chapters = tuple(
        Chapter(
            str(section["title"]),
            float(section["start"]),
            tuple(step_view(derivation, i, s, colour_of) for i, s in group),
        )
        for section, group in zip(entry["sections"], groups, strict=True)
    )
    subtitles = entry.get("subtitles")
    cues = read_cues(output_dir / subtitles) if subtitles else ()
    stem = Path(entry["path"]).stem
    vtt = output_dir / f"{stem}.vtt"
    theme = config.get("theme") or {}
    return PageData(
        scene=entry["scene"],
        heading=_heading(entry["scene"]),
        summary=_summary(entry["scene"]) if summary is None else summary,
        network=_network_text(config["network"]),
        video=entry["path"],
        duration=float(entry.get("duration") or 0.0),
        chapters=chapters,
        cues=cues,
        captions=vtt.name if vtt.is_file() else None,
        background=str(theme.get("background", "#111111")),
        ok_colour=str(theme.get("ok", "#8BE28B")),
        error_colour=str(theme.get("error", "#FF1F5B")),
    )


def _ids(derivation: Derivation) -> set[str]:
    return {str(step.id) for step in derivation}


def _heading(scene: str) -> str:
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", scene).split()
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else scene


def _summary(scene: str) -> str:
    try:
        catalog = discover()
        return summary(catalog.scenes[scene]) if scene in catalog.scenes else ""
    except Exception:
        return ""


def _network_text(network: dict[str, Any]) -> str:
    dims = "-".join(str(n) for n in network["layer_dims"])
    return f"{dims} network, m = {network['m']}, {network['activation']}"


# ---------------------------------------------------------------------- HTML


def _json_for_script(data: object) -> str:
    """JSON safe inside a ``<script>`` element (no ``<``, ``>``, ``&`` can end it)."""
    text = json.dumps(data, ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _chapter_items(data: PageData) -> str:
    items = []
    for number, chapter in enumerate(data.chapters):
        items.append(
            f'<li><button type="button" class="chapter" data-chapter="{number}" '
            f'data-seek="{chapter.start}"><span class="time">{timestamp(chapter.start)}</span>'
            f'<span class="name">{_e(chapter.title)}</span></button></li>'
        )
    return "\n".join(items)


def _transcript(data: PageData) -> str:
    """One paragraph per chapter, one ``span.cue`` per caption (a cue belongs to the last
    chapter starting at or before it)."""
    if not data.cues:
        return '<p class="muted">No narration in this video.</p>'
    starts = [chapter.start for chapter in data.chapters] or [0.0]
    paragraphs: dict[int, list[str]] = {}
    for k, cue in enumerate(data.cues):
        chapter = max([0, *(i for i, s in enumerate(starts) if s <= cue.start + TIME_SLACK)])
        paragraphs.setdefault(chapter, []).append(
            f'<span class="cue" data-cue="{k}" data-seek="{cue.start}">{_e(cue.text)}</span>'
        )
    return "\n".join(
        f'<p data-chapter="{i}">{" ".join(spans)}</p>' for i, spans in paragraphs.items()
    )


def _claim_items(step: StepView) -> str:
    return "\n".join(
        f'<li class="{"ok" if claim.holds else "failed"}"><span class="what">'
        f'{_e(claim.description)}</span><span class="how">{_e(claim.summary)}</span></li>'
        for claim in step.claims
    )


def _step_card(step: StepView, chapter: int) -> str:
    formulas = "\n".join(
        f'<div class="formula" data-tex="{_e(coloured)}" data-plain="{_e(plain)}">'
        f"<code>{_e(plain)}</code></div>"
        for coloured, plain in step.formulas
    )
    mark, verdict = ("✓", "Verified") if step.holds else ("✗", "Check failed")
    claims = (
        (
            f"<details><summary>How it was checked ({len(step.claims)} "
            f"{'claim' if len(step.claims) == 1 else 'claims'})</summary>"
            f'<ul class="claims">{_claim_items(step)}</ul></details>'
        )
        if step.claims
        else ""
    )
    return (
        f'<article class="step" data-step="{_e(step.id)}" data-chapter="{chapter}" '
        f'data-start="{step.start}">\n'
        f'<header><h3>{_e(step.title)}</h3><button type="button" class="play" '
        f'data-seek="{step.start}" title="Play from here">▶ {timestamp(step.start)}</button>'
        f"</header>\n{formulas}\n"
        f'<div class="certificate {"ok" if step.holds else "failed"}">'
        f'<span class="mark">{mark}</span> <strong>{verdict}</strong>: '
        f'<span class="summary">{_e(step.certificate)}</span>{claims}</div>\n</article>'
    )


def _steps(data: PageData) -> str:
    cards = [
        _step_card(step, number)
        for number, chapter in enumerate(data.chapters)
        for step in chapter.steps
    ]
    return "\n".join(cards) if cards else '<p class="muted">This video states no formula.</p>'


def page_html(data: PageData) -> str:
    """The lecture page for ``data`` (every text escaped; cue and chapter times as JSON)."""
    payload = {
        "cues": [{"start": c.start, "end": c.end, "text": c.text} for c in data.cues],
        "chapters": [{"title": c.title, "start": c.start} for c in data.chapters],
        "steps": [{"id": s.id, "start": s.start} for c in data.chapters for s in c.steps],
        "duration": data.duration,
    }
    style = render(
        "lecture_page.css",
        BACKGROUND=data.background,
        OK=data.ok_colour,
        ERROR=data.error_colour,
    )
    return render(
        "lecture_page.html",
        HEADING=data.heading,
        SUMMARY=data.summary,
        NETWORK=data.network,
        DURATION=timestamp(data.duration),
        VIDEO=data.video,
        KATEX=data.katex,
        CHAPTERS=Markup(_chapter_items(data)),
        TRANSCRIPT=Markup(_transcript(data)),
        STEPS=Markup(_steps(data)),
        DATA=Markup(_json_for_script(payload)),
        STYLE=Markup(style),
        SCRIPT=Markup(read("lecture_page.js")),
    )


# ---------------------------------------------------------------------- writing


def ensure_katex(output_dir: Path) -> bool:
    """Copy KaTeX's ``dist`` into ``output_dir/assets/katex`` unless the same version is there
    (safe when several renders publish into one folder at once; see
    :func:`~chainrule.publishing.web_assets.copy_package_dist`). Returns whether KaTeX is
    available: when
    it is not installed the page shows the formulas' TeX source."""

    try:
        copy_package_dist("katex", output_dir / KATEX_DIR)
    except MissingDependency as error:
        print(
            f"chainrule: note: {error}; the lecture page shows formulas as TeX source",
            file=sys.stderr,
        )
        return False
    return True


def write_page(entry: dict[str, Any], output_dir: Path, summary: str | None = None) -> Path:
    """Write the lecture page of manifest entry ``entry`` (a video in ``output_dir``) next
    to the video, atomically; returns its path. ``summary`` is the scene's one-line
    description (``None``: looked up in the scene catalog)."""

    ensure_katex(output_dir)
    target = output_dir / f"{Path(entry['path']).stem}.html"
    atomic_write(target, page_html(page_data(entry, output_dir, summary)))
    return target


class LecturePageMedium:
    """The lecture page next to a narrated or silent video (mp4, webm): chapters, transcript,
    every step's formula and certificate (:func:`write_page`); manifest key ``page``."""

    name = "lecture-page"

    def applies_to(self, output: Output) -> bool:
        return output.format in ("mp4", "webm") and bool(output.manifest.get("path"))

    def publish(self, output: Output, context: Context) -> list[Path]:
        page = write_page(output.manifest, output.folder, context.summary)
        output.manifest["page"] = page.name
        return [page]


__all__ = [
    "KATEX_DIR",
    "Chapter",
    "Claim",
    "Cue",
    "LecturePageMedium",
    "PageData",
    "StepView",
    "assign_steps",
    "derivation_of",
    "ensure_katex",
    "formula_tex",
    "narrated_steps",
    "page_data",
    "page_html",
    "read_cues",
    "step_view",
    "write_page",
]
