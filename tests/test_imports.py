"""Fast answers: the commands that make no audio load none of the audio libraries."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "onnxruntime", "mutagen", "PIL", "pocketsphinx")
"""Loaded only when audio is made: the mix, the voice, the tags, the cover (and the recognizer, when heard)."""


def loaded_after(tmp_path: Path, *args: str) -> set[str]:
    """The heavy modules loaded by a fresh interpreter that runs the command through CliRunner."""
    code = textwrap.dedent(f"""
        import sys
        from typer.testing import CliRunner
        from audioroutine.cli import app
        result = CliRunner().invoke(app, {list(args)!r})
        assert result.exit_code == 0, result.output
        print(" ".join(name for name in {HEAVY!r} if name in sys.modules))
    """)
    env = {**os.environ, "AUDIOROUTINE_CACHE": str(tmp_path / "cache"),
           "AUDIOROUTINE_GTTS_URL": "http://127.0.0.1:9"}  # nothing listens there: auto asks, fails at once
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["share", "--help"], ["retake", "--help"],
                                  ["check", "--help"], ["engines"]])
def test_help_and_engines_load_no_audio_library(tmp_path, args):
    assert loaded_after(tmp_path, *args) == set()


@pytest.mark.parametrize("args", [["show", "example-calf-care"], ["list"], ["validate", "example-calf-care"]])
def test_show_list_and_validate_load_no_audio_library(tmp_path, args):
    assert loaded_after(tmp_path, *args) == set()


def test_the_offline_voices_load_nothing_heavy_at_import(tmp_path):
    """The engines' modules import no audio library, and neither Pico nor espeak-ng's library, until
    they speak or are checked."""
    code = textwrap.dedent(f"""
        import sys
        import audioroutine.engines.nanotts_engine, audioroutine.engines.espeak_engine
        import audioroutine.engines.espeak_library, audioroutine.engines.preference, audioroutine.engines.table
        print(" ".join(name for name in {(*HEAVY, "py_nanotts", "espeakng_loader")!r} if name in sys.modules))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
