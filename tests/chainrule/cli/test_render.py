"""``chainrule render``: error paths (fast) and real renders (``@pytest.mark.render``).

Real renders use the lowest quality at a tiny pixel size and the shortest scene.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import av
import click
import pytest

import chainrule.catalog
import chainrule.cli.render
import chainrule.cli.scene_choice
import chainrule.rendering.drawing
import chainrule.verification
from chainrule.errors import RenderFailed
from chainrule.settings.scene_settings import scene_settings
from derivations import derive
from tests.cli_support import assert_one_line_error, forbid, invoke, snapshot
from tests.paths import PROJECT_ROOT
from tests.process_support import python_output, run_python

pytestmark = pytest.mark.usefixtures("isolated_shared_cache")

SHORT_SCENE = "WhyTranspose"
TINY = ("-q", "l", "--resolution", "192x108")


@pytest.fixture
def no_rendering(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Fail the test if Manim is asked to render anything."""
    return forbid(monkeypatch, (chainrule.rendering.drawing, "draw_unit"))


# ---------------------------------------------------------------------- error paths

# (the bad-input corpus, options included, is tests/chainrule/cli/test_bad_input_corpus.py)


def test_failing_verification_renders_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_rendering: list[Any]
) -> None:
    monkeypatch.setattr(
        chainrule.verification,
        "derive",
        lambda spec: derive(spec, formulas={"dZ1": "W2 @ dZ2 * gprime(Z1)"}),
    )
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "old.mp4").write_bytes(b"keep me")
    before = snapshot(tmp_path)
    assert_one_line_error(
        invoke("render", SHORT_SCENE),
        1,
        "step dZ1.fold",
        "failed verification",
        "nothing was rendered",
    )
    assert snapshot(tmp_path) == before
    assert no_rendering == []


def test_a_failing_scene_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    def boom(*args: Any) -> Any:
        raise RuntimeError("the scene fell over")

    monkeypatch.setattr(chainrule.rendering.drawing, "_draw", boom)
    before = snapshot(tmp_path)
    result = invoke("render", SHORT_SCENE, *TINY)
    assert_one_line_error(
        result, 1, f"scene {SHORT_SCENE} failed to render", "RuntimeError: the scene fell over"
    )
    assert snapshot(tmp_path) == before
    work = tmp_path_factory.getbasetemp() / "cache" / "work"
    assert not work.exists() or list(work.iterdir()) == []  # the work folder is removed

    result = invoke("render", SHORT_SCENE, *TINY, "--debug")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr


def test_default_is_the_lecture_or_every_scene(monkeypatch: pytest.MonkeyPatch) -> None:
    """No scene named: the Lecture; in a package without a Lecture, every scene in order."""
    seen: list[list[str]] = []

    def record(plan: Any, *args: Any) -> Any:
        seen.append([scene.scene for scene in plan.scenes])
        raise RenderFailed("stop here")

    monkeypatch.setattr(chainrule.cli.render, "run_plan", record)
    assert invoke("render", "-q", "l").exit_code == 1
    assert seen == [["Lecture"]]

    real = chainrule.catalog.discover()
    without = chainrule.catalog.Catalog(
        {name: real.scenes[name] for name in ("FoldBack", "WhyTranspose")}
    )
    monkeypatch.setattr(chainrule.cli.scene_choice, "discover", lambda: without)  # its caller
    result = invoke("render", "-q", "l")
    assert result.exit_code == 1
    assert seen[1] == ["FoldBack", "WhyTranspose"]
    assert "there is no Lecture scene yet" in result.stderr


def test_scene_names_are_deduplicated(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def record(plan: Any, *args: Any) -> Any:
        seen.extend(scene.scene for scene in plan.scenes)
        raise RenderFailed("stop here")

    monkeypatch.setattr(chainrule.cli.render, "run_plan", record)
    invoke("render", SHORT_SCENE, SHORT_SCENE, "ExpandToScalars")
    assert seen == [SHORT_SCENE, "ExpandToScalars"]


def test_scene_subclass_carries_the_settings() -> None:
    from chainrule.settings.model import Settings

    settings = Settings.from_toml(
        '[network]\nm = 3\n[theme]\nW = "#123456"\n'
        '[pacing]\nspeed = 2\n[labels]\ncourse = "DL 101"\n'
    )
    base = chainrule.catalog.discover().get(SHORT_SCENE)
    derivation = derive(settings.network.spec())
    cls = chainrule.rendering.drawing.scene_class(base, scene_settings(settings), derivation)
    assert cls.__name__ == SHORT_SCENE
    assert issubclass(cls, base)
    assert cls.spec.m == 3
    assert cls.theme.colour("W2") == "#123456"
    assert cls.pacing.speed == 2
    assert cls.build_derivation() is derivation
    assert not hasattr(cls, "course")  # labels go only to scenes that show them
    assert base.spec.m == 2  # the scene class itself is untouched


def test_labels_reach_the_lecture() -> None:
    from chainrule.settings.model import Settings

    lecture = chainrule.catalog.discover().get("Lecture")
    settings = Settings.from_toml('[labels]\ncourse = "DL 101"\n')
    cls = chainrule.rendering.drawing.scene_class(
        lecture, scene_settings(settings), derive(lecture.spec)
    )
    assert cls.course == "DL 101"
    assert cls.title == lecture.title


# ---------------------------------------------------------------------- real renders


def video_facts(path: Path) -> tuple[int, int, float, float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        # base_rate, not average_rate: still frames are held, not repeated (manim_adapter.fastwrite)
        return (
            stream.codec_context.width,
            stream.codec_context.height,
            float(stream.base_rate),
            container.duration / av.time_base,
        )


@pytest.mark.render
def test_render_one_scene(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    launched: list[str] = []
    monkeypatch.setattr(click, "launch", lambda target, **kw: launched.append(target))
    (tmp_path / "course.toml").write_text(
        '[output]\nquality = "m"\ndirectory = "videos"\n[theme]\nW = "#123456"\n'
    )
    result = invoke("render", SHORT_SCENE, "--config", "course.toml", *TINY, "--preview")
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "videos"
    stem = f"{SHORT_SCENE}_l"  # -q l beats the file's quality = "m"
    assert sorted(p.name for p in out.iterdir()) == sorted(  # nothing half-written left over
        [f"{stem}.mp4", f"{stem}.srt", f"{stem}.vtt", f"{stem}.html", "assets", "manifest.json"]
    )  # no chapters: 33 s
    width, height, fps, duration = video_facts(out / f"{stem}.mp4")
    assert (width, height, fps) == (192, 108, 15.0)
    assert "-->" in (out / f"{stem}.srt").read_text()

    manifest = json.loads((out / "manifest.json").read_text())
    (entry,) = manifest["outputs"]
    assert entry["path"] == f"{stem}.mp4"
    assert entry["subtitles"] == f"{stem}.srt"
    assert entry["resolution"] == [192, 108]
    assert entry["fps"] == 15.0
    assert entry["duration"] == pytest.approx(duration, abs=0.2)
    scene = chainrule.catalog.discover().get(SHORT_SCENE)
    titles = [derive(scene.spec).step(i).title for i in scene.step_ids]
    assert [s["title"] for s in entry["sections"]] == titles
    assert entry["sections"][0]["start"] == 0.0
    assert entry["chapters"].splitlines()[0] == f"0:00 {titles[0]}"
    assert entry["captions"] == f"{stem}.vtt"
    assert entry["chapters_file"] is None
    assert entry["config"]["theme"]["W"] == "#123456"
    assert entry["config"]["output"]["quality"] == "l"
    assert set(entry["versions"]) >= {"chainrule", "manim", "sympy", "cairo"}
    assert [Path(p).resolve() for p in launched] == [out / f"{stem}.mp4"]


@pytest.mark.render
def test_render_png_is_the_last_frame_of_each_section(tmp_path: Path) -> None:
    result = invoke("render", "ShapeCheck", *TINY, "--format", "png")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((tmp_path / "media" / "manifest.json").read_text())
    (entry,) = manifest["outputs"]
    assert len(entry["frames"]) == len(entry["sections"]) >= 2
    from PIL import Image

    for name in entry["frames"]:
        image = Image.open(tmp_path / "media" / name)
        assert image.size == (192, 108)
        low, high = image.convert("L").getextrema()
        assert high - low > 64  # something is drawn
    assert not list((tmp_path / "media").glob("*.mp4"))


@pytest.mark.render
def test_render_two_scenes_in_two_processes(tmp_path: Path) -> None:
    result = invoke("render", SHORT_SCENE, "ShapeCheck", *TINY, "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "media"
    manifest = json.loads((out / "manifest.json").read_text())
    assert [o["path"] for o in manifest["outputs"]] == [f"{SHORT_SCENE}_l.mp4", "ShapeCheck_l.mp4"]
    for entry in manifest["outputs"]:
        assert video_facts(out / entry["path"])[:2] == (192, 108)
        assert (out / entry["subtitles"]).is_file()

    # another render into the same folder keeps the other scene's entry
    result = invoke("render", SHORT_SCENE, *TINY)
    assert result.exit_code == 0, result.stderr
    paths = [o["path"] for o in json.loads((out / "manifest.json").read_text())["outputs"]]
    assert sorted(paths) == sorted([f"{SHORT_SCENE}_l.mp4", "ShapeCheck_l.mp4"])


def cached_svgs(cache: Path) -> dict[Path, int]:
    """Formulas typeset in the cache (Manim's names in its Tex folders, not temporaries) and
    their modification times."""
    import re

    while True:  # a render in progress removes its temporary folders while we look
        try:
            return {
                p: p.stat().st_mtime_ns
                for p in cache.rglob("Tex/*.svg")
                if re.fullmatch(r"[0-9a-f]{16}\.svg", p.name)
            }
        except FileNotFoundError:
            continue


@pytest.mark.render
@pytest.mark.parametrize(("jobs", "stop"), [("1", "INT"), ("2", "INT"), ("1", "TERM")])
def test_interrupt_then_rerun(tmp_path: Path, jobs: str, stop: str) -> None:
    """Ctrl-C mid-render (SIGINT to the whole process group, as a terminal sends it, so
    LaTeX and the workers get it too), or SIGTERM to the command (as ``kill`` sends it): exit
    130 / 143 within seconds, one line, no output folder, no work files; the next run
    completes, and what the first run cached is kept."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = dict(os.environ, CHAINRULE_CACHE_DIR=str(tmp_path / "cache"))
    script = Path(sys.executable).with_name("chainrule")
    args = [
        str(script),
        "render",
        "ShapeCheck",
        SHORT_SCENE,
        "-q",
        "l",
        "--resolution",
        "160x90",
        "--jobs",
        jobs,
    ]
    process = subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("Verified")
    deadline = time.monotonic() + 120  # mid-way: once the first formulas are cached
    while not cached_svgs(tmp_path / "cache") and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    assert process.poll() is None, "the render finished before it could be interrupted"
    if stop == "INT":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    start = time.monotonic()
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - start < 5
    assert process.returncode == (130 if stop == "INT" else 143)
    assert stderr.strip() == (
        "chainrule: error: interrupted" if stop == "INT" else "chainrule: error: terminated"
    )
    assert not (tmp_path / "media").exists()
    assert list((tmp_path / "cache" / "work").iterdir()) == []
    cached = cached_svgs(tmp_path / "cache")
    assert cached  # formulas typeset before the interrupt

    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert (tmp_path / "media" / "ShapeCheck_l.mp4").is_file()
    assert (tmp_path / "media" / f"{SHORT_SCENE}_l.mp4").is_file()
    assert {p: p.stat().st_mtime_ns for p in cached} == cached  # reused, not typeset again


def test_a_stopped_worker_exits_even_when_a_thread_never_ends() -> None:
    """A worker told to stop (SIGTERM from the parent) exits with 143 within its grace period,
    although a non-daemon thread (like Manim's partial-movie encoder waiting for frames) would
    keep the interpreter's final thread join waiting forever."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from chainrule.rendering.workers import EXIT_GRACE

    code = (
        "import queue, threading, time\n"
        "from chainrule.rendering.workers import init_worker\n"
        "init_worker(None)\n"
        "threading.Thread(target=queue.Queue().get, name='partial-movie-encoder-0').start()\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    start = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=EXIT_GRACE + 10)
    finally:
        process.kill()
    assert process.returncode == 128 + signal.SIGTERM
    assert EXIT_GRACE - 0.5 < time.monotonic() - start < EXIT_GRACE + 3


def test_a_worker_holds_no_named_semaphore_it_could_leak() -> None:
    """A worker may end by ``os._exit`` after its grace period, which releases nothing; a
    process-shared lock it created (Manim's tqdm makes one) then made the resource tracker
    print "leaked semaphore objects" under the one-line message (seen in 2 of 15 interrupted
    renders under load). The worker's tqdm takes a thread lock instead."""
    code = (
        "import multiprocessing\n"
        "multiprocessing.set_start_method('spawn')  # as in a worker the pool spawned\n"
        "from multiprocessing import resource_tracker\n"
        "names = []\n"
        "resource_tracker.register = lambda name, kind: names.append((name, kind))\n"
        "from chainrule.rendering.workers import init_worker\n"
        "init_worker(None)\n"
        "import tqdm\n"
        "tqdm.tqdm(total=3, disable=True).close()\n"
        "print(len(names))\n"
    )
    assert python_output("-c", code).strip() == "0"


@pytest.mark.parametrize(
    ("raised", "shown"),
    [
        ("SystemExit(143)", False),
        ("KeyboardInterrupt()", False),
        ("ValueError('a real bug')", True),
    ],
)
def test_a_swallowed_stop_prints_nothing_but_other_errors_still_show(
    raised: str, shown: bool
) -> None:
    """A stop signal raised inside a weakref callback cannot propagate (Python prints
    "Exception ignored in ..." and goes on; chainrule.stop raises it again at the next
    animation). Once a stop is recorded, that report is dropped; any other exception Python
    cannot raise is still reported."""
    code = (
        "import signal, sys, weakref\n"
        "from chainrule import stop\n"
        "sys.unraisablehook = stop.quiet_unraisable\n"
        "stop.request(signal.SIGTERM)\n"
        "class Thing: pass\n"
        "def callback(ref):\n"
        f"    raise {raised}\n"
        "thing = Thing()\n"
        "ref = weakref.ref(thing, callback)\n"
        "del thing\n"
        "print('went on')\n"
    )
    result = run_python("-c", code)
    assert result.stdout.strip() == "went on"
    assert ("Exception ignored" in result.stderr) is shown, result.stderr


@pytest.mark.render
def test_two_concurrent_renders_into_one_folder(tmp_path: Path) -> None:
    """Same scene twice and another scene, at once: all finish, files and manifest are whole."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, CHAINRULE_CACHE_DIR=str(tmp_path / "cache"))
    script = str(Path(sys.executable).with_name("chainrule"))
    tiny = ["-q", "l", "--resolution", "128x72"]
    runs = [
        subprocess.Popen(
            [script, "render", scene, *tiny],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for scene in (SHORT_SCENE, SHORT_SCENE, "ShapeCheck")
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stderr
    out = tmp_path / "media"
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(o["path"] for o in manifest["outputs"]) == [
        "ShapeCheck_l.mp4",
        f"{SHORT_SCENE}_l.mp4",
    ]
    for entry in manifest["outputs"]:
        width, height, _, duration = video_facts(out / entry["path"])
        assert (width, height) == (128, 72)
        assert duration == pytest.approx(entry["duration"], abs=0.2)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "manifest.json",
            "ShapeCheck_l.mp4",
            "ShapeCheck_l.srt",
            "ShapeCheck_l.vtt",
            "ShapeCheck_l.html",
            f"{SHORT_SCENE}_l.mp4",
            f"{SHORT_SCENE}_l.srt",
            f"{SHORT_SCENE}_l.vtt",
            f"{SHORT_SCENE}_l.html",
            "assets",
        ]
    )
