"""Encode a routine to MP3: encode only what sounds, on every core, and write the silences as
ready-made silent frames.

A routine is mostly silence (holds, rests). The encoder is given the routine with every long
silence cut down to a short guard on each side, and the missing silence is put back as silent
frames in the MP3 itself, at the frame boundary where it was taken out; so a rebuild costs what
its words cost, however long the holds. The routine is also cut, inside a few long silences, into
parts that are encoded at once, one per core. Both are exact to the sample:

- A decoder outputs ``LEAD`` samples before an encoder's first input sample, then exactly 576 per
  frame. Silence taken out at a routine sample ``s`` with ``(s + LEAD) % 576 == 0`` starts exactly
  at a frame boundary of the encoded stream, and ``n`` silent frames put there decode to exactly
  ``576 n`` zeros in its place. The frames on both sides carry no audio data (checked), so the
  decoder's state across the insertion is all zeros, as it was without it; the frame after the
  insertion reads nothing from the bit reservoir, and its pointer into it is set to zero.
- A part of whole frames decodes to its samples plus ``JOIN`` samples where it meets the next
  part (LAME's padding after its last frame and its delay before the next part's first), so a cut
  takes out ``JOIN`` samples of silence more.

The joined file's Info frame is the first part's, given the frame count, size, seek table, end
padding and CRCs of the whole, as ffmpeg writes them. If the encoder's frames are not laid out as
expected (another encoder or version), the routine is encoded again in one piece, as it is:
exact timing comes first.
"""

from __future__ import annotations

import bisect
import io
import itertools
import os
import struct
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import fastcrc
import numpy as np
from mutagen.mp3 import HeaderNotFoundError, MPEGFrame, XingHeader, XingHeaderError

from .constants import MP3_BITRATE, MP3_FRAME, SAMPLE_RATE
from .errors import AudioError
from .ffmpeg import ffmpeg_exe
from .timeline import Timeline

DECODER_DELAY = 529
"""Samples a layer III decoder outputs before the encoded signal starts (ffmpeg's 528 + 1)."""
LEAD = MP3_FRAME + DECODER_DELAY
"""Samples decoded before the first input sample: LAME's delay of one frame, plus the decoder's."""
JOIN = 2 * MP3_FRAME
"""Samples the decoder makes between two parts: a whole-frame part ends with one frame of LAME's
padding, and the next one starts with one frame of its delay."""
GUARD = 4 * MP3_FRAME
"""Silence kept on each side of a cut or of silence taken out (about 0.1 s): the encoder sees
silence around it, and the codec's own ringing after a word (up to a frame) stays clear of it."""
MIN_SILENT_FRAMES = 4
"""Shorter silences are encoded as they are."""
MIN_PART_S = 10.0
"""A part that encodes less than this (its words and the guards around them) is not worth
another encoder."""
MAX_PARTS = 8
SPLICE_RATES = (16000, 22050, 24000)
"""Rates of MPEG-2 layer III, whose mono frames ``splice`` knows how to read and write."""

Mixer = Callable[[int, int], Iterable[np.ndarray]]
"""``mix(start, stop)``: the routine's int16 samples from ``start`` to ``stop``, block by block."""


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# ---------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Gap:
    """Silence written as ``frames`` silent frames instead of being encoded, from routine sample
    ``start``. At a ``cut`` the part ends at ``start`` and the next begins ``JOIN`` samples later
    than the silent frames alone would put it."""

    start: int
    frames: int
    cut: bool = False

    @property
    def end(self) -> int:
        return self.start + self.frames * MP3_FRAME + (JOIN if self.cut else 0)


@dataclass
class Part:
    """What one encoder encodes: the routine from ``start`` to ``stop`` without its gaps."""

    start: int
    stop: int
    gaps: list[Gap] = field(default_factory=list)
    """Silence taken out inside the part."""
    then: int = 0
    """Silent frames after the part, before the next one."""

    def pieces(self) -> list[tuple[int, int]]:
        """The stretches of the routine that are encoded, in order."""
        bounds = [self.start, *(x for gap in self.gaps for x in (gap.start, gap.end)), self.stop]
        return list(zip(bounds[::2], bounds[1::2], strict=True))

    @property
    def samples(self) -> int:
        return sum(stop - start for start, stop in self.pieces())

    def insertions(self) -> list[tuple[int, int]]:
        """(frame index, silent frames) of each gap, in the part's encoded frames: the gap's
        silence goes before that frame."""
        found, encoded, at = [], 0, self.start
        for gap in self.gaps:
            encoded += gap.start - at
            found.append(((encoded + LEAD) // MP3_FRAME, gap.frames))
            at = gap.end
        return found


def plan(timeline: Timeline, parts: int, splice: bool = True) -> list[Part]:
    """The parts to encode, and the silences to write as silent frames (``splice``)."""
    gaps: list[Gap | None] = []
    cuts: list[Cut] = []
    removed = 0
    for lo, hi in silent_spans(timeline):
        first = lo + GUARD + (-(lo + GUARD + LEAD)) % MP3_FRAME
        frames = (hi - GUARD - first) // MP3_FRAME
        cut_at = -(-(lo + GUARD) // MP3_FRAME) * MP3_FRAME
        if cut_at + JOIN + GUARD <= hi:
            cuts.append((cut_at - removed, len(gaps), Gap(cut_at, (hi - GUARD - JOIN - cut_at) // MP3_FRAME, cut=True)))
        gap = Gap(first, frames) if splice and frames >= MIN_SILENT_FRAMES else None
        gaps.append(gap)
        removed += gap.frames * MP3_FRAME if gap else 0
    for _, index, cut in _balanced(cuts, timeline.total - removed, parts, int(MIN_PART_S * timeline.rate)):
        gaps[index] = cut
    result = [Part(0, timeline.total)]
    for gap in (g for g in gaps if g is not None):
        if gap.cut:
            result[-1].stop, result[-1].then = gap.start, gap.frames
            result.append(Part(gap.end, timeline.total))
        else:
            result[-1].gaps.append(gap)
    return result


Cut = tuple[int, int, Gap]
"""A place to cut: encoded samples before it, which silence it is in, the cut."""


def _balanced(cuts: Sequence[Cut], encoded: int, parts: int, shortest: int) -> list[Cut]:
    """The cuts that share ``encoded`` samples about equally among ``parts`` encoders, none
    given less than ``shortest``."""
    chosen: list[Cut] = []
    begins, parts = 0, min(parts, encoded // shortest)
    for j in range(1, parts):
        target = encoded * j // parts
        fits = [c for c in cuts if c[0] - begins >= shortest and encoded - c[0] >= shortest]
        if fits:
            chosen.append(min(fits, key=lambda c: abs(c[0] - target)))
            begins = chosen[-1][0]
    return chosen


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


# ---------------------------------------------------------------------------- encoding


@dataclass(frozen=True)
class Encoding:
    """How a routine was encoded."""

    parts: int
    encoded: int
    """Samples the encoders were given."""
    silent_frames: int
    """Frames written as silence without being encoded."""


def encode_routine(timeline: Timeline, mix: Mixer, out: Path, *, parts: int | None = None,
                   splice: bool = True, bitrate: str = MP3_BITRATE) -> Encoding:
    """Encode the routine to ``out`` (CBR, gapless header): up to ``parts`` encoders at once (one
    per usable core by default), long silences written as silent frames (``splice``).

    Each part is mixed into a temporary PCM file beside ``out``, which ffmpeg reads as fast as a
    file (through a pipe it encodes about a fifth slower); memory holds one block at a time. An
    encoder runs while the next part is mixed."""
    splice = splice and timeline.rate in SPLICE_RATES
    layout = plan(timeline, min(parts or usable_cores(), MAX_PARTS) if splice else 1, splice)
    plain = len(layout) == 1 and not layout[0].gaps and not layout[0].then
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.stem}.") as tmp:
        encoded = [out] if plain else [Path(tmp) / f"part{i}.mp3" for i in range(len(layout))]
        encoders: list[subprocess.Popen] = []
        try:
            for i, (part, target) in enumerate(zip(layout, encoded, strict=True)):
                pcm = Path(tmp) / f"part{i}.pcm"
                with pcm.open("wb") as handle:
                    for start, stop in part.pieces():
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
        encoding = Encoding(len(layout), sum(part.samples for part in layout),
                            sum(gap.frames for part in layout for gap in part.gaps) + sum(p.then for p in layout))
        if plain:
            return encoding
        try:
            splice_parts(layout, encoded, out, timeline.rate)
        except CannotSplice:
            return encode_routine(timeline, mix, out, splice=False, bitrate=bitrate)
        return encoding


def encoder_command(pcm: Path, out: Path, rate: int = SAMPLE_RATE, bitrate: str = MP3_BITRATE) -> list[str]:
    """ffmpeg's LAME encoder from a raw mono PCM file to CBR MP3 with a gapless header, no ID3."""
    return [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", str(pcm),
        "-c:a", "libmp3lame", "-b:a", bitrate, "-write_xing", "1", "-id3v2_version", "0",
        "-f", "mp3", str(out),
    ]


def _start_encoder(pcm: Path, out: Path, rate: int, bitrate: str) -> subprocess.Popen:
    return subprocess.Popen(encoder_command(pcm, out, rate, bitrate), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(encoder: subprocess.Popen, out: Path) -> None:
    _, stderr = encoder.communicate()
    if encoder.returncode != 0:
        message = stderr.decode(errors="replace").strip() or f"exit {encoder.returncode}"
        raise AudioError(f"ffmpeg could not encode {out.name}: {message}")


# ---------------------------------------------------------------------------- splicing


class CannotSplice(Exception):
    """The encoded parts are not laid out as ``splice_parts`` expects."""


XING_FLAGS = 0x0F
"""frames, bytes, seek table and quality: the fields ffmpeg writes, at these offsets from "Info"."""
FRAMES_AT, TOC_AT, DELAY_PADDING_AT, MUSIC_LENGTH_AT, MUSIC_CRC_AT, TAG_CRC_AT = 8, 16, 141, 148, 152, 154
TAG_CRC_SPAN = 190
"""The LAME tag's CRC covers the Info frame's first 190 bytes (with the CRC field zero, as ffmpeg
computes it)."""
BITRATES_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
"""MPEG-2 layer III."""


@dataclass(frozen=True)
class Encoded:
    """One encoded part: its Info frame, and where each of its audio frames starts."""

    data: bytes
    info: bytes
    xing_at: int
    delay: int
    padding: int
    offsets: list[int]
    """Byte offsets of the audio frames in ``data``, and the end."""

    def frames(self, first: int, stop: int) -> memoryview:
        return memoryview(self.data)[self.offsets[first] : self.offsets[stop]]

    def frame(self, index: int) -> bytes:
        return bytes(self.frames(index, index + 1))


def read_encoded(path: Path, samples: int, rate: int) -> Encoded:
    """An encoded part, checked to be LAME's mono MPEG-2 layer III holding ``samples`` in whole
    frames after the usual delay."""
    data = path.read_bytes()
    stream = io.BytesIO(data)
    try:
        frame = MPEGFrame(stream)
        info_length = stream.tell()
        xing_at = XingHeader.get_offset(frame)
        stream.seek(xing_at)
        xing = XingHeader(stream)
    except (HeaderNotFoundError, XingHeaderError) as exc:
        raise CannotSplice(f"{path.name}: {exc}") from exc
    flags = struct.unpack_from(">I", data, xing_at + 4)[0]
    if (flags != XING_FLAGS or frame.layer != 3 or frame.version != 2 or frame.channels != 1
            or frame.protected or frame.sample_rate != rate or info_length < xing_at + TAG_CRC_AT + 2):
        raise CannotSplice(f"{path.name}: not a mono MPEG-2 stream with an Info frame as ffmpeg writes it")
    # mutagen reads the LAME tag only when the encoder string says "LAME"; ffmpeg's says "Lavc"
    delay_padding = int.from_bytes(data[xing_at + DELAY_PADDING_AT : xing_at + DELAY_PADDING_AT + 3], "big")
    delay, padding = delay_padding >> 12, delay_padding & 0xFFF
    if delay + DECODER_DELAY != LEAD or xing.frames * MP3_FRAME != samples + delay + padding:
        raise CannotSplice(f"{path.name}: {xing.frames} frames with delay {delay} do not hold {samples} samples")
    offsets, at = [], info_length
    while at + 4 <= len(data) and len(offsets) < xing.frames:
        bitrate = data[at + 2] >> 4
        if data[at] != 0xFF or not 0 < bitrate < len(BITRATES_KBPS):
            raise CannotSplice(f"{path.name}: no frame where one should start, at byte {at}")
        offsets.append(at)
        at += 72000 * BITRATES_KBPS[bitrate] // rate + (data[at + 2] >> 1 & 1)
    if len(offsets) != xing.frames or at != len(data):
        raise CannotSplice(f"{path.name}: its frames do not add up")
    return Encoded(data, data[:info_length], xing_at, delay, padding, [*offsets, at])


def _carries_audio(frame: bytes) -> bool:
    """Whether a frame's granule has audio data (part2_3_length, after the 8-bit reservoir
    pointer and the private bit of mono MPEG-2 side information)."""
    return bool((frame[5] << 8 | frame[6]) >> 3 & 0xFFF)


def _silent(frame: bytes) -> bytes:
    """A frame that carries no audio data, made independent of the bit reservoir."""
    if _carries_audio(frame):
        raise CannotSplice("a frame next to a silence carries audio")
    return frame[:4] + b"\0" + frame[5:]


def splice_parts(layout: Sequence[Part], paths: Sequence[Path], out: Path, rate: int) -> None:
    """Write ``out``: the encoded parts' frames in order, with the silent frames of every gap
    and cut, behind the first part's Info frame rewritten for the whole. Streamed: memory holds
    the encoded parts (the words), never the silence."""
    parts = [read_encoded(path, part.samples, rate) for part, path in zip(layout, paths, strict=True)]
    for before, after in itertools.pairwise(parts):
        if before.padding + after.delay != JOIN or after.frame(0)[4] != 0:
            raise CannotSplice(f"padding {before.padding} + delay {after.delay} != {JOIN}, or a part leans on"
                               " the one before it")
    first = parts[0]
    info = bytearray(first.info)
    written: list[tuple[int, int, int, int]] = []  # (first frame, offset, frames, bytes) of each chunk
    frames, size, crc = 0, len(info), 0
    with out.open("wb") as handle:
        handle.write(info)
        for data, count in _chunks(layout, parts):
            if count:
                written.append((frames, size, count, len(data)))
            handle.write(data)
            crc = fastcrc.crc16.arc(data, crc)
            frames, size = frames + count, size + len(data)
        x = first.xing_at
        struct.pack_into(">II", info, x + FRAMES_AT, frames, size)
        info[x + TOC_AT : x + TOC_AT + 100] = seek_table(written, frames, size)
        delay_padding = first.delay << 12 | parts[-1].padding
        info[x + DELAY_PADDING_AT : x + DELAY_PADDING_AT + 3] = delay_padding.to_bytes(3, "big")
        struct.pack_into(">IHH", info, x + MUSIC_LENGTH_AT, size, crc, 0)
        struct.pack_into(">H", info, x + TAG_CRC_AT, fastcrc.crc16.arc(bytes(info[:TAG_CRC_SPAN])))
        handle.seek(0)
        handle.write(info)


Chunk = tuple[bytes | memoryview, int]
"""Bytes of whole frames, and how many frames."""


def _chunks(layout: Sequence[Part], parts: Sequence[Encoded]) -> Iterator[Chunk]:
    """The audio frames of the whole routine, in order."""
    for plan_part, part in zip(layout, parts, strict=True):
        done, last = 0, len(part.offsets) - 1
        for index, count in plan_part.insertions():
            if not 0 < index < last:
                raise CannotSplice(f"a silence falls outside its part's frames (frame {index})")
            yield part.frames(done, index), index - done
            yield from _repeat(_silent(part.frame(index - 1)), count)
            yield _silent(part.frame(index)), 1
            done = index + 1
        yield part.frames(done, last), last - done
        if plan_part.then:
            yield from _repeat(_silent(part.frame(last - 1)), plan_part.then)


def _repeat(frame: bytes, count: int, batch: int = 512) -> Iterator[Chunk]:
    block = frame * min(count, batch)
    for _ in range(count // batch):
        yield block, batch
    if count % batch:
        yield block[: len(frame) * (count % batch)], count % batch


def seek_table(chunks: Sequence[tuple[int, int, int, int]], frames: int, size: int) -> bytes:
    """The Xing seek table: for each percent of the frames, where that frame starts, in 256ths of
    the file. ``chunks`` are (first frame, offset, frames, bytes); the frames within a chunk
    differ in size by one byte at most."""
    firsts = [chunk[0] for chunk in chunks]
    table = bytearray(100)
    for i in range(1, 100):
        k = i * frames // 100
        first, offset, count, length = chunks[bisect.bisect_right(firsts, k) - 1]
        table[i] = min(255, 256 * (offset + (k - first) * length // count) // size)
    return bytes(table)
