"""Issue 11, item 12: ``build ROUTINE --name SUFFIX`` writes a variant (``<slug>-<suffix>.mp3`` with
its cue sheet and sidecars) beside the group's ``<slug>.mp3`` and never touches it; its title tag
says the variant. Up to date, locks and leftovers work per output name. ``share`` shares the
routines it builds, never variants or previews left in its folder. Real builds with the offline voice."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from typer.testing import CliRunner

from audioroutine.cli import app
from audioroutine.outfiles import output_lock
from audiotools import decode, sheet, tiny_routine

runner = CliRunner()
TITLE = "Variants beside the group's file"
SLUG = "tiny-variants"
SUFFIXES = (".mp3", ".json", ".vtt", ".txt")


@pytest.fixture
def tiny(write_routine) -> Path:
    return write_routine(tiny_routine(TITLE), f"{SLUG}.yaml")


def build(routine: Path, out: Path, cache: Path, *args: str):
    result = runner.invoke(app, ["build", str(routine), "--engine", "piper", "--out", str(out),
                                 "--cache-dir", str(cache), *args])
    assert "Traceback" not in result.output
    return result


def files(out: Path, stem: str) -> dict[str, tuple[bytes, int]]:
    return {suffix: ((out / f"{stem}{suffix}").read_bytes(), (out / f"{stem}{suffix}").stat().st_mtime_ns)
            for suffix in SUFFIXES}


def test_a_named_variant_sits_beside_the_groups_file(tiny, tmp_path, clip_cache):
    out = tmp_path / "out"
    assert build(tiny, out, clip_cache).exit_code == 0
    own = files(out, SLUG)

    result = build(tiny, out, clip_cache, "--name", "45 S", "--hold", "5s")

    assert result.exit_code == 0, result.output
    variant = out / f"{SLUG}-45-s.mp3"
    assert result.stdout.startswith(f"{variant}  ")  # the path is printed
    assert files(out, SLUG) == own  # the group's file, its cue sheet and sidecars: not touched
    assert all((out / f"{SLUG}-45-s{suffix}").is_file() for suffix in SUFFIXES)
    cues = sheet(out / f"{SLUG}-45-s.json")
    assert cues["routine"] == f"{SLUG}-45-s" and cues["title"] == f"{TITLE} (45 S)"
    assert ID3(variant)["TIT2"].text == [f"{TITLE} (45 S)"]
    assert ID3(out / f"{SLUG}.mp3")["TIT2"].text == [TITLE]
    assert cues["cues"][0]["text"].startswith(f"{TITLE}.")  # the voice says the routine's own title
    assert [round(c["end_s"] - c["start_s"], 3) for c in cues["cues"] if c["kind"] == "hold"] == [5.0]
    assert decode(variant).size == cues["samples"]
    assert (out / f"{SLUG}-45-s.txt").read_text(encoding="utf-8").startswith(f"{TITLE} (45 S)\n")
    # each output name is up to date on its own
    again = build(tiny, out, clip_cache, "--name", "45 S", "--hold", "5s")
    assert again.exit_code == 0 and again.stdout.strip().endswith("up to date")
    own_again = build(tiny, out, clip_cache)
    assert own_again.exit_code == 0 and own_again.stdout.strip().endswith("up to date")
    assert files(out, SLUG) == own


@pytest.mark.parametrize("name", ["", "  ", "!!!", "x" * 41])
def test_a_name_without_letters_or_digits_is_refused(tiny, tmp_path, clip_cache, name):
    result = build(tiny, tmp_path / "out", clip_cache, "--name", name)

    assert result.exit_code == 2
    assert result.stderr.startswith("error: --name ")
    assert not (tmp_path / "out").exists()


def test_two_routines_that_would_share_a_variants_name_are_refused(write_routine, tmp_path, clip_cache):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = write_routine(tiny_routine("One"), "a/calf.yaml")
    other = write_routine(tiny_routine("Other"), "b/Calf.yaml")

    result = runner.invoke(app, ["build", str(one), str(other), "--name", "45s", "--engine", "piper",
                                 "--out", str(tmp_path / "out"), "--cache-dir", str(clip_cache)])

    assert result.exit_code == 2
    assert f"{one} and {other} would both be written as calf-45s.mp3" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_variant_takes_its_own_lock_and_leaves_the_routines_leftovers_alone(tiny, tmp_path, clip_cache):
    """While another build holds the lock of the group's file (here, this test), a variant is
    built in a process of its own without waiting; what a killed build of the group's file left
    is that build's to remove, not the variant's."""
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / f".{SLUG}.mp3.99999.part"
    theirs.write_bytes(b"half an MP3")
    mine = out / f".{SLUG}-45s.mp3.99999.part"
    mine.write_bytes(b"half a variant")
    with output_lock(out / f"{SLUG}.mp3"):
        done = subprocess.run([sys.executable, "-m", "audioroutine", "build", str(tiny), "--name", "45s",
                               "--engine", "piper", "--out", str(out)], capture_output=True, text=True,
                              env={**os.environ, "AUDIOROUTINE_CACHE": str(clip_cache)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (out / f"{SLUG}-45s.mp3").is_file() and not (out / f"{SLUG}.mp3").exists()
    assert theirs.is_file() and not mine.exists()


def test_share_shares_the_routines_it_builds_not_variants_or_previews_in_its_folder(tiny, tmp_path, clip_cache):
    folder = tmp_path / "share"
    assert build(tiny, folder, clip_cache, "--name", "45s").exit_code == 0
    assert build(tiny, folder, clip_cache, "--only", "heel-drops").exit_code == 0
    left = {name: files(folder, name) for name in (f"{SLUG}-45s", f"{SLUG}.preview")}

    result = runner.invoke(app, ["share", str(tiny), "--title", "Club", "--engine", "piper", "--out", str(folder),
                                 "--cache-dir", str(clip_cache)])

    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(folder / "club.zip") as zipped:
        assert sorted(zipped.namelist()) == sorted(f"club/{SLUG}{suffix}" for suffix in (".mp3", ".vtt", ".txt"))
    page = (folder / "index.html").read_text(encoding="utf-8") + (folder / "feed.xml").read_text(encoding="utf-8")
    assert f"{SLUG}.mp3" in page and "-45s" not in page and ".preview" not in page
    assert {name: files(folder, name) for name in left} == left  # left as they were
