"""Every error the ``chainrule`` command reports, in one place.

The command line prints one line per error, ``chainrule: error: <message>``, on stderr and
exits with the error's ``exit_code``; ``--debug`` shows the traceback as well.

========================  =====  ==========================================================
exception                 exit   raised when
========================  =====  ==========================================================
:class:`ConfigError`      2      a config file, option or scene name is wrong (usage error)
:class:`RecordingError`   2      an educator's recording is missing, empty, unreadable or silent
:class:`VerificationFailed` 1    a derivation step or a learner's candidate does not hold
:class:`RenderFailed`     1      Manim failed, or an output could not be written
:class:`MissingDependency` 1     a system program or library (LaTeX, dvisvgm, Cairo) is absent
:class:`Interrupted`      130    Ctrl-C (SIGINT); 143 for SIGTERM
========================  =====  ==========================================================
"""

from __future__ import annotations


class ChainruleError(Exception):
    """Base class: a message meant for the user, and the exit code that goes with it."""

    exit_code: int = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(" ".join(message.split()))  # always one line
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        """The one-line message."""
        return str(self.args[0])


class ConfigError(ChainruleError):
    """A bad config file, option value or scene name. The message names its source."""

    exit_code = 2


class RecordingError(ConfigError):
    """A recording of the educator's voice is missing, empty, not audio, damaged, silent or too
    long. The message names the file and the step; nothing is rendered."""

    exit_code = 2


class VerificationFailed(ChainruleError):
    """A derivation step does not hold, or a candidate formula is wrong."""

    exit_code = 1


class RenderFailed(ChainruleError):
    """Rendering or publishing an output failed."""

    exit_code = 1


class MissingDependency(ChainruleError):
    """A system program or library is missing; the message gives the install command."""

    exit_code = 1


class Interrupted(ChainruleError):
    """The run was interrupted by a signal (exit 128 + signal number)."""

    exit_code = 130


__all__ = [
    "ChainruleError",
    "ConfigError",
    "Interrupted",
    "MissingDependency",
    "RecordingError",
    "RenderFailed",
    "VerificationFailed",
]
