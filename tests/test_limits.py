"""Issue 10, items 17 and 18: limits on speech, options refused when invalid, and timings that
leave a cue no room to be heard refused naming the exercise and the shortest length that works.

Everything here is refused at planning (no audio work) with exit 2, except the last case, where
only the clips' exact lengths show the overlap: the build refuses it before anything is written.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioroutine.cli import app
from audioroutine.limits import MAX_PHRASE_CHARS, MAX_SPEECH_CHARS
from audioroutine.routine_files import available_routines

ROUTINE = """\
title: Room
settings: {breath: 5s, breath_cues: true, rest: 5s}
exercises:
  - name: Calf stretch
    hold: 6s
  - name: Bird on a perch
    hold: 2 breaths
  - name: Heel drops
    reps: 2
    rep_time: 2s
    lower: 2s
  - name: Salute
    flow:
      - {breath: in, pose: reach up}
      - {breath: out, pose: fold}
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command line, in its own process."""
    return subprocess.run([sys.executable, "-m", "audioroutine", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def refused(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr  # one message (a build may first say which voice it uses)
    for word in words:
        assert word in errors[0], result.stderr
    return errors[0]


def shortest(message: str, field: str) -> str:
    found = re.search(rf"the shortest {field} that works is ([0-9.]+s)", message)
    assert found, message
    return found.group(1)


@pytest.fixture
def room(write_routine):
    return write_routine(ROUTINE, "room.yaml")


# ----------------------------------------------------------------------------- 17: limits on speech


def test_one_very_long_instruction_is_refused_at_its_field(write_routine, tmp_path):
    path = write_routine(ROUTINE.replace("    hold: 6s\n", "    hold: 6s\n    instructions: [" + "Lean in. " * 2200
                                         + "]\n", 1), "long.yaml")
    for command in (["validate", str(path)], ["show", str(path), "--engine", "piper"],
                    ["build", str(path), "--engine", "piper", "--out", "out"]):
        message = refused(cli(*command, cwd=tmp_path), f"{path}: exercises[1] (Calf stretch).instructions[1]",
                          f"over the limit of {MAX_PHRASE_CHARS:,}", "characters")
        assert "minutes of speech" in message
    assert not (tmp_path / "out").exists()


def test_a_template_that_renders_a_megabyte_is_refused(room, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "outro.j2").write_text('{{ "Well done. " * 80000 }}', encoding="utf-8")
    refused(cli("build", str(room), "--engine", "piper", "--templates", str(mine), "--out", "out", cwd=tmp_path),
            f"{room}: one phrase of 879,999 characters", "the cue template 'outro'")
    assert not (tmp_path / "out").exists()


def test_a_routine_that_speaks_too_much_is_refused(write_routine, tmp_path):
    exercises = "".join(f"  - name: Pose {n}\n    hold: 20s\n    instructions: [{'Breathe slowly here. ' * 40}"
                        f"Pose {n}.]\n" for n in range(1, 70))
    path = write_routine(f"title: Long\nexercises:\n{exercises}", "long.yaml")
    refused(cli("validate", str(path), cwd=tmp_path), f"{path}: the routine's speech of",
            f"over the limit of {MAX_SPEECH_CHARS:,}", "exercise 'Pose 1' says the most")


# ----------------------------------------------------------------------------- 18: options


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (["--scale", "0"], "--scale 0.0: choose a factor between 0.1 and 10"),
        (["--scale", "-2"], "--scale -2.0: choose a factor"),
        (["--scale", "nan"], "--scale nan: choose a factor"),
        (["--scale", "inf"], "--scale inf: choose a factor"),
        (["--scale", "1e300"], "--scale 1e+300: choose a factor"),
        (["--hold", ""], "--hold '': expected a duration"),
        (["--breath", ""], "--breath '': expected a duration"),
        (["--rest", ""], "--rest '': expected a duration"),
        (["--hold", "-5s"], "--hold -5s: '-5s' is not a duration"),
        (["--hold", "0s"], "--hold 0s: must be longer than zero"),
        (["--hold", "9" * 400], "--hold 999"),
        (["--hold", "2h"], "--hold 2h: "),
        (["--breath", "2h"], "--breath 2h: "),
        (["--rest", "5h"], "--rest 5h: "),
        (["--lang", ""], "--lang '': name a language"),
        (["--lang", "xx_YY"], "--lang xx_YY: settings.lang"),
        (["--voice", ""], "--voice '': must not be empty"),
        (["--tld", ""], "--tld '': must not be empty"),
        (["--tld", "evil.example/x#"], "--tld evil.example/x#: expected a domain ending"),
    ],
)
def test_an_invalid_option_is_refused_naming_it(room, tmp_path, option, words):
    out = tmp_path / "out"
    for command in ("show", "build"):
        extra = ["--out", str(out)] if command == "build" else []
        result = CliRunner().invoke(app, [command, str(room), "--engine", "piper", *option, *extra])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and result.stderr.startswith(f"error: {words}"), result.stderr
    assert not out.exists()


# ----------------------------------------------------------------------------- 18: room to be heard


@pytest.mark.parametrize(
    ("option", "exercise", "field"),
    [
        (["--breath", "0.001s"], "Bird on a perch", "breath"),
        (["--breath", "1s"], "Bird on a perch", "breath"),
        (["--hold", "0.001s"], "Calf stretch", "hold"),
        (["--rest", "0.001s"], None, "rest"),
        (["--set", "heel-drops.rep_time=0.2s"], "Heel drops", "rep_time"),
        (["--set", "heel-drops.lower=0.1s"], "Heel drops", "lower"),
        (["--set", "salute.flow=[{breath: in, pose: reach up, breaths: 0.1}]"], "Salute", "breath"),
    ],
)
def test_a_timing_too_short_to_speak_in_is_refused_with_the_shortest_that_works(room, tmp_path, option, exercise,
                                                                                 field):
    where = f"exercise {exercise!r}" if exercise else "the routine"
    message = refused(cli("show", str(room), "--engine", "piper", *option, cwd=tmp_path), f"{room}: {where}: ")
    least = shortest(message, field)
    refused(cli("build", str(room), "--engine", "piper", "--out", "out", *option, cwd=tmp_path), least)
    assert not (tmp_path / "out").exists()
    if option[0] == "--set" and "flow" in option[1]:
        return  # the breath that works for a tenth of a breath: checked below, as the breath option
    fixed = [option[0], option[1].split("=")[0] + "=" + least] if option[0] == "--set" else [option[0], least]
    result = cli("show", str(room), "--engine", "piper", *fixed, cwd=tmp_path)
    assert result.returncode == 0, f"{fixed}: {result.stderr}"


def test_the_shortest_breath_for_a_crowded_flow_works(room, tmp_path):
    crowded = ["--set", "salute.flow=[{breath: in, pose: reach up, breaths: 0.1}]"]
    least = shortest(refused(cli("show", str(room), "--engine", "piper", *crowded, cwd=tmp_path)), "breath")
    assert float(least.rstrip("s")) > 5  # a tenth of a breath must hold "breathe in, reach up"
    assert cli("show", str(room), "--engine", "piper", *crowded, "--breath", least, cwd=tmp_path).returncode == 0


def test_the_built_in_routines_pass_at_their_defaults(tmp_path):
    names = [str(path) for path in available_routines()]
    assert len(names) >= 6
    result = cli("validate", *names, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok  ") == len(names)


def test_an_overlap_only_the_exact_lengths_show_is_refused_at_build(write_routine, tmp_path, clip_cache):
    """A pose of digits is short to write and long to say ("one hundred twenty-three billion…"):
    the estimate finds room for it, the spoken clip does not. The build refuses it before
    anything is written; the next build with the breath it names succeeds."""
    path = write_routine("title: Digits\nsettings: {breath: 3s, chimes: false}\nexercises:\n"
                         "  - name: Count flow\n    flow:\n      - {breath: in, pose: '123456789123'}\n"
                         "      - {breath: out, pose: fold}\n", "digits.yaml")
    assert cli("validate", str(path), cwd=tmp_path).returncode == 0
    out = tmp_path / "out"
    message = refused(cli("build", str(path), "--engine", "piper", "--out", str(out), cwd=tmp_path),
                      "exercise 'Count flow': at breath 3s, 'breathe in, 123456789123'")
    assert not out.exists() or not any(out.iterdir())
    least = shortest(message, "breath")
    again = cli("build", str(path), "--engine", "piper", "--out", str(out), "--breath", least, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (out / "digits.mp3").is_file() and (out / "digits.json").is_file()
