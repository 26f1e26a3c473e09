"""Loudness, measured as ITU-R BS.1770 does: K-weighting, energy per cell, programme loudness
with its gates, and true peak; with the FFT filters they are made of (numpy alone).

Clips are a few seconds long, so every filter is applied as its frequency response to the
clip's spectrum, zero-padded so nothing wraps around: no scipy to import.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

import numpy as np

from .constants import SAMPLE_RATE

TARGET_LUFS = -16.0
"""Integrated loudness of every routine (the spoken-word podcast norm)."""
CELL = 441
"""20 ms at SAMPLE_RATE: the grain at which clip loudness is stored and summed."""


# ---------------------------------------------------------------------------- filters, by FFT


@cache
def _fft_size(n: int) -> int:
    """The smallest length of the form 2^a 3^b 5^c (fast for FFTs) at least ``n``."""
    best = 1 << (n - 1).bit_length()
    for three in (3**b for b in range(12)):
        for factor in (three * 5**c for c in range(8)):
            if factor < n:
                best = min(best, factor << (-(-n // factor) - 1).bit_length())
    return best


def filtered(x: np.ndarray, response: Callable[[int], np.ndarray], pad: int = SAMPLE_RATE // 4) -> np.ndarray:
    """``x`` through a filter whose response ``response(size)`` gives at the bins of an FFT of
    that size."""
    size = _fft_size(x.size + pad)
    return np.fft.irfft(np.fft.rfft(x, size) * response(size), size)[: x.size]


def bins(size: int) -> np.ndarray:
    """The frequencies (Hz) of the bins of a real FFT of ``size`` samples at SAMPLE_RATE."""
    return np.fft.rfftfreq(size, 1 / SAMPLE_RATE)


def _biquad(b: np.ndarray, a: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """The frequency response of a biquad, as scipy's lfilter applies it."""
    z = np.exp(-2j * np.pi * freqs / SAMPLE_RATE)
    return (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)


def oversampled(x: np.ndarray, factor: int = 4) -> np.ndarray:
    """``x`` at ``factor`` times its rate (band-limited interpolation), for true peaks."""
    size = _fft_size(x.size + 64)
    return np.fft.irfft(np.fft.rfft(x, size), size * factor)[: x.size * factor] * factor


# ---------------------------------------------------------------------------- K-weighting


@cache
def k_weighting() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """ITU-R BS.1770's K-weighting at SAMPLE_RATE: a high shelf (+4 dB above 1.5 kHz), then a
    high pass at 38 Hz, as (b, a) biquads (the RBJ forms pyloudnorm uses)."""
    stages = []
    for kind, gain_db, q, fc in (("shelf", 4.0, 1 / np.sqrt(2), 1500.0), ("high pass", 0.0, 0.5, 38.0)):
        a_ = 10 ** (gain_db / 40)
        w0 = 2 * np.pi * fc / SAMPLE_RATE
        alpha, cos = np.sin(w0) / (2 * q), np.cos(w0)
        if kind == "shelf":
            root = 2 * np.sqrt(a_) * alpha
            b = a_ * np.array([(a_ + 1) + (a_ - 1) * cos + root, -2 * ((a_ - 1) + (a_ + 1) * cos),
                               (a_ + 1) + (a_ - 1) * cos - root])
            a = np.array([(a_ + 1) - (a_ - 1) * cos + root, 2 * ((a_ - 1) - (a_ + 1) * cos),
                          (a_ + 1) - (a_ - 1) * cos - root])
        else:
            b = np.array([(1 + cos) / 2, -(1 + cos), (1 + cos) / 2])
            a = np.array([1 + alpha, -2 * cos, 1 - alpha])
        stages.append((b / a[0], a / a[0]))
    return tuple(stages)


@lru_cache(maxsize=4)  # a clip's size comes back (loudness, then stats); a few MB at most
def _k_response(size: int) -> np.ndarray:
    (shelf_b, shelf_a), (pass_b, pass_a) = k_weighting()
    return _biquad(shelf_b, shelf_a, bins(size)) * _biquad(pass_b, pass_a, bins(size))


def k_weighted(x: np.ndarray) -> np.ndarray:
    """Float samples through the K-weighting filter."""
    return filtered(x, _k_response)


def k_weighted_cells(samples: np.ndarray) -> np.ndarray:
    """K-weighted energy (full scale = 1) of each CELL samples of int16 ``samples``."""
    weighted = k_weighted(samples.astype(np.float64) / 32768.0)
    padded = np.zeros(-(-weighted.size // CELL) * CELL)
    padded[: weighted.size] = weighted
    return np.square(padded).reshape(-1, CELL).sum(axis=1).astype(np.float32)


# ---------------------------------------------------------------------------- measures


def true_peak_db(x: np.ndarray) -> float:
    """True peak (dBTP) of float samples, by 4x oversampling."""
    peak = float(np.max(np.abs(oversampled(x)))) if x.size else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def program_loudness(cells: np.ndarray) -> float:
    """Integrated loudness (LUFS) of a whole routine from its summed cells: 400 ms blocks every
    100 ms, absolute gate -70 LUFS, relative gate -10 LU, as BS.1770-4 measures it."""
    per_block, hop = 20, 5
    if cells.size < per_block:
        cells = np.pad(cells, (0, per_block - cells.size))
    sums = np.concatenate(([0.0], np.cumsum(cells, dtype=np.float64)))
    starts = np.arange(0, cells.size - per_block + 1, hop)
    z = (sums[starts + per_block] - sums[starts]) / (per_block * CELL)
    with np.errstate(divide="ignore"):
        level = -0.691 + 10 * np.log10(z)
    z = z[level > -70.0]
    if z.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(z.mean()) - 10.0
    with np.errstate(divide="ignore"):
        z = z[-0.691 + 10 * np.log10(z) > relative]
    return float(-0.691 + 10 * np.log10(z.mean()))


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS, ITU-R BS.1770) of a clip; short clips are measured looped."""
    if samples.size == 0 or not np.any(samples):
        return float("-inf")
    minimum = int(0.4 * SAMPLE_RATE) + 1
    if samples.size < minimum:
        samples = np.tile(samples, -(-minimum // samples.size) + 1)
    return program_loudness(k_weighted_cells(samples).astype(np.float64))
