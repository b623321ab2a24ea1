"""Local worker processes (``--jobs N``): how they start, report progress and stop.

The command's process pool starts each worker with :func:`init_worker` and hands it units
through :func:`draw_in_worker`; progress goes back through a queue as (label, seconds of video
drawn). The parent decides when to stop: a worker ignores Ctrl-C and leaves on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING

import tqdm

from chainrule import stop
from chainrule.rendering import drawing

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

    from chainrule.exchange import RenderedFiles, RenderUnit

_QUEUE: Queue[tuple[str, float]] | None = None


def init_worker(queue: Queue[tuple[str, float]]) -> None:
    """Process-pool initializer: remember the progress queue."""
    global _QUEUE
    _QUEUE = queue

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    # and stops a worker with SIGTERM: exit through Python so its semaphores are released
    signal.signal(signal.SIGTERM, _exit_on_term)
    sys.unraisablehook = stop.quiet_unraisable
    # Manim's tqdm would otherwise create a process-shared lock (a named semaphore) in each
    # worker; a worker ended after EXIT_GRACE cannot release it, and the resource tracker
    # then prints a "leaked semaphore" warning under the one-line message. A worker is one
    # process: a thread lock does.

    tqdm.tqdm.set_lock(threading.RLock())


#: Seconds a stopped worker may take to exit through Python before it exits at once.
EXIT_GRACE = 2.0


def _exit_on_term(signum: int, frame: FrameType | None) -> None:
    """Leave through Python (locks held in ``with`` blocks are released on the way), and make
    sure the process does end: Manim's partial-movie encoder threads are not daemons and wait
    for frames that will never come, so without the timer the interpreter's final join of
    threads could wait forever (seen as a hung Ctrl-C under load)."""
    stop.request(signum)  # a worker's play() raises it again if this one is swallowed

    timer = threading.Timer(EXIT_GRACE, os._exit, args=(128 + signum,))
    timer.daemon = True
    timer.start()
    raise SystemExit(128 + signum)


def _queue_report(scene: str, seconds: float) -> None:
    if _QUEUE is not None:
        _QUEUE.put((scene, seconds))


def draw_in_worker(unit: RenderUnit) -> RenderedFiles:
    """:func:`chainrule.rendering.drawing.draw_unit` in a worker process (with the derivation it
    verifies itself), reporting progress through the queue."""

    return drawing.draw_unit(unit, report=_queue_report)


__all__ = ["EXIT_GRACE", "draw_in_worker", "init_worker"]
