"""The timeline's rules, checked on generated routines (hypothesis): one invariant per test.

Each case is a valid routine (holds in seconds or breaths, timed work, counted or own-pace reps,
flows; sides, sets, variations; random settings), rendered with the real English templates and
laid out with random clip lengths. No audio is made. The timeline lists the event of each script
segment, followed by the events of the cues spoken inside it; ``laid_out`` pairs them up.
"""

from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from audioroutine.model import Routine
from audioroutine.script import Script, Silence, Speech, render_script
from audioroutine.templates import CueTemplates
from audioroutine.timeline import (
    MP3_FRAME,
    SAMPLE_RATE,
    SNAP_PAUSE,
    Event,
    Timeline,
    build_timeline,
    pause_before,
)

SR = SAMPLE_RATE
SOUNDING = ("speech", "chime")
"""Kinds of the segments that put sound in the file; every other segment is a timed silence."""
CASES = settings(max_examples=40, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def english() -> CueTemplates:
    return CueTemplates("en")


def script_of(routine: Routine) -> Script:
    return render_script(routine, english())


# ------------------------------------------------------------------------------- generated routines


def seconds(lo: float, hi: float, per_second: int = 100) -> st.SearchStrategy[float]:
    """A length in hundredths of a second, as a runner might write it (``12.5s``); with
    ``per_second=50``, a whole number of samples (a fiftieth of a second is 441 samples)."""
    return st.integers(round(lo * per_second), round(hi * per_second)).map(lambda n: n / per_second)


def maybe_zero(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.one_of(st.just(0.0), seconds(lo, hi))


TIMED_HOLD = st.fixed_dictionaries({"hold": seconds(1, 150, per_second=50)})
DOSES = st.one_of(
    st.fixed_dictionaries({"hold": seconds(1, 150)}),
    st.integers(1, 10).map(lambda n: {"hold": f"{n} breaths"}),
    st.fixed_dictionaries({"work": seconds(1, 150)}),
    st.fixed_dictionaries({"reps": st.integers(1, 12), "rep_time": seconds(0.5, 4)},
                          optional={"lower": seconds(0.5, 4)}),
    st.fixed_dictionaries({"reps": st.integers(1, 20)}, optional={"window": seconds(1, 60)}),
    st.fixed_dictionaries({
        "flow": st.lists(st.fixed_dictionaries({"breath": st.sampled_from(["in", "out"]),
                                                "pose": st.sampled_from(["reach up", "fold", "plank"]),
                                                "breaths": seconds(0.5, 3)}), min_size=1, max_size=4),
        "rounds": st.integers(1, 3),
    }),
)
SHAPES = st.fixed_dictionaries({}, optional={
    "instructions": st.lists(st.sampled_from(["Stand tall.", "Breathe slowly."]), max_size=2),
    "equipment": st.lists(st.sampled_from(["strap", "wall", "ball"]), max_size=2, unique=True),
    "sides": st.sampled_from([["right"], ["left"], ["right", "left"], ["left", "right"]]),
    "side_label": st.sampled_from(["foot", "leg"]),
    "sets": st.integers(1, 3),
    "set_rest": maybe_zero(0.5, 30),
    "variations": st.lists(st.sampled_from(["knees bent", "knees straight"]), min_size=1, max_size=2,
                           unique=True).map(lambda names: [{"name": n} for n in names]),
})
SETTINGS = st.fixed_dictionaries({
    "breath": seconds(1, 8), "rest": maybe_zero(0.5, 20), "settle": maybe_zero(0.5, 5),
    "switch": maybe_zero(0.5, 8), "set_rest": maybe_zero(0.5, 30), "pause": maybe_zero(0.01, 2),
    "countdown": st.integers(0, 5), "breath_cues": st.booleans(), "callouts": st.booleans(),
    "callout_min_hold": seconds(5, 120), "time_left": seconds(1, 30), "chimes": st.booleans(),
})


@dataclass(frozen=True)
class Case:
    data: dict
    """The routine as written (a routine file's contents)."""
    target: int
    """The index of an exercise held for a timed hold of a whole number of samples."""
    salt: int
    longest: int
    chime: tuple[int, int]
    """Lengths of the start and end chimes."""

    def speech_length(self, text: str) -> int:
        """A clip length for each text: random, but the same every time the text is spoken."""
        return 1 + zlib.crc32(f"{self.salt}:{text}".encode()) % self.longest

    def chime_length(self, which: str) -> int:
        return self.chime[0] if which == "start" else self.chime[1]

    def routine(self) -> Routine:
        return Routine.model_validate(self.data)


@st.composite
def cases(draw) -> Case:
    doses = draw(st.lists(DOSES, min_size=0, max_size=3))
    target = draw(st.integers(0, len(doses)))
    doses.insert(target, draw(TIMED_HOLD))
    names = ["Calf stretch", "Heel drops", "Bird on a perch", "Toe raises"]
    exercises = [{"name": f"{names[i % len(names)]} {i + 1}", **dose, **draw(SHAPES)} for i, dose in enumerate(doses)]
    data = {"title": "Generated", "equipment": draw(st.lists(st.sampled_from(["strap", "wall"]), unique=True)),
            "settings": draw(SETTINGS), "exercises": exercises}
    longest = draw(st.sampled_from([SR // 4, 2 * SR, 8 * SR]))
    return Case(data, target, draw(st.integers(0, 2**32 - 1)), longest,
                (draw(st.integers(1, SR)), draw(st.integers(1, SR))))


# ------------------------------------------------------------------------------- helpers


def laid_out(script: Script, timeline: Timeline) -> list[tuple[object, Event, list[Event]]]:
    """(segment, its event, the events of the cues spoken inside it) for every segment, in order."""
    events = iter(timeline.events)
    found = []
    for segment in script.segments:
        event = next(events)
        overlays = [next(events) for _ in getattr(segment, "overlays", ())]
        found.append((segment, event, overlays))
    assert next(events, None) is None
    return found


def timed(case: Case) -> tuple[Routine, Script, Timeline]:
    script = script_of(routine := case.routine())
    # random clip lengths may crowd a stretch: the layout is checked here, room to be heard in test_limits
    return routine, script, build_timeline(script, case.speech_length, case.chime_length, check=False)


def expected_seconds(routine: Routine, event: Event) -> float:
    """How long a timed silence lasts, from the routine as written."""
    s = routine.settings
    exercise = next((e for e in routine.exercises if e.key == event.where.exercise), None)
    if event.kind == "rest":
        if exercise is None:
            return s.rest
        return exercise.set_rest if exercise.set_rest is not None else s.set_rest
    if event.kind in ("settle", "switch"):
        return getattr(s, event.kind)
    if event.kind == "hold":
        return exercise.hold.length(s.breath)
    if event.kind == "work":
        return exercise.work
    if event.kind == "reps":
        if exercise.rep_time is None:
            return exercise.window or 3.0 * exercise.reps
        return (exercise.rep_time + (exercise.lower or 0.0)) * exercise.reps
    assert event.kind == "flow", event.kind
    return sum(step.breaths * s.breath for step in exercise.flow)


# ------------------------------------------------------------------------------- invariants


@CASES
@given(cases())
def test_segments_follow_each_other_in_order_never_overlapping(case):
    routine, script, timeline = timed(case)
    pause = round(routine.settings.pause * SR)
    segments = laid_out(script, timeline)
    for (a, first, _), (b, second, inside) in pairwise(segments):
        assert first.kind == a.kind and second.kind == b.kind
        if first.kind not in SOUNDING:
            gap = 0
        elif second.kind in SOUNDING:  # snapped to the frame grid when long enough to cut the encode there
            gap = pause + (-(first.end + pause) % MP3_FRAME if pause >= SNAP_PAUSE else 0)
            assert pause <= gap < pause + MP3_FRAME
            assert pause < SNAP_PAUSE or second.start % MP3_FRAME == 0
        else:  # the pause comes before the stretch's first cue, however early in it that is
            gap = max([0, *(pause - (e.start - second.start) for e in inside)])
        assert second.start == first.end + gap, (first, second)
        if first.kind in SOUNDING and inside:
            assert min(e.start for e in inside) >= first.end + pause


@CASES
@given(cases())
def test_every_timed_silence_lasts_exactly_its_seconds(case):
    routine, script, timeline = timed(case)
    silences = [event for _, event, _ in laid_out(script, timeline) if event.kind not in SOUNDING]
    assert silences
    for event in silences:
        assert event.length == round(expected_seconds(routine, event) * SR), event
    for exercise in routine.exercises:
        dose = next(kind for kind in ("hold", "work", "reps", "flow") if getattr(exercise, kind) is not None)
        blocks = exercise.sets * len(exercise.variations or [None]) * len(exercise.sides or [None])
        done = [e for e in silences if e.kind == dose and e.where.exercise == exercise.key]
        assert len(done) == blocks * (exercise.rounds if dose == "flow" else 1)


@CASES
@given(cases())
def test_a_dose_starts_as_its_cue_ends_and_the_next_cue_comes_as_it_ends(case):
    _, script, timeline = timed(case)
    segments = laid_out(script, timeline)
    for i, (_, event, _) in enumerate(segments):
        if event.kind not in ("hold", "work", "reps", "flow"):
            continue
        announced, after = segments[i - 1][1], segments[i + 1][1]
        assert announced.kind == "speech" and announced.where.exercise == event.where.exercise
        first_cue = min([e.start - event.start for e in segments[i][2]], default=timeline.total)
        pause = round(script.settings.pause * SR)
        # no pause before the silence, unless a cue inside it would come within the pause
        assert announced.end == event.start - max(0, pause - first_cue), (announced, event)
        assert after.start == event.end, (event, after)


@CASES
@given(cases())
def test_cues_spoken_in_a_silence_start_inside_it_at_their_offset(case):
    _, script, timeline = timed(case)
    for segment, event, overlays in laid_out(script, timeline):
        for overlay, placed in zip(getattr(segment, "overlays", ()), overlays, strict=True):
            assert event.start <= placed.start < event.end, (event, placed)
            assert placed.start == event.start + round(overlay.offset * SR)
            assert placed.where.exercise == event.where.exercise and placed.text == overlay.text


@CASES
@given(cases())
def test_total_is_whole_mp3_frames_and_no_event_runs_past_it(case):
    _, _, timeline = timed(case)
    last = max(event.end for event in timeline.events)
    assert timeline.total % MP3_FRAME == 0
    assert last <= timeline.total < last + MP3_FRAME


@CASES
@given(cases())
def test_chapters_in_order_cover_their_exercises_cues(case):
    routine, _, timeline = timed(case)
    assert [c.id for c in timeline.chapters] == routine.exercise_ids()
    assert [c.title for c in timeline.chapters] == [e.name for e in routine.exercises]
    starts = [c.start for c in timeline.chapters]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for chapter in timeline.chapters:
        own = [e for e in timeline.events if e.where.exercise == chapter.id]
        assert chapter.start == min(e.start for e in own) and chapter.end == max(e.end for e in own)


@CASES
@given(cases(), seconds(0.02, 60, per_second=50))
@example(  # a longer hold's countdown comes within the pause of its start: the pause comes first
    case=Case(data={"title": "Generated", "equipment": [], "settings": {
        "breath": 1.0, "rest": 0.0, "settle": 0.0, "switch": 0.0, "set_rest": 0.0, "pause": 1.01, "countdown": 1,
        "breath_cues": False, "callouts": False, "callout_min_hold": 5.0, "time_left": 1.0, "chimes": False,
    }, "exercises": [{"name": "Calf stretch 1", "hold": 1.0}]}, target=0, salt=0, longest=5512, chime=(1, 1)),
    extra=1.0,
)
def test_a_longer_hold_moves_every_later_cue_by_exactly_its_extra_samples(case, extra):
    script = script_of(routine := case.routine())
    data = copy.deepcopy(case.data)
    data["exercises"][case.target]["hold"] += extra
    longer_script = script_of(Routine.model_validate(data))
    # The words that say the hold's length change with it; they keep one clip length here, so
    # that what is compared is the silence alone.
    renamed = {b.text: a.text for a, b in zip(script.segments, longer_script.segments, strict=True)
               if isinstance(a, Speech) and a.text != b.text}

    def length(text: str) -> int:
        return case.speech_length(renamed.get(text, text))

    before = laid_out(script, build_timeline(script, length, case.chime_length, check=False))
    after = laid_out(longer_script, build_timeline(longer_script, length, case.chime_length, check=False))
    key, delta = routine.exercises[case.target].key, round(extra * SR)
    changed = [event for _, event, _ in before if event.kind == "hold" and event.where.exercise == key]
    assert changed
    # A longer hold's countdown may come within the pause of its start: the pause then comes first.
    pause = round(routine.settings.pause * SR)
    lead = {old: pause_before(longer, pause) - pause_before(segment, pause)
            for (segment, old, _), (longer, _, _) in zip(before, after, strict=True) if old in changed}
    # A pause before a cue ends on the MP3 frame grid (when long enough): past the changed holds, a
    # cue after such a pause moves by whole frames, and so does everything after it.
    last_end, grid, previous = max(hold.end for hold in changed), False, None
    for (segment, old, old_inside), (_, new, new_inside) in zip(before, after, strict=True):
        shift = delta * sum(1 for hold in changed if hold.end <= old.start)  # 0 before the first one
        shift += sum(lead.get(hold, 0) for hold in changed if hold.start <= old.start)
        snapped = pause >= SNAP_PAUSE and previous in SOUNDING and old.kind in SOUNDING
        grid = grid or (snapped and old.start >= last_end)
        previous = old.kind
        assert abs(new.start - old.start - shift) < MP3_FRAME * (1 + len(changed)), (old, new)
        assert not grid or (new.start - old.start) % MP3_FRAME == 0, (old, new)
        if old in changed:
            assert isinstance(segment, Silence) and new.length == old.length + delta
            continue  # what is said inside the longer hold is placed for its new length
        assert new.length == old.length
        moved = new.start - old.start  # what is said inside a stretch moves with it
        assert [(e.start + moved, e.length, e.text) for e in old_inside] == [
            (e.start, e.length, e.text) for e in new_inside]
