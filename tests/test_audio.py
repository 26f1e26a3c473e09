"""Clip preparation, chimes and loudness arithmetic, measured with an independent meter."""

import numpy as np
import pyloudnorm
import pytest

from audioroutine.chimes import CHIME_LUFS, chime, chime_length
from audioroutine.clips import (
    CLIP_LUFS,
    LEAD_MARGIN_S,
    PEAK_LIMIT_DBTP,
    ClipStats,
    band_limit,
    clip_stats,
    prepare_clip,
    resample,
)
from audioroutine.loudness import CELL, k_weighted, k_weighting, program_loudness, true_peak_db
from audioroutine.mix import GAIN_STEP_DB, PROGRAM_PEAK_DBTP, mix_blocks, routine_gain_db
from audioroutine.script import Where
from audioroutine.timeline import SAMPLE_RATE, Event, Timeline

SR = SAMPLE_RATE
meter = pyloudnorm.Meter(SR)


def tone_burst(seconds: float, amplitude: float, freq: float = 440.0, seed: int = 0) -> np.ndarray:
    """A speech-like test signal: a tone with a noisy, wobbling envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 3 * t) + 0.05 * rng.standard_normal(t.size)
    return np.clip(amplitude * envelope * np.sin(2 * np.pi * freq * t), -1, 1)


@pytest.mark.parametrize("which", ["start", "end"])
def test_chimes_are_soft(which):
    level = meter.integrated_loudness(np.tile(chime(which) / 32768.0, 1))
    assert abs(level - CHIME_LUFS) < 0.5
    assert chime("start").size == chime("end").size


@pytest.mark.parametrize("amplitude", [0.05, 0.3, 0.9])
def test_prepared_clips_are_level_matched_and_under_the_peak_ceiling(amplitude):
    raw = np.concatenate([np.zeros(SR // 2), tone_burst(2.0, amplitude), np.zeros(SR // 2)])
    samples, stats = prepare_clip((raw * 32767).astype(np.int16), SR)
    x = samples / 32768.0
    assert abs(meter.integrated_loudness(x) - CLIP_LUFS) < 1.0
    assert true_peak_db(x) <= PEAK_LIMIT_DBTP + 0.1
    assert stats.true_peak_db == pytest.approx(true_peak_db(x), abs=0.1)
    # trimmed: the leading half second of silence is gone, save the short lead-in margin
    assert samples.size < raw.size - SR * 0.9
    lead = np.argmax(np.abs(samples) > 0.01 * 32768) / SR
    assert lead <= LEAD_MARGIN_S + 0.01


# Clip preparation filters by FFT (numpy alone); scipy, which pyloudnorm brings into the tests,
# is the reference for what each filter must do.


def test_k_weighting_is_the_one_pyloudnorm_applies():
    theirs = list(meter._filters.values())
    for (b, a), stage in zip(k_weighting(), theirs, strict=True):
        assert np.allclose(b, stage.b) and np.allclose(a, stage.a)
    from scipy.signal import lfilter

    x = tone_burst(2.0, 0.5, 220, seed=4) + tone_burst(2.0, 0.2, 3000, seed=5)
    expected = x
    for stage in theirs:
        expected = lfilter(stage.b, stage.a, expected)
    assert np.max(np.abs(k_weighted(x) - expected)) < 1e-6


def test_band_limit_is_an_8th_order_butterworth_run_both_ways():
    from scipy.signal import butter, sosfiltfilt

    x = np.round(np.random.default_rng(7).standard_normal(SR) * 3000)
    expected = sosfiltfilt(butter(8, 8000, btype="low", fs=SR, output="sos"), x)
    ours = band_limit(x.astype(np.int16)).astype(np.float64)
    inner = slice(SR // 10, -SR // 10)  # the two treat the very ends differently
    assert np.sqrt(np.mean((ours[inner] - expected[inner]) ** 2)) < 0.01 * np.sqrt(np.mean(expected[inner] ** 2))


def test_true_peak_is_measured_between_the_samples():
    from scipy.signal import resample_poly

    t = np.arange(SR) / SR
    # a quarter-rate sine whose samples all fall at 0.354 of its 0.5 peak (faded in and out)
    x = 0.5 * np.sin(2 * np.pi * SR / 4 * t + np.pi / 4) * np.hanning(SR)
    assert 20 * np.log10(np.max(np.abs(x))) == pytest.approx(-9.03, abs=0.01)
    assert true_peak_db(x) == pytest.approx(-6.02, abs=0.05)
    speech = tone_burst(1.0, 0.8, 5000, seed=3)
    assert true_peak_db(speech) == pytest.approx(20 * np.log10(np.max(np.abs(resample_poly(speech, 4, 1)))), abs=0.1)


def test_resampling_keeps_the_waveform():
    t_in, t_out = np.arange(16000) / 16000, np.arange(SR) / SR
    ours = resample((0.5 * np.sin(2 * np.pi * 300 * t_in) * 32767).astype(np.int16), 16000)
    expected = 0.5 * np.sin(2 * np.pi * 300 * t_out) * 32767
    assert ours.size == SR
    assert np.max(np.abs(ours[500:-500] - expected[500:-500])) < 0.01 * 32767


def test_prepared_clips_at_another_rate_come_out_at_ours():
    rate = 16000
    t = np.arange(rate) / rate
    raw = (0.5 * np.sin(2 * np.pi * 300 * t) * 32767).astype(np.int16)
    samples, _ = prepare_clip(raw, rate)
    assert abs(samples.size - SR) < SR * 0.05


def test_program_loudness_from_cells_matches_a_meter_on_the_whole_signal():
    pieces = [tone_burst(1.5, 0.3, seed=1), np.zeros(SR * 3), tone_burst(0.4, 0.5, seed=2),
              np.zeros(SR), tone_burst(3.0, 0.2, 660, seed=3), np.zeros(SR * 2)]
    x = np.concatenate(pieces)
    ints = np.round(x * 32767).astype(np.int16)
    cells = clip_stats(ints).cells
    assert cells.size == -(-ints.size // CELL)
    assert program_loudness(cells.astype(np.float64)) == pytest.approx(meter.integrated_loudness(ints / 32768.0),
                                                                      abs=0.3)


def test_silence_has_no_loudness():
    assert program_loudness(np.zeros(100)) == float("-inf")


def test_mixing_in_blocks_equals_mixing_at_once():
    a = (tone_burst(0.8, 0.3) * 32767).astype(np.int16)
    b = (tone_burst(0.5, 0.3, 880) * 32767).astype(np.int16)
    events = (Event("speech", 1000, a.size, Where(), text="a"), Event("count", 30000, b.size, Where(), text="b"),
              Event("chime", 60000, chime("end").size, Where(), chime="end"))
    timeline = Timeline(events, (), 100000)
    whole = np.concatenate(list(mix_blocks(timeline, {"a": a, "b": b}, {"end": chime("end")}, block=7919)))
    assert whole.size == 100000
    expected = np.zeros(100000, dtype=np.int32)
    expected[1000:1000 + a.size] += a
    expected[30000:30000 + b.size] += b
    expected[60000:60000 + chime("end").size] += chime("end")
    assert np.array_equal(whole, np.clip(expected, -32768, 32767).astype(np.int16))


def test_the_routine_gain_keeps_cues_that_sound_at_once_under_the_peak_ceiling():
    quiet = ClipStats(np.full(100, 1.6, dtype=np.float32), true_peak_db=-3.5)  # 2 s at -25 LUFS: the cap decides

    def gain(second_at: int) -> float:
        events = (Event("speech", 0, 100 * CELL, Where(), text="a"),
                  Event("count", second_at, 100 * CELL, Where(), text="a"))
        return routine_gain_db(Timeline(events, (), 400 * CELL), {"a": quiet}, {})

    apart, together = gain(200 * CELL), gain(50 * CELL)
    # the cap, rounded down to the gain's step (GAIN_STEP_DB): never above it
    assert PROGRAM_PEAK_DBTP + 3.5 - GAIN_STEP_DB < apart <= PROGRAM_PEAK_DBTP + 3.5
    assert apart - 20 * np.log10(2) - GAIN_STEP_DB < together <= apart - 20 * np.log10(2) + GAIN_STEP_DB
    assert together <= PROGRAM_PEAK_DBTP + 3.5 - 20 * np.log10(2)
    assert round(apart / GAIN_STEP_DB, 6) % 1 == 0 and round(together / GAIN_STEP_DB, 6) % 1 == 0


def float_mix(placed: list[tuple[int, np.ndarray]], total: int, gain_db: float) -> np.ndarray:
    """The mix as a float32 sum of the cues, scaled by the gain, rounded and clipped once."""
    buffer = np.zeros(total, dtype=np.float32)
    for at, audio in placed:
        buffer[at:at + audio.size] += audio
    buffer *= np.float32(10 ** (gain_db / 20))
    return np.clip(np.rint(buffer), -32768, 32767).astype(np.int16)


@pytest.mark.parametrize("block", [1000, 7919, 22051, SR * 10])
@pytest.mark.parametrize("gain_db", [-7.3, 0.0, 4.1])
def test_cues_apart_mix_to_the_sample_whatever_the_block_and_gain(block, gain_db):
    a = (tone_burst(0.8, 0.3) * 32767).astype(np.int16)
    b = (tone_burst(0.5, 0.9, 880) * 32767).astype(np.int16)  # clips at +4.1 dB
    events = (Event("speech", 1001, a.size, Where(), text="a"), Event("count", 30017, b.size, Where(), text="b"),
              Event("chime", 60000, chime("end").size, Where(), chime="end"))
    timeline = Timeline(events, (), 100003)
    whole = np.concatenate(list(mix_blocks(timeline, {"a": a, "b": b}, {"end": chime("end")}, gain_db, block)))
    expected = float_mix([(1001, a), (30017, b), (60000, chime("end"))], 100003, gain_db)
    assert np.array_equal(whole, expected)
    part = np.concatenate(list(mix_blocks(timeline, {"a": a, "b": b}, {"end": chime("end")}, gain_db, block,
                                          start=30017 + b.size + 5, stop=90001)))
    assert np.array_equal(part, expected[30017 + b.size + 5 : 90001])


def test_cues_that_overlap_add_within_one_step_of_the_float_sum():
    a = (tone_burst(1.0, 0.5) * 32767).astype(np.int16)
    b = (tone_burst(1.0, 0.5, 660, seed=1) * 32767).astype(np.int16)
    events = (Event("speech", 0, a.size, Where(), text="a"), Event("count", 5000, b.size, Where(), text="b"))
    timeline = Timeline(events, (), 40000)
    mixed = np.concatenate(list(mix_blocks(timeline, {"a": a, "b": b}, {}, -3.0)))
    expected = float_mix([(0, a), (5000, b)], 40000, -3.0)
    assert np.max(np.abs(mixed.astype(np.int32) - expected)) <= 1
    # far past full scale (the gain's peak cap never goes there) each cue is clipped on its own,
    # then the sum saturates: loud, never wrapped round
    loud = np.concatenate(list(mix_blocks(timeline, {"a": a, "b": b}, {}, 12.0))).astype(np.int32)
    assert loud.max() == 32767 and loud.min() == -32768
    assert np.all(np.abs(loud[:5000]) >= np.abs(a[:5000].astype(np.int32)))


@pytest.mark.parametrize("which", ["start", "end"])
def test_a_chimes_length_is_known_without_making_it(which):
    assert chime_length(which) == chime(which).size
