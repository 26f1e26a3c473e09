"""ID3v2.4 tags for a built MP3: what a music player, podcast app or watch can show about it —
title, artist, cover art, chapters, and the words as they are spoken."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    SYLT,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TIT3,
    TLAN,
    TLEN,
    TPE1,
    TSSE,
    USLT,
    WOAS,
    CTOCFlags,
    Encoding,
    ID3NoHeaderError,
    PictureType,
)

from .constants import package_version
from .cover import cover_png
from .durations import format_duration, mmss
from .sidecars import attribution, one_line, spoken_cues

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


def artist_for(
    override: str | None, routine_artist: str | None, source: dict[str, Any] | None
) -> str:
    """``--artist``, else the routine's ``artist``, else its source's author (or publication)."""
    source = source or {}
    return (
        override
        or routine_artist
        or source.get("author")
        or source.get("publication")
        or DEFAULT_ARTIST
    )


def build_year() -> str:
    """This year, or the year of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = float(epoch) if epoch and epoch.isdigit() else time.time()
    return time.strftime("%Y", time.gmtime(stamp))


def ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def _dose(exercise: dict[str, Any]) -> str:
    dose = exercise.get("dose") or {}
    parts = []
    if dose.get("sets", 1) > 1:
        parts.append(f"{dose['sets']} sets")
    if "hold" in dose:
        parts.append(dose["hold"])
    if "reps" in dose:
        parts.append(f"{dose['reps']} reps")
    if "flow_steps" in dose:
        parts.append(f"{dose['rounds']} x {dose['flow_steps']} steps")
    if dose.get("sides"):
        parts.append("sides " + "/".join(dose["sides"]))
    return f"{exercise['name']}: {', '.join(parts) or '-'}"


def settings_comment(sheet: dict[str, Any]) -> str:
    """What the MP3 was made with, for anyone who wants to make it again: engine, voice, settings,
    each exercise's dose, loudness."""
    settings = sheet.get("settings") or {}
    lines = [
        f"Made with audioroutine {package_version()}",
        f"Voice: {sheet['engine']} ({sheet['voice']}), language {sheet.get('lang', '')}",
        "Settings: " + ", ".join(f"{key} {_setting(value)}" for key, value in settings.items()),
        "Exercises: " + "; ".join(_dose(e) for e in sheet.get("exercises") or []),
    ]
    loudness = sheet.get("loudness")
    if loudness:
        lines.append(
            f"Loudness: {loudness['target_lufs']:g} LUFS (gain {loudness['gain_db']:+g} dB)"
        )
    if sheet.get("source"):
        lines.append(f"Source: {attribution(sheet['source'])}")
    lines.append(f"Length: {mmss(sheet['duration_s'])}")
    return "\n".join(lines)


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return format_duration(value)
    return str(value)


def routine_cover(sheet: dict[str, Any]) -> bytes:
    """The routine's cover: its title, when to do it, length and exercises, and its chapters'
    lengths drawn as a waveform."""
    chapters = sheet.get("chapters") or []
    count = len(sheet.get("exercises") or [])
    bottom = f"{mmss(sheet['duration_s'])}  ·  {count} exercise{'' if count == 1 else 's'}"
    return cover_png(
        sheet["title"],
        top=sheet.get("when") or "",
        bottom=bottom,
        bars=[c["end_s"] - c["start_s"] for c in chapters],
    )


@dataclass(frozen=True)
class TagText:
    """The names shown in players, resolved from the routine and the build's options."""

    artist: str
    album: str = DEFAULT_ALBUM


def routine_tags(sheet: dict[str, Any], names: TagText, cover: bytes | None = None) -> ID3:
    """Every tag for the routine's MP3, from its cue sheet."""
    lang = id3_language(sheet.get("lang") or "en")
    utf8 = Encoding.UTF8
    tags = ID3()
    tags.add(TIT2(encoding=utf8, text=[sheet["title"]]))
    if sheet.get("description"):
        tags.add(TIT3(encoding=utf8, text=[one_line(sheet["description"])]))
    tags.add(TPE1(encoding=utf8, text=[names.artist]))
    tags.add(TALB(encoding=utf8, text=[names.album]))
    tags.add(TCON(encoding=utf8, text=[GENRE]))
    tags.add(TDRC(encoding=utf8, text=[build_year()]))
    tags.add(TLAN(encoding=utf8, text=[lang]))
    tags.add(TLEN(encoding=utf8, text=[str(ms(sheet["duration_s"]))]))
    tags.add(TSSE(encoding=utf8, text=[f"audioroutine {package_version()}"]))
    tags.add(COMM(encoding=utf8, lang=lang, desc="", text=[settings_comment(sheet)]))
    link = (sheet.get("source") or {}).get("link")
    if link:
        tags.add(WOAS(url=link))
    tags.add(
        APIC(
            encoding=utf8,
            mime="image/png",
            type=PictureType.COVER_FRONT,
            desc="Cover",
            data=cover if cover is not None else routine_cover(sheet),
        )
    )

    chapter_ids = []
    for number, chapter in enumerate(sheet.get("chapters") or []):
        element_id = f"ch{number}"
        chapter_ids.append(element_id)
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=ms(chapter["start_s"]),
                end_time=ms(chapter["end_s"]),
                start_offset=NO_OFFSET,
                end_offset=NO_OFFSET,
                sub_frames=[TIT2(encoding=utf8, text=[chapter["title"]])],
            )
        )
    if chapter_ids:
        tags.add(
            CTOC(
                element_id=TOC_ID,
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=chapter_ids,
                sub_frames=[TIT2(encoding=utf8, text=[sheet["title"]])],
            )
        )

    cues = spoken_cues(sheet)
    tags.add(
        USLT(encoding=utf8, lang=lang, desc="", text="\n".join(one_line(c["text"]) for c in cues))
    )
    tags.add(
        SYLT(
            encoding=utf8,
            lang=lang,
            format=SYLT_MS,
            type=SYLT_LYRICS,
            desc="",
            text=[(one_line(c["text"]), ms(c["start_s"])) for c in cues],
        )
    )
    return tags


def read_cover(mp3: Path) -> bytes | None:
    """The front cover embedded in ``mp3``, if any."""
    try:
        tags = ID3(mp3)
    except ID3NoHeaderError:
        return None
    pictures = tags.getall("APIC")
    return pictures[0].data if pictures else None


def read_artist(mp3: Path) -> str | None:
    try:
        frame = ID3(mp3).get("TPE1")
    except ID3NoHeaderError:
        return None
    return str(frame.text[0]) if frame and frame.text else None
