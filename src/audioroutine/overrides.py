"""Overrides: a runner's changes for one build (overrides files, ``KEY=VALUE`` assignments, the hold,
breath, rest, lang and scale options) merged over a routine's data, each remembered with where it came from."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .changes import Change, Changes, FileLine, Merge, OptionValue, Origin, Origins, exercise_index, shown
from .doses import DOSES, dose_keys
from .errors import RoutineError
from .general import apply_hold, apply_setting_option, has_instead, own_values
from .model import Exercise, Routine, Settings
from .scaling import check_scale
from .yamlfile import key_line, parse_scalar, plain, read_yaml_mapping

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

log = logging.getLogger(__name__)

__all__ = ["FileLine", "OptionValue", "Origins", "Overrides", "apply_overrides", "has_instead"]


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


def _apply_to_exercise(merge: Merge, i: int, key: str, value: Any, origin: Origin, exercise_id: str) -> None:
    data = merge.data
    item = dict(data["exercises"][i])
    if key in DOSES and item.get(key) is None:  # a new kind of dose replaces the old one and its keys
        for other in dose_keys():
            if other != key:
                item.pop(other, None)
    item[key] = value
    data["exercises"] = list(data["exercises"])
    data["exercises"][i] = item
    merge.record(("exercises", i, key), Change(origin, key, shown(value), exercise=exercise_id))
    merge.origins[("exercises", i)] = origin


def _apply(merge: Merge, dotted: list[str], value: Any, origin: Origin) -> None:
    """Set one overridden value: ``settings.rest``, ``<exercise-id>.hold`` or a top-level key."""
    log.debug("override %s = %r (from %s)", ".".join(dotted), value, origin)
    data = merge.data
    index = exercise_index(data)
    head, rest = dotted[0], dotted[1:]
    if head in index:
        if len(rest) != 1:
            raise origin.error(f"name one key of exercise {head!r}, like {head}.hold=60s")
        if rest[0] not in Exercise.model_fields:
            raise origin.error(
                f"exercises have no key {rest[0]!r}; valid keys: " + ", ".join(sorted(Exercise.model_fields))
            )
        _apply_to_exercise(merge, index[head], rest[0], value, origin, head)
        return
    if head == "settings":
        if len(rest) != 1 or rest[0] not in Settings.model_fields:
            raise origin.error(
                f"settings has no key {'.'.join(rest) or '(none)'!r}; valid keys: "
                + ", ".join(sorted(Settings.model_fields))
            )
        data["settings"] = {**(data.get("settings") or {}), rest[0]: value}
        merge.record(("settings", rest[0]), Change(origin, rest[0], shown(value)))
        return
    top_level = set(Routine.model_fields) - {"exercises", "settings"}
    if head in top_level and not rest:
        data[head] = value
        merge.record((head,), Change(origin, head, shown(value)))
        return
    raise origin.error(
        f"{head!r} is not an exercise id or key of this routine. "
        f"Exercise ids: {', '.join(index) or 'none'}; or settings.<key>, or one of "
        + ", ".join(sorted(top_level))
    )


def _apply_exercises(merge: Merge, path: Path, value: Any, line: int) -> None:
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
            _apply(merge, [str(exercise_id), str(sub)], plain(sub_value), origin)


def _apply_file(merge: Merge, path: Path) -> None:
    overrides: CommentedMap = read_yaml_mapping(path, what="overrides")
    for key, value in overrides.items():
        line = key_line(overrides, key)
        if key == "exercises":
            _apply_exercises(merge, path, value, line)
        elif key == "pronounce" and isinstance(value, Mapping):  # merged word by word over the routine's
            for word, said in value.items():
                merge.data["pronounce"] = {**(merge.data.get("pronounce") or {}), str(word): plain(said)}
                merge.origins[("pronounce", str(word))] = FileLine(path, key_line(value, word))
        elif key == "settings" and isinstance(value, Mapping):
            for sub, sub_value in value.items():
                _apply(merge, ["settings", str(sub)], plain(sub_value), FileLine(path, key_line(value, sub)))
        else:
            _apply(merge, [str(key)], plain(value), FileLine(path, line))


def apply_overrides(data: dict[str, Any], overrides: Overrides) -> tuple[dict[str, Any], Origins, Changes]:
    """The routine's plain data with every override merged over it, where each came from, and what
    each changed.

    The more specific value wins, whatever the order on the command line: a value for one exercise
    (``--set ID.key=``, an overrides file's ``exercises:`` entry) over ``--hold``; among values for
    the same key, ``--set`` over the files, and a later one over an earlier one; ``--breath``,
    ``--rest`` and ``--lang`` over the files (with ``--set settings.KEY=`` of another value, an
    error). ``--scale`` comes after validation (``scaling``) and stretches only what no override named.
    """
    merge = Merge(data)
    if overrides.scale is not None:
        check_scale(overrides.scale)  # before any file is read: a bad option is named first
    for path in overrides.files:
        _apply_file(merge, Path(path))
    for assignment in overrides.assignments:
        origin = OptionValue("set", assignment)
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            raise origin.error("write it as KEY=VALUE, like calf-stretch.hold=60s")
        _apply(merge, key.strip().split("."), parse_scalar(value.strip()), origin)
    if overrides.hold is not None:
        apply_hold(merge, overrides.hold)
    for name, value in (("breath", overrides.breath), ("rest", overrides.rest), ("lang", overrides.lang)):
        if value is not None:
            apply_setting_option(merge, name, value)
    own_values(merge)
    return merge.data, merge.origins, merge.result()
