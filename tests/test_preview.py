"""Issue 11, item 11: previews to hear one part of a routine quickly. ``--only EXERCISE_ID`` writes
that exercise alone (its chimes, name, instructions, dose; no intro, outro or rests around it),
``--first 2m`` the routine's first minutes cut after the last cue that fits; both as
``<slug>.preview.mp3``, never over the routine's own file, speaking only the phrases they say.
Real builds with the offline voice; what the runner hears is read from the cue sheet and the MP3."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.id3 import ID3
from typer.testing import CliRunner

from audioroutine.cache import ClipCache
from audioroutine.cli import app
from audioroutine.constants import SAMPLE_RATE
from audioroutine.engines.piper_engine import PiperEngine
from audiotools import decode, sheet, tiny_routine

runner = CliRunner()
TITLE = "A preview of one part"
SLUG = "tiny-preview"
ROUTINE = tiny_routine(TITLE) + """\
  - name: Calf raises
    instructions: [Rise onto your toes.]
    reps: 2
    rep_time: 1s
"""
"""Three exercises: one in the middle to preview alone."""


@pytest.fixture
def tiny(write_routine) -> Path:
    return write_routine(ROUTINE, f"{SLUG}.yaml")


def build(routine: Path, out: Path, cache: Path, *args: str):
    result = runner.invoke(app, ["build", str(routine), "--engine", "piper", "--out", str(out),
                                 "--cache-dir", str(cache), *args])
    assert "Traceback" not in result.output
    return result


def said(cues: dict) -> list[tuple[str, str | None]]:
    """What the runner hears, in order: (kind, words or chime)."""
    return [(c["kind"], c.get("text") or c.get("chime")) for c in cues["cues"] if "text" in c or "chime" in c]


@pytest.fixture
def full(tiny, tmp_path, clip_cache) -> tuple[Path, dict, tuple[bytes, int]]:
    """The routine built in full: its output folder, cue sheet, and its MP3's bytes and mtime."""
    out = tmp_path / "out"
    assert build(tiny, out, clip_cache).exit_code == 0
    mp3 = out / f"{SLUG}.mp3"
    return out, sheet(out / f"{SLUG}.json"), (mp3.read_bytes(), mp3.stat().st_mtime_ns)


def untouched(out: Path, before: tuple[bytes, int]) -> bool:
    mp3 = out / f"{SLUG}.mp3"
    return (mp3.read_bytes(), mp3.stat().st_mtime_ns) == before


def test_only_one_exercise(tiny, full, clip_cache):
    out, whole, before = full

    result = build(tiny, out, clip_cache, "--only", "heel-drops")

    assert result.exit_code == 0, result.output
    preview = out / f"{SLUG}.preview.mp3"
    assert result.stdout.startswith(f"{preview}  ")
    cues = sheet(out / f"{SLUG}.preview.json")
    assert {c.get("exercise") for c in cues["cues"]} == {"heel-drops"}  # no intro, outro or rest between
    exercise = [c for c in whole["cues"] if c.get("exercise") == "heel-drops"]
    assert said(cues) == said({"cues": exercise})  # the exercise's own words, all of them, in order
    assert said(cues)[0] == ("chime", "start") and said(cues)[-1] == ("chime", "end")
    assert said(cues)[1] == ("speech", "Exercise two: Heel drops.")
    assert not any(TITLE in (w or "") or (w or "").startswith("Rest for") for _, w in said(cues))
    assert decode(preview).size == cues["samples"]
    assert ID3(preview)["TIT2"].text == [f"{TITLE} (preview: Heel drops)"]
    assert cues["chapters"] == [{"id": "heel-drops", "title": "Heel drops", "start_s": 0.0,
                                 "end_s": cues["chapters"][0]["end_s"]}]
    assert untouched(out, before)
    again = build(tiny, out, clip_cache)
    assert again.exit_code == 0 and again.stdout.strip().endswith("up to date") and untouched(out, before)


def test_only_several_exercises_in_the_routines_order(tiny, full, clip_cache):
    out, whole, before = full

    result = build(tiny, out, clip_cache, "--only", "calf-raises", "--only", "wall-stretch")

    assert result.exit_code == 0, result.output
    cues = sheet(out / f"{SLUG}.preview.json")
    wanted = [c for c in whole["cues"] if c.get("exercise") in ("wall-stretch", "calf-raises")]
    assert said(cues) == said({"cues": wanted})
    assert [c["id"] for c in cues["chapters"]] == ["wall-stretch", "calf-raises"]
    assert decode(out / f"{SLUG}.preview.mp3").size == cues["samples"]
    assert untouched(out, before)


def test_a_preview_speaks_only_its_own_phrases(tiny, tmp_path):
    cache = tmp_path / "new-cache"

    result = build(tiny, tmp_path / "out", cache, "--only", "calf-raises")

    assert result.exit_code == 0, result.output
    cues = sheet(tmp_path / "out" / f"{SLUG}.preview.json")
    words = {c["text"] for c in cues["cues"] if "text" in c}
    identity = PiperEngine().identity()
    assert all(ClipCache(cache).has(identity, text) for text in words)
    assert sum(1 for _ in (cache / "clips").rglob("*.wav")) == len(words) + 2  # and the two chimes
    assert not (tmp_path / "out" / f"{SLUG}.mp3").exists()


def test_an_unknown_exercise_is_refused_with_the_ids(tiny, tmp_path, clip_cache):
    result = build(tiny, tmp_path / "out", clip_cache, "--only", "heel-drop")

    assert result.exit_code == 2
    assert result.stderr == (f"error: --only heel-drop: is not an exercise of {tiny}\n"
                             "  hint: did you mean 'heel-drops'? its exercise ids: wall-stretch, heel-drops, "
                             "calf-raises\n")
    assert not (tmp_path / "out").exists()


def test_the_first_seconds_are_cut_after_the_last_cue_that_fits(tiny, full, clip_cache):
    out, whole, before = full
    limit = 15.0
    assert whole["duration_s"] > limit + 5

    result = build(tiny, out, clip_cache, "--first", f"{limit:g}s")

    assert result.exit_code == 0, result.output
    cues = sheet(out / f"{SLUG}.preview.json")
    assert cues["samples"] <= limit * SAMPLE_RATE and cues["duration_s"] > limit / 2
    assert decode(out / f"{SLUG}.preview.mp3").size == cues["samples"]
    heard, full_heard = said(cues), said(whole)
    closing = heard[-1] == ("chime", "end") and full_heard[len(heard) - 1] != ("chime", "end")
    kept = heard[:-1] if closing else heard
    assert kept == full_heard[:len(kept)]  # the routine's own beginning, each cue where it was
    starts = [c["start_s"] for c in cues["cues"] if "text" in c]
    assert starts == [c["start_s"] for c in whole["cues"] if "text" in c][:len(starts)]
    last_end = max(c["end_s"] for c in cues["cues"])
    assert all(c["end_s"] <= last_end for c in cues["cues"])  # no word cut: every cue ends inside the file
    nxt = next(c for c in whole["cues"] if "text" in c and c["start_s"] >= starts[-1] + 0.01)
    assert nxt["end_s"] > limit - 1.5  # the next words would not have fitted with the closing chime
    assert ID3(out / f"{SLUG}.preview.mp3")["TIT2"].text == [f"{TITLE} (preview: first 15s)"]
    assert untouched(out, before)


def test_too_short_a_first_part_is_refused(tiny, tmp_path, clip_cache):
    result = build(tiny, tmp_path / "out", clip_cache, "--first", "1s")

    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: --first 1s: not even the routine's first cue fits in 1s"]
    assert not (tmp_path / "out" / f"{SLUG}.preview.mp3").exists()


@pytest.mark.parametrize("value", ["soon", "0s", "-1m"])
def test_a_bad_first_length_is_refused(tiny, tmp_path, clip_cache, value):
    result = build(tiny, tmp_path / "out", clip_cache, "--first", value)

    assert result.exit_code == 2 and result.stderr.startswith(f"error: --first {value}: ")
    assert not (tmp_path / "out").exists()
