"""The on-disk clip cache: every phrase is synthesized once, ever, per voice.

A clip is stored ready for the mix (our sample rate, trimmed, level-matched) as a WAV file named
by the hash of the engine's identity and the text, with a small JSON note of what it says.
Writes go to a temporary file and are renamed, so a failed build never leaves half a clip.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import wave
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .constants import PREPARATION, SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

    from .clips import ClipStats

log = logging.getLogger(__name__)

CACHE_ENV = "AUDIOROUTINE_CACHE"


def default_cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("audioroutine", appauthor=False))


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    clips: int
    bytes: int


def clip_key(identity: Mapping[str, str], text: str) -> str:
    payload = json.dumps({**identity, "text": text, "preparation": PREPARATION}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


class ClipCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.clips_dir = self.root / "clips"

    def _path(self, key: str) -> Path:
        return self.clips_dir / key[:2] / f"{key}.wav"

    def has(self, identity: Mapping[str, str], text: str) -> bool:
        return self._path(clip_key(identity, text)).is_file()

    def length(self, identity: Mapping[str, str], text: str) -> int | None:
        """The clip's length in samples, read from its header; None if not cached."""
        try:
            with wave.open(str(self._path(clip_key(identity, text)))) as wav:
                return wav.getnframes()
        except (FileNotFoundError, wave.Error, EOFError):
            return None

    def get(self, identity: Mapping[str, str], text: str) -> np.ndarray | None:
        import numpy as np

        path = self._path(clip_key(identity, text))
        try:
            with wave.open(str(path)) as wav:
                if wav.getframerate() != SAMPLE_RATE or wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                    log.debug("clip %s is not in our format, not used", path.name)
                    return None
                return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        except FileNotFoundError:
            return None
        except (wave.Error, EOFError) as exc:
            log.debug("clip %s is unreadable (%s), not used", path.name, exc)
            return None

    def stats(self, identity: Mapping[str, str], text: str) -> ClipStats | None:
        """The clip's stored loudness cells and true peak."""
        import numpy as np

        from .clips import ClipStats

        path = self._path(clip_key(identity, text)).with_suffix(".json")
        try:
            note = json.loads(path.read_text("utf-8"))
            return ClipStats(np.asarray(note["cells"], dtype=np.float32), float(note["true_peak_db"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.debug("clip note %s is unreadable (%s), not used", path.name, exc)
            return None

    def put(self, identity: Mapping[str, str], text: str, samples: np.ndarray, stats: ClipStats) -> None:
        key = clip_key(identity, text)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(SAMPLE_RATE)
                wav.writeframes(samples.astype("<i2").tobytes())
            note = json.dumps(
                {**identity, "text": text, "preparation": PREPARATION, "true_peak_db": stats.true_peak_db,
                 "cells": [float(f"{c:.4g}") for c in stats.cells]},
                ensure_ascii=False,
            )
            path.with_suffix(".json").write_text(note, encoding="utf-8")
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        log.debug("stored clip %s (%d samples) for %r", path.name, samples.size, text[:40])

    def _clip_files(self) -> Iterable[Path]:
        return self.clips_dir.glob("*/*.wav") if self.clips_dir.is_dir() else []

    def info(self) -> CacheInfo:
        clips = list(self._clip_files())
        size = sum(p.stat().st_size for p in self.clips_dir.glob("*/*")) if clips else 0
        return CacheInfo(self.root, len(clips), size)

    def clear(self) -> CacheInfo:
        """Remove every clip; returns what was removed."""
        before = self.info()
        if self.clips_dir.is_dir():
            shutil.rmtree(self.clips_dir)
        return before

    def prune(self, used_texts: set[str], keep_engines: frozenset[str] = frozenset({"chime"})) -> CacheInfo:
        """Remove clips whose words no routine speaks any more (in any voice), and clips prepared
        by an earlier version (never read again); returns what went. Current clips of
        ``keep_engines`` (the chimes) always stay."""
        removed, size = 0, 0
        for clip in list(self._clip_files()):
            note = clip.with_suffix(".json")
            try:
                meta = json.loads(note.read_text(encoding="utf-8"))
                text, engine, current = meta["text"], meta.get("engine"), meta.get("preparation") == PREPARATION
            except (OSError, ValueError, KeyError, TypeError):
                text, engine, current = None, None, False
            if current and (text in used_texts or engine in keep_engines):
                continue
            for path in (clip, note):
                if path.exists():
                    size += path.stat().st_size
                    path.unlink()
            removed += 1
        return CacheInfo(self.root, removed, size)
