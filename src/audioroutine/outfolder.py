"""The output folder before and while a build writes in it: the checks made before any audio work
(``--out`` is a folder, no output name in it is a folder, it can be written in) and the faults of
the OS met while writing, each said as one ``OutputError``: what, where, and what to do.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import AudioRoutineError, OptionError, option


class OutputError(AudioRoutineError):
    """An output file or folder that cannot be written (a full disk, a read-only folder…)."""


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
