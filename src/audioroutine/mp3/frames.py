"""The MP3 bitstream as the splicer reads and writes it: LAME's mono MPEG-2 layer III frames, and
the Info frame in front of them (a Xing header and a LAME tag), every byte used named here.

Sources: ISO/IEC 11172-3 (MPEG-1 audio) and ISO/IEC 13818-3 (MPEG-2 audio at the lower sampling
frequencies, "LSF"), clause 2.4: 2.4.1 the syntax, 2.4.2 its semantics. The Xing header as
mutagen reads it (``mutagen/mp3/_util.py``: ``XingHeader``, ``XingHeaderFlags``); the LAME tag,
http://gabriel.mp3-tech.org/mp3infotag.html; and how ffmpeg fills both (``libavformat/mp3enc.c``:
``mp3_write_xing``, ``mp3_update_xing``).
"""

from __future__ import annotations

import bisect
import io
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from ..constants import MP3_FRAME

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

SPLICE_RATES = (16000, 22050, 24000)
"""Rates of MPEG-2 layer III, whose mono frames this module knows how to read and write."""

# -- frame header: 32 bits, ISO/IEC 11172-3 2.4.1.3 (syntax) and 2.4.2.3 (semantics)
SYNC_BYTE = 0xFF
"""Byte 0: the first 8 bits of the 12-bit ``syncword``, all ones."""
RATE_BYTE = 2
"""Byte 2: ``bitrate_index`` (4 bits), ``sampling_frequency`` (2), ``padding_bit`` (1), ``private_bit`` (1)."""
BITRATE_INDEX_SHIFT = 4
PADDING_BIT_SHIFT = 1
HEADER_BYTES = 4
BITRATES_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
"""kbit/s of each ``bitrate_index`` in MPEG-2 layers II and III (ISO/IEC 13818-3 2.4.2.3); index 0
is the free format, 15 is forbidden."""

# -- layer III side information of a mono LSF frame, right after the header when there is no CRC:
#    ISO/IEC 13818-3 2.4.1.7 (syntax) and 2.4.2.7 (semantics). One granule, 9 bytes.
MAIN_DATA_BEGIN_AT = 4
"""Byte 4: ``main_data_begin`` (8 bits at LSF): how many bytes before this frame's header its audio
data begins, in the bit reservoir the frames before it filled. Zero: the frame reads nothing of theirs."""
PART2_3_LENGTH_AT = 5
"""Bytes 5-6: ``private_bits`` (1 bit in mono), then the granule's ``part2_3_length`` (12 bits):
the bits of scale factors and Huffman-coded data it has, zero when it carries no audio."""
PART2_3_LENGTH_SHIFT = 3
"""``part2_3_length`` ends 3 bits before the end of byte 6."""
PART2_3_LENGTH_MASK = 0xFFF

# -- the Xing header, at ``XingHeader.get_offset`` in the Info frame (13 in a mono LSF frame: after
#    the header and the side information). Offsets from its "Xing"/"Info" identifier.
XING_FLAGS_AT = 4
"""4 bytes, big-endian: which of the fields below are present (``XingHeaderFlags``)."""
XING_FLAGS = 0x0F
"""Frames, bytes, seek table and quality: all four, as ffmpeg writes them (then at these offsets)."""
FRAMES_AT = 8
"""4 bytes: the number of audio frames, the Info frame not counted."""
BYTES_AT = 12
"""4 bytes: the file's size in bytes, the Info frame counted."""
TOC_AT = 16
"""100 bytes: the seek table ("TOC"), see ``seek_table``."""
TOC_SIZE = 100
# 116, 4 bytes: the quality ("VBR scale"); ffmpeg writes 0, left as it is.

# -- the LAME tag, right after the Xing header (at its offset 120; the spec's offsets plus 120).
#    ffmpeg writes its own encoder string ("Lavc..."), so mutagen does not read this tag: read here.
#    Left as ffmpeg wrote them: the encoder string (120, 9 bytes), tag revision and VBR method (129),
#    lowpass (130), replay gain (131-138), encoding flags and ATH type (139), bitrate (140),
#    misc (144), MP3 gain (145), preset and surround (146-147).
DELAY_PADDING_AT = 141
"""3 bytes (the spec's $15): the encoder's delay (12 bits), then its padding at the end (12 bits),
in samples."""
DELAY_PADDING_BYTES = 3
PADDING_BITS = 12
MUSIC_LENGTH_AT = 148
"""4 bytes ($1C): the bytes of the music, from the Info frame's first to the last frame's last."""
MUSIC_CRC_AT = 152
"""2 bytes ($20): CRC-16 of the audio frames after the Info frame."""
TAG_CRC_AT = 154
"""2 bytes ($22): CRC-16 of the Info frame's first ``TAG_CRC_SPAN`` bytes."""
LAME_TAG_END = 156
TAG_CRC_SPAN = 190
"""The spec's "first 190 bytes" of the frame: all before the CRC field in an MPEG-1 stereo frame
(Xing header at 36). In a mono LSF frame (at 13) they take in the CRC field itself, which ffmpeg
computes as zero, and the 21 bytes after it."""


class CannotSplice(Exception):
    """Encoded parts that are not laid out as the splicer expects (another encoder or version)."""


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected, from 0): the LAME tag's CRCs, ffmpeg's
    ``AV_CRC_16_ANSI_LE``; ``crc`` carries on from earlier data."""
    import fastcrc

    return fastcrc.crc16.arc(data, crc)


def frame_length(bitrate_index: int, padding: int, rate: int) -> int:
    """Bytes in a layer III frame at an LSF ``rate``: its 576 samples' bits at the bit rate, in whole
    bytes, plus one when ``padding_bit`` is set (ISO/IEC 11172-3 2.4.2.3, ``padding_bit``, with the
    LSF frame of 576 samples, ISO/IEC 13818-3 2.4.2.3)."""
    return MP3_FRAME // 8 * 1000 * BITRATES_KBPS[bitrate_index] // rate + padding


def carries_audio(frame: bytes) -> bool:
    """Whether a frame's granule has audio data (``part2_3_length`` is not zero)."""
    side = frame[PART2_3_LENGTH_AT] << 8 | frame[PART2_3_LENGTH_AT + 1]
    return bool(side >> PART2_3_LENGTH_SHIFT & PART2_3_LENGTH_MASK)


def leans_on_reservoir(frame: bytes) -> bool:
    """Whether a frame's audio data begins in the frames before it."""
    return frame[MAIN_DATA_BEGIN_AT] != 0


def silent(frame: bytes) -> bytes:
    """A frame that carries no audio data, made independent of the bit reservoir: it decodes the
    same wherever it is put."""
    if carries_audio(frame):
        raise CannotSplice("a frame next to a silence carries audio")
    return frame[:MAIN_DATA_BEGIN_AT] + b"\0" + frame[MAIN_DATA_BEGIN_AT + 1 :]


@dataclass(frozen=True)
class Encoded:
    """One encoded part: its Info frame, and where each of its audio frames starts."""

    name: str
    data: bytes
    info: bytes
    xing_at: int
    """Where the Xing header starts in the Info frame."""
    delay: int
    padding: int
    offsets: list[int]
    """Byte offsets of the audio frames in ``data``, and the end."""

    @property
    def frame_count(self) -> int:
        return len(self.offsets) - 1

    def frames(self, first: int, stop: int) -> memoryview:
        return memoryview(self.data)[self.offsets[first] : self.offsets[stop]]

    def frame(self, index: int) -> bytes:
        return bytes(self.frames(index, index + 1))


def read_encoded(path: Path, rate: int, data: bytes | None = None) -> Encoded:
    """An encoded part (the file at ``path``, or its bytes ``data``), checked to be mono MPEG-2
    layer III at ``rate`` without CRCs, with an Info frame as ffmpeg writes it, and then whole
    frames to the end of the file."""
    from mutagen.mp3 import HeaderNotFoundError, MPEGFrame, XingHeader, XingHeaderError

    data = path.read_bytes() if data is None else data
    stream = io.BytesIO(data)
    try:
        frame = MPEGFrame(stream)
        info_length = stream.tell()
        xing_at = XingHeader.get_offset(frame)
        stream.seek(xing_at)
        xing = XingHeader(stream)
    except (HeaderNotFoundError, XingHeaderError) as exc:
        raise CannotSplice(f"{path.name}: {exc}") from exc
    flags = struct.unpack_from(">I", data, xing_at + XING_FLAGS_AT)[0]
    if (flags != XING_FLAGS or frame.layer != 3 or frame.version != 2 or frame.channels != 1
            or frame.protected or frame.sample_rate != rate or info_length < xing_at + LAME_TAG_END):
        raise CannotSplice(f"{path.name}: not a mono MPEG-2 stream with an Info frame as ffmpeg writes it")
    at = xing_at + DELAY_PADDING_AT
    delay, padding = divmod(int.from_bytes(data[at : at + DELAY_PADDING_BYTES], "big"), 1 << PADDING_BITS)
    offsets = _frame_offsets(data, info_length, xing.frames, rate, path.name)
    return Encoded(path.name, data, data[:info_length], xing_at, delay, padding, offsets)


def _frame_offsets(data: bytes, at: int, count: int, rate: int, name: str) -> list[int]:
    """Where each of ``count`` frames starts from byte ``at``, and where the last ends: the end of
    ``data``."""
    offsets = []
    while at + HEADER_BYTES <= len(data) and len(offsets) < count:
        bitrate_index = data[at + RATE_BYTE] >> BITRATE_INDEX_SHIFT
        if data[at] != SYNC_BYTE or not 0 < bitrate_index < len(BITRATES_KBPS):
            raise CannotSplice(f"{name}: no frame where one should start, at byte {at}")
        offsets.append(at)
        at += frame_length(bitrate_index, data[at + RATE_BYTE] >> PADDING_BIT_SHIFT & 1, rate)
    if len(offsets) != count or at != len(data):
        raise CannotSplice(f"{name}: its frames do not add up")
    return [*offsets, at]


def check_music_crc(encoded: Encoded) -> None:
    """The audio frames are those the encoder wrote: their CRC-16 is the one in the LAME tag
    (``MUSIC_CRC_AT``: ffmpeg computes it as it writes them); ``CannotSplice`` otherwise."""
    stored = struct.unpack_from(">H", encoded.info, encoded.xing_at + MUSIC_CRC_AT)[0]
    if crc16(encoded.frames(0, encoded.frame_count)) != stored:
        raise CannotSplice(f"{encoded.name}: its frames' CRC is not the one its LAME tag says")


class Stretch(NamedTuple):
    """Frames written one after another in the output, for the seek table. The frames in a stretch
    differ in size by one byte at most (a padding slot)."""

    first: int
    """Index of its first frame in the file's audio frames."""
    offset: int
    """Byte offset of its first frame in the file."""
    frames: int
    size: int
    """Its bytes."""


def seek_table(stretches: Sequence[Stretch], frames: int, size: int) -> bytes:
    """The Xing seek table: for each percent of the ``frames``, where that frame starts, in 256ths
    of the file's ``size`` (capped at 255); the first entry 0, as ffmpeg writes it."""
    firsts = [stretch.first for stretch in stretches]
    table = bytearray(TOC_SIZE)
    for i in range(1, TOC_SIZE):
        k = i * frames // TOC_SIZE
        first, offset, count, length = stretches[bisect.bisect_right(firsts, k) - 1]
        table[i] = min(255, 256 * (offset + (k - first) * length // count) // size)
    return bytes(table)


def whole_file_info(part: Encoded, *, frames: int, size: int, toc: bytes, padding: int, music_crc: int) -> bytes:
    """``part``'s Info frame, rewritten to describe a whole file of ``frames`` audio frames and
    ``size`` bytes that starts with this part, as ffmpeg's ``mp3_update_xing`` fills it."""
    info = bytearray(part.info)
    x = part.xing_at
    struct.pack_into(">I", info, x + FRAMES_AT, frames)
    struct.pack_into(">I", info, x + BYTES_AT, size)
    info[x + TOC_AT : x + TOC_AT + TOC_SIZE] = toc
    at = x + DELAY_PADDING_AT
    info[at : at + DELAY_PADDING_BYTES] = (part.delay << PADDING_BITS | padding).to_bytes(DELAY_PADDING_BYTES, "big")
    struct.pack_into(">I", info, x + MUSIC_LENGTH_AT, size)
    struct.pack_into(">H", info, x + MUSIC_CRC_AT, music_crc)
    struct.pack_into(">H", info, x + TAG_CRC_AT, 0)  # the tag's CRC is computed with its own field zero
    struct.pack_into(">H", info, x + TAG_CRC_AT, crc16(bytes(info[:TAG_CRC_SPAN])))
    return bytes(info)
