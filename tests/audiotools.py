"""What the tests use to listen to a built MP3: decode it, find silence and sound, measure loudness."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np

from audioroutine.ffmpeg import ffmpeg_exe
from audioroutine.timeline import SAMPLE_RATE

SILENCE_DBFS = -60.0
"""A stretch whose RMS is under this is silent."""
TOLERANCE_S = 0.010


def decode(mp3: Path) -> np.ndarray:
    """The MP3's samples as the player hears them (mono int16, gapless trimmed)."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(mp3), "-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE), "pipe:1"],
        capture_output=True, check=True,
    )
    return np.frombuffer(proc.stdout, dtype="<i2")


def rms_dbfs(samples: np.ndarray) -> float:
    if samples.size == 0:
        return float("-inf")
    rms = np.sqrt(np.mean(np.square(samples.astype(np.float64) / 32768.0)))
    return 20 * np.log10(rms) if rms > 0 else float("-inf")


def span(pcm: np.ndarray, start_s: float, end_s: float, trim_s: float = 0.0) -> np.ndarray:
    a = int(round((start_s + trim_s) * SAMPLE_RATE))
    b = int(round((end_s - trim_s) * SAMPLE_RATE))
    return pcm[a:max(a, b)]


def first_sound(pcm: np.ndarray, from_s: float, window_s: float = 0.005, threshold_dbfs: float = -45.0) -> float:
    """When sound starts at or after ``from_s`` (seconds), to within a few milliseconds."""
    win = int(window_s * SAMPLE_RATE)
    i = int(from_s * SAMPLE_RATE)
    while i + win <= pcm.size:
        if rms_dbfs(pcm[i:i + win]) > threshold_dbfs:
            return i / SAMPLE_RATE
        i += win // 2 or 1
    return float("inf")


def loudness(mp3: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's EBU R128 meter reads the file."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(mp3), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )
    summary = proc.stderr[proc.stderr.rindex("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def sheet(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def quiet_regions(cue_sheet: dict, kinds: tuple[str, ...] = ("hold", "rest", "settle", "switch", "reps", "flow")):
    """(start, end) of each timed silence minus the cues spoken inside it."""
    cues = cue_sheet["cues"]
    sounding = [(c["start_s"], c["end_s"]) for c in cues if "text" in c or c["kind"] == "chime"]
    for cue in cues:
        if cue["kind"] not in kinds:
            continue
        edges = [cue["start_s"]]
        for s, e in sorted(sounding):
            if e > cue["start_s"] and s < cue["end_s"]:
                edges += [s, e]
        edges.append(cue["end_s"])
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            if b - a > 0.1:
                yield cue, a, b


def tiny_routine(title: str) -> str:
    """A routine file's text with a cue of most kinds (intro, instruction, hold with a countdown,
    counted reps, rest) that builds in a second or two; ``title`` keeps each test file's intro its own."""
    return f"""\
title: {title}
settings:
  countdown: 2
  rest: 2s
  callouts: false
exercises:
  - name: Wall stretch
    instructions:
      - Face the wall.
    hold: 4s
  - name: Heel drops
    reps: 2
    rep_time: 1s
"""
