"""How fast a lecture runs: reading speed for subtitles and a speed factor for animations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pacing:
    """Timing settings educators may change.

    ``words_per_minute`` is the subtitle reading speed; every subtitle stays at least
    ``min_caption_seconds``. ``speed`` scales animation run times and pauses (2 plays them
    twice as fast) but never the time a subtitle needs to be read.

    Examples
    --------
    >>> Pacing(words_per_minute=120).reading_time("one two three four")
    2.0
    >>> Pacing(speed=2).run_time(1.0)
    0.5
    """

    words_per_minute: float = 160
    min_caption_seconds: float = 2.0
    speed: float = 1.0

    def __post_init__(self) -> None:
        for name in ("words_per_minute", "min_caption_seconds", "speed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{name} = {value!r} is not a positive number: pacing "
                                 f"settings are numbers greater than 0, e.g. speed = 1.5")

    def reading_time(self, text: str) -> float:
        """Seconds a viewer needs to read ``text`` at ``words_per_minute``."""
        words = len(text.split())
        return max(self.min_caption_seconds, 60.0 * words / self.words_per_minute)

    def run_time(self, seconds: float) -> float:
        """A nominal duration scaled by ``speed``."""
        return seconds / self.speed


def reading_time(text: str, pacing: Pacing | None = None) -> float:
    """Seconds needed to read ``text`` (module-level shortcut for :meth:`Pacing.reading_time`)."""
    return (pacing or Pacing()).reading_time(text)
