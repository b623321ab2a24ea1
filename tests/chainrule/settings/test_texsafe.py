"""TeX safety: labels are plain text (every dangerous control sequence is refused with its
reason), and LaTeX runs with shell escape off and no writing outside its folder, even on a
machine whose ``texmf.cnf`` turns shell escape on."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from chainrule.errors import ConfigError
from chainrule.settings.model import Settings
from chainrule.settings.texsafe import check_label, escape_tex
from manim_adapter.sandbox import (
    NO_SHELL_ESCAPE,
    SANDBOX_VARIABLES,
    latex_sandbox,
    sandboxed_command,
)
from tests.cli_support import assert_one_line_error, invoke
from tests.process_support import record_commands
from tests.render_support import tiny_unit

READS, WRITES = "makes TeX read a file", "makes TeX write a file or run a command"
CATCODES, MACROS = "changes how TeX reads text", "defines or expands macros"

#: (label, what the message must say): one per way TeX can be abused.
INJECTIONS = [
    (r"\input{/etc/passwd}", READS),
    (r"\include{secret}", READS),
    (r"\openin5=/etc/passwd", READS),
    (r"\read5 to\x", READS),
    (r"\usepackage{shellesc}", READS),
    (r"\font\x=/etc/passwd", READS),
    (r"\scantokens{\input x}", READS),
    (r"\write18{rm -rf ~}", WRITES),
    (r"\immediate\write18{touch x}", WRITES),
    (r"\openout3=x.tex", WRITES),
    (r"\special{ps: (x) run}", WRITES),
    (r"\directlua{os.execute('id')}", WRITES),
    (r"\catcode`\|=0", CATCODES),
    (r"\lowercase{\INPUT}", CATCODES),
    (r"\uppercase{\input x}", CATCODES),
    (r"\def\x{\input}", MACROS),
    (r"\edef\x{y}", MACROS),
    (r"\gdef\x{y}", MACROS),
    (r"\xdef\x{y}", MACROS),
    (r"\let\x=\input", MACROS),
    (r"\newcommand{\x}{y}", MACROS),
    (r"\renewcommand{\title}{y}", MACROS),
    (r"\csname input\endcsname", MACROS),
    (r"\expandafter\x", MACROS),
    (r"\begin{filecontents}{x.tex}", "filecontents, for one, writes a file"),
    ("^^5cinput{/etc/passwd}", "character code escape"),
    ("^^M", "character code escape"),
    (r"\@input{/etc/passwd}", "labels are plain text"),
    (r"\textbf{bold}", "the TeX command \\textbf"),
    ("a\x00b", "control character"),
    ("two\nlines", "control character"),
    ("right\u202eto left", "control character"),
]


@pytest.mark.parametrize(("label", "reason"), INJECTIONS, ids=[i[0][:24] for i in INJECTIONS])
def test_dangerous_labels_are_refused_with_the_reason(label: str, reason: str) -> None:
    with pytest.raises(ValueError, match="labels are") as caught:
        check_label("title", label)
    assert reason in str(caught.value)
    assert str(caught.value).startswith("title ")


@pytest.mark.parametrize(
    ("label", "reason"), INJECTIONS[::4], ids=[i[0][:24] for i in INJECTIONS[::4]]
)
def test_dangerous_labels_in_a_config_name_the_file_and_key(label: str, reason: str) -> None:
    from chainrule.settings.template import toml_value

    with pytest.raises(ConfigError) as caught:
        Settings.from_toml(f"[labels]\ncourse = {toml_value(label)}\n", source="c.toml")
    assert str(caught.value).startswith("c.toml: [labels] course ")
    assert reason in str(caught.value)


def test_a_dangerous_option_value_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.toml").write_text("[labels]\ntitle = '\\immediate\\write18{id}'\n")
    assert_one_line_error(
        invoke("render", "--config", "c.toml"),
        2,
        "c.toml",
        "[labels] title",
        "\\immediate",
        "run a command",
    )


@pytest.mark.parametrize(
    "label",
    [
        "Where does {formula} come from?",
        "Deep Learning Specialization · Course 1 · Week 3",
        "dZ[1] = W[2]ᵀ dZ[2] ∗ g[1]′(Z[1])",
        "50% of $5 & #1 {braces} a_b ~x",
        r"a \\ b, \% and \$",  # control symbols are harmless, and escaped anyway
        "",
    ],
)
def test_plain_labels_pass(label: str) -> None:
    check_label("title", label)


def test_escape_tex_prints_every_character_literally() -> None:
    assert escape_tex(r"\input{x}") == r"\textbackslash{}input\{x\}"
    assert escape_tex("^^5c $x$ % # & _ ~") == (
        r"\textasciicircum{}\textasciicircum{}5c \$x\$ "
        r"\% \# \& \_ \textasciitilde{}"
    )


# ---------------------------------------------------------------------- LaTeX itself

needs_latex = pytest.mark.skipif(shutil.which("latex") is None, reason="no latex")

BODY = r"""\documentclass[preview]{standalone}
\begin{document}
%s
$x$
\end{document}
"""


def compile_tex(tmp_path: Path, body: str, sandboxed: bool) -> tuple[bool, str]:
    """Compile ``body`` with Manim's own LaTeX call (inside :func:`latex_sandbox` or not) from
    ``tmp_path/tex``; return whether it compiled and the log."""
    from manim import tempconfig
    from manim.utils import tex_file_writing as writing

    tex_dir = tmp_path / "tex"
    tex_dir.mkdir(exist_ok=True)
    tex_file = tex_dir / "probe.tex"
    tex_file.write_text(BODY % body)
    with tempconfig({"tex_dir": str(tex_dir)}):
        if sandboxed:
            with latex_sandbox():
                ok = _try(writing.compile_tex, tex_file)
        else:
            ok = _try(writing.compile_tex, tex_file)
    return ok, tex_file.with_suffix(".log").read_text(errors="replace")


def _try(function: Any, tex_file: Path) -> bool:
    try:
        function(tex_file, "latex", ".dvi")
        return True
    except ValueError:  # Manim: "latex error converting to dvi"
        return False


@needs_latex
@pytest.mark.parametrize("sandboxed", [False, True])
def test_write18_does_not_run_even_where_texmf_enables_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandboxed: bool
) -> None:
    """A machine configured with ``shell_escape = t`` runs ``\\write18`` (the control case,
    so this test can fail); our LaTeX call does not."""
    monkeypatch.setenv("shell_escape", "t")
    marker = tmp_path / "pwned"
    ok, log = compile_tex(
        tmp_path, r"\immediate\write18{touch {}}".replace("{}", str(marker)), sandboxed
    )
    assert ok
    if sandboxed:
        assert not marker.exists()
        assert f"runsystem(touch {marker})...disabled" in "".join(log.splitlines())
    else:
        assert marker.exists()


@needs_latex
def test_writing_outside_its_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "written.txt"
    compile_tex(
        tmp_path,
        rf"\immediate\openout5={target} \immediate\write5{{x}}"
        r"\immediate\closeout5",
        sandboxed=True,
    )
    assert not target.exists()


@needs_latex
def test_escaped_injection_typesets_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("shell_escape", "t")
    marker = tmp_path / "pwned"
    nasty = rf"\immediate\write18{{touch {marker}}} \input{{/etc/passwd}} ^^5c $ % # & _ ~"
    ok, log = compile_tex(tmp_path, escape_tex(nasty), sandboxed=False)  # escaping alone
    assert ok
    assert not marker.exists()
    assert "runsystem" not in log


# ---------------------------------------------------------------------- an interrupted compile


@needs_latex
def test_a_leftover_dvi_is_compiled_again(tmp_path: Path) -> None:
    """A ``.dvi`` cut short by an interrupted run is not reused (Manim would, and dvisvgm
    would then fail on every later run)."""
    dvi = tmp_path / "tex" / "probe.dvi"
    dvi.parent.mkdir()
    dvi.write_bytes(b"\xf7\x02 cut short")
    ok, _ = compile_tex(tmp_path, "", sandboxed=True)
    assert ok
    assert dvi.stat().st_size > 100
    assert dvi.read_bytes()[-1:] == b"\xdf"  # a DVI file ends with its trailer bytes


@pytest.mark.parametrize("step", ["compile_tex", "convert_to_svg"])
def test_an_interrupted_step_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    from manim import tempconfig
    from manim.utils import tex_file_writing as writing

    tex_file = tmp_path / "probe.tex"
    tex_file.write_text(BODY % "")
    partial = tex_file.with_suffix(".dvi" if step == "compile_tex" else ".svg")

    def interrupted(command: Any, *args: Any, **kwargs: Any) -> Any:
        partial.write_bytes(b"half written")  # what latex or dvisvgm had written so far
        raise KeyboardInterrupt

    monkeypatch.setattr(writing.subprocess, "run", interrupted)
    if step == "compile_tex":
        arguments: tuple[Any, ...] = (tex_file, "latex", ".dvi")
    else:
        arguments = (tex_file.with_suffix(".dvi"), ".dvi")
    # the step is looked up inside the sandbox, which replaces it with its guarded version
    with (
        tempconfig({"tex_dir": str(tmp_path)}),
        latex_sandbox(),
        pytest.raises(KeyboardInterrupt),
    ):
        getattr(writing, step)(*arguments)
    assert not partial.exists()


def test_the_sandbox_wraps_manims_command_and_restores_it() -> None:
    from manim.utils import tex_file_writing as writing

    original = writing.make_tex_compilation_command
    functions = (writing.compile_tex, writing.convert_to_svg)
    with latex_sandbox():
        command = writing.make_tex_compilation_command(
            "latex", ".dvi", Path("/t/a.tex"), Path("/t")
        )
        with latex_sandbox():  # nesting does not wrap twice
            assert (
                writing.make_tex_compilation_command("latex", ".dvi", Path("/t/a.tex"), Path("/t"))
                == command
            )
    assert writing.make_tex_compilation_command is original
    assert (writing.compile_tex, writing.convert_to_svg) == functions
    assert command[0] == "env"
    assert "TEXMFOUTPUT=/t" in command
    assert {f"{k}={v}" for k, v in SANDBOX_VARIABLES.items()} <= set(command)
    latex = command.index("latex")
    assert command[latex + 1] == NO_SHELL_ESCAPE
    assert command[-1] == "/t/a.tex"


def test_sandboxed_command_keeps_the_compilers_flags() -> None:
    command = sandboxed_command(["xelatex", "-no-pdf", "a.tex"], Path("/t"))
    assert command[-4:] == ["xelatex", NO_SHELL_ESCAPE, "-no-pdf", "a.tex"]


@needs_latex
@pytest.mark.render
def test_a_real_render_runs_latex_sandboxed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every LaTeX call of an actual scene render goes through the sandbox."""
    from manim.utils import tex_file_writing

    from chainrule.rendering.drawing import draw_unit

    calls = record_commands(monkeypatch, tex_file_writing)
    result = draw_unit(tiny_unit(tmp_path, 128, 72))
    assert result.error is None, result.traceback
    latex_calls = [c for c in calls if "dvisvgm" not in c[0]]
    assert latex_calls, "no formula was compiled (the TeX cache was not fresh?)"
    for command in latex_calls:
        assert command[0] == "env", command
        assert NO_SHELL_ESCAPE in command, command
        assert "shell_escape=f" in command, command
        assert "openout_any=p" in command, command
