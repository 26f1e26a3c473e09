"""Issue 13, item 4: a changed hold is playable again at once. Each stretch of words starts on the
MP3 frame grid, is encoded as a part of its own and kept in the clip cache's ``encoded/`` folder;
a rebuild encodes only the parts whose samples changed, and its MP3 is the one a build from
nothing makes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from audioroutine import BuildOptions, build
from audioroutine.constants import MP3_FRAME, SAMPLE_RATE
from audioroutine.model import Routine
from audioroutine.mp3 import GUARD, JOIN
from audioroutine.mp3.frames import read_encoded
from audioroutine.mp3.partcache import FOLDER
from audioroutine.script import render_script
from audioroutine.templates import CueTemplates
from audioroutine.timeline import SNAP_PAUSE, build_timeline
from audiotools import decode, quiet_regions, sheet

ROUTINE = """\
title: Rebuild {tag}
settings:
  countdown: 2
  rest: 3s
  callouts: false
exercises:
  - name: Wall stretch
    instructions:
      - Face the wall.
    hold: {hold}
  - name: Heel drops
    reps: 2
    rep_time: 1s
  - name: Toe spread
    hold: 5s
"""


def _parts(cache: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((cache / FOLDER).rglob("*.mp3"))}


def _clips_only(cache: Path, into: Path) -> Path:
    """A copy of a clip cache without its encoded parts."""
    shutil.copytree(cache, into, ignore=shutil.ignore_patterns(FOLDER))
    return into


def _whole(mp3: Path, cue_sheet: Path) -> np.ndarray:
    """The MP3 decodes to exactly the cue sheet's samples, silent where nothing is said."""
    pcm, cues = decode(mp3), sheet(cue_sheet)
    assert pcm.size == cues["samples"]
    for _, start, end in quiet_regions(cues):
        quiet = pcm[int(start * SAMPLE_RATE) + 1200 : int(end * SAMPLE_RATE) - 1200]
        assert np.abs(quiet.astype(np.int32)).max(initial=0) <= 2
    return pcm


def test_a_changed_hold_encodes_only_its_words_and_makes_the_mp3_a_build_from_nothing_makes(
        write_routine, private_cache, tmp_path):
    routine = write_routine(ROUTINE.format(tag="one", hold="4s"))
    changed = write_routine(ROUTINE.format(tag="one", hold="6s"), name="changed.yaml")
    cache = private_cache(routine, changed)
    options = BuildOptions(engine="offline", out=tmp_path / "out", cache_dir=cache)

    first = build([str(routine)], options)[0]
    assert first.encoding.encoded_parts == len(_parts(cache)) > 5  # each part once (one said twice: once)
    again = build([str(routine)], BuildOptions(engine="offline", out=tmp_path / "out", cache_dir=cache,
                                               force=True))[0]
    assert again.encoding.reused == again.encoding.parts  # nothing changed: nothing encoded
    assert again.mp3.read_bytes() == first.mp3.read_bytes()
    routine.write_text(changed.read_text(encoding="utf-8"), encoding="utf-8")
    kept = _parts(cache)
    rebuilt = build([str(routine)], options)[0]

    # the announcement, the countdown in the hold and the cue after it: the rest is reused
    assert 0 < rebuilt.encoding.encoded_parts <= 5 < rebuilt.encoding.reused
    assert len(_parts(cache)) == len(kept) + rebuilt.encoding.encoded_parts
    assert abs(rebuilt.sheet.samples - first.sheet.samples - 2 * SAMPLE_RATE) < SAMPLE_RATE // 2  # its words, too
    _whole(rebuilt.mp3, rebuilt.cue_sheet)
    # the same routine built from an empty encoded-part cache: the same bytes, every part encoded
    fresh = build([str(routine)], BuildOptions(engine="offline", out=tmp_path / "fresh",
                                               cache_dir=_clips_only(cache, tmp_path / "fresh-cache")))[0]
    assert fresh.encoding.encoded_parts == len(_parts(tmp_path / "fresh-cache")) > rebuilt.encoding.encoded_parts
    assert fresh.mp3.read_bytes() == rebuilt.mp3.read_bytes()


def test_a_pause_before_a_cue_ends_on_the_frame_grid_and_holds_stay_exact():
    routine = Routine.model_validate({"title": "T", "settings": {"rest": "10s", "pause": 0.5}, "exercises": [
        {"name": "One", "hold": "10s", "sides": ["left", "right"]}, {"name": "Two", "reps": 3, "rep_time": "1s"}]})
    script = render_script(routine, CueTemplates("en"))
    lengths = {}

    def speech(text: str) -> int:  # lengths off the frame grid, each phrase its own
        return lengths.setdefault(text, 9001 + 577 * len(lengths))

    timeline = build_timeline(script, speech, lambda which: 3001)
    pause, snapped = SAMPLE_RATE // 2, 0
    events = sorted(timeline.events, key=lambda e: (e.start, e.kind not in ("speech", "chime")))
    top = [e for e in events if e.kind in ("speech", "chime", "hold", "rest", "reps", "switch", "settle")
           and not (e.kind == "speech" and any(s.start < e.start < s.end for s in events if s.kind == "reps"))]
    for before, after in zip(top, top[1:], strict=False):
        if before.kind in ("speech", "chime") and after.kind in ("speech", "chime"):
            assert pause <= after.start - before.end < pause + MP3_FRAME
            assert after.start % MP3_FRAME == 0
            snapped += 1
        elif before.kind in ("hold", "rest"):  # a timed stretch ends exactly when its time is up
            assert after.start == before.end and before.length == 10 * SAMPLE_RATE
        elif after.kind in ("hold", "rest"):  # and starts exactly as its cue ends
            assert after.start == before.end
    assert snapped > 5
    assert SNAP_PAUSE == 2 * GUARD + JOIN  # a snapped pause holds a cut between two encoded parts


def test_a_damaged_encoded_part_is_dropped_and_encoded_again(write_routine, private_cache, tmp_path):
    routine = write_routine(ROUTINE.format(tag="two", hold="4s"))
    cache = private_cache(routine)
    command = [sys.executable, "-m", "audioroutine", "build", str(routine), "--engine", "offline", "--force",
               "--cache-dir", str(cache), "--out", str(tmp_path / "out")]
    assert subprocess.run(command, capture_output=True, timeout=300).returncode == 0
    parts = sorted(_parts(cache), key=lambda p: p.stat().st_size)
    truncated, flipped = parts[-1], parts[-2]
    good = {truncated: truncated.read_bytes(), flipped: flipped.read_bytes()}
    with truncated.open("r+b") as handle:
        handle.truncate(truncated.stat().st_size - 300)
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x5A  # inside an audio frame: the frames still add up, the CRC does not
    flipped.write_bytes(bytes(data))

    done = subprocess.run(command, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    _whole(tmp_path / "out" / f"{routine.stem}.mp3", tmp_path / "out" / f"{routine.stem}.json")
    for path, bytes_ in good.items():  # encoded again, as they were
        assert path.read_bytes() == bytes_
        read_encoded(path, SAMPLE_RATE)


def test_two_builds_racing_on_one_encoded_part_cache_both_succeed(write_routine, private_cache, tmp_path):
    routine = write_routine(ROUTINE.format(tag="three", hold="4s"))
    cache = private_cache(routine)
    builds = [subprocess.Popen([sys.executable, "-m", "audioroutine", "build", str(routine), "--engine", "offline",
                                "--cache-dir", str(cache), "--out", str(tmp_path / f"out{i}")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    results = [(b.wait(timeout=300), b.stderr.read()) for b in builds]
    for code, stderr in results:
        assert code == 0, stderr
        assert "Traceback" not in stderr
    mp3s = [tmp_path / f"out{i}" / f"{routine.stem}.mp3" for i in range(2)]
    assert mp3s[0].read_bytes() == mp3s[1].read_bytes()
    _whole(mp3s[0], mp3s[0].with_suffix(".json"))
    assert _parts(cache) and not list((cache / FOLDER).rglob(".*"))  # no temporary file left
    again = build([str(routine)], BuildOptions(engine="offline", out=tmp_path / "out2", cache_dir=cache,
                                               force=True))[0]
    assert again.encoding.encoded_parts == 0


def test_cache_commands_report_prune_and_clear_the_encoded_parts(tmp_path, private_cache, monkeypatch):
    from typer.testing import CliRunner

    from audioroutine.cli import app

    runner = CliRunner()
    routines = tmp_path / "work" / "routines"
    routines.mkdir(parents=True)
    routine = routines / "rebuild-prune.yaml"
    routine.write_text(ROUTINE.format(tag="four", hold="4s"), encoding="utf-8")
    cache = private_cache(routine)
    monkeypatch.chdir(tmp_path / "work")
    built = build([str(routine)], BuildOptions(engine="offline", out=tmp_path / "out", cache_dir=cache))[0]
    parts = sorted(_parts(cache))
    assert len(parts) == built.encoding.encoded_parts
    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert info.exit_code == 0 and f"{len(parts)} encoded parts kept for quick rebuilds" in info.stdout
    old = parts[: len(parts) // 2]
    for path in old:  # last used 40 days ago
        os.utime(path, (time.time() - 40 * 86400,) * 2)

    dry = runner.invoke(app, ["cache", "prune", "--dry-run", "--cache-dir", str(cache)])
    assert dry.exit_code == 0, dry.output
    assert f"would remove {len(old)} encoded part" in dry.stdout and all(p.exists() for p in parts)
    pruned = runner.invoke(app, ["cache", "prune", "--yes", "--cache-dir", str(cache)])
    assert pruned.exit_code == 0, pruned.output
    assert f"removed {len(old)} encoded part" in pruned.stdout
    assert sorted(_parts(cache)) == parts[len(old):]
    again = build([str(routine)], BuildOptions(engine="offline", out=tmp_path / "out", cache_dir=cache, force=True))[0]
    assert again.encoding.encoded_parts == len(old) and again.synthesized == 0
    assert again.mp3.read_bytes() == built.mp3.read_bytes()
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0 and f"{len(parts)} encoded parts" in cleared.stdout
    assert not _parts(cache)
