"""The intro says the routine's real length: lay the script out with the lengths known, render
the intro again with the total, and lay it out again until the words and the total agree.

The intro's own length is part of the total, so saying another number of minutes can move the
total over a minute's boundary. When saying either of two minutes makes the total round to the
other, the longer is said and the routine ends with the little silence that makes it true (less
than the difference between the two intros).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .constants import SAMPLE_RATE
from .durations import spoken_minutes
from .model import Routine
from .script import Script, render_script
from .templates import CueTemplates
from .timeline import Timeline, build_timeline

MAX_ROUNDS = 4
"""Layouts tried before settling: the totals of two intros differ by well under a minute, so
the minutes said converge (or alternate between two) within three."""

Length = Callable[[str], int]


@dataclass(frozen=True)
class Settled:
    """A script whose intro says its timeline's length (to the minute, as ``mmss`` rounds)."""

    script: Script
    timeline: Timeline


def minute_start(minutes: int, rate: int = SAMPLE_RATE) -> int:
    """The fewest samples whose length is said as ``minutes`` (19:30 for twenty)."""
    return max(0, math.ceil((60 * minutes - 30.5) * rate))


def settle(routine: Routine, templates: CueTemplates, script: Script, speech_length: Length,
           chime_length: Length, *, check: bool = True) -> Settled:
    """``script`` with its intro re-rendered until it says the length of its own timeline laid
    out with ``speech_length`` (the clips' real lengths in a build; the cached ones, or an
    estimate, in ``show``). ``check`` as in ``build_timeline``."""
    tried: dict[int, Script] = {}
    for _ in range(MAX_ROUNDS):
        said = spoken_minutes(script.total_seconds)
        tried.setdefault(said, script)
        timeline = build_timeline(script, speech_length, chime_length, check=check)
        real = spoken_minutes(timeline.seconds)
        if real == said:
            return Settled(script, timeline)
        again = render_script(routine, templates, total_seconds=timeline.seconds)
        if again.segments == script.segments:  # the words do not say the length
            return Settled(again, timeline)
        if real in tried:
            break
        script = again
    final = max(real, said)
    script = tried.get(final) or render_script(routine, templates, total_seconds=timeline.seconds)
    timeline = build_timeline(script, speech_length, chime_length, check=check,
                              at_least=minute_start(final, timeline.rate))
    return Settled(script, timeline)
