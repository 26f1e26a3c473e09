"""Files beside each MP3, made from its cue sheet: captions (.vtt), a printable script (.txt) and
chapters in the Podcasting 2.0 JSON format (.chapters.json)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .durations import mmss
from .labels import Labels, labels_for
from .outfiles import discard, write_temporary

if TYPE_CHECKING:
    from .cuesheet import CueSheet, Source

CHAPTERS_VERSION = "1.2.0"
TEXT_WIDTH = 78


def one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------- WebVTT


def vtt_time(seconds: float) -> str:
    """``hh:mm:ss.mmm``, as WebVTT writes a time."""
    ms = int(round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def vtt_escape(text: str) -> str:
    """Cue text as WebVTT needs it: one line, with ``&``, ``<`` and ``>`` escaped
    (which also keeps a ``-->`` in the text from reading as a timing line)."""
    return one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt(sheet: CueSheet, labels: Labels | None = None) -> str:
    """WebVTT captions: one cue per spoken cue, timed as in the MP3 (words of the routine's only:
    ``labels`` is not needed)."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(sheet.spoken(), start=1):
        timing = f"{vtt_time(cue.start_s)} --> {vtt_time(cue.end_s)}"
        blocks.append(f"{number}\n{timing}\n{vtt_escape(cue.text)}")
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------- printable script


def attribution(source: Source | None) -> str:
    """Who the routine comes from, as one line: ``author, publication``."""
    if source is None:
        return ""
    return ", ".join(part for part in (source.author, source.publication) if part)


def sheet_labels(sheet: CueSheet, labels: Labels | None = None) -> Labels:
    """``labels``, else the built-in labels of the sheet's language."""
    return labels if labels is not None else labels_for(sheet.lang or "en")


def script_text(sheet: CueSheet, labels: Labels | None = None) -> str:
    """The whole routine on paper: title, source, equipment, then every spoken line with the time
    it comes, under its exercise's name, and the total length, headed in the routine's language."""
    words = sheet_labels(sheet, labels)
    title = one_line(sheet.title)
    lines = [title, "=" * min(len(title), TEXT_WIDTH)]
    if sheet.description:
        lines += textwrap.wrap(one_line(sheet.description), TEXT_WIDTH)
    lines.append("")
    source = sheet.source
    facts = [
        ("source", attribution(source)),
        ("link", source and source.link),
        ("note", source and source.note),
        ("when", words.when(sheet.when)),
        ("length", mmss(sheet.duration_s)),
        ("equipment", ", ".join(sheet.equipment) or words["none"]),
        ("voice", f"{sheet.engine} ({sheet.voice})"),
    ]
    width = max(11, *(len(words.heading(key)) + 1 for key, _ in facts))
    for key, value in facts:
        if value:
            lines += textwrap.wrap(
                one_line(str(value)),
                TEXT_WIDTH,
                initial_indent=f"{words.heading(key):<{width}}",
                subsequent_indent=" " * width,
            )
    lines.append("")
    chapters = list(sheet.chapters)
    for cue in sheet.spoken():
        while chapters and chapters[0].start_s <= cue.start_s + 1e-6:
            chapter = chapters.pop(0)
            span = f"{mmss(chapter.start_s)}-{mmss(chapter.end_s)}"
            lines += ["", f"{one_line(chapter.title)}  ({span})"]
        prefix = f"{mmss(cue.start_s)}  "
        lines += textwrap.wrap(
            one_line(cue.text),
            TEXT_WIDTH,
            initial_indent=prefix,
            subsequent_indent=" " * len(prefix),
        )
    lines += ["", f"{words.heading('total_length')} {mmss(sheet.duration_s)}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- chapters


def chapters_json(sheet: CueSheet) -> str:
    """Chapters in the Podcasting 2.0 JSON chapters format, for ``podcast:chapters``."""
    chapters = [
        {"startTime": round(c.start_s, 3), "endTime": round(c.end_s, 3), "title": c.title}
        for c in sheet.chapters
    ]
    return (
        json.dumps(
            {"version": CHAPTERS_VERSION, "chapters": chapters}, indent=2, ensure_ascii=False
        )
        + "\n"
    )


# ---------------------------------------------------------------------------- writing


SIDECARS: dict[str, Callable[[CueSheet, Labels | None], str]] = {".vtt": vtt, ".txt": script_text}
"""What ``build`` writes beside ``<slug>.mp3``: suffix, and how its text is made (from the cue
sheet, in the words of its language's labels)."""


def write_text_files(texts: dict[Path, str]) -> list[tuple[Path, Path]]:
    """Write each text (UTF-8) to a new temporary file beside its final path (``outfiles``: never an
    existing file, never through a link); return (temporary, final) pairs. On failure, nothing
    written is left behind."""
    pairs: list[tuple[Path, Path]] = []
    try:
        for final, text in texts.items():
            pairs.append((write_temporary(final, text), final))
    except BaseException:
        for tmp, _ in pairs:
            discard(tmp)
        raise
    return pairs
