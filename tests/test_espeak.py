"""espeak-ng, the formant voice, from espeakng-loader's library and data: a real build, also where the
system's espeak-ng is hidden; a clear error for a language or voice it lacks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioroutine import BuildOptions, build
from audioroutine.cli import app
from audioroutine.clips import TAIL_MARGIN_S
from audioroutine.engines.espeak_engine import EspeakEngine
from audiotools import decode, rms_dbfs, sheet, span

SYSTEM_ESPEAK = [Path("/usr/bin/espeak-ng"), *Path("/usr/lib/x86_64-linux-gnu").glob("libespeak-ng.so*"),
                 Path("/usr/lib/x86_64-linux-gnu/espeak-ng-data")]

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


def test_espeak_says_a_phrase_starting_with_a_dash():
    spoken = EspeakEngine().synthesize("-5 degrees, then rest.")

    assert spoken.samples.size / spoken.rate > 0.5
    assert rms_dbfs(spoken.samples) > -35


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
    assert "audioroutine engines --lang LANG" in result.stderr
    assert not (tmp_path / "out").exists()


def test_espeak_builds_where_the_system_has_no_espeak_ng(write_routine, tmp_path):
    """A real build in a mount namespace where the system's espeak-ng (its program, library and
    data) is hidden: the engine needs only what pip installed."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("hiding the system's espeak-ng needs root and unshare")
    hide = "; ".join(f"mount --bind /dev/null {path}" if not path.is_dir() else f"mount -t tmpfs none {path}"
                     for path in SYSTEM_ESPEAK if path.exists() and not path.is_symlink())
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"{hide or 'true'}; espeak-ng x"], capture_output=True,
                           check=False)
    if probe.returncode == 0 and hide:
        pytest.skip(f"the system's espeak-ng could not be hidden: {probe.stderr!r}")
    routine = write_routine(TINY)
    build = [sys.executable, "-m", "audioroutine", "build", str(routine), "--engine", "espeak",
             "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]
    command = f"{hide or 'true'}; exec " + " ".join(f"'{arg}'" for arg in build)
    done = subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "LD_LIBRARY_PATH": "", "ESPEAK_DATA_PATH": ""})

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    (mp3,) = (tmp_path / "out").glob("*.mp3")
    cues = sheet(mp3.with_suffix(".json"))
    assert cues["engine"] == "espeak" and cues["voice"] == "en"
    assert decode(mp3).size == cues["samples"]


@pytest.mark.parametrize(("lang", "voice", "words"), [
    ("es", "es", "Mantén la postura treinta segundos."),
    ("de", "de", "Halte die Position dreißig Sekunden."),
    ("fr", "fr", "Tiens la position trente secondes."),
    ("es-MX", "es-419", "Sostén la postura veintiún segundos."),
])
def test_espeak_speaks_each_language_with_its_own_voice(lang, voice, words):
    engine = EspeakEngine(lang=lang)
    engine.check()
    spoken = engine.synthesize(words)

    assert engine.voice == voice
    assert spoken.rate == 22050
    assert 1.0 < spoken.samples.size / spoken.rate < 6.0
    assert rms_dbfs(spoken.samples) > -35


def test_an_espeak_voice_for_another_language_is_refused(write_routine, tmp_path):
    routine = write_routine(TINY)

    result = CliRunner().invoke(app, ["build", str(routine), "--engine", "espeak", "--voice", "de",
                                      "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")])

    assert result.exit_code == 2
    assert "error: the espeak-ng voice de speaks de, not en" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
