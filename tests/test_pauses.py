"""What the runner hears between cues: the configured pause before the first thing said in a
stretch, and each rest said once (issue 11, item 4; item 9's flow wording).

Timeline tests fix every clip's length (one second for a cue, half a second inside a stretch) so
the gaps are exact samples; the words come from ``show`` (no audio); one real build checks the
decoded MP3.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from typer.testing import CliRunner

from audioroutine.cli import app
from audioroutine.loader import load_routine
from audioroutine.model import Routine
from audioroutine.routine_files import available_routines
from audioroutine.script import Speech, render_script
from audioroutine.templates import CueTemplates
from audioroutine.timeline import SAMPLE_RATE, build_timeline
from audiotools import SILENCE_DBFS, decode, first_sound, rms_dbfs, sheet, span

SR = SAMPLE_RATE


def timeline_of(exercises: list[dict], **settings):
    routine = Routine.model_validate({
        "title": "T", "settings": {"chimes": False, "settle": "0s", "pause": "0.5s", **settings},
        "exercises": exercises,
    })
    script = render_script(routine, CueTemplates("en"))
    inside = {o.text for s in script.segments for o in getattr(s, "overlays", ())}
    return build_timeline(script, lambda text: SR // 2 if text in inside else SR, lambda which: SR // 4)


def spoken(timeline, text: str):
    return next(e for e in timeline.events if e.text == text)


def first(timeline, kind: str):
    return min((e for e in timeline.events if e.kind == kind), key=lambda e: e.start)


@pytest.mark.parametrize("pause", [0.5, 0.25, 1.2])
def test_the_pause_comes_between_ill_count_and_one(pause):
    t = timeline_of([{"name": "Heel drops", "reps": 3, "rep_time": "2s"}], pause=f"{pause}s")
    count, one = spoken(t, "Three reps. I'll count."), first(t, "rep")
    assert one.text == "one"
    assert one.start - count.end == round(pause * SR)
    reps = first(t, "reps")
    assert one.start == reps.start and reps.length == 3 * 2 * SR  # the stretch is whole, only later


def test_the_pause_comes_between_round_two_and_the_first_pose():
    flow = [{"breath": "in", "pose": "reach up"}, {"breath": "out", "pose": "fold forward"}]
    t = timeline_of([{"name": "Sun salute", "flow": flow, "rounds": 2}], breath="4s")
    poses = [e for e in t.events if e.kind == "pose" and e.text == "breathe in, reach up"]
    for said, pose in zip(["Round one.", "Last round."], poses, strict=True):
        assert pose.start - spoken(t, said).end == SR // 2


def test_a_single_round_flow_and_a_breath_hold_also_wait_the_pause():
    flow = [{"breath": "in", "pose": "reach up"}, {"breath": "out", "pose": "fold forward"}]
    t = timeline_of([{"name": "Sun salute", "flow": flow}], breath="4s")
    assert first(t, "pose").start - spoken(t, "Move with your breath. One pose for each breath.").end == SR // 2
    t = timeline_of([{"name": "Squat", "hold": "3 breaths"}], breath="4s", breath_cues=True)
    assert first(t, "breath").start - spoken(t, "Hold for three breaths.").end == SR // 2


def test_a_timed_hold_still_starts_as_its_cue_ends():
    t = timeline_of([{"name": "Calf stretch", "hold": "30s"}])
    assert first(t, "hold").start == spoken(t, "Hold for thirty seconds.").end


def test_a_first_cue_later_than_the_pause_keeps_the_stretch_where_it_was():
    # own-pace reps say nothing inside; counted reps whose first cue is later have nothing to wait for
    t = timeline_of([{"name": "Toe spread", "reps": 10, "window": "40s"}])
    assert first(t, "reps").start == spoken(t, "Ten reps at your own pace. You have forty seconds.").end


# ------------------------------------------------------------------------------ the words


def show_lines(routine_file) -> list[str]:
    result = CliRunner().invoke(app, ["show", str(routine_file), "--engine", "piper"])
    assert result.exit_code == 0, result.output
    return [line.split(None, 2)[2] for line in result.stdout.splitlines()
            if line[:2].isdigit() and line.split()[1] == "speech"]


REPS = """\
title: Calf raises
settings: {{rest: 10s, set_rest: 45s, chimes: false}}
exercises:
  - name: Calf raises
    reps: 4
    rep_time: 2s
    sets: 2
{extra}
  - name: Heel walk
    reps: 5
    window: 20s
"""


def test_and_rest_is_said_once_with_the_rest_that_follows(write_routine, clip_cache):
    said = show_lines(write_routine(REPS.format(extra="")))
    assert said[said.index("Last set.") - 1] == "And rest for forty-five seconds."
    assert "Rest for forty-five seconds." not in said
    assert "And rest for ten seconds." in said and "Next: Heel walk." in said
    assert not any(line.startswith("Rest for ten seconds.") for line in said)
    assert said[-2:] == ["And rest.", "That's the end of Calf raises. Well done."]


def test_reps_followed_at_once_by_the_other_side_do_not_say_rest(write_routine, clip_cache):
    said = show_lines(write_routine(REPS.format(extra="    sides: [right, left]\n    side_label: foot")))
    assert said[said.index("Switch to the left foot.") - 1] == "Good."


def test_no_two_cues_in_a_row_say_rest_in_the_built_in_routines():
    """Every pair of consecutive spoken cues of the built-in routines: no rest said twice."""
    templates = CueTemplates("en")
    for path in available_routines():
        script = render_script(load_routine(path).routine, templates, total_seconds=600)
        said = [s.text for s in script.segments if isinstance(s, Speech)]
        for a, b in pairwise(said):
            assert not ("rest" in a.lower().split(" ") and b.lower().startswith("rest")), (path.name, a, b)
            assert a != b, (path.name, a)


FLOW = """\
title: Flow
exercises:
  - name: Sun salute
    instructions: [{instructions}]
    rounds: 2
    flow:
      - {{breath: in, pose: reach up}}
      - {{breath: out, pose: fold forward}}
"""


@pytest.mark.parametrize(("instructions", "flow_cue"), [
    ("Stand tall.", "Move with your breath, two rounds. One pose for each breath."),
    ("Stand tall. Move with each breath.", "Two rounds. One pose for each breath."),
    ("Stand tall, then take one pose per breath.", "Two rounds."),
    ("Breathe slowly and let each pose take a breath.", "Two rounds."),
])
def test_a_flow_does_not_repeat_the_pacing_its_instructions_give(write_routine, clip_cache, instructions, flow_cue):
    said = show_lines(write_routine(FLOW.format(instructions=instructions)))
    assert said[2] == flow_cue
    assert said[3] == "Round one."


BUILT = """\
title: Pauses heard
settings: {chimes: false, settle: 0s, rest: 2s, breath: 3s}
exercises:
  - name: Heel drops
    reps: 2
    rep_time: 2s
  - name: Sun salute
    rounds: 2
    flow:
      - {breath: in, pose: reach up}
      - {breath: out, pose: fold forward}
"""


def test_a_build_leaves_the_pause_silent_before_the_count_and_the_first_pose(write_routine, build_piper):
    result = build_piper(write_routine(BUILT))[0]
    cues = sheet(result.cue_sheet)["cues"]
    pcm = decode(result.mp3)
    assert pcm.size == result.sheet.samples
    pairs = [("Two reps. I'll count.", "one"), ("Round one.", "breathe in, reach up"),
             ("Last round.", "breathe in, reach up")]
    for said, then in pairs:
        before = next(c for c in cues if c.get("text") == said)
        after = next(c for c in cues if c.get("text") == then and c["start_s"] > before["start_s"])
        assert after["start_s"] - before["end_s"] == pytest.approx(0.5, abs=1e-3), (said, then)
        assert rms_dbfs(span(pcm, before["end_s"], after["start_s"], trim_s=0.02)) < SILENCE_DBFS
        assert first_sound(pcm, before["end_s"] + 0.02) == pytest.approx(after["start_s"], abs=0.06)
    said = [c["text"] for c in cues if c["kind"] == "speech"]
    assert "And rest for two seconds." in said and "Next: Sun salute." in said
