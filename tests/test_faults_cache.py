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


@pytest.mark.parametrize("damage", [*WAV_DAMAGE, *NOTE_DAMAGE, "a pipe", "a folder"])
def test_a_damaged_clip_is_said_and_spoken_again(damage, tiny, tmp_path, private_cache, identity):
    cache = private_cache(tiny)
    wav = clip_path(cache, identity)
    if damage in ("a pipe", "a folder"):  # reading a pipe would wait for ever; a folder cannot be read
        wav.unlink()
        os.mkfifo(wav) if damage == "a pipe" else wav.mkdir()
    elif damage in WAV_DAMAGE:
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
    pruned = runner.invoke(app, ["cache", "prune", "--yes", "--cache-dir", str(cache)])
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


# ---------------------------------------------------------------------------- a cache that cannot be written


@contextmanager
def mounted(target: Path, *commands: list[str]):
    """Run mount commands on ``target`` (root only; skipped otherwise); always unmounted after."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs or a read-only bind mount needs root")
    target.mkdir(parents=True, exist_ok=True)
    mounts = 0
    try:
        for command in commands:
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"cannot mount here: {done.stderr.strip()}")
            mounts += command[:2] != ["mount", "-o"]  # a remount adds no mount
        yield target
    finally:
        for _ in range(mounts):
            subprocess.run(["umount", str(target)], capture_output=True)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte; returns the filler file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for size in (1 << 16, 4096, 512, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError:
                pass
    return filler


def test_cache_pointing_at_a_file_builds_from_memory_with_one_warning(tiny, tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("mine")
    done = build_process(tiny, tmp_path / "out", {"AUDIOROUTINE_CACHE": str(a_file)})
    assert done.returncode == 0, done.stderr
    assert f"warning: cannot write to the clip cache {a_file}: it is a file, not a folder" in done.stderr
    assert done.stderr.count("warning:") == 1 and "Traceback" not in done.stderr
    assert a_file.read_text() == "mine"
    assert_whole(tmp_path / "out")
    info = subprocess.run([sys.executable, "-m", "audioroutine", "cache", "info"], capture_output=True, text=True,
                          env={**os.environ, "AUDIOROUTINE_CACHE": str(a_file)})
    assert info.returncode == 0 and "0 clips" in info.stdout and "Traceback" not in info.stderr


def test_cache_under_a_file_then_a_good_cache(tiny, tmp_path, private_cache):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("mine")
    result = build_cli(tiny, tmp_path / "out", a_file / "cache")
    assert result.exit_code == 0, result.output
    said = f"cannot write to the clip cache {a_file / 'cache'}: it lies under {a_file}, which is a file"
    assert said in result.stderr
    assert_whole(tmp_path / "out")
    good = build_cli(tiny, tmp_path / "out2", private_cache(tiny))
    assert good.exit_code == 0 and "warning" not in good.stderr and "Speaking" not in good.stderr
    assert_whole(tmp_path / "out2")


def test_read_only_cache(tiny, tmp_path, private_cache, identity):
    cache = private_cache(tiny)
    wav = clip_path(cache, identity)
    wav.write_bytes(wav.read_bytes()[:-10])  # damaged, and cannot be removed
    before = sorted(p.relative_to(cache) for p in cache.rglob("*"))
    ro = tmp_path / "read-only"
    with mounted(ro, ["mount", "--bind", str(cache), str(ro)], ["mount", "-o", "remount,ro,bind", str(ro)]):
        result = build_cli(tiny, tmp_path / "out", ro, "--hold", "9s")  # "Hold for nine seconds." is new
        assert result.exit_code == 0, result.output
        assert f"clip for '{PHRASE}' was damaged; speaking it again" in result.stderr
        assert f"cannot write to the clip cache {ro}: it is on a read-only file system" in result.stderr
        assert "Traceback" not in result.output
        assert_whole(tmp_path / "out")
        for command in ("clear", "prune"):
            yes = ["--yes"] if command == "prune" else []
            refused = runner.invoke(app, ["cache", command, "--cache-dir", str(ro), *yes])
            assert refused.exit_code == 1 and "Traceback" not in refused.output
            assert refused.stderr.startswith(f"error: cannot {command} the clip cache {ro}: it is on a read-only")
    assert sorted(p.relative_to(cache) for p in cache.rglob("*")) == before  # nothing written
    again = build_cli(tiny, tmp_path / "out2", cache, "--hold", "9s")
    assert again.exit_code == 0 and "warning" not in again.stderr
    assert_whole(tmp_path / "out2")
    assert_sound(cache, identity)


def test_full_cache_disk(tiny, tmp_path, private_cache, identity):
    disk = tmp_path / "small-disk"
    with mounted(disk, ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)]):
        subprocess.run(["cp", "-a", str(private_cache(tiny)), str(disk / "cache")], check=True)
        filler = fill(disk)
        result = build_cli(tiny, tmp_path / "out", disk / "cache", "--hold", "9s")
        assert result.exit_code == 0, result.output
        assert f"cannot write to the clip cache {disk / 'cache'}: its disk is full" in result.stderr
        assert "Traceback" not in result.output
        assert_whole(tmp_path / "out")
        assert no_temporaries(disk) and not ClipCache(disk / "cache").has(identity, "Hold for nine seconds.")
        filler.unlink()
        again = build_cli(tiny, tmp_path / "out2", disk / "cache", "--hold", "9s")
        assert again.exit_code == 0 and "warning" not in again.stderr
        assert_whole(tmp_path / "out2")
        assert_sound(disk / "cache", identity, "Hold for nine seconds.")


# ---------------------------------------------------------------------------- killed and racing builds

WRITER = """
import sys, numpy as np
from audioroutine.cache import ClipCache
from audioroutine.clips import ClipStats
samples = np.full(int(sys.argv[2]), 1000, dtype=np.int16)
stats = ClipStats(np.zeros(-(-samples.size // 441), dtype=np.float32), -30.0)
print("writing", flush=True)
ClipCache(sys.argv[1]).put({"engine": "test"}, "a very long clip", samples, stats)
"""


@pytest.mark.parametrize("cleaner", ["a later write", "cache prune"])
def test_a_write_killed_midway_leaves_only_a_temporary_file_that_is_swept(cleaner, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    wav = ClipCache(cache)._path(clip_key({"engine": "test"}, "a very long clip"))
    wav.parent.mkdir(parents=True)
    left = []
    for samples in (60_000_000, 150_000_000, 300_000_000):  # until the kill lands during the write
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(cache), str(samples)], stdout=subprocess.PIPE)
        child.stdout.readline()
        while child.poll() is None and not (left := list(wav.parent.glob("*.tmp"))):
            time.sleep(0.0005)
        child.send_signal(signal.SIGKILL)
        child.wait()
        if left and not wav.exists():
            break
        wav.unlink(missing_ok=True)
        wav.with_suffix(".json").unlink(missing_ok=True)
    assert left, "the kill never landed during a write"
    assert not wav.exists() and not wav.with_suffix(".wav").exists()
    assert not ClipCache(cache).has({"engine": "test"}, "a very long clip")
    if cleaner == "a later write":
        ClipCache(cache).put({"engine": "test"}, "short", np.ones(441, np.int16),
                             __import__("audioroutine.clips").clips.clip_stats(np.ones(441, np.int16)))
    else:
        monkeypatch.chdir(tmp_path)
        assert runner.invoke(app, ["cache", "prune", "--yes", "--cache-dir", str(cache)]).exit_code == 0
    assert no_temporaries(cache)


def _all_sound(cache: Path) -> int:
    """Every clip in the cache passes the full check; returns how many there are."""
    clips = list((cache / "clips").rglob("*.wav"))
    for clip in clips:
        note = json.loads(clip.with_suffix(".json").read_text())
        ids = {k: v for k, v in note.items() if k not in ("text", "preparation", "true_peak_db", "cells",
                                                            "samples", "checksum")}
        assert ClipCache(cache).load(ids, note["text"], quiet=True) is not None, clip
    return len(clips)


def test_a_build_killed_while_speaking_leaves_a_sound_cache(tiny, tmp_path):
    cache = tmp_path / "cache"
    env = {"AUDIOROUTINE_CACHE": str(cache)}
    child = subprocess.Popen([sys.executable, "-m", "audioroutine", "build", str(tiny), "--engine", "piper",
                              "--out", str(tmp_path / "out")], cwd=REPO, env={**os.environ, **env},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while child.poll() is None and time.monotonic() < deadline and len(list(cache.rglob("*.wav"))) < 3:
        time.sleep(0.001)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not (tmp_path / "out" / "cache-faults.mp3").exists()
    spoken = _all_sound(cache)
    assert spoken >= 3
    done = build_process(tiny, tmp_path / "out", env)
    assert done.returncode == 0 and "damaged" not in done.stderr, done.stderr
    assert_whole(tmp_path / "out")
    assert _all_sound(cache) > spoken and no_temporaries(cache)


def test_two_builds_speaking_into_one_cache_at_once(tiny, tmp_path):
    env = {**os.environ, "AUDIOROUTINE_CACHE": str(tmp_path / "cache")}
    children = [subprocess.Popen([sys.executable, "-m", "audioroutine", "build", str(tiny), "--engine", "piper",
                                  "--out", str(tmp_path / f"out{i}")], cwd=REPO, env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in (1, 2)]
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0 and "damaged" not in err and "Traceback" not in err, err
    for i in (1, 2):
        assert_whole(tmp_path / f"out{i}")
    assert _all_sound(tmp_path / "cache") > 5 and no_temporaries(tmp_path / "cache")


# ---------------------------------------------------------------------------- long clips


def speech_like(seconds: float, lead_s: float = 0.0, seed: int = 1) -> np.ndarray:
    """Syllables of harmonics and noise, some loud enough for the limiter, between pauses."""
    rng = np.random.default_rng(seed)
    n = int(seconds * 22050)
    t = np.arange(n) / 22050
    envelope = np.clip(np.sin(2 * np.pi * 3.1 * t) * np.sin(2 * np.pi * 0.23 * t), 0, None) ** 2
    voice = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((140, 280, 420, 2500, 6000), 1))
    x = envelope * (voice + 0.3 * rng.standard_normal(n)) * 14000
    x[: int(lead_s * 22050)] = 0
    return np.clip(x, -32768, 32767).astype(np.int16)


@pytest.mark.parametrize("rate", [22050, 16000])
def test_a_long_clip_prepared_in_blocks_is_what_one_piece_gives(rate, monkeypatch):
    from audioroutine import clips

    raw = speech_like(30, lead_s=4.0)[: int(30 * rate)]  # 4 s of silence first: trimming looks further
    monkeypatch.setattr(clips, "LONG_CLIP", 1 << 30)
    whole, whole_stats = clips.prepare_clip(raw, rate)
    monkeypatch.setattr(clips, "LONG_CLIP", 22050)
    blocks, block_stats = clips.prepare_clip(raw, rate)
    assert blocks.size == whole.size
    if rate == 22050:  # (resampled in blocks, the clip keeps the exact rate ratio; in one piece it is
        # stretched by a fraction of a sample over its length)
        assert np.max(np.abs(blocks.astype(int) - whole)) <= 2
    assert block_stats.cells.size == whole_stats.cells.size
    assert np.allclose(block_stats.cells, whole_stats.cells, rtol=0.02, atol=1e-3)
    assert abs(block_stats.true_peak_db - whole_stats.true_peak_db) < 0.05
    assert block_stats.true_peak_db <= clips.PEAK_LIMIT_DBTP + 0.05


MEASURE = """
import resource, sys, numpy as np
sys.path.insert(0, sys.argv[2])
from test_faults_cache import speech_like
from audioroutine.clips import prepare_clip
raw = np.tile(speech_like(10.0), int(sys.argv[1]) // 10)  # made small, so the peak before is low
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out, stats = prepare_clip(raw, 22050)
print(raw.size, out.size, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_a_long_clip_is_prepared_in_bounded_memory():
    """Three minutes of speech in one clip: prepared in one piece it took 600 MB more (measured:
    4 GB for the 20-minute clip of a 20,000-character instruction); in blocks, about 70 MB."""
    done = subprocess.run([sys.executable, "-c", MEASURE, "180", str(Path(__file__).parent)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    size, prepared, grown_mb = map(int, done.stdout.split())
    assert prepared > 0.9 * size
    assert grown_mb < 150, f"preparing {size} samples took {grown_mb} MB more"
