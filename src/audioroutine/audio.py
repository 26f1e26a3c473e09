"""Audio: ffmpeg, clip preparation (trim, level, peak), chimes, and the mix to MP3.

Every clip is brought to one format (mono, 16-bit, ``SAMPLE_RATE``) when it enters the clip
cache, so a build only places ready clips on the timeline and mixes them block by block
(``mix_blocks``) for the encoder (``mp3``): memory stays flat however long the routine is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from .constants import SAMPLE_RATE
from .errors import AudioError
from .timeline import Timeline

TARGET_LUFS = -16.0
"""Integrated loudness of every routine (the spoken-word podcast norm)."""
CLIP_LUFS = -9.5
"""Every clip is level-matched to this, then its peaks are limited to PEAK_LIMIT_DBTP, which
leaves speech at about -16 LUFS and dense: the routine's gain then brings the whole to
TARGET_LUFS within the peak ceiling (the silences between words measure lower than the words)."""
PEAK_LIMIT_DBTP = -3.5
"""True-peak ceiling for clips."""
PROGRAM_PEAK_DBTP = -2.8
"""The routine's gain never lifts a clip's true peak above this: the norm's ceiling is -1 dBTP,
and the MP3 encoder adds up to about 1.5 dB on limited speech (the most seen at 64 kbit/s, in
one routine of a few hundred builds; usually under 0.3)."""
ENCODER_LOSS_LU = 0.45
"""Loudness the MP3 encoder takes away (measured at 64 kbit/s), made up before encoding."""
LOWPASS_HZ = 8000
"""Clips are band-limited to the band the encoder keeps well at 64 kbit/s."""
CELL = 441
"""20 ms at SAMPLE_RATE: the grain at which clip loudness is stored and summed."""
CHIME_LUFS = -22.0
CHIME_PEAK = {"start": 11056, "end": 11792}
BLOCK = SAMPLE_RATE * 10
"""Samples mixed and handed to the encoder at a time."""
LEAD_MARGIN_S = 0.005
"""Kept before a clip's first sound: a cue is heard within a few ms of its place."""
TAIL_MARGIN_S = 0.03


# ---------------------------------------------------------------------------- ffmpeg


@cache
def ffmpeg_exe() -> str:
    """The system's ffmpeg, or the one imageio-ffmpeg ships, so pip alone is enough."""
    found = os.environ.get("AUDIOROUTINE_FFMPEG") or shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise AudioError(
            "ffmpeg was not found", hint="install imageio-ffmpeg (pip) or ffmpeg (your system's packages)"
        ) from exc


def pydub():
    """pydub, pointed at our ffmpeg (imported late: it looks for ffmpeg when imported)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Couldn't find ffmpeg": we set it below
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on Python 3.12
        import pydub as _pydub
    _pydub.AudioSegment.converter = ffmpeg_exe()
    return _pydub


def decode_to_pcm(data: bytes, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Any audio ffmpeg reads (MP3, WAV…) as mono int16 samples at ``rate``."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", "pipe:0",
         "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"],
        input=data, capture_output=True, check=False,
    )
    if proc.returncode != 0:
        raise AudioError(f"ffmpeg could not decode the audio: {proc.stderr.decode(errors='replace').strip()}")
    return np.frombuffer(proc.stdout, dtype="<i2").copy()


def resample(samples: np.ndarray, rate_in: int, rate_out: int = SAMPLE_RATE) -> np.ndarray:
    """A clip at another rate (band-limited, by FFT: clips are seconds long)."""
    if rate_in == rate_out:
        return samples
    size = int(round(samples.size * rate_out / rate_in))
    spectrum = np.fft.rfft(samples.astype(np.float64))[: size // 2 + 1]
    out = np.fft.irfft(spectrum, size) * (size / max(1, samples.size))
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


# ---------------------------------------------------------------------------- filters, by FFT
# Clips are a few seconds long, so every filter is applied as its frequency response to the
# clip's spectrum, zero-padded so nothing wraps around: numpy alone, no scipy to import.


@cache
def _fft_size(n: int) -> int:
    """The smallest length of the form 2^a 3^b 5^c (fast for FFTs) at least ``n``."""
    best = 1 << (n - 1).bit_length()
    for three in (3**b for b in range(12)):
        for factor in (three * 5**c for c in range(8)):
            if factor < n:
                best = min(best, factor << (-(-n // factor) - 1).bit_length())
    return best


def _filtered(x: np.ndarray, response: Callable[[int], np.ndarray], pad: int = SAMPLE_RATE // 4) -> np.ndarray:
    """``x`` through a filter whose response ``response(size)`` gives at the bins of an FFT of
    that size."""
    size = _fft_size(x.size + pad)
    return np.fft.irfft(np.fft.rfft(x, size) * response(size), size)[: x.size]


def _bins(size: int) -> np.ndarray:
    return np.fft.rfftfreq(size, 1 / SAMPLE_RATE)


def _biquad(b: np.ndarray, a: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """The frequency response of a biquad, as scipy's lfilter applies it."""
    z = np.exp(-2j * np.pi * freqs / SAMPLE_RATE)
    return (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)


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
    return _biquad(shelf_b, shelf_a, _bins(size)) * _biquad(pass_b, pass_a, _bins(size))


def k_weighted(x: np.ndarray) -> np.ndarray:
    return _filtered(x, _k_response)


def _oversampled(x: np.ndarray, factor: int = 4) -> np.ndarray:
    """``x`` at ``factor`` times its rate (band-limited interpolation), for true peaks."""
    size = _fft_size(x.size + 64)
    return np.fft.irfft(np.fft.rfft(x, size), size * factor)[: x.size * factor] * factor


# ---------------------------------------------------------------------------- clip preparation


def trim(samples: np.ndarray, rate: int = SAMPLE_RATE, below_peak_db: float = 40.0) -> np.ndarray:
    """Cut leading and trailing silence, keeping a short margin so no consonant is clipped."""
    if samples.size == 0:
        return samples
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


def band_limit(samples: np.ndarray) -> np.ndarray:
    """Low-pass at LOWPASS_HZ (zero phase; the response of an 8th-order Butterworth run forwards
    and backwards), the band the MP3 keeps."""
    if samples.size < 64:
        return samples
    return np.clip(np.round(_filtered(samples.astype(np.float64), _band_response)), -32768, 32767).astype(np.int16)


@lru_cache(maxsize=4)
def _band_response(size: int) -> np.ndarray:
    ratio = np.tan(np.pi * np.minimum(_bins(size), SAMPLE_RATE / 2 - 1) / SAMPLE_RATE) / np.tan(
        np.pi * LOWPASS_HZ / SAMPLE_RATE)
    return 1 / (1 + ratio**16)


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS, ITU-R BS.1770) of a clip; short clips are measured looped."""
    if samples.size == 0 or not np.any(samples):
        return float("-inf")
    minimum = int(0.4 * SAMPLE_RATE) + 1
    if samples.size < minimum:
        samples = np.tile(samples, -(-minimum // samples.size) + 1)
    return program_loudness(k_weighted_cells(samples).astype(np.float64))


def true_peak_db(x: np.ndarray) -> float:
    """True peak (dBTP) of float samples, by 4x oversampling."""
    peak = float(np.max(np.abs(_oversampled(x)))) if x.size else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


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
        over = np.abs(_oversampled(x)).reshape(-1, 4).max(axis=1)
        peak = float(over.max()) if over.size else 0.0
        if peak <= ceiling:
            break
        gain = np.minimum(1.0, ceiling / np.maximum(over, 1e-9) * 0.995)
        width = max(3, int(0.005 * rate))
        gain = _moving_average(_sliding_min(gain, 2 * width + 1), width)
        x = x * gain
    return x, (20 * np.log10(peak) if peak > 0 else float("-inf"))


@dataclass(frozen=True)
class ClipStats:
    """What the mix needs to know of a clip's level without measuring it again."""

    cells: np.ndarray
    """K-weighted energy (sum of squares, full scale = 1) of each 20 ms cell from the clip's start."""
    true_peak_db: float


def clip_stats(samples: np.ndarray, true_peak: float | None = None) -> ClipStats:
    """K-weighted energy per cell (ITU-R BS.1770 weighting) and the true peak of a clip
    (measured here unless already known)."""
    peak = true_peak_db(samples.astype(np.float64) / 32768.0) if true_peak is None else true_peak
    return ClipStats(k_weighted_cells(samples), round(peak, 3))


def k_weighted_cells(samples: np.ndarray) -> np.ndarray:
    """K-weighted energy (full scale = 1) of each CELL samples of int16 ``samples``."""
    weighted = k_weighted(samples.astype(np.float64) / 32768.0)
    padded = np.zeros(-(-weighted.size // CELL) * CELL)
    padded[: weighted.size] = weighted
    return np.square(padded).reshape(-1, CELL).sum(axis=1).astype(np.float32)


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


def prepare_clip(samples: np.ndarray, rate: int) -> tuple[np.ndarray, ClipStats]:
    """An engine's raw clip made ready for the mix: our rate, trimmed, level-matched, true peak
    under the ceiling, with its stats. Done once per phrase, when it enters the cache."""
    samples = band_limit(trim(resample(samples, rate, SAMPLE_RATE)))
    level = loudness(samples)
    peak = None
    if level != float("-inf"):
        x = samples.astype(np.float64) / 32768.0 * 10 ** ((CLIP_LUFS - level) / 20)
        x, peak = _limit(x, PEAK_LIMIT_DBTP, SAMPLE_RATE)
        samples = np.clip(np.round(x * 32768), -32768, 32767).astype(np.int16)
    return samples, clip_stats(samples, peak)


# ---------------------------------------------------------------------------- chimes


@cache
def chime(which: str) -> np.ndarray:
    """A soft bell, generated here (no sample, no licence): rising for start, falling for end."""
    rate = SAMPLE_RATE
    notes = (659.25, 987.77) if which == "start" else (987.77, 659.25)
    length = int(1.1 * rate)
    t = np.arange(length) / rate
    out = np.zeros(length)
    for i, f0 in enumerate(notes):
        onset = int(i * 0.16 * rate)
        tt = t[: length - onset]
        tone = sum(
            amp * np.sin(2 * np.pi * f0 * ratio * tt) * np.exp(-tt * decay)
            for ratio, amp, decay in ((1.0, 1.0, 4.5), (2.0, 0.25, 7.0), (3.01, 0.08, 11.0))
        )
        attack = np.minimum(1.0, tt / 0.004)
        out[onset:] += tone * attack
    fade = np.minimum(1.0, (length - np.arange(length)) / (0.05 * rate))
    out *= fade
    # Peak chosen so the chime measures about CHIME_LUFS (checked by tests/test_audio.py);
    # a fixed number keeps the loudness meter out of builds that synthesize nothing.
    return np.clip(np.round(out / np.max(np.abs(out)) * CHIME_PEAK[which]), -32768, 32767).astype(np.int16)


# ---------------------------------------------------------------------------- mixing


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
