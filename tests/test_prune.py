"""Issue 11: ``cache prune`` lists what it would remove and asks first, because a phrase removed is
spoken again next time as a different take. ``--dry-run`` only lists; ``--yes`` removes without
asking; with no terminal to ask on and no ``--yes`` it refuses (exit 2). The question is asked on a
real terminal (a pseudo-terminal, with the real command line in its own process)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from audioroutine.cache import ClipCache, clip_key
from audioroutine.cli import app
from audioroutine.clips import clip_stats
from audioroutine.engines.piper_engine import PiperEngine
from audiotools import tiny_routine

runner = CliRunner()
UNUSED = "A phrase no routine says any more."


@pytest.fixture
def folder(tmp_path, private_cache, monkeypatch) -> tuple[Path, Path, Path]:
    """A working folder whose ./routines holds one tiny routine, a clip cache of its own with that
    routine's clips and one clip of words no routine says; returns (cache, the unused clip, routine)."""
    routines = tmp_path / "work" / "routines"
    routines.mkdir(parents=True)
    routine = routines / "tiny-prune.yaml"
    routine.write_text(tiny_routine("Prune asks first"), encoding="utf-8")
    cache = private_cache(routine)
    identity = PiperEngine().identity()
    samples = np.full(4410, 1000, np.int16)
    ClipCache(cache).put(identity, UNUSED, samples, clip_stats(samples))
    monkeypatch.chdir(tmp_path / "work")
    return cache, ClipCache(cache)._path(clip_key(identity, UNUSED)), routine


def _files(cache: Path) -> dict[str, bytes]:
    return {str(p.relative_to(cache)): p.read_bytes() for p in sorted(cache.rglob("*")) if p.is_file()}


def test_dry_run_lists_what_would_go_and_removes_nothing(folder):
    cache, unused, _ = folder
    before = _files(cache)

    result = runner.invoke(app, ["cache", "prune", "--dry-run", "--cache-dir", str(cache)])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1 clip to remove, ")
    assert lines[1] == f"  {UNUSED!r}  (en_US-joe-medium): no routine says it"
    assert lines[-1] == "dry run: nothing removed"
    assert _files(cache) == before and unused.is_file()


def test_without_a_terminal_or_yes_it_refuses_and_removes_nothing(folder):
    cache, unused, _ = folder
    before = _files(cache)

    result = runner.invoke(app, ["cache", "prune", "--cache-dir", str(cache)])  # CliRunner's input: no tty

    assert result.exit_code == 2
    assert UNUSED in result.stdout  # what would go is listed all the same
    assert result.stderr.startswith("error: cache prune asks before removing clips, and there is no terminal")
    assert "add --yes to remove them, or --dry-run to only list them" in result.stderr
    assert "Traceback" not in result.output
    assert _files(cache) == before


def test_yes_removes_only_the_unused_clips_and_the_routine_still_builds_from_the_cache(folder, tmp_path):
    cache, unused, routine = folder

    result = runner.invoke(app, ["cache", "prune", "--yes", "--cache-dir", str(cache)])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("removed 1 clip no routine uses")
    assert not unused.exists() and not unused.with_suffix(".json").exists()
    built = runner.invoke(app, ["build", str(routine), "--engine", "piper", "--cache-dir", str(cache),
                                "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert "Speaking" not in built.stderr  # every phrase the routine says stayed
    again = runner.invoke(app, ["cache", "prune", "--cache-dir", str(cache)])
    assert again.exit_code == 0 and again.stdout.startswith("nothing to remove")


def _prune_on_a_terminal(cache: Path, answer: str) -> tuple[int, str]:
    """The real command line in its own process, its standard input a terminal answered ``answer``."""
    controller, terminal = pty.openpty()
    try:
        os.write(controller, answer.encode() + b"\n")
        done = subprocess.run([sys.executable, "-m", "audioroutine", "cache", "prune", "--cache-dir", str(cache)],
                              stdin=terminal, capture_output=True, text=True, timeout=300)
    finally:
        os.close(terminal)
        os.close(controller)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("answer", ["n", ""])
def test_on_a_terminal_no_keeps_every_clip(folder, answer):
    cache, unused, _ = folder
    before = _files(cache)

    code, output = _prune_on_a_terminal(cache, answer)

    assert code == 0, output
    assert "Remove them? Each is spoken again, as a new take, when next needed [y/N]:" in output
    assert output.rstrip().endswith("nothing removed") and "Traceback" not in output
    assert _files(cache) == before


def test_on_a_terminal_yes_removes_them(folder):
    cache, unused, _ = folder

    code, output = _prune_on_a_terminal(cache, "y")

    assert code == 0, output
    assert "removed 1 clip no routine uses" in output
    assert not unused.exists()
