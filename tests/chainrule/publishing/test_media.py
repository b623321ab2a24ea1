"""The media registry (:mod:`chainrule.publishing.media`): every medium listed once, in order;
which apply
to which output; a toy medium registered here is made by ``publish()`` like the built-in ones;
the handout and slides commands take their medium from the registry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chainrule.exchange import RenderedFiles
from chainrule.publishing import media
from chainrule.publishing.media import Context, Medium, Output
from tests.cli_support import invoke
from tests.video_support import demo_render

#: The media chainrule has, in the order they are made (the lecture page reads the captions).
EVERY_MEDIUM = ["captions", "chapters", "lecture-page", "handout", "slides"]

SRT = (
    "1\n00:00:00,000 --> 00:00:02,000\nHello & welcome.\n\n2\n00:00:02,000 --> 00:00:30,000\nOn.\n"
)


def test_the_registry_lists_every_medium_once_in_order() -> None:
    assert [m.name for m in media.media()] == EVERY_MEDIUM
    for name in EVERY_MEDIUM:
        assert isinstance(media.medium(name), Medium)
        assert media.medium(name).name == name
    with pytest.raises(KeyError, match="the media are: captions, chapters"):
        media.medium("poster")
    with pytest.raises(ValueError, match="'captions' is registered already"):
        media.register(media.medium("captions"))
    with pytest.raises(TypeError, match="not a medium"):
        media.register(object())  # type: ignore[arg-type]
    assert [m.name for m in media.media()] == EVERY_MEDIUM


def _files(subtitles: bool = True) -> RenderedFiles:
    return RenderedFiles(
        "Demo", "Demo_l", video="Demo_l.mp4", subtitles="Demo_l.srt" if subtitles else None
    )


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (Output(("Demo",), Path(), "mp4", {"path": "Demo_l.mp4"}, _files()), EVERY_MEDIUM[:3]),
        (Output(("Demo",), Path(), "webm", {"path": "Demo_l.webm"}, _files()), EVERY_MEDIUM[:3]),
        (
            Output(("Demo",), Path(), "mp4", {"path": "Demo_l.mp4"}, _files(subtitles=False)),
            ["chapters", "lecture-page"],
        ),
        (Output(("Demo",), Path(), "gif", {"path": "Demo_l.gif"}, _files()), ["captions"]),
        (Output(("Demo",), Path(), "png", {"path": "Demo_l_01.png"}, _files()), []),
        (Output(("Demo",), Path(), "pdf", requested=frozenset({"handout"})), ["handout"]),
        (Output(("Demo",), Path(), "pptx", requested=frozenset({"slides"})), ["slides"]),
        (Output(("Demo",), Path(), "docx", requested=frozenset({"handout"})), []),
    ],
)
def test_which_media_apply(output: Output, expected: list[str]) -> None:
    assert [m.name for m in media.applicable(output)] == expected


class Toy:
    """A medium made for test: ``<stem>.toy.txt`` next to an mp4, naming the scene."""

    name = "toy"

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def applies_to(self, output: Output) -> bool:
        return output.format == "mp4"

    def publish(self, output: Output, context: Context) -> list[Path]:
        assert output.files is not None
        self.seen.append(dict(output.manifest))
        target = output.folder / f"{output.files.stem}.toy.txt"
        target.write_text(f"{output.scenes[0]} starts with {context.first_title}\n")
        output.manifest["toy"] = target.name
        return [target]


@pytest.fixture
def toy() -> Iterator[Toy]:
    medium = Toy()
    media.register(medium)
    try:
        yield medium
    finally:
        media.unregister("toy")


def test_a_toy_medium_registered_here_is_published_by_publish(tmp_path: Path, toy: Toy) -> None:
    from chainrule.publishing.manifest import publish, update_manifest
    from chainrule.settings.model import Settings
    from chainrule.settings.scene_settings import resolved

    assert [m.name for m in media.media()] == [*EVERY_MEDIUM, "toy"]
    work, out = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    sections = ({"name": "Title", "duration": 12.0}, {"name": "Step", "duration": 18.0})
    result = demo_render(work, sections, SRT)
    entry = publish(result, out, "mp4", "l", resolved(Settings()), "Opening")
    assert entry["toy"] == "Demo_l.toy.txt"
    assert (out / "Demo_l.toy.txt").read_text() == "Demo starts with Opening\n"
    (seen,) = toy.seen  # made once, after the built-in media: it saw their keys
    assert (seen["captions"], seen["page"]) == ("Demo_l.vtt", "Demo_l.html")
    update_manifest(out, [entry], cache=tmp_path / "cache")
    (listed,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert listed["toy"] == "Demo_l.toy.txt"

    result = demo_render(work, sections, SRT)  # the files again: publishing moved them
    publish(result, out, "gif", "l", resolved(Settings()), "Opening")
    assert len(toy.seen) == 1  # it does not apply to a gif


class FakeSlides:
    """Stands in for the slides medium: writes a deck without rendering anything."""

    name = "slides"

    def applies_to(self, output: Output) -> bool:
        return "slides" in output.requested

    def publish(self, output: Output, context: Context) -> list[Path]:
        output.folder.mkdir(parents=True, exist_ok=True)
        deck = output.folder / f"{'-'.join(output.scenes)}.{output.format}"
        deck.write_text(f"{output.size} {output.fps}")
        output.manifest["slides"] = 7
        return [deck]


def test_the_slides_command_takes_its_medium_from_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHAINRULE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(media._registry, "slides", FakeSlides())
    result = invoke("slides", "TheNetwork", "--resolution", "256x144", "-q", "l", "-o", "deck")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "TheNetwork.html  (7 slides)" in result.stdout
    assert sorted(p.name for p in (tmp_path / "deck").iterdir()) == ["TheNetwork.html"]
    assert (tmp_path / "deck" / "TheNetwork.html").read_text() == "(256, 144) 15"
