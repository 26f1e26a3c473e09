"""The timeline: every cue at an exact sample, computed before any audio exists.

Speech lengths are fixed here (one second per cue, half a second per word inside a hold) so
each expected position can be worked out by hand.
"""

import pytest

from audioroutine.model import Routine
from audioroutine.script import render_script
from audioroutine.templates import CueTemplates
from audioroutine.timeline import MP3_FRAME, SAMPLE_RATE, build_timeline

SR = SAMPLE_RATE
SPEECH = SR  # every top-level spoken cue lasts one second
WORD = SR // 2  # every cue spoken inside a hold lasts half a second
CHIME = SR // 4


def timeline_of(exercise: dict, **settings):
    routine = Routine.model_validate({
        "title": "T",
        "settings": {"chimes": False, "settle": "0s", "pause": "0.5s", **settings},
        "exercises": [exercise],
    })
    script = render_script(routine, CueTemplates("en"))
    inside = {o.text for s in script.segments for o in getattr(s, "overlays", ())}
    return build_timeline(script, lambda text: WORD if text in inside else SPEECH, lambda which: CHIME)


def kinds(timeline, kind):
    return [e for e in timeline.events if e.kind == kind]


@pytest.mark.parametrize("seconds", [1, 30, 45, 90, 599.5])
def test_a_hold_lasts_exactly_its_length_from_the_cue_that_starts_it_to_the_cue_that_ends_it(seconds):
    t = timeline_of({"name": "Calf stretch", "hold": f"{seconds}s"})
    hold = kinds(t, "hold")[0]
    starts = [e for e in t.events if e.kind == "speech" and e.end == hold.start]
    ends = [e for e in t.events if e.kind == "speech" and e.start == hold.end]
    assert hold.length == round(seconds * SR)
    assert len(starts) == 1 and starts[0].text.startswith("Hold for")
    assert ends[0].text == "And release."


@pytest.mark.parametrize(("breaths", "breath_s"), [(6, 5.0), (5, 4.0), (1, 6.5)])
def test_breath_holds_last_breaths_times_breath_length(breaths, breath_s):
    t = timeline_of({"name": "Bird on a perch", "hold": f"{breaths} breaths"}, breath=f"{breath_s}s")
    assert kinds(t, "hold")[0].length == round(breaths * breath_s * SR)


def test_paced_breath_cues_fall_on_each_breath():
    t = timeline_of({"name": "Squat", "hold": "3 breaths"}, breath="4s", breath_cues=True)
    hold = kinds(t, "hold")[0]
    cues = [(e.text, e.start - hold.start) for e in kinds(t, "breath")]
    assert cues == [("breathe in", 0), ("breathe out", 2 * SR), ("breathe in", 4 * SR),
                    ("breathe out", 6 * SR), ("breathe in", 8 * SR), ("breathe out", 10 * SR)]


def test_countdown_numbers_start_on_their_seconds_and_do_not_extend_the_hold():
    t = timeline_of({"name": "Calf stretch", "hold": "20s"}, countdown=3)
    hold = kinds(t, "hold")[0]
    counts = [(e.text, e.start - hold.start) for e in kinds(t, "count")]
    assert counts == [("three", 17 * SR), ("two", 18 * SR), ("one", 19 * SR)]
    assert hold.length == 20 * SR
    assert all(e.end <= hold.end for e in kinds(t, "count"))


def test_callouts_on_long_holds_only():
    long = timeline_of({"name": "Calf stretch", "hold": "1m"})
    hold = kinds(long, "hold")[0]
    assert [(e.text, e.start - hold.start) for e in kinds(long, "callout")] == [
        ("Halfway.", 30 * SR), ("Fifteen seconds left.", 45 * SR)]
    assert kinds(timeline_of({"name": "Calf stretch", "hold": "45s"}), "callout") == []
    assert kinds(timeline_of({"name": "Calf stretch", "hold": "1m"}, callouts=False), "callout") == []


def test_sides_repeat_the_hold_with_a_switch_pause():
    t = timeline_of({"name": "Calf stretch", "hold": "30s", "sides": ["right", "left"], "side_label": "foot"},
                    switch="5s")
    holds = kinds(t, "hold")
    assert [h.where.side for h in holds] == ["right", "left"]
    assert all(h.length == 30 * SR for h in holds)
    switch = kinds(t, "switch")[0]
    assert switch.length == 5 * SR and switch.where.side == "left"
    said = [e.text for e in t.events if e.kind == "speech"]
    assert "Right foot first." in said and "Switch to the left foot." in said


def test_counted_reps_with_a_slow_lowering_phase():
    t = timeline_of({"name": "Heel drops", "reps": 3, "rep_time": "2s", "lower": "3s"})
    window = kinds(t, "reps")[0]
    assert window.length == 3 * 5 * SR
    assert [(e.text, e.start - window.start) for e in kinds(t, "rep")] == [
        ("one", 0), ("two", 5 * SR), ("three", 10 * SR)]
    assert [e.start - window.start for e in kinds(t, "tempo")] == [2 * SR, 7 * SR, 12 * SR]


def test_reps_at_your_own_pace_get_a_timed_window():
    t = timeline_of({"name": "Toe spread", "reps": 10, "window": "40s"})
    assert kinds(t, "reps")[0].length == 40 * SR
    assert kinds(t, "rep") == []


def test_sets_with_rest_between():
    t = timeline_of({"name": "Inversion", "reps": 2, "rep_time": "2s", "sets": 3, "set_rest": "20s"})
    said = [e.text for e in t.events if e.kind == "speech"]
    assert [s for s in said if "set" in s.lower()] == ["Set one of three.", "Set two of three.", "Last set."]
    rests = kinds(t, "rest")
    assert [r.length for r in rests] == [20 * SR, 20 * SR]
    assert [e.where.set for e in kinds(t, "reps")] == [1, 2, 3]


def test_flow_poses_one_per_breath():
    flow = [{"breath": "in", "pose": "reach up"}, {"breath": "out", "pose": "fold forward"},
            {"breath": "in", "pose": "half lift"}]
    t = timeline_of({"name": "Sun salutation", "flow": flow, "rounds": 2}, breath="4s")
    windows = kinds(t, "flow")
    assert [w.length for w in windows] == [12 * SR, 12 * SR]
    steps = [(e.text, e.start - windows[0].start) for e in kinds(t, "pose")]
    assert steps[:3] == [("breathe in, reach up", 0), ("breathe out, fold forward", 4 * SR),
                         ("breathe in, half lift", 8 * SR)]


def test_speech_cues_are_separated_by_the_pause_and_never_overlap():
    t = timeline_of({"name": "Calf stretch", "hold": "30s", "sides": ["right", "left"]})
    speech = sorted((e for e in t.events if e.kind == "speech"), key=lambda e: e.start)
    for a, b in zip(speech, speech[1:], strict=False):
        assert b.start >= a.end
    intro, first = speech[0], speech[1]
    # the pause, lengthened by less than a frame so the next cue starts on the MP3 frame grid
    assert SR // 2 <= first.start - intro.end < SR // 2 + MP3_FRAME
    assert all(b.start % MP3_FRAME == 0 for a, b in zip(speech, speech[1:], strict=False)
               if SR // 2 <= b.start - a.end < SR // 2 + MP3_FRAME)


def test_total_is_the_end_of_the_last_cue_and_chapters_cover_each_exercise():
    routine = Routine.model_validate({
        "title": "T", "settings": {"rest": "10s"},
        "exercises": [{"name": "One", "hold": "10s"}, {"name": "Two", "hold": "10s"}],
    })
    script = render_script(routine, CueTemplates("en"))
    t = build_timeline(script, lambda text: SPEECH, lambda which: CHIME)
    last = max(e.end for e in t.events)
    assert t.total % 576 == 0 and 0 <= t.total - last < 576  # whole MP3 frames, so players decode it exactly
    assert [c.title for c in t.chapters] == ["One", "Two"]
    first, second = t.chapters
    assert first.end <= second.start
    rest = kinds(t, "rest")[0]
    assert first.end <= rest.start and rest.end <= second.start


def test_timed_work_is_timed_like_a_hold_but_said_as_work():
    t = timeline_of({"name": "Foot rolling", "work": "1m", "sides": ["right", "left"], "side_label": "foot"})
    windows = kinds(t, "work")
    assert [w.length for w in windows] == [60 * SR, 60 * SR]
    said = [e.text for e in t.events if e.kind == "speech"]
    assert said.count("Keep going for one minute.") == 2
    assert "Stop." in said and "And stop." in said and not any(s.startswith("Hold") for s in said)
    assert [e.text for e in kinds(t, "callout")] == ["Halfway.", "Fifteen seconds left."] * 2
    assert [e.start - windows[0].start for e in kinds(t, "count")[:3]] == [57 * SR, 58 * SR, 59 * SR]


def test_flow_with_longer_poses_does_not_promise_one_pose_per_breath():
    flow = [{"breath": "in", "pose": "reach up"}, {"breath": "out", "pose": "rest in child's pose", "breaths": 3}]
    t = timeline_of({"name": "Flow", "flow": flow})
    said = [e.text for e in t.events if e.kind == "speech"]
    assert "Move with your breath." in said
