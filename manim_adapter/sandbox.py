"""LaTeX run with shell escape off and writes kept in its folder, whatever ``texmf.cnf`` says.

:func:`latex_sandbox` makes every LaTeX run of a render refuse to run commands or touch files
outside its folder: ``-no-shell-escape`` on the command line, and the kpathsea variables
``shell_escape=f`` and ``openout_any=p`` (no writing to absolute paths, ``..`` or dot files;
``TEXMFOUTPUT`` is LaTeX's own folder). Reading is not restricted: ``openin_any=p`` would
refuse ``\\input{/etc/passwd}``, but also the ``/dev/null`` probe of LaTeX's kernel, and
kpathsea would print a warning on the terminal for every formula; no config text reaches
LaTeX (:func:`chainrule.settings.texsafe.check_label` refuses ``\\input`` and its relatives).

It patches functions of ``manim.utils.tex_file_writing``; with a Manim the patches were not
written for (:func:`manim_adapter.support.active`) it leaves Manim as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .support import active

#: kpathsea variables for every LaTeX run of a render (environment beats ``texmf.cnf``).
SANDBOX_VARIABLES: dict[str, str] = {"shell_escape": "f", "openout_any": "p"}
NO_SHELL_ESCAPE = "-no-shell-escape"


def sandboxed_command(command: list[str], tex_dir: Path) -> list[str]:
    """``command`` (``[compiler, flags..., file]``) run by ``env`` with the sandbox variables,
    ``TEXMFOUTPUT`` set to ``tex_dir`` and ``-no-shell-escape`` right after the compiler."""
    compiler, *rest = command
    variables = [f"{key}={value}" for key, value in SANDBOX_VARIABLES.items()]
    return [
        "env",
        *variables,
        f"TEXMFOUTPUT={tex_dir.as_posix()}",
        compiler,
        NO_SHELL_ESCAPE,
        *rest,
    ]


@contextmanager
def latex_sandbox() -> Iterator[None]:
    """Inside, Manim runs LaTeX through :func:`sandboxed_command`, and its TeX cache stays
    whole when a render is interrupted.

    Manim 0.22 builds the command in
    ``manim.utils.tex_file_writing.make_tex_compilation_command`` and reuses any ``.dvi`` or
    ``.svg`` it finds, looked up when each formula is compiled. Inside, the command is
    sandboxed; a ``.dvi`` still there when a formula needs compiling is a leftover of an
    interrupted run (Manim deletes it once the ``.svg`` is made), so it is compiled again; and
    a ``.dvi`` or ``.svg`` being written when an exception (Ctrl-C, SIGTERM) arrives is
    removed. Everything is restored afterwards.

    >>> with latex_sandbox():
    ...     from manim.utils import tex_file_writing as w
    ...     w.make_tex_compilation_command("latex", ".dvi", Path("/t/a.tex"), Path("/t"))[:5]
    ['env', 'shell_escape=f', 'openout_any=p', 'TEXMFOUTPUT=/t', 'latex']
    """

    if not active():
        yield
        return
    from manim.utils import tex_file_writing as writing

    originals = {
        name: getattr(writing, name)
        for name in ("make_tex_compilation_command", "compile_tex", "convert_to_svg")
    }
    if getattr(originals["make_tex_compilation_command"], "sandboxed", False):  # nested
        yield
        return

    def command(tex_compiler: str, output_format: str, tex_file: Path, tex_dir: Path) -> list[str]:
        tex_dir = Path(tex_dir).resolve()  # openout_any=p refuses names with ".."
        built = originals["make_tex_compilation_command"](
            tex_compiler, output_format, Path(tex_file).resolve(), tex_dir
        )
        return sandboxed_command(list(built), tex_dir)

    def compile_tex(tex_file: Path, tex_compiler: Any, output_format: str) -> Path:
        target = Path(tex_file).with_suffix(output_format)
        target.unlink(missing_ok=True)  # a leftover: possibly cut short
        with _removed_unless_finished(target):
            compiled: Path = originals["compile_tex"](tex_file, tex_compiler, output_format)
            return compiled

    def convert_to_svg(dvi_file: Path, extension: str, page: int = 1) -> Path:
        with _removed_unless_finished(Path(dvi_file).with_suffix(".svg")):
            converted: Path = originals["convert_to_svg"](dvi_file, extension, page)
            return converted

    # a mark on the function itself: a nested sandbox finds it on whatever Manim now calls
    command.sandboxed = True  # type: ignore[attr-defined]
    replacements = {
        "make_tex_compilation_command": command,
        "compile_tex": compile_tex,
        "convert_to_svg": convert_to_svg,
    }
    for name, function in replacements.items():
        setattr(writing, name, function)
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(writing, name, function)


@contextmanager
def _removed_unless_finished(target: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        target.unlink(missing_ok=True)
        raise


__all__ = ["NO_SHELL_ESCAPE", "SANDBOX_VARIABLES", "latex_sandbox", "sandboxed_command"]
