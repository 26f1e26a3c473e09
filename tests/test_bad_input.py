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
