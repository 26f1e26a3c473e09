"""Every command a user can copy works: each ``audioroutine`` command in the README's and docs'
code blocks, and each ``Example:`` in ``--help``, is run as written (by a shell, in a folder holding
the built-in routines and the files the docs name) and must exit 0 without a traceback.

A YAML block whose first line is ``# NAME.yaml`` is that file: it is written into the folder, so the
docs' complete example and overrides file are checked too. Commands run in document order, each
document's after the README's; ``cache clear`` runs last, on a copy of the run's clip cache.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer

from audioroutine.cli import app
from audioroutine.hearing import recognizer_installed

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
COMMAND = re.compile(r"^(?:python3 -m )?audioroutine\b")
LAST = ("cache clear",)  # changes what other commands find: run after them


def _blocks(lang: str) -> list[tuple[str, str]]:
    """(where, body) of every fenced block of this language (``""`` is a plain block)."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            if match.group(1) == lang:
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{doc.relative_to(REPO)}:{line}", match.group(2)))
    return found


def doc_commands() -> list[tuple[str, str]]:
    """(where, command) for each audioroutine command in the docs' shell blocks, in order, once each."""
    seen: dict[str, str] = {}
    for where, body in _blocks(""):
        for line in body.splitlines():
            for part in line.split("&&"):
                part = part.strip()
                if COMMAND.match(part):
                    seen.setdefault(part, where)
    return [(where, command) for command, where in seen.items()]


def doc_files() -> dict[str, str]:
    """The files the docs show: YAML blocks that start with ``# NAME.yaml``."""
    files: dict[str, str] = {}
    for where, body in _blocks("yaml"):
        if match := re.fullmatch(r"# ([\w.-]+\.yaml)", body.splitlines()[0].strip()):
            assert files.setdefault(match.group(1), body) == body, f"{where}: another {match.group(1)} differs"
    return files


def help_examples() -> list[tuple[str, str]]:
    """(command path, example) for each ``Example:`` in the app's and its commands' help."""
    found = []

    def walk(command: click.Command, path: str) -> None:
        for example in re.findall(r"Example: (audioroutine[^\n]*)", command.help or ""):
            found.append((path, example.strip()))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "audioroutine")
    return found


def _all_commands() -> list[tuple[str, str]]:
    commands = dict.fromkeys(doc_commands() + [(f"{path} --help", ex) for path, ex in help_examples()])
    ordered = sorted(commands, key=lambda item: any(last in item[1] for last in LAST))
    unique: dict[str, str] = {}
    for where, command in ordered:
        unique.setdefault(command, where)
    return [(where, command) for command, where in unique.items()]


COMMANDS = _all_commands()


def test_the_docs_show_commands_and_files():
    """The collection itself works: the README's everyday commands, the overrides and the routine
    example are found (a change of layout that hid them would pass every command test vacuously)."""
    commands = [command for _, command in COMMANDS]
    assert any(c.startswith("audioroutine build example-calf-care --set") for c in commands)
    assert any(c.startswith("python3 -m audioroutine build --all") for c in commands)
    assert len(help_examples()) >= 8
    assert {"my-routine.yaml", "my-holds.yaml"} <= set(doc_files())


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, speak, clip_cache) -> tuple[Path, dict[str, str]]:
    """A folder with the built-in routines, the docs' files and a copy of the run's clip cache
    holding every phrase they speak; the environment to run the commands in."""
    root = tmp_path_factory.mktemp("docs")
    shutil.copytree(REPO / "routines", root / "routines", ignore=shutil.ignore_patterns("__*"))
    for name, body in doc_files().items():
        (root / name).write_text(body, encoding="utf-8")
    speak(*sorted((root / "routines").glob("*.yaml")), root / "my-routine.yaml")
    cache = root / "cache"
    shutil.copytree(clip_cache, cache)
    bin_dir = root / "bin"
    bin_dir.mkdir()
    for name, run in (("audioroutine", f'"{sys.executable}" -m audioroutine'), ("python3", f'"{sys.executable}"')):
        (bin_dir / name).write_text(f'#!/bin/sh\nexec {run} "$@"\n')
        (bin_dir / name).chmod(0o755)
    (root / "home").mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(root / "home"),
           "AUDIOROUTINE_CACHE": str(cache), "AUDIOROUTINE_ENGINE": "offline"}
    return root, env


@pytest.mark.parametrize(("where", "command"), COMMANDS, ids=[c for _, c in COMMANDS])
def test_documented_command_works(workdir, where, command):
    """The command, run as written in a shell (the offline voices stand in for ``auto``), exits 0
    and says no traceback."""
    root, env = workdir
    if re.match(r"audioroutine check\b", command) and not recognizer_installed():
        pytest.skip("the check extra (pocketsphinx) is not installed")
    if re.match(r"(?:python3 -m )?audioroutine studio\b(?!.*--help)", command):
        pytest.skip("the studio serves until stopped: tests/test_studio_api.py starts it and drives it")
    done = subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{where}: `{command}` exited {done.returncode}:\n{done.stderr}{done.stdout}"
    assert "Traceback" not in done.stderr + done.stdout
