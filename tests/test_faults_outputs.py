"""The output side under faults, each produced for real: builds racing in real processes, links
planted at every temporary name, a real SIGTERM and SIGKILL of a real build, damaged MP3s and cue
sheets, a full and a read-only file system (a small tmpfs: root only), ``--out`` that is a file.

After each fault the user finds one message and no traceback, no stray or half-written file, and
the next normal build decodes in full with its cue sheet's exact length.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioroutine import Overrides
from audioroutine.cli import app
from audiotools import decode, sheet, tiny_routine

TINY = tiny_routine("Tiny outputs check")

LONGER = """\
title: Longer outputs check
settings: {countdown: 3, rest: 3s, breath_cues: true, breath: 4s}
exercises:
  - name: Wall calf stretch
    instructions: [Face the wall with your hands on it., Step one foot back and press the heel down.]
    hold: 20s
    sides: [right, left]
  - name: Heel drops
    instructions: [Stand on a step on the balls of your feet.]
    reps: 6
    rep_time: 2s
    sets: 2
  - name: Bird on a perch
    instructions: [Balance on one leg with your eyes closed.]
    hold: 5 breaths
  - name: Toe taps
    reps: 8
    window: 12s
"""

HOLDS = ("3s", "4s", "5s")


def cli(*args: object, cache: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real command line in a process of its own."""
    return subprocess.run([sys.executable, "-m", "audioroutine", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "AUDIOROUTINE_CACHE": str(cache)}, timeout=timeout)


def start(*args: object, cache: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "audioroutine", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "AUDIOROUTINE_CACHE": str(cache),
                                                                    "PYTHONFAULTHANDLER": "1"})


def build_args(routine: Path, out: Path, *more: object) -> list[object]:
    return ["build", routine, "--engine", "piper", "--out", out, *more]


def hidden(folder: Path) -> list[str]:
    """What a build may leave behind: hidden files and folders (links planted by a test aside)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and not p.is_symlink())


def assert_whole(mp3: Path) -> dict:
    """The MP3 decodes in full, exactly as long as its cue sheet says; returns the sheet."""
    cues = sheet(mp3.with_suffix(".json"))
    assert decode(mp3).size == cues["samples"], f"{mp3} does not decode to its cue sheet's length"
    return cues


def assert_one_message(stderr: str, *words: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if not line.startswith(("voice:", "  hint:", "Speaking"))]
    assert len(lines) == 1, stderr
    for word in words:
        assert word in stderr, stderr


def digest(folder: Path) -> str:
    """Every file under ``folder``, names and bytes."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        h.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture
def tiny(write_routine, speak) -> Path:
    path = write_routine(TINY, "tiny.yaml")
    for hold in (None, *HOLDS):
        speak(path, overrides=Overrides(hold=hold))
    return path


# ---------------------------------------------------------------------------- 1. builds racing


def test_builds_racing_into_one_folder_leave_one_whole_build(tiny, clip_cache, tmp_path):
    out = tmp_path / "out"
    for _ in range(3):
        racing = [start(*build_args(tiny, out, "--hold", hold, "--force"), cache=clip_cache) for hold in HOLDS]
        for proc in racing:
            _, stderr = proc.communicate(timeout=300)
            assert proc.returncode == 0 and "Traceback" not in stderr, stderr
        assert_whole(out / "tiny.mp3")  # the MP3 and the cue sheet of one build: the holds differ in length
        assert hidden(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["tiny.json", "tiny.mp3", "tiny.txt", "tiny.vtt"]


def test_shares_racing_into_one_folder_leave_one_whole_share(tiny, clip_cache, tmp_path):
    out = tmp_path / "club"
    racing = [start("share", tiny, "--title", "Club", "--engine", "piper", "--out", out, "--hold", hold,
                    cache=clip_cache) for hold in HOLDS[:2]]
    for proc in racing:
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0 and "Traceback" not in stderr, stderr
    assert_whole(out / "tiny.mp3")
    with zipfile.ZipFile(out / "club.zip") as zipped:
        assert zipped.testzip() is None and "club/tiny.mp3" in zipped.namelist()
    assert hidden(out) == [] and "tiny.mp3" in (out / "feed.xml").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- 2. links


def _plant(folder: Path, names: list[str], target: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).symlink_to(target)


def test_links_at_temporary_names_are_never_followed(tiny, clip_cache, tmp_path, build_piper):
    """Links at the temporary names this process would use first, at older versions' fixed names and
    at the locks: the build and the share write around them, and what they point at is untouched."""
    from audioroutine import BuildOptions
    from audioroutine.share import share

    victim, victim_dir = tmp_path / "victim.txt", tmp_path / "victim-dir"
    victim.write_text("keep me\n")
    victim_dir.mkdir()
    out, pid = tmp_path / "out", os.getpid()
    names = [f".tiny.{ext}.{pid}.part" for ext in ("mp3", "json", "vtt", "txt")]
    names += [f".tiny.{ext}.part" for ext in ("mp3", "json", "vtt", "txt")]
    _plant(out, [*names, ".tiny.mp3.lock"], victim)
    _plant(out, [f".tiny.mp3.{pid}.parts"], victim_dir)
    (result,) = build_piper(tiny, out=out)
    assert not result.up_to_date
    assert_whole(out / "tiny.mp3")
    share_names = [f".{name}.{pid}.part" for name in ("index.html", "feed.xml", "cover.png", "club.zip",
                                                       "tiny.cover.png", "tiny.chapters.json")]
    _plant(out, [*share_names, ".index.html.lock"], victim)
    share([str(tiny)], BuildOptions(engine="piper", cache_dir=clip_cache, force=True), "Club", None, out)
    assert victim.read_text() == "keep me\n" and list(victim_dir.iterdir()) == []
    assert_whole(out / "tiny.mp3")
    assert hidden(out) == []
    planted = sorted(p.name for p in out.iterdir() if p.is_symlink())
    assert planted == sorted([*names, *share_names, f".tiny.mp3.{pid}.parts"])  # the links at the locks removed


def test_a_link_at_an_output_name_is_replaced_not_followed(tiny, clip_cache, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    out = tmp_path / "out"
    _plant(out, ["tiny.mp3", "tiny.json", "tiny.vtt"], victim)
    done = cli(*build_args(tiny, out), cache=clip_cache)
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "keep me\n"
    assert not any(p.is_symlink() for p in out.iterdir())
    assert_whole(out / "tiny.mp3")


# ---------------------------------------------------------------------------- 3. killed builds


def _kill_while_writing(routine: Path, out: Path, cache: Path, sig: int, moment: str) -> subprocess.Popen:
    """Start a build and send it ``sig`` once its ``moment`` ("part": its temporary MP3; "parts": its
    folder of encoded parts) appears in ``out``."""
    proc = start(*build_args(routine, out, "--force"), cache=cache)
    pattern = ".longer.mp3.*.parts" if moment == "parts" else ".longer.mp3.*.part"
    deadline = time.monotonic() + 120
    while not (out.is_dir() and any(out.glob(pattern))):
        assert proc.poll() is None, f"the build ended before its {moment} appeared: {proc.stderr.read()}"
        assert time.monotonic() < deadline, "the build never got to writing"
        time.sleep(0.002)
    proc.send_signal(sig)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a hang: where each thread is (PYTHONFAULTHANDLER), and fail
        proc.send_signal(signal.SIGABRT)
        proc.wait()
        raise AssertionError(f"the build did not stop: {proc.stderr.read()}") from None
    return proc


@pytest.fixture
def longer(write_routine, speak) -> Path:
    path = write_routine(LONGER, "longer.yaml")
    speak(path)
    return path


@pytest.mark.parametrize("moment", ["part", "parts"])
def test_sigterm_stops_a_build_like_ctrl_c(longer, clip_cache, tmp_path, moment):
    out = tmp_path / "out"
    proc = _kill_while_writing(longer, out, clip_cache, signal.SIGTERM, moment)
    stderr = proc.stderr.read()
    assert proc.returncode == 143, stderr
    assert_one_message(stderr, "stopped")
    assert hidden(out) == [] and not (out / "longer.mp3").exists()
    done = cli(*build_args(longer, out), cache=clip_cache)
    assert done.returncode == 0, done.stderr
    assert_whole(out / "longer.mp3")


@pytest.mark.parametrize("moment", ["part", "parts"])
def test_what_a_killed_build_leaves_the_next_build_removes(longer, clip_cache, tmp_path, moment):
    out = tmp_path / "out"
    proc = _kill_while_writing(longer, out, clip_cache, signal.SIGKILL, moment)
    assert proc.returncode == -signal.SIGKILL
    assert any(name.startswith(".longer.mp3.") for name in hidden(out)), hidden(out)
    done = cli(*build_args(longer, out), cache=clip_cache)
    assert done.returncode == 0, done.stderr
    assert hidden(out) == []
    assert_whole(out / "longer.mp3")


def test_leftovers_are_removed_even_when_the_routine_is_up_to_date(tiny, clip_cache, tmp_path):
    out = tmp_path / "out"
    assert cli(*build_args(tiny, out), cache=clip_cache).returncode == 0
    (out / f".tiny.mp3.{1 << 22}.parts").mkdir()
    (out / f".tiny.mp3.{1 << 22}.parts" / "part0.pcm").write_bytes(b"\0" * 1000)
    (out / ".tiny.json.part").write_text("{")
    (out / ".other.mp3.12.part").write_bytes(b"")  # another routine's: not this build's to remove
    done = cli(*build_args(tiny, out), cache=clip_cache)
    assert done.returncode == 0 and "up to date" in done.stdout, done.stderr
    assert hidden(out) == [".other.mp3.12.part"]


def test_a_live_build_keeps_its_files(tiny, clip_cache, tmp_path):
    """Leftovers are removed only by whoever holds the name's lock: not while another build holds it."""
    from audioroutine.outfiles import output_lock, tidy

    out = tmp_path / "out"
    out.mkdir()
    live = out / ".tiny.mp3.1.part"
    live.write_bytes(b"being written")
    with output_lock(out / "tiny.mp3"):
        probe = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                                "from audioroutine.outfiles import tidy; tidy(Path(sys.argv[1]), r'tiny\\.mp3')",
                                str(out / "tiny.mp3")], capture_output=True, text=True, timeout=60)
        assert probe.returncode == 0, probe.stderr
        assert live.exists()
    tidy(out / "tiny.mp3", r"tiny\.mp3")
    assert not live.exists() and hidden(out) == []


# ---------------------------------------------------------------------------- 4. one output name, two files


@pytest.mark.parametrize("names", [("a/tiny.yaml", "b/tiny.yaml"), ("🧘.yaml", "!!!.yaml")])
def test_two_routines_with_one_output_name_are_refused(tmp_path, clip_cache, names):
    paths = [tmp_path / name for name in names]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TINY, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", *map(str, paths), "--engine", "piper", "--out", str(out),
                                      "--cache-dir", str(clip_cache)])
    assert result.exit_code == 2, result.output
    assert_one_message(result.stderr, str(paths[0]), str(paths[1]), ".mp3")
    assert not out.exists()


# ---------------------------------------------------------------------------- 5. damaged outputs


def _truncate(out: Path) -> None:
    mp3 = out / "tiny.mp3"
    mp3.write_bytes(mp3.read_bytes()[:-4096])


def _garbage(out: Path) -> None:
    (out / "tiny.json").write_bytes(os.urandom(3000))


def _cut_json(out: Path) -> None:
    text = (out / "tiny.json").read_text(encoding="utf-8")
    (out / "tiny.json").write_text(text[: len(text) // 2], encoding="utf-8")


def _wrong_types(out: Path) -> None:
    text = (out / "tiny.json").read_text(encoding="utf-8")
    (out / "tiny.json").write_text(text.replace('"samples": ', '"samples": "many", "x": ', 1), encoding="utf-8")


def _wrong_length(out: Path) -> None:
    """A cue sheet that reads well but describes another MP3."""
    text = (out / "tiny.json").read_text(encoding="utf-8")
    cues = sheet(out / "tiny.json")
    (out / "tiny.json").write_text(text.replace(f'"samples": {cues["samples"]}', f'"samples": {cues["samples"] + 1}'),
                                   encoding="utf-8")


def _deep(out: Path) -> None:
    (out / "tiny.json").write_text("[" * 100_000, encoding="utf-8")


@pytest.mark.parametrize("damage", [_truncate, _garbage, _cut_json, _wrong_types, _wrong_length, _deep])
def test_a_damaged_mp3_or_cue_sheet_is_built_again(tiny, tmp_path, build_piper, damage, caplog):
    out = tmp_path / "out"
    build_piper(tiny, out=out)
    (again,) = build_piper(tiny, out=out)
    assert again.up_to_date
    damage(out)
    with caplog.at_level("INFO", logger="audioroutine.build"):
        (rebuilt,) = build_piper(tiny, out=out)
    assert not rebuilt.up_to_date and "building again" in caplog.text
    assert_whole(out / "tiny.mp3")
    (last,) = build_piper(tiny, out=out)
    assert last.up_to_date


# ---------------------------------------------------------------------------- 21. the file system


@contextmanager
def _mounted(where: Path, size: str) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


@pytest.mark.parametrize("size", ["16k", "360k", "1300k", "1600k"])  # PCM, ffmpeg, the splice (this routine)
def test_a_full_disk_is_one_message_and_leaves_nothing(tiny, private_cache, tmp_path, size):
    cache = private_cache(tiny)
    assert cli(*build_args(tiny, tmp_path / "elsewhere", "--cache-dir", cache), cache=cache).returncode == 0
    shutil.rmtree(cache / "encoded")  # every part encoded again: the PCM and the encoders' files too
    before = digest(cache / "clips")  # with the chimes in it too
    with _mounted(tmp_path / "small", size) as out:
        done = cli(*build_args(tiny, out, "--cache-dir", cache), cache=cache)
        assert done.returncode == 1, done.stderr
        assert_one_message(done.stderr, "No space left on device", str(out))
        assert list(out.iterdir()) == []
        assert digest(cache / "clips") == before  # encoded parts may be kept: whole, named by their samples
        _remount(out, "size=8m")
        done = cli(*build_args(tiny, out, "--cache-dir", cache), cache=cache)
        assert done.returncode == 0, done.stderr
        assert_whole(out / "tiny.mp3")


def test_a_read_only_folder_is_one_message(tiny, private_cache, tmp_path):
    cache = private_cache(tiny)
    with _mounted(tmp_path / "ro", "8m") as out:
        (out / "keep.txt").write_text("mine\n")
        _remount(out, "ro")
        for command in (build_args(tiny, out), ["share", tiny, "--title", "Club", "--out", out, "--engine", "piper"]):
            done = cli(*command, "--cache-dir", cache, cache=cache)
            assert done.returncode == 1, done.stderr
            assert_one_message(done.stderr, "Read-only file system", str(out))
            assert [p.name for p in out.iterdir()] == ["keep.txt"]
        _remount(out, "rw")
        assert cli(*build_args(tiny, out, "--cache-dir", cache), cache=cache).returncode == 0
        _remount(out, "ro")
        done = cli(*build_args(tiny, out, "--cache-dir", cache), cache=cache)  # nothing to write: fine
        assert done.returncode == 0 and "up to date" in done.stdout, done.stderr
        assert_whole(out / "tiny.mp3")


def test_a_full_disk_during_a_share_is_one_message(tiny, private_cache, tmp_path):
    cache = private_cache(tiny)
    with _mounted(tmp_path / "small", "8m") as out:
        done = cli(*build_args(tiny, out, "--cache-dir", cache), cache=cache)
        assert done.returncode == 0, done.stderr
        room = os.statvfs(out)
        (out / "filler").write_bytes(b"\0" * (room.f_bavail * room.f_frsize - 200_000))  # the zip does not fit
        before = sorted(p.name for p in out.iterdir())
        done = cli("share", tiny, "--title", "Club", "--out", out, "--engine", "piper", "--cache-dir", cache,
                   cache=cache)
        assert done.returncode == 1, done.stderr
        assert_one_message(done.stderr, "No space left on device", str(out))
        assert sorted(p.name for p in out.iterdir()) == before
        assert_whole(out / "tiny.mp3")


@pytest.mark.parametrize("where", ["file", "under a file"])
def test_out_that_is_a_file_is_refused(tiny, clip_cache, tmp_path, where):
    (tmp_path / "taken").write_text("a file\n")
    out = tmp_path / "taken" if where == "file" else tmp_path / "taken" / "out"
    done = cli(*build_args(tiny, out), cache=clip_cache)
    assert done.returncode == 2, done.stderr
    assert_one_message(done.stderr, "--out", str(out), "not a folder")
    assert (tmp_path / "taken").read_text() == "a file\n"


@pytest.mark.parametrize("name", ["tiny.mp3", "tiny.vtt", "tiny.json"])
def test_an_output_name_that_is_a_folder_is_one_message(tiny, clip_cache, tmp_path, name):
    out = tmp_path / "out"
    (out / name).mkdir(parents=True)
    done = cli(*build_args(tiny, out), cache=clip_cache)
    assert done.returncode == 1, done.stderr
    assert_one_message(done.stderr, str(out / name), "is a folder")
    assert [p.name for p in out.iterdir()] == [name]
    (out / name).rmdir()
    assert cli(*build_args(tiny, out), cache=clip_cache).returncode == 0
    assert_whole(out / "tiny.mp3")


def test_any_other_fault_of_the_os_is_one_message_naming_the_file(tmp_path, capsys):
    import typer

    from audioroutine.cli.report import run

    with pytest.raises(typer.Exit) as stopped:
        run(lambda: (tmp_path / "nowhere" / "file").read_text())
    assert stopped.value.exit_code == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'nowhere' / 'file'}: No such file or directory\n"
