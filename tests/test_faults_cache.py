"""Issue 10, the clip cache under faults: damaged clips and notes are dropped, said, and spoken again;
a cache folder that cannot be written (a file, read-only, a full disk) does not stop a build; a
build killed while writing leaves nothing a later build trips on. Every fault is real: damaged
files in a real cache, a real tmpfs, a real read-only bind mount, a real SIGKILL."""

import json
import os
import signal
import struct
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from audioroutine.cache import ClipCache, clip_key
from audioroutine.cli import app
from audioroutine.engines.piper_engine import PiperEngine
from audiotools import decode, sheet

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()

TINY = """\
title: Cache faults
settings: {breath: 4s, rest: 3s}
exercises:
  - name: Calf stretch
    instructions: [Press your heel down.]
    hold: 8s
  - name: Heel drops
    reps: 2
    rep_time: 2s
"""
PHRASE = "First: Calf stretch. Press your heel down."
"""The phrase whose clip is damaged."""


@pytest.fixture
def tiny(write_routine):
    return write_routine(TINY, "cache-faults.yaml")


@pytest.fixture
def identity():
    return PiperEngine().identity()


def clip_path(cache: Path, identity: dict, text: str = PHRASE) -> Path:
    return ClipCache(cache)._path(clip_key(identity, text))


def build_cli(routine: Path, out: Path, cache: Path | None, *extra: str):
    args = ["build", str(routine), "--engine", "piper", "--out", str(out), *extra]
    return runner.invoke(app, args + (["--cache-dir", str(cache)] if cache else []))


def build_process(routine: Path, out: Path, env: dict | None = None, *extra: str) -> subprocess.CompletedProcess:
    """The real command line in its own process."""
    return subprocess.run([sys.executable, "-m", "audioroutine", "build", str(routine), "--engine", "piper",
                           "--out", str(out), *extra], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})}, timeout=300)


def assert_whole(out: Path, slug: str = "cache-faults") -> None:
    """The MP3 decodes in full, exactly as long as its cue sheet says."""
    cues = sheet(out / f"{slug}.json")
    assert decode(out / f"{slug}.mp3").size == cues["samples"]


def assert_sound(cache: Path, identity: dict, text: str = PHRASE) -> None:
    """The clip is back and passes the full check, with a checksum in its note."""
    assert ClipCache(cache).load(identity, text, quiet=True) is not None
    assert "checksum" in json.loads(clip_path(cache, identity, text).with_suffix(".json").read_text())


def no_temporaries(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------- damage


def _header(rate: int = 22050, channels: int = 1, bits: int = 16, frames: int = 0) -> bytes:
    size = frames * channels * bits // 8
    return (b"RIFF" + struct.pack("<L", 36 + size) + b"WAVE" + b"fmt "
            + struct.pack("<LHHLLHH", 16, 1, channels, rate, rate * channels * bits // 8, channels * bits // 8, bits)
            + b"data" + struct.pack("<L", size))


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x40]) + data[middle + 1:]


WAV_DAMAGE = {
    "empty": lambda data: b"",
    "truncated": lambda data: data[: len(data) // 2],
    "garbage": lambda data: os.urandom(len(data)),
    "header only": lambda data: data[:44],
    "wrong rate": lambda data: _header(rate=16000, frames=(len(data) - 44) // 2) + data[44:],
    "stereo": lambda data: _header(channels=2, frames=(len(data) - 44) // 4) + data[44:],
    "8-bit": lambda data: _header(bits=8, frames=len(data) - 44) + data[44:],
    "one byte flipped": _flip,
    "longer": lambda data: data + b"\0\0" * 100,
}
NOTE_DAMAGE = {
    "empty note": lambda note: "",
    "garbage note": lambda note: "{\"cells\": [1, 2",
    "note of another phrase": lambda note: json.dumps({**note, "text": "Something else."}),
    "cells not numbers": lambda note: json.dumps({**note, "cells": ["loud"] * len(note["cells"])}),
    "cells of another length": lambda note: json.dumps({**note, "cells": note["cells"][:-3]}),
    "true peak changed": lambda note: json.dumps({**note, "true_peak_db": note["true_peak_db"] - 6}),
    "length changed": lambda note: json.dumps({**note, "samples": note["samples"] + 1}),
    "not an object": lambda note: "[]",
}


@pytest.mark.parametrize("damage", [*WAV_DAMAGE, *NOTE_DAMAGE])
def test_a_damaged_clip_is_said_and_spoken_again(damage, tiny, tmp_path, private_cache, identity):
    cache = private_cache(tiny)
    wav = clip_path(cache, identity)
    if damage in WAV_DAMAGE:
        wav.write_bytes(WAV_DAMAGE[damage](wav.read_bytes()))
    else:
        note = wav.with_suffix(".json")
        note.write_text(NOTE_DAMAGE[damage](json.loads(note.read_text())))
    result = build_cli(tiny, tmp_path / "out", cache)
    assert result.exit_code == 0, result.output
    assert f"clip for '{PHRASE}' was damaged; speaking it again" in result.stderr
    assert result.stderr.count("was damaged") == 1 and "Traceback" not in result.output
    assert_whole(tmp_path / "out")
    assert_sound(cache, identity)
    again = build_cli(tiny, tmp_path / "out2", cache)
    assert again.exit_code == 0 and "damaged" not in again.stderr and "Speaking" not in again.stderr


def test_damage_found_by_the_real_command_line_in_its_own_process(tiny, tmp_path, private_cache, identity):
    cache = private_cache(tiny)
    wav = clip_path(cache, identity)
    wav.write_bytes(_flip(wav.read_bytes()))  # passes the cheap look-up, fails the checksum as it is read
    done = build_process(tiny, tmp_path / "out", {"AUDIOROUTINE_CACHE": str(cache)})
    assert done.returncode == 0, done.stderr
    assert f"clip for '{PHRASE}' was damaged; speaking it again" in done.stderr
    assert "Traceback" not in done.stderr
    assert_whole(tmp_path / "out")
    assert_sound(cache, identity)


def test_a_note_of_an_earlier_version_without_a_checksum_is_still_used(tiny, tmp_path, private_cache, identity):
    cache = private_cache(tiny)
    note_path = clip_path(cache, identity).with_suffix(".json")
    note = json.loads(note_path.read_text())
    note_path.write_text(json.dumps({k: v for k, v in note.items() if k not in ("samples", "checksum")}))
    result = build_cli(tiny, tmp_path / "out", cache)
    assert result.exit_code == 0 and "damaged" not in result.stderr and "Speaking" not in result.stderr
    assert_whole(tmp_path / "out")
    # its format and length are still checked: a truncated clip with an old note is spoken again
    wav = clip_path(cache, identity)
    wav.write_bytes(wav.read_bytes()[:-200])
    result = build_cli(tiny, tmp_path / "out", cache, "--force")
    assert result.exit_code == 0 and f"clip for '{PHRASE}' was damaged" in result.stderr
    assert_sound(cache, identity)


def test_cache_commands_survive_damaged_entries(tiny, tmp_path, private_cache, identity, monkeypatch):
    cache = private_cache(tiny)
    wav = clip_path(cache, identity)
    wav.write_bytes(b"")
    other = clip_path(cache, identity, "Stand tall.")  # a note without a clip, a folder for a clip
    other.parent.mkdir(exist_ok=True)
    other.with_suffix(".json").write_text("{}")
    (cache / "clips" / "zz").mkdir()
    (cache / "clips" / "zz" / f"{'f' * 64}.wav").mkdir()
    (cache / "clips" / "zz" / ".left-by-a-killed-build.tmp").write_bytes(b"\0" * 100)
    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert info.exit_code == 0 and "Traceback" not in info.output
    monkeypatch.chdir(tiny.parent)  # the routine in ./routines: its words are used, and stay
    (tiny.parent / "routines").mkdir()
    tiny.rename(tiny.parent / "routines" / tiny.name)
    pruned = runner.invoke(app, ["cache", "prune", "--cache-dir", str(cache)])
    assert pruned.exit_code == 0, pruned.output
    assert not wav.exists() and not wav.with_suffix(".json").exists()
    assert not other.with_suffix(".json").exists() and no_temporaries(cache)
    assert not (cache / "clips" / "zz" / f"{'f' * 64}.wav").exists()
    for clip in (cache / "clips").rglob("*.wav"):  # what stays is sound
        note = json.loads(clip.with_suffix(".json").read_text())
        ids = {k: v for k, v in note.items() if k not in ("text", "preparation", "true_peak_db", "cells",
                                                            "samples", "checksum")}
        assert ClipCache(cache).load(ids, note["text"], quiet=True) is not None
    result = build_cli(tiny.parent / "routines" / tiny.name, tmp_path / "out", cache)
    assert result.exit_code == 0, result.output
    assert_whole(tmp_path / "out")
