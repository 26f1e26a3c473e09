"""Google's answer to one speech request, taken apart and checked before a word of it is cached.

The answer (``batchexecute``, as gTTS reads it in ``gtts/tts.py``) is a ``)]}'`` line, then
length-prefixed JSON chunks; the line holding the RPC id ``jQ1olc`` carries the MP3 in base64,
found with gTTS's own regex. The MP3 must be whole (its frames add up to its bytes, and to the
frame count of its Xing/Info header when it has one), and its sound must be speech-like: not
silent, and not too short for its text.

Too short: the sounding stretch (from the first to the last 10 ms window over ``SOUND_FLOOR_DBFS``)
lasts at least ``MIN_SECONDS_PER_LETTER`` per letter or digit of the text. Calibrated on the
offline voice's clips (197 phrases of the built-in and test routines, trimmed): the fastest was
0.039 s per letter ("eight"), the median 0.079 s; Google's voice speaks at about the same rate,
and slower when asked to. The bound is 0.025 s, so real speech never trips it, while an answer
cut to a fraction of its words does.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

RPC_ID = "jQ1olc"
AUDIO = re.compile(r'jQ1olc","\[\\"(.*)\\"]')
"""gTTS's regex for the base64 audio in the RPC's line (``gTTS.stream``)."""
SOUND_FLOOR_DBFS = -45.0
"""A 10 ms window is sounding when its RMS is over this; speech peaks some 30 dB higher."""
WINDOW_S = 0.010
MIN_SECONDS_PER_LETTER = 0.025


class BadAnswer(Exception):
    """An answer that cannot be used; the text says why, in a few words."""


class NoAudio(BadAnswer):
    """An answer with no audio in it, as Google gives for a language it does not speak."""


def audio_of(body: bytes) -> bytes:
    """The MP3 bytes of an answer."""
    for line in body.decode("utf-8", errors="replace").splitlines():
        if RPC_ID not in line:
            continue
        found = AUDIO.search(line)
        if found is None:
            raise NoAudio("its answer held no audio")
        try:
            return base64.b64decode(found.group(1).encode("ascii", errors="replace"), validate=True)
        except (binascii.Error, ValueError):
            raise BadAnswer("its audio was garbled (not valid base64)") from None
    raise NoAudio("its answer held no audio")


# -- MPEG audio frame headers (ISO/IEC 11172-3 2.4.2.3; ISO/IEC 13818-3 for MPEG-2, and "MPEG-2.5")
_BITRATES_KBPS = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 layer III
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 and 2.5 layer III
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
"""Sampling frequencies by the 2-bit version id: 3 is MPEG-1, 2 MPEG-2, 0 MPEG-2.5."""


def _frame(data: bytes, at: int) -> tuple[int, int] | None:
    """The length of the layer III frame whose header is at ``at``, and where its Xing/Info tag
    would be (after the side information); ``None`` if no frame starts there."""
    if at + 4 > len(data) or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return None
    version, layer = data[at + 1] >> 3 & 3, data[at + 1] >> 1 & 3
    bitrate_index, rate_index = data[at + 2] >> 4, data[at + 2] >> 2 & 3
    if version == 1 or layer != 1 or not 0 < bitrate_index < 15 or rate_index == 3:
        return None
    mpeg1 = version == 3
    kbps = _BITRATES_KBPS[1 if mpeg1 else 2][bitrate_index]
    padding = data[at + 2] >> 1 & 1
    length = (144 if mpeg1 else 72) * 1000 * kbps // _RATES[version][rate_index] + padding
    mono = data[at + 3] >> 6 == 3
    side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    return length, at + 4 + side


def _xing_frames(data: bytes, tag_at: int) -> int | None:
    """The frame count a Xing/Info tag gives (the tag's own frame not counted), if it gives one."""
    if data[tag_at : tag_at + 4] not in (b"Xing", b"Info") or len(data) < tag_at + 12:
        return None
    flags = int.from_bytes(data[tag_at + 4 : tag_at + 8], "big")
    return int.from_bytes(data[tag_at + 8 : tag_at + 12], "big") if flags & 1 else None


def _skip_id3v2(data: bytes) -> int:
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = 0
    for byte in data[6:10]:
        size = size << 7 | byte & 0x7F
    return 10 + size + (10 if data[5] & 0x10 else 0)


def check_frames(data: bytes) -> None:
    """Raise ``BadAnswer`` unless ``data`` is whole MP3 frames, as many as its header says."""
    at = _skip_id3v2(data)
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    frames, told = 0, None
    while at < end:
        frame = _frame(data, at)
        if frame is None:
            raise BadAnswer(f"its audio is not whole MP3 frames (none at byte {at} of {len(data)})")
        if frames == 0:
            told = _xing_frames(data, frame[1])
        frames += 1
        at += frame[0]
    if at > end:
        raise BadAnswer(f"its audio was cut short ({at - end} bytes of the last frame missing)")
    heard = frames - (told is not None)
    if heard <= 0:
        raise BadAnswer("its audio had no frames")
    # ffmpeg counts the frames after the Info frame; some encoders count the Info frame too.
    if told is not None and told not in (heard, frames):
        raise BadAnswer(f"its audio was cut short ({heard} frames of the {told} its header counts)")


def letters(text: str) -> int:
    """What takes time to say: letters and digits (not spaces or punctuation)."""
    return sum(ch.isalnum() for ch in text)


def sounding_seconds(samples: np.ndarray, rate: int) -> float:
    """From the start of the first sounding window to the end of the last; 0 when none sounds."""
    import numpy as np

    window = max(1, int(WINDOW_S * rate))
    count = samples.size // window
    if count == 0:
        return 0.0
    cells = samples[: count * window].astype(np.float64).reshape(count, window) / 32768.0
    floor = 10 ** (SOUND_FLOOR_DBFS / 20)
    loud = np.flatnonzero(np.sqrt(np.mean(np.square(cells), axis=1)) > floor)
    return 0.0 if loud.size == 0 else (loud[-1] - loud[0] + 1) * window / rate


def check_sound(samples: np.ndarray, rate: int, text: str) -> None:
    """Raise ``BadAnswer`` if the decoded answer is silent or too short for ``text``."""
    heard = sounding_seconds(samples, rate)
    if heard == 0.0:
        raise BadAnswer(f"its audio was silent (nothing over {SOUND_FLOOR_DBFS:.0f} dBFS)")
    needed = letters(text) * MIN_SECONDS_PER_LETTER
    if heard < needed:
        raise BadAnswer(f"its audio was too short for the words ({heard:.2f} s of sound; they take "
                        f"at least {needed:.2f} s)")


def usable_audio(body: bytes, text: str, rate: int) -> tuple[bytes, np.ndarray]:
    """The MP3 of one answer (for the part ``text`` of a phrase) and its samples, checked whole."""
    from ..errors import AudioError
    from ..ffmpeg import decode_to_pcm

    mp3 = audio_of(body)
    check_frames(mp3)
    try:
        samples = decode_to_pcm(mp3, rate)
    except AudioError:
        raise BadAnswer("its audio could not be decoded") from None
    check_sound(samples, rate, text)
    return mp3, samples
