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
- :mod:`.measure` — loudness, RMS in a window and the jump at a seam, for tests and notes;
- :mod:`.choose` — the engine the ``[voice]`` settings ask for (None when narration is off).

Decisions, measured where they could be:

- Piper runs with no noise (``noise_scale = noise_w_scale = 0``): the same text gives the same
  samples, so speech is cached and tested exactly. Each sentence is spoken on its own, trimmed
  and followed by 0.25 s of silence, so its subtitle cue covers exactly its sound.
- Recorded speech is cached too, keyed by the sha256 of the recording's bytes (size and time
  could miss a re-recording); recordings are checked, all of them, before anything is drawn
  (:class:`~chainrule.errors.RecordingError`, exit 2, one line naming the file and the step).
- Loudness: one gain per lecture (:func:`.track.loudness_gain` over the whole lecture's track,
  then :func:`.track.amplified` for each video), so parts joined sound as the whole; a limiter
  keeps samples at or below -2 dBFS because Piper's peaks sit about 22 dB above its loudness,
  and AAC and Opus overshoot peaks by up to 1 dB (decoded: at or below -1 dBFS).
- Audio is added to a drawn video by copying its video packets (no re-encoding) and encoding
  the track beside them; AAC's priming and Opus's pre-skip are recorded by the container, so
  a click placed at a sample is decoded at that sample (measured: 0 samples off).
"""
