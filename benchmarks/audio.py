"""Measure the sound of a narrated render: what the issue asks a note to report, from the files
alone. Prints a report; asserts nothing.

    .venv/bin/python benchmarks/audio.py media/Lecture_h.mp4  # with its .srt and manifest.json

Figures: video and audio length; integrated loudness (ITU-R BS.1770) and peak; per subtitle cue
the RMS of the audio inside the cue (the lowest ones listed) and how much speech lies outside
every cue; per seam between the lecture's parts the largest sample-to-sample jump within
±1 ms, beside the steepest 0.1 % of jumps over the whole track; per step the speech length
against the time the step is held.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import srt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chainrule.voice.measure import (
    decode_audio,
    loudness,
    peak_db,
    rms_db,
    seam_jumps,
    stream_facts,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("video", type=Path)
    args = parser.parse_args()
    video: Path = args.video
    facts = stream_facts(video)
    samples, rate = decode_audio(video)
    print(
        f"{video.name}: video {facts['video_seconds']:.3f} s, audio "
        f"{facts['audio_seconds']:.3f} s ({facts['audio_codec']}, {facts['audio_rate']} Hz)"
    )
    print(
        f"integrated loudness {loudness(samples, rate):.2f} LUFS, peak {peak_db(samples):.2f} dBFS"
    )
    cues = list(srt.parse(video.with_suffix(".srt").read_text(encoding="utf-8")))
    levels = sorted(
        (rms_db(samples, rate, c.start.total_seconds(), c.end.total_seconds()), c.index)
        for c in cues
    )
    print(
        f"{len(cues)} cues; RMS inside a cue: lowest {levels[0][0]:.1f} dB (cue "
        f"{levels[0][1]}), median {levels[len(levels) // 2][0]:.1f} dB, highest "
        f"{levels[-1][0]:.1f} dB"
    )
    covered = np.zeros(len(samples), dtype=bool)
    for cue in cues:
        covered[int(cue.start.total_seconds() * rate) : int(cue.end.total_seconds() * rate)] = True
    frame = rate // 10
    loud_outside = sum(
        1
        for k in range(0, len(samples) - frame, frame)
        if not covered[k : k + frame].any()
        and rms_db(samples, rate, k / rate, (k + frame) / rate) > -40
    )
    print(f"speech outside every cue: {loud_outside * 0.1:.1f} s (100 ms windows above -40 dB)")
    manifest = json.loads((video.parent / "manifest.json").read_text(encoding="utf-8"))
    entry = next(o for o in manifest["outputs"] if o.get("path") == video.name)
    audio = entry.get("audio") or {}
    seams = audio.get("seams", [])
    if seams:
        jumps = seam_jumps(samples, rate, seams)
        steepest = float(np.quantile(np.abs(np.diff(samples)), 0.999))
        print(
            f"{len(seams)} seams: largest jump {max(jumps):.5f} (steepest 0.1 % of the track: "
            f"{steepest:.5f}); at each: " + ", ".join(f"{j:.4f}" for j in jumps)
        )
    steps = audio.get("steps", [])
    ends = [start for _, start, _ in steps[1:]] + [entry["duration"]]
    spare = [end - start - seconds for (_, start, seconds), end in zip(steps, ends, strict=True)]
    if steps:
        print(
            f"{len(steps)} spoken steps, {sum(s for *_, s in steps):.1f} s of speech; time held "
            f"after each step's speech: min {min(spare):.2f} s, median "
            f"{sorted(spare)[len(spare) // 2]:.2f} s, max {max(spare):.2f} s"
        )


if __name__ == "__main__":
    main()
