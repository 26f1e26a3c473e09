"""Room to be heard: a timing that leaves a cue no time to be said is refused, with the shortest
length that works.

- Inside a timed stretch (a hold, reps, a flow), each cue spoken in it must end before the next
  one starts, and the last before the stretch ends (:func:`stretch_problems`, run by
  ``timeline.build_timeline`` on every stretch with the lengths it is given: estimates at planning,
  so ``validate`` and ``show`` refuse it with no audio work; the clips' exact lengths at build,
  so a real overlap the estimate missed is refused before anything is mixed).
- A length said aloud must not be said as zero ("Hold for zero seconds"), and a breath the routine
  counts must have room for "breathe in" and "breathe out" (:func:`length_problems`, at planning).

The shortest length that works is computed: the cues inside a stretch sit at offsets proportional
to the breath (breath cues, a flow's poses) or to a rep's parts (``rep_time``, ``lower``), so the
shortest is the current value times the largest ratio of a cue's length to its room.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    from .model import Routine
    from .script import Silence
    from .templates import CueTemplates

SAID_STEP_S = 0.1
"""Lengths are said to a tenth of a second (``templates.duration_parts``): under half of it is "zero"."""
GOVERNED_BY = {"breath": "breath", "pose": "breath", "rep": "rep_time", "tempo": "lower"}
"""The length that spaces each kind of cue spoken inside a stretch."""
ROUTINE_WIDE = frozenset({"breath", "rest"})
"""Settings of the whole routine: their shortest is the largest any exercise needs."""


@dataclass(frozen=True)
class Problem:
    """One cue without room: in which exercise, what happens, and which length would fix it."""

    exercise: str | None
    what: str
    field: str | None = None
    """The length to make longer (``breath``, ``rep_time``, ``hold``…); None when no length can."""
    shortest: float | None = None
    """Seconds: the shortest ``field`` that works."""


class NoRoom(InputError):
    """A timing that leaves a cue no room to be heard (exit 2)."""

    def __init__(self, problems: Sequence[Problem], path: Path | None = None) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        where = f"exercise {first.exercise!r}" if first.exercise else "the routine"
        message = f"{where}: {first.what}"
        if first.field is not None and first.shortest is not None:
            same = [p.shortest for p in self.problems if p.field == first.field and p.shortest is not None
                    and (first.field in ROUTINE_WIDE or p.exercise == first.exercise)]
            message += f"; the shortest {first.field} that works is {_seconds(_round_up(max(same)))}"
        others = len({p.exercise for p in self.problems} - {first.exercise})
        if others:
            message += f" (and cues of {others} more exercise{'s' if others > 1 else ''})"
        super().__init__(f"{path}: {message}" if path is not None else message,
                         hint=None if first.field else "shorten the cue's template, or leave the cue out")


def _round_up(seconds: float) -> float:
    return math.ceil(round(seconds / SAID_STEP_S, 6)) * SAID_STEP_S


def _seconds(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


def stretch_problems(silence: Silence, starts: Sequence[int], lengths: Sequence[int], end: int, breath: float,
                     rate: int) -> list[Problem]:
    """The cues spoken inside one stretch (at ``starts``, lasting ``lengths`` samples, in order)
    that run into the next cue or past the stretch's ``end``."""
    problems: list[Problem] = []
    for i, overlay in enumerate(silence.overlays):
        room = (starts[i + 1] if i + 1 < len(starts) else end) - starts[i]
        if lengths[i] <= room:
            continue
        field = GOVERNED_BY.get(overlay.kind)
        value = breath if field == "breath" else room / rate
        said = overlay.text or f"{overlay.chime} chime"
        text = f"{said!r} ({_seconds(lengths[i] / rate)}) has {_seconds(max(room, 0) / rate)} to be said"
        if field is None:
            what = f"{text} before the next cue of the {silence.kind}"
            problems.append(Problem(overlay.where.exercise_name, what))
            continue
        shortest = max((n / r * (breath if field == "breath" else r / rate)
                        for o, n, r in _rooms(silence, starts, lengths, end) if GOVERNED_BY.get(o.kind) == field),
                       default=0.0)
        what = f"at {field} {_seconds(value)}, {text}"
        problems.append(Problem(overlay.where.exercise_name, what, field, shortest))
    return problems


def _rooms(silence: Silence, starts: Sequence[int], lengths: Sequence[int], end: int):
    for i, overlay in enumerate(silence.overlays):
        room = (starts[i + 1] if i + 1 < len(starts) else end) - starts[i]
        yield overlay, lengths[i], max(room, 1)


def _said_lengths(routine: Routine) -> list[tuple[str | None, str, float]]:
    """Every length the routine says aloud: (exercise, field, seconds)."""
    said: list[tuple[str | None, str, float]] = []
    if len(routine.exercises) > 1 and routine.settings.rest:
        said.append((None, "rest", routine.settings.rest))
    for exercise in routine.exercises:
        if exercise.rest_after:
            said.append((exercise.name, "rest_after", exercise.rest_after))
        if exercise.hold is not None and exercise.hold.seconds is not None:
            said.append((exercise.name, "hold", exercise.hold.seconds))
        for field in ("work", "window", "relax"):
            if getattr(exercise, field) is not None:
                said.append((exercise.name, field, getattr(exercise, field)))
        set_rest = exercise.set_rest if exercise.set_rest is not None else routine.settings.set_rest
        if exercise.sets > 1 and set_rest:
            said.append((exercise.name, "set_rest", set_rest))
    return said


def length_problems(routine: Routine, templates: CueTemplates, speech_length: Callable[[str], int],
                    rate: int) -> list[Problem]:
    """Lengths said as zero, and a breath too short for its breath cues (when the routine counts
    breaths), with ``speech_length`` giving a phrase's samples (planning's estimate)."""
    problems = [
        Problem(exercise, f'{field} {_seconds(seconds)} is said as "zero seconds"', field, SAID_STEP_S)
        for exercise, field, seconds in _said_lengths(routine)
        if round(seconds, 1) == 0
    ]
    counted = [e for e in routine.exercises if e.flow or (e.hold is not None and e.hold.breaths is not None)]
    if counted:
        breath = routine.settings.breath
        cues = [templates.render(name, breath=1) for name in ("breathe_in", "breathe_out")]
        longest = max((speech_length(text), text) for text in cues if text) if any(cues) else None
        if longest is not None and longest[0] / rate > breath / 2:
            what = (f"at breath {_seconds(breath)}, half a breath has no room for {longest[1]!r} "
                    f"({_seconds(longest[0] / rate)})")
            problems.append(Problem(counted[0].name, what, "breath", 2 * longest[0] / rate))
    return problems
