"""ffmpeg: finding it, decoding any audio it reads to our PCM, and pydub pointed at it."""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from functools import cache
from typing import TYPE_CHECKING

from .constants import SAMPLE_RATE
from .errors import AudioError

if TYPE_CHECKING:
    from types import ModuleType

    import numpy as np


@cache
def ffmpeg_exe() -> str:
    """The system's ffmpeg, or the one imageio-ffmpeg ships, so pip alone is enough."""
    found = os.environ.get("AUDIOROUTINE_FFMPEG") or shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise AudioError(
            "ffmpeg was not found", hint="install imageio-ffmpeg (pip) or ffmpeg (your system's packages)"
        ) from exc


def pydub() -> ModuleType:
    """pydub, pointed at our ffmpeg (imported late: it looks for ffmpeg when imported)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Couldn't find ffmpeg": we set it below
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on Python 3.12
        import pydub as _pydub
    _pydub.AudioSegment.converter = ffmpeg_exe()
    return _pydub


def decode_to_pcm(data: bytes, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Any audio ffmpeg reads (MP3, WAV…) as mono int16 samples at ``rate``."""
    import numpy as np

    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", "pipe:0",
         "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"],
        input=data, capture_output=True, check=False,
    )
    if proc.returncode != 0:
        raise AudioError(f"ffmpeg could not decode the audio: {proc.stderr.decode(errors='replace').strip()}")
    return np.frombuffer(proc.stdout, dtype="<i2").copy()
