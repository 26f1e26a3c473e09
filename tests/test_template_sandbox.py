"""Issue 10, item 19: cue templates read the validated routine and cannot change it; a template
that tries is refused at its file and line (exit 2). A user's folder of templates (with macros
that build their own lists) works as before."""

import subprocess
import sys
from pathlib import Path

import pytest

from audioroutine.errors import TemplateError
from audioroutine.model import Routine
from audioroutine.templates import CueTemplates, builtin_templates_dir

ROUTINE = """\
title: Feet
equipment: [a wall]
exercises:
  - name: Calf stretch
    instructions: [Lean on the wall.]
    equipment: [a wall]
    hold: 30s
  - name: Toe spread
    hold: 20s
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioroutine", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def folder(tmp_path):
    """A user's folder of templates: a copy of the built-in English set (macros included)."""
    mine = tmp_path / "mine"
    mine.mkdir()
    for template in (builtin_templates_dir() / "en").glob("*.j2"):
        (mine / template.name).write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
    return mine


@pytest.mark.parametrize(
    ("template", "text", "line"),
    [
        ("intro", "{{ routine.title }}.\n{% do exercises.clear() %}Let's begin.", 2),
        ("intro", "{{ routine.title }}.\n\n{{ exercises.append(1) }}", 3),
        ("intro", "{% do routine.exercises[0].instructions.append('x') %}{{ routine.title }}", 1),
        ("intro", "{% do routine.equipment.pop() %}{{ routine.title }}", 1),
        ("next", "{% do exercise.equipment.extend(['x']) %}Next: {{ exercise.name }}.", 1),
    ],
)
def test_a_template_that_changes_the_routine_is_refused_at_its_line(folder, tmp_path, template, text, line):
    (folder / f"{template}.j2").write_text(text, encoding="utf-8")
    routine = tmp_path / "feet.yaml"
    routine.write_text(ROUTINE)
    for command in (["validate", str(routine), "--templates", str(folder)],
                    ["build", str(routine), "--engine", "piper", "--templates", str(folder), "--out", "out"]):
        result = cli(*command, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith(f"error: {folder / template}.j2:{line}: "), result.stderr
        assert "cannot change the routine" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_routine_is_unchanged_after_every_cue(tmp_path):
    routine = Routine.model_validate({"title": "Feet", "equipment": ["a wall"], "exercises": [
        {"name": "Calf stretch", "instructions": ["Lean."], "hold": "30s"}]})
    before = routine.model_dump()
    templates = CueTemplates("en")
    templates.render("intro", routine=routine, exercises=routine.exercises, equipment=routine.equipment,
                     total_seconds=60.0)
    templates.render("exercise", exercise=routine.exercises[0], number=1, count=1)
    assert routine.model_dump() == before


def test_a_users_folder_with_its_own_macros_works_as_before(folder, tmp_path, clip_cache):
    """Macros that build their own lists (``{% do said.append(...) %}``) still work, and the
    user's wording is spoken."""
    (folder / "hold.j2").write_text(
        '{%- from "_macros.j2" import hold as spoken_hold -%}\n'
        "{% set words = [] %}{% do words.append('Stay') %}{{ words | join }} for {{ spoken_hold(hold) }}.\n",
        encoding="utf-8",
    )
    routine = tmp_path / "feet.yaml"
    routine.write_text(ROUTINE)
    result = cli("show", str(routine), "--engine", "piper", "--templates", str(folder), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Stay for thirty seconds." in result.stdout
    assert "Two exercises, about two minutes. You'll need a wall. Let's begin." in result.stdout


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{{ "x" * 1000000000 }}', "repeats a text"),
        ("{{ 10 ** 100000 }}", "to a power"),
        ("{{ routine.model_config }}", "no attribute 'model_config'"),
    ],
)
def test_huge_values_and_pydantic_internals_are_out_of_reach(folder, text, words):
    (folder / "outro.j2").write_text(text, encoding="utf-8")
    routine = Routine.model_validate({"title": "Feet", "exercises": [{"name": "Calf", "hold": "30s"}]})
    with pytest.raises(TemplateError) as caught:
        CueTemplates("en", folder).render("outro", routine=routine)
    assert f"{folder / 'outro.j2'}:1" in str(caught.value) and words in str(caught.value)
