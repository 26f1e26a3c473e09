"""Bad input: one clear message naming the file, line and field; exit code 2; nothing written."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioroutine.cli import app

GOOD_EXERCISE = "  - name: Calf stretch\n    hold: 30s\n"


def routine(body: str = "", exercises: str = GOOD_EXERCISE) -> str:
    return f"title: Feet\n{body}exercises:\n{exercises}"


CASES = [
    # (name, file content, expected words in the message, expected "file:line")
    ("malformed", "title: Feet\nexercises:\n  - name: [unclosed\n", ["not valid YAML"], ":3"),
    ("tabs", "title: Feet\nexercises:\n\t- name: x\n", ["not valid YAML"], ":3"),
    ("not-a-mapping", "- just\n- a list\n", ["must be a mapping", "not a list"], ":1"),
    ("scalar", "hello\n", ["must be a mapping"], ":1"),
    ("empty", "", ["is empty"], ""),
    ("only-comments", "# nothing here\n", ["is empty"], ""),
    ("unknown-key", routine(exercises="  - name: Calf stretch\n    holdd: 30s\n"),
     ["unknown key 'holdd'", "did you mean 'hold'", "exercises[1] (Calf stretch).holdd"], ":4"),
    ("unknown-top-key", "title: Feet\ntitel: x\n" + "exercises:\n" + GOOD_EXERCISE, ["unknown key 'titel'"], ":2"),
    ("unknown-setting", routine("settings:\n  breth: 5s\n"), ["unknown key 'breth'", "did you mean 'breath'"], ":3"),
    ("missing-hold", routine(exercises="  - name: Calf stretch\n"), ["needs a dose"], ":3"),
    ("zero-hold", routine(exercises="  - name: Calf stretch\n    hold: 0s\n"),
     ["hold: must be longer than zero"], ":4"),
    ("negative-hold", routine(exercises="  - name: Calf stretch\n    hold: -30s\n"), ["longer than zero"], ":4"),
    ("long-hold", routine(exercises="  - name: Calf stretch\n    hold: 61 min\n"), ["over one hour"], ":4"),
    ("bad-duration", routine(exercises="  - name: Calf stretch\n    hold: thirty\n"), ["not a duration", "45s"], ":4"),
    ("no-exercises", "title: Feet\nexercises: []\n", ["exercises: needs at least 1 item"], ":2"),
    ("no-exercises-key", "title: Feet\n", ["exercises: is required"], ""),
    ("missing-title", "exercises:\n" + GOOD_EXERCISE, ["title: is required"], ""),
    ("two-doses", routine(exercises="  - name: Calf stretch\n    hold: 30s\n    reps: 10\n"),
     ["more than one dose"], ":3"),
    ("bad-side", routine(exercises="  - name: Calf stretch\n    hold: 30s\n    sides: [up]\n"), ["sides"], ":5"),
    ("duplicate-key", "title: Feet\ntitle: Again\nexercises:\n" + GOOD_EXERCISE, ["not valid YAML"], ""),
]


@pytest.fixture
def cli(tmp_path, clip_cache):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, [*args], catch_exceptions=False)

    return invoke


def assert_clean_failure(result, out: Path, code: int = 2):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ")
    assert not out.exists() or not any(out.iterdir()), "nothing may be written on bad input"


@pytest.mark.parametrize(("name", "content", "words", "where"), CASES, ids=[c[0] for c in CASES])
def test_bad_routine_files(cli, tmp_path, name, content, words, where):
    path = tmp_path / f"{name}.yaml"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = cli("build", str(path), "--engine", "piper", "--out", str(out))
    assert_clean_failure(result, out)
    assert f"{path}{where}" in result.stderr
    for word in words:
        assert word in result.stderr


def test_binary_file(cli, tmp_path):
    path = tmp_path / "song.yaml"
    path.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90")
    out = tmp_path / "out"
    result = cli("build", str(path), "--engine", "piper", "--out", str(out))
    assert_clean_failure(result, out)
    assert "not a text file" in result.stderr and str(path) in result.stderr


def test_latin1_file(cli, tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("title: Pied\u00e9\nexercises: []\n".encode("latin-1"))
    result = cli("validate", str(path))
    assert result.exit_code == 2 and "not UTF-8" in result.stderr


def test_missing_file_suggests_a_routine(cli, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "example-calf-cre", "--engine", "piper", "--out", str(out))
    assert_clean_failure(result, out)
    assert "no such file or routine" in result.stderr
    assert "did you mean 'example-calf-care'" in result.stderr


def test_unknown_engine(cli, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "example-calf-care", "--engine", "festival", "--out", str(out))
    assert_clean_failure(result, out)
    assert "unknown engine 'festival'" in result.stderr and "piper" in result.stderr


def test_unknown_voice(cli, tmp_path):
    out = tmp_path / "out"
    missing = tmp_path / "nobody.onnx"
    result = cli("build", "example-calf-care", "--engine", "piper", "--voice", str(missing), "--out", str(out))
    assert_clean_failure(result, out)
    assert "no such voice file" in result.stderr and str(missing) in result.stderr


def test_voice_that_is_not_a_piper_model(cli, tmp_path):
    out = tmp_path / "out"
    bogus = tmp_path / "voice.onnx"
    bogus.write_bytes(b"not a model")
    (tmp_path / "voice.onnx.json").write_text("{}")
    result = cli("build", "example-calf-care", "--engine", "piper", "--voice", str(bogus), "--out", str(out),
                 "--cache-dir", str(tmp_path / "cache"))
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    assert str(bogus) in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_template_error(cli, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    builtin = Path(__file__).resolve().parents[1] / "scripts_templates" / "en"
    for template in builtin.glob("*.j2"):
        (templates / template.name).write_text(template.read_text())
    (templates / "hold.j2").write_text("Hold for {{ hold.seconds | wrds }}.\n")
    out = tmp_path / "out"
    result = cli("build", "example-calf-care", "--engine", "piper", "--templates", str(templates), "--out", str(out))
    assert_clean_failure(result, out)
    assert "hold.j2" in result.stderr and "wrds" in result.stderr


def test_validate_reports_every_bad_file_and_passes_good_ones(cli, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(routine())
    bad = tmp_path / "bad.yaml"
    bad.write_text(routine(exercises="  - name: Calf stretch\n    hold: 0s\n"))
    result = cli("validate", str(good), str(bad))
    assert result.exit_code == 2
    assert f"ok  {good}" in result.stdout
    assert f"{bad}:4" in result.stderr


def test_one_bad_routine_stops_the_build_before_anything_is_written(cli, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(routine())
    bad = tmp_path / "bad.yaml"
    bad.write_text(routine(exercises="  - name: Calf stretch\n    hold: 2h\n"))
    out = tmp_path / "out"
    result = cli("build", str(good), str(bad), "--engine", "piper", "--out", str(out))
    assert_clean_failure(result, out)


# ---------------------------------------------------------------------------- issue 11, item 8

def exercise(*lines: str, name: str = "Calf stretch") -> str:
    return routine(exercises=f"  - name: {name}\n" + "".join(f"    {line}\n" for line in lines))


RUNNER_CASES = [
    # (name, file content, the message after "file:line: ", expected line)
    ("rest-in-exercise", exercise("hold: 30s", "rest: 30s"),
     "exercises[1] (Calf stretch).rest: unknown key 'rest': an exercise's rests are  set_rest: 30s  (between its "
     "sets) or  rest_after: 30s  (after it); settings.rest sets every rest between exercises", 5),
    ("hold-range", exercise("hold: 30-45s"),
     "exercises[1] (Calf stretch).hold: '30-45s' is a range; pick one, like  hold: 45s, and keep the range for the "
     "record in  dose_range: 30 to 45 seconds", 4),
    ("breath-range", exercise("hold: 5 to 6 breaths"),
     "exercises[1] (Calf stretch).hold: '5 to 6 breaths' is a range; pick one, like  hold: 6 breaths, and keep the "
     "range for the record in  dose_range: 5 to 6 breaths", 4),
    ("reps-range", exercise("reps: 8-10"),
     "exercises[1] (Calf stretch).reps: '8-10' is a range; pick one, like  reps: 10, and keep the range for the "
     "record in  dose_range: 8 to 10 reps", 4),
    ("rest-range", routine("settings:\n  rest: 20-30s\n"),
     "settings.rest: '20-30s' is a range; pick one, like  rest: 30s", 3),
    ("reps-word", exercise("reps: ten"), "exercises[1] (Calf stretch).reps: 'ten' is not a whole number; write it in "
     "digits, like 10", 4),
    ("sets-by-reps", exercise("reps: 3x10"),
     "exercises[1] (Calf stretch).reps: '3x10': write  sets: 3  and  reps: 10  as two keys", 4),
    ("negative-reps", exercise("reps: -5"), "exercises[1] (Calf stretch).reps: must be more than 0", 4),
    ("too-many-sets", exercise("reps: 5", "sets: 30"), "exercises[1] (Calf stretch).sets: must be at most 20", 5),
    ("long-breath", routine("settings:\n  breath: 2m\n"), "settings.breath: must be at most 1m", 3),
    ("bad-side", exercise("hold: 30s", "sides: [left, up]"),
     "exercises[1] (Calf stretch).sides[2]: 'up' is not a side; choose right or left (or  sides: both)", 5),
    ("three-sides", exercise("hold: 30s", "sides: [left, right, left]"),
     "exercises[1] (Calf stretch).sides: has more than 2: name right, left or both", 5),
    ("bad-when", "title: Feet\nwhen: lunchtime\nexercises:\n" + GOOD_EXERCISE,
     "when: choose pre-run, post-run or any time", 2),
    ("side-for-sides", exercise("hold: 30s", "side: left"),
     "exercises[1] (Calf stretch).side: unknown key 'side': write  sides: [right, left]  (or  sides: both)", 5),
    ("duration", exercise("duration: 30s"), "exercises[1] (Calf stretch).duration: unknown key 'duration': say how "
     "long with  hold: 30s  (a still hold) or  work: 1m  (timed work)", 4),
    ("misspelt", exercise("hold: 30s", "instuctions: [Lean in.]"),
     "exercises[1] (Calf stretch).instuctions: unknown key 'instuctions'; did you mean 'instructions'?", 5),
    ("unknown", exercise("hold: 30s", "colour: red"),
     "exercises[1] (Calf stretch).colour: unknown key 'colour'. Valid keys here: dose_range, equipment, flow, hold, "
     "id, instructions, lower, name, note, relax, rep_time, reps, rest_after, rounds, set_rest, sets, side_label, "
     "sides, variations, window, work", 5),
    ("rest-between-sets", routine("settings:\n  rest_between_sets: 30s\n"),
     "settings.rest_between_sets: unknown key 'rest_between_sets': the rest between sets is  set_rest: 20s", 3),
    ("rest-at-top", routine("rest: 20s\n"),
     "rest: unknown key 'rest': rest is a setting: put it under  settings:, like  settings: {rest: 20s}", 2),
    ("no-name", routine(exercises="  - hold: 30s\n"),
     "exercises[1].name: is required: every exercise has a name, like  - name: Calf stretch", 3),
    ("exercise-as-text", routine(exercises="  - Calf stretch\n"),
     "exercises[1]: must be keys and values: write  - name: Calf stretch  and its  hold: 30s  on the next line, "
     "lined up with name", 3),
    ("exercises-as-mapping", "title: Feet\nexercises:\n  calf:\n    hold: 30s\n",
     "exercises: must be a list: start each exercise with  - name:", 2),
    ("settings-as-list", routine("settings:\n  - rest: 20s\n"),
     "settings: must be keys and values, like  rest: 20s  on lines of their own (no '-' before them)", 2),
    ("flow-step-as-text", exercise("flow:", "  - Reach up"),
     "exercises[1] (Calf stretch).flow[1]: must be a pose and its breath, like  - {breath: in, pose: Reach up}", 5),
    ("not-a-boolean", routine("settings:\n  chimes: maybe\n"),
     "settings.chimes: 'maybe' is not true or false; write true or false", 3),
    ("name-as-list", exercise("hold: 30s", name="[a, b]"), "exercises[1].name: must be text, not a list", 3),
    ("tab", "title: Feet\nexercises:\n  - name: Calf stretch\n\thold: 30s\n",
     "is not valid YAML: line 4 is indented with a tab; indent with spaces, not tabs", 4),
    ("deeper-key", "title: Feet\nexercises:\n  - name: Calf stretch\n     hold: 30s\n",
     "is not valid YAML: line 4 is indented differently from the lines above it; line up the keys of one mapping "
     "(and the '-' of one list) with spaces", 4),
    ("shallower-item", "title: Feet\nexercises:\n  - name: A\n    hold: 30s\n   - name: B\n    hold: 30s\n",
     "is not valid YAML: line 5 is indented differently from the lines above it; line up the keys of one mapping "
     "(and the '-' of one list) with spaces", 5),
    ("indented-top-key", "title: Feet\n  description: Slow\nexercises:\n" + GOOD_EXERCISE,
     "is not valid YAML: line 2 is indented differently from the lines above it; line up the keys of one mapping "
     "(and the '-' of one list) with spaces", 2),
    ("unquoted-colon", "title: Feet\ndescription: Note: go slowly\nexercises:\n" + GOOD_EXERCISE,
     "is not valid YAML: a value holding ': ' must be quoted, like  description: \"Note: go slowly\"", 2),
]


@pytest.mark.parametrize(("name", "content", "message", "line"), RUNNER_CASES, ids=[c[0] for c in RUNNER_CASES])
def test_a_mistake_is_told_with_its_fix(cli, tmp_path, name, content, message, line):
    """One message, naming the file, line and field, in a runner's words with the fix; exit 2."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(content, encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr == f"error: {path}:{line}: {message}\n"


def test_every_problem_in_the_file_is_told_at_once_by_line(cli, tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(routine(exercises="  - name: Toe yoga\n    reps: ten\n"
                                      "  - name: Calf stretch\n    hold: thirty\n    sides: [up]\n    rest: 30s\n"))
    out = tmp_path / "out"
    result = cli("build", str(path), "--engine", "piper", "--out", str(out))
    assert_clean_failure(result, out)
    assert result.stderr.splitlines() == [
        f"error: {path}: 4 problems:",
        f"  {path}:4: exercises[1] (Toe yoga).reps: 'ten' is not a whole number; write it in digits, like 10",
        f"  {path}:6: exercises[2] (Calf stretch).hold: 'thirty' is not a duration; write it like 45s, 1m30s, 2 min, "
        "1.5 minutes (or in breaths, like 6 breaths)",
        f"  {path}:7: exercises[2] (Calf stretch).sides[1]: 'up' is not a side; choose right or left (or  sides: both)",
        f"  {path}:8: exercises[2] (Calf stretch).rest: unknown key 'rest': an exercise's rests are  set_rest: 30s  "
        "(between its sets) or  rest_after: 30s  (after it); settings.rest sets every rest between exercises",
    ]


ACCEPTED = [
    # (what is written, what it means)
    (exercise("hold: 30s", "instructions: Lie down."), {"instructions": ["Lie down."]}),
    (exercise("hold: 30s", "equipment: mat"), {"equipment": ["mat"]}),
    (exercise("hold: 30s", "sides: both"), {"sides": ["right", "left"]}),
    (exercise("hold: 30s", "sides: [Left, Right]"), {"sides": ["left", "right"]}),
    (exercise("hold: 30s", "sides: Left"), {"sides": ["left"]}),
    (exercise("hold: 30s", "sides: left and right"), {"sides": ["left", "right"]}),
    (exercise("hold: 30s", "sides: both sides"), {"sides": ["right", "left"]}),
    (exercise("hold: 30s", "sides: both", "side_label: Foot"), {"side_label": "foot"}),
    (exercise("hold: 30", "variations:", "  - {name: Knees bent, instructions: Bend your knees.}"),
     {"hold": "30s", "variations": [{"name": "Knees bent", "instructions": ["Bend your knees."]}]}),
    (exercise("reps: '10'"), {"reps": 10}),
]


@pytest.mark.parametrize(("content", "meaning"), ACCEPTED, ids=[str(i) for i in range(len(ACCEPTED))])
def test_the_unambiguous_is_accepted(tmp_path, content, meaning):
    from audioroutine import load_routine

    path = tmp_path / "routine.yaml"
    path.write_text(content, encoding="utf-8")
    exercise_data = load_routine(path).routine.exercises[0].model_dump(mode="json")
    assert {key: exercise_data[key] for key in meaning} == meaning


@pytest.mark.parametrize("written", ["Pre-run", "pre run", "PRE-RUN"])
def test_when_in_any_case_is_accepted(tmp_path, written):
    from audioroutine import load_routine

    path = tmp_path / "routine.yaml"
    path.write_text(f"title: Feet\nwhen: {written}\nexercises:\n{GOOD_EXERCISE}", encoding="utf-8")
    assert load_routine(path).routine.when == "pre-run"


def test_sides_both_is_heard_right_then_left(cli, tmp_path):
    path = tmp_path / "both.yaml"
    path.write_text(exercise("hold: 30s", "sides: both", "instructions: Lean into the wall."), encoding="utf-8")
    result = cli("show", str(path), "--engine", "piper", "--set", "calf-stretch.side_label=Leg")
    assert result.exit_code == 0, result.output
    said = result.stdout
    assert "Lean into the wall." in said
    assert said.index("Right leg first.") < said.index("Switch to the left leg.")
