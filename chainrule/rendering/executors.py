"""Where units are drawn: one interface, :class:`Executor`, and its local implementation.

:class:`LocalExecutor` draws in this process (``--jobs 1``, or a single unit) or in a pool of
``--jobs`` worker processes on this machine (:mod:`chainrule.rendering.workers`), with a progress
bar fed
by the workers and the tested Ctrl-C behaviour (workers are told to stop, the command prints one
line). :class:`chainrule.rendering.dask_executor.DaskExecutor` draws on a Dask cluster.

An executor gets the units still to draw and returns one :class:`~chainrule.exchange.RenderedFiles`
per unit, in order; a failed unit is a result with an ``error``, not an exception. What is
cached, stored and joined around it is :mod:`chainrule.rendering.execution`'s business.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

from chainrule.exchange import RenderedFiles
from chainrule.rendering import drawing
from chainrule.rendering.workers import draw_in_worker, init_worker

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

    from chainrule.exchange import RenderedFiles, RenderUnit
    from chainrule.rendering.progress import RenderProgress
    from derivations import Derivation


class Executor(Protocol):
    """Draws units; one result per unit, in the order given."""

    def draw(
        self, units: Sequence[RenderUnit], derivation: Derivation, progress: RenderProgress
    ) -> list[RenderedFiles]:
        """Draw ``units`` (``derivation``: the plan's, verified in this process)."""
        ...


class LocalExecutor:
    """This machine: in this process, or in ``jobs`` worker processes."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = jobs

    def draw(
        self, units: Sequence[RenderUnit], derivation: Derivation, progress: RenderProgress
    ) -> list[RenderedFiles]:
        """Draw ``units`` here, or in a process pool when there are several units and jobs."""
        if self.jobs <= 1 or len(units) <= 1:
            return [_draw_here(unit, derivation, progress) for unit in units]
        return _draw_in_pool(list(units), progress, min(self.jobs, len(units)))


def _draw_here(unit: RenderUnit, derivation: Derivation, progress: RenderProgress) -> RenderedFiles:

    result = drawing.draw_unit(unit, derivation=derivation, report=progress.report)
    progress.finished(result, unit.label)
    return result


def _draw_in_pool(
    units: list[RenderUnit], progress: RenderProgress, workers: int
) -> list[RenderedFiles]:

    context = multiprocessing.get_context("spawn")
    reports: Queue[tuple[str, float]] = context.Queue()
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=init_worker, initargs=(reports,)
    )
    results: dict[int, RenderedFiles] = {}
    try:
        pending = {
            executor.submit(draw_in_worker, unit): (index, unit) for index, unit in enumerate(units)
        }
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(reports, progress, queue_module)  # (reports of finished units come first)
            for future in done:
                index, unit = pending.pop(future)
                try:
                    result = future.result()
                except Exception as error:  # a worker died (killed, out of memory)
                    result = RenderedFiles(
                        unit.scene, unit.stem, error=f"worker process failed: {error}"
                    )
                results[index] = result
                progress.finished(result, unit.label)
    except BaseException:
        processes = list((getattr(executor, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()  # workers exit through Python (see workers.init_worker)
        executor.shutdown(wait=True, cancel_futures=True)  # frees the pool's queues too
        raise
    finally:
        reports.close()
        reports.join_thread()
    executor.shutdown(wait=True)
    return [results[index] for index in range(len(units))]


def _drain(
    reports: Queue[tuple[str, float]], progress: RenderProgress, queue_module: ModuleType
) -> None:
    while True:
        try:
            label, seconds = reports.get_nowait()
        except queue_module.Empty:
            return
        progress.report(label, seconds)


__all__ = ["Executor", "LocalExecutor"]
