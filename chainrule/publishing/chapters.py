"""Captions and chapters for video sites: WebVTT from the subtitles, and valid video chapters.

**Captions.** HTML ``<video>`` reads WebVTT, not SubRip: :func:`vtt_from_srt` converts the
``.srt`` Manim writes with ``webvtt-py`` (cue text escaped as WebVTT requires: ``&``, ``<``).

**Chapters.** A render has one section per step, and several steps last only 7-9 s (the
title card 5 s), but YouTube accepts a chapter list only when the first chapter starts at
0:00, there are at least :data:`MIN_CHAPTERS` (3) and each lasts at least
:data:`MIN_CHAPTER_SECONDS` (10 s). :func:`merge_sections` turns sections into such chapters
by one rule:

1. Every section starts as a chapter of its own, at the sum of the durations before it (so
   the first starts at 0:00; order and total duration are kept by construction).
2. While a chapter is shorter than 10 s, the shortest one (the earliest on a tie) is merged
   with its *shorter* neighbour (the next one on a tie; the first and last chapters have one
   neighbour). Merging into the shorter neighbour keeps chapters even and keeps most steps'
   titles as chapter titles. Sections may name the *stage* of the argument they belong to
   (:attr:`Section.stage`, a path such as ``"dZ1/pitfall"`` or ``"layers/2"``): a merge
   then stays within a stage whenever some short chapter has a neighbour of its own stage,
   and otherwise within the narrowest enclosing stage (``"dZ1"``) it can, crossing the widest
   boundaries last, so that a chapter titled after one part of the argument does not hide
   the start of the next. A section without a stage (``""``, e.g. the title card) goes with
   any; a merged chapter's stage is what its sections' stages have in common.
3. Should that leave fewer than three chapters although three are possible, the sections are
   cut greedily instead: a chapter ends as soon as it reaches 10 s, and a short remainder
   joins the last chapter (this gives the most chapters any cut can give).
4. Fewer than three chapters of 10 s are impossible (e.g. a video under 30 s): there are no
   chapters (``None``), rather than an invalid list.

A merged chapter is titled ``"A & B"`` (its sections' titles, in order, each once) when that
fits in :data:`MAX_TITLE_LENGTH` characters, else by its first title. A section with an empty
title (a title card) lends its time but not its name; a chapter of untitled sections only is
called ``"Introduction"``.

This module imports no Manim (tests run it over random section lengths with hypothesis).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from chainrule.files import atomic_move, atomic_write

if TYPE_CHECKING:
    from chainrule.publishing.medium import Context, Output

import webvtt

#: YouTube's rules for a chapter list: first at 0:00, at least three, each at least 10 s.
MIN_CHAPTERS = 3
MIN_CHAPTER_SECONDS = 10.0
#: The longest ``"A & B"`` title; longer merged titles keep their first title.
MAX_TITLE_LENGTH = 60
#: The title of a chapter made only of untitled sections (the title card).
UNTITLED = "Introduction"


@dataclass(frozen=True)
class Section:
    """One section of a video: its title (``""``: untitled, e.g. a title card), its
    duration in seconds, and the stage of the argument it belongs to, a path from the widest
    stage to the narrowest such as ``"dZ1/pitfall"`` (``""``: none given)."""

    title: str
    duration: float
    stage: str = ""


@dataclass(frozen=True)
class Chapter:
    """One video chapter: its title, start and duration (s), and the indices of the sections
    it is made of (consecutive, in order)."""

    title: str
    start: float
    duration: float
    sections: tuple[int, ...]

    @property
    def timestamp(self) -> str:
        """The start as YouTube writes it, rounded down: ``m:ss`` or ``h:mm:ss``."""
        return timestamp(self.start)


def timestamp(seconds: float) -> str:
    """``seconds`` rounded down, as ``m:ss`` (``h:mm:ss`` from an hour on).

    >>> timestamp(0.0), timestamp(69.99), timestamp(3725)
    ('0:00', '1:09', '1:02:05')
    """
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def merge_sections(
    sections: Sequence[Section],
    min_seconds: float = MIN_CHAPTER_SECONDS,
    min_count: int = MIN_CHAPTERS,
) -> tuple[Chapter, ...] | None:
    """Valid chapters for ``sections`` by the module's rule, or ``None`` when fewer than
    ``min_count`` chapters of ``min_seconds`` cannot be had.

    >>> steps = [Section("", 5), Section("Network", 9), Section("Forward", 13),
    ...          Section("Expand", 7), Section("Sum", 20), Section("Partials", 8)]
    >>> [(c.timestamp, c.title) for c in merge_sections(steps)]
    [('0:00', 'Network'), ('0:14', 'Forward & Expand'), ('0:34', 'Sum & Partials')]
    >>> merge_sections([Section("a", 12), Section("b", 12)]) is None
    True
    """
    durations = [_checked(section) for section in sections]
    groups = _merge_shortest(durations, min_seconds, [section.stage for section in sections])
    if len(groups) < min_count:
        groups = _cut_greedily(durations, min_seconds)
    if len(groups) < min_count:
        return None
    chapters, start = [], 0.0
    for group in groups:
        length = sum(durations[i] for i in group)
        chapters.append(
            Chapter(_title([sections[i].title for i in group]), start, length, tuple(group))
        )
        start += length
    return tuple(chapters)


#: A section whose Manim section type starts with this names its stage after it (the scenes
#: write ``"chainrule.stage:" + stage``, see ``scenes.base.stage_section_type``).
STAGE_SECTION_TYPE = "chainrule.stage:"


def stage_of(section_type: object) -> str:
    """The stage of the argument a section's Manim section type names (``""``: none).

    >>> stage_of("chainrule.stage:layer 2"), stage_of("default.normal"), stage_of(None)
    ('layer 2', '', '')
    """
    kind = section_type if isinstance(section_type, str) else ""
    return kind.removeprefix(STAGE_SECTION_TYPE) if kind.startswith(STAGE_SECTION_TYPE) else ""


def _checked(section: Section) -> float:
    duration = float(section.duration)
    if not duration >= 0.0 or duration == float("inf"):
        raise ValueError(
            f"section {section.title!r} lasts {section.duration!r} s: a section "
            f"lasts a finite number of seconds >= 0"
        )
    return duration


def _merge_shortest(
    durations: list[float], min_seconds: float, stages: Sequence[str] = ()
) -> list[list[int]]:
    """Rule 2: merge the shortest short chapter into its shorter neighbour until none is
    short (or one chapter is left), within the narrowest common stage possible."""
    groups = [[index] for index in range(len(durations))]
    lengths = list(durations)
    paths: list[tuple[str, ...] | None] = [
        _path(stage) for stage in (stages or [""] * len(durations))
    ]
    while len(groups) > 1:
        short = [k for k, length in enumerate(lengths) if length < min_seconds]
        if not short:
            break
        # (closeness of the stages, then the shortest chapter, the earliest; then its shorter
        # neighbour, the next one on a tie)
        _, _, minus_k, _, other = max(
            (_closeness(paths[k], paths[n]), -lengths[k], -k, -lengths[n], n)
            for k in short
            for n in (k - 1, k + 1)
            if 0 <= n < len(groups)
        )
        first, second = sorted((-minus_k, other))
        groups[first : second + 1] = [groups[first] + groups[second]]
        lengths[first : second + 1] = [lengths[first] + lengths[second]]
        paths[first : second + 1] = [_common(paths[first], paths[second])]
    return groups


#: Closeness of a chapter without a stage to any other: closer than any two stages can be.
_ANY = 1_000


def _path(stage: str) -> tuple[str, ...] | None:
    """A stage as its path (``"dZ1/pitfall"`` → ``("dZ1", "pitfall")``); ``None``: none."""
    return tuple(stage.split("/")) if stage else None


def _common(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The stage of a chapter made of chapters of stages ``a`` and ``b``: their common
    ancestor (a chapter without a stage takes the other's)."""
    if a is None or b is None:
        return b if a is None else a
    return a[: _closeness(a, b)]


def _closeness(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> int:
    """How many leading levels stages ``a`` and ``b`` share (:data:`_ANY` when one has none)."""
    if a is None or b is None:
        return _ANY
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared


def _cut_greedily(durations: list[float], min_seconds: float) -> list[list[int]]:
    """Rule 3: close a chapter as soon as it reaches ``min_seconds``; a short remainder joins
    the last chapter. No cut into chapters of ``min_seconds`` has more chapters."""
    groups: list[list[int]] = []
    current: list[int] = []
    length = 0.0
    for index, duration in enumerate(durations):
        current.append(index)
        length += duration
        if length >= min_seconds:
            groups.append(current)
            current, length = [], 0.0
    if current:
        if groups:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups


def _title(titles: Sequence[str]) -> str:
    """``"A & B"`` of the distinct non-empty ``titles`` when short, else the first of them."""
    named = list(dict.fromkeys(t.strip() for t in titles if t.strip()))
    if not named:
        return UNTITLED
    joined = " & ".join(named)
    return joined if len(joined) <= MAX_TITLE_LENGTH else named[0]


def chapters_text(chapters: Sequence[Chapter]) -> str:
    """The chapter list to paste into a video description: ``m:ss Title`` per line."""
    return "".join(f"{chapter.timestamp} {chapter.title}\n" for chapter in chapters)


def too_short_reason(
    sections: Sequence[Section],
    min_seconds: float = MIN_CHAPTER_SECONDS,
    min_count: int = MIN_CHAPTERS,
) -> str:
    """Why :func:`merge_sections` gave no chapters, in one sentence."""
    total = sum(_checked(section) for section in sections)
    return (
        f"video chapters need at least {min_count} chapters of {min_seconds:g} s each, "
        f"starting at 0:00; these {len(sections)} section(s) ({total:.1f} s) cannot make "
        f"them"
    )


# ---------------------------------------------------------------------- captions


def vtt_from_srt(path: str | Path) -> str:
    """The WebVTT text of the SubRip file ``path`` (read and written with ``webvtt-py``);
    cue text is escaped as WebVTT requires (``&`` → ``&amp;``, ``<`` → ``&lt;``)."""

    captions = webvtt.from_srt(str(path))
    for caption in captions.captions:
        caption.text = html.escape(caption.text, quote=False)
    return captions.content


# ---------------------------------------------------------------------- the media


class CaptionsMedium:
    """The subtitles next to a video (not png frames): ``<stem>.srt`` as rendered, and
    ``<stem>.vtt`` (WebVTT, :func:`vtt_from_srt`); manifest keys ``subtitles`` and
    ``captions``."""

    name = "captions"

    def applies_to(self, output: Output) -> bool:
        return (
            output.files is not None
            and output.files.subtitles is not None
            and output.format != "png"
        )

    def publish(self, output: Output, context: Context) -> list[Path]:

        files = output.files
        assert files is not None
        assert files.subtitles is not None
        srt = output.folder / f"{files.stem}.srt"
        vtt = srt.with_suffix(".vtt")
        atomic_move(files.subtitles, srt)
        atomic_write(vtt, vtt_from_srt(srt))
        output.manifest.update(subtitles=srt.name, captions=vtt.name)
        return [srt, vtt]


class ChaptersMedium:
    """A chapter list for a video site, ``<stem>_chapters.txt``, from a video's sections
    (:func:`merge_sections`; mp4 and webm, not gif or png); manifest key ``chapters_file``,
    ``None`` with ``chapters_note`` saying why for too short a video."""

    name = "chapters"

    def applies_to(self, output: Output) -> bool:
        return output.files is not None and output.format in ("mp4", "webm")

    def publish(self, output: Output, context: Context) -> list[Path]:

        assert output.files is not None
        marks, sections = output.manifest["sections"], output.files.sections
        parts = [
            Section(
                ""
                if index == 0 and mark["title"] in ("Title", context.first_title)
                else mark["title"],
                float(section.get("duration") or 0.0),
                stage_of(section.get("type")),
            )
            for index, (mark, section) in enumerate(zip(marks, sections, strict=True))
        ]
        merged = merge_sections(parts)
        target = output.folder / f"{output.files.stem}_chapters.txt"
        if merged is None:
            target.unlink(missing_ok=True)  # an earlier, longer render's list
            output.manifest.update(chapters_file=None, chapters_note=too_short_reason(parts))
            return []
        atomic_write(target, chapters_text(merged))
        output.manifest["chapters_file"] = target.name
        return [target]


__all__ = [
    "MAX_TITLE_LENGTH",
    "MIN_CHAPTERS",
    "MIN_CHAPTER_SECONDS",
    "STAGE_SECTION_TYPE",
    "UNTITLED",
    "CaptionsMedium",
    "Chapter",
    "ChaptersMedium",
    "Section",
    "chapters_text",
    "merge_sections",
    "stage_of",
    "timestamp",
    "too_short_reason",
    "vtt_from_srt",
]
