"""What ``cache prune`` removes from the clip cache, listed before anything goes.

A clip removed is a take lost: the next build speaks the phrase again, and the offline voice says
it a little differently each time. So the clips to remove are listed first (``unused_clips``: clips
whose words no routine says, clips prepared by an earlier version, damaged clips), and ``prune``
removes only those listed, each checked again under its folder's lock. Temporary files left by
killed processes and notes without a clip hold no take: ``prune`` sweeps them whatever is listed.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from . import clipfiles
from .cache import NOTE_FIELDS, CacheError, CacheInfo, ClipCache, clip_key
from .clipfiles import Damaged, Missing
from .constants import PREPARATION

KEEP_ENGINES = frozenset({"chime"})
"""Current clips of these engines always stay (the chimes: no routine "says" them)."""
NOT_SAID = "no routine says it"
EARLIER = "prepared by an earlier version (never read again)"
DAMAGED = "damaged"


@dataclass(frozen=True)
class Unused:
    """A clip ``prune`` would remove, and why."""

    path: Path
    text: str | None
    """Its words (``None`` when its note cannot be read)."""
    voice: str | None
    why: str
    size: int


def _why(wav: Path, used_texts: Collection[str], keep_engines: Collection[str]) -> tuple[str | None, dict]:
    """Why the clip at ``wav`` should go (``None``: it stays), and its note as far as it was read."""
    note: dict = {}
    try:
        note = json.loads(wav.with_suffix(".json").read_text(encoding="utf-8"))
        identity = {k: v for k, v in note.items() if k not in NOTE_FIELDS}
        if wav.stem != clip_key(identity, note["text"]):
            return EARLIER, note
        clipfiles.check_wav(wav, clipfiles.read_note(wav.with_suffix(".json"), identity, note["text"], PREPARATION))
    except (Missing, Damaged, OSError, ValueError, KeyError, TypeError, AttributeError):
        return DAMAGED, note if isinstance(note, dict) else {}
    if note["text"] in used_texts or note.get("engine") in keep_engines:
        return None, note
    return NOT_SAID, note


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def unused_clips(cache: ClipCache, used_texts: Collection[str],
                 keep_engines: Collection[str] = KEEP_ENGINES) -> list[Unused]:
    """The clips ``prune`` would remove, in a stable order; nothing is changed."""
    found = []
    try:
        for folder in sorted(cache.folders()):
            for wav in sorted(folder.glob("*.wav")):
                why, note = _why(wav, used_texts, keep_engines)
                if why is None:
                    continue
                size = _size(wav) + _size(wav.with_suffix(".json"))
                text = note.get("text") if isinstance(note.get("text"), str) else None
                voice = note.get("voice") if isinstance(note.get("voice"), str) else None
                found.append(Unused(wav, text, voice, why, size))
    except OSError as exc:
        raise CacheError(f"cannot read the clip cache {cache.root}: {clipfiles.describe(exc, cache.root)}") from exc
    return found


def prune(cache: ClipCache, used_texts: Collection[str], only: Collection[Path] | None = None,
          keep_engines: Collection[str] = KEEP_ENGINES) -> CacheInfo:
    """Remove the unused clips (only those in ``only``, when given, and only if still unused), and
    what killed processes left; returns what went."""
    listed = None if only is None else set(only)

    def keep(wav: Path) -> bool:
        if listed is not None and wav not in listed:
            return True
        return _why(wav, used_texts, keep_engines)[0] is None

    removed, size = 0, 0
    try:
        for folder in cache.folders():
            clipfiles.sweep([folder])
            gone, freed = clipfiles.prune_folder(folder, keep)
            removed, size = removed + gone, size + freed
    except OSError as exc:
        raise CacheError(f"cannot prune the clip cache {cache.root}: {clipfiles.describe(exc, cache.root)}") from exc
    return CacheInfo(cache.root, removed, size)
