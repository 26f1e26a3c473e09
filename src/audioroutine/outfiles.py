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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import AudioRoutineError, OptionError, option

log = logging.getLogger(__name__)

TEMPORARY = ".part"
SCRATCH = ".parts"
LOCK = ".lock"
ATTEMPTS = 20
"""Names tried before giving up on a temporary name (each after the first is random)."""
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_OURS = re.compile(r"\.(?P<final>.+)\.\d+(?:-[0-9a-f]+)?\.parts?")
"""A temporary name of ours; ``final`` is the name it is written for."""


class OutputError(AudioRoutineError):
    """An output file or folder that cannot be written (a full disk, a read-only folder…)."""


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
        try:
            fd = os.open(path, _CREATE, 0o666)
        except FileExistsError:
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
        path.unlink(missing_ok=True)
        raise
    return path


@contextmanager
def scratch_folder(beside: Path) -> Iterator[Path]:
    """A new folder of ours beside ``beside`` (named for the file it is written for), removed with
    everything in it at the end."""
    for name in _names(final_name(beside), SCRATCH):
        path = beside.with_name(name)
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        break
    else:
        raise OutputError(f"no free name for a folder beside {beside}")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


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
    try:
        yield True
    finally:
        try:
            path.unlink(missing_ok=True)  # ours: nobody else removes it without holding it
        finally:
            os.close(fd)


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
    """Hold ``final``'s lock, with what a killed writer of ``names`` left behind removed."""
    final.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(final):
        remove_leftovers(final.parent, names)
        yield


def tidy(final: Path, names: str) -> None:
    """Remove what a killed writer of ``names`` left behind, if there is any and nobody is writing."""
    try:
        if final.parent.is_dir() and leftovers(final.parent, names):
            with output_lock(final, wait=False) as held:
                if held:
                    remove_leftovers(final.parent, names)
    except OSError as exc:  # a folder that cannot be written in: nothing is written there either
        log.info("could not tidy %s: %s", final.parent, exc)


def check_folder(out: Path, finals: Iterable[str]) -> None:
    """Before any audio work: ``out`` is a folder, or can be made one (``OptionError`` if it or a
    folder above it is a file), and none of the ``finals`` in it is a folder (``OutputError``)."""
    for folder in (out, *out.parents):
        if folder.is_dir():
            break
        if folder.exists() or folder.is_symlink():
            where = "" if folder == out else f"{folder} is "
            raise OptionError(f"{where}not a folder", option="out", value=str(out),
                              hint="give a folder (it is made if it does not exist)")
    for name in finals:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            raise OutputError(f"{path} is a folder: it cannot be replaced by the file of that name",
                              hint="remove or rename that folder")


def check_writable(out: Path) -> None:
    """Before any audio work for files to write: ``out`` (when it exists) can be written in."""
    if out.is_dir() and not os.access(out, os.W_OK):
        code = errno.EROFS if os.statvfs(out).f_flag & os.ST_RDONLY else errno.EACCES
        raise OutputError(f"cannot write in {out}: {os.strerror(code)}", hint=_hint(code))


def _os_error(exc: BaseException | None) -> OSError | None:
    """The OS error behind ``exc``: itself, or one mutagen wrapped."""
    if isinstance(exc, OSError):
        return exc
    if exc is not None and type(exc).__module__.startswith("mutagen"):
        return _os_error(exc.__cause__ or exc.__context__)
    return None


HINTS = {
    errno.ENOSPC: "free some space there, or choose another folder with {out}",
    errno.EDQUOT: "free some space there, or choose another folder with {out}",
    errno.EROFS: "the folder is on a read-only file system: choose another with {out}",
    errno.EACCES: "choose a folder you may write in with {out}",
    errno.EPERM: "choose a folder you may write in with {out}",
}
"""What to do about the faults met while writing an output folder, by ``errno``."""


def _hint(code: int | None) -> str | None:
    hint = HINTS.get(code or 0)
    return hint.format(out=option("out")) if hint else None


@contextmanager
def output_errors(folder: Path, what: str) -> Iterator[None]:
    """An OS error while writing ``what`` in ``folder`` becomes one ``OutputError`` saying so."""
    try:
        yield
    except OutputError:
        raise
    except Exception as exc:
        cause = _os_error(exc)
        if cause is None or not (cause.errno in WRITING or _inside(cause.filename, folder)):
            raise
        raise OutputError(f"could not write {what} in {folder}: {cause.strerror or cause}",
                          hint=_hint(cause.errno)) from exc


WRITING = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG, errno.EIO,
           errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG}
"""Faults of writing a file: any of these while writing an output folder is said to be there."""


def _inside(filename: object, folder: Path) -> bool:
    """Whether ``filename`` (an OS error's) is in ``folder``."""
    if not isinstance(filename, str | os.PathLike):
        return False
    return Path(os.path.abspath(filename)).is_relative_to(os.path.abspath(folder))
