"""Run a render plan: units found in the cache are copied, the others drawn through an
executor and stored, and each scene's units joined into its files."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from chainrule.exchange import RenderedFiles
from chainrule.files import remove_stale, scratch_folder
from chainrule.rendering.cache import restore, store
from chainrule.rendering.executors import Executor
from chainrule.rendering.joining import join
from chainrule.rendering.plan import RenderPlan
from chainrule.rendering.progress import RenderProgress


def run_plan(plan: RenderPlan, executor: Executor) -> list[RenderedFiles]:
    """One result per scene of ``plan`` (in order): joined files, or the first failure."""

    start = time.perf_counter()
    units = plan.units
    done: dict[str, RenderedFiles] = {}
    for unit in units:
        cached = restore(unit)
        if cached is not None:
            done[unit.label] = cached
    todo = sorted((u for u in units if u.label not in done), key=lambda u: -u.estimate)
    with RenderProgress({u.label: u.estimate for u in todo}) as progress:
        drawn = executor.draw(todo, plan.derivation, progress) if todo else []
    for unit, result in zip(todo, drawn, strict=True):
        done[unit.label] = result
        store(unit, result)
    if todo and len(done) > len(todo):
        click.echo(
            f"{len(done) - len(todo)} of {len(units)} parts unchanged, copied from the cache"
        )
    elif not todo:
        click.echo(f"nothing changed: all {len(units)} parts copied from the cache")
    seconds = time.perf_counter() - start
    results = []
    for scene in plan.scenes:
        parts = [done[unit.label] for unit in scene.units]
        failed = next((r for r in parts if r.error is not None), None)
        if failed is not None:
            results.append(
                RenderedFiles(
                    scene.scene, scene.stem, error=failed.error, traceback=failed.traceback
                )
            )
        else:
            results.append(join(scene.scene, scene.stem, scene.work_dir, parts, seconds))
    return results


@contextmanager
def work_folder(cache: Path) -> Iterator[Path]:
    """A private folder for the units' files under the cache folder ``cache`` (so Dask
    workers, which share it, write there too), removed afterwards whatever happens; the
    folders of renders that were killed are removed first (:func:`chainrule.files.is_stale`)."""
    root = cache / "work"
    root.mkdir(parents=True, exist_ok=True)
    remove_stale(root)
    with scratch_folder(root, "render", hidden=False) as folder:
        yield folder


__all__ = ["run_plan", "work_folder"]
