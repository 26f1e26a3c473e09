"""Durations and holds as runners write them: ``45s``, ``1m30s``, ``2 min``, ``6 breaths``."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_UNITS = {
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "ms": 0.001,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)?\s*")
_BREATHS = re.compile(r"^(\d+)\s*(?:breath|breaths)$")
EXAMPLES = "45s, 1m30s, 2 min, 1.5 minutes"


class DurationSyntaxError(ValueError):
    """The text is not a duration; the message says what would be."""


def parse_duration(value: object) -> float:
    """Seconds in a duration such as ``45s``, ``1m30s``, ``2 min`` or a bare number of seconds.

    >>> parse_duration("1m30s")
    90.0
    """
    if isinstance(value, bool):
        raise DurationSyntaxError(f"expected a duration such as {EXAMPLES}, got {value!r}")
    if isinstance(value, int | float):
        try:
            return _finite(float(value), value)
        except OverflowError:  # an integer past float's range
            return _finite(math.inf, value)
    if not isinstance(value, str):
        raise DurationSyntaxError(f"expected a duration such as {EXAMPLES}, got {value!r}")
    text = value.strip().lower()
    if not text:
        raise DurationSyntaxError(f"expected a duration such as {EXAMPLES}, got an empty text")
    total, pos, units_seen = 0.0, 0, []
    while pos < len(text):
        match = _PART.match(text, pos)
        if not match or match.end() == pos:
            raise DurationSyntaxError(f"{value!r} is not a duration; write it like {EXAMPLES}")
        number, unit = match.groups()
        if unit is None:
            if units_seen or match.end() != len(text):
                raise DurationSyntaxError(f"{value!r} needs a unit after {number}, like {EXAMPLES}")
            unit = "s"
        if unit not in _UNITS:
            raise DurationSyntaxError(
                f"{value!r} has an unknown unit {unit!r}; use s, min or h, like {EXAMPLES}"
            )
        units_seen.append(unit)
        total += float(number) * _UNITS[unit]
        pos = match.end()
    return _finite(total, value)


def _finite(seconds: float, value: object) -> float:
    """``seconds``, unless it is not a number (``.nan``) or endless (``.inf``, ``1e999``)."""
    if math.isfinite(seconds):
        return seconds
    shown = "a value that is not a number" if math.isnan(seconds) else "a number too large to be one"
    raise DurationSyntaxError(f"expected a duration such as {EXAMPLES}, got {shown} ({str(value)[:12]})")


@dataclass(frozen=True)
class Hold:
    """How long a position is held: a number of seconds, or a number of breaths."""

    seconds: float | None = None
    breaths: int | None = None

    def __post_init__(self) -> None:
        if (self.seconds is None) == (self.breaths is None):
            raise ValueError("a hold is either seconds or breaths")

    def length(self, breath: float) -> float:
        """The hold's length in seconds, given the length of one breath."""
        return self.seconds if self.seconds is not None else self.breaths * breath

    def scaled(self, factor: float) -> Hold:
        """Timed holds stretch with the factor; breath counts keep their count (breaths stretch)."""
        return Hold(seconds=self.seconds * factor) if self.seconds is not None else self

    def __str__(self) -> str:
        if self.breaths is not None:
            return f"{self.breaths} breath" + ("" if self.breaths == 1 else "s")
        return format_duration(self.seconds)


def parse_hold(value: object) -> Hold:
    """A hold written as a duration (``45s``) or in breaths (``6 breaths``)."""
    if isinstance(value, Hold):
        return value
    if isinstance(value, str):
        match = _BREATHS.match(value.strip().lower())
        if match:
            return Hold(breaths=int(match.group(1)))
    try:
        return Hold(seconds=parse_duration(value))
    except DurationSyntaxError as exc:
        raise DurationSyntaxError(f"{exc} (or in breaths, like 6 breaths)") from None


def format_duration(seconds: float) -> str:
    """The short written form used in files and on the console: ``1m30s``, ``45s``, ``2.5s``."""
    whole = round(seconds, 3)
    minutes, rest = divmod(whole, 60)
    rest = round(rest, 3)
    text_rest = f"{rest:g}s" if rest else ""
    if minutes:
        return f"{int(minutes)}m{text_rest}"
    return text_rest or "0s"


def whole_seconds(seconds: float) -> int:
    """A length in whole seconds, rounded half up: the one rounding of every length shown or
    said (``mmss``, ``spoken_minutes``, the feed's duration)."""
    return math.floor(seconds + 0.5)


def spoken_minutes(seconds: float) -> int:
    """The minutes the intro says ("about twenty minutes"): the shown ``mm:ss`` rounded half
    up to a minute, so 19:29 is nineteen and 19:30 twenty."""
    return (whole_seconds(seconds) + 30) // 60


def mmss(seconds: float) -> str:
    """``mm:ss`` for every length shown: console, cue sheet sidecars, tags, cover and share
    page (``h:mm:ss`` past an hour); whole seconds as ``whole_seconds`` rounds them."""
    total = whole_seconds(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
