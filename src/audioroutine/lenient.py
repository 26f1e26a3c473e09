"""What a routine file may write loosely, read as it was meant: one text where a list is expected
(``instructions: Lie down.``), ``sides: both`` or ``[Left, Right]``, ``when: Pre-run``; and what it
may not, told how to write it: a range (``hold: 30-45s``, ``reps: 8-10``: pick one, keep the range
in ``dose_range``), ``3x10`` reps, a count in words, a length below zero. Pydantic's before-validators
of the model's fields."""

from __future__ import annotations

import re

from pydantic import ValidationInfo

from .durations import DurationSyntaxError, Hold, parse_duration, parse_hold

_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)(\s*[a-z]*)\s*$", re.IGNORECASE)


DOSE_FIELDS = ("hold", "work", "reps", "sets", "rounds", "window")
"""Where a range is the source's dose: kept for the record in ``dose_range``."""


def _no_range(value: object, info: ValidationInfo, unit: str) -> None:
    """``30-45s`` or ``8-10``: a range is the source's, for the record; the routine does one."""
    match = _RANGE.match(value) if isinstance(value, str) else None
    if match:
        low, high, written = match.groups()
        key = info.field_name or "it"
        keep = f", and keep the range for the record in  dose_range: {low} to {high} {unit}"
        raise ValueError(f"{value!r} is a range; pick one, like  {key}: {high}{written or ''}"
                         + (keep if key in DOSE_FIELDS else ""))


def _negative(value: object) -> bool:
    return isinstance(value, str) and value.strip().startswith("-") and value.strip()[1:2].isdigit()


def duration(value: object, info: ValidationInfo) -> float:
    _no_range(value, info, "seconds")
    if _negative(value):
        raise ValueError(f"{value!r} is below zero; a length is 0s or more, like 30s")
    try:
        return parse_duration(value)
    except DurationSyntaxError as exc:
        raise ValueError(str(exc)) from None


def hold(value: object, info: ValidationInfo) -> Hold:
    _no_range(value, info, "breaths" if "breath" in str(value) else "seconds")
    if _negative(value):
        raise ValueError(f"{value!r} must be longer than zero, like 30s")
    try:
        return parse_hold(value)
    except DurationSyntaxError as exc:
        raise ValueError(str(exc)) from None


def count(value: object, info: ValidationInfo) -> object:
    """A whole number as written (``10``, ``"10"``); a range, ``3x10`` or a word get a fix."""
    if not isinstance(value, str) or value.strip().isdigit():
        return value
    _no_range(value, info, info.field_name or "")
    sets_reps = re.fullmatch(r"\s*(\d+)\s*[x×]\s*(\d+)\s*", value, re.IGNORECASE)
    if sets_reps:
        raise ValueError(f"{value!r}: write  sets: {sets_reps[1]}  and  reps: {sets_reps[2]}  as two keys")
    raise ValueError(f"{value!r} is not a whole number; write it in digits, like 10")


def one_or_many(value: object) -> object:
    """One text where a list is expected (``instructions: Lie down.``) is a list of that one."""
    return [value] if isinstance(value, str) else value


_BOTH = ["right", "left"]
"""``sides: both``: right then left, as every built-in routine does."""


def sides(value: object) -> object:
    """``both``, ``left``, ``[Left, Right]`` or ``right, left``: sides written every unambiguous way."""
    if isinstance(value, str):
        words = [w for w in re.split(r"[\s,/]+|\band\b|\bthen\b", value.strip().lower())
                 if w and w not in ("side", "sides")]
        if words == ["both"]:
            return list(_BOTH)
        value = words or value
    if isinstance(value, list):
        return [item.strip().lower() if isinstance(item, str) else item for item in value]
    return value


def lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def when(value: object) -> object:
    """``Pre-run``, ``pre run``, ``anytime``: the three times, however written."""
    if not isinstance(value, str):
        return value
    words = re.sub(r"[\s_-]+", " ", value.strip().lower())
    return {"pre run": "pre-run", "prerun": "pre-run", "post run": "post-run", "postrun": "post-run",
            "anytime": "any time"}.get(words, words)
