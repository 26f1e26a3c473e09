"""espeak-ng, the system's formant voice, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from ..errors import EngineError, EngineUnavailable
from .base import Synthesized


def espeak_exe() -> str | None:
    return shutil.which("espeak-ng")


class EspeakEngine:
    name = "espeak"

    def __init__(self, lang: str = "en", slow: bool = False) -> None:
        exe = espeak_exe()
        if exe is None:
            raise EngineUnavailable(
                "espeak-ng is not installed",
                hint="install it with your system's packages (apt-get install espeak-ng, "
                "brew install espeak-ng), or use --engine piper",
            )
        # An unknown voice fails at once, before any phrase, like a language gTTS lacks.
        probe = subprocess.run([exe, "-q", "-v", lang, "x"], capture_output=True, check=False)
        if probe.returncode != 0:
            raise EngineUnavailable(
                f"espeak-ng has no voice for the language {lang!r}",
                hint="see `espeak-ng --voices` for the languages it speaks",
            )
        self.exe = exe
        self.lang = lang
        self.voice = lang
        self.slow = slow
        self.workers = 2

    def identity(self) -> dict[str, str]:
        return {"engine": self.name, "voice": self.voice, "lang": self.lang,
                "speed": "slow" if self.slow else "normal"}

    def synthesize(self, text: str) -> Synthesized:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "clip.wav"
            proc = subprocess.run(
                # "--" so a phrase starting with "-" is spoken, not taken for an option.
                [self.exe, "-v", self.voice, "-s", "140" if self.slow else "165",
                 "-w", str(out), "--", text],
                capture_output=True, check=False,
            )
            if proc.returncode != 0 or not out.exists():
                why = proc.stderr.decode(errors="replace").strip()
                raise EngineError(f"espeak-ng failed: {why}")
            with wave.open(str(out)) as wav:
                rate = wav.getframerate()
                samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").copy()
        return Synthesized(samples, rate)
