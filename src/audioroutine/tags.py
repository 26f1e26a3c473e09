"""ID3v2.4 tags for a built MP3: what a music player, podcast app or watch can show about it —
title, artist, cover art, chapters, and the words as they are spoken."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .constants import package_version
from .doses import dose_label
from .durations import format_duration, mmss
from .sidecars import attribution, one_line, sheet_labels

if TYPE_CHECKING:
    from mutagen.id3 import ID3

    from .cuesheet import CueSheet, Source
    from .labels import Labels

DEFAULT_ALBUM = "audioroutine"
DEFAULT_ARTIST = "audioroutine"
GENRE = "Fitness"
TOC_ID = "toc"
NO_OFFSET = 0xFFFFFFFF
"""CHAP byte offsets left unset: players seek by time."""
SYLT_MS = 2
"""SYLT time stamps in milliseconds."""
SYLT_LYRICS = 1

_ISO_639_2 = {
    "ar": "ara",
    "cs": "ces",
    "da": "dan",
    "de": "deu",
    "el": "ell",
    "en": "eng",
    "es": "spa",
    "fi": "fin",
    "fr": "fra",
    "hi": "hin",
    "hu": "hun",
    "it": "ita",
    "ja": "jpn",
    "ko": "kor",
    "nb": "nob",
    "nl": "nld",
    "no": "nor",
    "pl": "pol",
    "pt": "por",
    "ro": "ron",
    "ru": "rus",
    "sv": "swe",
    "tr": "tur",
    "uk": "ukr",
    "zh": "zho",
}


def id3_language(lang: str) -> str:
    """The three-letter (ISO 639-2) code ID3 wants, from ``en`` or ``en-GB``; ``und`` if unknown."""
    base = lang.split("-")[0].lower()
    return base if len(base) == 3 else _ISO_639_2.get(base, "und")


def artist_for(override: str | None, routine_artist: str | None, source: Source | None) -> str:
    """The build's ``artist`` option, else the routine's ``artist``, else its source's author (or
    publication)."""
    from_source = (source.author or source.publication) if source else None
    return override or routine_artist or from_source or DEFAULT_ARTIST


def build_year() -> str:
    """This year, or the year of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = float(epoch) if epoch and epoch.isdigit() else time.time()
    return time.strftime("%Y", time.gmtime(stamp))


def ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def settings_comment(sheet: CueSheet, labels: Labels | None = None) -> str:
    """What the MP3 was made with, for anyone who wants to make it again: engine, voice, settings,
    each exercise's dose, loudness; headed in the routine's language (the settings' names are the
    routine file's keys)."""
    words = sheet_labels(sheet, labels)
    voice = words["voice_language"].format(engine=sheet.engine, voice=sheet.voice, lang=sheet.lang)
    settings = ", ".join(f"{key} {_setting(value, words)}" for key, value in sheet.settings.items())
    gain = words.number(f"{sheet.loudness.gain_db:+g}")
    lines = [
        words["made_with"].format(version=package_version()),
        f"{words.heading('voice')} {voice}",
        f"{words.heading('settings')} {settings}",
        f"{words.heading('exercise_doses')} " + "; ".join(dose_label(e.name, e.dose) for e in sheet.exercises),
        f"{words.heading('loudness')} {words.number(f'{sheet.loudness.target_lufs:g}')} LUFS "
        f"({words['gain']} {gain} dB)",
    ]
    if sheet.source is not None and not sheet.source.empty:
        lines.append(f"{words.heading('source')} {attribution(sheet.source)}")
    lines.append(f"{words.heading('length')} {mmss(sheet.duration_s)}")
    return "\n".join(lines)


def _setting(value: Any, words: Labels) -> str:
    if isinstance(value, bool):
        return words["switched_on"] if value else words["switched_off"]
    if isinstance(value, float):
        return format_duration(value)
    return str(value)


def routine_cover(sheet: CueSheet, labels: Labels | None = None) -> bytes:
    """The routine's cover: its title, when to do it, length and exercises, and its chapters'
    lengths drawn as a waveform."""
    from .cover import cover_png  # Pillow: loaded only to draw

    bars = [c.end_s - c.start_s for c in sheet.chapters]
    words = sheet_labels(sheet, labels)
    return cover_png(sheet.title, top=words.when(sheet.when or ""), bottom=cover_caption(sheet, words), bars=bars)


def cover_caption(sheet: CueSheet, labels: Labels | None = None) -> str:
    """The line at the foot of the cover: the length as everything shows it, and the exercises."""
    words = sheet_labels(sheet, labels)
    return f"{mmss(sheet.duration_s)}  ·  {words.count('exercises', len(sheet.exercises))}"


@dataclass(frozen=True)
class TagText:
    """The names shown in players, resolved from the routine and the build's options."""

    artist: str
    album: str = DEFAULT_ALBUM


def routine_tags(sheet: CueSheet, names: TagText, cover: bytes | None = None, labels: Labels | None = None) -> ID3:
    """Every tag for the routine's MP3, from its cue sheet; the language frames (TLAN, and the
    ``lang`` of COMM, USLT and SYLT) say the routine's language."""
    from mutagen import id3  # loaded only to tag

    lang = id3_language(sheet.lang or "en")
    utf8 = id3.Encoding.UTF8
    tags = id3.ID3()
    tags.add(id3.TIT2(encoding=utf8, text=[sheet.title]))
    if sheet.description:
        tags.add(id3.TIT3(encoding=utf8, text=[one_line(sheet.description)]))
    tags.add(id3.TPE1(encoding=utf8, text=[names.artist]))
    tags.add(id3.TALB(encoding=utf8, text=[names.album]))
    tags.add(id3.TCON(encoding=utf8, text=[GENRE]))
    tags.add(id3.TDRC(encoding=utf8, text=[build_year()]))
    tags.add(id3.TLAN(encoding=utf8, text=[lang]))
    tags.add(id3.TLEN(encoding=utf8, text=[str(ms(sheet.duration_s))]))
    tags.add(id3.TSSE(encoding=utf8, text=[f"audioroutine {package_version()}"]))
    tags.add(id3.COMM(encoding=utf8, lang=lang, desc="", text=[settings_comment(sheet, labels)]))
    if sheet.source is not None and sheet.source.link:
        tags.add(id3.WOAS(url=sheet.source.link))
    picture = cover if cover is not None else routine_cover(sheet, labels)
    tags.add(id3.APIC(encoding=utf8, mime="image/png", type=id3.PictureType.COVER_FRONT, desc="Cover", data=picture))
    _add_chapters(tags, sheet)
    _add_lyrics(tags, sheet, lang)
    return tags


def _add_chapters(tags: ID3, sheet: CueSheet) -> None:
    """One CHAP frame per exercise, and the table of contents (CTOC) that lists them in order."""
    from mutagen import id3

    chapter_ids = []
    for number, chapter in enumerate(sheet.chapters):
        element_id = f"ch{number}"
        chapter_ids.append(element_id)
        tags.add(
            id3.CHAP(
                element_id=element_id,
                start_time=ms(chapter.start_s),
                end_time=ms(chapter.end_s),
                start_offset=NO_OFFSET,
                end_offset=NO_OFFSET,
                sub_frames=[id3.TIT2(encoding=id3.Encoding.UTF8, text=[chapter.title])],
            )
        )
    if chapter_ids:
        tags.add(
            id3.CTOC(
                element_id=TOC_ID,
                flags=id3.CTOCFlags.TOP_LEVEL | id3.CTOCFlags.ORDERED,
                child_element_ids=chapter_ids,
                sub_frames=[id3.TIT2(encoding=id3.Encoding.UTF8, text=[sheet.title])],
            )
        )


def _add_lyrics(tags: ID3, sheet: CueSheet, lang: str) -> None:
    """The spoken script as lyrics (USLT), and synchronized to the millisecond (SYLT)."""
    from mutagen import id3

    cues = sheet.spoken()
    lines = [one_line(cue.text) for cue in cues]
    tags.add(id3.USLT(encoding=id3.Encoding.UTF8, lang=lang, desc="", text="\n".join(lines)))
    synced = [(line, ms(cue.start_s)) for line, cue in zip(lines, cues, strict=True)]
    tags.add(id3.SYLT(encoding=id3.Encoding.UTF8, lang=lang, format=SYLT_MS, type=SYLT_LYRICS, desc="", text=synced))
