"""What a player shows: a real build's MP3 read back with mutagen (tags, chapters, lyrics, cover),
its captions and printable script, all compared with the cue sheet."""

from __future__ import annotations

import io
import re

import pytest
from mutagen.id3 import ID3, CTOCFlags
from PIL import Image

from audioroutine.cover import cover_png, drawable
from audioroutine.cuesheet import Source
from audioroutine.sidecars import vtt_escape, vtt_time
from audioroutine.tags import artist_for, id3_language
from audiotools import decode, sheet
from sharetools import TRICKY_SLUG, one_line, write_routines

TOLERANCE_MS = 10


@pytest.fixture(scope="module")
def built(tmp_path_factory, clip_cache):
    from audioroutine import BuildOptions, build

    folder = tmp_path_factory.mktemp("tags")
    tricky, plain = write_routines(folder / "routines")
    out = folder / "out"
    results = build(
        [str(tricky), str(plain)],
        BuildOptions(engine="piper", out=out, cache_dir=clip_cache, album="Test Club"),
    )
    return {r.slug: (r, sheet(r.cue_sheet), ID3(r.mp3)) for r in results}, out


@pytest.fixture(scope="module")
def tricky(built):
    return built[0][TRICKY_SLUG]


def spoken(cue_sheet):
    return [c for c in cue_sheet["cues"] if "text" in c]


def text(tags, key):
    return str(tags[key].text[0])


def test_names_shown_in_players(tricky, built):
    _, cue_sheet, tags = tricky
    assert tags.version == (2, 4, 0)
    assert text(tags, "TIT2") == cue_sheet["title"] == "Ankles & hips <quick> — été"
    assert text(tags, "TPE1") == "Ada Runner"  # the source's author
    assert text(tags, "TALB") == "Test Club"
    assert text(tags, "TCON") == "Fitness"
    assert re.fullmatch(r"\d{4}", text(tags, "TDRC"))
    plain = built[0]["quick-toes"][2]
    assert text(plain, "TPE1") == "Coach Kim"  # the routine's own artist


def test_comment_says_how_it_was_made(tricky):
    _, cue_sheet, tags = tricky
    (comment,) = tags.getall("COMM")
    body = comment.text[0]
    assert "piper" in body and cue_sheet["voice"] in body
    for key, value in cue_sheet["settings"].items():
        if isinstance(value, str) and value.endswith("s"):
            assert f"{key} {value}" in body
    assert "Wall calf stretch: 4s" in body


def test_artist_and_album_options(clip_cache, tmp_path):
    from audioroutine import BuildOptions, build

    tricky_path, _ = write_routines(tmp_path / "routines")
    (result,) = build(
        [str(tricky_path)],
        BuildOptions(engine="piper", out=tmp_path / "out", cache_dir=clip_cache, artist="Coach K"),
    )
    tags = ID3(result.mp3)
    assert text(tags, "TPE1") == "Coach K"
    assert text(tags, "TALB") == "audioroutine"


def test_chapters_match_the_cue_sheet(tricky):
    _, cue_sheet, tags = tricky
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    chapters = {frame.element_id: frame for frame in tags.getall("CHAP")}
    assert list(toc.child_element_ids) and set(toc.child_element_ids) == set(chapters)
    in_order = [chapters[element_id] for element_id in toc.child_element_ids]
    assert len(in_order) == len(cue_sheet["chapters"]) == 3
    for frame, chapter in zip(in_order, cue_sheet["chapters"], strict=True):
        assert abs(frame.start_time - chapter["start_s"] * 1000) <= TOLERANCE_MS
        assert abs(frame.end_time - chapter["end_s"] * 1000) <= TOLERANCE_MS
        assert frame.sub_frames["TIT2"].text[0] == chapter["title"]
    starts = [frame.start_time for frame in in_order]
    assert starts == sorted(starts)


def test_lyrics_are_the_spoken_script(tricky):
    _, cue_sheet, tags = tricky
    cues = spoken(cue_sheet)
    (lyrics,) = tags.getall("USLT")
    assert lyrics.text.split("\n") == [one_line(c["text"]) for c in cues]
    (synced,) = tags.getall("SYLT")
    assert synced.format == 2  # milliseconds
    assert len(synced.text) == len(cues)
    for (line, ms), cue in zip(synced.text, cues, strict=True):
        assert line == one_line(cue["text"])
        assert abs(ms - cue["start_s"] * 1000) <= TOLERANCE_MS


def test_cover_art_is_a_large_png(tricky):
    _, _, tags = tricky
    (picture,) = tags.getall("APIC")
    assert picture.mime == "image/png" and picture.type == 3
    image = Image.open(io.BytesIO(picture.data))
    assert image.format == "PNG"
    assert image.width >= 600 and image.height >= 600 and image.width == image.height


def test_tags_leave_the_audio_exact(tricky):
    result, cue_sheet, _ = tricky
    assert decode(result.mp3).size == cue_sheet["samples"]


def _parse_vtt(body: str):
    assert body.startswith("WEBVTT\n")
    cues = []
    for block in body.strip().split("\n\n")[1:]:
        lines = block.split("\n")
        timing = next(i for i, line in enumerate(lines) if "-->" in line)
        start, end = (part.strip() for part in lines[timing].split("-->"))
        text = "\n".join(lines[timing + 1 :])
        assert "<" not in text and ">" not in text and text

        def seconds(stamp):
            h, m, s = stamp.split(":")
            return int(h) * 3600 + int(m) * 60 + float(s)

        unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        cues.append((seconds(start), seconds(end), unescaped))
    return cues


def test_captions_match_the_cue_sheet(tricky, built):
    result, cue_sheet, _ = tricky
    captions = _parse_vtt((built[1] / f"{result.slug}.vtt").read_text(encoding="utf-8"))
    cues = spoken(cue_sheet)
    assert len(captions) == len(cues)
    for (start, end, words), cue in zip(captions, cues, strict=True):
        assert abs(start - cue["start_s"]) <= TOLERANCE_MS / 1000
        assert abs(end - cue["end_s"]) <= TOLERANCE_MS / 1000
        assert words == one_line(cue["text"])
    starts = [c[0] for c in captions]
    assert starts == sorted(starts)


def test_printable_script(tricky, built):
    result, cue_sheet, _ = tricky
    script = (built[1] / f"{result.slug}.txt").read_text(encoding="utf-8")
    assert script.startswith(cue_sheet["title"] + "\n")
    assert "Ada Runner, Test Monthly" in script
    assert re.search(r"^Equipment: +wall, mat & strap$", script, re.M)
    flat = one_line(script)
    for cue in spoken(cue_sheet):
        assert one_line(cue["text"]) in flat
    for chapter in cue_sheet["chapters"]:
        assert chapter["title"] in script
    minutes, seconds = divmod(round(cue_sheet["duration_s"]), 60)
    assert script.rstrip().endswith(f"Total length: {minutes:02d}:{seconds:02d}")


def test_no_temporary_files_left(built):
    assert not [p.name for p in built[1].iterdir() if p.name.startswith(".") or p.suffix == ".part"]


# ---------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("seconds", "stamp"),
    [
        (0, "00:00:00.000"),
        (1.2345, "00:00:01.234"),
        (61.9996, "00:01:02.000"),
        (3725.5, "01:02:05.500"),
    ],
)
def test_vtt_time(seconds, stamp):
    assert vtt_time(seconds) == stamp


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Hold.", "Hold."),
        ("Mat & strap", "Mat &amp; strap"),
        ("a <b> c", "a &lt;b&gt; c"),
        ("left --> right", "left --&gt; right"),
        ("two\nlines", "two lines"),
    ],
)
def test_vtt_escape(text, escaped):
    assert vtt_escape(text) == escaped


@pytest.mark.parametrize(
    ("lang", "code"),
    [("en", "eng"), ("en-GB", "eng"), ("de", "deu"), ("fra", "fra"), ("xx", "und")],
)
def test_id3_language(lang, code):
    assert id3_language(lang) == code


@pytest.mark.parametrize(
    ("override", "routine", "source", "artist"),
    [
        ("Coach", "Routine artist", Source(author="Author"), "Coach"),
        (None, "Routine artist", Source(author="Author"), "Routine artist"),
        (None, None, Source(author="Author", publication="Mag"), "Author"),
        (None, None, Source(publication="Mag"), "Mag"),
        (None, None, None, "audioroutine"),
    ],
)
def test_artist_for(override, routine, source, artist):
    assert artist_for(override, routine, source) == artist


@pytest.mark.parametrize(
    "title",
    ["Hi", "A very long title " * 12, "Supercalifragilisticexpialidocious" * 3, "Été & <ça>"],
)
def test_cover_fits_any_title(title):
    image = Image.open(io.BytesIO(cover_png(title, "post-run", "01:00", [3, 1, 2])))
    assert image.size == (1000, 1000)
    assert cover_png(title) == cover_png(title)  # same title, same picture


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Calf care", "Calf care"),
        ("Ankles & hips — été", "Ankles & hips — été"),
        ("Fußgelenk  &  Hüfte", "Fußgelenk & Hüfte"),
        ("Ça va…", "Ça va…"),
        ("Întindere și țintă", "Întindere si tinta"),  # Latin Extended-B: the font lacks ș and ț
        ("日本", ""),
    ],
)
def test_cover_text_is_drawn_without_empty_boxes(text, shown):
    assert drawable(text) == shown
