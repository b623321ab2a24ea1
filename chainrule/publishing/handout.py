"""A handout of a scene's steps: per step its title, narration, formulas, key frame and proof.

For every step a scene reads out (:func:`chainrule.catalog.narrated_ids_of`, in order) the
handout shows the title, the narration as shown on screen, the display math (the very TeX the
video typesets: the equation's parts and each of its ``lines``, joined as ``MathTex`` joins
them), the key frame (the last frame of the step's section in the video) and the step's
verification certificate (:meth:`derivations.Derivation.certificate`): per claim how it was
checked. A claim whose check failed is printed as FAILED with the reason (the medium itself
refuses to write a handout with a failing step, :func:`refuse_failures`).

Two renderings of one :class:`Handout`:

* :func:`latex_source` → PDF with pdflatex (:func:`compile_pdf`), run in the sandbox of the
  scenes' TeX (:func:`manim_adapter.sandbox.sandboxed_command`: no shell escape,
  ``openout_any=p``); every text is checked and escaped first (:func:`latex_text`), formulas
  wider than the text are scaled down to fit.
* :func:`html_document` → one self-contained HTML file: formulas typeset ahead by KaTeX
  (:mod:`chainrule.publishing.katex`), its CSS and fonts inlined, frames as data URIs; no script, no
  network.

Both are filled from templates (``handout.tex``, ``handout.html``, ``handout.css`` in
:mod:`chainrule.publishing.templates`). :class:`HandoutMedium` is the handout as a medium
(:mod:`chainrule.publishing.media`): ``chainrule handout`` asks the registry for it.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainrule.catalog import narrated_ids_of
from chainrule.errors import ConfigError, MissingDependency, RenderFailed, VerificationFailed
from chainrule.exchange import VideoFormat
from chainrule.files import atomic_move
from chainrule.publishing.katex import render_many, stylesheet
from chainrule.publishing.probing import last_frame_png
from chainrule.publishing.templates import Markup, escape_html, read, render
from chainrule.rendering.execution import run_plan, work_folder
from chainrule.rendering.executors import LocalExecutor
from chainrule.rendering.plan import build_plan
from chainrule.settings.model import QUALITIES
from chainrule.settings.texsafe import escape_tex
from derivations.sequence_plan import formula_lines
from derivations.speech import SUBSCRIPTS, subtitle_text
from manim_adapter.sandbox import sandboxed_command

if TYPE_CHECKING:
    from chainrule.catalog import Catalog
    from chainrule.publishing.medium import Context, Output
    from chainrule.settings.model import Settings
    from derivations import Derivation, Step, StepCertificate

#: The handout formats.
HANDOUT_FORMATS = ("pdf", "html")
#: The default pixel size of key frames (small: a handout needs no more).
FRAME_SIZE = (854, 480)
#: A PDF handout of more steps than this starts with a table of contents.
CONTENTS_FROM = 5
#: How long one pdflatex run may take (seconds).
LATEX_TIMEOUT = 180

#: Characters of the derivation's text that pdflatex (``utf8`` input, the default OT1 fonts)
#: would not print as such, as TeX.
UNICODE_TEX: Mapping[str, str] = {
    "×": r"$\times$",
    "ᵀ": r"\textsuperscript{T}",
    "ℒ": r"$\mathcal{L}$",
    "ℓ": r"$\ell$",
    "∂": r"$\partial$",
    "−": r"$-$",
    "∗": r"$\ast$",
    "≈": r"$\approx$",
    "′": r"$'$",
    "·": r"$\cdot$",
    "→": r"$\to$",
    "≠": r"$\neq$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "…": r"\dots{}",
    "–": "--",
    "—": "---",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "σ": r"$\sigma$",
    "Σ": r"$\Sigma$",
    "∑": r"$\sum$",
    "Δ": r"$\Delta$",
    "ε": r"$\varepsilon$",
    "𝓛": r"$\mathcal{L}$",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"$|$",
    **{sub: r"\textsubscript{" + index + "}" for index, sub in SUBSCRIPTS.items()},
    '"': "''",
}


@dataclass(frozen=True)
class HandoutStep:
    """One step of a handout: what it shows and how it was checked."""

    step_id: str
    title: str
    narration: str
    formulas: tuple[str, ...]  # display TeX, as the video typesets it
    certificate: StepCertificate
    frame: Path | None = None  # the key frame (PNG), if drawn


@dataclass(frozen=True)
class Handout:
    """A scene's handout: its name, the network it is about, its steps in order."""

    scene: str
    network: str
    steps: tuple[HandoutStep, ...]

    @property
    def holds(self) -> bool:
        """Whether every claim of every step holds."""
        return all(step.certificate.holds for step in self.steps)


# ---------------------------------------------------------------------- content


def step_formulas(step: Step) -> tuple[str, ...]:
    """The TeX of the step's equation and of each of its ``lines`` (empty ones left out),
    each joined with spaces as ``MathTex`` joins its strings. A plan step (the map, the turn
    to part two) gives only its slide's formulas: its equation repeats one of them and its
    tag lines are labels of the picture, not formulas."""
    from scenes.typeset import tex_strings

    runs = (tex_strings(parts) for parts in formula_lines(step))
    return tuple(" ".join(run) for run in runs if run)


def handout_steps(
    derivation: Derivation, step_ids: Sequence[str], frames: Mapping[str, Path] | None = None
) -> tuple[HandoutStep, ...]:
    """The :class:`HandoutStep` of each of ``step_ids`` (with its frame from ``frames``)."""
    frames = frames or {}
    out = []
    for step_id in step_ids:
        step = derivation.step(step_id)
        out.append(
            HandoutStep(
                str(step.id),
                step.title,
                " ".join(subtitle_text(step.narration).split()),
                step_formulas(step),
                derivation.certificate(step.id),
                frames.get(str(step.id)),
            )
        )
    return tuple(out)


def verdict_word(certificate: StepCertificate) -> str:
    """``Verified``, ``FAILED``, or ``Nothing to check`` (a step that states no claim)."""
    if not certificate.holds:
        return "FAILED"
    return "Verified" if certificate.claims else "Nothing to check"


def failed_steps(handout: Handout) -> list[HandoutStep]:
    """The steps whose certificate does not hold."""
    return [step for step in handout.steps if not step.certificate.holds]


# ---------------------------------------------------------------------- key frames


def section_frames(
    sections: Sequence[Mapping[str, Any]],
    sections_dir: Path,
    step_titles: Mapping[str, str],
    target: Path,
) -> dict[str, Path]:
    """Save the last frame of each step's own section into ``target``, as ``frame-NN.png``;
    returns them by step id.

    A scene opens one section per step it begins, named by the step's title
    (:meth:`scenes.base.DerivationScene.begin_step`); the title card and a step's
    ``(continued)`` section are not its own. ``step_titles`` (id → title) is in the scene's
    order, so two steps with the same title take that title's sections in turn."""

    frames: dict[str, Path] = {}
    for section in sections:
        name = str(section.get("name"))
        step_id = next(
            (i for i, title in step_titles.items() if title == name and i not in frames), None
        )  # in order, if titles repeat
        if step_id is None:
            continue
        path = target / f"frame-{len(frames) + 1:02d}.png"
        last_frame_png(sections_dir / str(section["video"]), path)
        frames[step_id] = path
    return frames


def render_key_frames(
    settings: Settings,
    derivation: Derivation,
    catalog: Catalog,
    scene: str,
    step_ids: Sequence[str],
    size: tuple[int, int],
    cache: Path,
    target: Path,
) -> dict[str, Path]:
    """Render ``scene`` silently at low quality and ``size`` through the render pipeline
    (its unit cache makes a repeat fast) and save each step's key frame into ``target``."""

    quality = QUALITIES["l"]
    video = VideoFormat(size[0], size[1], quality.fps, "mp4", quality.flag)
    titles = {step_id: derivation.step(step_id).title for step_id in step_ids}
    with work_folder(cache) as work:
        plan = build_plan(settings, derivation, catalog, [scene], video, work, cache)
        (result,) = run_plan(plan, LocalExecutor(1))
        if result.error is not None:
            raise RenderFailed(
                f"scene {scene} failed to render its key frames: "
                f"{result.error}; nothing was written"
            )
        return section_frames(result.sections, Path(result.sections_dir or ""), titles, target)


# ---------------------------------------------------------------------- LaTeX


def latex_text(text: str, where: str) -> str:
    """``text`` (plain text from the derivation) as TeX that prints it literally.

    Control characters are refused; TeX's special characters escaped
    (:func:`chainrule.settings.texsafe.escape_tex`); the mathematical characters of the narration
    written as TeX; any other character beyond Latin-1 refused, naming ``where``.

    >>> latex_text("W[2]ᵀ dZ[2] ≈ 5% of $x_1$", "narration")
    'W[2]\\\\textsuperscript{T} dZ[2] $\\\\approx$ 5\\\\% of \\\\$x\\\\_1\\\\$'
    """
    out = []
    for char in escape_tex(text):
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise RenderFailed(f"{where} contains the control character {char!r}")
        if char in UNICODE_TEX:
            out.append(UNICODE_TEX[char])
        elif ord(char) > 0xFF:
            raise RenderFailed(
                f"{where} contains {char!r} (U+{ord(char):04X}), which the "
                f"PDF handout cannot typeset yet"
            )
        else:
            out.append(char)
    return "".join(out)


def latex_source(handout: Handout, frame_names: Mapping[str, str] | None = None) -> str:
    """The LaTeX document of ``handout``; ``frame_names`` gives each step's frame file name
    (relative to the document's folder)."""
    frame_names = frame_names or {}
    lines = []
    if len(handout.steps) > CONTENTS_FROM:
        lines.append(r"{\small\setlength{\parskip}{0pt}\tableofcontents}")
    for step in handout.steps:
        lines += _latex_step(step, frame_names.get(step.step_id))
    return render(
        "handout.tex",
        SCENE=Markup(latex_text(handout.scene, "the scene name")),
        NETWORK=Markup(latex_text(handout.network, "the network")),
        COUNT=Markup(str(len(handout.steps))),
        BODY=Markup("\n".join(lines)),
    )


def _latex_step(step: HandoutStep, frame: str | None) -> list[str]:
    where = f"step {step.step_id}"
    out = [
        r"\section{" + latex_text(step.title, f"the title of {where}") + "}",
        r"{\small\ttfamily " + latex_text(step.step_id, where) + r"}\par",
        latex_text(step.narration, f"the narration of {where}") + r"\par",
    ]
    for formula in step.formulas:
        out.append(r"\begin{center}\chainrulefit{" + formula + r"}\end{center}")
    if frame is not None:
        out.append(
            r"\begin{center}\includegraphics[width=0.62\linewidth]{" + frame + r"}\end{center}"
        )
    out += _latex_certificate(step)
    return out


def _latex_certificate(step: HandoutStep) -> list[str]:
    certificate = step.certificate
    where = f"the certificate of step {step.step_id}"
    colour = "chainruleok" if certificate.holds else "chainrulefail"
    verdict = r"\textcolor{" + colour + r"}{\textbf{" + verdict_word(certificate) + "}}"
    out = [
        r"{\raggedright\hyphenpenalty=10000\exhyphenpenalty=10000"
        r"\textbf{Verification:} "
        + verdict
        + ": "
        + latex_text(certificate.summary(), where)
        + r"\par}"
    ]
    if certificate.claims:
        out.append(
            r"\begin{itemize}\small\raggedright\hyphenpenalty=10000"
            r"\exhyphenpenalty=10000"
        )
        for claim in certificate.claims:
            text = latex_text(f"{subtitle_text(claim.description)}: ", where)
            if claim.holds:
                text += latex_text(claim.summary(), where)
            else:
                text += (
                    r"\textcolor{chainrulefail}{\textbf{FAILED:} "
                    + latex_text(str(claim.failure), where)
                    + "}"
                )
            out.append(r"\item " + text)
        out.append(r"\end{itemize}")
    return out


def compile_pdf(source: str, folder: Path, passes: int = 3) -> Path:
    """Run pdflatex ``passes`` times (the contents, its page numbers once it is in, and the
    PDF bookmarks need three) on
    ``source`` in ``folder`` (which holds the frames it includes), in the sandbox of the
    scenes' TeX; returns the PDF. A LaTeX error raises :class:`RenderFailed` with the first
    error line of the log."""

    program = shutil.which("pdflatex")
    if program is None:
        raise MissingDependency(
            "pdflatex not found: the PDF handout needs it; install with "
            "`sudo apt-get install texlive-latex-base "
            "texlive-latex-recommended texlive-fonts-recommended` "
            "(or use --format html)"
        )
    folder = folder.resolve()
    (folder / "handout.tex").write_text(source, encoding="utf-8")
    pdf = folder / "handout.pdf"
    command = sandboxed_command(
        [program, "-interaction=nonstopmode", "-halt-on-error", "handout.tex"], folder
    )
    for _ in range(passes):
        try:
            done = subprocess.run(
                command, cwd=folder, capture_output=True, timeout=LATEX_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise RenderFailed(f"pdflatex took longer than {LATEX_TIMEOUT} s") from None
        if done.returncode != 0 or not pdf.is_file():
            raise RenderFailed(f"pdflatex could not typeset the handout: {_first_error(folder)}")
    return pdf


def _first_error(folder: Path) -> str:
    log = folder / "handout.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    for line in text.splitlines():
        if line.startswith("!"):
            return line.lstrip("! ")
    return "no PDF was made (see the LaTeX log)"


# ---------------------------------------------------------------------- HTML


def html_document(handout: Handout) -> str:
    """One self-contained HTML page of ``handout`` (formulas typeset ahead by KaTeX, its CSS
    and fonts inlined, frames as data URIs; no script, nothing fetched)."""

    texs = [formula for step in handout.steps for formula in step.formulas]
    rendered = iter(render_many(texs, display=True))
    steps = [_html_step(step, [next(rendered) for _ in step.formulas]) for step in handout.steps]
    return render(
        "handout.html",
        SCENE=handout.scene,
        NETWORK=handout.network,
        COUNT=len(handout.steps),
        KATEX_CSS=Markup(stylesheet()),
        CSS=Markup(read("handout.css")),
        STEPS=Markup("\n".join(steps)),
    )


def _html_step(step: HandoutStep, formulas: Sequence[str]) -> str:
    e = escape_html
    parts = [
        f'<section class="step" id="{e(step.step_id)}">',
        f"<h2>{e(step.title)}</h2>",
        f'<div class="step-id">{e(step.step_id)}</div>',
        f'<p class="narration">{e(step.narration)}</p>',
    ]
    parts += [f'<div class="formula">{formula}</div>' for formula in formulas]
    if step.frame is not None:
        data = base64.b64encode(step.frame.read_bytes()).decode("ascii")
        parts.append(
            f'<figure><img alt="{e(step.title)}: the last frame of the step" '
            f'src="data:image/png;base64,{data}"></figure>'
        )
    parts.append(_html_certificate(step.certificate))
    parts.append("</section>")
    return "\n".join(parts)


def _html_certificate(certificate: StepCertificate) -> str:
    e = escape_html
    state = "" if certificate.holds else " failed"
    verdict = verdict_word(certificate)
    out = [
        f'<div class="certificate{state}" data-holds="{str(certificate.holds).lower()}">',
        f'<span class="verdict">{verdict}</span>: '
        f'<span class="summary">{e(certificate.summary())}</span>',
    ]
    if certificate.claims:
        out.append("<ul>")
        for claim in certificate.claims:
            how = (
                e(claim.summary())
                if claim.holds
                else f'<span class="verdict">FAILED:</span> {e(str(claim.failure))}'
            )
            out.append(
                f'<li class="claim{"" if claim.holds else " failed"}">'
                f"{e(subtitle_text(claim.description))}: {how}</li>"
            )
        out.append("</ul>")
    out.append("</div>")
    return "\n".join(out)


# ---------------------------------------------------------------------- writing


def build_handout(handout: Handout, format_: str, work: Path) -> Path:
    """Make ``handout`` as ``format_`` inside the private folder ``work``; returns the file,
    ready to be moved into place (nothing is written elsewhere)."""
    if format_ not in HANDOUT_FORMATS:
        raise ConfigError(
            f"unknown handout format {format_!r}: choose one of {', '.join(HANDOUT_FORMATS)}"
        )
    work.mkdir(parents=True, exist_ok=True)
    if format_ == "html":
        page = work / "handout.html"
        page.write_text(html_document(handout), encoding="utf-8")
        return page
    names: dict[str, str] = {}
    for step in handout.steps:
        if step.frame is not None:
            name = f"frame-{len(names) + 1:02d}.png"
            shutil.copyfile(step.frame, work / name)
            names[step.step_id] = name
    return compile_pdf(latex_source(handout, names), work)


def refuse_failures(handouts: Sequence[Handout]) -> None:
    """Raise :class:`~chainrule.errors.VerificationFailed` naming the first step (of any of
    ``handouts``) whose certificate fails: no handout is made with a failing step."""
    for handout in handouts:
        failed = failed_steps(handout)
        if failed:
            step = failed[0]
            claim = next(c for c in step.certificate.claims if not c.holds)
            raise VerificationFailed(
                f"step {step.step_id} ({step.title}) failed "
                f"verification: {claim.description}: {claim.failure}; "
                f"no handout was written"
            )


class HandoutMedium:
    """A handout of each scene of the output, ``<Scene>_handout.<format>`` (pdf or html),
    with its key frames unless ``context.cache`` is ``None``; made when asked for
    (``chainrule handout``). Every scene's steps are checked before anything is drawn, and
    every handout is made (in a temporary folder) before any is moved into place. The
    manifest key ``handouts`` lists per file its name and how many steps and key frames."""

    name = "handout"

    def applies_to(self, output: Output) -> bool:
        return self.name in output.requested and output.format in HANDOUT_FORMATS

    def publish(self, output: Output, context: Context) -> list[Path]:

        settings, derivation, catalog = context.required()
        network = settings.network.spec().describe()
        plans = [
            (name, narrated_ids_of(catalog.scenes[name], derivation)) for name in output.scenes
        ]
        handouts = [Handout(name, network, handout_steps(derivation, ids)) for name, ids in plans]
        refuse_failures(handouts)
        with tempfile.TemporaryDirectory(prefix="chainrule-handout-") as folder:
            work = Path(folder)
            built = []
            for handout, (name, ids) in zip(handouts, plans, strict=True):
                if context.cache is not None:
                    handout = self._with_frames(handout, ids, output, context, work / "frames")
                built.append((handout, build_handout(handout, output.format, work / name)))
            made = []  # every file made before any is moved into place
            output.folder.mkdir(parents=True, exist_ok=True)
            for handout, path in built:
                target = output.folder / f"{handout.scene}_handout.{output.format}"
                atomic_move(path, target)
                made.append(target)
                frames = sum(step.frame is not None for step in handout.steps)
                output.manifest.setdefault("handouts", []).append(
                    {"path": target.name, "steps": len(handout.steps), "key_frames": frames}
                )
        return made

    @staticmethod
    def _with_frames(
        handout: Handout, step_ids: Sequence[str], output: Output, context: Context, work: Path
    ) -> Handout:
        """``handout`` with each step's key frame, drawn at ``output.size``."""
        size = output.size or FRAME_SIZE
        target = work / handout.scene
        target.mkdir(parents=True)
        context.note(f"Drawing the key frames of {handout.scene} at {size[0]}x{size[1]} ...")
        assert context.cache is not None
        settings, derivation, catalog = context.required()
        frames = render_key_frames(
            settings,
            derivation,
            catalog,
            handout.scene,
            step_ids,
            size,
            context.cache,
            target,
        )
        steps = tuple(replace(step, frame=frames.get(step.step_id)) for step in handout.steps)
        return replace(handout, steps=steps)


__all__ = [
    "CONTENTS_FROM",
    "FRAME_SIZE",
    "HANDOUT_FORMATS",
    "UNICODE_TEX",
    "Handout",
    "HandoutMedium",
    "HandoutStep",
    "build_handout",
    "compile_pdf",
    "failed_steps",
    "handout_steps",
    "html_document",
    "latex_source",
    "latex_text",
    "refuse_failures",
    "render_key_frames",
    "section_frames",
    "step_formulas",
    "verdict_word",
]
