"""Numbers every stage agrees on: the audio format, and the versions of what is stored or written.

A leaf module: it imports nothing of audioroutine's, so the cache, the engines and the encoder
can share these without loading the routine model or the templates.
"""

from __future__ import annotations

from functools import cache

SAMPLE_RATE = 22050
"""Every clip is brought to this rate; the MP3 is written at it (mono)."""
MP3_FRAME = 576
"""Samples in one MP3 frame at this rate (MPEG-2 layer III). A routine lasts a whole number of
frames: for other lengths ffmpeg's gapless header can be off by some tens of samples, and then
the decoded file would not be exactly as long as the cue sheet says."""
MP3_BITRATE = "64k"
"""Constant bit rate of every MP3 (spoken word, mono)."""

PREPARATION = "9"
"""Version of clip preparation (trim, loudness, peak): bumped when it changes, so clips prepared
the old way are not reused (it is part of every clip's cache key)."""
EXPORT_VERSION = "1"
"""Version of the tags and sidecars: bumped when they change, so earlier builds are not taken as
up to date."""
CUE_SHEET_VERSION = 1
"""Version of the cue sheet's JSON format (docs/cue-sheet.md)."""


@cache
def package_version() -> str:
    """audioroutine's version, from the installed package's metadata (pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("audioroutine")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree never installed
        return "0+unknown"
