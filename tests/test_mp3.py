"""The MP3 encoder: a routine cut in silences, encoded in parts at once and joined, must decode
exactly like the timeline, sample for sample in length, with every sound at its place."""

import io
import struct

import numpy as np
import pytest
from mutagen.mp3 import MPEGFrame, XingHeader

from audioroutine import mp3
from audioroutine.audio import chime, mix_blocks
from audioroutine.mp3 import GUARD, JOIN, crc16, crc16_combine, cut_points, encode_routine, silent_spans
from audioroutine.script import Where
from audioroutine.timeline import MP3_FRAME, SAMPLE_RATE, Event, Timeline
from audiotools import decode, first_sound, rms_dbfs

SR = SAMPLE_RATE
SPEECH_AT_S = (1.0, 14.5, 31.0, 33.2, 52.0, 67.5, 68.0, 88.0, 99.0)
"""Where the test routine's words start; 67.5 and 68 overlap, like a callout over a count."""


def burst(seconds: float, freq: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 3 * t) + 0.05 * rng.standard_normal(t.size)
    return np.round(np.clip(0.3 * envelope * np.sin(2 * np.pi * freq * t), -1, 1) * 32767).astype(np.int16)


def routine(total_s: float = 102.0) -> tuple[Timeline, dict]:
    clips, events = {}, []
    for i, at in enumerate(SPEECH_AT_S):
        clip = burst(0.8 + 0.3 * (i % 3), 300 + 70 * i, seed=i)
        clips[f"cue {i}"] = clip
        events.append(Event("speech", int(at * SR), clip.size, Where(), text=f"cue {i}"))
    events.append(Event("chime", int(40 * SR), chime("start").size, Where(), chime="start"))
    total = -(-int(total_s * SR) // MP3_FRAME) * MP3_FRAME
    return Timeline(tuple(events), (), total), clips


def mixer(timeline: Timeline, clips: dict):
    chimes = {"start": chime("start"), "end": chime("end")}
    return lambda start, stop: mix_blocks(timeline, clips, chimes, start=start, stop=stop)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The same routine encoded in one, two and three parts, decoded as a player hears it."""
    timeline, clips = routine()
    pcm = np.concatenate(list(mixer(timeline, clips)(0, timeline.total)))
    folder = tmp_path_factory.mktemp("mp3")
    files, decoded = {}, {}
    for parts in (1, 2, 3):
        files[parts] = folder / f"in-{parts}-parts.mp3"
        encode_routine(timeline, mixer(timeline, clips), files[parts], parts=parts)
        decoded[parts] = decode(files[parts])
    return timeline, pcm, files, decoded


def snr_db(decoded: np.ndarray, pcm: np.ndarray) -> float:
    error = decoded.astype(np.float64) - pcm
    return 10 * np.log10(np.sum(pcm.astype(np.float64) ** 2) / np.sum(error**2))


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_decodes_exactly_as_long_as_the_timeline(built, parts):
    timeline, _, _, decoded = built
    assert decoded[parts].size == timeline.total


@pytest.mark.parametrize("parts", [2, 3])
def test_parts_are_cut_in_silence_and_the_joins_decode_to_digital_silence(built, parts):
    timeline, pcm, _, decoded = built
    cuts = cut_points(timeline, parts)
    assert len(cuts) == parts - 1
    for cut in cuts:
        assert not pcm[cut - GUARD : cut + JOIN + GUARD].any()
        # what the join makes is silence; before it, the codec's own ringing after a word, as in one piece
        assert not decoded[parts][cut : cut + JOIN + GUARD].any()
        assert np.array_equal(decoded[parts][cut - GUARD : cut], decoded[1][cut - GUARD : cut])


@pytest.mark.parametrize("parts", [2, 3])
def test_every_sound_starts_at_its_sample_and_sounds_as_in_one_piece(built, parts):
    _, pcm, _, decoded = built
    for at in SPEECH_AT_S:
        assert first_sound(decoded[parts], at - 0.5) == pytest.approx(first_sound(pcm, at - 0.5), abs=0.003)
    assert snr_db(decoded[parts], pcm) == pytest.approx(snr_db(decoded[1], pcm), abs=0.2)
    assert snr_db(decoded[parts], pcm) > 15
    assert rms_dbfs(decoded[parts][int(5 * SR) : int(14 * SR)]) == float("-inf")


def info_frame(path):
    data = path.read_bytes()
    stream = io.BytesIO(data)
    frame = MPEGFrame(stream)
    length = stream.tell()
    at = XingHeader.get_offset(frame)
    stream.seek(at)
    return data, length, at, XingHeader(stream)


@pytest.mark.parametrize("parts", [2, 3])
def test_the_joined_header_describes_the_whole_file_as_ffmpeg_would(built, parts):
    timeline, _, files, _ = built
    data, length, at, xing = info_frame(files[parts])
    delay_padding = int.from_bytes(data[at + 141 : at + 144], "big")
    assert xing.is_info
    assert xing.frames * MP3_FRAME - (delay_padding >> 12) - (delay_padding & 0xFFF) == timeline.total
    assert xing.bytes == len(data)
    assert xing.toc[0] == 0 and xing.toc == sorted(xing.toc)
    music_length, music_crc, tag_crc = struct.unpack_from(">IHH", data, at + 148)
    assert music_length == len(data)
    assert music_crc == crc16(data[length:])
    assert tag_crc == crc16(data[: at + 154] + b"\0\0" + data[at + 156 : 190])
    # the one-piece file's header has the same layout, and the same start delay and end padding
    single, _, single_at, _ = info_frame(files[1])
    assert data[at + 141 : at + 144] == single[single_at + 141 : single_at + 144]


def test_when_the_parts_are_not_laid_out_as_expected_the_routine_is_encoded_in_one_piece(tmp_path, monkeypatch):
    timeline, clips = routine(60.0)
    monkeypatch.setattr(mp3, "JOIN", 3 * MP3_FRAME)  # another encoder's padding: the parts would not meet
    out = tmp_path / "fallback.mp3"
    encode_routine(timeline, mixer(timeline, clips), out, parts=2)
    assert cut_points(timeline, 2)
    assert decode(out).size == timeline.total
    assert list(tmp_path.iterdir()) == [out]  # no part or PCM file left beside it


@pytest.mark.parametrize(("total_s", "parts", "expected"), [
    (102.0, 2, 1), (102.0, 3, 2), (102.0, 8, 3),  # no part shorter than 20 s
    (30.0, 2, 0),  # too short to be worth a second encoder
])
def test_cuts_are_whole_frames_in_silence_and_parts_are_not_too_short(total_s, parts, expected):
    timeline, _ = routine(total_s)
    cuts = cut_points(timeline, parts)
    assert len(cuts) == expected
    spans = list(zip([0, *(c + JOIN for c in cuts)], [*cuts, timeline.total], strict=True))
    assert all(stop - start >= 20 * SR for start, stop in spans)
    for cut in cuts:
        assert cut % MP3_FRAME == 0
        assert any(lo <= cut - GUARD and cut + JOIN + GUARD <= hi for lo, hi in silent_spans(timeline))


def test_no_cut_where_no_silence_is_long_enough():
    clip = np.ones(SR * 60, dtype=np.int16)
    events = (Event("speech", 0, clip.size, Where(), text="a"),
              Event("speech", clip.size + GUARD, clip.size, Where(), text="a"))
    timeline = Timeline(events, (), 2 * clip.size + 2 * GUARD)
    assert silent_spans(timeline) == [(clip.size, clip.size + GUARD), (2 * clip.size + GUARD, timeline.total)]
    assert cut_points(timeline, 2) == []


@pytest.mark.parametrize("data", [b"", b"123456789", bytes(range(256)) * 40])
@pytest.mark.parametrize("split", [0, 1, 5, 9, 3000])
def test_crc_of_two_pieces_combines_without_reading_them(data, split):
    a, b = data[:split], data[split:]
    assert crc16_combine(crc16(a), crc16(b), len(b)) == crc16(data)


def test_crc_is_the_lame_tags_crc16_arc():
    assert crc16(b"123456789") == 0xBB3D  # the catalogue's check value for CRC-16/ARC
