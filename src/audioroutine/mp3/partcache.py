"""The encoded-part cache: each part of a routine as the encoder made it, kept between builds so a
rebuild encodes only the parts whose samples changed (a changed hold: the words after it).

A part is named by a hash of the exact PCM the encoder is given and of the encoder's identity (its
ffmpeg's version line, the command, rate and bit rate: ``encoder_identity``), and kept as an MP3
file in the clip cache's folder, under ``encoded/`` (``encoded/ab/abcd….mp3``). A file is written
to a held temporary file beside its final name, then renamed (``clipfiles.locked_tmp``): two
builds writing the same part both succeed, and a reader sees a whole file or none. A file read
back is never trusted blindly: it is parsed frame by frame (``frames.read_encoded``), its frames
checked against the CRC the encoder wrote in its LAME tag, and against the samples the plan says
it holds (``splice.check_holds``); one that fails is dropped and encoded again.

A part used is touched (its modification time): ``cache prune`` drops the parts not used for
``STALE_DAYS`` days; ``cache clear`` drops them all. Nothing is lost with them but encoding time.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import shutil
import subprocess
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import clipfiles
from .frames import CannotSplice, Encoded, check_music_crc, read_encoded

if TYPE_CHECKING:
    from .layout import Part

log = logging.getLogger(__name__)

FOLDER = "encoded"
"""The encoded parts' folder in the clip cache's."""
FORMAT = "1"
"""Changes when what a part's name stands for changes."""
STALE_DAYS = 30
"""``cache prune`` drops the encoded parts not used for this long."""


TOUCH_S = 3600.0
"""A part used is touched when it was last touched longer ago than this."""
READ_MAX_BYTES = 64 << 20


class _Read:
    """The parts this process read and checked, by path, with the file's inode, size and time then:
    read again only when the file changed (a process that builds again: the studio)."""

    def __init__(self) -> None:
        self.parts: dict[Path, tuple[tuple[int, int, int], Encoded]] = {}
        self.bytes = 0

    def get(self, path: Path, stat: os.stat_result) -> Encoded | None:
        seen = self.parts.get(path)
        return seen[1] if seen is not None and seen[0] == _signature(stat) else None

    def remember(self, path: Path, stat: os.stat_result, encoded: Encoded) -> None:
        if path not in self.parts:
            if self.bytes + len(encoded.data) > READ_MAX_BYTES:
                self.parts.clear()
                self.bytes = 0
            self.bytes += len(encoded.data)
        self.parts[path] = (_signature(stat), encoded)


READ = _Read()


def _signature(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


@dataclass(frozen=True)
class PartsInfo:
    path: Path
    parts: int
    bytes: int


@functools.cache
def _ffmpeg_version(exe: str) -> str:
    """The first line of ``ffmpeg -version`` (asked once per process)."""
    try:
        done = subprocess.run([exe, "-version"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unknown ({exc.__class__.__name__})"
    return done.stdout.decode(errors="replace").partition("\n")[0]


def encoder_identity(rate: int, bitrate: str) -> str:
    """Everything besides the samples that decides an encoded part's bytes."""
    from ..ffmpeg import ffmpeg_exe
    from .encoder import encoder_command

    exe = ffmpeg_exe()
    command = encoder_command(Path("in.pcm"), Path("out.mp3"), rate, bitrate)[1:]
    return "\n".join([FORMAT, _ffmpeg_version(exe), " ".join(command)])


class PartCache:
    """Encoded parts by the hash of their samples (see the module's docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / FOLDER
        self._unwritable: str | None = None
        self._swept = False
        self._made: set[Path] = set()

    def key(self, identity: str, pcm: bytes | memoryview) -> str:
        digest = hashlib.sha256(identity.encode())
        digest.update(pcm)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.mp3"

    def get(self, key: str, part: Part, rate: int) -> Encoded | None:
        """The part encoded, checked in full; ``None`` when it is not kept, or is damaged (then dropped)."""
        from .splice import check_holds

        path = self._path(key)
        try:
            stat = path.stat()
            encoded = READ.get(path, stat)
            if encoded is None:
                encoded = self._check(path, rate, path.read_bytes())
                if encoded is None:
                    return None
            check_holds(part, encoded)
        except OSError:
            return None
        except CannotSplice as exc:
            log.info("encoded part %s does not hold its part (%s): encoding it again", path.name, exc)
            return None
        if stat.st_mtime < time.time() - TOUCH_S:
            with suppress(OSError):
                os.utime(path)  # used now: ``prune`` keeps it
                stat = path.stat()
        READ.remember(path, stat, encoded)
        return encoded

    def _check(self, path: Path, rate: int, data: bytes) -> Encoded | None:
        """The part in ``data``, or ``None`` when it is damaged (then dropped)."""
        try:
            encoded = read_encoded(path, rate, data)
            check_music_crc(encoded)
        except CannotSplice as exc:
            log.info("encoded part %s is damaged (%s): encoding it again", path.name, exc)
            self._drop(path, data)
            return None
        return encoded

    def _drop(self, path: Path, damaged: bytes) -> None:
        """Remove a damaged part, unless it was written again meanwhile (another build writing it
        between this check and the removal costs that build's next one an encode, nothing more)."""
        try:
            if path.read_bytes() == damaged:
                path.unlink()
        except OSError as exc:
            log.info("the damaged encoded part %s cannot be removed (%s)", path.name, exc)

    def put(self, key: str, data: bytes) -> None:
        """Keep a part (atomically). A cache that cannot be written is said once in the log, and
        the build goes on without keeping its parts."""
        if self._unwritable is not None:
            return
        path = self._path(key)
        try:
            if path.parent not in self._made:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(path.parent)
            if not self._swept:
                self._swept = True
                clipfiles.sweep(self.folders())
            with clipfiles.locked_tmp(path.parent, path.stem) as (handle, tmp):
                handle.write(data)
                handle.flush()
                os.replace(tmp, path)  # the same bytes whoever writes them: no lock needed
        except OSError as exc:
            self._unwritable = clipfiles.describe(exc, self.root)
            log.info("encoded parts are not kept in %s (%s): the next build encodes them again", self.root,
                        self._unwritable)

    # ------------------------------------------------------------------------ looking after it

    def folders(self) -> list[Path]:
        return clipfiles.subfolders(self.root)

    def info(self) -> PartsInfo:
        return PartsInfo(self.root, *clipfiles.tally(self.folders(), ".mp3"))

    def clear(self) -> PartsInfo:
        """Remove every encoded part; returns what was removed."""
        from ..cache import CacheError

        before = self.info()
        try:
            if self.root.is_dir() and not self.root.is_symlink():
                shutil.rmtree(self.root)
        except OSError as exc:
            raise CacheError(f"cannot clear the encoded parts in {self.root}: "
                             f"{clipfiles.describe(exc, self.root)}") from exc
        return before

    def prune(self, days: float = STALE_DAYS, *, dry_run: bool = False) -> PartsInfo:
        """Remove the parts not used for ``days`` days (only count them with ``dry_run``), and
        the temporary files killed builds left; returns what went (or would go)."""
        from ..cache import CacheError

        oldest = time.time() - days * 86400
        parts, size = 0, 0
        try:
            for folder in self.folders():
                if not dry_run:
                    clipfiles.sweep([folder])
                for path in folder.glob("*.mp3"):
                    with suppress(FileNotFoundError):
                        stat = path.lstat()
                        if stat.st_mtime >= oldest:
                            continue
                        if not dry_run:
                            path.unlink()
                        parts, size = parts + 1, size + stat.st_size
        except OSError as exc:
            raise CacheError(f"cannot prune the encoded parts in {self.root}: "
                             f"{clipfiles.describe(exc, self.root)}") from exc
        return PartsInfo(self.root, parts, size)
