"""``chainrule slides``: scenes as slides to teach from (reveal.js HTML, PowerPoint, PDF).

One slide per narrated step with the step's narration as its speaker notes (the lecture also
has a first slide for its title card); see :mod:`chainrule.publishing.slides`. Every input is
checked
(settings, output folder, the slides extra, scene names, LaTeX) before any work, and the
derivation is verified before anything is drawn. The deck is built in a hidden folder inside
the output folder and renamed into place at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from chainrule.cli.folders import chosen_cache_folder
from chainrule.cli.options import (
    ResolutionType,
    config_option,
    debug_enabled,
    debug_option,
    network_options,
    output_dir_option,
    settings_and_output,
)
from chainrule.cli.scene_choice import scenes_to_render
from chainrule.publishing.media import Context, Output, medium
from chainrule.publishing.slides import require_manim_slides
from chainrule.settings.model import QUALITIES, Overrides
from chainrule.settings.scene_settings import scene_settings
from chainrule.system import require_graphics, require_tex
from chainrule.verification import build_derivation, verify_with_display

#: Slides default to 720p30: sharp on a projector, half the frames of the videos' 1080p60.
DEFAULT_QUALITY = "m"


@click.command("slides")
@click.argument("scene_names", nargs=-1, metavar="[SCENE]...")
@click.option(
    "--to",
    "to",
    type=click.Choice(["html", "pptx", "pdf"]),
    default="html",
    show_default=True,
    help="html: reveal.js, offline (press S for the speaker notes); pptx: one slide "
    "per step with its video and notes; pdf: one page per step.",
)
@output_dir_option()
@click.option(
    "--quality",
    "-q",
    type=click.Choice(list(QUALITIES)),
    help=f"l = 480p15, m = 720p30, h = 1080p60, k = 2160p60 [default "
    f"{DEFAULT_QUALITY}; output.quality is for videos].",
)
@click.option(
    "--resolution",
    type=ResolutionType(),
    metavar="WxH",
    help="Pixel size instead of the quality's, e.g. 256x144 for a quick look.",
)
@network_options
@config_option
@debug_option
def slides(
    scene_names: Sequence[str],
    to: str,
    output_dir: str | None,
    quality: str | None,
    resolution: tuple[int, int] | None,
    network: Overrides,
    config_path: str | None,
) -> None:
    """Make slides of SCENEs (default: the whole Lecture): one slide per narrated step, its
    narration as the speaker notes, one deck <Scene>_slides.<to> in the output folder.

    \b
    Slides are silent and each step's video stops on its last frame; press the right arrow
    (or space) for the next step.

    \b
    Examples:
      chainrule slides                          the lecture as media/Lecture_slides.html
      chainrule slides FoldBack WhyTranspose --to pptx -o class
      chainrule slides --to pdf -q l
    """
    settings, out = settings_and_output(config_path, network, output_dir)

    require_manim_slides()

    require_graphics()

    scene_settings(settings)  # the theme and pacing: validated before any work

    catalog, names = scenes_to_render(scene_names)
    require_tex()
    cache = chosen_cache_folder(None)

    spec = settings.network.spec()
    derivation = build_derivation(spec)
    seconds = verify_with_display(derivation, echo_steps=False)
    click.echo(f"Verified {len(derivation)} steps for {spec.describe()} ({seconds:.1f} s).")
    q = QUALITIES[quality or DEFAULT_QUALITY]
    context = Context(
        settings=settings,
        derivation=derivation,
        catalog=catalog,
        cache=cache,
        verbosity="INFO" if debug_enabled() else "WARNING",
        note=click.echo,
    )
    output = Output(
        tuple(names),
        out,
        to,
        requested=frozenset({"slides"}),
        size=resolution or (q.width, q.height),
        fps=q.fps,
    )
    written = medium("slides").publish(output, context)
    click.echo(f"Wrote {written[-1]}  ({output.manifest['slides']} slides)")


__all__ = ["DEFAULT_QUALITY", "slides"]
