"""How fast a lecture runs: reading speed for subtitles, holds after new equations, and a speed
factor for animations."""

from __future__ import annotations

from dataclasses import dataclass

from .captions import MAX_CHARS_PER_SECOND, split_narration


@dataclass(frozen=True)
class Pacing:
    """Timing settings educators may change.

    ``words_per_minute`` is the subtitle reading speed. A narration is shown as several cues
    of at most two lines (:func:`scenes.captions.split_narration`); each cue stays for its own
    reading time and at least ``min_caption_seconds``. ``equation_hold`` is how long a step
    stays on screen after its last new formula appeared, so a new equation gets time to sink
    in before the next step (see :meth:`scenes.base.DerivationScene.end_step`). ``speed``
    scales animation run times and pauses (2 plays them twice as fast) but never the time a
    subtitle needs to be read, nor the hold after an equation.

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
    equation_hold: float = 2.0

    def __post_init__(self) -> None:
        for name in ("words_per_minute", "min_caption_seconds", "speed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(
                    f"{name} = {value!r} is not a positive number: pacing "
                    f"settings are numbers greater than 0, e.g. speed = 1.5"
                )
        hold = self.equation_hold
        if isinstance(hold, bool) or not isinstance(hold, (int, float)) or hold < 0:
            raise ValueError(
                f"equation_hold = {hold!r} is not a number of seconds >= 0: "
                f"use e.g. 2.0, or 0 for no hold"
            )

    def cue_seconds(self, cue: str) -> float:
        """Seconds a viewer needs to read one cue at ``words_per_minute``, and at most
        :data:`~scenes.captions.MAX_CHARS_PER_SECOND` characters a second."""
        return max(
            self.min_caption_seconds,
            60.0 * len(cue.split()) / self.words_per_minute,
            len(cue) / MAX_CHARS_PER_SECOND,
        )

    def cue_times(self, text: str) -> tuple[float, ...]:
        """The reading time of each cue of ``text`` (see :func:`~scenes.captions.split_narration`).

        >>> Pacing(words_per_minute=120).cue_times("Short. One two three four five six.")
        (2.0, 3.0)
        """
        return tuple(self.cue_seconds(cue) for cue in split_narration(text))

    def reading_time(self, text: str) -> float:
        """Seconds needed to read ``text``: the sum of its cues' reading times."""
        return sum(self.cue_times(text)) or self.min_caption_seconds

    def run_time(self, seconds: float) -> float:
        """A nominal duration scaled by ``speed``."""
        return seconds / self.speed


def reading_time(text: str, pacing: Pacing | None = None) -> float:
    """Seconds needed to read ``text`` (module-level shortcut for :meth:`Pacing.reading_time`)."""
    return (pacing or Pacing()).reading_time(text)
