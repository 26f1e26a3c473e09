"""Files written into an output folder safely, whoever else writes there.

Every file is first written under a temporary name of its own beside its final name
(``.<name>.<pid>.part``, or ``.<name>.<pid>-<random>.part`` when that is taken), created exclusively
and never through a link (``O_CREAT | O_EXCL | O_NOFOLLOW``), then renamed over the final name in one
step (``os.replace``: a link at the final name is itself replaced, never followed). The encoder's
parts go in a folder of its own made the same way (``.<name>.<pid>.parts``).

Writers of one output name take its lock (``flock`` on ``.<name>.lock``), so two builds of one
routine into one folder run one after the other and the last to finish wins whole. Whoever holds a
lock knows that nobody else is writing that name: it removes what a killed build left behind
(temporary files and part folders, recognised by their names; never a link, never followed). The
lock file is removed when it is released, safely: a waiter that finds its lock file gone or
replaced opens the new one and waits again.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from . import inflight
from .outfolder import OutputError

log = logging.getLogger(__name__)

TEMPORARY = ".part"
SCRATCH = ".parts"
LOCK = ".lock"
ATTEMPTS = 20
"""Names tried before giving up on a temporary name (each after the first is random)."""
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_OURS = re.compile(r"\.(?P<final>.+)\.\d+(?:-[0-9a-f]+)?\.parts?")
"""A temporary name of ours; ``final`` is the name it is written for."""


def _names(final: str, suffix: str) -> Iterator[str]:
    pid = os.getpid()
    yield f".{final}.{pid}{suffix}"
    for _ in range(ATTEMPTS - 1):
        yield f".{final}.{pid}-{secrets.token_hex(4)}{suffix}"


def final_name(path: Path) -> str:
    """The name a temporary file of ours is written for (``path``'s own name for any other)."""
    match = _OURS.fullmatch(path.name)
    return match["final"] if match else path.name


def temporary_file(final: Path) -> tuple[Path, BinaryIO]:
    """A new, empty file of ours beside ``final``, open for writing: never an existing file, never
    through a link."""
    for name in _names(final.name, TEMPORARY):
        path = final.with_name(name)
        inflight.adopt(path)  # before it exists: a signal may come at any moment (``inflight``)
        try:
            fd = os.open(path, _CREATE, 0o666)
        except FileExistsError:
            inflight.release(path)
            log.debug("%s is taken: trying another temporary name", path)
            continue
        return path, os.fdopen(fd, "wb")
    raise OutputError(f"no free temporary name beside {final}: remove the hidden files .{final.name}.* there")


def empty_temporary(final: Path) -> Path:
    """``temporary_file``, closed: for writers that open it by name (ffmpeg, mutagen)."""
    path, handle = temporary_file(final)
    handle.close()
    return path


def write_temporary(final: Path, content: bytes | str) -> Path:
    """``content`` (text as UTF-8) in a new temporary file beside ``final``; nothing left on failure."""
    path, handle = temporary_file(final)
    try:
        with handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
    except BaseException:
        discard(path)
        raise
    return path


def discard(path: Path) -> None:
    """Remove a temporary file of ours (if it is still there: it may have been renamed)."""
    path.unlink(missing_ok=True)
    inflight.release(path)


def replace_all(pairs: Sequence[tuple[Path, Path]]) -> None:
    """Rename each temporary file over its final name, in order (a link there is replaced, not followed)."""
    for tmp, final in pairs:
        os.replace(tmp, final)
        inflight.release(tmp)


@contextmanager
def scratch_folder(beside: Path) -> Iterator[Path]:
    """A new folder of ours beside ``beside`` (named for the file it is written for), removed with
    everything in it at the end."""
    made = None
    try:
        for name in _names(final_name(beside), SCRATCH):
            inflight.adopt(made := beside.with_name(name))  # before it exists, as in ``temporary_file``
            try:
                made.mkdir(mode=0o700)
            except FileExistsError:
                inflight.release(made)
                made = None
                continue
            break
        else:
            raise OutputError(f"no free name for a folder beside {beside}")
        yield made
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
            inflight.release(made)


def _open_lock(path: Path) -> int:
    """The lock file's descriptor: a regular file, opened without following a link (a link at its
    name is not a lock anyone holds: it is removed, and its target left alone)."""
    for _ in range(ATTEMPTS):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            log.warning("%s is a link, not a lock: removed (what it points to is left alone)", path)
            path.unlink(missing_ok=True)
            continue
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
        os.close(fd)
        raise OutputError(f"{path} is not a lock file: remove it")
    raise OutputError(f"{path} keeps changing: is something else writing there?")


def _acquire(path: Path, wait: bool) -> int | None:
    """Hold the lock at ``path`` (``None`` when not ``wait`` and someone else holds it)."""
    while True:
        fd = _open_lock(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        held = os.fstat(fd)
        try:
            there = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            there = None
        if there is not None and (there.st_dev, there.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)  # released and removed by its last holder while we waited: take the new one


@contextmanager
def output_lock(final: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold the lock of the output name ``final``: true when held (``wait=False``: false at once
    when another process holds it). The lock file is removed on release."""
    path = final.with_name(f".{final.name}{LOCK}")
    fd = _acquire(path, wait)
    if fd is None:
        yield False
        return
    inflight.adopt(path)
    try:
        yield True
    finally:
        try:
            path.unlink(missing_ok=True)  # ours: nobody else removes it without holding it
        finally:
            os.close(fd)
            inflight.release(path)


def leftovers(folder: Path, names: str) -> list[Path]:
    """Temporary files and folders of ours in ``folder`` written for a name matching the regular
    expression ``names`` (and those of older versions: ``.<name>.part``, ``..<name>.<random>``);
    never a link."""
    pattern = re.compile(rf"\.(?:{names})(?:\.\d+(?:-[0-9a-f]+)?\.parts?|\.part)|\.\.(?:{names})\.[a-z0-9_]{{8}}")
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if pattern.fullmatch(entry.name) and not entry.is_symlink():
                found.append(Path(entry.path))
    return found


def remove_leftovers(folder: Path, names: str) -> None:
    """Remove ``leftovers``: call it holding the lock of every name they are written for."""
    for path in leftovers(folder, names):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        log.info("removed %s, left by a build that did not finish", path)


@contextmanager
def writing(final: Path, names: str) -> Iterator[None]:
    """Hold ``final``'s lock, with what a killed writer of ``names`` left behind removed; and at the
    end, whatever happened (an error, Ctrl-C, SIGTERM at any moment), what this writer left too."""
    final.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(final):
        remove_leftovers(final.parent, names)
        try:
            yield
        finally:
            remove_leftovers(final.parent, names)


def tidy(final: Path, names: str) -> None:
    """Remove what a killed writer of ``names`` left behind, if there is any and nobody is writing."""
    try:
        if final.parent.is_dir() and leftovers(final.parent, names):
            with output_lock(final, wait=False) as held:
                if held:
                    remove_leftovers(final.parent, names)
    except OSError as exc:  # a folder that cannot be written in: nothing is written there either
        log.info("could not tidy %s: %s", final.parent, exc)
