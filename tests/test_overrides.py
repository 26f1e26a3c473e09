"""Issue 4: change holds without editing the routine file, and rebuild only what changed."""

import pytest
from typer.testing import CliRunner

from audioroutine import BuildOptions, Overrides, build, load_routine
from audioroutine.cli import app
from audioroutine.engines.piper_engine import PiperEngine
from audioroutine.errors import InputError, OptionError, RoutineError
from audiotools import decode, sheet

ROUTINE = """\
title: Calf care
settings: {breath: 5s, rest: 10s}
exercises:
  - name: Calf stretch
    instructions: [Press your heel down.]
    hold: 30s
    sides: [right, left]
  - name: Bird on a perch
    hold: 6 breaths
  - name: Heel drops
    reps: 5
    rep_time: 2s
"""


@pytest.fixture
def routine(tmp_path):
    path = tmp_path / "calf-care.yaml"
    path.write_text(ROUTINE)
    return path


def as_shown(error: InputError) -> str:
    """The message as the command line shows it: an option's error names its flag (``--hold 0s: …``)."""
    return error.describe("--" + error.option) if isinstance(error, OptionError) else str(error)


def holds(loaded):
    return {e.key: str(e.hold) if e.hold else None for e in loaded.routine.exercises}


@pytest.mark.parametrize(
    ("overrides", "expected_holds", "settings"),
    [
        (Overrides(hold="45s"), {"calf-stretch": "45s", "bird-on-a-perch": "6 breaths"}, {}),
        (Overrides(breath="6s"), {"calf-stretch": "30s"}, {"breath": 6.0}),
        (Overrides(rest="20s"), {}, {"rest": 20.0}),
        (Overrides(scale=1.5), {"calf-stretch": "45s", "bird-on-a-perch": "6 breaths"}, {"breath": 7.5, "rest": 15.0}),
        (Overrides(assignments=("calf-stretch.hold=60s",)), {"calf-stretch": "1m"}, {}),
        (Overrides(assignments=("bird-on-a-perch.hold=8 breaths",)), {"bird-on-a-perch": "8 breaths"}, {}),
        (Overrides(assignments=("settings.rest=20s",)), {}, {"rest": 20.0}),
        (Overrides(assignments=("settings.breath_cues=true",)), {}, {"breath_cues": True}),
        (Overrides(assignments=("heel-drops.hold=40s",)), {"heel-drops": "40s"}, {}),
    ],
)
def test_overrides_change_exactly_what_they_name(routine, overrides, expected_holds, settings):
    loaded = load_routine(routine, overrides)
    for key, hold in expected_holds.items():
        assert holds(loaded)[key] == hold
    for key, value in settings.items():
        assert getattr(loaded.routine.settings, key) == value
    if overrides.assignments == ("heel-drops.hold=40s",):
        heel = loaded.routine.exercises[2]
        assert heel.reps is None and heel.rep_time is None  # the new dose replaces the old one
    assert routine.read_text() == ROUTINE  # the routine file is never touched


def test_overrides_file_merges_over_the_routine(routine, tmp_path):
    mine = tmp_path / "my-holds.yaml"
    mine.write_text("settings:\n  rest: 25s\nexercises:\n  calf-stretch:\n    hold: 1m\n")
    loaded = load_routine(routine, Overrides(files=(mine,)))
    assert holds(loaded)["calf-stretch"] == "1m" and loaded.routine.settings.rest == 25.0


def test_set_wins_over_the_file_and_both_over_hold(routine, tmp_path):
    mine = tmp_path / "my-holds.yaml"
    mine.write_text("exercises:\n  calf-stretch: {hold: 1m}\n")
    loaded = load_routine(routine, Overrides(files=(mine,), assignments=("calf-stretch.hold=50s",)))
    assert holds(loaded)["calf-stretch"] == "50s"
    loaded = load_routine(routine, Overrides(files=(mine,), hold="45s"))
    assert holds(loaded)["calf-stretch"] == "1m"  # the file's value for this exercise beats --hold


def test_scale_stretches_a_hold_over_the_limit(routine, tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("title: Long\nexercises:\n  - name: Plank\n    hold: 40m\n")
    with pytest.raises(OptionError) as error:
        load_routine(path, Overrides(scale=2.0))
    assert (error.value.option, error.value.value) == ("scale", 2.0)
    assert error.value.detail == "exercises[1] (Plank).hold: is over one hour; split it into sets"


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        (Overrides(assignments=("calf-strech.hold=60s",)),
         ["calf-strech", "calf-stretch, bird-on-a-perch, heel-drops"]),
        (Overrides(assignments=("calf-stretch.holdd=60s",)), ["no key 'holdd'", "hold"]),
        (Overrides(assignments=("settings.resst=20s",)), ["settings has no key 'resst'", "rest"]),
        (Overrides(assignments=("calf-stretch.hold=0s",)), ["--set calf-stretch.hold=0s", "longer than zero"]),
        (Overrides(assignments=("calf-stretch.hold=2h",)), ["--set calf-stretch.hold=2h", "over one hour"]),
        (Overrides(assignments=("calf-stretch",)), ["KEY=VALUE"]),
        (Overrides(hold="soon"), ["--hold soon", "not a duration"]),
        (Overrides(hold="0s"), ["--hold 0s", "longer than zero"]),
        (Overrides(breath="0s"), ["--breath 0s"]),
        (Overrides(scale=100.0), ["--scale", "between 0.1 and 10"]),
    ],
)
def test_bad_overrides_are_errors_that_name_the_override(routine, overrides, words):
    with pytest.raises(InputError) as error:
        load_routine(routine, overrides)
    for word in words:
        assert word in as_shown(error.value)


@pytest.mark.parametrize(
    ("overrides", "option", "value", "detail"),
    [
        (Overrides(hold="0s"), "hold", "0s", "must be longer than zero"),
        (Overrides(rest="soon"), "rest", "soon", "'soon' is not a duration"),
        (Overrides(scale=100.0), "scale", 100.0, "choose a factor between 0.1 and 10"),
        (Overrides(assignments=("calf-stretch.hold=abc",)), "set", "calf-stretch.hold=abc",
         "exercises[1] (Calf stretch).hold: 'abc' is not a duration"),
        (Overrides(assignments=("calf-stretch",)), "set", "calf-stretch", "write it as KEY=VALUE"),
        (Overrides(assignments=("settings.breath=0s",)), "set", "settings.breath=0s", "settings.breath: "),
    ],
)
def test_an_options_error_names_the_option_and_its_value_not_a_flag(routine, overrides, option, value, detail):
    with pytest.raises(OptionError) as error:
        load_routine(routine, overrides)
    assert (error.value.option, error.value.value) == (option, value)
    assert error.value.detail.startswith(detail)
    assert "--" not in str(error.value)


def test_an_overrides_files_error_is_a_routine_error_at_its_line(routine, tmp_path):
    mine = tmp_path / "my-holds.yaml"
    mine.write_text("settings:\n  rest: 25s\nexercises:\n  calf-stretch:\n    hold: abc\n")
    with pytest.raises(RoutineError) as error:
        load_routine(routine, Overrides(files=(mine,)))
    assert (error.value.path, error.value.line) == (mine, 5)
    assert error.value.field == "exercises[1] (Calf stretch).hold"


def test_bad_overrides_file_names_its_line(routine, tmp_path):
    mine = tmp_path / "my-holds.yaml"
    mine.write_text("exercises:\n  calf-stretch:\n    hold: 1m\n  nope:\n    hold: 1m\n")
    with pytest.raises(InputError) as error:
        load_routine(routine, Overrides(files=(mine,)))
    assert f"{mine}:5" in str(error.value) and "'nope'" in str(error.value)
    mine.write_text("exercises:\n  calf-stretch:\n    hold: -1m\n")
    with pytest.raises(RoutineError) as error:
        load_routine(routine, Overrides(files=(mine,)))
    assert f"{mine}:3" in str(error.value) and "must be longer than zero" in str(error.value)


def test_a_changed_hold_rebuilds_without_speaking_or_loading_the_voice(routine, tmp_path, clip_cache, monkeypatch):
    out = tmp_path / "out"
    (first,) = build([str(routine)], BuildOptions(engine="piper", out=out, cache_dir=clip_cache))
    first_sheet = sheet(first.cue_sheet)

    def no_model(self):
        raise AssertionError("the voice model was loaded for a rebuild that needed no new phrase")

    monkeypatch.setattr(PiperEngine, "_load", no_model)
    (same,) = build([str(routine)], BuildOptions(engine="piper", out=out, cache_dir=clip_cache))
    assert same.up_to_date and same.synthesized == 0

    # 30 s is "thirty seconds", 45 s is new words: use a hold whose words are already cached.
    (longer,) = build([str(routine)], BuildOptions(engine="piper", out=out, cache_dir=clip_cache,
                                                   overrides=Overrides(scale=1.0, rest="10s",
                                                                       assignments=("settings.countdown=2",))))
    assert not longer.up_to_date and longer.synthesized == 0
    counts = [c for c in sheet(longer.cue_sheet)["cues"] if c["kind"] == "count"]
    assert counts and {c["text"] for c in counts} == {"two", "one"}
    assert sheet(longer.cue_sheet)["duration_s"] == pytest.approx(first_sheet["duration_s"], abs=0.001)


def test_a_changed_hold_is_heard_at_its_new_length(routine, tmp_path, private_cache):
    clip_cache = private_cache(routine)  # the routine's words are spoken, the new hold's are not
    out = tmp_path / "out"
    (first,) = build([str(routine)], BuildOptions(engine="piper", out=out, cache_dir=clip_cache))
    (longer,) = build([str(routine)], BuildOptions(engine="piper", out=out, cache_dir=clip_cache,
                                                   overrides=Overrides(assignments=("calf-stretch.hold=45s",))))
    assert not longer.up_to_date
    cues = sheet(longer.cue_sheet)
    calf = [c for c in cues["cues"] if c["kind"] == "hold" and c["exercise"] == "calf-stretch"]
    assert [round(c["end_s"] - c["start_s"], 3) for c in calf] == [45.0, 45.0]
    assert decode(longer.mp3).size == cues["samples"]
    # only the new words were spoken: "Hold for forty-five seconds." (and the intro's new length)
    assert 1 <= longer.synthesized <= 2


def test_cli_overrides_on_build_and_show(routine, tmp_path, clip_cache):
    runner = CliRunner()
    shown = runner.invoke(app, ["show", str(routine), "--set", "calf-stretch.hold=1m", "--cache-dir", str(clip_cache)])
    assert shown.exit_code == 0, shown.output
    assert "exercise ids: calf-stretch, bird-on-a-perch, heel-drops" in shown.stdout
    assert "Hold for one minute." in shown.stdout
    assert "Halfway." in shown.stdout
    bad = runner.invoke(app, ["build", str(routine), "--set", "calf.hold=1m", "--engine", "piper",
                              "--out", str(tmp_path / "o")])
    assert bad.exit_code == 2 and "calf-stretch, bird-on-a-perch, heel-drops" in bad.stderr
    assert not (tmp_path / "o").exists()
