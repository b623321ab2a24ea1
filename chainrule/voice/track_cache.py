"""Encoded narration tracks kept on disk, so a render whose speech and timing did not change
mixes, normalises and encodes nothing: its track is muxed as it was encoded last time.

A track is keyed by :func:`track_key`: where each step's speech starts (the voice marks), which
speech that is (its speech-cache key, so the words, the engine, the voice and a recording's
content), the video's length and first frame, the container, and what makes the sound (the
source of :mod:`.track` and :mod:`.mux`, PyAV's and FFmpeg's versions). Changing the colours or
the font of a lecture redraws its video but keeps its track; changing one step's wording or
timing makes a new track.

Each track is one ``<key>.npz`` file (the packets' bytes, times and side data), written to a
temporary file and renamed; a file that cannot be read back is made again and replaced.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from chainrule.voice import mux, track
from chainrule.voice.mux import CODECS, AudioPacket, EncodedAudio
from chainrule.voice.npz_folder import NpzFolder
from scenes.narration import VoiceMark

#: Bumped when the stored form changes (old entries then miss).
FORMAT = 1


@cache
def _sound_code() -> str:
    """Digest of the code that makes a track and of the libraries that encode it."""
    import av

    digest = hashlib.sha256()
    for module in (track, mux):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(av.__version__.encode())
    digest.update(json.dumps(av.library_versions, sort_keys=True).encode())
    return digest.hexdigest()


def track_key(
    marks: Sequence[VoiceMark],
    speech_keys: Mapping[str, str],
    seconds: float,
    start: int,
    count: int,
    suffix: str,
    rate: int,
) -> str:
    """The cache key of the track of a video ``seconds`` long whose audio starts at sample
    ``start`` and has ``count`` samples at ``rate`` Hz, in the container of ``suffix``, with
    each mark's speech (``speech_keys``: step id → speech-cache key) placed at its mark."""
    payload = {
        "format": FORMAT,
        "code": _sound_code(),
        "suffix": suffix.lower(),
        "rate": rate,
        "codec": repr(CODECS.get(suffix.lower())),
        "seconds": repr(float(seconds)),
        "start": start,
        "count": count,
        "marks": [[m.step_id, repr(float(m.start)), speech_keys[m.step_id]] for m in marks],
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _joined(chunks: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """All ``chunks`` in one byte array, and the offset where each starts (plus the end)."""
    offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(chunk) for chunk in chunks])
    return np.frombuffer(b"".join(chunks), dtype=np.uint8), offsets


def _split(data: np.ndarray, offsets: np.ndarray) -> list[bytes]:
    return [data[offsets[i] : offsets[i + 1]].tobytes() for i in range(len(offsets) - 1)]


class TrackCache(NpzFolder):
    """Encoded tracks stored in ``root`` (created when first written)."""

    def load(self, key: str) -> EncodedAudio | None:
        """The stored track of ``key``, or None (absent or unreadable)."""
        return self.read(key, _encoded_audio)

    def store(self, key: str, audio: EncodedAudio) -> None:
        """Keep ``audio`` under ``key`` (temporary file, then rename)."""
        data, offsets = _joined([p.data for p in audio.packets])
        sides = [(i, kind, value) for i, p in enumerate(audio.packets) for kind, value in p.side]
        side_data, side_offsets = _joined([value for _, _, value in sides])
        self.write(
            key,
            {
                "suffix": np.str_(audio.suffix),
                "rate": np.int64(audio.rate),
                "data": data,
                "offsets": offsets,
                "pts": np.array([p.pts for p in audio.packets], dtype=np.int64),
                "dts": np.array([p.dts for p in audio.packets], dtype=np.int64),
                "duration": np.array([p.duration for p in audio.packets], dtype=np.int64),
                "keyframe": np.array([p.keyframe for p in audio.packets], dtype=bool),
                "side_packet": np.array([i for i, _, _ in sides], dtype=np.int64),
                "side_type": np.array([kind for _, kind, _ in sides], dtype=np.str_),
                "side_data": side_data,
                "side_offsets": side_offsets,
            },
        )


def _encoded_audio(stored: np.lib.npyio.NpzFile) -> EncodedAudio:
    data = _split(stored["data"], stored["offsets"])
    side = _split(stored["side_data"], stored["side_offsets"])
    sides: dict[int, list[tuple[str, bytes]]] = {}
    for index, kind, value in zip(stored["side_packet"], stored["side_type"], side, strict=True):
        sides.setdefault(int(index), []).append((str(kind), value))
    times = zip(stored["pts"], stored["dts"], stored["duration"], stored["keyframe"], strict=True)
    packets = tuple(
        AudioPacket(
            data[i], int(pts), int(dts), int(duration), bool(key_frame), tuple(sides.get(i, ()))
        )
        for i, (pts, dts, duration, key_frame) in enumerate(times)
    )
    if len(packets) != len(data):
        raise ValueError("packet times and packet data differ in number")
    return EncodedAudio(str(stored["suffix"]), int(stored["rate"]), packets)


__all__ = ["FORMAT", "TrackCache", "track_key"]
