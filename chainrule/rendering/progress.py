"""The progress shown while units are drawn: one bar across units, in seconds of video, on a
terminal, and one line per finished unit (also without a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from chainrule.exchange import RenderedFiles


class RenderProgress:
    """One overall bar across units, measured in seconds of video (estimates replaced by what
    is drawn); :meth:`report` moves it, :meth:`finished` prints a unit's line."""

    def __init__(self, estimates: dict[str, float]) -> None:
        self.estimates = estimates
        self.rendered = dict.fromkeys(estimates, 0.0)
        self.done: set[str] = set()
        self.started = time.perf_counter()
        stream = sys.stdout
        self.bar: Progress | None = None
        if stream.isatty():
            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("rendering"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=Console(file=stream),
                transient=True,
            )
            self.task = self.bar.add_task("", total=self._total())

    def _total(self) -> float:
        return sum(
            self.rendered[n]
            if n in self.done
            else max(self.estimates[n], self.rendered[n] * 1.1, 0.1)
            for n in self.estimates
        )

    def _refresh(self) -> None:
        if self.bar is None:
            return
        running = [n for n in self.estimates if n not in self.done and self.rendered[n] > 0]
        self.bar.update(
            self.task,
            total=self._total(),
            completed=sum(self.rendered.values()),
            description=f"{len(self.done)}/{len(self.estimates)} scenes"
            + (f" · {', '.join(running)}" if running else ""),
        )

    def report(self, scene: str, seconds: float) -> None:
        """``scene`` (a unit's label) has drawn ``seconds`` of video so far."""
        self.rendered[scene] = max(self.rendered[scene], seconds)
        self._refresh()

    def finished(self, result: RenderedFiles, label: str | None = None) -> None:
        """A unit is done (drawn or failed): one line."""
        label = label or result.scene
        self.done.add(label)
        self._refresh()
        state = "failed" if result.error else "rendered"
        line = f"{state} {label} in {result.render_seconds:.1f} s"
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            click.echo(line)

    def __enter__(self) -> RenderProgress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


__all__ = ["RenderProgress"]
