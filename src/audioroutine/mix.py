"""The mix: the routine's gain for its loudness, and its samples block by block.

A routine is mixed ``BLOCK`` samples at a time (``mix_blocks``) for the encoder: memory holds one
block however long the routine is, and a block where nothing sounds is one shared silent block.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np

from .constants import SAMPLE_RATE
from .loudness import CELL, TARGET_LUFS, program_loudness
from .timeline import Timeline

if TYPE_CHECKING:
    from .clips import ClipStats

BLOCK = SAMPLE_RATE * 10
"""Samples mixed and handed to the encoder at a time."""
PROGRAM_PEAK_DBTP = -2.8
"""The routine's gain never lifts a clip's true peak above this: the norm's ceiling is -1 dBTP,
and the MP3 encoder adds up to about 1.5 dB on limited speech (the most seen at 64 kbit/s, in
one routine of a few hundred builds; usually under 0.3)."""
ENCODER_LOSS_LU = 0.45
"""Loudness the MP3 encoder takes away (measured at 64 kbit/s), made up before encoding."""


def routine_gain_db(timeline: Timeline, stats: Mapping[str, ClipStats],
                    chime_stats: Mapping[str, ClipStats]) -> float:
    """The gain (dB) that brings the routine to TARGET_LUFS.

    Computed from the clips' stored cells placed where the timeline puts them, so no audio is
    measured at build time; capped so no clip's true peak passes PROGRAM_PEAK_DBTP, nor the sum
    of the peaks of cues that sound at once."""
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
    return min(TARGET_LUFS + ENCODER_LOSS_LU - level, PROGRAM_PEAK_DBTP - 20 * np.log10(peak))


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
    with every sounding cue at its exact sample.

    Silence is zeros at the target rate; overlapping cues add; ``gain_db`` sets the routine's
    level. Memory holds one block.
    """
    factor = np.float32(10 ** (gain_db / 20))
    silent = np.zeros(block, dtype="<i2")
    events = timeline.sounding()
    active: list[tuple[int, np.ndarray]] = []
    index = 0
    stop = timeline.total if stop is None else stop
    for a in range(start, stop, block):
        b = min(a + block, stop)
        while index < len(events) and events[index].start < b:
            event = events[index]
            audio = clips[event.text] if event.text is not None else chimes[event.chime]
            active.append((event.start, audio[: event.length]))
            index += 1
        if not active:
            yield silent[: b - a]
            continue
        buffer = np.zeros(b - a, dtype=np.float32)
        still: list[tuple[int, np.ndarray]] = []
        for start, audio in active:
            lo, hi = max(a, start), min(b, start + audio.size)
            if hi > lo:
                buffer[lo - a : hi - a] += audio[lo - start : hi - start]
            if start + audio.size > b:
                still.append((start, audio))
        active = still
        buffer *= factor
        yield np.clip(np.rint(buffer), -32768, 32767).astype("<i2")
