"""Issue 11, item 1: the most specific override wins, whatever the order on the command line, and
`show` and `build` say which override applied where (and when one changed nothing)."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from audioroutine import BuildOptions, Overrides
from audioroutine.cli import app
from audioroutine.cli.params import flag
from audioroutine.constants import SAMPLE_RATE
from audioroutine.loader import load_routine
from audioroutine.show import show
from audiotools import decode

ROUTINE = """\
title: Cool-down
settings: {breath: 5s, rest: 10s, set_rest: 20s}
exercises:
  - name: Calf stretch
    hold: 30s
    sides: [right, left]
  - name: Pigeon pose
    hold: 30s
  - name: Bird on a perch
    hold: 6 breaths
  - name: Heel drops
    reps: 5
    rep_time: 2s
    sets: 2
    set_rest: 10s
  - name: Toe curls
    reps: 4
    rep_time: 2s
    sets: 2
"""
NO_TIMED_HOLDS = """\
title: Strength
exercises:
  - name: Heel drops
    reps: 5
  - name: Bird on a perch
    hold: 6 breaths
"""


@pytest.fixture
def cooldown(write_routine):
    return write_routine(ROUTINE, "cooldown.yaml")


@pytest.fixture
def overrides_file(write_routine):
    """An overrides file: line 2 is settings.rest, line 5 the calf stretch's hold."""
    return write_routine("settings:\n  rest: 25s\nexercises:\n  calf-stretch:\n    hold: 1m\n", "mine.yaml")


def lengths(path, overrides, kind="hold"):
    """Each exercise's lengths of one kind of timed cue, in seconds, from the timeline `show` prints."""
    _, _, cues, _ = show(str(path), BuildOptions(engine="piper", overrides=overrides))
    found: dict[str, list[float]] = {}
    for cue in cues:
        if cue.kind == kind and cue.text is None:
            found.setdefault(cue.exercise, []).append(round(cue.end_s - cue.start_s, 3))
    return found


def lines(path, overrides):
    return load_routine(path, overrides).changes.lines(flag)


# ---------------------------------------------------------------------------- the precedence matrix


@pytest.mark.parametrize(
    ("overrides", "holds", "changes"),
    [
        (Overrides(hold="45s", assignments=("pigeon-pose.hold=1m",)),
         {"calf-stretch": [45.0, 45.0], "pigeon-pose": [60.0], "bird-on-a-perch": [30.0]},
         ["pigeon-pose hold 1m (--set), beats --hold", "hold 45s (--hold) on calf-stretch"]),
        (Overrides(hold="45s", assignments=("pigeon-pose.hold=8 breaths",)),
         {"calf-stretch": [45.0, 45.0], "pigeon-pose": [40.0]},
         ["pigeon-pose hold 8 breaths (--set)", "hold 45s (--hold) on calf-stretch"]),
        (Overrides(scale=2.0, assignments=("pigeon-pose.hold=40s",)),
         {"calf-stretch": [60.0, 60.0], "pigeon-pose": [40.0], "bird-on-a-perch": [60.0]},
         ["pigeon-pose hold 40s (--set)", "every length x2 (--scale); not pigeon-pose hold (--set)"]),
        (Overrides(scale=2.0, hold="45s"),
         {"calf-stretch": [45.0, 45.0], "pigeon-pose": [45.0], "bird-on-a-perch": [60.0]},
         ["hold 45s (--hold) on calf-stretch, pigeon-pose",
          "every length x2 (--scale); not calf-stretch hold (--hold), pigeon-pose hold (--hold)"]),
        (Overrides(scale=0.5, breath="5s"),
         {"calf-stretch": [15.0, 15.0], "bird-on-a-perch": [30.0]},
         ["breath 5s (--breath)", "every length x0.5 (--scale); not breath (--breath)"]),
    ],
    ids=["set-beats-hold", "set-breaths-beats-hold", "set-beats-scale", "hold-kept-by-scale", "breath-kept-by-scale"],
)
def test_a_value_for_one_exercise_beats_a_general_one(cooldown, overrides, holds, changes):
    found = lengths(cooldown, overrides)
    for exercise, expected in holds.items():
        assert found[exercise] == expected
    assert lines(cooldown, overrides) == changes


def test_an_overrides_files_entry_beats_hold_and_scale_and_set_beats_the_file(cooldown, overrides_file):
    with_hold = Overrides(files=(overrides_file,), hold="45s", scale=1.5)
    assert lengths(cooldown, with_hold)["calf-stretch"] == [60.0, 60.0]
    assert lengths(cooldown, with_hold)["pigeon-pose"] == [45.0]
    assert lines(cooldown, with_hold) == [
        "rest 25s (mine.yaml:2)",
        "calf-stretch hold 1m (mine.yaml:5), beats --hold",
        "hold 45s (--hold) on pigeon-pose",
        "every length x1.5 (--scale); not rest (mine.yaml:2), calf-stretch hold (mine.yaml:5), "
        "pigeon-pose hold (--hold)",
    ]
    with_set = Overrides(files=(overrides_file,), assignments=("calf-stretch.hold=50s",), hold="45s")
    assert lengths(cooldown, with_set)["calf-stretch"] == [50.0, 50.0]
    assert "calf-stretch hold 50s (--set), beats mine.yaml:5, --hold" in lines(cooldown, with_set)


def test_a_later_overrides_file_beats_an_earlier_one(cooldown, overrides_file, write_routine):
    second = write_routine("exercises:\n  calf-stretch: {hold: 40s}\n", "second.yaml")
    overrides = Overrides(files=(overrides_file, second))
    assert lengths(cooldown, overrides)["calf-stretch"] == [40.0, 40.0]
    assert "calf-stretch hold 40s (second.yaml:2), beats mine.yaml:5" in lines(cooldown, overrides)


def test_rest_beats_an_overrides_file_and_equals_set_settings_rest(cooldown, overrides_file):
    overrides = Overrides(files=(overrides_file,), rest="20s")
    assert lengths(cooldown, overrides, kind="rest")[None] == [20.0] * 4  # the rests between exercises
    assert "rest 20s (--rest), beats mine.yaml:2" in lines(cooldown, overrides)
    same = Overrides(rest="20s", assignments=("settings.rest=20",))
    assert load_routine(cooldown, same).routine.settings.rest == 20.0
    assert lines(cooldown, same) == ["rest 20 (--set)"]


@pytest.mark.parametrize("order", [["--rest", "20s", "--set", "settings.rest=30s"],
                                   ["--set", "settings.rest=30s", "--rest", "20s"]])
def test_rest_and_set_settings_rest_that_disagree_are_refused_in_either_order(cooldown, order):
    result = CliRunner().invoke(app, ["show", str(cooldown), "--engine", "piper", *order])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "error: --rest 20s: --set settings.rest=30s sets it too; give one of them"


def test_an_exercises_own_set_rest_beats_settings_however_given(cooldown, overrides_file):
    overrides = Overrides(assignments=("settings.set_rest=30s",), scale=2.0)
    rests = lengths(cooldown, overrides, kind="rest")
    assert rests["heel-drops"][0] == 20.0  # its own 10s, scaled; the setting's 30s is kept as named
    assert rests["toe-curls"][0] == 30.0
    assert lines(cooldown, overrides)[0] == "set_rest 30s (--set); not heel-drops (its own set_rest 10s)"
    own = Overrides(assignments=("settings.set_rest=30s", "toe-curls.set_rest=5s"))
    assert lengths(cooldown, own, kind="rest")["toe-curls"][0] == 5.0
    assert lines(cooldown, own)[0] == ("set_rest 30s (--set); not heel-drops (its own set_rest 10s), "
                                       "toe-curls (its own set_rest 5s)")


def test_setting_reps_keeps_their_tempo(cooldown):
    loaded = load_routine(cooldown, Overrides(assignments=("heel-drops.reps=8",)))
    heel = loaded.routine.exercises[3]
    assert (heel.reps, heel.rep_time) == (8, 2.0)  # still counted, two seconds a rep
    assert lengths(cooldown, Overrides(assignments=("heel-drops.reps=8",)), kind="reps")["heel-drops"] == [16.0, 16.0]


def test_a_bad_specific_value_is_reported_at_its_own_origin_not_the_general_option(cooldown, overrides_file):
    from audioroutine.errors import OptionError, RoutineError

    with pytest.raises(OptionError) as error:
        load_routine(cooldown, Overrides(hold="45s", assignments=("pigeon-pose.hold=abc",)))
    assert (error.value.option, error.value.value) == ("set", "pigeon-pose.hold=abc")
    overrides_file.write_text("exercises:\n  pigeon-pose:\n    hold: abc\n")
    with pytest.raises(RoutineError) as error:
        load_routine(cooldown, Overrides(files=(overrides_file,), hold="45s", scale=2.0))
    assert (error.value.path, error.value.line) == (overrides_file, 3)


# ---------------------------------------------------------------------------- what show and build print


@pytest.mark.parametrize("order", [["--hold", "45s", "--set", "pigeon-pose.hold=1m"],
                                   ["--set", "pigeon-pose.hold=1m", "--hold", "45s"]])
def test_show_prints_the_changes_in_either_order(cooldown, order):
    result = CliRunner().invoke(app, ["show", str(cooldown), "--engine", "piper", *order])
    assert result.exit_code == 0, result.output
    head = result.stdout.splitlines()[:5]
    assert head[1:5] == [
        "exercise ids: calf-stretch, pigeon-pose, bird-on-a-perch, heel-drops, toe-curls",
        "changes:",
        "  pigeon-pose hold 1m (--set), beats --hold",
        "  hold 45s (--hold) on calf-stretch",
    ]
    assert "Hold for one minute." in result.stdout and "Hold for forty-five seconds." in result.stdout


def test_show_without_overrides_prints_no_changes(cooldown):
    result = CliRunner().invoke(app, ["show", str(cooldown), "--engine", "piper"])
    assert result.exit_code == 0 and "changes" not in result.stdout


@pytest.mark.parametrize(
    ("options", "line"),
    [
        (["--hold", "45s"], "  warning: hold 45s (--hold) changes nothing: no timed holds here; it has "
                            "reps (heel-drops), breath holds (bird-on-a-perch)"),
        (["--scale", "1.5"], "  every length x1.5 (--scale); no timed holds here, only rests and breaths"),
    ],
)
def test_hold_or_scale_on_a_routine_without_timed_holds_says_so_and_still_shows(write_routine, options, line):
    path = write_routine(NO_TIMED_HOLDS, "strength.yaml")
    result = CliRunner().invoke(app, ["show", str(path), "--engine", "piper", *options])
    assert result.exit_code == 0, result.output
    assert line in result.stdout.splitlines()


def test_build_prints_the_changes_and_holds_the_specific_length(write_routine, clip_cache, tmp_path):
    """A real build, through the real command line: the changes on standard error, and the pigeon
    pose held one minute (the --set) while the calf stretch is held 45 seconds (the --hold)."""
    path = write_routine("title: Cool-down\nexercises:\n  - name: Calf stretch\n    hold: 30s\n"
                         "  - name: Pigeon pose\n    hold: 30s\n", "cooldown.yaml")
    out = tmp_path / "out"
    env = {**os.environ, "AUDIOROUTINE_CACHE": str(clip_cache)}
    result = subprocess.run(
        [sys.executable, "-m", "audioroutine", "build", str(path), "--engine", "piper", "--out", str(out),
         "--hold", "45s", "--set", "pigeon-pose.hold=1m"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert ("changes to cooldown:\n  pigeon-pose hold 1m (--set), beats --hold\n"
            "  hold 45s (--hold) on calf-stretch\n") in result.stderr
    sheet = json.loads((out / "cooldown.json").read_text())
    holds = {c["exercise"]: round((c["end_s"] - c["start_s"]) * SAMPLE_RATE) for c in sheet["cues"]
             if c["kind"] == "hold"}
    assert holds == {"calf-stretch": 45 * SAMPLE_RATE, "pigeon-pose": 60 * SAMPLE_RATE}
    assert decode(out / "cooldown.mp3").size == sheet["samples"]
