"""The voice a render uses, from the ``[voice]`` settings.

>>> from chainrule.settings.model import VoiceSettings
>>> engine_for(VoiceSettings(enabled=False)) is None
True
>>> engine_for(VoiceSettings(engine="recorded", folder="takes"), Path("/lecture")).folder
PosixPath('/lecture/takes')
"""

from __future__ import annotations

from pathlib import Path

from chainrule.settings.model import VoiceSettings
from chainrule.voice.engines import Engine
from chainrule.voice.piper_voice import BUNDLED, PiperEngine
from chainrule.voice.recorded import RecordedEngine


def _resolved(path: str, base: Path) -> Path:
    """``path`` (``~`` expanded) relative to ``base`` unless absolute."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else Path(base) / candidate


def engine_for(settings: VoiceSettings, base: Path | None = None) -> Engine | None:
    """The engine ``settings`` ask for, paths taken relative to ``base`` (default: the current
    folder); None when narration is off. A Piper model that is missing is a
    :class:`~chainrule.errors.ConfigError` here; recordings are checked by
    :meth:`~.recorded.RecordedEngine.check` once the steps are known."""
    if not settings.enabled:
        return None
    base = Path.cwd() if base is None else Path(base)
    if settings.engine == "recorded":
        return RecordedEngine(_resolved(settings.folder, base))
    voice = settings.voice if settings.voice == BUNDLED else str(_resolved(settings.voice, base))
    return PiperEngine(voice, settings.speed)


__all__ = ["engine_for"]
