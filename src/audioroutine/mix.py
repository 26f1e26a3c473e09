"""The mix: the routine's gain for its loudness, and its samples block by block, stitched with pydub.

A routine is mixed ``BLOCK`` samples at a time (``mix_blocks``) for the encoder: memory holds one
block however long the routine is, and a block where nothing sounds is one shared silent block.
In a block where cues sound, each cue's samples are brought to the routine's level and overlaid
with pydub (``AudioSegment.overlay``) where they sound, placed to the sample (see ``_overlaid``).
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .constants import SAMPLE_RATE
from .errors import AudioError
from .ffmpeg import pydub
from .loudness import CELL, TARGET_LUFS, program_loudness
from .timeline import Event, Timeline

if TYPE_CHECKING:
    from .clips import ClipStats

log = logging.getLogger(__name__)

BLOCK = SAMPLE_RATE * 10
"""Samples mixed and handed to the encoder at a time."""
PROGRAM_PEAK_DBTP = -2.8
"""The routine's gain never lifts a clip's true peak above this: the norm's ceiling is -1 dBTP,
and the MP3 encoder adds up to about 1.5 dB on limited speech (the most seen at 64 kbit/s, in
one routine of a few hundred builds; usually under 0.3)."""
ENCODER_LOSS_LU = 0.45
"""Loudness the MP3 encoder takes away (measured at 64 kbit/s), made up before encoding."""
GAIN_STEP_DB = 0.1
"""The routine's gain is a whole number of these steps (``routine_gain_db``)."""
SPARE = SAMPLE_RATE // 50
"""20 ms: the most samples pydub's overlay needs past a piece's end (``_overlay_room``)."""


def routine_gain_db(timeline: Timeline, stats: Mapping[str, ClipStats],
                    chime_stats: Mapping[str, ClipStats]) -> float:
    """The gain (dB) that brings the routine to TARGET_LUFS.

    Computed from the clips' stored cells placed where the timeline puts them, so no audio is
    measured at build time; capped so no clip's true peak passes PROGRAM_PEAK_DBTP, nor the sum
    of the peaks of cues that sound at once.

    Rounded down to a step of GAIN_STEP_DB: one changed phrase ("Hold for forty-five seconds.")
    moves the exact gain by a hair, which would change every sample of the routine and so every
    encoded part (``mp3``); on the step, the gain stays put and only the parts whose words changed
    are encoded again. Down, so the peak cap still holds; 0.1 dB is well inside the loudness's
    tolerance (TARGET_LUFS +/- 1 LU) and under what a listener hears."""
    cells = np.zeros(timeline.total // CELL + 2, dtype=np.float64)
    peak = 0.0  # linear: where cues overlap, their peaks may add
    sounding: list[tuple[int, float]] = []  # (end, peak) of the cues still sounding
    for event in timeline.sounding():
        stat = stats[event.text] if event.text is not None else chime_stats[event.chime]
        at = int(round(event.start / CELL))
        part = stat.cells[: max(0, cells.size - at)]
        cells[at : at + part.size] += part
        sounding = [(end, p) for end, p in sounding if end > event.start] + [
            (event.end, 10 ** (stat.true_peak_db / 20))]
        peak = max(peak, sum(p for _, p in sounding))
    level = program_loudness(cells)
    if level == float("-inf"):
        return 0.0
    exact = min(TARGET_LUFS + ENCODER_LOSS_LU - level, PROGRAM_PEAK_DBTP - 20 * np.log10(peak))
    return math.floor(round(exact / GAIN_STEP_DB, 6)) * GAIN_STEP_DB


def mix_blocks(
    timeline: Timeline,
    clips: Mapping[str, np.ndarray],
    chimes: Mapping[str, np.ndarray],
    gain_db: float = 0.0,
    block: int = BLOCK,
    start: int = 0,
    stop: int | None = None,
) -> Iterator[np.ndarray]:
    """The routine's samples from ``start`` to ``stop`` (its end by default), ``block`` at a time,
    with every sounding cue at its exact sample; silence is zeros at the target rate. Memory
    holds one block.

    ``gain_db`` sets the routine's level: each cue's samples are scaled (float32), rounded and
    kept within 16 bits before they are overlaid, and pydub's overlay adds them with saturation.
    Where cues do not overlap (every built-in routine) that is exactly the routine summed and
    then scaled; where they overlap, each is rounded on its own (a sum may be 1 apart) and clipped
    on its own (which the gain's peak cap keeps from happening).
    """
    return mixer(timeline, clips, chimes, gain_db, block)(start, timeline.total if stop is None else stop)


class Mixer:
    """``mix(start, stop)``: ``mix_blocks`` of any stretch of the routine, the cues sorted once and
    found by their start (a routine encoded in many small parts mixes each for what it holds)."""

    def __init__(self, timeline: Timeline, clips: Mapping[str, np.ndarray], chimes: Mapping[str, np.ndarray],
                 gain_db: float = 0.0, block: int = BLOCK) -> None:
        self.events = timeline.sounding()
        self.starts = [event.start for event in self.events]
        self.longest = max((event.length for event in self.events), default=0)
        self.clips, self.chimes, self.gain_db, self.block = clips, chimes, gain_db, block
        self._digests: dict[tuple[str | None, str | None], bytes] = {}

    def __call__(self, start: int, stop: int) -> Iterator[np.ndarray]:
        first = bisect.bisect_left(self.starts, start - self.longest)
        return _blocks(self.events, first, self.clips, self.chimes, self.gain_db, self.block, start, stop)

    def fingerprint(self, spans: Sequence[tuple[int, int]]) -> str:
        """A digest of everything the samples of ``spans`` (mixed one after another) depend on,
        wherever they are in the routine: the gain, and each cue sounding in them, where it
        sounds from the first span's start, its length and a digest of its samples. Equal
        digests, equal samples; nothing is mixed."""
        import hashlib

        origin = spans[0][0] if spans else 0
        digest = hashlib.sha256(repr((self.gain_db, self.block, SAMPLE_RATE)).encode())
        for start, stop in spans:
            digest.update(repr((start - origin, stop - origin)).encode())
            for index in range(bisect.bisect_left(self.starts, start - self.longest),
                               bisect.bisect_left(self.starts, stop)):
                event = self.events[index]
                if event.end > start:
                    digest.update(repr((event.start - origin, event.length)).encode())
                    digest.update(self._digest(event))
        return digest.hexdigest()

    def _digest(self, event: Event) -> bytes:
        import hashlib

        which = (event.text, event.chime)
        if which not in self._digests:
            audio = self.clips[event.text] if event.text is not None else self.chimes[event.chime]
            self._digests[which] = hashlib.sha256(memoryview(np.ascontiguousarray(audio)).cast("B")).digest()
        return self._digests[which]


def mixer(timeline: Timeline, clips: Mapping[str, np.ndarray], chimes: Mapping[str, np.ndarray],
          gain_db: float = 0.0, block: int = BLOCK) -> Mixer:
    """The routine's ``Mixer``."""
    return Mixer(timeline, clips, chimes, gain_db, block)


def _blocks(events: Sequence[Event], index: int, clips: Mapping[str, np.ndarray], chimes: Mapping[str, np.ndarray],
            gain_db: float, block: int, start: int, stop: int) -> Iterator[np.ndarray]:
    """``mix_blocks`` from the sorted sounding ``events``, the first that may sound at ``start`` at ``index``."""
    segment = pydub().AudioSegment
    factor = np.float32(10 ** (gain_db / 20))
    silent = np.zeros(min(block, max(0, stop - start)), dtype="<i2")
    active: list[tuple[int, np.ndarray]] = []
    overlaid = 0
    for a in range(start, stop, block):
        b = min(a + block, stop)
        while index < len(events) and events[index].start < b:
            event = events[index]
            audio = clips[event.text] if event.text is not None else chimes[event.chime]
            if event.end > a:
                active.append((event.start, audio[: event.length]))
            index += 1
        if not active:
            yield silent[: b - a]
            continue
        pieces: list[tuple[int, np.ndarray]] = []
        still: list[tuple[int, np.ndarray]] = []
        for at, audio in active:
            lo, hi = max(a, at), min(b, at + audio.size)
            if hi > lo:
                pieces.append((lo - a, _gained(audio[lo - at : hi - at], factor)))
            if at + audio.size > b:
                still.append((at, audio))
        active = still
        overlaid += bool(pieces)
        yield _overlaid(segment, pieces, b - a) if pieces else silent[: b - a]
    log.debug("mixed samples %d to %d: %d blocks overlaid, %d silent", start, stop, overlaid,
              -(-(stop - start) // block) - overlaid)


def _gained(samples: np.ndarray, factor: np.float32) -> np.ndarray:
    """Samples at the routine's level: times ``factor`` in float32, rounded, within 16 bits."""
    x = samples.astype(np.float32)
    x *= factor
    return np.clip(np.rint(x, out=x), -32768, 32767, out=x).astype("<i2")


def _overlaid(segment: type, pieces: list[tuple[int, np.ndarray]], size: int) -> np.ndarray:
    """``size`` samples of silence with each piece (offset in samples, samples) overlaid on it.

    Each piece is overlaid with pydub onto the stretch of the block where it sounds (placed by
    samples: pydub positions are milliseconds), and the sum written back there; so a piece costs
    its own length, not the block's. The overlay cuts its base at a whole millisecond (it slices
    ``base[position:]``), so the stretch is a little longer than the piece (``_overlay_room``;
    the block has SPARE samples after its end) and only the piece's length is written back."""
    block = np.zeros(size + SPARE, dtype="<i2")
    for offset, samples in pieces:
        room = _overlay_room(samples.size)
        under = segment(data=block[offset : offset + room].tobytes(), sample_width=2, frame_rate=SAMPLE_RATE,
                        channels=1)
        data = under.overlay(segment(data=samples.tobytes(), sample_width=2, frame_rate=SAMPLE_RATE,
                                     channels=1)).raw_data
        if len(data) != 2 * room:  # pragma: no cover - another pydub that slices otherwise
            raise AudioError(f"pydub's overlay made {len(data) // 2} samples of {room}")
        block[offset : offset + samples.size] = np.frombuffer(data, dtype="<i2", count=samples.size)
    return block[:size]


def _overlay_room(size: int) -> int:
    """The least number of samples, at least ``size``, that pydub's overlay keeps whole: it goes
    through milliseconds (``len()`` rounds to one, ``frame_count(ms=…)`` and ``int`` come back).
    A whole number of 20 ms (441 samples) always does, so SPARE more is always enough."""
    for room in range(size, size + SPARE + 1):
        if int(round(1000 * (float(room) / SAMPLE_RATE)) * (SAMPLE_RATE / 1000.0)) == room:
            return room
    raise AudioError(f"no block of about {size} samples fits pydub's milliseconds")  # pragma: no cover
