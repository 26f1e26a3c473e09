"""The MP3 encoder encodes only what sounds, in parts at once, and writes long silences as silent
frames. A listener must not be able to tell: the file decodes exactly as long as the timeline,
every sound at its sample, the silences digital silence, as faithfully as a plain encode."""

import io
import struct

import fastcrc
import numpy as np
import pytest
from mutagen.mp3 import MPEGFrame, XingHeader

from audioroutine import mp3
from audioroutine.chimes import chime
from audioroutine.mix import mix_blocks
from audioroutine.mp3 import GUARD, JOIN, LEAD, MIN_SILENT_FRAMES, encode_routine, plan, silent_spans
from audioroutine.script import Where
from audioroutine.timeline import MP3_FRAME, SAMPLE_RATE, Event, Timeline
from audiotools import decode, first_sound

SR = SAMPLE_RATE
SPEECH_AT_S = (1.0, 14.5, 31.0, 33.2, 52.0, 67.5, 68.0, 88.0, 99.0)
"""Where the test routine's words start; 67.5 and 68 overlap, like a callout over a count."""
VARIANTS = {"plain": (1, False), "spliced": (1, True), "2 parts": (2, True), "3 parts": (3, True)}
"""(encoders, silences written as silent frames)"""


def burst(seconds: float, freq: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 3 * t) + 0.05 * rng.standard_normal(t.size)
    return np.round(np.clip(0.3 * envelope * np.sin(2 * np.pi * freq * t), -1, 1) * 32767).astype(np.int16)


def routine(total_s: float = 110.0, longer_after_s: float | None = None, by: int = 0) -> tuple[Timeline, dict]:
    """A routine of words and a chime; every sound after ``longer_after_s`` comes ``by`` samples
    later (a longer hold)."""
    clips, events = {}, []
    for i, at in enumerate(SPEECH_AT_S):
        clip = burst(4.0 + (i % 3), 300 + 70 * i, seed=i)
        clips[f"cue {i}"] = clip
        start = int(at * SR) + (by if longer_after_s is not None and at > longer_after_s else 0)
        events.append(Event("speech", start, clip.size, Where(), text=f"cue {i}"))
    events.append(Event("chime", int(40 * SR), chime("start").size, Where(), chime="start"))
    total = -(-int(total_s * SR) // MP3_FRAME) * MP3_FRAME + by
    return Timeline(tuple(events), (), total), clips


def mixer(timeline: Timeline, clips: dict):
    chimes = {"start": chime("start"), "end": chime("end")}
    return lambda start, stop: mix_blocks(timeline, clips, chimes, start=start, stop=stop)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The same routine encoded each way, decoded as a player hears it."""
    timeline, clips = routine()
    pcm = np.concatenate(list(mixer(timeline, clips)(0, timeline.total)))
    folder = tmp_path_factory.mktemp("mp3")
    files, decoded = {}, {}
    for name, (parts, splice) in VARIANTS.items():
        files[name] = folder / f"{name}.mp3"
        encoding = encode_routine(timeline, mixer(timeline, clips), files[name], parts=parts, splice=splice)
        assert encoding.parts == parts and (encoding.silent_frames > 0) == splice  # nothing fell back
        decoded[name] = decode(files[name])
    return timeline, pcm, files, decoded


def snr_db(decoded: np.ndarray, pcm: np.ndarray) -> float:
    error = decoded.astype(np.float64) - pcm
    return 10 * np.log10(np.sum(pcm.astype(np.float64) ** 2) / np.sum(error**2))


@pytest.mark.parametrize("name", VARIANTS)
def test_decodes_exactly_as_long_as_the_timeline(built, name):
    timeline, _, _, decoded = built
    assert decoded[name].size == timeline.total


@pytest.mark.parametrize("name", ["spliced", "2 parts", "3 parts"])
def test_every_sound_starts_at_its_sample_and_sounds_as_in_a_plain_encode(built, name):
    _, pcm, _, decoded = built
    for at in SPEECH_AT_S:
        assert first_sound(decoded[name], at - 0.5) == pytest.approx(first_sound(pcm, at - 0.5), abs=0.003)
    assert snr_db(decoded[name], pcm) == pytest.approx(snr_db(decoded["plain"], pcm), abs=0.2)
    assert snr_db(decoded[name], pcm) > 15


@pytest.mark.parametrize("name", ["spliced", "2 parts", "3 parts"])
def test_silence_written_as_silent_frames_decodes_to_digital_silence(built, name):
    timeline, pcm, _, decoded = built
    layout = plan(timeline, VARIANTS[name][0])
    assert len(layout) == VARIANTS[name][0]
    gaps = [gap for part in layout for gap in part.gaps]
    cuts = [(part.stop, nxt.start) for part, nxt in zip(layout, layout[1:], strict=False)]
    written = sum(gap.frames for gap in gaps) + sum(part.then for part in layout)
    assert written * MP3_FRAME > 0.8 * sum(hi - lo for lo, hi in silent_spans(timeline))  # not encoded
    for start, end in [(gap.start, gap.end) for gap in gaps] + cuts:
        assert not pcm[start - GUARD : end + GUARD].any()
        assert not decoded[name][start:end].any()


def test_a_routine_that_sounds_to_its_last_sample_is_spliced_too(tmp_path):
    timeline, clips = routine()
    clip = burst(3.0, 500, seed=99)
    clips["last"] = clip
    last = Event("speech", timeline.total - clip.size, clip.size, Where(), text="last")
    timeline = Timeline((*timeline.events, last), (), timeline.total)
    encoding = encode_routine(timeline, mixer(timeline, clips), tmp_path / "end.mp3", parts=2)
    assert encoding.parts == 2 and encoding.silent_frames * MP3_FRAME > timeline.total / 2
    decoded = decode(tmp_path / "end.mp3")
    assert decoded.size == timeline.total
    pcm = np.concatenate(list(mixer(timeline, clips)(0, timeline.total)))
    assert first_sound(decoded, timeline.seconds - 3.5) == pytest.approx(first_sound(pcm, timeline.seconds - 3.5),
                                                                         abs=0.003)


def test_a_longer_hold_only_adds_silence_every_other_sample_is_unchanged(tmp_path):
    longer = 574 * MP3_FRAME  # 14.99 s: whole frames, so the rest of the routine is encoded the same
    short, clips = routine()
    long, _ = routine(longer_after_s=60.0, by=longer)
    for timeline, name in ((short, "short.mp3"), (long, "long.mp3")):
        encode_routine(timeline, mixer(timeline, clips), tmp_path / name, parts=1)
    a, b = decode(tmp_path / "short.mp3"), decode(tmp_path / "long.mp3")
    assert b.size == a.size + longer == long.total
    at = next(gap.start for gap in plan(short, 1)[0].gaps if gap.start <= 60 * SR < gap.end)
    assert np.array_equal(b, np.concatenate([a[:at], np.zeros(longer, dtype=a.dtype), a[at:]]))


def info_frame(path):
    data = path.read_bytes()
    stream = io.BytesIO(data)
    frame = MPEGFrame(stream)
    length = stream.tell()
    at = XingHeader.get_offset(frame)
    stream.seek(at)
    return data, length, at, XingHeader(stream)


@pytest.mark.parametrize("name", ["spliced", "3 parts"])
def test_the_header_describes_the_whole_file_as_ffmpeg_would(built, name):
    timeline, _, files, _ = built
    data, length, at, xing = info_frame(files[name])
    delay_padding = int.from_bytes(data[at + 141 : at + 144], "big")
    assert xing.is_info
    assert xing.frames * MP3_FRAME - (delay_padding >> 12) - (delay_padding & 0xFFF) == timeline.total
    assert xing.bytes == len(data)
    assert xing.toc[0] == 0 and xing.toc == sorted(xing.toc) and xing.toc[99] > 240
    music_length, music_crc, tag_crc = struct.unpack_from(">IHH", data, at + 148)
    assert music_length == len(data)
    assert music_crc == fastcrc.crc16.arc(data[length:])
    assert tag_crc == fastcrc.crc16.arc(data[: at + 154] + b"\0\0" + data[at + 156 : 190])
    plain, _, plain_at, _ = info_frame(files["plain"])
    assert data[at + 141 : at + 144] == plain[plain_at + 141 : plain_at + 144]  # same delay and padding


def test_when_the_encoder_lays_out_frames_unexpectedly_the_routine_is_encoded_as_it_is(built, tmp_path, monkeypatch):
    timeline, clips = routine()
    monkeypatch.setattr(mp3.layout, "LEAD", LEAD + 1)  # another encoder's delay: silences would land off their frames
    out = tmp_path / "fallback.mp3"
    assert encode_routine(timeline, mixer(timeline, clips), out, parts=2) == mp3.Encoding(1, timeline.total, 0)
    assert out.read_bytes() == built[2]["plain"].read_bytes()
    assert list(tmp_path.iterdir()) == [out]  # no part or PCM file left beside it


@pytest.mark.parametrize(("total_s", "parts", "expected"), [
    (110.0, 1, 1), (110.0, 2, 2), (110.0, 8, 3),  # each part encodes 10 s or more
    (30.0, 2, 1),  # too little to encode to be worth a second encoder
])
def test_parts_are_cut_in_silence_and_not_too_small(total_s, parts, expected):
    timeline, _ = routine(total_s)
    layout = plan(timeline, parts)
    assert len(layout) == expected
    assert layout[0].start == 0 and layout[-1].stop == timeline.total
    silences = silent_spans(timeline)
    for part, after in zip(layout, layout[1:], strict=False):
        assert part.stop % MP3_FRAME == 0
        assert after.start - part.stop == JOIN + part.then * MP3_FRAME
        assert any(lo + GUARD <= part.stop and after.start + GUARD <= hi for lo, hi in silences)
    if expected > 1:
        assert all(part.samples >= 10 * SR for part in layout)


def test_silence_is_taken_out_at_frame_boundaries_of_the_encoded_stream():
    timeline, _ = routine()
    [part] = plan(timeline, 1)
    assert len(part.gaps) >= 6
    assert all(gap.frames >= MIN_SILENT_FRAMES and (gap.start + LEAD) % MP3_FRAME == 0 for gap in part.gaps)
    assert part.samples % MP3_FRAME == 0
    assert [index * MP3_FRAME - LEAD for index, _ in part.insertions()] == [
        gap.start - sum(g.frames for g in part.gaps[:i]) * MP3_FRAME for i, gap in enumerate(part.gaps)]
    assert plan(timeline, 1, splice=False)[0].gaps == []


def test_silences_are_where_nothing_sounds():
    clip = np.ones(SR * 60, dtype=np.int16)
    events = (Event("speech", 0, clip.size, Where(), text="a"),
              Event("speech", clip.size + GUARD, clip.size, Where(), text="a"),
              Event("count", clip.size + 2 * GUARD, 100, Where(), text="b"))  # inside the one before
    timeline = Timeline(events, (), 2 * clip.size + 2 * GUARD)
    assert silent_spans(timeline) == [(clip.size, clip.size + GUARD), (2 * clip.size + GUARD, timeline.total)]
    assert plan(timeline, 2)[0].gaps == []


def test_islands_kept_in_an_encoded_part_cache_are_reused_and_make_the_same_bytes(built, tmp_path):
    from audioroutine.mix import Mixer
    from audioroutine.mp3.partcache import PartCache

    timeline, clips = routine()
    _, pcm, _, decoded = built
    chimes = {"start": chime("start"), "end": chime("end")}
    first = encode_routine(timeline, Mixer(timeline, clips, chimes), tmp_path / "first.mp3", kept=PartCache(tmp_path))
    assert first.encoded_parts == PartCache(tmp_path).info().parts and first.parts > 3
    again = encode_routine(timeline, mixer(timeline, clips), tmp_path / "again.mp3", kept=PartCache(tmp_path))
    assert again.reused == again.parts == first.parts
    assert (tmp_path / "again.mp3").read_bytes() == (tmp_path / "first.mp3").read_bytes()
    islands = decode(tmp_path / "first.mp3")
    assert islands.size == timeline.total
    for at in SPEECH_AT_S:
        assert first_sound(islands, at - 0.5) == pytest.approx(first_sound(pcm, at - 0.5), abs=0.003)
    assert snr_db(islands, pcm) == pytest.approx(snr_db(decoded["plain"], pcm), abs=0.2)
