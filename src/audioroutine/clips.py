"""Clip preparation: an engine's raw clip made ready for the mix, once, as it enters the cache.

Resampled to SAMPLE_RATE, trimmed of leading and trailing silence, band-limited to what the MP3
keeps, level-matched, its true peak limited; with the stats the mix needs (``ClipStats``) so no
audio is measured again at build time.

A clip is prepared in one piece up to LONG_CLIP samples (every phrase of a routine: the result is
what it always was). A longer one (a whole page read as one instruction) is prepared in blocks of
BLOCK samples, each with MARGIN samples of its neighbours on either side so that the filters,
the limiter and the true peak see what they would see in one piece; trimming looks only at the
clip's ends. Memory then stays that of one block, whatever the clip's length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from math import gcd

import numpy as np

from .constants import SAMPLE_RATE
from .ffmpeg import pydub
from .loudness import (
    CELL,
    bins,
    filtered,
    k_weighted,
    k_weighted_cells,
    loudness,
    oversampled,
    program_loudness,
    true_peak_db,
)

CLIP_LUFS = -9.5
"""Every clip is level-matched to this, then its peaks are limited to PEAK_LIMIT_DBTP, which
leaves speech at about -16 LUFS and dense: the routine's gain then brings the whole to
TARGET_LUFS within the peak ceiling (the silences between words measure lower than the words)."""
PEAK_LIMIT_DBTP = -3.5
"""True-peak ceiling for clips."""
LOWPASS_HZ = 8000
"""Clips are band-limited to the band the encoder keeps well at 64 kbit/s."""
LEAD_MARGIN_S = 0.005
"""Kept before a clip's first sound: a cue is heard within a few ms of its place."""
TAIL_MARGIN_S = 0.03
LONG_CLIP = 1 << 20
"""Samples (47 s) up to which a clip is prepared in one piece (a phrase takes about 100 bytes per
sample while it is prepared: under 100 MB for a clip of 28 s, the longest of the built-in routines)."""
BLOCK = 600 * CELL
"""Samples (12 s) prepared at a time in a longer clip (a whole number of loudness cells)."""
MARGIN = 25 * CELL
"""Samples (0.5 s) of its neighbours each block is prepared with: far longer than the filters'
and the limiter's reach (a few ms), and than the ringing at a block's edges."""


@dataclass(frozen=True)
class ClipStats:
    """What the mix needs to know of a clip's level without measuring it again."""

    cells: np.ndarray
    """K-weighted energy (sum of squares, full scale = 1) of each 20 ms cell from the clip's start."""
    true_peak_db: float


def resample(samples: np.ndarray, rate_in: int, rate_out: int = SAMPLE_RATE) -> np.ndarray:
    """A clip at another rate (band-limited, by FFT: clips are seconds long)."""
    if rate_in == rate_out:
        return samples
    if samples.size > LONG_CLIP:
        return _resample_blocks(samples, rate_in, rate_out)
    return _resample_piece(samples, rate_in, rate_out)


def _resample_piece(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    size = int(round(samples.size * rate_out / rate_in))
    spectrum = np.fft.rfft(samples.astype(np.float64))[: size // 2 + 1]
    out = np.fft.irfft(spectrum, size) * (size / max(1, samples.size))
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


def _resample_blocks(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """``resample`` block by block: blocks and margins a whole number of the rates' common period."""
    step = rate_in // gcd(rate_in, rate_out)
    size = int(round(samples.size * rate_out / rate_in))
    out = np.empty(size, dtype=np.int16)
    for lo, start, stop, hi in spans(samples.size, BLOCK // step * step, -(-MARGIN // step) * step):
        part = _resample_piece(samples[lo:hi], rate_in, rate_out)
        a, b = start * rate_out // rate_in, (stop * rate_out // rate_in if stop < samples.size else size)
        out[a:b] = part[a - lo * rate_out // rate_in : b - lo * rate_out // rate_in]
    return out


def trim(samples: np.ndarray, rate: int = SAMPLE_RATE, below_peak_db: float = 40.0) -> np.ndarray:
    """Cut leading and trailing silence, keeping a short margin so no consonant is clipped."""
    if samples.size == 0:
        return samples
    if samples.size > LONG_CLIP:
        return _trim_ends(samples, rate, below_peak_db)
    segment = pydub().AudioSegment(samples.astype("<i2").tobytes(), sample_width=2, frame_rate=rate, channels=1)
    if segment.max_dBFS == float("-inf"):
        return samples[:0]
    threshold = segment.max_dBFS - below_peak_db
    detect = pydub().silence.detect_leading_silence
    lead_ms = detect(segment, silence_threshold=threshold, chunk_size=5)
    trail_ms = detect(segment.reverse(), silence_threshold=threshold, chunk_size=5)
    start = max(0, int(lead_ms * rate / 1000) - int(LEAD_MARGIN_S * rate))
    end = min(samples.size, samples.size - int(trail_ms * rate / 1000) + int(TAIL_MARGIN_S * rate))
    return samples[start:end] if end > start else samples[:0]


def _trim_ends(samples: np.ndarray, rate: int, below_peak_db: float) -> np.ndarray:
    """``trim`` of a long clip: the same pydub detection, on as little of each end as it needs."""
    peak = max(int(samples.max()), -int(samples.min()))
    if peak == 0:
        return samples[:0]
    threshold = pydub().utils.ratio_to_db(peak, 32768) - below_peak_db
    lead_ms, trail_ms = (_silence_ms(samples if end == 0 else samples[::-1], rate, threshold) for end in (0, 1))
    start = max(0, int(lead_ms * rate / 1000) - int(LEAD_MARGIN_S * rate))
    end = min(samples.size, samples.size - int(trail_ms * rate / 1000) + int(TAIL_MARGIN_S * rate))
    return samples[start:end] if end > start else samples[:0]


def _silence_ms(samples: np.ndarray, rate: int, threshold: float, chunk_ms: int = 5) -> int:
    """pydub's ``detect_leading_silence`` of the clip, from a window of its start, doubled until the
    first sound lies well inside it (then the answer is the same as from the whole clip)."""
    window = 1 << 16
    while True:
        part = samples[:window]
        segment = pydub().AudioSegment(np.ascontiguousarray(part, dtype="<i2").tobytes(), sample_width=2,
                                       frame_rate=rate, channels=1)
        found = pydub().silence.detect_leading_silence(segment, silence_threshold=threshold, chunk_size=chunk_ms)
        if part.size == samples.size or (found + 2 * chunk_ms) * rate / 1000 < part.size:
            return found
        window *= 2


def band_limit(samples: np.ndarray) -> np.ndarray:
    """Low-pass at LOWPASS_HZ (zero phase; the response of an 8th-order Butterworth run forwards
    and backwards), the band the MP3 keeps."""
    if samples.size < 64:
        return samples
    if samples.size > LONG_CLIP:
        return in_blocks(samples, _band_limit_piece)
    return _band_limit_piece(samples)


def _band_limit_piece(samples: np.ndarray) -> np.ndarray:
    return np.clip(np.round(filtered(samples.astype(np.float64), _band_response)), -32768, 32767).astype(np.int16)


@lru_cache(maxsize=4)
def _band_response(size: int) -> np.ndarray:
    ratio = np.tan(np.pi * np.minimum(bins(size), SAMPLE_RATE / 2 - 1) / SAMPLE_RATE) / np.tan(
        np.pi * LOWPASS_HZ / SAMPLE_RATE)
    return 1 / (1 + ratio**16)


# ---------------------------------------------------------------------------- the limiter


def _sliding_min(x: np.ndarray, size: int) -> np.ndarray:
    """The minimum of the ``size`` (odd) samples centred on each sample (van Herk / Gil-Werman: the
    minima so far within blocks of ``size``, forwards and backwards, so O(n) for any size)."""
    padded = np.pad(x, (size // 2, size // 2 + (-(x.size + size - 1)) % size), mode="edge")
    blocks = padded.reshape(-1, size)
    forwards = np.minimum.accumulate(blocks, axis=1).ravel()
    backwards = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(backwards[: x.size], forwards[size - 1 : size - 1 + x.size])


def _moving_average(x: np.ndarray, size: int) -> np.ndarray:
    padded = np.pad(x, (size // 2, size - 1 - size // 2), mode="edge")
    sums = np.concatenate(([0.0], np.cumsum(padded)))
    return (sums[size:] - sums[:-size]) / size


def _limit(x: np.ndarray, ceiling_db: float, rate: int) -> tuple[np.ndarray, float]:
    """Bring the true peak under the ceiling with a smooth gain envelope (a lookahead limiter).
    Returns the limited samples and their true peak (dBTP)."""
    ceiling = 10 ** (ceiling_db / 20)
    for _ in range(5):
        over = np.abs(oversampled(x)).reshape(-1, 4).max(axis=1)
        peak = float(over.max()) if over.size else 0.0
        if peak <= ceiling:
            break
        gain = np.minimum(1.0, ceiling / np.maximum(over, 1e-9) * 0.995)
        width = max(3, int(0.005 * rate))
        gain = _moving_average(_sliding_min(gain, 2 * width + 1), width)
        x = x * gain
    return x, (20 * np.log10(peak) if peak > 0 else float("-inf"))


# ---------------------------------------------------------------------------- the whole


def clip_stats(samples: np.ndarray, true_peak: float | None = None) -> ClipStats:
    """K-weighted energy per cell (ITU-R BS.1770 weighting) and the true peak of a clip
    (measured here unless already known)."""
    if samples.size > LONG_CLIP:
        return ClipStats(_cells(samples), round(_true_peak_db(samples) if true_peak is None else true_peak, 3))
    peak = true_peak_db(samples.astype(np.float64) / 32768.0) if true_peak is None else true_peak
    return ClipStats(k_weighted_cells(samples), round(peak, 3))


def prepare_clip(samples: np.ndarray, rate: int) -> tuple[np.ndarray, ClipStats]:
    """An engine's raw clip made ready for the mix: our rate, trimmed, level-matched, true peak
    under the ceiling, with its stats. Done once per phrase, when it enters the cache."""
    samples = band_limit(trim(resample(samples, rate, SAMPLE_RATE)))
    if samples.size > LONG_CLIP:
        level = program_loudness(_cells(samples).astype(np.float64)) if np.any(samples) else float("-inf")
        if level != float("-inf"):
            samples = in_blocks(samples, lambda part: _level(part, level)[0])
        return samples, clip_stats(samples)
    level = loudness(samples)
    peak = None
    if level != float("-inf"):
        samples, peak = _level(samples, level)
    return samples, clip_stats(samples, peak)


def _level(samples: np.ndarray, level: float) -> tuple[np.ndarray, float]:
    """Samples at ``level`` LUFS brought to CLIP_LUFS, true peak limited; and that peak (dBTP)."""
    x = samples.astype(np.float64) / 32768.0 * 10 ** ((CLIP_LUFS - level) / 20)
    x, peak = _limit(x, PEAK_LIMIT_DBTP, SAMPLE_RATE)
    return np.clip(np.round(x * 32768), -32768, 32767).astype(np.int16), peak


# ---------------------------------------------------------------------------- long clips, block by block


def spans(size: int, block: int = BLOCK, margin: int = MARGIN) -> Iterator[tuple[int, int, int, int]]:
    """(lo, start, stop, hi): each block [start, stop) of ``size`` samples, and the span [lo, hi) it
    is worked on with, ``margin`` wider on each side where the clip allows."""
    for start in range(0, size, block):
        stop = min(size, start + block)
        yield max(0, start - margin), start, stop, min(size, stop + margin)


def in_blocks(samples: np.ndarray, step: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``step`` (int16 in, int16 out of the same length) applied block by block, with margins."""
    out = np.empty_like(samples)
    for lo, start, stop, hi in spans(samples.size):
        out[start:stop] = step(samples[lo:hi])[start - lo : stop - lo]
    return out


def _cells(samples: np.ndarray) -> np.ndarray:
    """``k_weighted_cells`` block by block (the filter is causal: each block's margin before it)."""
    found = []
    for lo, start, stop, _ in spans(samples.size):
        weighted = k_weighted(samples[lo:stop].astype(np.float64) / 32768.0)[start - lo :]
        padded = np.zeros(-(-weighted.size // CELL) * CELL)
        padded[: weighted.size] = weighted
        found.append(np.square(padded).reshape(-1, CELL).sum(axis=1).astype(np.float32))
    return np.concatenate(found)


def _true_peak_db(samples: np.ndarray) -> float:
    """``true_peak_db`` block by block (each block's oversampled samples, measured with margins)."""
    peak = 0.0
    for lo, start, stop, hi in spans(samples.size):
        over = oversampled(samples[lo:hi].astype(np.float64) / 32768.0)[4 * (start - lo) : 4 * (stop - lo)]
        peak = max(peak, float(np.max(np.abs(over))))
    return 20 * np.log10(peak) if peak > 0 else float("-inf")
