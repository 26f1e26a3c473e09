"""Find routine files: by path, or by name in ``./routines`` and the built-in routines."""

from __future__ import annotations

import difflib
import logging
from importlib import resources
from pathlib import Path

from .errors import RoutineError

log = logging.getLogger(__name__)

ROUTINE_SUFFIXES = (".yaml", ".yml")


def builtin_routines_dir() -> Path:
    """The folder of routines that come with audioroutine."""
    return Path(str(resources.files("audioroutine.routines")))


def routine_dirs(cwd: Path | None = None) -> list[Path]:
    """Where routine names are looked up: ``./routines`` first, then the built-in ones."""
    dirs: list[Path] = []
    for candidate in ((cwd or Path.cwd()) / "routines", builtin_routines_dir()):
        if candidate.is_dir() and all(candidate.resolve() != d.resolve() for d in dirs):
            dirs.append(candidate)
    return dirs


def available_routines(cwd: Path | None = None) -> list[Path]:
    """Every routine file found, one per name (``./routines`` wins over a built-in of that name)."""
    found: dict[str, Path] = {}
    for directory in routine_dirs(cwd):
        for path in sorted(directory.iterdir()):
            if path.suffix in ROUTINE_SUFFIXES and not path.name.startswith("."):
                found.setdefault(path.stem, path)
    return [found[name] for name in sorted(found)]


def find_routine(name_or_path: str, cwd: Path | None = None) -> Path:
    """A routine file from a path or from the name of a routine in ``routines/``."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    if path.is_dir():
        raise RoutineError("is a folder, not a routine file", path=path)
    known = available_routines(cwd)
    for candidate in known:
        if name_or_path in (candidate.stem, candidate.name):
            log.debug("routine %r is %s", name_or_path, candidate)
            return candidate
    names = [p.stem for p in known]
    close = difflib.get_close_matches(name_or_path, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise RoutineError(
        "no such file or routine",
        path=name_or_path,
        hint=f"{hint}routines here: {', '.join(names) or 'none'}",
    )
