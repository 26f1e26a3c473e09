"""The general overrides: ``--hold`` (every timed hold), ``--breath``, ``--rest`` and ``--lang`` (a
setting each), and the settings an exercise may set for itself. A value written for one exercise
beats them; each says where it applied, and ``--hold`` says when it changed nothing."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .changes import Change, Merge, OptionValue, exercise_index, shown
from .doses import DOSE_KINDS, DOSES
from .durations import EXAMPLES, DurationSyntaxError, parse_duration
from .errors import OptionError, option


def check_option(option: str, value: str) -> None:
    """A duration option's value: a duration, finite, longer than zero (a rest may be zero); a
    language: not empty (the routine's validation checks the rest)."""
    shown_value = value if isinstance(value, str) and value.strip() else repr(value)
    if option == "lang":
        if shown_value != value:
            raise OptionError("name a language, like en or en-GB", option=option, value=shown_value)
        return
    try:
        seconds = parse_duration(value)
    except DurationSyntaxError as exc:
        raise OptionError(str(exc), option=option, value=shown_value) from None
    if not math.isfinite(seconds) or seconds < 0:
        raise OptionError(f"expected a duration such as {EXAMPLES}", option=option, value=shown_value)
    if seconds == 0 and option != "rest":
        raise OptionError("must be longer than zero", option=option, value=shown_value)


def _same(a: object, b: object) -> bool:
    """Two values of one setting mean the same (``20s`` and ``20``)."""
    try:
        return parse_duration(a) == parse_duration(b)
    except DurationSyntaxError:
        return str(a).strip() == str(b).strip()


def apply_setting_option(merge: Merge, name: str, value: str) -> None:
    """``--breath``, ``--rest``, ``--lang``: a setting, as ``--set settings.NAME=`` is. It beats an
    overrides file; with ``--set settings.NAME=`` of another value, it is refused (which one meant?)."""
    check_option(name, value)
    earlier = merge.setter(("settings", name))
    if isinstance(earlier, Change) and isinstance(earlier.origin, OptionValue):
        if _same(earlier.origin.value.partition("=")[2], value):  # the same value named twice
            return
        raise OptionError(
            f"{option('set')} {earlier.origin.value} sets it too; give one of them",
            option=name, value=value,
        )
    merge.data["settings"] = {**(merge.data.get("settings") or {}), name: value}
    merge.record(("settings", name), Change(OptionValue(name, value), name, value))


def has_instead(data: Mapping[str, Any]) -> str:
    """What a routine without timed holds has instead: ``breath holds (bird), reps (heel-drops)``."""
    kinds: dict[str, list[str]] = {}
    for key, i in exercise_index(data).items():
        item = data["exercises"][i]
        kind = next((k.name for k in DOSE_KINDS if item.get(k.name) is not None), "no dose")
        if DOSES.get(kind) is not None and DOSES[kind].timed and "breath" in str(item[kind]):
            kind = "breath holds"
        kinds.setdefault(kind, []).append(key)
    return ", ".join(f"{kind} ({', '.join(ids)})" for kind, ids in kinds.items()) or "no exercises"


def apply_hold(merge: Merge, hold: str) -> None:
    """Every timed dose (a hold in seconds, timed work) set to ``hold``; breath counts are kept, and
    so is a dose set for its exercise (``--set ID.hold=``, an overrides file's entry): it beats this."""
    check_option("hold", hold)
    origin = OptionValue("hold", hold)
    data = merge.data
    timed = [kind.name for kind in DOSE_KINDS if kind.timed]
    applied, beaten = [], []
    for key, i in exercise_index(data).items():
        item = data["exercises"][i]
        dose = next((k for k in timed if item.get(k) is not None and "breath" not in str(item[k])), None)
        if dose is None:
            continue
        if ("exercises", i, dose) in merge.setters:
            merge.beaten(("exercises", i, dose), origin)
            beaten.append(key)
            continue
        data["exercises"][i] = {**item, dose: hold}
        merge.origins[("exercises", i, dose)] = origin
        applied.append(key)
    if applied:
        merge.changes.append(Change(origin, "hold", hold, applied_to=tuple(applied)))
    elif beaten:
        merge.changes.append(Change(origin, "hold", hold, nothing="each timed hold is set for its exercise"))
    else:
        merge.changes.append(Change(origin, "hold", hold, nothing=f"no timed holds here; it has {has_instead(data)}"))


OWN_KEYS = {"set_rest": "set_rest"}
"""Settings an exercise may set for itself (``settings.set_rest`` and an exercise's ``set_rest``):
the exercise's own value beats the setting, however it was given."""


def own_values(merge: Merge) -> None:
    """A changed setting names the exercises that keep their own value of it."""
    for i, change in enumerate(merge.changes):
        if change is None or change.exercise is not None or change.key not in OWN_KEYS:
            continue
        if merge.setters.get(("settings", change.key)) != i:
            continue
        own = OWN_KEYS[change.key]
        kept = tuple(
            (key, f"its own {own} {shown(merge.data['exercises'][j][own])}")
            for key, j in exercise_index(merge.data).items()
            if merge.data["exercises"][j].get(own) is not None
        )
        merge.changes[i] = replace(change, kept=kept)


