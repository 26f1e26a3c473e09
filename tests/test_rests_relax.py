"""Stillness (a ``relax`` dose) and rests anywhere (``- rest: 30s`` items, ``rest_after``): what the
runner hears and where, the errors at their lines, and one real build of a flow then relaxation."""

import subprocess
import sys

import pytest

from audioroutine import BuildOptions, Overrides, load_routine
from audioroutine.errors import OptionError, RoutineError
from audioroutine.planning import estimate_samples, plan_routines
from audioroutine.script import Silence, Speech
from audioroutine.timeline import MP3_FRAME, SAMPLE_RATE, build_timeline
from audiotools import decode, first_sound, rms_dbfs, sheet, span

COACH = """\
title: Flow and rest
settings: {breath: 4s, rest: 15s, callout_min_hold: 20s}
exercises:
  - name: Cat cow
    flow:
      - {breath: in, pose: cow}
      - {breath: out, pose: cat}
    rounds: 2
  - rest: 30s
  - name: Calf
    hold: 20s
  - name: Relaxation
    relax: 2m
"""


def plan(path, **overrides):
    options = BuildOptions(overrides=Overrides(**overrides))
    return plan_routines([str(path)], options)[0]


def timeline_of(path, **overrides):
    return build_timeline(plan(path, **overrides).script, estimate_samples, lambda which: SAMPLE_RATE)


def spoken(path, **overrides) -> list[str]:
    return [s.text for s in plan(path, **overrides).script.segments if isinstance(s, Speech)]


def test_relax_is_a_gentle_opening_silence_and_a_gentle_return(write_routine):
    path = write_routine(COACH)
    segments = plan(path).script.segments
    at = next(i for i, s in enumerate(segments) if isinstance(s, Silence) and s.kind == "relax")
    relax = segments[at]
    assert relax.seconds == 120.0 and relax.overlays == ()  # no countdown, no halfway, no time left
    assert segments[at - 1].text == "Lie still and let go for two minutes."
    assert segments[at + 1].text == "Slowly come back. Wiggle your fingers and toes, and take a deep breath."
    words = spoken(path)
    assert "And release." not in words[words.index("Last one: Relaxation."):]
    # The rest before it is time to lie down: named, not "Rest for fifteen seconds", not counted out.
    said = next(i for i, s in enumerate(segments) if isinstance(s, Speech) and s.text.startswith("Next: Relax"))
    before = segments[said : said + 2]
    assert before[0].text == "Next: Relaxation. Take your time to get comfortable."
    assert before[1].kind == "rest" and before[1].seconds == 15.0 and before[1].overlays == ()


def test_relax_after_instructions_says_a_short_opening(write_routine):
    path = write_routine("""\
        title: Lie down
        exercises:
          - {name: Savasana, instructions: ["Lie on your back, arms by your sides."], relax: 90s}
        """)
    assert spoken(path)[1:4] == ["First: Savasana. Lie on your back, arms by your sides.",
                                 "Stay here for ninety seconds. Let go.",
                                 "Slowly come back. Wiggle your fingers and toes, and take a deep breath."]


def test_hold_option_leaves_relax_and_scale_stretches_it(write_routine):
    path = write_routine(COACH)
    held = load_routine(path, Overrides(hold="45s")).routine.exercises
    assert (held[1].hold.seconds, held[2].relax) == (45.0, 120.0)
    scaled = load_routine(path, Overrides(scale=1.5)).routine.exercises
    assert (scaled[0].rest_after, scaled[2].relax) == (45.0, 180.0)


def test_rest_items_and_rest_after_set_the_rest_in_samples(write_routine):
    path = write_routine("""\
        title: Rests
        settings: {rest: 15s}
        exercises:
          - {name: One, hold: 10s}
          - rest: 30s
          - {name: Two, hold: 10s, rest_after: 45s}
          - {name: Three, hold: 10s}
          - rest: 0s
          - {name: Four, hold: 10s}
          - {name: Five, hold: 10s}
        """)
    timeline = timeline_of(path)
    rests = [e for e in timeline.events if e.kind == "rest"]
    assert [r.length for r in rests] == [30 * SAMPLE_RATE, 45 * SAMPLE_RATE, 15 * SAMPLE_RATE]
    words = spoken(path)
    assert [w for w in words if w.startswith("Rest for")] == [
        "Rest for thirty seconds. Next: Two.", "Rest for forty-five seconds. Next: Three.",
        "Rest for fifteen seconds. Next: Five."]
    # Three then Four with no rest: Three's end chime, then Four's start chime.
    four = next(e for e in timeline.events if e.kind == "chime" and e.where.exercise == "four")
    three_end = max(e.end for e in timeline.events if e.where.exercise == "three")
    # the pause, nothing else (lengthened by less than a frame to start on the MP3 frame grid)
    assert round(0.5 * SAMPLE_RATE) <= four.start - three_end < round(0.5 * SAMPLE_RATE) + MP3_FRAME
    # Numbering, the count and the chapters are of exercises only.
    assert words[0].startswith("Rests. Five exercises,")
    assert "Exercise two: Two." in words and "Last one: Five." in words
    assert [c.id for c in timeline.chapters] == ["one", "two", "three", "four", "five"]


def test_rest_after_is_an_override_like_any_key(write_routine):
    path = write_routine(COACH)
    rests = [e for e in timeline_of(path, assignments=("cat-cow.rest_after=10s",)).events if e.kind == "rest"]
    assert rests[0].length == 10 * SAMPLE_RATE


BAD_AFTER_REST = """\
title: Bad
exercises:
  - {name: One, hold: 10s}
  - rest: 30s
  - name: Two
    hold: 10s
  - name: Three
    hold: forever
"""


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (BAD_AFTER_REST, 8, "exercises[4] (Three).hold", "forever"),
        ("title: R\nexercises:\n  - {name: One, hold: 10s}\n  - rest: soon\n  - {name: Two, hold: 5s}\n",
         4, "exercises[2].rest", "soon"),
        ("title: R\nexercises:\n  - rest: 10s\n  - {name: One, hold: 10s}\n",
         3, "exercises[1]", "comes before the first"),
        ("title: R\nexercises:\n  - {name: One, hold: 10s}\n  - rest: 10s\n",
         4, "exercises[2]", "nothing follows this one"),
        ("title: R\nexercises:\n  - {name: One, hold: 10s}\n  - rest: 10s\n  - rest: 20s\n  - {name: Two, hold: 5s}\n",
         5, "exercises[3]", "two rests in a row"),
        ("title: R\nexercises:\n  - {name: One, hold: 10s, rest_after: 5s}\n  - rest: 10s\n"
         "  - {name: Two, hold: 5s}\n", 4, "exercises[2]", "already has rest_after: 5s; keep one"),
        ("title: R\nexercises:\n  - {name: One, hold: 10s}\n  - {name: Two, hold: 5s, rest_after: 5s}\n",
         4, "exercises[2] (Two)", "rest_after on the last exercise"),
        ("title: R\nexercises:\n  - {name: One, hold: 10s}\n  - {rest: 10s, hold: 5s}\n  - {name: Two, hold: 5s}\n",
         4, "exercises[2]", "a rest item holds only its length"),
        ("title: R\nexercises:\n  - {name: One, relax: 1m, sides: [left, right]}\n",
         3, "exercises[1] (One)", "relax is one stretch of stillness"),
    ],
    ids=["bad-value-after-a-rest", "bad-rest", "rest-first", "rest-last", "two-rests", "rest-and-rest_after",
         "rest_after-last", "rest-with-keys", "relax-with-sides"],
)
def test_misplaced_rests_are_refused_at_their_line(write_routine, text, line, field, message):
    path = write_routine(text)
    with pytest.raises(RoutineError) as error:
        load_routine(path)
    assert (error.value.line, error.value.field) == (line, field)
    assert message in str(error.value)


def test_a_bad_override_after_a_rest_item_names_the_option(write_routine):
    path = write_routine(BAD_AFTER_REST.replace("forever", "10s"))
    with pytest.raises(OptionError) as error:
        load_routine(path, Overrides(assignments=("three.hold=forever",)))
    assert "exercises[3] (Three).hold" in str(error.value)  # the third exercise: rests are not counted


def test_the_command_line_says_one_line_and_exits_2(write_routine):
    path = write_routine(BAD_AFTER_REST)
    proc = subprocess.run([sys.executable, "-m", "audioroutine", "validate", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{path}:8: exercises[4] (Three).hold" in proc.stderr


def test_a_flow_then_two_minutes_of_relaxation_built(write_routine, build_piper):
    """The coach's routine, built with the offline voice: the relaxation is silent from the end of
    its opening to the start of its return, which comes exactly two minutes later."""
    result = build_piper(write_routine(COACH, "flow-and-rest.yaml"))[0]
    cues = sheet(result.cue_sheet)
    pcm = decode(result.mp3)
    assert pcm.size == cues["samples"]
    relax = next(c for c in cues["cues"] if c["kind"] == "relax")
    assert relax["end_s"] - relax["start_s"] == pytest.approx(120.0, abs=1e-4)
    assert not [c for c in cues["cues"] if "text" in c and relax["start_s"] <= c["start_s"] < relax["end_s"]]
    assert rms_dbfs(span(pcm, relax["start_s"], relax["end_s"], trim_s=0.05)) == float("-inf")
    back = next(c for c in cues["cues"] if c.get("text", "").startswith("Slowly come back."))
    assert back["start_s"] == relax["end_s"]
    assert first_sound(pcm, relax["end_s"] - 0.02) == pytest.approx(back["start_s"], abs=0.1)
    rest = next(c for c in cues["cues"] if c["kind"] == "rest" and c["start_s"] < relax["start_s"]
                and c["end_s"] > relax["start_s"] - 20)
    assert rest["end_s"] - rest["start_s"] == pytest.approx(15.0, abs=1e-4)
    assert [c["kind"] for c in cues["cues"] if rest["start_s"] < c["start_s"] < rest["end_s"]] == []
    assert cues["exercises"][2]["dose"] == {"sets": 1, "relax_s": 120.0}


def test_rest_after_on_the_last_exercise_set_by_an_option_names_it(write_routine):
    path = write_routine("title: R\nexercises:\n  - {name: One, hold: 10s}\n  - {name: Two, hold: 5s}\n")
    with pytest.raises(RoutineError, match=r"rest_after on the last exercise \('Two'\): nothing follows it"):
        load_routine(path, Overrides(assignments=("two.rest_after=30s",)))


def test_rest_items_mean_the_same_to_the_model_itself():
    from audioroutine.model import Routine

    routine = Routine.model_validate({"title": "R", "exercises": [
        {"name": "One", "hold": "10s"}, {"rest": "30s"}, {"name": "Two", "hold": "5s"}]})
    assert [(e.name, e.rest_after) for e in routine.exercises] == [("One", 30.0), ("Two", None)]
