"""Render a routine through the cue templates into a script: the ordered cues of the audio.

A script is a list of segments played one after another (speech, chimes, timed silences);
a timed silence (a hold, rest, reps, flow or relaxation) carries overlays: short cues spoken at exact
offsets inside it (countdown numbers, rep counts, callouts, breath cues, flow poses).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from .doses import dose_of
from .limits import check_phrase
from .model import Exercise, Routine, Settings, Variation
from .templates import CueTemplates

MIN_CALLOUT_GAP_S = 4.0
"""Callouts (and reminders) closer than this to another spoken cue inside a hold are left out."""
CHIMED = {"count": "tick", "rep": "tick", "lower": "tock"}
"""The cues said as a chime when the routine's cues are ``chimes``, and the chime."""


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
    which: str  # one of chimes.CHIMES: "start", "end", "go", "stop"
    where: Where = Where()
    kind: str = "chime"


@dataclass(frozen=True)
class Overlay:
    """A cue spoken (or, with ``chime``, chimed: ``text`` is None) at ``offset`` seconds into the
    silence that holds it."""

    offset: float
    text: str | None
    kind: str
    where: Where = Where()
    chime: str | None = None


@dataclass(frozen=True)
class Silence:
    """A timed stretch: exactly ``seconds`` long, whatever is spoken inside it."""

    seconds: float
    kind: str  # hold, work, rest, settle, switch, reps, flow, relax
    where: Where = Where()
    overlays: tuple[Overlay, ...] = ()


Segment = Speech | Chime | Silence


@dataclass(frozen=True)
class Script:
    segments: tuple[Segment, ...]
    settings: Settings
    titles: dict[str, str] = field(default_factory=dict)
    """Exercise id to exercise name, in order: the chapters."""
    total_seconds: float = 0.0
    """The routine's length the intro says (``announce`` makes it the real one)."""
    says_length: tuple[str, ...] = ()
    """The phrases that say the routine's length (the intro): they change with it."""

    def phrases(self) -> list[str]:
        """Every distinct text spoken, in order of first use."""
        return list(self.phrase_places())

    def phrase_places(self) -> dict[str, Where]:
        """Every distinct text spoken, in order of first use, with where it is first said."""
        seen: dict[str, Where] = {}
        for segment in self.segments:
            if isinstance(segment, Speech):
                seen.setdefault(segment.text, segment.where)
            elif isinstance(segment, Silence):
                for overlay in segment.overlays:
                    if overlay.text is not None:
                        seen.setdefault(overlay.text, overlay.where)
        return seen


class ScriptWriter:
    """Writes a routine's segments; the doses' own writers (``doses.py``) use its helpers."""

    def __init__(self, routine: Routine, templates: CueTemplates, total_seconds: float) -> None:
        self.routine = routine
        self.settings = routine.settings
        self.t = templates
        self.total_seconds = total_seconds
        self.intro: list[str] = []
        """The intro's words, once written."""
        self.rest_ahead = 0.0
        """The rest that comes right after the dose being written (0: none): a dose's last cue
        may announce it (``reps_end``: "And rest for forty-five seconds.")."""
        self.again = False
        """The exercise's dose was said before: a later side, variation or set (``exercise``)."""

    @property
    def brief(self) -> bool:
        """Say a dose's words briefly: the routine's cues are brief or chimes, and it was said before."""
        return self.settings.cues != "full" and self.again

    def say(self, template: str, where: Where = Where(), kind: str = "speech", **ctx) -> Iterator[Speech]:
        text = check_phrase(self.t.render(template, **ctx), where, template)
        if text:
            yield Speech(text, where, kind)

    def overlay(self, offset: float, template: str, kind: str, where: Where, **ctx) -> list[Overlay]:
        if self.settings.cues == "chimes" and template in CHIMED:
            return [Overlay(round(offset, 6), None, kind, where, chime=CHIMED[template])]
        text = check_phrase(self.t.render(template, **ctx), where, template)
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

    # -- doses (written by the table in doses.py) -------------------------------------------

    def opening(self, template: str, where: Where, **ctx) -> Iterator[Segment]:
        """A dose's opening words (``brief`` tells the template it was said before, ``chimes`` that
        counts are ticks); with chimes for cues, a hold or timed work starts with the ``go`` chime instead."""
        if self.settings.cues == "chimes" and template in ("hold", "work"):
            yield Chime("go", where)
        else:
            yield from self.say(template, where, brief=self.brief, chimes=self.settings.cues == "chimes", **ctx)

    def ending(self, template: str, where: Where, **ctx) -> Iterator[Segment]:
        """The word that ends a dose ("Release."); with chimes for cues, the ``stop`` chime."""
        if self.settings.cues == "chimes":
            yield Chime("stop", where)
        else:
            yield from self.say(template, where, **ctx)

    def callouts(self, seconds: float, where: Where) -> list[Overlay]:
        """ "Halfway" and "… seconds left" on long timed holds (none with chimes for cues), or the
        time left every ``remind`` seconds when the hold is at least twice that; clear of the countdown."""
        remind = self.settings.remind
        if remind is not None and seconds >= 2 * remind:
            lefts = [remind * k for k in range(int(seconds // remind), 0, -1) if seconds - remind * k >= remind]
            wanted = [(seconds - left, "time_left", {"seconds": left}) for left in lefts]
        elif self.settings.cues == "chimes" or not self.settings.callouts or seconds < self.settings.callout_min_hold:
            return []
        else:
            wanted = [(seconds / 2, "halfway", {})]
            if self.settings.time_left < seconds:
                wanted.append((seconds - self.settings.time_left, "time_left", {"seconds": self.settings.time_left}))
        found: list[Overlay] = []
        taken = [seconds - k for k in range(self.settings.countdown, 0, -1)] or [seconds]
        for offset, template, ctx in wanted:
            if all(abs(offset - t) >= MIN_CALLOUT_GAP_S for t in taken):
                found += self.overlay(offset, template, "callout", where, **ctx)
                taken.append(offset)
        return found

    def dose(self, exercise: Exercise, where: Where, last: bool) -> Iterator[Segment]:
        """The exercise's dose (a hold, timed work, reps or a flow), written as its kind says."""
        yield from dose_of(exercise).write(self, exercise, where, last)

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
                    yield from self.say("variation", v_where, variation=variation, first=v_index == 0,
                                        exercise=exercise, brief=s.cues != "full" and set_number > 1)
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
                    set_end = v_index == len(variations) - 1 and s_index == len(sides) - 1
                    self.rest_ahead = self._rest_after(number, exercise, set_number) if set_end else 0.0
                    self.again = set_number > 1 or v_index > 0 or s_index > 0
                    yield from self.dose(exercise, where, last)
            rest = self._rest_after(number, exercise, set_number) if set_number < exercise.sets else 0.0
            if rest:
                yield from self.say("set_rest", set_where, seconds=rest, after=self.said_after(exercise))
                yield self.timed(rest, "rest", set_where)
        if s.chimes:
            yield Chime("end", base)

    def _rest_after(self, number: int, exercise: Exercise, set_number: int) -> float:
        """The rest after a set of the ``number``-th exercise: the set rest, or after its last set
        the rest before the next exercise (its ``rest_after``, else ``settings.rest``; 0 at the end)."""
        if set_number < exercise.sets:
            return exercise.set_rest if exercise.set_rest is not None else self.settings.set_rest
        if number >= len(self.routine.exercises):
            return 0.0
        return exercise.rest_after if exercise.rest_after is not None else self.settings.rest

    def said_after(self, exercise: Exercise) -> str | None:
        """The dose whose last words may have said the rest that follows (``reps_end``); with
        chimes for cues a chime ends it, so the rest is said in full."""
        return None if self.settings.cues == "chimes" else dose_of(exercise).name

    def rest_before(self, number: int, exercise: Exercise, previous: Exercise) -> Iterator[Segment]:
        """The rest between two exercises (the previous one's ``rest_after``, else ``settings.rest``;
        none at zero), naming the next. Before stillness it is time to lie down: not counted out."""
        rest = self._rest_after(number - 1, previous, previous.sets)
        if rest:
            relax = exercise.relax is not None
            yield from self.say("next", exercise=exercise, seconds=rest, relax=relax, after=self.said_after(previous))
            yield self.timed(rest, "rest", Where(), counted=not relax)

    def segments(self) -> Iterator[Segment]:
        routine = self.routine
        equipment = list(routine.equipment)
        for cue in self.say("intro", routine=routine, exercises=routine.exercises,
                            equipment=equipment, total_seconds=self.total_seconds):
            self.intro.append(cue.text)
            yield cue
        for number, exercise in enumerate(routine.exercises, start=1):
            if number > 1:
                yield from self.rest_before(number, exercise, routine.exercises[number - 2])
            yield from self.exercise(number, exercise)
        yield from self.say("outro", routine=routine)


def render_script(routine: Routine, templates: CueTemplates, total_seconds: float = 0.0) -> Script:
    """The script of a routine. ``total_seconds`` is the length the intro announces."""
    writer = ScriptWriter(routine, templates, total_seconds)
    segments = tuple(writer.segments())
    titles = {exercise.key: exercise.name for exercise in routine.exercises}
    return Script(segments, routine.settings, titles, total_seconds, tuple(writer.intro))
