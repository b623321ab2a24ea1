"""The ``[voice]`` table: bad values are one line naming the key (exit 2), and the file
``chainrule init`` writes has the table, commented, and loads back to the defaults."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chainrule.errors import ConfigError
from chainrule.settings.model import Settings, VoiceSettings
from chainrule.settings.scene_settings import resolved
from chainrule.settings.template import render_toml
from tests.cli_support import assert_one_line_error, invoke, snapshot

pytestmark = pytest.mark.usefixtures("isolated")

#: The keys of [voice] and their defaults, stated here (not read from the model).
VOICE_DEFAULTS = {
    "enabled": True,
    "engine": "piper",
    "voice": "joe-us",
    "speed": 1.0,
    "pause": 0.6,
    "folder": "recordings",
}


@pytest.mark.parametrize(
    ("line", "fragments"),
    [
        ("speed = 9", ("[voice] speed = 9", "0.5 to 2")),
        ("speed = 0.1", ("[voice] speed", "0.5 to 2")),
        ("speed = true", ("[voice] speed",)),
        ('engine = "espeak"', ("[voice] engine = 'espeak'", "'piper' or 'recorded'")),
        ("spede = 1.0", ("unknown key 'spede' in [voice]", "did you mean 'speed'")),
        ("pitch = 2", ("unknown key 'pitch' in [voice]", "allowed are enabled")),
        ('enabled = "yes"', ("[voice] enabled = 'yes'", "boolean")),
        ("pause = 6", ("[voice] pause",)),
        ('voice = ""', ("[voice] voice",)),
        ("folder = 3", ("[voice] folder = 3",)),
    ],
)
@pytest.mark.parametrize("command", ["check", "script"])
def test_a_bad_voice_value_is_one_line_naming_the_key(
    isolated: Path, command: str, line: str, fragments: tuple[str, ...]
) -> None:
    (isolated / "course.toml").write_text(f"[voice]\n{line}\n", encoding="utf-8")
    before = snapshot(isolated)
    result = invoke(command, "--config", "course.toml")
    assert_one_line_error(result, 2, "course.toml", *fragments)
    assert snapshot(isolated) == before


def test_voice_must_be_a_table(isolated: Path) -> None:
    (isolated / "course.toml").write_text('voice = "joe-us"\n', encoding="utf-8")
    assert_one_line_error(
        invoke("check", "--config", "course.toml"), 2, "course.toml", "[voice] must be a table"
    )


def test_init_writes_the_voice_table_commented_and_it_loads_back(isolated: Path) -> None:
    result = invoke("init", "course.toml")
    assert result.exit_code == 0, result.stderr
    text = (isolated / "course.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["voice"] == VOICE_DEFAULTS
    lines = text.splitlines()
    start = lines.index("[voice]")
    assert lines[start - 1].startswith("#")  # the table's introduction
    for key in VOICE_DEFAULTS:
        index = next(i for i in range(start, len(lines)) if lines[i].startswith(f"{key} = "))
        assert lines[index - 1].startswith("#"), key  # every key is explained
    loaded = Settings.from_file(isolated / "course.toml")
    assert loaded.voice == VoiceSettings()
    assert resolved(loaded) == resolved(Settings())


def test_an_edited_init_file_switches_to_recordings(isolated: Path) -> None:
    assert invoke("init", "course.toml").exit_code == 0
    path = isolated / "course.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('engine = "piper"', 'engine = "recorded"')
    text = text.replace('folder = "recordings"', 'folder = "takes/lecture 1"')
    path.write_text(text, encoding="utf-8")
    voice = Settings.from_file(path).voice
    assert (voice.engine, voice.folder) == ("recorded", "takes/lecture 1")
    path.write_text(text.replace("speed = 1.0", "speed = 9"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[voice\] speed = 9"):
        Settings.from_file(path)


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    enabled=st.booleans(),
    engine=st.sampled_from(["piper", "recorded"]),
    voice=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    ),
    speed=st.floats(0.5, 2.0),
    pause=st.floats(0.0, 5.0),
    folder=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    ),
)
def test_any_valid_voice_table_round_trips_through_the_written_file(
    enabled: bool, engine: str, voice: str, speed: float, pause: float, folder: str
) -> None:
    chosen = {
        "enabled": enabled,
        "engine": engine,
        "voice": voice,
        "speed": speed,
        "pause": pause,
        "folder": folder,
    }
    settings = Settings.from_mapping({"voice": chosen})
    text = render_toml(resolved(settings))
    assert tomllib.loads(text)["voice"] == chosen
    assert Settings.from_toml(text).voice == settings.voice
