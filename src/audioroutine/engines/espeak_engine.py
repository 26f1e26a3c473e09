"""espeak-ng, the system's formant voice, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from ..errors import EngineError, EngineUnavailable, option
from ..pronounce import Lexicon
from .base import Engine, Synthesized

WORDS_PER_MINUTE = 165
"""espeak-ng's speed at speed 1 (its own default is 175; 165 is easier to follow while stretching)."""
SLOW_WORDS_PER_MINUTE = 140


def espeak_exe() -> str | None:
    return shutil.which("espeak-ng")


class EspeakEngine(Engine):
    """``voice`` is an espeak-ng voice name (``en-us``, ``en-gb-x-rp``, ``fr``); by default the
    language's own voice."""

    NAME = "espeak"
    TITLE = "an espeak-ng voice"
    OFFLINE = True
    VOICE = "an espeak-ng voice name, e.g. en-us (see `espeak-ng --voices`)"

    def __init__(self, lang: str = "en", slow: bool = False, voice: str | None = None, *, speed: float = 1.0) -> None:
        self.exe = espeak_exe()
        self.lang = lang
        self.voice = voice or lang
        self.slow = slow
        self.speed = speed
        self.workers = 2
        self._checked = False

    @classmethod
    def from_options(cls, *, voice: str | None, lang: str, tld: str, slow: bool, speed: float = 1.0) -> EspeakEngine:
        return cls(lang=lang, slow=slow, voice=voice, speed=speed)

    @classmethod
    def claims(cls, voice: str) -> bool:
        """A bare name (no folder, no file suffix) is an espeak-ng voice."""
        return not any(sep in voice for sep in "/\\") and "." not in voice

    def check(self) -> None:
        """espeak-ng is installed and has the voice: an unknown voice fails at once, before any
        phrase, like a language gTTS lacks."""
        if self._checked:
            return
        if self.exe is None:
            raise EngineUnavailable(
                "espeak-ng is not installed",
                hint="install it with your system's packages (apt-get install espeak-ng, "
                f"brew install espeak-ng), or use {option('engine')} piper",
            )
        probe = subprocess.run([self.exe, "-q", "-v", self.voice, "x"], capture_output=True, check=False)
        if probe.returncode != 0:
            raise EngineUnavailable(
                f"espeak-ng has no voice for the language {self.lang!r}" if self.voice == self.lang
                else f"espeak-ng has no voice {self.voice!r}",
                hint="see `espeak-ng --voices` for the languages it speaks",
            )
        self._checked = True

    def identity(self) -> dict[str, str]:
        speed = "slow" if self.slow else "normal" if self.speed == 1.0 else f"{self.speed:g}"
        return {"engine": self.name, "voice": self.voice, "lang": self.lang, "speed": speed}

    @property
    def words_per_minute(self) -> int:
        return SLOW_WORDS_PER_MINUTE if self.slow else round(WORDS_PER_MINUTE * self.speed)

    def respelled(self, text: str, lexicon: Lexicon | None) -> str:
        """Respellings in lower case: espeak-ng spells a word in capitals letter by letter."""
        return lexicon.respell(text, lower=True) if lexicon else text

    def synthesize(self, text: str, lexicon: Lexicon | None = None) -> Synthesized:
        import numpy as np

        self.check()
        text = self.respelled(text, lexicon)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "clip.wav"
            proc = subprocess.run(
                # "--" so a phrase starting with "-" is spoken, not taken for an option.
                [self.exe, "-v", self.voice, "-s", str(self.words_per_minute),
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
