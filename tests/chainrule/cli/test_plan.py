"""The render plan: settings, scenes and theme made once; complete cache keys; only verified
steps are drawn, in every process; usage errors before any work."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import chainrule.catalog
import chainrule.cli.scene_choice
import chainrule.rendering.drawing
import chainrule.verification
from chainrule.errors import VerificationFailed
from chainrule.settings.model import Settings
from derivations import derive
from tests.cli_support import assert_one_line_error, forbid, invoke, snapshot
from tests.paths import PROJECT_ROOT
from tests.process_support import python_output, run_python
from tests.render_support import tiny_unit

ROOT = PROJECT_ROOT
WRONG_DZ1 = {"dZ1": "W2 @ dZ2 * gprime(Z1)"}  # the missing transpose

pytestmark = pytest.mark.usefixtures("isolated")


# ---------------------------------------------------------------------- the settings layer


def test_importing_the_settings_does_not_import_scenes() -> None:
    code = (
        "import sys\n"
        "import chainrule.settings.model, chainrule.cli.options\n"
        "from chainrule.settings.model import Settings\n"
        "Settings.from_toml('[network]\\nm = 3\\n[theme]\\nW = \"#123456\"\\n')\n"
        "loaded = sorted(m for m in sys.modules if m == 'scenes' or m.startswith('scenes.'))\n"
        "assert not loaded, loaded\n"
    )
    python_output("-c", code)


def test_options_and_file_are_validated_together_and_blamed_right(tmp_path: Path) -> None:
    from chainrule.cli.options import load_settings
    from chainrule.errors import ConfigError

    (tmp_path / "c.toml").write_text("[network]\nm = 9\n")
    with pytest.raises(ConfigError, match=r"^c.toml: \[network\] m = 9"):
        load_settings("c.toml", {"network.activation": ("relu", "--activation")})
    (tmp_path / "c.toml").write_text("[network]\nm = 3\n")
    with pytest.raises(ConfigError, match=r"^option --m: "):
        load_settings("c.toml", {"network.m": (7, "--m")})
    assert load_settings("c.toml", {"network.m": (4, "--m")}).network.m == 4


@pytest.mark.render
def test_one_render_validates_discovers_and_builds_the_theme_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Settings validated, scenes discovered and the theme built once each in one
    ``chainrule render`` (drawing in the command's process)."""
    from chainrule import verification
    from chainrule.settings import scene_settings
    from scenes.theme import Theme

    scene_settings.scene_settings.cache_clear()
    verification.verified_derivation.cache_clear()
    calls = {"validate": 0, "discover": 0, "theme": 0}
    validate, discover, from_dict = (
        Settings.model_validate.__func__,
        chainrule.catalog.discover,
        Theme.from_dict.__func__,
    )

    def counting_validate(cls: Any, *args: Any, **kwargs: Any) -> Any:
        calls["validate"] += 1
        return validate(cls, *args, **kwargs)

    def counting_discover() -> Any:
        calls["discover"] += 1
        return discover()

    def counting_theme(cls: Any, *args: Any, **kwargs: Any) -> Any:
        calls["theme"] += 1
        return from_dict(cls, *args, **kwargs)

    monkeypatch.setattr(Settings, "model_validate", classmethod(counting_validate))
    monkeypatch.setattr(chainrule.cli.scene_choice, "discover", counting_discover)  # its caller
    monkeypatch.setattr(Theme, "from_dict", classmethod(counting_theme))
    (tmp_path / "c.toml").write_text('[theme]\nW = "#123456"\n')
    result = invoke(
        "render",
        "WhyTranspose",
        "-q",
        "l",
        "--resolution",
        "128x72",
        "--config",
        "c.toml",
        "--m",
        "3",
    )
    assert result.exit_code == 0, result.stderr
    assert calls == {"validate": 1, "discover": 1, "theme": 1}


# ---------------------------------------------------------------------- defect 5


def test_an_output_folder_that_cannot_be_made_is_a_usage_error_before_any_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``/proc`` looks writable to root, yet takes no new folder: exit 2, nothing verified."""
    verified = forbid(monkeypatch, (chainrule.verification, "verify_with_display"))
    drawn = forbid(monkeypatch, (chainrule.rendering.drawing, "draw_unit"))
    before = snapshot(tmp_path)
    result = invoke("render", "WhyTranspose", "--output", "/proc/chainrule-out")
    assert_one_line_error(result, 2, "option --output", "/proc/chainrule-out")
    assert verified == drawn == []
    assert result.stdout == ""
    assert not Path("/proc/chainrule-out").exists()
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------------- defect 2


def no_scene_is_built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Fail if any scene (or its TeX) would be drawn."""
    import scenes.typeset
    from scenes.base import DerivationScene

    calls = forbid(monkeypatch, (scenes.typeset, "precompile_scene"))

    def setup(self: Any) -> None:
        calls.append("setup")
        raise AssertionError("a scene was set up")

    monkeypatch.setattr(DerivationScene, "setup", setup)
    return calls


@pytest.fixture
def workers_derive_wrong(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every process-level derivation misses the transpose in dZ1 (as a worker would derive
    it from a broken engine); yields the list :func:`no_scene_is_built` fills."""
    monkeypatch.setattr(
        chainrule.verification, "derive", lambda spec: derive(spec, formulas=WRONG_DZ1)
    )
    chainrule.verification.verified_derivation.cache_clear()
    try:
        yield no_scene_is_built(monkeypatch)
    finally:
        chainrule.verification.verified_derivation.cache_clear()


def test_a_worker_refuses_to_draw_a_derivation_that_fails_verification(
    workers_derive_wrong: list[Any], tmp_path: Path
) -> None:
    """A worker process derives the steps it draws itself (a derivation does not pickle):
    it verifies them first, and a wrong one is refused, not drawn."""
    from chainrule.rendering import workers

    result = workers.draw_in_worker(tiny_unit(tmp_path))
    assert result.error is not None
    assert result.video is None
    assert "VerificationFailed" in result.error
    assert "step dZ1.fold" in result.error
    assert "failed verification" in result.error
    assert workers_derive_wrong == []


def test_a_dask_worker_refuses_a_wrong_derivation_too(
    workers_derive_wrong: list[Any], tmp_path: Path
) -> None:
    from chainrule.rendering import dask_executor

    result = dask_executor.draw_on_worker(tiny_unit(tmp_path))
    assert result.error is not None
    assert "failed verification" in result.error
    assert workers_derive_wrong == []


def test_drawing_in_process_refuses_an_unverified_wrong_derivation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    drawn = no_scene_is_built(monkeypatch)
    wrong = derive(Settings().network.spec(), formulas=WRONG_DZ1)
    result = chainrule.rendering.drawing.draw_unit(tiny_unit(tmp_path), derivation=wrong)
    assert result.error is not None
    assert "failed verification" in result.error
    assert drawn == []


def test_a_scene_class_is_only_made_with_verified_steps() -> None:
    from chainrule.settings.scene_settings import scene_settings

    base = chainrule.catalog.discover().get("WhyTranspose")
    objects = scene_settings(Settings())
    with pytest.raises(VerificationFailed, match=r"step dZ1\.fold"):
        chainrule.rendering.drawing.scene_class(
            base, objects, derive(objects.spec, formulas=WRONG_DZ1)
        )
    right = derive(objects.spec)
    assert not chainrule.verification.is_verified(right)
    cls = chainrule.rendering.drawing.scene_class(base, objects, right)
    assert cls.build_derivation() is right
    assert chainrule.verification.is_verified(right)


def test_a_unit_pickles() -> None:
    import pickle

    from chainrule.exchange import RenderUnit

    unit = RenderUnit(
        scene="Lecture",
        scene_path="scenes.lecture:Lecture",
        settings=Settings.from_toml("[network]\nm = 3\n", source="c.toml"),
        stem="Lecture_l_part01",
        video_format="mp4",
        width=64,
        height=36,
        fps=5,
        work_dir="/w",
        cache_dir="/c",
        key="k",
        label="Lecture[1:Forward]",
        part=1,
    )
    again = pickle.loads(pickle.dumps(unit))
    assert again == unit
    assert again.settings.source == "c.toml"


# ---------------------------------------------------------------------- defect 1


def test_the_toolchain_names_the_code_and_the_tools() -> None:
    from chainrule.rendering.keys import toolchain

    chain = toolchain().as_dict()
    assert set(chain["packages"]) == {"derivations", "chainrule", "manim_adapter"}
    assert chain["packages"]["chainrule"] != "absent"
    assert {"manim", "cairo", "pango", "latex", "dvisvgm", "sympy", "av"} <= set(chain["versions"])
    assert chain["versions"]["latex"].startswith(("pdfTeX", "absent"))


def test_a_changed_tool_version_changes_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from chainrule.rendering import keys as unit_keys

    document = {"scene": "scenes.transpose:WhyTranspose", "part": None}
    before = unit_keys.unit_key(document)
    chain = unit_keys.toolchain()
    versions = tuple(
        (name, "9.9.9" if name == "pango" else value) for name, value in chain.versions
    )
    monkeypatch.setattr(
        unit_keys,
        "toolchain",
        lambda: unit_keys.Toolchain(chain.packages, versions, chain.switches),
    )
    assert unit_keys.unit_key(document) != before


def copy_project(target: Path) -> Path:
    """The three packages copied to ``target`` (so their code can be changed)."""
    for package in ("derivations", "scenes", "chainrule", "manim_adapter"):
        if (ROOT / package).is_dir():
            shutil.copytree(
                ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__")
            )
    return target


def render_from(project: Path, cache: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, PYTHONPATH=str(project), CHAINRULE_CACHE_DIR=str(cache), PYTHONHASHSEED="0"
    )
    args = ("render", "WhyTranspose", "-q", "l", "--resolution", "64x36", "-o", str(out))
    return run_python("-P", "-m", "chainrule", *args, cwd=project, env=env, timeout=600)


@pytest.mark.render
def test_a_byte_changed_in_chainrules_drawing_code_draws_again(tmp_path: Path) -> None:
    """Defect 1: units were cached under keys that left out chainrule's own render code, so
    an updated chainrule served videos drawn by the old one."""
    project = copy_project(tmp_path / "project")
    cache, out = tmp_path / "cache", tmp_path / "out"
    first = render_from(project, cache, out)
    assert first.returncode == 0, first.stderr
    again = render_from(project, cache, out)
    assert again.returncode == 0, again.stdout
    assert "copied from the cache" in again.stdout, again.stdout
    code = project / "chainrule" / "rendering" / "drawing.py"
    code.write_text(code.read_text() + "\n# one more line\n")
    changed = render_from(project, cache, out)
    assert changed.returncode == 0, changed.stderr
    assert "copied from the cache" not in changed.stdout, changed.stdout
    assert "rendered WhyTranspose" in changed.stdout


LECTURE_KEYS = """\
import json, sys, tempfile
from pathlib import Path
from chainrule.catalog import discover
from chainrule.settings.model import Settings
from chainrule.rendering.plan import build_plan
from chainrule.exchange import VideoFormat
from chainrule.verification import verified_derivation

settings = Settings()
derivation = verified_derivation(settings.network.spec())
work = Path(tempfile.mkdtemp())
plan = build_plan(settings, derivation, discover(), ["Lecture"],
                  VideoFormat(64, 36, 5, "mp4", "l"), work, work)
print(json.dumps({unit.label: unit.key for unit in plan.units}))
"""


def lecture_keys(project: Path) -> dict[str, str]:
    import json

    env = dict(os.environ, PYTHONPATH=str(project))
    return json.loads(python_output("-P", "-c", LECTURE_KEYS, cwd=project, env=env))


def test_a_changed_segment_module_changes_only_its_parts_key(tmp_path: Path) -> None:
    """Part-level precision: the transpose segment's module runs in its part only."""
    project = copy_project(tmp_path / "project")
    before = lecture_keys(project)
    module = project / "scenes" / "transpose.py"
    module.write_text(module.read_text() + "\n# one more line\n")
    after = lecture_keys(project)
    changed = {label for label in before if before[label] != after[label]}
    assert changed == {label for label in before if ":Transpose]" in label}
    helper = project / "scenes" / "layout.py"  # used by every part
    helper.write_text(helper.read_text() + "\n# one more line\n")
    assert all(key != after[label] for label, key in lecture_keys(project).items())
