"""Text from a config file that may reach LaTeX: plain text, checked and escaped; and LaTeX
itself run with shell escape off.

Labels (title, course name) are *plain text*. :func:`check_label` rejects what has no place in
a label and, with a reason, every TeX control sequence that could read or write files, change
catcodes or define macros; :func:`escape_tex` turns checked text into TeX that typesets those
characters literally (for scenes that put labels in ``Tex`` rather than ``Text``; today the
lecture draws them with Pango ``Text``, so they do not reach LaTeX at all).

The TeX that does reach LaTeX is generated: formulas from :mod:`derivations` (built from the
network's sizes, never from free text) and Manim's template. Still, :func:`latex_sandbox`
makes every LaTeX run of a render refuse to run commands or touch files outside its folder,
whatever the machine's ``texmf.cnf`` says: ``-no-shell-escape`` on the command line, and the
kpathsea variables ``shell_escape=f`` and ``openout_any=p`` (no writing to absolute paths,
``..`` or dot files; ``TEXMFOUTPUT`` is LaTeX's own folder). Reading is not restricted:
``openin_any=p`` would refuse ``\\input{/etc/passwd}``, but also the ``/dev/null`` probe of
LaTeX's kernel, and kpathsea would print a warning on the terminal for every formula; no config
text reaches LaTeX, and :func:`check_label` refuses ``\\input`` and its relatives.

>>> escape_tex("50% of $x_1$ & more")
'50\\\\% of \\\\$x\\\\_1\\\\$ \\\\& more'
>>> check_label("title", r"\\input{/etc/passwd}")
Traceback (most recent call last):
...
ValueError: title contains \\input, which makes TeX read a file: labels are plain text
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MAX_LABEL_LENGTH = 120

#: Control sequences rejected with the reason given (the rest of ``\word`` is rejected too).
DANGEROUS: dict[str, str] = {
    **dict.fromkeys(("input", "include", "includeonly", "openin", "read", "readline",
                     "InputIfFileExists", "IfFileExists", "lstinputlisting", "verbatiminput",
                     "usepackage", "RequirePackage", "documentclass", "includegraphics",
                     "includepdf", "font", "pdfximage", "pdffiledump", "pdfmdfivesum",
                     "scantokens", "everyeof"), "makes TeX read a file"),
    **dict.fromkeys(("write", "openout", "immediate", "closeout", "newwrite", "special",
                     "write18", "ShellEscape", "directlua", "latelua", "luaexec",
                     "pdfshellescape", "filecontents"),
                    "makes TeX write a file or run a command"),
    **dict.fromkeys(("catcode", "lccode", "uccode", "mathcode", "sfcode", "delcode",
                     "endlinechar", "escapechar", "newlinechar", "lowercase", "uppercase",
                     "detokenize", "string", "everyjob", "everypar", "everymath"),
                    "changes how TeX reads text"),
    **dict.fromkeys(("def", "edef", "gdef", "xdef", "let", "futurelet", "newcommand",
                     "renewcommand", "providecommand", "DeclareRobustCommand", "csname",
                     "endcsname", "expandafter", "noexpand", "makeatletter", "newenvironment",
                     "renewenvironment", "global", "outer", "long", "protected",
                     "afterassignment", "aftergroup"),
                    "defines or expands macros"),
    "begin": "opens an environment (filecontents, for one, writes a file)",
}

_CONTROL_SEQUENCE = re.compile(r"\\([A-Za-z@]+|.)", re.S)
_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
            "#": r"\#", "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}",
            "~": r"\textasciitilde{}"}


def check_label(key: str, text: str) -> None:
    """Raise ``ValueError`` naming ``key`` if ``text`` is not a safe, reasonable label."""
    if len(text) > MAX_LABEL_LENGTH:
        raise ValueError(f"{key} is {len(text)} characters long: labels are at most "
                         f"{MAX_LABEL_LENGTH} characters")
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise ValueError(f"{key} contains the control character {char!r}: labels are one "
                             f"line of printable text")
    if "^^" in text:  # ^^5c is a backslash, ^^M a line end: escapes that hide the rest
        raise ValueError(f"{key} contains ^^, which TeX reads as a character code escape: "
                         f"labels are plain text")
    for match in _CONTROL_SEQUENCE.finditer(text):
        name = match.group(1)
        reason = DANGEROUS.get(name)
        if reason is not None:
            raise ValueError(f"{key} contains \\{name}, which {reason}: labels are plain text")
        if name.isalpha() or "@" in name:  # any \word, \@word: labels are plain text
            raise ValueError(f"{key} contains the TeX command \\{name}: labels are plain text "
                             f"(write symbols directly, e.g. ᵀ, ∗, ′)")


def escape_tex(text: str) -> str:
    """``text`` as TeX that prints exactly these characters."""
    return "".join(_ESCAPES.get(char, char) for char in text)


# ---------------------------------------------------------------------- running LaTeX

#: kpathsea variables for every LaTeX run of a render (environment beats ``texmf.cnf``).
SANDBOX_VARIABLES: dict[str, str] = {"shell_escape": "f", "openout_any": "p"}
NO_SHELL_ESCAPE = "-no-shell-escape"


def sandboxed_command(command: list[str], tex_dir: Path) -> list[str]:
    """``command`` (``[compiler, flags..., file]``) run by ``env`` with the sandbox variables,
    ``TEXMFOUTPUT`` set to ``tex_dir`` and ``-no-shell-escape`` right after the compiler."""
    compiler, *rest = command
    variables = [f"{key}={value}" for key, value in SANDBOX_VARIABLES.items()]
    return ["env", *variables, f"TEXMFOUTPUT={tex_dir.as_posix()}", compiler, NO_SHELL_ESCAPE,
            *rest]


@contextmanager
def latex_sandbox() -> Iterator[None]:
    """Inside, Manim runs LaTeX through :func:`sandboxed_command`, and its TeX cache stays
    whole when a render is interrupted.

    Manim 0.19–0.22 builds the command in
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
    from manim.utils import tex_file_writing as writing

    originals = {name: getattr(writing, name) for name in
                 ("make_tex_compilation_command", "compile_tex", "convert_to_svg")}
    if getattr(originals["make_tex_compilation_command"], "sandboxed", False):  # nested
        yield
        return

    def command(tex_compiler: str, output_format: str, tex_file: Path, tex_dir: Path
                ) -> list[str]:
        tex_dir = Path(tex_dir).resolve()  # openout_any=p refuses names with ".."
        built = originals["make_tex_compilation_command"](
            tex_compiler, output_format, Path(tex_file).resolve(), tex_dir)
        return sandboxed_command(list(built), tex_dir)

    def compile_tex(tex_file: Path, tex_compiler: Any, output_format: str) -> Path:
        target = Path(tex_file).with_suffix(output_format)
        target.unlink(missing_ok=True)  # a leftover: possibly cut short
        with _removed_unless_finished(target):
            return originals["compile_tex"](tex_file, tex_compiler, output_format)

    def convert_to_svg(dvi_file: Path, extension: str, page: int = 1) -> Path:
        with _removed_unless_finished(Path(dvi_file).with_suffix(".svg")):
            return originals["convert_to_svg"](dvi_file, extension, page)

    command.sandboxed = True  # type: ignore[attr-defined]
    replacements = {"make_tex_compilation_command": command, "compile_tex": compile_tex,
                    "convert_to_svg": convert_to_svg}
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


__all__ = ["DANGEROUS", "MAX_LABEL_LENGTH", "NO_SHELL_ESCAPE", "SANDBOX_VARIABLES",
           "check_label", "escape_tex", "latex_sandbox", "sandboxed_command"]
