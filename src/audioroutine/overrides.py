"""Overrides: a runner's changes for one build (overrides files, ``KEY=VALUE`` assignments, the hold,
breath, rest, lang and scale options) merged over a routine's data, each remembered with where it came from."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .doses import DOSE_KINDS, DOSES, dose_keys, dose_of
from .durations import EXAMPLES, DurationSyntaxError, parse_duration
from .errors import OptionError, RoutineError
from .model import Exercise, Routine, Settings, slugify
from .yamlfile import key_line, parse_scalar, plain, read_yaml_mapping

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

log = logging.getLogger(__name__)

MIN_SCALE, MAX_SCALE = 0.1, 10.0


@dataclass(frozen=True)
class Overrides:
    """Changes a runner makes for one build without editing the routine file."""

    files: tuple[Path, ...] = ()
    """Overrides files: the routine's keys, exercises by id, merged over it."""
    assignments: tuple[str, ...] = ()
    """``KEY=VALUE``: ``calf-stretch.hold=60s``, ``settings.rest=20s``."""
    hold: str | None = None
    """Every timed hold (and timed work); holds counted in breaths keep their count."""
    breath: str | None = None
    """The length of one breath (``settings.breath``)."""
    rest: str | None = None
    """The rest between exercises (``settings.rest``)."""
    scale: float | None = None
    """Every hold, rest and breath stretched by this factor."""
    lang: str | None = None
    """The language of the cues (``settings.lang``)."""

    def __bool__(self) -> bool:
        """Whether anything is overridden; a value given but empty or zero counts (and is refused)."""
        given = (self.hold, self.breath, self.rest, self.scale, self.lang)
        return bool(self.files or self.assignments) or any(value is not None for value in given)


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


Origin = FileLine | OptionValue
Origins = dict[tuple[str | int, ...], Origin]
"""Where each changed part of the routine's data came from, by its location in the data."""


def _exercise_index(data: Mapping[str, Any]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item in enumerate(data.get("exercises") or []):
        if isinstance(item, Mapping):
            key = item.get("id") or (slugify(item["name"]) if isinstance(item.get("name"), str) else None)
            if key:
                index[str(key)] = i
    return index


def _apply_to_exercise(data: dict[str, Any], i: int, key: str, value: Any, origin: Origin,
                       origins: Origins) -> None:
    item = dict(data["exercises"][i])
    if key in DOSES:  # a new dose replaces the old one, with the keys that went with it
        for other in dose_keys():
            if other != key:
                item.pop(other, None)
    item[key] = value
    data["exercises"] = list(data["exercises"])
    data["exercises"][i] = item
    origins[("exercises", i, key)] = origin
    origins[("exercises", i)] = origin


def _apply(data: dict[str, Any], dotted: list[str], value: Any, origin: Origin, origins: Origins) -> None:
    """Set one overridden value: ``settings.rest``, ``<exercise-id>.hold`` or a top-level key."""
    log.debug("override %s = %r (from %s)", ".".join(dotted), value, origin)
    index = _exercise_index(data)
    head, rest = dotted[0], dotted[1:]
    if head in index:
        if len(rest) != 1:
            raise origin.error(f"name one key of exercise {head!r}, like {head}.hold=60s")
        if rest[0] not in Exercise.model_fields:
            raise origin.error(
                f"exercises have no key {rest[0]!r}; valid keys: " + ", ".join(sorted(Exercise.model_fields))
            )
        _apply_to_exercise(data, index[head], rest[0], value, origin, origins)
        return
    if head == "settings":
        if len(rest) != 1 or rest[0] not in Settings.model_fields:
            raise origin.error(
                f"settings has no key {'.'.join(rest) or '(none)'!r}; valid keys: "
                + ", ".join(sorted(Settings.model_fields))
            )
        data["settings"] = {**(data.get("settings") or {}), rest[0]: value}
        origins[("settings", rest[0])] = origin
        return
    top_level = set(Routine.model_fields) - {"exercises", "settings"}
    if head in top_level and not rest:
        data[head] = value
        origins[(head,)] = origin
        return
    raise origin.error(
        f"{head!r} is not an exercise id or key of this routine. "
        f"Exercise ids: {', '.join(index) or 'none'}; or settings.<key>, or one of "
        + ", ".join(sorted(top_level))
    )


def _apply_exercises(data: dict[str, Any], path: Path, value: Any, line: int, origins: Origins) -> None:
    """An overrides file's ``exercises:``, a mapping from exercise id to the keys to change."""
    if not isinstance(value, Mapping):
        raise RoutineError(
            "exercises in an overrides file is a mapping from exercise id to keys, "
            "like  calf-stretch: {hold: 60s}",
            path=path, line=line, field="exercises",
        )
    for exercise_id, changes in value.items():
        if not isinstance(changes, Mapping):
            raise RoutineError(
                "give the keys to change, like  hold: 60s",
                path=path, line=key_line(value, exercise_id), field=f"exercises.{exercise_id}",
            )
        for sub, sub_value in changes.items():
            origin = FileLine(path, key_line(changes, sub))
            _apply(data, [str(exercise_id), str(sub)], plain(sub_value), origin, origins)


def _apply_file(data: dict[str, Any], path: Path, origins: Origins) -> None:
    overrides: CommentedMap = read_yaml_mapping(path, what="overrides")
    for key, value in overrides.items():
        line = key_line(overrides, key)
        if key == "exercises":
            _apply_exercises(data, path, value, line, origins)
        elif key == "pronounce" and isinstance(value, Mapping):  # merged word by word over the routine's
            for word, said in value.items():
                data["pronounce"] = {**(data.get("pronounce") or {}), str(word): plain(said)}
                origins[("pronounce", str(word))] = FileLine(path, key_line(value, word))
        elif key == "settings" and isinstance(value, Mapping):
            for sub, sub_value in value.items():
                _apply(data, ["settings", str(sub)], plain(sub_value), FileLine(path, key_line(value, sub)), origins)
        else:
            _apply(data, [str(key)], plain(value), FileLine(path, line), origins)


def _check_option(option: str, value: str) -> None:
    """A duration option's value: a duration, finite, longer than zero (a rest may be zero); a
    language: not empty (the routine's validation checks the rest)."""
    shown = value if isinstance(value, str) and value.strip() else repr(value)
    if option == "lang":
        if shown != value:
            raise OptionError("name a language, like en or en-GB", option=option, value=shown)
        return
    try:
        seconds = parse_duration(value)
    except DurationSyntaxError as exc:
        raise OptionError(str(exc), option=option, value=shown) from None
    if not math.isfinite(seconds) or seconds < 0:
        raise OptionError(f"expected a duration such as {EXAMPLES}", option=option, value=shown)
    if seconds == 0 and option != "rest":
        raise OptionError("must be longer than zero", option=option, value=shown)


def check_scale(factor: object) -> float:
    """The scale option's factor: a finite number from ``MIN_SCALE`` to ``MAX_SCALE``."""
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not MIN_SCALE <= factor <= MAX_SCALE:
        raise OptionError(f"choose a factor between {MIN_SCALE:g} and {MAX_SCALE:g}", option="scale", value=factor)
    return float(factor)


def _apply_hold(data: dict[str, Any], hold: str, origins: Origins) -> None:
    """Every timed dose (a hold in seconds, timed work) set to ``hold``; breath counts are kept."""
    _check_option("hold", hold)
    timed = [kind.name for kind in DOSE_KINDS if kind.timed]
    for i, item in enumerate(data.get("exercises") or []):
        for key in timed:
            value = item.get(key) if isinstance(item, Mapping) else None
            if value is not None and "breath" not in str(value):
                data["exercises"][i] = {**data["exercises"][i], key: hold}
                origins[("exercises", i, key)] = OptionValue("hold", hold)


def apply_overrides(data: dict[str, Any], overrides: Overrides) -> tuple[dict[str, Any], Origins]:
    """The routine's plain data with every override merged over it, and where each came from.

    Files first, then assignments, then the hold, breath, rest and lang options: a later one wins.
    """
    origins: Origins = {}
    if overrides.scale is not None:
        check_scale(overrides.scale)  # before any file is read: a bad option is named first
    for path in overrides.files:
        _apply_file(data, Path(path), origins)
    for assignment in overrides.assignments:
        origin = OptionValue("set", assignment)
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            raise origin.error("write it as KEY=VALUE, like calf-stretch.hold=60s")
        _apply(data, key.strip().split("."), parse_scalar(value.strip()), origin, origins)
    if overrides.hold is not None:
        _apply_hold(data, overrides.hold, origins)
    for option, value in (("breath", overrides.breath), ("rest", overrides.rest), ("lang", overrides.lang)):
        if value is not None:
            _check_option(option, value)
            data["settings"] = {**(data.get("settings") or {}), option: value}
            origins[("settings", option)] = OptionValue(option, value)
    return data, origins


def scaled(routine: Routine, factor: float) -> Routine:
    """Every hold, timed work, rest, breath and own-pace window stretched by ``factor``.

    The result is not validated: validate its data (a stretched hold may be over the limit).
    """
    factor = check_scale(factor)
    log.info("scaling every length by %g", factor)
    settings = routine.settings.model_copy(
        update={
            "breath": routine.settings.breath * factor,
            "rest": routine.settings.rest * factor,
            "set_rest": routine.settings.set_rest * factor,
        }
    )
    exercises = [
        exercise.model_copy(
            update={
                "set_rest": exercise.set_rest * factor if exercise.set_rest is not None else None,
                **dose_of(exercise).scale(exercise, factor),
            }
        )
        for exercise in routine.exercises
    ]
    return routine.model_copy(update={"settings": settings, "exercises": exercises})

