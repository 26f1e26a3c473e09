"""Golden files: the timed script of every built-in routine, as ``audioroutine show`` prints it.

``tests/golden/<routine>.txt`` holds the output of ``audioroutine show <routine> --engine piper``
run with an empty clip cache, so every length is the estimate (marked ``~``) and the text does not
depend on what has been spoken on this machine; the routine's folder is written ``routines/``.
A change of wording, timing or order shows here as a diff to review. After a deliberate change,
rewrite the files with ``AUDIOROUTINE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py``
and commit them with the change.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioroutine import load_routine
from audioroutine.cli import app
from audioroutine.routine_files import builtin_routines_dir

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_ENV = "AUDIOROUTINE_UPDATE_GOLDEN"
BUILT_IN = sorted(path.stem for path in builtin_routines_dir().glob("*.yaml")  # piper speaks English only
                  if load_routine(path).routine.settings.lang == "en")


def shown(name: str, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``audioroutine show <name> --engine piper`` with the given clip cache, from the repository's
    top folder (where the routine's name is looked up), with that folder left out of the text."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(app, ["show", name, "--engine", "piper", "--cache-dir", str(cache_dir)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout.replace(f"{REPO}{os.sep}", "")


@pytest.mark.parametrize("name", BUILT_IN)
def test_show_prints_the_golden_script(name, tmp_path, monkeypatch):
    text = shown(name, tmp_path / "empty-cache", monkeypatch)
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get(UPDATE_ENV) == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"{UPDATE_ENV}=1: rewrote {golden.relative_to(REPO)}")
    assert golden.is_file(), f"no golden file {golden.relative_to(REPO)}; make it with {UPDATE_ENV}=1"
    expected = golden.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=str(golden.relative_to(REPO)),
            tofile=f"audioroutine show {name} --engine piper",
        )
        pytest.fail(
            f"the script of {name} changed; if that is meant, rerun with {UPDATE_ENV}=1 and commit the "
            f"golden file:\n{''.join(diff)}",
            pytrace=False,
        )


def test_every_built_in_routine_has_a_golden_file_and_no_other():
    assert BUILT_IN
    assert sorted(path.stem for path in GOLDEN.glob("*.txt")) == BUILT_IN
