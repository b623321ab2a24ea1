"""``chainrule list`` and the scene catalog behind it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import chainrule.catalog as catalog
import chainrule.cli.list as list_command
from chainrule.errors import ConfigError
from tests.cli_support import assert_one_line_error, invoke

pytestmark = pytest.mark.usefixtures("isolated")

LINE = re.compile(r"^(?P<name>[A-Z]\w+) +≈ *(?P<min>\d+):(?P<sec>\d\d)  (?P<summary>\S.*)$")


def listed(stdout: str) -> dict[str, tuple[int, str]]:
    result = {}
    for line in stdout.splitlines():
        match = LINE.match(line)
        assert match, f"not a scene line: {line!r}"
        seconds = int(match["min"]) * 60 + int(match["sec"])
        result[match["name"]] = (seconds, match["summary"])
    return result


def test_list_shows_each_scene_with_duration_and_summary() -> None:
    result = invoke("list")
    assert result.exit_code == 0, result.stderr
    scenes = listed(result.stdout)
    assert "ExpandToScalars" in scenes
    found = catalog.discover().scenes
    assert list(scenes) == list(found)
    for name, (seconds, summary) in scenes.items():
        assert seconds > 0, name
        assert summary == catalog.summary(found[name])
        assert "``" not in summary


def test_list_follows_the_order_the_lecture_plays() -> None:
    from derivations import NetworkSpec, derive
    from scenes.lecture import Lecture

    names = list(listed(invoke("list").stdout))
    found = catalog.discover().scenes
    played = Lecture.segments_for(derive(NetworkSpec(layer_dims=(2, 3, 2, 1), m=2)))
    places = []
    for name in names[:-1]:
        segment = found[name].segment  # type: ignore[attr-defined]
        places.append(next(i for i, s in enumerate(played) if issubclass(s, segment)))
    assert names[-1] == "Lecture"
    assert places == sorted(places)
    # the order the lecture plays: the fold, then the Jacobian's columns, then real numbers
    assert names.index("FoldBack") < names.index("ColumnByColumn") < names.index("RealNumbers")


def test_durations_follow_the_pacing(tmp_path: Path) -> None:
    (tmp_path / "slow.toml").write_text("[pacing]\nwords_per_minute = 80\n")
    normal = listed(invoke("list").stdout)
    slow = listed(invoke("list", "--config", "slow.toml").stdout)
    assert all(slow[name][0] > normal[name][0] for name in normal)


def test_a_broken_scene_module_is_reported_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    real = catalog.importlib.import_module

    def flaky(name: str) -> object:
        if name == "scenes.fold":
            raise SyntaxError("half-written scene")
        return real(name)

    monkeypatch.setattr(catalog.importlib, "import_module", flaky)
    result = invoke("list")
    assert result.exit_code == 0
    assert "ExpandToScalars" in listed(result.stdout)
    assert "FoldBack" not in result.stdout
    assert "warning: scenes.fold could not be imported: SyntaxError" in result.stderr


def test_helper_scene_bases_are_not_listed() -> None:
    from scenes.base import DerivationScene

    assert not catalog.is_concrete(
        type("Abstractish", (DerivationScene,), {"__annotations__": {"segment": "ClassVar[type]"}})
    )
    assert "SegmentScene" not in catalog.discover().scenes


def test_unknown_scene_suggests_the_closest() -> None:
    scenes = catalog.discover()
    with pytest.raises(ConfigError, match="did you mean ExpandToScalars"):
        scenes.get("ExpandToScalar")
    with pytest.raises(ConfigError, match="did you mean ExpandToScalars"):
        scenes.get("expandtoscalars")
    with pytest.raises(ConfigError, match="the scenes are"):
        scenes.get("x" * 500)


def test_estimate_is_the_reading_time_of_the_steps() -> None:
    from derivations import derive
    from scenes.pacing import Pacing

    cls = catalog.discover().get("ExpandToScalars")
    derivation = derive(cls.spec)
    expected = sum(Pacing().reading_time(derivation.step(i).narration) for i in cls.step_ids)
    assert catalog.estimated_seconds(cls, derivation, Pacing()) == pytest.approx(expected)


def test_estimates_are_rounded_to_the_nearest_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """An estimate of 75.6 s is listed as 1:16 (rounded, then written as m:ss)."""
    monkeypatch.setattr(list_command, "estimated_seconds", lambda *args: 75.6)  # its caller
    result = invoke("list")
    assert result.exit_code == 0, result.stderr
    assert {seconds for seconds, _ in listed(result.stdout).values()} == {76}


def test_list_rejects_bad_options() -> None:
    assert_one_line_error(invoke("list", "--m", "9"), 2, "option --m")
