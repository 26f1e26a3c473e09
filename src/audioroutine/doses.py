"""Doses (hold, work, reps, flow, relax) as one table: what each kind of dose is, everywhere it matters.

An exercise has exactly one dose. For each kind the table says which keys go with it, what the
hold option and a scale factor change, how it is written into the script, and how the cue sheet
and the tags sum it up. The model's validator, the overrides, the scaling and the script writer
read this table; adding a kind of dose starts here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .durations import format_duration

if TYPE_CHECKING:
    from .model import Exercise
    from .script import Overlay, ScriptWriter, Segment, Where

Summary = dict[str, Any]
Writer = Callable[["ScriptWriter", "Exercise", "Where", bool], Iterator["Segment"]]


@dataclass(frozen=True)
class DoseKind:
    """One kind of dose."""

    name: str
    """The exercise's key that holds the dose (``hold: 30s``)."""
    hint: str
    """How it is written, for the message about an exercise with no dose."""
    write: Writer
    """Writes the dose into the script: ``write(writer, exercise, where, last)``."""
    scale: Callable[[Exercise, float], dict[str, Any]]
    """The exercise's fields stretched by a scale factor (counts keep their count)."""
    summary: Callable[[Exercise, float], Summary]
    """The cue sheet's fields for the dose, given the length of one breath."""
    label: Callable[[Mapping[str, Any]], str | None]
    """The dose in a few words, from its cue sheet summary (None: the summary is not of this kind)."""
    companions: tuple[str, ...] = ()
    """Keys that go only with this dose; a new dose replaces them with the old one."""
    timed: bool = False
    """The hold option sets its length (a hold counted in breaths keeps its count)."""
    check: Callable[[Exercise], None] | None = None
    """Rules within the dose; raises ValueError with the message."""


# ---------------------------------------------------------------------------- writing the script


def _write_hold(w: ScriptWriter, exercise: Exercise, where: Where, last: bool) -> Iterator[Segment]:
    hold = exercise.hold
    seconds = hold.length(w.settings.breath)
    yield from w.opening("hold", where, hold=hold, exercise=exercise)
    extra: list[Overlay] = []
    if hold.breaths is not None:
        if w.settings.breath_cues:
            half = w.settings.breath / 2
            for b in range(hold.breaths):
                start = b * w.settings.breath
                extra += w.overlay(start, "breathe_in", "breath", where, breath=b + 1)
                extra += w.overlay(start + half, "breathe_out", "breath", where, breath=b + 1)
        yield w.timed(seconds, "hold", where, counted=False, extra=extra)
    else:
        yield w.timed(seconds, "hold", where, extra=w.callouts(seconds, where))
    yield from w.ending("hold_end", where, last=last)


def _write_work(w: ScriptWriter, exercise: Exercise, where: Where, last: bool) -> Iterator[Segment]:
    yield from w.opening("work", where, seconds=exercise.work, exercise=exercise)
    yield w.timed(exercise.work, "work", where, extra=w.callouts(exercise.work, where))
    yield from w.ending("work_end", where, last=last)


def _write_reps(w: ScriptWriter, exercise: Exercise, where: Where, last: bool) -> Iterator[Segment]:
    reps = exercise.reps
    if exercise.rep_time is None:
        window = exercise.window or 3.0 * reps
        yield from w.opening("reps_own_pace", where, reps=reps, window=window, exercise=exercise)
        yield w.timed(window, "reps", where)
    else:
        cycle = exercise.rep_time + (exercise.lower or 0.0)
        yield from w.opening("reps_counted", where, reps=reps, lower=exercise.lower, exercise=exercise)
        extra: list[Overlay] = []
        for k in range(reps):
            rep_where = replace(where, rep=k + 1)
            extra += w.overlay(k * cycle, "rep", "rep", rep_where, number=k + 1, reps=reps)
            if exercise.lower and not (w.brief and w.settings.cues == "brief"):  # brief: said the first time
                extra += w.overlay(k * cycle + exercise.rep_time, "lower", "tempo", rep_where)
        yield w.timed(cycle * reps, "reps", where, counted=False, extra=extra)
    yield from w.ending("reps_end", where, last=last, rest=w.rest_ahead)


def _write_flow(w: ScriptWriter, exercise: Exercise, where: Where, last: bool) -> Iterator[Segment]:
    yield from w.opening("flow", where, rounds=exercise.rounds, exercise=exercise)
    for r in range(1, exercise.rounds + 1):
        round_where = replace(where, rep=r)
        if exercise.rounds > 1:
            yield from w.say("flow_round", round_where, number=r, rounds=exercise.rounds)
        offset, extra = 0.0, []
        for step in exercise.flow:
            extra += w.overlay(offset, "flow_step", "pose", round_where, step=step,
                               brief=w.settings.cues != "full" and (w.again or r > 1))
            offset += step.breaths * w.settings.breath
        yield w.timed(offset, "flow", round_where, counted=False, extra=extra)


def _write_relax(w: ScriptWriter, exercise: Exercise, where: Where, last: bool) -> Iterator[Segment]:
    """Stillness: a gentle opening, silence (no countdown, no callouts, no reminders), a gentle return."""
    yield from w.say("relax", where, seconds=exercise.relax, exercise=exercise)
    yield w.timed(exercise.relax, "relax", where, counted=False)
    yield from w.say("relax_end", where, last=last)


# ---------------------------------------------------------------------------- rules within a dose


def _check_reps(exercise: Exercise) -> None:
    if exercise.rep_time is not None and exercise.window is not None:
        raise ValueError("reps are either counted (rep_time) or at your own pace (window)")
    if exercise.lower is not None and exercise.rep_time is None:
        raise ValueError("lower needs rep_time, the time of the lifting part")


def _check_relax(exercise: Exercise) -> None:
    if exercise.sides or exercise.sets > 1 or exercise.variations:
        raise ValueError("relax is one stretch of stillness: sides, sets and variations go with other doses")


def _stretched(value: float | None, factor: float) -> float | None:
    return value * factor if value is not None else None


# ---------------------------------------------------------------------------- the table

DOSE_KINDS: tuple[DoseKind, ...] = (
    DoseKind(
        name="hold", hint="hold (like 30s or 6 breaths)", write=_write_hold, timed=True,
        scale=lambda e, factor: {"hold": e.hold.scaled(factor)},
        summary=lambda e, breath: {"hold": str(e.hold), "hold_s": round(e.hold.length(breath), 3)},
        label=lambda s: s.get("hold"),
    ),
    DoseKind(
        name="work", hint="work (like 1m)", write=_write_work, timed=True,
        scale=lambda e, factor: {"work": e.work * factor},
        summary=lambda e, breath: {"work_s": round(e.work, 3)},
        label=lambda s: None,  # the tags' one-line summary has never named timed work
    ),
    DoseKind(
        name="reps", hint="reps", write=_write_reps, companions=("rep_time", "lower", "window"),
        scale=lambda e, factor: {"window": _stretched(e.window, factor)},
        summary=lambda e, breath: {"reps": e.reps},
        label=lambda s: f"{s['reps']} reps" if "reps" in s else None,
        check=_check_reps,
    ),
    DoseKind(
        name="flow", hint="flow", write=_write_flow,
        scale=lambda e, factor: {},  # poses are paced by the breath, which stretches with the settings
        summary=lambda e, breath: {"flow_steps": len(e.flow), "rounds": e.rounds},
        label=lambda s: f"{s['rounds']} x {s['flow_steps']} steps" if "flow_steps" in s else None,
    ),
    DoseKind(
        name="relax", hint="relax (like 2m)", write=_write_relax, check=_check_relax,
        scale=lambda e, factor: {"relax": e.relax * factor},
        summary=lambda e, breath: {"relax_s": round(e.relax, 3)},
        label=lambda s: f"relax {format_duration(s['relax_s'])}" if "relax_s" in s else None,
    ),
)
DOSES: dict[str, DoseKind] = {kind.name: kind for kind in DOSE_KINDS}
"""Each kind of dose by its key."""


def dose_keys() -> tuple[str, ...]:
    """Every key that makes up a dose: the doses' own and their companions."""
    return tuple(key for kind in DOSE_KINDS for key in (kind.name, *kind.companions))


def dose_of(exercise: Exercise) -> DoseKind:
    """The kind of the exercise's dose (a validated exercise has exactly one)."""
    return next(kind for kind in DOSE_KINDS if getattr(exercise, kind.name) is not None)


def check_dose(exercise: Exercise) -> None:
    """One dose, with only its own keys; a ValueError says what is wrong."""
    doses = [kind for kind in DOSE_KINDS if getattr(exercise, kind.name) is not None]
    if not doses:
        hints = [kind.hint for kind in DOSE_KINDS]
        raise ValueError(f"needs a dose: {', '.join(hints[:-1])}, or {hints[-1]}")
    if len(doses) > 1:
        raise ValueError(f"has more than one dose ({' and '.join(k.name for k in doses)}); choose one")
    for kind in DOSE_KINDS:
        for key in kind.companions:
            if getattr(exercise, key) is not None and kind is not doses[0]:
                raise ValueError(f"{key} goes with {kind.name}")
    if doses[0].check is not None:
        doses[0].check(exercise)


def dose_summary(exercise: Exercise, breath: float) -> Summary:
    """The cue sheet's summary of an exercise's dose: sets, the dose's own fields, sides, variations."""
    summary: Summary = {"sets": exercise.sets, **dose_of(exercise).summary(exercise, breath)}
    if exercise.sides:
        summary["sides"] = list(exercise.sides)
    if exercise.variations:
        summary["variations"] = [v.name for v in exercise.variations]
    return summary


def dose_label(name: str, summary: Mapping[str, Any]) -> str:
    """One line for the tags: ``Calf stretch: 2 sets, 30s, sides right/left``."""
    parts = []
    if summary.get("sets", 1) > 1:
        parts.append(f"{summary['sets']} sets")
    for kind in DOSE_KINDS:
        label = kind.label(summary)
        if label is not None:
            parts.append(label)
    if summary.get("sides"):
        parts.append("sides " + "/".join(summary["sides"]))
    return f"{name}: {', '.join(parts) or '-'}"
