"""Files beside each MP3, made from its cue sheet: captions (.vtt), a printable script (.txt) and
chapters in the Podcasting 2.0 JSON format (.chapters.json)."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .durations import mmss

CHAPTERS_VERSION = "1.2.0"
TEXT_WIDTH = 78


def spoken_cues(sheet: dict[str, Any]) -> list[dict[str, Any]]:
    """Every cue that says something, in the order heard."""
    return [cue for cue in sheet["cues"] if cue.get("text")]


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


def vtt(sheet: dict[str, Any]) -> str:
    """WebVTT captions: one cue per spoken cue, timed as in the MP3."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(spoken_cues(sheet), start=1):
        timing = f"{vtt_time(cue['start_s'])} --> {vtt_time(cue['end_s'])}"
        blocks.append(f"{number}\n{timing}\n{vtt_escape(cue['text'])}")
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------- printable script


def attribution(source: dict[str, Any] | None) -> str:
    """Who the routine comes from, as one line: ``author, publication``."""
    if not source:
        return ""
    return ", ".join(part for part in (source.get("author"), source.get("publication")) if part)


def script_text(sheet: dict[str, Any]) -> str:
    """The whole routine on paper: title, source, equipment, then every spoken line with the time
    it comes, under its exercise's name, and the total length."""
    title = one_line(sheet["title"])
    lines = [title, "=" * min(len(title), TEXT_WIDTH)]
    if sheet.get("description"):
        lines += textwrap.wrap(one_line(sheet["description"]), TEXT_WIDTH)
    lines.append("")
    source = sheet.get("source") or {}
    facts = [
        ("Source", attribution(source)),
        ("Link", source.get("link")),
        ("Note", source.get("note")),
        ("When", sheet.get("when")),
        ("Length", mmss(sheet["duration_s"])),
        ("Equipment", ", ".join(sheet.get("equipment") or []) or "none"),
        ("Voice", f"{sheet['engine']} ({sheet['voice']})"),
    ]
    for label, value in facts:
        if value:
            lines += textwrap.wrap(
                one_line(str(value)),
                TEXT_WIDTH,
                initial_indent=f"{label + ':':<11}",
                subsequent_indent=" " * 11,
            )
    lines.append("")
    chapters = list(sheet.get("chapters") or [])
    for cue in spoken_cues(sheet):
        while chapters and chapters[0]["start_s"] <= cue["start_s"] + 1e-6:
            chapter = chapters.pop(0)
            span = f"{mmss(chapter['start_s'])}-{mmss(chapter['end_s'])}"
            lines += ["", f"{one_line(chapter['title'])}  ({span})"]
        prefix = f"{mmss(cue['start_s'])}  "
        lines += textwrap.wrap(
            one_line(cue["text"]),
            TEXT_WIDTH,
            initial_indent=prefix,
            subsequent_indent=" " * len(prefix),
        )
    lines += ["", f"Total length: {mmss(sheet['duration_s'])}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- chapters


def chapters_json(sheet: dict[str, Any]) -> str:
    """Chapters in the Podcasting 2.0 JSON chapters format, for ``podcast:chapters``."""
    chapters = [
        {"startTime": round(c["start_s"], 3), "endTime": round(c["end_s"], 3), "title": c["title"]}
        for c in sheet.get("chapters") or []
    ]
    return (
        json.dumps(
            {"version": CHAPTERS_VERSION, "chapters": chapters}, indent=2, ensure_ascii=False
        )
        + "\n"
    )


# ---------------------------------------------------------------------------- writing


SIDECARS: dict[str, Callable[[dict[str, Any]], str]] = {".vtt": vtt, ".txt": script_text}
"""What ``build`` writes beside ``<slug>.mp3``: suffix, and how its text is made."""


def temporary(final: Path) -> Path:
    return final.with_name(f".{final.name}.part")


def write_text_files(texts: dict[Path, str]) -> list[tuple[Path, Path]]:
    """Write each text to a temporary name beside its final path; return (temporary, final) pairs.
    On failure, nothing written is left behind."""
    pairs: list[tuple[Path, Path]] = []
    try:
        for final, text in texts.items():
            tmp = temporary(final)
            pairs.append((tmp, final))
            with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    except BaseException:
        for tmp, _ in pairs:
            tmp.unlink(missing_ok=True)
        raise
    return pairs


def replace_all(pairs: Sequence[tuple[Path, Path]]) -> None:
    for tmp, final in pairs:
        os.replace(tmp, final)
