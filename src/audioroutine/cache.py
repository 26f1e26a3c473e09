"""The on-disk clip cache: every phrase is synthesized once, ever, per voice.

A clip is stored ready for the mix (our sample rate, trimmed, level-matched) as a WAV file named
by the hash of the engine's identity and the text, with a JSON note of what it says, its length
and its checksum (``clipfiles``: the format, atomic writes, checks). The cache repairs itself: a
clip that fails its check is dropped, said on the console (``report``), and spoken again. When
the cache's folder cannot be written (a file, read-only, a full disk), the build keeps its new
clips in memory, with one warning, and they are spoken again next time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import clipfiles
from .clipfiles import Damaged, Missing
from .constants import PREPARATION
from .errors import AudioRoutineError

if TYPE_CHECKING:
    import numpy as np

    from .clips import ClipStats

log = logging.getLogger(__name__)

CACHE_ENV = "AUDIOROUTINE_CACHE"
Report = Callable[[str], None]
NOTE_FIELDS = frozenset({"text", "preparation", "true_peak_db", "cells", "samples", "checksum"})
"""A note's fields besides the engine's identity."""


def default_cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("audioroutine", appauthor=False))


class CacheError(AudioRoutineError):
    """The clip cache's folder cannot be used for what a command asked (exit 1)."""


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    clips: int
    bytes: int


@dataclass(frozen=True)
class Clip:
    """A clip from the cache, checked: its samples (int16) and its stats."""

    samples: np.ndarray
    stats: ClipStats


def clip_key(identity: Mapping[str, str], text: str) -> str:
    payload = json.dumps({**identity, "text": text, "preparation": PREPARATION}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _shown(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


class ClipCache:
    def __init__(self, root: Path | None = None, *, report: Report | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.clips_dir = self.root / "clips"
        self.report = report
        self._memory: dict[str, Clip] = {}
        self._unwritable: str | None = None
        self._lock = threading.Lock()
        self._swept = False

    def _path(self, key: str) -> Path:
        return self.clips_dir / key[:2] / f"{key}.wav"

    def _say(self, message: str) -> None:
        (self.report or log.warning)(message)

    # ------------------------------------------------------------------------ reading

    def _inspect(self, identity: Mapping[str, str], text: str) -> tuple[dict[str, Any], int]:
        """The clip's note and length (cheap check); raises Missing or Damaged."""
        path = self._path(clip_key(identity, text))
        note = clipfiles.read_note(path.with_suffix(".json"), identity, text, PREPARATION)
        return note, clipfiles.check_wav(path, note)

    def length(self, identity: Mapping[str, str], text: str) -> int | None:
        """The clip's length in samples (header, size and note checked); None if it is not
        cached or does not look sound. Drops nothing: ``show`` only reads."""
        clip = self._memory.get(clip_key(identity, text))
        if clip is not None:
            return clip.samples.size
        try:
            return self._inspect(identity, text)[1]
        except (Missing, Damaged):
            return None

    def has(self, identity: Mapping[str, str], text: str) -> bool:
        return self.length(identity, text) is not None

    def check(self, identity: Mapping[str, str], text: str) -> bool:
        """Whether the clip is cached and looks sound (header, length, note); a damaged clip is
        dropped and reported, and counts as missing."""
        if clip_key(identity, text) in self._memory:
            return True
        try:
            self._inspect(identity, text)
            return True
        except Missing:
            return False
        except Damaged as exc:
            self._drop(identity, text, exc, lambda: self._inspect(identity, text))
            return False

    def load(self, identity: Mapping[str, str], text: str, *, quiet: bool = False) -> Clip | None:
        """The clip, checked in full (checksum too); None if not cached, or damaged (then dropped
        and, unless ``quiet``, reported)."""
        import numpy as np

        from .clips import ClipStats

        key = clip_key(identity, text)
        if key in self._memory:
            return self._memory[key]
        path = self._path(key)

        def read() -> Clip:
            note = clipfiles.read_note(path.with_suffix(".json"), identity, text, PREPARATION)
            data = clipfiles.read_wav(path, note)
            samples = np.frombuffer(data, dtype="<i2", offset=clipfiles.HEADER_SIZE)
            return Clip(samples, ClipStats(np.asarray(note["cells"], dtype=np.float32), float(note["true_peak_db"])))

        try:
            return read()
        except Missing:
            return None
        except Damaged as exc:
            self._drop(identity, text, exc, read, quiet=quiet)
            return None

    def get(self, identity: Mapping[str, str], text: str) -> np.ndarray | None:
        clip = self.load(identity, text)
        return None if clip is None else clip.samples

    def stats(self, identity: Mapping[str, str], text: str) -> ClipStats | None:
        """The clip's stored loudness cells and true peak."""
        clip = self.load(identity, text)
        return None if clip is None else clip.stats

    def _drop(self, identity: Mapping[str, str], text: str, damage: Damaged, recheck: Callable[[], Any],
              *, quiet: bool = False) -> None:
        """Remove a damaged clip and its note, if it is still damaged once its folder is locked (a
        clip being written is renamed under that lock), and say so."""
        path = self._path(clip_key(identity, text))
        try:
            with clipfiles.folder_lock(path.parent):
                try:
                    recheck()
                    return  # written again meanwhile, and sound
                except (Missing, Damaged):
                    pass
                for stale in (path, path.with_suffix(".json")):
                    clipfiles.remove(stale)
        except OSError as exc:
            log.info("the damaged clip %s cannot be removed (%s)", path.name, exc)
        log.info("clip %s for %r: %s", path.name, text[:60], damage)
        if not quiet:
            self._say(f"clip for {_shown(text)} was damaged; speaking it again")

    # ------------------------------------------------------------------------ writing

    def put(self, identity: Mapping[str, str], text: str, samples: np.ndarray, stats: ClipStats) -> None:
        """Store a clip (atomically). If the cache's folder cannot be written, the clip is kept in
        memory for this process instead, with one warning."""
        key = clip_key(identity, text)
        if self._unwritable is None:
            try:
                self._write(key, identity, text, samples, stats)
                return
            except OSError as exc:
                self._cannot_write(exc)
        self._memory[key] = Clip(samples, stats)

    def _cannot_write(self, exc: OSError) -> None:
        with self._lock:
            if self._unwritable is not None:
                return
            self._unwritable = clipfiles.describe(exc, self.root)
        log.info("cannot write to the clip cache %s: %s", self.root, exc)
        self._say(f"warning: cannot write to the clip cache {self.root}: {self._unwritable}; this build keeps "
                  "its new clips in memory (they are spoken again next time)\n"
                  "  hint: point AUDIOROUTINE_CACHE or --cache-dir at a writable folder")

    def _write(self, key: str, identity: Mapping[str, str], text: str, samples: np.ndarray,
               stats: ClipStats) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self._swept:
            self._swept = True
            clipfiles.sweep(self.folders())
        note = {**identity, "text": text, "preparation": PREPARATION, "true_peak_db": stats.true_peak_db,
                "cells": [float(f"{c:.4g}") for c in stats.cells]}
        clipfiles.write_clip(path, samples, note)
        log.debug("stored clip %s (%d samples) for %r", path.name, samples.size, text[:40])

    # ------------------------------------------------------------------------ looking after it

    def folders(self) -> list[Path]:
        return clipfiles.subfolders(self.clips_dir)

    def _clip_files(self) -> Iterable[Path]:
        return (p for folder in self.folders() for p in folder.glob("*.wav"))

    def info(self) -> CacheInfo:
        return CacheInfo(self.root, *clipfiles.tally(self.folders(), ".wav"))

    def clear(self) -> CacheInfo:
        """Remove every clip; returns what was removed."""
        before = self.info()
        try:
            if self.clips_dir.is_dir() and not self.clips_dir.is_symlink():
                shutil.rmtree(self.clips_dir)
        except OSError as exc:
            raise CacheError(f"cannot clear the clip cache {self.root}: {clipfiles.describe(exc, self.root)}") from exc
        return before
