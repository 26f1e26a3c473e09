"""Doses as one table: the summaries, the rules, the overrides and the scaling all follow it."""

import pytest
from pydantic import ValidationError

from audioroutine import Overrides, load_routine
from audioroutine.doses import DOSE_KINDS, DOSES, dose_keys, dose_label, dose_of, dose_summary
from audioroutine.model import Exercise
from audioroutine.routine_files import available_routines, builtin_routines_dir

BUILTIN = sorted(builtin_routines_dir().glob("*.yaml"))


def test_every_builtin_routine_is_checked():
    assert len(BUILTIN) >= 6 and {p.stem for p in BUILTIN} <= {p.stem for p in available_routines()}


SUMMARIES = [
    # (exercise keys, the cue sheet's dose summary, the tags' one-line label); one breath is 5 s.
    ({"hold": "45s"}, {"sets": 1, "hold": "45s", "hold_s": 45.0}, "Calf: 45s"),
    ({"hold": "6 breaths", "sides": ["right", "left"]},
     {"sets": 1, "hold": "6 breaths", "hold_s": 30.0, "sides": ["right", "left"]}, "Calf: 6 breaths, sides right/left"),
    ({"hold": "1m30s", "sets": 2}, {"sets": 2, "hold": "1m30s", "hold_s": 90.0}, "Calf: 2 sets, 1m30s"),
    ({"work": "1m"}, {"sets": 1, "work_s": 60.0}, "Calf: -"),
    ({"reps": 12, "rep_time": "2s", "lower": "3s", "sets": 3},
     {"sets": 3, "reps": 12}, "Calf: 3 sets, 12 reps"),
    ({"reps": 10, "variations": [{"name": "straight"}, {"name": "bent"}]},
     {"sets": 1, "reps": 10, "variations": ["straight", "bent"]}, "Calf: 10 reps"),
    ({"flow": [{"breath": "in", "pose": "up"}, {"breath": "out", "pose": "down"}], "rounds": 3},
     {"sets": 1, "flow_steps": 2, "rounds": 3}, "Calf: 3 x 2 steps"),
    ({"relax": "2m"}, {"sets": 1, "relax_s": 120.0}, "Calf: relax 2m"),
]


@pytest.mark.parametrize(("keys", "summary", "label"), SUMMARIES, ids=[str(s[2]) for s in SUMMARIES])
def test_summaries_for_the_cue_sheet_and_the_tags(keys, summary, label):
    exercise = Exercise(name="Calf", **keys)
    assert dose_summary(exercise, 5.0) == summary
    assert list(dose_summary(exercise, 5.0)) == list(summary)  # the cue sheet's keys, in its order
    assert dose_label(exercise.name, summary) == label


@pytest.mark.parametrize("path", BUILTIN, ids=[p.stem for p in BUILTIN])
def test_every_builtin_exercise_has_a_summary_naming_its_dose(path):
    routine = load_routine(path).routine
    for exercise in routine.exercises:
        summary = dose_summary(exercise, routine.settings.breath)
        assert summary["sets"] == exercise.sets
        assert dose_of(exercise).name in {key.removesuffix("_s").removesuffix("_steps") for key in summary}


def test_builtin_routines_use_every_kind_of_dose():
    kinds = {dose_of(e).name for p in BUILTIN for e in load_routine(p).routine.exercises}
    assert kinds == set(DOSES) - {"relax"}  # stillness: no built-in routine lies still (tests/test_rests_relax.py)


@pytest.mark.parametrize(
    ("dose", "summary", "label"),
    [
        ({"hold": "30s", "sets": 2, "sides": ["right", "left"]},
         {"sets": 2, "hold": "30s", "hold_s": 30.0, "sides": ["right", "left"]},
         "Calf: 2 sets, 30s, sides right/left"),
        ({"hold": "6 breaths"}, {"sets": 1, "hold": "6 breaths", "hold_s": 30.0}, "Calf: 6 breaths"),
        ({"work": "1m"}, {"sets": 1, "work_s": 60.0}, "Calf: -"),
        ({"reps": 10, "rep_time": "2s", "lower": "3s"}, {"sets": 1, "reps": 10}, "Calf: 10 reps"),
        ({"flow": [{"breath": "in", "pose": "Up"}, {"breath": "out", "pose": "Down"}], "rounds": 3},
         {"sets": 1, "flow_steps": 2, "rounds": 3}, "Calf: 3 x 2 steps"),
        ({"reps": 8, "variations": [{"name": "slow"}, {"name": "fast"}]},
         {"sets": 1, "reps": 8, "variations": ["slow", "fast"]}, "Calf: 8 reps"),
    ],
)
def test_summary_and_label_of_each_kind(dose, summary, label):
    exercise = Exercise.model_validate({"name": "Calf", **dose})
    assert dose_summary(exercise, 5.0) == summary
    assert dose_label("Calf", summary) == label


@pytest.mark.parametrize(
    ("dose", "message"),
    [
        ({}, "needs a dose: hold (like 30s or 6 breaths), work (like 1m), reps, flow, or relax (like 2m)"),
        ({"hold": "30s", "reps": 10}, "has more than one dose (hold and reps); choose one"),
        ({"hold": "30s", "work": "1m"}, "has more than one dose (hold and work); choose one"),
        ({"hold": "30s", "rep_time": "2s"}, "rep_time goes with reps"),
        ({"work": "1m", "window": "30s"}, "window goes with reps"),
        ({"reps": 5, "rep_time": "2s", "window": "30s"},
         "reps are either counted (rep_time) or at your own pace (window)"),
        ({"reps": 5, "lower": "2s"}, "lower needs rep_time, the time of the lifting part"),
    ],
)
def test_one_dose_with_only_its_own_keys(dose, message):
    with pytest.raises(ValidationError) as error:
        Exercise.model_validate({"name": "Calf", **dose})
    assert message in str(error.value)


def test_the_table_names_keys_of_an_exercise():
    assert set(dose_keys()) <= set(Exercise.model_fields)
    assert [kind.name for kind in DOSE_KINDS] == list(DOSES)
    assert {kind.name for kind in DOSE_KINDS if kind.timed} == {"hold", "work"}  # not relax: --hold leaves it


ROUTINE = """\
title: Doses
settings: {breath: 5s}
exercises:
  - {name: Hold, hold: 30s, set_rest: 10s, sets: 2}
  - {name: Breaths, hold: 6 breaths}
  - {name: Work, work: 1m}
  - {name: Counted, reps: 5, rep_time: 2s, lower: 3s}
  - {name: Own pace, reps: 5, window: 20s}
  - name: Flow
    flow: [{breath: in, pose: Up}, {breath: out, pose: Down}]
"""


@pytest.fixture
def doses_routine(tmp_path):
    path = tmp_path / "doses.yaml"
    path.write_text(ROUTINE)
    return path


def test_scaling_stretches_lengths_and_keeps_counts(doses_routine):
    plain = load_routine(doses_routine).routine.exercises
    scaled = load_routine(doses_routine, Overrides(scale=2.0)).routine.exercises
    hold, breaths, work, counted, own_pace, flow = scaled
    assert hold.hold.seconds == 60.0 and hold.set_rest == 20.0
    assert breaths.hold.breaths == 6
    assert work.work == 120.0
    assert (counted.reps, counted.rep_time, counted.lower) == (5, 2.0, 3.0)
    assert (own_pace.reps, own_pace.window) == (5, 40.0)
    assert flow.flow == plain[5].flow


def test_the_hold_option_sets_timed_doses_only(doses_routine):
    exercises = load_routine(doses_routine, Overrides(hold="45s")).routine.exercises
    assert [str(e.hold) if e.hold else e.work for e in exercises[:3]] == ["45s", "6 breaths", 45.0]
    assert exercises[3].reps == 5 and exercises[5].flow is not None


@pytest.mark.parametrize(
    ("assignment", "kind", "gone"),
    [
        ("counted.hold=20s", "hold", ("reps", "rep_time", "lower")),
        ("own-pace.work=1m", "work", ("reps", "window")),
        ("hold.reps=8", "reps", ("hold",)),
        ("work.flow=[{breath: in, pose: Up}]", "flow", ("work",)),
    ],
)
def test_a_new_dose_replaces_the_old_one_and_its_keys(doses_routine, assignment, kind, gone):
    exercise_id = assignment.split(".")[0]
    loaded = load_routine(doses_routine, Overrides(assignments=(assignment,)))
    exercise = next(e for e in loaded.routine.exercises if e.key == exercise_id)
    assert dose_of(exercise).name == kind
    assert all(getattr(exercise, key) is None for key in gone)


def test_a_new_count_of_the_same_dose_keeps_its_keys(doses_routine):
    """``--set counted.reps=8`` changes the count, not the kind: the tempo stays (issue 11, item 1)."""
    exercises = load_routine(doses_routine, Overrides(assignments=("counted.reps=8",))).routine.exercises
    counted = next(e for e in exercises if e.key == "counted")
    assert (counted.reps, counted.rep_time, counted.lower) == (8, 2.0, 3.0)
