"""Draw units on a Dask cluster (``chainrule render --executor dask --scheduler tcp://HOST:PORT``).

Dask's ``distributed`` is an optional dependency (``pip install 'chainrule[dask]'``). Each unit
is one task: ``Client.submit`` of a picklable :class:`~chainrule.exchange.RenderUnit`, collected
with ``as_completed`` for the progress lines. A worker needs the same chainrule (and scenes,
derivations, Manim, TeX) as the command, which is checked when connecting, and the cache folder
at the same path: units write their files into work folders under it, and the command reads
them from there. A worker process draws one unit at a time (Manim's configuration is global to
a process), whatever its number of threads.
"""

from __future__ import annotations

import logging
import re
import shlex
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from chainrule.errors import ConfigError, RenderFailed
from chainrule.exchange import RenderedFiles
from chainrule.rendering import drawing
from chainrule.rendering.keys import Toolchain, toolchain

if TYPE_CHECKING:
    from distributed import Client

    from chainrule.exchange import RenderedFiles, RenderUnit
    from chainrule.rendering.progress import RenderProgress
    from derivations import Derivation

#: The oldest ``distributed`` chainrule is tested with (also in pyproject's ``dask`` extra).
DISTRIBUTED_REQUIREMENT = "distributed>=2024.1"
#: Seconds to wait for the scheduler before giving up.
CONNECT_TIMEOUT = 10
#: ``tcp://HOST:PORT`` (or ``tls://``).
ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")

_ONE_AT_A_TIME = threading.Lock()


def install_command() -> str:
    """The exact command that installs ``distributed`` for this Python."""
    return f"{shlex.quote(sys.executable)} -m pip install {shlex.quote(DISTRIBUTED_REQUIREMENT)}"


def check_address(address: str) -> str:
    """``address`` if it looks like ``tcp://HOST:PORT``; else a :class:`ConfigError`."""
    match = ADDRESS.match(address)
    if match is None or not 0 < int(match.group(3)) < 65536:
        shown = address if len(address) <= 60 else address[:57] + "..."
        raise ConfigError(
            f"option --scheduler: {shown!r} is not a Dask scheduler address: "
            f"write tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786"
        )
    return address


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """Dask logs connection failures itself; the command reports them in its one line."""
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", "asyncio")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class DaskExecutor:
    """Draws units as tasks of the Dask scheduler at ``address`` (connected on creation)."""

    def __init__(self, address: str) -> None:
        try:
            import distributed
        except ImportError:
            raise ConfigError(
                f"--executor dask needs Dask's distributed package, which is not "
                f"installed: install it with `{install_command()}`"
            ) from None
        self.address = check_address(address)
        try:
            with _quiet_dask():
                self.client: Client = distributed.Client(
                    address, timeout=CONNECT_TIMEOUT, set_as_default=False
                )
        except (OSError, TimeoutError, ValueError) as error:
            raise ConfigError(
                f"option --scheduler: cannot reach the Dask scheduler at "
                f"{address}: {' '.join(str(error).split())[:200]}"
            ) from None
        try:
            self._check_workers()
        except BaseException:
            self.close()
            raise

    def _check_workers(self) -> None:
        """Every worker runs the same code and tools as this command (else its pictures
        would be cached under keys that do not describe them)."""

        with _quiet_dask():
            if not self.client.scheduler_info().get("workers"):
                raise ConfigError(
                    f"option --scheduler: the Dask scheduler at {self.address} "
                    f"has no workers: start some with `dask worker "
                    f"{self.address} --nthreads 1`"
                )
            try:
                theirs = self.client.run(_worker_toolchain)
            except Exception as error:
                raise ConfigError(
                    f"the Dask workers at {self.address} cannot run chainrule "
                    f"({type(error).__name__}: {error}): install the same "
                    f"chainrule on every worker"
                ) from None
        ours = toolchain()
        for worker, chain in theirs.items():
            if chain != ours:
                what = _difference(ours.as_dict(), chain.as_dict())
                raise ConfigError(
                    f"the Dask worker {worker} has a different {what} than this "
                    f"command: install the same chainrule and tools on every "
                    f"worker"
                )

    def draw(
        self, units: Sequence[RenderUnit], derivation: Derivation, progress: RenderProgress
    ) -> list[RenderedFiles]:
        """Submit every unit, collect them as they finish (``derivation`` stays here: each
        worker process derives and verifies its own, once)."""
        from distributed import as_completed

        futures = [
            self.client.submit(draw_on_worker, unit, pure=False, retries=0) for unit in units
        ]
        index = {future.key: i for i, future in enumerate(futures)}
        results: dict[int, RenderedFiles] = {}
        try:
            for future in as_completed(futures, loop=self.client.loop):
                unit = units[index[future.key]]
                try:
                    result = future.result()
                except (KeyboardInterrupt, SystemExit):
                    raise
                except Exception as error:  # the worker died, or lost its connection
                    if self.client.status not in ("running", "connecting"):
                        raise RenderFailed(
                            f"lost the Dask scheduler at {self.address} while rendering: {error}"
                        ) from None
                    result = RenderedFiles(
                        unit.scene,
                        unit.stem,
                        error=f"Dask worker failed: {type(error).__name__}: {error}",
                    )
                results[index[future.key]] = result
                progress.report(unit.label, unit.estimate)
                progress.finished(result, unit.label)
        except BaseException:
            with _quiet_dask():
                self.client.cancel(futures)
            raise
        return [results[i] for i in range(len(units))]

    def close(self) -> None:
        """Disconnect (the cluster keeps running)."""
        with _quiet_dask():
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def draw_on_worker(unit: RenderUnit) -> RenderedFiles:
    """A Dask task: draw ``unit`` in this worker process, one unit at a time."""

    with _ONE_AT_A_TIME:
        return drawing.draw_unit(unit)


def _worker_toolchain() -> Toolchain:

    return toolchain()


def _difference(ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    for group in ("packages", "versions", "switches"):
        for name, value in ours[group].items():
            if theirs[group].get(name) != value:
                return f"{name} ({'code' if group == 'packages' else group[:-1]})"
    return "set-up"


__all__ = ["DaskExecutor", "check_address", "draw_on_worker", "install_command"]
