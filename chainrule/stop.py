"""Remember a stop signal, so that a render stops even when Python swallows the exception.

A signal handler raises in whatever code runs when the signal arrives; if that is a weakref
callback or a ``__del__``, Python prints "Exception ignored in ..." and goes on. The handlers
therefore also record the signal here, and every ``play`` of a rendered scene calls
:func:`raise_if_requested`, so the render stops at the next animation at the latest.
"""

from __future__ import annotations

import signal
import sys
from typing import NoReturn

from chainrule.errors import Interrupted

_requested: list[int] = []


def request(signum: int) -> None:
    """Record that signal ``signum`` asked the process to stop."""
    _requested.append(signum)


def clear() -> None:
    """Forget recorded signals (at the start of a command)."""
    _requested.clear()


def raise_if_requested() -> None:
    """Raise the exception for the first recorded stop signal, if any."""
    if _requested:
        raise_for(_requested[0])


def raise_for(signum: int) -> NoReturn:
    """``KeyboardInterrupt`` for SIGINT; :class:`~chainrule.errors.Interrupted` otherwise."""
    if signum == signal.SIGINT:
        raise KeyboardInterrupt

    raise Interrupted("terminated", exit_code=128 + signum)


def quiet_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """A ``sys.unraisablehook`` that drops the stop exceptions Python could not raise (they
    are recorded and raised again by :func:`raise_if_requested`, so printing "Exception
    ignored in ..." with a traceback would only add noise to the one-line message); anything
    else goes to Python's own hook.

    >>> import types
    >>> request(signal.SIGTERM)
    >>> quiet_unraisable(types.SimpleNamespace(exc_type=SystemExit))  # prints nothing
    >>> clear()
    """

    stopping = issubclass(unraisable.exc_type, (KeyboardInterrupt, SystemExit, Interrupted))
    if not (stopping and _requested):
        sys.__unraisablehook__(unraisable)
