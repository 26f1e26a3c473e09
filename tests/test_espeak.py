"""espeak-ng, the system's formant voice: a real build when installed, a clear error when not."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from audioroutine import BuildOptions, build
from audioroutine.cli import app
from audioroutine.clips import TAIL_MARGIN_S
from audioroutine.engines import espeak_engine
from audioroutine.engines.espeak_engine import EspeakEngine
from audiotools import decode, rms_dbfs, sheet, span

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed here (apt-get install espeak-ng)",
)

TINY = """\
title: Tiny espeak check
settings:
  countdown: 2
  rest: 2s
exercises:
  - name: Wall stretch
    instructions:
      - Face the wall.
    hold: 3s
"""


@needs_espeak
def test_build_with_espeak(write_routine, tmp_path):
    routine = write_routine(TINY)

    (result,) = build(
        [str(routine)],
        BuildOptions(engine="espeak", out=tmp_path / "out", cache_dir=tmp_path / "cache"),
    )

    cues = sheet(result.cue_sheet)
    assert cues["engine"] == "espeak"
    pcm = decode(result.mp3)
    assert pcm.size == cues["samples"]
    spoken = [c for c in cues["cues"] if "text" in c]
    assert any("Face the wall." in c["text"] for c in spoken)
    for cue in spoken:
        heard = span(pcm, cue["start_s"], cue["end_s"], trim_s=TAIL_MARGIN_S)
        assert rms_dbfs(heard) > -35, cue


@needs_espeak
def test_espeak_says_a_phrase_starting_with_a_dash():
    spoken = EspeakEngine().synthesize("-5 degrees, then rest.")

    assert spoken.samples.size / spoken.rate > 0.5
    assert rms_dbfs(spoken.samples) > -35


@needs_espeak
def test_espeak_without_a_voice_for_the_language_is_an_input_error(write_routine, tmp_path):
    from audioroutine.templates import builtin_templates_dir

    routine = write_routine(TINY)

    result = CliRunner().invoke(
        app,
        [
            "build",
            str(routine),
            "--engine",
            "espeak",
            "--lang",
            "xq",
            "--templates",
            str(builtin_templates_dir() / "en"),
            "--out",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )

    assert result.exit_code == 2
    assert "error: espeak-ng has no voice for the language 'xq'" in result.stderr
    assert "espeak-ng --voices" in result.stderr
    assert not (tmp_path / "out").exists()


def test_asking_for_espeak_when_it_is_missing(monkeypatch, write_routine, tmp_path):
    monkeypatch.setattr(espeak_engine, "espeak_exe", lambda: None)
    routine = write_routine(TINY)

    result = CliRunner().invoke(
        app,
        [
            "build",
            str(routine),
            "--engine",
            "espeak",
            "--out",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )

    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: espeak-ng is not installed"]
    assert "apt-get install espeak-ng" in result.stderr
    assert "--engine piper" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
