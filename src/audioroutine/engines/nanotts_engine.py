"""SVOX Pico through py-nanotts: six small offline voices (en-US, en-GB, de-DE, es-ES, fr-FR,
it-IT) whose data install from PyPI with the package."""

from __future__ import annotations

import functools
import importlib.util
import threading

from ..errors import EngineError, EngineUnavailable, option
from ..pronounce import Lexicon
from .base import Engine, Synthesized, WrongLanguage, base_language

VOICES = ("en-US", "en-GB", "de-DE", "es-ES", "fr-FR", "it-IT")
"""Pico's voices, one per language tag; the first of a base language is that language's own."""
RATE = 16000
"""Pico speaks at 16 kHz (the clips are resampled to the routine's rate when they are prepared)."""
VOLUME = 0.5
"""Pico's volume: at its own (1), its louder phrases clip (up to 2% of their samples at full scale,
measured with bench/voices.py); at half, none do, and clips are brought to the routine's level later."""
SLOW_SPEED = 0.85
"""Pico's speed level for ``slow`` (as espeak's 140 of 165 words a minute, piper's length scale 1.2)."""


def voice_for(lang: str) -> str | None:
    """Pico's voice for a language tag: the tag's own (``en-GB``), else its base language's
    (``es-ES`` for ``es-MX``, ``en-US`` for ``en``); None when Pico does not speak it."""
    tag = lang.replace("_", "-").lower()
    exact = next((voice for voice in VOICES if voice.lower() == tag), None)
    return exact or next((voice for voice in VOICES if base_language(voice) == base_language(lang)), None)


@functools.cache
def _package_version() -> str:
    from importlib.metadata import version

    return version("py-nanotts")


class NanoTTSEngine(Engine):
    """``voice`` is one of Pico's six (``es-ES``); by default the build language's own."""

    NAME = "nanotts"
    TITLE = "an SVOX Pico voice"
    OFFLINE = True
    VOICE = f"a Pico voice: {', '.join(VOICES)}"

    def __init__(self, lang: str = "en", slow: bool = False, voice: str | None = None, *, speed: float = 1.0) -> None:
        self.lang = lang
        self.slow = slow
        self.speed = speed
        self._asked = voice
        self.voice = voice or voice_for(lang) or "-"
        self.workers = 1
        """The extension holds the interpreter's lock while it speaks: a second worker gains nothing."""
        self._lock = threading.Lock()

    @classmethod
    def from_options(cls, *, voice: str | None, lang: str, tld: str, slow: bool, speed: float = 1.0) -> NanoTTSEngine:
        return cls(lang=lang, slow=slow, voice=voice, speed=speed)

    @classmethod
    def claims(cls, voice: str) -> bool:
        """Pico's voices, written as Pico writes them (``es-ES``; ``es-es`` is espeak-ng's)."""
        return voice in VOICES

    def languages(self) -> tuple[str, ...]:
        return (self.voice,) if self._asked else VOICES

    def language_note(self) -> str | None:
        tag = self.lang.replace("_", "-")
        if self._asked or self.voice == "-" or "-" not in tag or self.voice.lower() == tag.lower():
            return None
        return f"Pico has no voice for {self.lang}: its {self.voice} voice speaks it"

    def check(self) -> None:
        """py-nanotts is installed, the voice is one of Pico's and it speaks the build's language."""
        if importlib.util.find_spec("py_nanotts") is None:
            raise EngineUnavailable("py-nanotts is not installed", hint=f"pip install py-nanotts, or use "
                                                                        f"{option('engine')} piper")
        if self._asked is not None and self._asked not in VOICES:
            raise EngineUnavailable(f"Pico has no voice {self._asked!r}", hint=f"its voices: {', '.join(VOICES)}")
        if self.voice == "-":
            raise WrongLanguage(f"Pico has no voice for the language {self.lang!r}", lang=self.lang,
                                hint=f"its voices: {', '.join(VOICES)}")
        if base_language(self.voice) != base_language(self.lang):
            raise WrongLanguage(f"the Pico voice {self.voice} speaks {self.voice}, not {self.lang}", lang=self.lang)

    @property
    def speed_level(self) -> float | None:
        """Pico's speed (1 is its own; None leaves its text untouched)."""
        if self.slow:
            return SLOW_SPEED
        return None if self.speed == 1.0 else self.speed

    def identity(self) -> dict[str, str]:
        speed = "slow" if self.slow else "normal" if self.speed == 1.0 else f"{self.speed:g}"
        return {"engine": self.name, "voice": self.voice, "lang": self.lang, "speed": speed,
                "build": f"py-nanotts {_package_version()} volume {VOLUME:g}"}

    def synthesize(self, text: str, lexicon: Lexicon | None = None) -> Synthesized:
        import numpy as np
        import py_nanotts

        self.check()
        # "<" would open Pico's markup (a tag in a phrase would be obeyed, not said); Pico says "‹" as a space.
        said = self.respelled(text, lexicon).replace("<", "‹")
        try:
            with self._lock:
                pcm = py_nanotts.NanoTTS().speak(said, voice=self.voice, speed=self.speed_level, volume=VOLUME)
        except (RuntimeError, ValueError, MemoryError) as exc:
            raise EngineError(f"the Pico voice {self.voice} failed to speak {text!r}: {exc}") from None
        samples = np.frombuffer(pcm, dtype="<i2").copy()
        if not samples.size or not samples.any():
            raise EngineError(f"the Pico voice {self.voice} produced no sound for {text!r}",
                              hint="give the cue some words, not only punctuation")
        return Synthesized(samples, RATE)
