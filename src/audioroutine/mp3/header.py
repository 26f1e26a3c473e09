"""Whether an MP3 we wrote is whole, from its first bytes and its size: no decoding.

A built MP3 is an ID3v2 tag (mutagen's), then the Info frame ffmpeg writes (``frames``: a Xing
header and a LAME tag), then the audio frames. The Xing header counts the audio frames and the
bytes from the Info frame to the end; the LAME tag says the encoder's delay and padding. So the
file's size must be the tag's plus those bytes, and the samples a player decodes are the frames'
less the delay and padding: a truncated or padded file, or one that is not ours, disagrees.

Sources: the ID3v2.4 structure (id3.org, ``id3v2.4.0-structure`` 3.1: a 10-byte header, its size a
28-bit "synchsafe" integer, a 10-byte footer when flag bit 4 is set), ISO/IEC 11172-3 and 13818-3
2.4.1.3 for the frame header; the Xing and LAME fields as named in ``frames``.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .frames import DELAY_PADDING_AT, DELAY_PADDING_BYTES, PADDING_BITS, XING_FLAGS, XING_FLAGS_AT

if TYPE_CHECKING:
    from pathlib import Path

ID3_HEADER = 10
ID3_FOOTER_FLAG = 0x10
INFO_READ = 512
"""Bytes read at the Info frame: its header, side information, Xing header and LAME tag."""
RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
"""Sampling frequency by ``ID`` bits (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5) and ``sampling_frequency``."""


@dataclass(frozen=True)
class Whole:
    """What an MP3's header says of the whole file."""

    samples: int
    """What a player decodes: the frames' samples less the encoder's delay and padding."""
    rate: int


def _id3_size(head: bytes) -> int:
    """Bytes of the ID3v2 tag at the start (0 when there is none)."""
    if len(head) < ID3_HEADER or head[:3] != b"ID3":
        return 0
    size = 0
    for byte in head[6:10]:
        size = size << 7 | (byte & 0x7F)
    return ID3_HEADER + size + (ID3_HEADER if head[5] & ID3_FOOTER_FLAG else 0)


def _xing_at(mpeg1: bool, mono: bool) -> int:
    """Where the Xing header starts in the Info frame: after the 4-byte header and the side
    information (17 or 32 bytes in MPEG-1, 9 or 17 at the lower rates)."""
    return 4 + ((17 if mono else 32) if mpeg1 else (9 if mono else 17))


def read_whole(path: Path) -> Whole | str:
    """What the MP3's header says of it, if the file agrees (its size); otherwise why not."""
    size = os.stat(path).st_size
    with open(path, "rb") as handle:
        start = _id3_size(handle.read(ID3_HEADER))
        handle.seek(start)
        info = handle.read(INFO_READ)
    if len(info) < 4 or info[0] != 0xFF or info[1] & 0xE0 != 0xE0 or (info[1] >> 1) & 3 != 1:
        return "no MP3 frame after its tags"
    version, rate_index = (info[1] >> 3) & 3, (info[2] >> 2) & 3
    if version not in RATES or rate_index == 3:
        return "an MP3 frame of no known rate"
    x = _xing_at(version == 3, info[3] >> 6 == 3)
    if info[x : x + 4] not in (b"Info", b"Xing") or len(info) < x + DELAY_PADDING_AT + DELAY_PADDING_BYTES:
        return "no Info frame: not an MP3 this program wrote"
    flags, frames, length = struct.unpack_from(">III", info, x + XING_FLAGS_AT)
    if flags & XING_FLAGS != XING_FLAGS:
        return "its Info frame is not as ffmpeg writes it"
    if start + length != size:
        return f"{size} bytes where its header says {start + length}"
    at = x + DELAY_PADDING_AT
    delay, padding = divmod(int.from_bytes(info[at : at + DELAY_PADDING_BYTES], "big"), 1 << PADDING_BITS)
    per_frame = 1152 if version == 3 else 576
    return Whole(frames * per_frame - delay - padding, RATES[version][rate_index])
