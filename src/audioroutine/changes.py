"""What a build's overrides changed, and where: each override's origin (an option and its value, or
an overrides file's line), the exercises it changed, the values it beat and those that beat it,
as a small typed result (``Changes``) that ``show`` and ``build`` print in a few lines a coach reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import OptionError, RoutineError, option, render_options
from .model import slugify

MAX_SHOWN = 40
"""A value longer than this is cut short in the lines (``…``)."""


@dataclass(frozen=True)
class FileLine:
    """An overridden value that came from a line of an overrides file."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"

    def error(self, message: str, field: str | None = None) -> RoutineError:
        """A problem with the value, reported at its file and line."""
        return RoutineError(message, path=self.path, line=self.line, field=field)

    def source(self) -> str:
        """Where it came from, in a line of changes."""
        return f"{self.path.name}:{self.line}"


@dataclass(frozen=True)
class OptionValue:
    """An overridden value that came from an option (``set``, ``hold``, ``breath``, ``rest``, ``scale``)."""

    option: str
    value: object

    def __str__(self) -> str:
        return f"option {self.option} {self.value}"

    def error(self, message: str, field: str | None = None) -> OptionError:
        """A problem with the value, reported as a bad value of the option (naming the field)."""
        return OptionError(f"{field}: {message}" if field else message, option=self.option, value=self.value)

    def source(self) -> str:
        """The option's name, marked (``errors.option``) so that a front end writes its flag."""
        return option(self.option)


Origin = FileLine | OptionValue
Origins = dict[tuple[str | int, ...], Origin]
"""Where each changed part of the routine's data came from, by its location in the data."""


@dataclass(frozen=True)
class Change:
    """One override as applied to the routine."""

    origin: Origin
    key: str
    """What it sets: ``hold``, ``set_rest``, ``title``; ``scale`` for the scale factor."""
    value: str
    """The value as written (``45s``, ``x1.5``)."""
    exercise: str | None = None
    """The exercise it was written for (``--set ID.key=``, a file's ``exercises:`` entry); ``None``
    for a general one (``--hold``, a setting, a top-level key, ``--scale``)."""
    applied_to: tuple[str, ...] = ()
    """The exercises a general one changed (``--hold``)."""
    beats: tuple[Origin, ...] = ()
    """The overrides it won over: a general one, or an earlier value for the same key."""
    kept: tuple[tuple[str, str], ...] = ()
    """Where a general one did not apply: ``(exercise id, what kept its value there)``."""
    note: str | None = None
    """Something a coach should know about what it changed (``--scale`` with no timed holds)."""
    nothing: str | None = None
    """Why it changed nothing (``--hold`` on a routine without timed holds); said as a warning."""

    def line(self) -> str:
        """One line a coach reads; options marked by name (``errors.option``)."""
        head = f"{self.key} {self.value} ({self.origin.source()})"
        if self.exercise is not None:
            head = f"{self.exercise} {head}"
        if self.nothing is not None:
            return f"warning: {head} changes nothing: {self.nothing}"
        if self.applied_to:
            head += " on " + ", ".join(self.applied_to)
        if self.beats:
            head += ", beats " + ", ".join(dict.fromkeys(origin.source() for origin in self.beats))
        if self.kept:
            head += "; not " + ", ".join(f"{where} ({why})" for where, why in self.kept)
        if self.note:
            head += f"; {self.note}"
        return head


@dataclass(frozen=True)
class Changes:
    """Every override applied to one routine, in the order they were given."""

    items: tuple[Change, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.items)

    def lines(self, flag: Callable[[str], str] | None = None) -> list[str]:
        """One line per override, options written as ``flag(name)`` (default: their names)."""
        return [render_options(change.line(), flag) for change in self.items]

    def warnings(self) -> list[Change]:
        """The overrides that changed nothing."""
        return [change for change in self.items if change.nothing is not None]


def exercise_index(data: Mapping[str, Any]) -> dict[str, int]:
    """Each exercise's id (its own, or its name's slug) and its place in the plain data."""
    index: dict[str, int] = {}
    for i, item in enumerate(data.get("exercises") or []):
        if isinstance(item, Mapping):
            key = item.get("id") or (slugify(item["name"]) if isinstance(item.get("name"), str) else None)
            if key:
                index[str(key)] = i
    return index


@dataclass
class Merge:
    """The routine's data as overrides are merged over it: where each value came from, and the
    changes made so far (the one that set each location, to name what a later one beats)."""

    data: dict[str, Any]
    origins: Origins = field(default_factory=dict)
    changes: list[Change | None] = field(default_factory=list)
    setters: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def record(self, loc: tuple[str | int, ...], change: Change) -> None:
        """``change`` set the value at ``loc``: an earlier override of it is beaten (and dropped)."""
        earlier = self.setters.get(loc)
        if earlier is not None and self.changes[earlier] is not None:
            change = replace(change, beats=(self.changes[earlier].origin, *change.beats))
            self.changes[earlier] = None
        self.origins[loc] = change.origin
        self.setters[loc] = len(self.changes)
        self.changes.append(change)

    def setter(self, loc: tuple[str | int, ...]) -> Change | None:
        index = self.setters.get(loc)
        return self.changes[index] if index is not None else None

    def beaten(self, loc: tuple[str | int, ...], by: Origin) -> None:
        """The override that set ``loc`` kept its value where the general one ``by`` would have applied."""
        index = self.setters[loc]
        change = self.changes[index]
        if change is not None and by not in change.beats:
            self.changes[index] = replace(change, beats=(*change.beats, by))

    def result(self) -> Changes:
        return Changes(tuple(change for change in self.changes if change is not None))


def shown(value: object) -> str:
    """A value as a short line shows it: ``45s``, ``[right, left]``, ``true``."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = "[" + ", ".join(shown(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {shown(v)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"
