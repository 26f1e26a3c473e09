"""How much is said (``settings.cues``: full, brief, chimes) and spoken reminders of the time left
(``settings.remind``): the words and chimes of each level, in order; the ticks of one real build
found in the decoded MP3 at their samples; each reminder's sample in a two-minute hold."""

import numpy as np
import pytest

from audioroutine import BuildOptions, Overrides, load_routine
from audioroutine.chimes import chime
from audioroutine.errors import RoutineError
from audioroutine.planning import estimate_samples, plan_routines
from audioroutine.script import Chime, Speech
from audioroutine.timeline import SAMPLE_RATE, build_timeline, seconds_to_samples
from audiotools import SILENCE_DBFS, decode, first_sound, rms_dbfs, sheet, span

LEVELS = """\
title: Levels
settings: {rest: 10s, set_rest: 10s, countdown: 2}
exercises:
  - {name: Calf, instructions: [Face a wall.], hold: 20s, sides: [right, left], sets: 2}
  - name: Raises
    reps: 2
    rep_time: 2s
    lower: 2s
    variations: [{name: Straight, instructions: [Knees straight.]}, {name: Bent, instructions: [Knees bent.]}]
  - {name: Salute, flow: [{breath: in, pose: up}, {breath: out, pose: down}], rounds: 2}
"""
INTRO = "Levels. Three exercises, about four minutes. Let's begin."
REPS = "Two reps, lifting on the count and lowering slowly. I'll count."
TICKS = "Two reps, lifting on the tick and lowering slowly on the tock. Follow the ticks."
FLOW = "Move with your breath, two rounds. One pose for each breath."
OUTRO = "That's the end of Levels. Well done."
HEARD = {
    "full": [
        INTRO, "(start)", "First: Calf. Face a wall.", "Set one of two.",
        "Right side first.", "Hold for twenty seconds.", "two", "one", "Release.",
        "Switch to the left side.", "Hold for twenty seconds.", "two", "one", "Release.",
        "Rest for ten seconds.", "two", "one", "Last set.",
        "Right side first.", "Hold for twenty seconds.", "two", "one", "Release.",
        "Switch to the left side.", "Hold for twenty seconds.", "two", "one", "And release.", "(end)",
        "Rest for ten seconds. Next: Raises.", "two", "one", "(start)", "Exercise two: Raises.",
        "Start Straight. Knees straight.", REPS, "one", "lower slowly", "two", "lower slowly", "Good.",
        "Now Bent. Knees bent.", REPS, "one", "lower slowly", "two", "lower slowly", "And rest for ten seconds.",
        "(end)", "Next: Salute.", "two", "one", "(start)", "Last one: Salute.", FLOW,
        "Round one.", "breathe in, up", "breathe out, down", "Last round.", "breathe in, up", "breathe out, down",
        "(end)", OUTRO,
    ],
    "brief": [
        INTRO, "(start)", "First: Calf. Face a wall.", "Set one of two.",
        "Right side first.", "Hold for twenty seconds.", "two", "one", "Release.",
        "Switch to the left side.", "Hold.", "two", "one", "Release.",
        "Rest for ten seconds.", "two", "one", "Last set.",
        "Right side first.", "Hold.", "two", "one", "Release.",
        "Switch to the left side.", "Hold.", "two", "one", "And release.", "(end)",
        "Rest for ten seconds. Next: Raises.", "two", "one", "(start)", "Exercise two: Raises.",
        "Start Straight. Knees straight.", REPS, "one", "lower slowly", "two", "lower slowly", "Good.",
        "Now Bent. Knees bent.", "one", "two", "And rest for ten seconds.", "(end)",
        "Next: Salute.", "two", "one", "(start)", "Last one: Salute.", FLOW,
        "Round one.", "breathe in, up", "breathe out, down", "Last round.", "up", "down",
        "(end)", OUTRO,
    ],
    "chimes": [
        INTRO, "(start)", "First: Calf. Face a wall.", "Set one of two.",
        "Right side first.", "(go)", "(tick)", "(tick)", "(stop)",
        "Switch to the left side.", "(go)", "(tick)", "(tick)", "(stop)",
        "Rest for ten seconds.", "(tick)", "(tick)", "Last set.",
        "Right side first.", "(go)", "(tick)", "(tick)", "(stop)",
        "Switch to the left side.", "(go)", "(tick)", "(tick)", "(stop)", "(end)",
        "Rest for ten seconds. Next: Raises.", "(tick)", "(tick)", "(start)", "Exercise two: Raises.",
        "Start Straight. Knees straight.", TICKS, "(tick)", "(tock)", "(tick)", "(tock)", "(stop)",
        "Now Bent. Knees bent.", "(tick)", "(tock)", "(tick)", "(tock)", "(stop)", "(end)",
        "Rest for ten seconds. Next: Salute.", "(tick)", "(tick)", "(start)", "Last one: Salute.", FLOW,
        "Round one.", "breathe in, up", "breathe out, down", "Last round.", "up", "down",
        "(end)", OUTRO,
    ],
}


def plan(path, *assignments):
    return plan_routines([str(path)], BuildOptions(overrides=Overrides(assignments=assignments)))[0]


def heard(path, *assignments) -> list[str]:
    """Every word and chime in the order heard; a chime as ``(its name)``."""
    found = []
    for segment in plan(path, *assignments).script.segments:
        if isinstance(segment, Speech):
            found.append(segment.text)
        elif isinstance(segment, Chime):
            found.append(f"({segment.which})")
        else:
            found += [o.text or f"({o.chime})" for o in segment.overlays]
    return found


@pytest.mark.parametrize("level", list(HEARD))
def test_each_level_says_what_its_table_says(write_routine, level):
    path = write_routine(LEVELS)
    assert heard(path, f"settings.cues={level}") == HEARD[level]


def test_full_is_the_default_and_says_what_it_always_did(write_routine):
    path = write_routine(LEVELS)
    assert plan(path).script == plan(path, "settings.cues=full").script
    assert heard(path) == HEARD["full"]


def test_chimes_leave_out_callouts_but_not_reminders(write_routine):
    path = write_routine("title: Long\nsettings: {cues: chimes}\nexercises:\n  - {name: Long, hold: 1m}\n")
    assert heard(path) == ["Long. One exercise, about one minute. Let's begin.", "(start)", "First: Long.", "(go)",
                           "(tick)", "(tick)", "(tick)", "(stop)", "(end)", "That's the end of Long. Well done."]
    assert "One minute left." not in heard(path, "settings.remind=20s")  # 60 s: a reminder every 20 s
    assert heard(path, "settings.remind=20s")[4:6] == ["Forty seconds left.", "Twenty seconds left."]


def timeline(path, *assignments):
    return build_timeline(plan(path, *assignments).script, estimate_samples, lambda which: SAMPLE_RATE)


def test_reminders_in_a_two_minute_hold_at_their_samples(write_routine):
    path = write_routine("""\
        title: Remind
        settings: {remind: 30s}
        exercises:
          - {name: Long, hold: 2m}
          - {name: Short, hold: 50s}
          - {name: Lie down, relax: 2m}
        """)
    events = timeline(path).events
    hold = next(e for e in events if e.kind == "hold" and e.where.exercise == "long")
    said = [(e.start - hold.start, e.text) for e in events if e.kind == "callout" and e.where.exercise == "long"]
    assert said == [(seconds_to_samples(30), "Ninety seconds left."),
                    (seconds_to_samples(60), "One minute left."),
                    (seconds_to_samples(90), "Thirty seconds left.")]  # no "Halfway.", none in the last 30 s
    counts = [e.start - hold.start for e in events if e.kind == "count" and e.where.exercise == "long"]
    assert counts == [seconds_to_samples(s) for s in (117, 118, 119)]
    # Under twice the reminder: the usual callouts (none under callout_min_hold); never in a relax.
    assert not [e for e in events if e.kind == "callout" and e.where.exercise != "long"]
    relax = next(e for e in events if e.kind == "relax")
    assert not [e for e in events if relax.start <= e.start < relax.end and e is not relax]


def test_a_reminder_too_close_to_the_countdown_is_left_out(write_routine):
    path = write_routine("title: R\nsettings: {remind: 10s, countdown: 8}\nexercises:\n  - {name: H, hold: 40s}\n")
    events = timeline(path).events
    hold = next(e for e in events if e.kind == "hold")
    # Ten seconds left would fall 2 s before "eight" of the countdown: left out.
    assert [(e.start - hold.start, e.text) for e in events if e.kind == "callout"] == [
        (seconds_to_samples(10), "Thirty seconds left."), (seconds_to_samples(20), "Twenty seconds left.")]


@pytest.mark.parametrize(("settings", "message"), [
    ("{cues: quiet}", "choose 'full', 'brief' or 'chimes'"),
    ("{remind: 5s}", "must be at least 10s"),
])
def test_bad_levels_and_reminders_are_refused_at_their_line(write_routine, settings, message):
    path = write_routine(f"title: R\nsettings: {settings}\nexercises:\n  - {{name: H, hold: 25s}}\n")
    with pytest.raises(RoutineError) as error:
        load_routine(path)
    assert error.value.line == 2 and message in str(error.value)


def test_ticks_sound_at_their_samples_in_a_real_build(write_routine, build_piper):
    """One build with chimes for cues: every tick and tock of the cue sheet is in the decoded MP3
    at its sample (the sound there is the tick itself), and the second build is up to date."""
    path = write_routine("""\
        title: Ticks
        settings: {cues: chimes, countdown: 3, rest: 2s, chimes: false}
        exercises:
          - {name: Wall stretch, hold: 6s}
          - {name: Heel drops, reps: 2, rep_time: 2s, lower: 1s}
        """, "ticks.yaml")
    result = build_piper(path)[0]
    cues = sheet(result.cue_sheet)
    pcm = decode(result.mp3)
    assert pcm.size == cues["samples"]
    ticks = [c for c in cues["cues"] if c.get("chime") in ("tick", "tock")]
    assert [(c["kind"], c["chime"]) for c in ticks] == [
        ("count", "tick")] * 3 + [("rep", "tick"), ("tempo", "tock")] * 2  # a 2 s rest is not counted
    assert [c["chime"] for c in cues["cues"] if c["kind"] == "chime"] == ["go", "stop", "stop"]
    hold = next(c for c in cues["cues"] if c["kind"] == "hold")
    assert [round(c["start_s"] - hold["start_s"], 4) for c in ticks[:3]] == [3.0, 4.0, 5.0]
    ends = [c["end_s"] for c in cues["cues"] if "text" in c or "chime" in c]
    for cue in ticks:
        if not any(cue["start_s"] - 0.1 < end <= cue["start_s"] for end in ends):  # silence before it
            assert first_sound(pcm, cue["start_s"] - 0.05, window_s=0.002) == pytest.approx(cue["start_s"], abs=0.004)
        heard_here = span(pcm, cue["start_s"], cue["end_s"]).astype(np.float64)
        made = chime(cue["chime"]).astype(np.float64)[: heard_here.size]
        # the tick's own shape, not speech (0.86 to 1.0 measured: at 64 kb/s the codec keeps a 60 ms
        # click more or less faithfully depending on where it falls in its frames)
        assert np.corrcoef(heard_here, made)[0, 1] > 0.8
        assert rms_dbfs(span(pcm, cue["end_s"] + 0.02, cue["end_s"] + 0.3)) < SILENCE_DBFS  # short: then quiet
    assert build_piper(path)[0].up_to_date
