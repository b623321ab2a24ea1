"""``chainrule render --executor dask``: usage errors (fast), and the lecture's parts drawn by
a local Dask cluster of two worker processes, against the same render drawn locally."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli_support import assert_one_line_error, forbid_work, invoke

pytestmark = pytest.mark.usefixtures("isolated")

TINY = ("-q", "l", "--resolution", "128x72")


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Fail if anything is verified or drawn."""
    return forbid_work(monkeypatch, before="the executor options were checked")


# ---------------------------------------------------------------------- usage errors


def test_missing_distributed_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, no_work: list[Any]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    result = invoke("render", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786")
    line = assert_one_line_error(result, 2, "distributed", "pip install")
    assert f"`{sys.executable} -m pip install 'distributed>=" in line
    assert no_work == []


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--executor", "dask"], ["--executor dask needs --scheduler"]),
        (["--scheduler", "tcp://127.0.0.1:8786"], ["--scheduler is for --executor dask"]),
        (["--executor", "dask", "--scheduler", "localhost"], ["'localhost'", "tcp://HOST:PORT"]),
        (["--executor", "dask", "--scheduler", "tcp://h:99999"], ["tcp://HOST:PORT"]),
        (
            ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786", "-j", "2"],
            ["--jobs is for --executor local"],
        ),
    ],
)
def test_bad_executor_options(args: list[str], fragments: list[str], no_work: list[Any]) -> None:
    assert_one_line_error(invoke("render", *args), 2, *fragments)
    assert no_work == []


def test_an_unreachable_scheduler_is_one_line_before_any_work(no_work: list[Any]) -> None:
    import socket

    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = invoke("render", "--executor", "dask", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert_one_line_error(result, 2, "cannot reach the Dask scheduler", f"tcp://127.0.0.1:{port}")
    assert no_work == []


def test_a_cache_dir_that_cannot_be_made_is_a_usage_error(no_work: list[Any]) -> None:
    assert_one_line_error(
        invoke("render", "--cache-dir", "/proc/chainrule-cache"),
        2,
        "option --cache-dir",
        "/proc/chainrule-cache",
    )
    assert no_work == []


# ---------------------------------------------------------------------- a real cluster


@pytest.fixture
def cluster() -> Iterator[str]:
    """A Dask cluster of two worker processes on 127.0.0.1; its scheduler's address."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        worker_dashboard_address=None,
    ) as local:
        yield local.scheduler_address


def srt_cues(path: Path) -> list[tuple[float, float, str]]:
    import srt

    return [
        (cue.start.total_seconds(), cue.end.total_seconds(), cue.content)
        for cue in srt.parse(path.read_text(encoding="utf-8"))
    ]


@pytest.mark.render
def test_the_lecture_drawn_on_a_dask_cluster_matches_a_local_render(
    cluster: str, tmp_path: Path
) -> None:
    # silent and fast-paced: what is compared is how the parts are drawn and joined, not the
    # narration (tests/chainrule/voice/test_narration_render.py) or the pacing
    fast = tmp_path / "fast.toml"
    fast.write_text(
        "[pacing]\nspeed = 4\nwords_per_minute = 600\nmin_caption_seconds = 0.5\n", encoding="utf-8"
    )
    quick = (*TINY, "--no-voice", "--config", str(fast))
    local = invoke("render", *quick, "-o", "local", "--cache-dir", str(tmp_path / "c-local"))
    assert local.exit_code == 0, local.stderr
    shared = tmp_path / "c-shared"  # the workers' cache folder (here: the same disk)
    # the workers draw every unit again, but find the formulas typeset: TeX is not under test
    shutil.copytree(tmp_path / "c-local" / "tex", shared / "tex")
    dask = invoke(
        "render",
        *quick,
        "-o",
        "dask",
        "--executor",
        "dask",
        "--scheduler",
        cluster,
        "--cache-dir",
        str(shared),
    )
    assert dask.exit_code == 0, dask.stderr
    assert "copied from the cache" not in dask.stdout  # the workers drew every part
    assert dask.stdout.count("rendered Lecture[") >= 2
    assert any(shared.glob("units/*/unit.json"))

    (entry_local,) = json.loads((tmp_path / "local" / "manifest.json").read_text())["outputs"]
    (entry_dask,) = json.loads((tmp_path / "dask" / "manifest.json").read_text())["outputs"]
    frame = 1 / 15
    assert entry_dask["duration"] == pytest.approx(entry_local["duration"], abs=frame)
    assert [s["title"] for s in entry_dask["sections"]] == [
        s["title"] for s in entry_local["sections"]
    ]
    for ours, theirs in zip(entry_dask["sections"], entry_local["sections"], strict=True):
        assert ours["start"] == pytest.approx(theirs["start"], abs=frame)
    cues_dask = srt_cues(tmp_path / "dask" / entry_dask["subtitles"])
    cues_local = srt_cues(tmp_path / "local" / entry_local["subtitles"])
    assert [c[2] for c in cues_dask] == [c[2] for c in cues_local]
    assert cues_local
    for ours, theirs in zip(cues_dask, cues_local, strict=True):
        assert ours[:2] == pytest.approx(theirs[:2], abs=frame)
