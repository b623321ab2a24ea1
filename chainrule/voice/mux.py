"""The audio track put into a drawn video: the video's packets copied as they are (no
re-encoding, no quality lost, fast), the track encoded beside them: AAC in mp4, Opus in webm.

The track is cut or padded with silence to the video's length (read from its packets), so the
audio lasts as long as the video to within one audio frame (21 ms AAC, 20 ms Opus). The audio
starts where the video's first frame shows; each encoder's start-up delay (AAC's 1024 priming
samples, Opus's pre-skip) is recorded by the muxer (an mp4 edit list, the WebM codec delay), so a
player hears sample ``n`` of the track at ``n / rate`` seconds: measured by a click, decoded AAC
and Opus are within 1 ms of where the click was put.

The new file is written beside ``target`` under a temporary name and renamed over it.

PyAV only (the ffmpeg program is not needed).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from chainrule.files import atomic_path

if TYPE_CHECKING:  # for annotations only: PyAV is imported where audio is written or read
    from av.audio.stream import AudioStream
    from av.container.output import OutputContainer
    from av.packet import Packet
    from av.stream import Stream


@dataclass(frozen=True)
class AudioCodec:
    """How the audio of one container is encoded."""

    container: str  # the muxer's name
    codec: Literal["aac", "libopus"]  # the encoder's name
    sample_format: str  # the encoder's sample format (planar or packed float)
    bit_rate: int  # bits per second
    frame: int  # samples per encoded frame
    options: tuple[tuple[str, str], ...] = ()  # encoder options
    cut_in_silence: bool = False  # may be encoded in pieces cut in digital silence


#: The audio of each container chainrule writes with sound (gif and png carry none).
CODECS: dict[str, AudioCodec] = {
    # the "fast" coder: 30 % quicker than the default "twoloop", no audible loss at 160 kb/s
    # AAC frames overlap only their neighbours, and a frame of zeros decodes to zeros whatever
    # its encoder's state: pieces cut where the track is silent join without a trace. Opus
    # carries predictor state from frame to frame, so it is encoded in one piece.
    ".mp4": AudioCodec(
        "mp4", "aac", "fltp", 160_000, 1024, (("aac_coder", "fast"),), cut_in_silence=True
    ),
    ".webm": AudioCodec("webm", "libopus", "flt", 96_000, 960),
}
#: A track is cut into pieces of at least this many seconds, encoded at once by several processes.
PIECE_SECONDS = 30.0
#: Digital silence needed on each side of a cut, in frames: the frames that overlap the cut
#: (the one before, the one after, and the encoder's look-ahead) all encode zeros.
SILENT_FRAMES = 3


def video_span(video: Path) -> tuple[Fraction, Fraction]:
    """When the first frame of ``video`` shows and when its last frame ends (seconds, exact),
    from the video stream's packets (no decoding)."""
    import av

    with av.open(str(video)) as source:
        stream = source.streams.video[0]
        first: Fraction | None = None
        last = Fraction(0)
        for packet in source.demux(stream):
            if packet.pts is None or packet.time_base is None:
                continue
            begin = packet.pts * packet.time_base
            end = (packet.pts + max(0, packet.duration or 0)) * packet.time_base
            first = begin if first is None else min(first, begin)
            last = max(last, end)
    if first is None:
        raise ValueError(f"{video} has no video frames")
    return first, last


def fitted(samples: np.ndarray, count: int) -> np.ndarray:
    """``samples`` (mono float32) cut or padded with silence to exactly ``count`` samples.

    >>> fitted(np.ones(3, dtype=np.float32), 5).tolist()
    [1.0, 1.0, 1.0, 0.0, 0.0]
    """
    out = np.zeros(count, dtype=np.float32)
    keep = min(count, len(samples))
    out[:keep] = np.asarray(samples[:keep], dtype=np.float32)
    return out


@dataclass(frozen=True)
class AudioPacket:
    """One encoded audio packet, kept as data (so it can be cached and muxed again): its
    bytes, its times in samples (time base 1/rate) and its side data (e.g. Opus's
    ``skip_samples`` on the last packet, which trims the padding of the final frame)."""

    data: bytes
    pts: int
    dts: int
    duration: int
    keyframe: bool
    side: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class EncodedAudio:
    """A whole track encoded for one container (``suffix``: ``.mp4`` or ``.webm``) at
    ``rate`` Hz: what :func:`mux_audio` puts beside a video's frames."""

    suffix: str
    rate: int
    packets: tuple[AudioPacket, ...]


def codec_for(suffix: str) -> AudioCodec:
    """The audio codec of the container with ``suffix``; a :class:`ValueError` for others."""
    codec = CODECS.get(suffix.lower())
    if codec is None:
        raise ValueError(
            f"audio goes into .mp4 or .webm only, not {suffix or 'a file without suffix'}"
        )
    return codec


def _open_audio_stream(out: OutputContainer, codec: AudioCodec, rate: int) -> AudioStream:
    """The audio stream of ``codec`` in the output container ``out``."""
    sound = out.add_stream(codec.codec, rate=rate, layout="mono", options=dict(codec.options))
    sound.bit_rate = codec.bit_rate
    sound.time_base = Fraction(1, rate)
    return sound


def _kept(packet: Packet[AudioStream]) -> AudioPacket:
    side = tuple((data.data_type, bytes(data)) for data in packet.iter_sidedata())
    # an encoder's packets are timed (int() of a missing time failed before these too)
    assert packet.pts is not None
    assert packet.dts is not None
    assert packet.duration is not None
    return AudioPacket(
        bytes(packet),
        int(packet.pts),
        int(packet.dts),
        int(packet.duration),
        bool(packet.is_keyframe),
        side,
    )


def encode_audio(samples: np.ndarray, rate: int, suffix: str, start: int = 0) -> EncodedAudio:
    """``samples`` (mono float in [-1, 1] at ``rate`` Hz) encoded for the container of
    ``suffix`` (:data:`CODECS`), the first sample at ``start`` (in samples).

    A long AAC track is cut where it is digitally silent (:func:`silent_cuts`) and its pieces
    are encoded at once, one process each; their packets, each kept inside its own piece, make
    one stream with the same timing as one encoder's (a test decodes both and compares)."""

    codec = codec_for(suffix)
    track = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    pieces = 1
    if codec.cut_in_silence:
        pieces = min(os.cpu_count() or 1, max(1, int(len(track) / rate // PIECE_SECONDS)))
    bounds = [0, *silent_cuts(track, codec.frame, pieces), len(track)]
    if len(bounds) == 2:
        return EncodedAudio(suffix.lower(), rate, tuple(_encoded(track, rate, codec, start)))
    spans = [(a, b, rate, codec, start + a) for a, b in pairwise(bounds)]
    # forked processes, not threads: PyAV holds the GIL for much of each frame (two threads
    # were slower than one, and their allocator arenas took 500 MB more); a forked child reads
    # the track from the parent's memory instead of a pickled copy
    _PIECES_OF[0] = track
    try:
        with ProcessPoolExecutor(
            len(spans), mp_context=multiprocessing.get_context("fork")
        ) as pool:
            encoded = list(pool.map(_encoded_piece, spans))
    finally:
        _PIECES_OF[0] = None
    kept: list[AudioPacket] = []
    for index, packets in enumerate(encoded):
        low = start + bounds[index] if index else None
        high = start + bounds[index + 1] if index < len(encoded) - 1 else None
        kept.extend(
            p for p in packets if (low is None or p.pts >= low) and (high is None or p.pts < high)
        )
    return EncodedAudio(suffix.lower(), rate, tuple(kept))


def silent_cuts(track: np.ndarray, frame: int, pieces: int) -> list[int]:
    """Up to ``pieces - 1`` cut points in ``track``, in order: each a multiple of ``frame``
    with :data:`SILENT_FRAMES` frames of exact zeros on each side, the one nearest each of the
    evenly spaced targets (a target with no such point nearer than half a piece gets none).

    >>> x = np.ones(40, dtype=np.float32); x[12:28] = 0
    >>> silent_cuts(x, 2, 2), silent_cuts(x, 4, 2), silent_cuts(np.ones(40), 2, 2)
    ([20], [], [])
    """
    whole = len(track) // frame
    if pieces < 2 or whole < 2 * SILENT_FRAMES:
        return []
    silent = ~np.any(np.asarray(track[: whole * frame]).reshape(whole, frame) != 0, axis=1)
    # cut k * frame needs frames k - SILENT_FRAMES .. k + SILENT_FRAMES - 1 silent
    run = np.concatenate([[0], np.cumsum(silent)])
    k = np.arange(SILENT_FRAMES, whole - SILENT_FRAMES + 1)
    candidates = k[run[k + SILENT_FRAMES] - run[k - SILENT_FRAMES] == 2 * SILENT_FRAMES] * frame
    chosen: list[int] = []
    spacing = len(track) / pieces
    for target in (spacing * n for n in range(1, pieces)):
        if len(candidates) == 0:
            break
        best = int(candidates[np.argmin(np.abs(candidates - target))])
        if abs(best - target) < spacing / 2 and (not chosen or best > chosen[-1]):
            chosen.append(best)
    return chosen


#: The track whose pieces forked encoders read (set only while they run).
_PIECES_OF: list[np.ndarray | None] = [None]


def _encoded_piece(span: tuple[int, int, int, AudioCodec, int]) -> list[AudioPacket]:
    """:func:`_encoded` of samples ``a`` to ``b`` of the track being cut (in a forked child)."""
    a, b, rate, codec, start = span
    track = _PIECES_OF[0]
    assert track is not None
    return _encoded(track[a:b], rate, codec, start)


def _encoded(track: np.ndarray, rate: int, codec: AudioCodec, start: int) -> list[AudioPacket]:
    """Every packet of ``track`` encoded by one encoder of ``codec`` (flushed at the end)."""
    import av

    packets: list[AudioPacket] = []
    with av.open(os.devnull, "w", format=codec.container) as out:
        stream = _open_audio_stream(out, codec, rate)
        for at in range(0, len(track), codec.frame):
            chunk = np.ascontiguousarray(track[at : at + codec.frame]).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format=codec.sample_format, layout="mono")
            frame.sample_rate = rate
            frame.time_base = Fraction(1, rate)
            frame.pts = start + at
            packets.extend(_kept(p) for p in stream.encode(frame))
        packets.extend(_kept(p) for p in stream.encode(None))
    return packets


def _rebuilt(kept: AudioPacket, stream: AudioStream, rate: int) -> Packet[Stream]:
    """A PyAV packet of ``stream`` made from ``kept``."""
    import av
    from av.packet import PacketSideData, packet_sidedata_type_from_literal

    packet = av.Packet(kept.data)
    packet.pts, packet.dts, packet.duration = kept.pts, kept.dts, kept.duration
    packet.time_base = Fraction(1, rate)
    packet.is_keyframe = kept.keyframe
    for kind, data in kept.side:
        # PyAV's stubs know neither this constructor nor the kind as text (data_type's type)
        side = PacketSideData(packet_sidedata_type_from_literal(kind), len(data))  # type: ignore[call-arg, arg-type]
        side.update(data)
        packet.set_sidedata(side)
    packet.stream = stream
    return packet


def fitted_count(video: Path, rate: int) -> tuple[int, int]:
    """Where a track for ``video`` starts and how many samples it has: from the first frame's
    start to the last frame's end (:func:`video_span`), at ``rate`` Hz."""
    first, last = video_span(video)
    start = round(first * rate)
    return start, round(last * rate) - start


def add_audio(video: Path, samples: np.ndarray, rate: int, target: Path) -> None:
    """Write ``target``: ``video``'s video stream copied and ``samples`` (mono float in [-1, 1]
    at ``rate`` Hz) as its audio, fitted to the video's length. The kind of audio follows
    ``target``'s suffix (:data:`CODECS`); ``target`` may be ``video`` itself."""
    video, target = Path(video), Path(target)
    codec_for(target.suffix)
    start, count = fitted_count(video, rate)
    mux_audio(video, encode_audio(fitted(samples, count), rate, target.suffix, start), target)


def mux_audio(video: Path, audio: EncodedAudio, target: Path) -> None:
    """Write ``target``: ``video``'s video stream copied and ``audio`` (encoded for
    ``target``'s container) beside it, packets interleaved in time; written to a temporary
    file and renamed (``target`` may be ``video`` itself)."""
    import av

    video, target = Path(video), Path(target)
    codec = codec_for(target.suffix)
    if audio.suffix != target.suffix.lower():
        raise ValueError(
            f"{target}: audio encoded for {audio.suffix} cannot go into {target.suffix}"
        )
    with (
        atomic_path(target, durable=False) as temporary,  # the whole file, renamed, or none
        av.open(str(video)) as source,
        av.open(str(temporary), "w", format=codec.container) as out,
    ):
        picture = source.streams.video[0]
        copy = out.add_stream_from_template(picture)
        if picture.average_rate:  # WebM then records each frame's duration
            copy.codec_context.framerate = picture.average_rate
        sound = _open_audio_stream(out, codec, audio.rate)
        pending = [_rebuilt(p, sound, audio.rate) for p in reversed(audio.packets)]
        for packet in source.demux(picture):  # pop() from the end = in time order
            if packet.dts is None:
                continue
            now = packet.dts * packet.time_base
            while pending and _dts_seconds(pending[-1]) <= now:
                out.mux(pending.pop())
            packet.stream = copy
            out.mux(packet)
        while pending:
            out.mux(pending.pop())


def _dts_seconds(packet: Packet[Stream]) -> Fraction:
    dts = packet.dts if packet.dts is not None else packet.pts
    return Fraction(dts or 0) * packet.time_base


__all__ = [
    "CODECS",
    "AudioCodec",
    "AudioPacket",
    "EncodedAudio",
    "add_audio",
    "codec_for",
    "encode_audio",
    "fitted",
    "fitted_count",
    "mux_audio",
    "silent_cuts",
    "video_span",
]
