"""Hostile routine and overrides files: alias bombs, deep nesting, NaN and endless numbers, control
characters. Each is one message naming the file (and line and field where known), exit code 2, no
traceback, nothing written; and nothing raw reaches the terminal."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioroutine.cli import app
from audioroutine.yamlbounds import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

TINY = "title: Feet\nexercises:\n  - name: Calf stretch\n    hold: 30s\n"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
runner = CliRunner()


def bomb(levels: int = 9, key: str = "lol") -> str:
    """A "billion laughs": each level a list of nine aliases of the level before (9**levels values)."""
    lines = [f'{key}0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"{key}{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def deep_flow(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_block(levels: int) -> str:
    return "\n" + "".join("  " * (i + 1) + "a:\n" for i in range(levels)) + "  " * (levels + 1) + "x"


def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=True)


def assert_refused(result, *words: str, out: Path | None = None):
    """Exit 2, one message (no traceback) holding ``words``, nothing raw, nothing written."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("error: ") == 1, result.stderr
    assert not RAW_CONTROL.search(result.stdout + result.stderr)
    for word in words:
        assert word in result.stderr, result.stderr
    if out is not None:
        assert not out.exists() or not any(out.iterdir())


# Runs the command and prints its peak memory: the command is forked from this small process, not
# from pytest (a child's peak counts the pages of the process it was forked from).
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def run_process(*args: str, cwd: Path) -> tuple[int, str, int]:
    """Run the real CLI in a process of its own; its exit code, standard error and peak memory (kB).
    A process still running after 120 s (a hang, not a slow machine) is killed."""
    err = cwd / "stderr.txt"
    with err.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-c", _MEASURE, sys.executable, "-m", "audioroutine", *args],
                                cwd=cwd, stdout=subprocess.PIPE, stderr=stderr, start_new_session=True)
        timer = threading.Timer(120, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            out, _ = proc.communicate()
        finally:
            timer.cancel()
    return proc.returncode, err.read_text(encoding="utf-8", errors="replace"), int(out.split()[-1])


# ---------------------------------------------------------------------------- 13: alias bombs, size


@pytest.mark.parametrize("command", ["validate", "show", "build"])
def test_alias_bomb_in_a_routine_file_fails_at_once_in_little_memory(tmp_path, clip_cache, command):
    path = tmp_path / "laughs.yaml"
    path.write_text(TINY + bomb(10, key="unknown"), encoding="utf-8")  # 9**10 values, under unknown keys
    assert path.stat().st_size < 1000
    code, stderr, peak_kb = run_process(command, str(path), *(["--engine", "piper"] if command != "validate" else []),
                                        cwd=tmp_path)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert f"{path}:" in stderr and f"holds more than {MAX_NODES:,} values once its aliases" in stderr
    assert peak_kb < 400_000, f"peak memory {peak_kb} kB"
    assert not (tmp_path / "output").exists()


def test_alias_bomb_in_an_overrides_file(tmp_path, clip_cache):
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    overrides = tmp_path / "mine.yaml"
    overrides.write_text("settings:\n  rest: 20s\n" + bomb(10), encoding="utf-8")
    code, stderr, peak_kb = run_process("build", "tiny.yaml", "--engine", "piper", "--overrides", "mine.yaml",
                                        cwd=tmp_path)
    assert code == 2 and "Traceback" not in stderr, stderr
    assert "mine.yaml:" in stderr and "once its aliases" in stderr
    assert peak_kb < 400_000
    assert not (tmp_path / "output").exists()


def test_bomb_of_long_text_is_bounded_too(tmp_path):
    text = 'title: Feet\nx0: &t0 "' + "ha" * 5000 + '"\n'
    text += "".join(f"x{i}: &t{i} [" + ", ".join([f"*t{i - 1}"] * 9) + "]\n" for i in range(1, 6))
    path = tmp_path / "long.yaml"
    path.write_text(text + "exercises:\n  - name: x\n    hold: 30s\n", encoding="utf-8")
    assert_refused(cli("validate", str(path)), f"{path}:", "characters of text once its aliases")


def test_bomb_in_a_set_value(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    value = "[" + ", ".join(["&a [1,2,3,4,5,6,7,8,9,10]"] + ["[*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]"]) + "]"
    levels = "{a: &l0 [1,1,1,1,1,1,1,1,1,1], " + ", ".join(
        f"b{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 8)) + "}"
    assert_refused(cli("show", str(path), "--engine", "piper", "--set", f"description={levels}"), "--set", "values")
    result = cli("show", str(path), "--engine", "piper", "--set", f"description={value}")
    assert_refused(result, "--set", "description")  # a small list is read, and is no description


def test_an_anchor_for_a_repeated_instruction_is_fine(tmp_path, clip_cache):
    path = tmp_path / "anchors.yaml"
    path.write_text(
        "title: Feet\nexercises:\n"
        "  - name: Calf stretch\n    hold: 30s\n    instructions: [&calm Breathe slowly and keep your heel down.]\n"
        "  - name: Toe stretch\n    hold: 30s\n    instructions: [*calm]\n"
        "  - name: Arch stretch\n    hold: 30s\n    instructions: [*calm]\n",
        encoding="utf-8",
    )
    result = cli("show", str(path), "--engine", "piper")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Breathe slowly and keep your heel down.") == 3


def test_self_referring_alias(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text(TINY + "notes: &n [a, *n]\n", encoding="utf-8")
    assert_refused(cli("validate", str(path)), f"{path}:5:", "alias *n is inside the value it names")


def test_file_over_the_size_limit(tmp_path, clip_cache):
    path = tmp_path / "huge.yaml"
    path.write_text(TINY + "notes:\n" + "  - a note that goes on\n" * (MAX_FILE_BYTES // 24 + 10), encoding="utf-8")
    out = tmp_path / "out"
    assert_refused(cli("build", str(path), "--engine", "piper", "--out", str(out)), f"{path}: is over 1 MB", out=out)
    assert_refused(cli("validate", "example-calf-care", "--overrides", str(path)), f"{path}: is over 1 MB")


def test_endless_file_is_read_only_up_to_the_limit(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    assert_refused(cli("validate", str(tmp_path / "tiny.yaml"), "--overrides", "/dev/zero"), "/dev/zero", "is over")


# ---------------------------------------------------------------------------- 14: nesting


@pytest.mark.parametrize(("style", "levels"), [("flow", MAX_DEPTH + 1), ("flow", 400), ("flow", 5000),
                                               ("block", MAX_DEPTH + 1), ("block", 400)])
def test_deep_nesting_in_a_routine_file(tmp_path, style, levels):
    nested = deep_flow(levels) if style == "flow" else deep_block(levels)
    path = tmp_path / "deep.yaml"
    path.write_text(TINY + f"notes: {nested}\n", encoding="utf-8")
    result = cli("validate", str(path))
    assert_refused(result, f"nests deeper than {MAX_DEPTH} levels")
    assert re.search(re.escape(str(path)) + r":\d+: ", result.stderr)


@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting_in_an_overrides_file(tmp_path, clip_cache, style):
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    overrides = tmp_path / "mine.yaml"
    nested = deep_flow(1000) if style == "flow" else deep_block(400)
    overrides.write_text(f"settings:\n  rest: 20s\nnotes: {nested}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("build", str(tmp_path / "tiny.yaml"), "--engine", "piper", "--overrides", str(overrides),
                 "--out", str(out))
    assert_refused(result, f"{overrides}:", "nests deeper", out=out)


def test_deep_nesting_in_a_real_process(tmp_path):
    (tmp_path / "deep.yaml").write_text(TINY + f"notes: {deep_flow(100_000)}\n", encoding="utf-8")
    code, stderr, _ = run_process("show", "deep.yaml", "--engine", "piper", cwd=tmp_path)
    assert code == 2 and "Traceback" not in stderr and "RecursionError" not in stderr, stderr
    assert "deep.yaml:5: nests deeper than" in stderr


def test_nesting_within_the_limit_is_read(tmp_path):
    path = tmp_path / "fine.yaml"
    path.write_text(TINY + f"notes: {deep_flow(MAX_DEPTH - 2)}\n", encoding="utf-8")
    assert_refused(cli("validate", str(path)), f"{path}:5: notes[1]", "must be text, not")  # read, then validated


# ---------------------------------------------------------------------------- 15: NaN and endless numbers

NAN_CASES = [
    ("hold", "    hold: .nan\n", "exercises[1] (Calf stretch).hold", "not a number"),
    ("hold-inf", "    hold: .inf\n", "exercises[1] (Calf stretch).hold", "too large"),
    ("hold-huge", "    hold: 1e999\n", "exercises[1] (Calf stretch).hold", "too large"),
    ("hold-huge-int", "    hold: " + "9" * 400 + "\n", "exercises[1] (Calf stretch).hold", "too large"),
    ("hold-huge-text", "    hold: " + "9" * 400 + "s\n", "exercises[1] (Calf stretch).hold", "too large"),
    ("work", "    work: -.inf\n", "exercises[1] (Calf stretch).work", "too large"),
]


@pytest.mark.parametrize(("name", "dose", "field", "words"), NAN_CASES, ids=[c[0] for c in NAN_CASES])
@pytest.mark.parametrize("command", ["validate", "show", "build"])
def test_nan_in_a_routine_file(tmp_path, clip_cache, name, dose, field, words, command):
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"title: Feet\nexercises:\n  - name: Calf stretch\n{dose}", encoding="utf-8")
    out = tmp_path / "out"
    extra = [] if command == "validate" else ["--engine", "piper"] + (["--out", str(out)] if command == "build" else [])
    assert_refused(cli(command, str(path), *extra), f"{path}:4: {field}: ", words, out=out)


@pytest.mark.parametrize(("key", "value"), [("settings:\n  rest", ".nan"), ("settings:\n  breath", ".inf"),
                                            ("settings:\n  countdown", ".nan")])
def test_nan_in_settings(tmp_path, key, value):
    path = tmp_path / "r.yaml"
    path.write_text(TINY + f"{key}: {value}\n", encoding="utf-8")
    assert_refused(cli("validate", str(path)), f"{path}:6: settings.")


def test_nan_in_a_flow(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("title: Feet\nexercises:\n  - name: Salute\n    flow:\n"
                    "      - {breath: in, pose: up, breaths: .nan}\n", encoding="utf-8")
    assert_refused(cli("validate", str(path)), f"{path}:5: exercises[1] (Salute).flow[1].breaths", "finite")


def test_nan_in_an_overrides_file_and_options(tmp_path, clip_cache):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    overrides = tmp_path / "mine.yaml"
    overrides.write_text("exercises:\n  calf-stretch:\n    hold: .nan\n", encoding="utf-8")
    assert_refused(cli("validate", str(path), "--overrides", str(overrides)), f"{overrides}:3:", "not a number")
    overrides.write_text("settings:\n  rest: .inf\n", encoding="utf-8")
    assert_refused(cli("show", str(path), "--engine", "piper", "--overrides", str(overrides)), f"{overrides}:2:")
    for value in ("nan", ".nan", ".inf", "-.inf", "1e999"):
        result = cli("show", str(path), "--engine", "piper", "--set", f"calf-stretch.hold={value}")
        assert_refused(result, f"--set calf-stretch.hold={value}: exercises[1] (Calf stretch).hold")
    for option in ("--hold", "--breath", "--rest"):
        assert_refused(cli("show", str(path), "--engine", "piper", option, "nan"), option)
    assert_refused(cli("show", str(path), "--engine", "piper", "--scale", "nan"), "--scale")


def test_list_shows_a_nan_routine_as_invalid_and_the_others(tmp_path, monkeypatch, clip_cache):
    routines = tmp_path / "routines"
    routines.mkdir()
    (routines / "bad-nan.yaml").write_text("title: Bad\nexercises:\n  - name: x\n    hold: .nan\n", encoding="utf-8")
    (routines / "good.yaml").write_text(TINY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("list")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2 and "Traceback" not in result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "invalid" in rows["bad-nan"] and "Feet" in rows["good"]
    assert "example-calf-care" in rows  # the built-in routines are still listed
    assert result.stderr.count("error: ") == 1 and "bad-nan.yaml:4: exercises[1] (x).hold" in result.stderr


# ---------------------------------------------------------------------------- 16: control characters

CONTROL = [("nul", "\\0", "U+0000"), ("esc", "\\e[31m", "U+001B"), ("c1", "\\x9b", "U+009B"),
           ("bidi", "\\u202e", "U+202E"),
           ("surrogate", "\\ud800", "valid string")]  # pydantic refuses a lone surrogate itself
PLACES = [
    ("title", 'title: "Feet{c}"\nexercises:\n  - name: Calf stretch\n    hold: 30s\n', "1: title"),
    ("name", 'title: Feet\nexercises:\n  - name: "Calf{c} stretch"\n    hold: 30s\n', "3: exercises[1] (Calf\\"),
    ("instruction", 'title: Feet\nexercises:\n  - name: Calf stretch\n    hold: 30s\n    instructions:\n'
     '      - Stand tall.\n      - "Lean{c} in."\n', "7: exercises[1] (Calf stretch).instructions[2]"),
    ("author", TINY + 'source:\n  author: "Ann{c}"\n', "6: source.author"),
    ("equipment", TINY + 'equipment: ["a ball{c}"]\n', "5: equipment[1]"),
]


@pytest.mark.parametrize(("char_name", "char", "code"), CONTROL, ids=[c[0] for c in CONTROL])
@pytest.mark.parametrize(("place", "text", "where"), PLACES, ids=[p[0] for p in PLACES])
def test_control_characters_are_refused_at_their_field(tmp_path, char_name, char, code, place, text, where):
    path = tmp_path / "r.yaml"
    path.write_text(text.format(c=char), encoding="utf-8")
    assert_refused(cli("validate", str(path)), f"{path}:{where}", code)


@pytest.mark.parametrize("command", ["show", "build"])
def test_control_characters_stop_show_and_build(tmp_path, clip_cache, command):
    path = tmp_path / "r.yaml"
    path.write_text('title: "Feet \\e[2J\\e]0;owned\\a"\nexercises:\n  - name: Calf\n    hold: 30s\n', encoding="utf-8")
    out = tmp_path / "out"
    extra = ["--out", str(out)] if command == "build" else []
    assert_refused(cli(command, str(path), "--engine", "piper", *extra), f"{path}:1: title", "U+001B", out=out)


def test_control_characters_in_overrides(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    overrides = tmp_path / "mine.yaml"
    overrides.write_text('title: Mine\nexercises:\n  calf-stretch:\n    instructions: ["x\\x85y"]\n', encoding="utf-8")
    assert_refused(cli("validate", str(path), "--overrides", str(overrides)), f"{overrides}:4:", "U+0085")
    assert_refused(cli("show", str(path), "--engine", "piper", "--set", "title=a\x1bb"),
                   "--set title=a\\x1bb: title", "U+001B")
    assert_refused(cli("show", str(path), "--engine", "piper", "--set", "calf-stretch.name=\x9b"), "U+009B")


@pytest.mark.parametrize(("raw", "code", "line"), [(b"\x1b[31m", "U+001B", 1), (b"\xc2\x9b", "U+009B", 1)])
def test_raw_control_characters_in_the_file(tmp_path, raw, code, line):
    path = tmp_path / "raw.yaml"
    path.write_bytes(b"title: Feet" + raw + b"\nexercises:\n  - name: x\n    hold: 30s\n")
    assert_refused(cli("validate", str(path)), f"{path}:{line}:", code)


def test_raw_nul_in_the_file_names_its_line(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(TINY.encode() + b"notes: [a\x00]\n")
    assert_refused(cli("validate", str(path)), f"{path}:5: is not a text file")


def test_right_to_left_text_and_emoji_are_fine(tmp_path, clip_cache):
    path = tmp_path / "rtl.yaml"
    path.write_text("title: \"\u05e9\u05dc\u05d5\u05dd \u200f\U0001F468\u200d\U0001F469\u200d\U0001F467 feet\"\n"
                    "exercises:\n  - name: Calf stretch\n    hold: 30s\n", encoding="utf-8")
    result = cli("show", str(path), "--engine", "piper")
    assert result.exit_code == 0, result.output
    assert "\u200d" in result.stdout


def test_show_and_list_escape_what_they_print(tmp_path, monkeypatch, clip_cache):
    """Text that validation does not see (a file's name, a template of one's own) is printed escaped."""
    routines = tmp_path / "routines"
    routines.mkdir()
    name = "evil\x1b[2J\x9b\u202e"
    (routines / f"{name}.yaml").write_text(TINY, encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "intro.j2").write_text("Hello\x1b]0;owned\x07 there.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    listed = cli("list")
    assert listed.exit_code == 0, listed.output
    assert "evil\\x1b[2J\\x9b\\u202e" in listed.stdout and not RAW_CONTROL.search(listed.stdout + listed.stderr)
    shown = cli("show", str(routines / f"{name}.yaml"), "--engine", "piper", "--templates", str(templates))
    assert shown.exit_code == 0, shown.output
    assert "Hello\\x1b]0;owned\\x07 there." in shown.stdout
    assert not RAW_CONTROL.search(shown.stdout + shown.stderr)
    broken = routines / f"{name}.yaml"
    broken.write_text(TINY.replace("30s", ".nan"), encoding="utf-8")
    validated = cli("validate", str(broken))
    assert_refused(validated, "evil\\x1b[2J")
