"""Render a routine through the cue templates into a script: the ordered cues of the audio.

A script is a list of segments played one after another (speech, chimes, timed silences);
a timed silence (a hold, rest, reps or flow) carries overlays: short cues spoken at exact
offsets inside it (countdown numbers, rep counts, callouts, breath cues, flow poses).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from .model import Exercise, Routine, Settings, Variation
from .templates import CueTemplates

MIN_CALLOUT_GAP_S = 4.0
"""Callouts closer than this to another spoken cue inside a hold are left out."""


@dataclass(frozen=True)
class Where:
    """Which part of the routine a cue belongs to."""

    exercise: str | None = None
    exercise_name: str | None = None
    side: str | None = None
    set: int | None = None
    rep: int | None = None
    variation: str | None = None


@dataclass(frozen=True)
class Speech:
    text: str
    where: Where = Where()
    kind: str = "speech"


@dataclass(frozen=True)
class Chime:
    which: str  # "start" or "end"
    where: Where = Where()
    kind: str = "chime"


@dataclass(frozen=True)
class Overlay:
    """A cue spoken at ``offset`` seconds into the silence that holds it."""

    offset: float
    text: str
    kind: str
    where: Where = Where()


@dataclass(frozen=True)
class Silence:
    """A timed stretch: exactly ``seconds`` long, whatever is spoken inside it."""

    seconds: float
    kind: str  # hold, work, rest, settle, switch, reps, flow
    where: Where = Where()
    overlays: tuple[Overlay, ...] = ()


Segment = Speech | Chime | Silence


@dataclass(frozen=True)
class Script:
    segments: tuple[Segment, ...]
    settings: Settings
    titles: dict[str, str] = field(default_factory=dict)
    """Exercise id to exercise name, in order: the chapters."""

    def phrases(self) -> list[str]:
        """Every distinct text spoken, in order of first use."""
        seen: dict[str, None] = {}
        for segment in self.segments:
            if isinstance(segment, Speech):
                seen.setdefault(segment.text)
            elif isinstance(segment, Silence):
                for overlay in segment.overlays:
                    seen.setdefault(overlay.text)
        return list(seen)


class _Writer:
    def __init__(self, routine: Routine, templates: CueTemplates, total_seconds: float) -> None:
        self.routine = routine
        self.settings = routine.settings
        self.t = templates
        self.total_seconds = total_seconds

    def say(self, template: str, where: Where = Where(), kind: str = "speech", **ctx) -> Iterator[Speech]:
        text = self.t.render(template, **ctx)
        if text:
            yield Speech(text, where, kind)

    def overlay(self, offset: float, template: str, kind: str, where: Where, **ctx) -> list[Overlay]:
        text = self.t.render(template, **ctx)
        return [Overlay(round(offset, 6), text, kind, where)] if text else []

    def countdown(self, seconds: float, where: Where) -> list[Overlay]:
        n = self.settings.countdown
        if n == 0 or seconds < n + 1:
            return []
        return [
            o for k in range(n, 0, -1)
            for o in self.overlay(seconds - k, "count", "count", where, number=k)
        ]

    def timed(self, seconds: float, kind: str, where: Where, counted: bool = True,
              extra: list[Overlay] | None = None) -> Silence:
        overlays = list(extra or [])
        if counted:
            overlays += self.countdown(seconds, where)
        overlays.sort(key=lambda o: o.offset)
        return Silence(seconds, kind, where, tuple(overlays))

    # -- doses ------------------------------------------------------------------------------

    def callouts(self, seconds: float, where: Where) -> list[Overlay]:
        """ "Halfway" and "… seconds left" on long timed holds, clear of the countdown."""
        if not self.settings.callouts or seconds < self.settings.callout_min_hold:
            return []
        found: list[Overlay] = []
        taken = [seconds - k for k in range(self.settings.countdown, 0, -1)] or [seconds]
        wanted = [(seconds / 2, "halfway", {})]
        left = self.settings.time_left
        if left < seconds:
            wanted.append((seconds - left, "time_left", {"seconds": left}))
        for offset, template, ctx in wanted:
            if all(abs(offset - t) >= MIN_CALLOUT_GAP_S for t in taken):
                found += self.overlay(offset, template, "callout", where, **ctx)
                taken.append(offset)
        return found

    def work(self, exercise: Exercise, where: Where, last: bool) -> Iterator[Segment]:
        yield from self.say("work", where, seconds=exercise.work, exercise=exercise)
        yield self.timed(exercise.work, "work", where, extra=self.callouts(exercise.work, where))
        yield from self.say("work_end", where, last=last)

    def hold(self, exercise: Exercise, where: Where, last: bool) -> Iterator[Segment]:
        hold = exercise.hold
        seconds = hold.length(self.settings.breath)
        yield from self.say("hold", where, hold=hold, exercise=exercise)
        extra: list[Overlay] = []
        if hold.breaths is not None:
            if self.settings.breath_cues:
                half = self.settings.breath / 2
                for b in range(hold.breaths):
                    start = b * self.settings.breath
                    extra += self.overlay(start, "breathe_in", "breath", where, breath=b + 1)
                    extra += self.overlay(start + half, "breathe_out", "breath", where, breath=b + 1)
            yield self.timed(seconds, "hold", where, counted=False, extra=extra)
        else:
            yield self.timed(seconds, "hold", where, extra=self.callouts(seconds, where))
        yield from self.say("hold_end", where, last=last)

    def reps(self, exercise: Exercise, where: Where) -> Iterator[Segment]:
        reps = exercise.reps
        if exercise.rep_time is None:
            window = exercise.window or 3.0 * reps
            yield from self.say("reps_own_pace", where, reps=reps, window=window, exercise=exercise)
            yield self.timed(window, "reps", where)
        else:
            cycle = exercise.rep_time + (exercise.lower or 0.0)
            yield from self.say("reps_counted", where, reps=reps, lower=exercise.lower, exercise=exercise)
            extra: list[Overlay] = []
            for k in range(reps):
                rep_where = replace(where, rep=k + 1)
                extra += self.overlay(k * cycle, "rep", "rep", rep_where, number=k + 1, reps=reps)
                if exercise.lower:
                    extra += self.overlay(k * cycle + exercise.rep_time, "lower", "tempo", rep_where)
            yield self.timed(cycle * reps, "reps", where, counted=False, extra=extra)
        yield from self.say("reps_end", where)

    def flow(self, exercise: Exercise, where: Where) -> Iterator[Segment]:
        yield from self.say("flow", where, rounds=exercise.rounds, exercise=exercise)
        for r in range(1, exercise.rounds + 1):
            round_where = replace(where, rep=r)
            if exercise.rounds > 1:
                yield from self.say("flow_round", round_where, number=r, rounds=exercise.rounds)
            offset, extra = 0.0, []
            for step in exercise.flow:
                extra += self.overlay(offset, "flow_step", "pose", round_where, step=step)
                offset += step.breaths * self.settings.breath
            yield self.timed(offset, "flow", round_where, counted=False, extra=extra)

    def dose(self, exercise: Exercise, where: Where, last: bool) -> Iterator[Segment]:
        if exercise.hold is not None:
            yield from self.hold(exercise, where, last)
        elif exercise.work is not None:
            yield from self.work(exercise, where, last)
        elif exercise.reps is not None:
            yield from self.reps(exercise, where)
        else:
            yield from self.flow(exercise, where)

    # -- structure --------------------------------------------------------------------------

    def exercise(self, number: int, exercise: Exercise) -> Iterator[Segment]:
        s = self.settings
        base = Where(exercise=exercise.key, exercise_name=exercise.name)
        if s.chimes:
            yield Chime("start", base)
        yield from self.say("exercise", base, exercise=exercise, number=number,
                            count=len(self.routine.exercises))
        if s.settle:
            yield Silence(s.settle, "settle", base)
        variations: list[Variation | None] = list(exercise.variations or [None])
        sides = list(exercise.sides or [None])
        for set_number in range(1, exercise.sets + 1):
            set_where = replace(base, set=set_number if exercise.sets > 1 else None)
            if exercise.sets > 1:
                yield from self.say("set", set_where, number=set_number, sets=exercise.sets)
            for v_index, variation in enumerate(variations):
                v_where = replace(set_where, variation=variation.name if variation else None)
                if variation is not None:
                    yield from self.say("variation", v_where, variation=variation,
                                        first=v_index == 0, exercise=exercise)
                    if s.settle and v_index > 0:
                        yield Silence(s.settle, "settle", v_where)
                for s_index, side in enumerate(sides):
                    where = replace(v_where, side=side)
                    if side is not None:
                        yield from self.say("side", where, side=side, label=exercise.side_label,
                                            first=s_index == 0)
                        if s_index > 0 and s.switch:
                            yield Silence(s.switch, "switch", where)
                    last = (set_number == exercise.sets and v_index == len(variations) - 1
                            and s_index == len(sides) - 1)
                    yield from self.dose(exercise, where, last)
            if set_number < exercise.sets:
                rest = exercise.set_rest if exercise.set_rest is not None else s.set_rest
                if rest:
                    yield from self.say("set_rest", set_where, seconds=rest)
                    yield self.timed(rest, "rest", set_where)
        if s.chimes:
            yield Chime("end", base)

    def segments(self) -> Iterator[Segment]:
        routine = self.routine
        equipment = list(routine.equipment)
        yield from self.say("intro", routine=routine, exercises=routine.exercises,
                            equipment=equipment, total_seconds=self.total_seconds)
        for number, exercise in enumerate(routine.exercises, start=1):
            if number > 1 and self.settings.rest:
                yield from self.say("next", exercise=exercise, seconds=self.settings.rest)
                yield self.timed(self.settings.rest, "rest", Where())
            yield from self.exercise(number, exercise)
        yield from self.say("outro", routine=routine)


def render_script(routine: Routine, templates: CueTemplates, total_seconds: float = 0.0) -> Script:
    """The script of a routine. ``total_seconds`` is the length the intro announces."""
    segments = tuple(_Writer(routine, templates, total_seconds).segments())
    titles = {exercise.key: exercise.name for exercise in routine.exercises}
    return Script(segments, routine.settings, titles)
