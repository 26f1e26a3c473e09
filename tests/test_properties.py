"""The command line's promise on generated input (hypothesis): routine files and overrides, valid
and not (random structures and keys; scalars that are NaN, endless, huge, negative, unicode or
control characters; YAML text cut and spliced), through the real CLI in-process (typer's
CliRunner). Each run ends in exit 0 with sane output, or exit 2 with one message and no traceback;
nothing raw reaches the terminal. ``validate`` and ``show`` make no audio; a few tiny routines
are built with the offline voice.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from audioroutine.cli import app
from audioroutine.model import Exercise, Routine, Settings, Source

EXAMPLES = int(os.environ.get("AUDIOROUTINE_PROPERTY_EXAMPLES", "60"))
"""Examples per test; set it higher to hunt (``AUDIOROUTINE_PROPERTY_EXAMPLES=2000``)."""
CASES = settings(max_examples=EXAMPLES, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BUILDS = settings(max_examples=4, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
runner = CliRunner()

# ---------------------------------------------------------------------------- strategies

ODD_CHARS = "\x00\x07\x1b\x7f\x85\x9b\u202e\u2066\ud800\t\n\r\u200f\u200d:#&*!|>'\"{}[]-%@`"
text = st.text(st.characters(codec="utf-8") | st.sampled_from(ODD_CHARS), max_size=24)
words = st.text(string.ascii_letters + " ", min_size=1, max_size=16).map(str.strip).filter(bool)
durations = st.one_of(
    st.sampled_from(["30s", "1m30s", "6 breaths", "0s", "-5s", "2 min", "90", "61 min", "1e999", "0.001s",
                     "thirty", "", "5 breaths", "1h", "9" * 400 + "s", ".nan", "1.5 minutes"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    text,
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text, durations)
keys = st.one_of(st.sampled_from(sorted({*Routine.model_fields, *Exercise.model_fields, *Settings.model_fields})),
                 text.filter(bool))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
                      max_leaves=8)
names = st.one_of(st.sampled_from(["Calf stretch", "Toe yoga", "Ankle circles"]), text)


@st.composite
def exercises(draw) -> dict:
    exercise: dict = {"name": draw(names)}
    dose = draw(st.sampled_from(["hold", "reps", "work", "flow", None]))
    if dose in ("hold", "work"):
        exercise[dose] = draw(durations)
    elif dose == "reps":
        exercise["reps"] = draw(st.integers(-3, 300))
        if draw(st.booleans()):
            exercise["rep_time"] = draw(durations)
    elif dose == "flow":
        step = st.fixed_dictionaries({"breath": st.sampled_from(["in", "out", "up"]), "pose": names},
                                     optional={"breaths": st.floats() | st.integers(-2, 30)})
        exercise["flow"] = draw(st.lists(step, max_size=3))
    optional = st.fixed_dictionaries({}, optional={
        "instructions": st.lists(names, max_size=3), "sides": st.lists(st.sampled_from(["left", "right", "up"]),
                                                                       max_size=3),
        "sets": st.integers(-1, 30), "set_rest": durations, "equipment": st.lists(text, max_size=2),
        "id": text, "side_label": text})
    exercise.update(draw(optional))
    exercise.update(draw(st.dictionaries(keys, values, max_size=1)))
    return exercise


@st.composite
def routines(draw) -> object:
    if draw(st.integers(0, 9)) == 0:
        return draw(values)  # anything at all, most often not a mapping
    routine: dict = {"title": draw(names), "exercises": draw(st.lists(exercises(), max_size=3))}
    routine.update(draw(st.fixed_dictionaries({}, optional={
        "settings": st.dictionaries(st.sampled_from(sorted(Settings.model_fields)), durations | scalars, max_size=3),
        "source": st.dictionaries(st.sampled_from(sorted(Source.model_fields)), text, max_size=2),
        "description": text, "artist": text, "when": st.sampled_from(["pre-run", "any time", "noon"]),
        "notes": st.lists(text, max_size=2)})))
    routine.update(draw(st.dictionaries(keys, values, max_size=1)))
    return routine


def dump(data: object) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@st.composite
def files(draw, data: st.SearchStrategy) -> bytes:
    """YAML text of generated data; sometimes cut, or with random text spliced in."""
    content = dump(draw(data))
    how = draw(st.sampled_from(["as is", "as is", "as is", "cut", "splice"]))
    if how == "cut":
        content = content[: draw(st.integers(0, len(content)))]
    elif how == "splice":
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(text) + content[at:]
    return content.encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------------------- the promise


def assert_promise(result, command: str) -> None:
    """Exit 0 with sane output, or exit 2 with one message and no traceback; nothing raw printed."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}") from result.exception
    assert "Traceback" not in result.output
    assert not RAW_CONTROL.search(result.stdout + result.stderr), (result.stdout + result.stderr)[:500]
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert lines and lines[0].startswith("error: "), result.stderr
        assert sum(line.startswith("error: ") for line in lines) == 1, result.stderr
        assert not result.stdout.strip() or command == "list"
    elif command == "validate":
        assert result.stdout.startswith("ok  ") and not result.stderr
    elif command == "show":
        assert re.search(r"^total ~?\d\d:\d\d", result.stdout, re.M), result.stdout


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=True)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, clip_cache) -> Path:
    return tmp_path_factory.mktemp("properties")


TINY = {"title": "Feet", "exercises": [{"name": "Calf stretch", "hold": "30s"},
                                       {"name": "Toe yoga", "reps": 5, "sides": ["left", "right"]}]}


@CASES
@given(content=files(routines()))
def test_validate_and_show_keep_the_promise_on_any_routine_file(workdir, content):
    path = workdir / "routine.yaml"
    path.write_bytes(content)
    validated = invoke("validate", str(path))
    assert_promise(validated, "validate")
    shown = invoke("show", str(path), "--engine", "piper")
    assert_promise(shown, "show")
    assert (validated.exit_code == 0) == (shown.exit_code == 0), (validated.output, shown.output)
    if validated.exit_code == 2:
        assert f"{path}" in validated.stderr  # the message names the file


overrides_data = st.one_of(
    values,
    st.fixed_dictionaries({}, optional={
        "settings": st.dictionaries(st.sampled_from(sorted(Settings.model_fields)) | keys, durations | values,
                                    max_size=2),
        "exercises": st.dictionaries(st.sampled_from(["calf-stretch", "toe-yoga", "nope"]) | text,
                                     st.dictionaries(keys, durations | values, max_size=2) | values, max_size=2),
        "title": names, "description": text}),
)
assignment = st.tuples(st.sampled_from(["calf-stretch.hold", "toe-yoga.reps", "settings.rest", "title",
                                        "settings.breath", "calf-stretch.name", "nope.hold", ""]) | text,
                       st.sampled_from(["60s", ".nan", ".inf", "[1, 2]", "{a: b}", "&a [*a]", "", "0"]) | text)


@CASES
@given(overrides=st.none() | files(overrides_data), sets=st.lists(assignment, max_size=2),
       timing=st.dictionaries(st.sampled_from(["--hold", "--breath", "--rest"]), durations.map(str), max_size=2),
       scale=st.none() | st.floats())
def test_show_keeps_the_promise_on_any_overrides(workdir, overrides, sets, timing, scale):
    routine = workdir / "tiny.yaml"
    routine.write_text(dump(TINY), encoding="utf-8")
    args = ["show", str(routine), "--engine", "piper"]
    if overrides is not None:
        (workdir / "mine.yaml").write_bytes(overrides)
        args += ["--overrides", str(workdir / "mine.yaml")]
    args += [f"--set={key}={value}" for key, value in sets]
    args += [f"{option}={value}" for option, value in timing.items()]
    args += [] if scale is None else [f"--scale={scale!r}"]
    assume(not any("\x00" in arg for arg in args))  # a command line cannot hold a NUL
    result = invoke(*args)
    assert_promise(result, "show")
    validated = invoke("validate", str(routine), *(["--overrides", str(workdir / "mine.yaml")] if overrides else []))
    assert_promise(validated, "validate")


@BUILDS
@given(hold=st.sampled_from(["20s", "30s", ".nan", "0s", "7 breaths"]),
       name=st.sampled_from(["Calf stretch", "Calf\x1bstretch", "Toe yoga"]),
       extra=st.sampled_from([{}, {"notes": ["a", "b"]}, {"bogus": [1, 2]}]))
def test_build_keeps_the_promise_on_a_tiny_routine(workdir, hold, name, extra):
    path = workdir / "build.yaml"
    path.write_text(dump({"title": "Tiny", "exercises": [{"name": name, "hold": hold}], **extra}), encoding="utf-8")
    out = workdir / "out"
    shutil.rmtree(out, ignore_errors=True)
    result = invoke("build", str(path), "--engine", "piper", "--out", str(out))
    assert_promise(result, "build")
    if result.exit_code == 0:
        sheet = json.loads((out / "build.json").read_text(encoding="utf-8"))
        assert (out / "build.mp3").stat().st_size > 0 and sheet
    else:
        assert not (out / "build.mp3").exists()
