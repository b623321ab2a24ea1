"""Cold LaTeX cost of a scene, one compile per string (Manim) against one batch
(:mod:`manim_adapter.texbatch`), measured in one run. Prints; asserts nothing.

1. ``scenes.typeset.scene_requests`` foresees the scene's TeX strings from the derivation data, and
   ``texbatch.precompile`` typesets them into an empty TeX folder (the batch).
2. The scene runs once with ``dry_run`` (no frames) on that folder while every string Manim asks
   for is recorded: found in the cache (a hit) or typeset by Manim itself (a miss).
3. Every string Manim asked for is typeset again the way Manim does it, one ``latex`` and one
   ``dvisvgm`` run each, into another empty folder: the cold cost without the batch.

    .venv/bin/python benchmarks/tex.py [--scene Lecture]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", default="Lecture", help="the scene (default Lecture)")
    parser.add_argument("--dims", help="layer sizes, e.g. 4,4,3 (default: the scene's)")
    parser.add_argument("--m", type=int, help="number of examples (default: the scene's)")
    parser.add_argument("--activation", help="hidden activation (default: the scene's)")
    args = parser.parse_args()

    import manim.mobject.text.tex_mobject as tex_mobject
    from manim import tempconfig
    from manim.utils.tex_file_writing import tex_to_svg_file

    from chainrule.catalog import discover
    from manim_adapter import texbatch
    from scenes.typeset import scene_requests

    scene_class = discover().get(args.scene)
    if args.dims or args.m or args.activation:
        from dataclasses import replace

        changes: dict[str, Any] = {}
        if args.dims:
            changes["layer_dims"] = tuple(int(n) for n in args.dims.split(","))
        if args.m:
            changes["m"] = args.m
        if args.activation:
            changes["activation"] = args.activation
        spec = replace(scene_class.spec, **changes)
        scene_class = type(scene_class.__name__, (scene_class,), {"spec": spec})
    with tempfile.TemporaryDirectory(prefix="chainrule-tex-bench-") as scratch:
        work = Path(scratch)
        settings = {
            "quality": "low_quality",
            "media_dir": str(work / "media"),
            "verbosity": "WARNING",
            "progress_bar": "none",
            "disable_caching": True,
        }
        with tempconfig({**settings, "tex_dir": str(work / "batch")}):
            start = time.perf_counter()
            requests = scene_requests(scene_class)
            foreseen = time.perf_counter() - start
            stats = texbatch.precompile(requests)

            asked: dict[str, tuple[str, str | None, Any]] = {}
            misses: dict[str, float] = {}

            def recording(
                expression: str, environment: str | None = None, tex_template: Any = None
            ) -> Path:
                name = texbatch.TexRequest.of(expression, environment, tex_template).name
                asked.setdefault(name, (expression, environment, tex_template))
                cached = (work / "batch" / f"{name}.svg").exists()
                began = time.perf_counter()
                path = tex_to_svg_file(expression, environment, tex_template)
                if not cached:
                    misses[name] = time.perf_counter() - began
                return path

            tex_mobject.tex_to_svg_file = recording  # type: ignore[assignment]
            try:
                with tempconfig({"dry_run": True}):
                    scene_class().render()
            finally:
                tex_mobject.tex_to_svg_file = tex_to_svg_file  # type: ignore[assignment]

        with tempconfig({**settings, "tex_dir": str(work / "single")}):
            start = time.perf_counter()
            for expression, environment, template in asked.values():
                tex_to_svg_file(expression, environment, template)
            single = time.perf_counter() - start

    hits = len(asked) - len(misses)
    after = stats.seconds + sum(misses.values())
    print(
        f"{args.scene} ({scene_class.spec.describe()}): {len(asked)} distinct TeX strings "
        f"asked for by Manim"
    )
    print(
        f"  foreseen from the derivation: {len(requests)} strings in {foreseen:.2f} s; "
        f"hit rate {hits}/{len(asked)} = {100 * hits / max(1, len(asked)):.0f}%, "
        f"{len(requests) - hits} foreseen but not asked"
    )
    print(
        f"  cold TeX, one compile per string (Manim): {single:6.1f} s "
        f"({single / max(1, len(asked)):.2f} s a string)"
    )
    print(
        f"  cold TeX, batch + Manim for the misses:   {after:6.1f} s "
        f"(batch {stats.seconds:.1f} s: {stats.describe()}; "
        f"{len(misses)} misses {sum(misses.values()):.1f} s)"
    )
    print(f"  saved {single - after:.1f} s ({single / max(after, 1e-9):.0f}x less TeX time)")


if __name__ == "__main__":
    main()
