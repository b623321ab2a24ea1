"""Narration: speech for every step, from an offline voice or the educator's own recordings.

The pieces, each small and testable without Manim:

- :mod:`.lines` — what is said for a step: its narration split into sentences, each with the
  words a voice reads (:func:`derivations.speech.spoken`);
- :mod:`.engines` — the :class:`~.engines.Engine` interface every voice implements;
- :mod:`.piper_voice` — Piper with the bundled ``joe-us`` voice (offline, deterministic);
- :mod:`.recorded` — the educator's recordings, one file per step, checked before any work;
- :mod:`.speech_cache` — synthesised speech kept by (spoken text, engine, voice, version,
  speed), so an unchanged render synthesises nothing;
- :mod:`.timing` — a step's speech turned into what a scene needs: its length and its
  subtitle cues (:class:`scenes.narration.StepVoice`);
- :mod:`.track` — the audio track of a video from where each step's speech starts, loudness
  normalised (ITU-R BS.1770, −16 LUFS);
- :mod:`.mux` — the track put into the video: AAC in mp4, Opus in webm;
- :mod:`.measure` — loudness, RMS in a window and the jump at a seam, for tests and notes.
"""
