"""One cached clip on disk: a WAV file of our format and a JSON note beside it, written
atomically and checked when read.

The WAV is exactly what the standard library's ``wave`` writes for mono 16-bit PCM at
SAMPLE_RATE: a 44-byte header, then the samples. The note says what the clip is (the engine's
identity, the text, the preparation), its loudness stats, its length in samples (``samples``)
and a checksum (``checksum``: CRC-64/XZ of the samples, then of the note without the checksum,
so damage to either is found). Notes written before the checksum existed are checked for
format and length only, and used as they are (see docs/reliability/cache.md).

Every file is written to a hidden temporary file in the same folder, held under an exclusive
``flock`` while it is written, then renamed: the note first, then the clip, both under a lock of
the folder. A temporary file nobody holds is left by a killed process, and is swept away.
"""

from __future__ import annotations

import errno
import fcntl
import json
import math
import os
import stat
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .constants import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

HEADER_SIZE = 44
"""The WAV header ``wave`` writes for PCM: RIFF (12 bytes), fmt (24), data (8)."""
CELL = 441
"""Samples per loudness cell (loudness.CELL; not imported, that module loads numpy)."""
TMP_SUFFIX = ".tmp"
WRITE_BLOCK = 1 << 20
"""Samples written (and checksummed) at a time: a long clip is never copied whole."""


class Missing(Exception):
    """The clip is not in the cache."""


class Damaged(Exception):
    """The clip or its note is in the cache but cannot be trusted; the message says why."""


def wav_header(frames: int) -> bytes:
    """The 44 bytes ``wave`` writes before ``frames`` mono 16-bit samples at SAMPLE_RATE."""
    size = 2 * frames
    return (b"RIFF" + struct.pack("<L", 36 + size) + b"WAVE"
            + b"fmt " + struct.pack("<LHHLLHH", 16, 1, 1, SAMPLE_RATE, 2 * SAMPLE_RATE, 2, 16)
            + b"data" + struct.pack("<L", size))


def checksum(chunks: Iterable[bytes | memoryview], note: Mapping[str, Any]) -> str:
    """CRC-64/XZ of the samples' bytes, then of the note's canonical JSON (without its checksum)."""
    import fastcrc

    crc = None
    for chunk in chunks:
        crc = fastcrc.crc64.xz(chunk, crc)
    fields = {k: v for k, v in note.items() if k != "checksum"}
    crc = fastcrc.crc64.xz(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode(), crc)
    return f"{crc:016x}"


# ---------------------------------------------------------------------------- reading


def _read(path: Path, size: int | None = None) -> tuple[bytes, int]:
    """The first ``size`` bytes of a regular file (all by default), and its size. A file that is
    not there is Missing; anything else that cannot be read (a folder, a pipe…) is Damaged."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise Missing(str(path)) from exc
    except OSError as exc:
        raise Damaged(f"{path.name} cannot be read ({exc.strerror})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Damaged(f"{path.name} is not a file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(-1 if size is None else size), info.st_size
    except OSError as exc:
        raise Damaged(f"{path.name} cannot be read ({exc.strerror})") from exc
    finally:
        os.close(fd)


def read_note(path: Path, identity: Mapping[str, str], text: str, preparation: str) -> dict[str, Any]:
    """The note, checked: what it says it is, and stats of the right shape."""
    try:
        note = json.loads(_read(path)[0].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Damaged(f"its note cannot be read ({exc})") from exc
    if not isinstance(note, dict):
        raise Damaged("its note is not a JSON object")
    wanted = {**identity, "text": text, "preparation": preparation}
    if any(note.get(k) != v for k, v in wanted.items()):
        raise Damaged("its note is of another clip")
    cells, peak = note.get("cells"), note.get("true_peak_db")
    if not isinstance(cells, list) or not set(map(type, cells)) <= {int, float} or not (
            math.isfinite(sum(cells)) and min(cells, default=0) >= 0):
        raise Damaged("its note's loudness cells are not numbers")
    if not _number(peak) or math.isnan(peak):
        raise Damaged("its note's true peak is not a number")
    samples = note.get("samples")
    if "samples" in note and not (isinstance(samples, int) and not isinstance(samples, bool) and samples >= 0):
        raise Damaged("its note's length is not a count of samples")
    if ("checksum" in note) != ("samples" in note) or not isinstance(note.get("checksum", ""), str):
        raise Damaged("its note's checksum is damaged")
    return note


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_wav(path: Path, note: Mapping[str, Any], data: bytes | None = None) -> int:
    """The clip's length in samples, its header checked against its size and its note (cheap:
    only the header is read, unless the whole file is given as ``data``)."""
    header, size = (data[:HEADER_SIZE], len(data)) if data is not None else _read(path, HEADER_SIZE)
    frames = max(0, size - HEADER_SIZE) // 2
    if header != wav_header(frames) or size != HEADER_SIZE + 2 * frames:
        raise Damaged("it is not a WAV file of our format and length" if size else "it is empty")
    if note.get("samples", frames) != frames:
        raise Damaged(f"it has {frames} samples, its note says {note['samples']}")
    if len(note["cells"]) != -(-frames // CELL):
        raise Damaged("its note's loudness cells do not match its length")
    return frames


def read_wav(path: Path, note: Mapping[str, Any]) -> bytes:
    """The whole file, checked: header, length and, where the note has one, the checksum."""
    data = _read(path)[0]
    check_wav(path, note, data)
    if "checksum" in note and checksum([memoryview(data)[HEADER_SIZE:]], note) != note["checksum"]:
        raise Damaged("its checksum does not match")
    return data


# ---------------------------------------------------------------------------- writing


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock of a folder of the cache (renames and removals happen under it)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextmanager
def locked_tmp(folder: Path, name: str) -> Iterator[tuple[Any, Path]]:
    """A new hidden temporary file in ``folder`` (created exclusively, never through a link),
    open for writing and held under ``flock`` until the block ends; removed then unless renamed."""
    while True:
        path = folder / f".{name}.{os.urandom(6).hex()}{TMP_SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                break  # not swept away before it was locked
        except FileNotFoundError:
            pass
        os.close(fd)
    handle = os.fdopen(fd, "wb")
    try:
        yield handle, path
    finally:
        try:
            handle.close()  # may fail to flush (a full disk): the file goes all the same
        finally:
            with suppress(FileNotFoundError):
                path.unlink()


def write_clip(path: Path, samples: np.ndarray, note: dict[str, Any]) -> None:
    """Write a clip and its note (``samples`` and ``checksum`` added) atomically: each to a held
    temporary file, then renamed under the folder's lock, the note first."""
    pcm = samples.astype("<i2", copy=False)
    blocks = [memoryview(pcm[i:i + WRITE_BLOCK]).cast("B") for i in range(0, pcm.size, WRITE_BLOCK)]
    note = {**note, "samples": int(pcm.size)}
    note["checksum"] = checksum(blocks, note)
    with locked_tmp(path.parent, path.stem) as (wav, wav_tmp), locked_tmp(path.parent, path.stem) as (js, note_tmp):
        wav.write(wav_header(pcm.size))
        for block in blocks:
            wav.write(block)
        js.write(json.dumps(note, ensure_ascii=False).encode("utf-8"))
        wav.flush()
        js.flush()
        with folder_lock(path.parent):
            os.replace(note_tmp, path.with_suffix(".json"))
            os.replace(wav_tmp, path)


def subfolders(root: Path) -> list[Path]:
    """The folders a cache keeps its files in (``ab/``), never through a link; none if it cannot be read."""
    try:
        return [p for p in root.iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return []


def tally(folders: Iterable[Path], suffix: str) -> tuple[int, int]:
    """How many ``suffix`` files the folders hold, and the bytes of all their files."""
    count, size = 0, 0
    for folder in folders:
        for path in folder.iterdir():
            with suppress(OSError):
                size += path.lstat().st_size
                count += path.suffix == suffix
    return count, size


def sweep(folders: Iterable[Path]) -> int:
    """Remove the temporary files in ``folders`` that no process holds (left by a killed one)."""
    removed = 0
    for folder in folders:
        with suppress(OSError):
            for path in folder.glob(f".*{TMP_SUFFIX}"):
                with suppress(OSError):
                    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        path.unlink()
                        removed += 1
                    finally:
                        os.close(fd)
    return removed


def describe(error: OSError, root: Path) -> str:
    """What is wrong with the cache folder, in a user's words."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "its disk is full"
    if error.errno == errno.EROFS:
        return "it is on a read-only file system"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "it is not writable (permission denied)"
    for where in (root, *root.parents):
        if where.exists() and not where.is_dir():
            return "it is a file, not a folder" if where == root else f"it lies under {where}, which is a file"
    return error.strerror or str(error)


def prune_folder(folder: Path, keep: Callable[[Path], bool]) -> tuple[int, int]:
    """Under the folder's lock, remove every clip (and its note) that ``keep`` refuses or cannot
    tell (an error is a refusal), and every note without a clip; returns (clips removed, bytes)."""
    removed, size = 0, 0
    with folder_lock(folder):
        for wav in sorted(folder.glob("*.wav")):
            try:
                if keep(wav):
                    continue
            except (Missing, Damaged, OSError, ValueError, KeyError, TypeError, AttributeError):
                pass
            removed += 1
            size += remove(wav) + remove(wav.with_suffix(".json"))
        for note in folder.glob("*.json"):
            if not note.with_suffix(".wav").exists():
                size += remove(note)
    return removed, size


def remove(path: Path) -> int:
    """Remove a file (or a folder where a file should be); its size, 0 if it was not there."""
    try:
        size = path.lstat().st_size
    except FileNotFoundError:
        return 0
    if path.is_dir() and not path.is_symlink():
        import shutil

        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    return size
