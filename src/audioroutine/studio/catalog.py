"""The routines the studio knows, named by id (the file's slug) only: the user's folder's and the
built-in ones (the user's win). The browser names a routine by id; no path from it is ever joined
to a folder. A file that leads out of its folder (a symlink pointing elsewhere) is not listed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import slugify
from ..routine_files import ROUTINE_SUFFIXES, builtin_routines_dir


@dataclass(frozen=True)
class Entry:
    id: str
    path: Path
    builtin: bool


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    inside = folder.resolve()
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in ROUTINE_SUFFIXES or path.name.startswith(".") or ".overrides." in path.name:
            continue
        try:
            real = path.resolve(strict=True)
        except OSError:
            continue
        if real.parent == inside and real.is_file():
            found.append(path)
    return found


def catalog(folder: Path) -> dict[str, Entry]:
    """Every routine by id, the user's folder's first."""
    entries: dict[str, Entry] = {}
    builtin = builtin_routines_dir()
    same = folder.resolve() == builtin.resolve()
    for path in _files(folder):
        entries.setdefault(slugify(path.stem), Entry(slugify(path.stem), path, same))
    for path in _files(builtin):
        entries.setdefault(slugify(path.stem), Entry(slugify(path.stem), path, True))
    return entries


def find(folder: Path, routine_id: str) -> Entry | None:
    """The routine of this id, or None: an id is looked up, never used as a path."""
    return catalog(folder).get(routine_id)
