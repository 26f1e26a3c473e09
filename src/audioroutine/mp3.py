"""Encode a routine to MP3 on every core: cut inside long silences, encode the parts at once, join.

A part of whole frames decodes to its own samples plus ``JOIN`` samples where it meets the next
part: LAME's padding after its last frame and its delay before the next part's first. The cut lies
in a silence and drops exactly ``JOIN`` samples of it, so every sample after the cut decodes at its
exact place in the timeline and the whole decodes exactly as long as the cue sheet says. The joined
file's Info frame is the first part's, given the frame count, size, seek table, end padding and CRCs
of the whole, written as ffmpeg writes them. If the parts are not laid out as expected (another
encoder, another version) the routine is encoded again in one piece: exact timing comes first.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from mutagen.mp3 import HeaderNotFoundError, MPEGFrame, XingHeader, XingHeaderError

from .audio import MP3_BITRATE, ffmpeg_exe
from .errors import AudioError
from .timeline import MP3_FRAME, Timeline

JOIN = 2 * MP3_FRAME
"""Samples the decoder makes between two parts: a whole-frame part ends with one frame of LAME's
padding, and the next one starts with one frame of its delay."""
GUARD = 4 * MP3_FRAME
"""Silence kept on each side of a cut (about 0.1 s): the encoder sees only silence around it, and
the codec's own ringing after a word (up to a frame) stays clear of the join."""
MIN_PART_S = 20.0
"""A part shorter than this is not worth another encoder."""
MAX_PARTS = 8

Mixer = Callable[[int, int], Iterable[np.ndarray]]
"""``mix(start, stop)``: the routine's int16 samples from ``start`` to ``stop``, block by block."""


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def encode_routine(timeline: Timeline, mix: Mixer, out: Path, *, parts: int | None = None,
                   bitrate: str = MP3_BITRATE) -> None:
    """Encode the routine to ``out`` (CBR, gapless header), in up to ``parts`` pieces at once
    (one per usable core by default).

    Each piece is mixed into a temporary PCM file beside ``out``, which ffmpeg reads as fast as a
    file (through a pipe it encodes about a fifth slower); memory holds one block at a time. The
    first piece's encoder runs while the next piece is mixed."""
    cuts = cut_points(timeline, min(parts or usable_cores(), MAX_PARTS))
    spans = list(zip([0, *(cut + JOIN for cut in cuts)], [*cuts, timeline.total], strict=True))
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.stem}.") as tmp:
        targets = [out, *(Path(tmp) / f"part{i}.mp3" for i in range(1, len(spans)))]
        encoders: list[subprocess.Popen] = []
        try:
            for i, ((start, stop), target) in enumerate(zip(spans, targets, strict=True)):
                pcm = Path(tmp) / f"part{i}.pcm"
                with pcm.open("wb") as handle:
                    for block in mix(start, stop):
                        handle.write(block.tobytes())
                encoders.append(_start_encoder(pcm, target, timeline.rate, bitrate))
            for encoder in encoders:
                _finish(encoder, out)
        finally:
            for encoder in encoders:
                if encoder.poll() is None:
                    encoder.kill()
                    encoder.wait()
        if len(spans) > 1:
            try:
                join(targets, [stop - start for start, stop in spans])
            except CannotJoin:
                encode_routine(timeline, mix, out, parts=1, bitrate=bitrate)


def cut_points(timeline: Timeline, parts: int) -> list[int]:
    """Where to cut the routine into up to ``parts`` pieces of about equal length: whole frames,
    each with ``GUARD`` + ``JOIN`` + ``GUARD`` samples of silence around it, no piece shorter than
    ``MIN_PART_S``. Fewer cuts where the routine has no silence long enough near a share's end."""
    shortest = int(MIN_PART_S * timeline.rate)
    silences = [
        (-(-(lo + GUARD) // MP3_FRAME) * MP3_FRAME, (hi - GUARD - JOIN) // MP3_FRAME * MP3_FRAME)
        for lo, hi in silent_spans(timeline)
    ]
    parts = min(parts, timeline.total // shortest)
    cuts: list[int] = []
    for j in range(1, parts):
        target = round(timeline.total * j / parts / MP3_FRAME) * MP3_FRAME
        best = min((min(max(target, first), last) for first, last in silences if first <= last),
                   key=lambda cut: abs(cut - target), default=None)
        begins = cuts[-1] + JOIN if cuts else 0
        if best is not None and best - begins >= shortest and timeline.total - best - JOIN >= shortest:
            cuts.append(best)
    return cuts


def silent_spans(timeline: Timeline) -> list[tuple[int, int]]:
    """The stretches of the routine where no cue sounds, as (start, end) samples."""
    spans, heard_until = [], 0
    for event in timeline.sounding():
        if event.start > heard_until:
            spans.append((heard_until, event.start))
        heard_until = max(heard_until, event.end)
    if timeline.total > heard_until:
        spans.append((heard_until, timeline.total))
    return spans


def _start_encoder(pcm: Path, out: Path, rate: int, bitrate: str) -> subprocess.Popen:
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", str(pcm),
        "-c:a", "libmp3lame", "-b:a", bitrate, "-write_xing", "1", "-id3v2_version", "0",
        "-f", "mp3", str(out),
    ]
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(encoder: subprocess.Popen, out: Path) -> None:
    _, stderr = encoder.communicate()
    if encoder.returncode != 0:
        message = stderr.decode(errors="replace").strip() or f"exit {encoder.returncode}"
        raise AudioError(f"ffmpeg could not encode {out.name}: {message}")


# ---------------------------------------------------------------------------- joining


class CannotJoin(Exception):
    """The parts are not laid out as ``join`` expects."""


XING_FLAGS = 0x0F
"""frames, bytes, seek table and quality: the fields ffmpeg writes, at these offsets from "Info"."""
FRAMES_AT, TOC_AT, DELAY_PADDING_AT, MUSIC_LENGTH_AT, MUSIC_CRC_AT, TAG_CRC_AT = 8, 16, 141, 148, 152, 154
TAG_CRC_SPAN = 190
"""The LAME tag's CRC covers the Info frame's first 190 bytes (with the CRC field zero, as ffmpeg
computes it)."""


@dataclass(frozen=True)
class Part:
    path: Path
    info: bytes
    """The Info frame."""
    xing_at: int
    frames: int
    delay: int
    padding: int
    audio_bytes: int
    audio_crc: int


def read_part(path: Path, samples: int) -> Part:
    """The Info frame of an encoded part, checked to hold ``samples`` in whole frames."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    stream = io.BytesIO(head)
    try:
        frame = MPEGFrame(stream)
        info_length = stream.tell()
        xing_at = XingHeader.get_offset(frame)
        stream.seek(xing_at)
        xing = XingHeader(stream)
    except (HeaderNotFoundError, XingHeaderError) as exc:
        raise CannotJoin(f"{path.name}: {exc}") from exc
    flags = struct.unpack_from(">I", head, xing_at + 4)[0]
    if flags != XING_FLAGS or frame.layer != 3 or info_length < xing_at + TAG_CRC_AT + 2:
        raise CannotJoin(f"{path.name}: not an Info frame as ffmpeg writes it")
    # mutagen reads the LAME tag only when the encoder string says "LAME"; ffmpeg's says "Lavc"
    delay_padding = int.from_bytes(head[xing_at + DELAY_PADDING_AT : xing_at + DELAY_PADDING_AT + 3], "big")
    delay, padding = delay_padding >> 12, delay_padding & 0xFFF
    if xing.frames * MP3_FRAME != samples + delay + padding:
        raise CannotJoin(f"{path.name}: {xing.frames} frames do not hold {samples} samples")
    (audio_crc,) = struct.unpack_from(">H", head, xing_at + MUSIC_CRC_AT)
    return Part(path, head[:info_length], xing_at, xing.frames, delay, padding,
                path.stat().st_size - info_length, audio_crc)


def join(paths: Sequence[Path], samples: Sequence[int]) -> None:
    """Append the frames of ``paths[1:]`` to ``paths[0]`` and rewrite its Info frame for the whole.

    ``samples[i]`` is what part ``i`` was encoded from. Raises CannotJoin, with ``paths[0]``
    untouched, if a part is not whole frames framed as expected."""
    parts = [read_part(path, n) for path, n in zip(paths, samples, strict=True)]
    for before, after in itertools.pairwise(parts):
        if before.padding + after.delay != JOIN:
            raise CannotJoin(f"{after.path.name}: padding {before.padding} + delay {after.delay} != {JOIN}")
    first, last = parts[0], parts[-1]
    size = len(first.info) + sum(part.audio_bytes for part in parts)
    frames = sum(part.frames for part in parts)
    crc = first.audio_crc
    for part in parts[1:]:
        crc = crc16_combine(crc, part.audio_crc, part.audio_bytes)
    info = bytearray(first.info)
    x = first.xing_at
    struct.pack_into(">II", info, x + FRAMES_AT, frames, size)
    info[x + TOC_AT : x + TOC_AT + 100] = seek_table(parts, len(first.info), size)
    info[x + DELAY_PADDING_AT : x + DELAY_PADDING_AT + 3] = (first.delay << 12 | last.padding).to_bytes(3, "big")
    struct.pack_into(">IHH", info, x + MUSIC_LENGTH_AT, size, crc, 0)
    struct.pack_into(">H", info, x + TAG_CRC_AT, crc16(bytes(info[:TAG_CRC_SPAN])))
    with first.path.open("r+b") as out:
        out.seek(0, os.SEEK_END)
        for part in parts[1:]:
            with part.path.open("rb") as handle:
                handle.seek(len(part.info))
                shutil.copyfileobj(handle, out, 1 << 20)
        out.seek(0)
        out.write(info)


def seek_table(parts: Sequence[Part], info_length: int, size: int) -> bytes:
    """The Xing seek table: for each percent of the frames, where that frame starts, in 256ths of
    the file (CBR frames within a part differ by one byte at most)."""
    frames = sum(part.frames for part in parts)
    starts, at, offset = [], 0, info_length
    for part in parts:
        starts.append((at, offset, part))
        at += part.frames
        offset += part.audio_bytes
    table = bytearray(100)
    for i in range(1, 100):
        k = i * frames // 100
        at, offset, part = next(s for s in reversed(starts) if s[0] <= k)
        position = offset + (k - at) * part.audio_bytes // part.frames
        table[i] = min(255, 256 * position // size)
    return bytes(table)


# ---------------------------------------------------------------------------- CRC-16 (LAME tag)


@cache
def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC (reflected 0x8005, initial 0): the LAME tag's checksum."""
    table = _crc_table()
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def crc16_combine(crc_a: int, crc_b: int, length_b: int) -> int:
    """crc16(a + b) from crc16(a), crc16(b) and len(b), without reading either: running the CRC
    over a zero byte is linear in its state, so ``length_b`` of them is a matrix power over GF(2)."""
    table = _crc_table()
    operator = [(1 << bit >> 8) ^ table[(1 << bit) & 0xFF] for bit in range(16)]  # one zero byte
    while length_b:
        if length_b & 1:
            crc_a = _times(operator, crc_a)
        operator = [_times(operator, column) for column in operator]
        length_b >>= 1
    return crc_a ^ crc_b


def _times(operator: Sequence[int], vector: int) -> int:
    result, bit = 0, 0
    while vector:
        if vector & 1:
            result ^= operator[bit]
        vector >>= 1
        bit += 1
    return result
