"""espeak-ng, the formant voice of about a hundred languages: its library and data come from the
espeakng-loader package (``espeak_library``), so no system package is needed."""

from __future__ import annotations

import functools

from ..pronounce import Lexicon
from .base import Engine, Synthesized, WrongLanguage, base_language
from .espeak_library import Voice, library

WORDS_PER_MINUTE = 165
"""espeak-ng's speed at speed 1 (its own default is 175; 165 is easier to follow while stretching)."""
SLOW_WORDS_PER_MINUTE = 140


@functools.cache
def _package_version() -> str:
    from importlib.metadata import version

    return version("espeakng-loader")


def voice_for(lang: str, voices: tuple[Voice, ...]) -> str | None:
    """espeak-ng's voice for a language tag: the voice whose languages name the tag (``es-419`` for
    ``es-MX``), first by its priority; else its base language's (``de`` for ``de-AT``)."""
    for tag in dict.fromkeys((lang.replace("_", "-").lower(), base_language(lang))):
        ranked = sorted((priority, voice.name) for voice in voices for priority, said in voice.languages
                        if said == tag)
        if ranked:
            return ranked[0][1]
    return None


class EspeakEngine(Engine):
    """``voice`` is an espeak-ng voice name (``en-us``, ``en-gb-x-rp``, ``fr``); by default the
    language's own voice."""

    NAME = "espeak"
    TITLE = "an espeak-ng voice"
    OFFLINE = True
    VOICE = "an espeak-ng voice name, e.g. en-us (see `audioroutine engines --lang LANG`)"
    CLAIMS_ANY_NAME = True

    def __init__(self, lang: str = "en", slow: bool = False, voice: str | None = None, *, speed: float = 1.0) -> None:
        self.lang = lang
        self._asked = voice
        self.voice = voice or lang
        """The voice asked for, else the language's tag (espeak-ng's own name for most: ``en``, ``es``),
        or, once checked, the voice that speaks it (``es-419`` for ``es-MX``)."""
        self.slow = slow
        self.speed = speed
        self.workers = 1
        """espeak-ng speaks one phrase at a time in a process (its library keeps global state)."""
        self._checked = False
        self._note: str | None = None

    @classmethod
    def from_options(cls, *, voice: str | None, lang: str, tld: str, slow: bool, speed: float = 1.0) -> EspeakEngine:
        return cls(lang=lang, slow=slow, voice=voice, speed=speed)

    @classmethod
    def claims(cls, voice: str) -> bool:
        """A bare name (no folder, no file suffix) is an espeak-ng voice."""
        return not any(sep in voice for sep in "/\\") and "." not in voice

    def languages(self) -> tuple[str, ...]:
        voices = library().voices
        if self._asked is not None:
            voices = tuple(voice for voice in voices if voice.name.lower() == self._asked.lower())
        return tuple(dict.fromkeys(tag for voice in voices for _, tag in voice.languages))

    def language_note(self) -> str | None:
        return self._note

    def check(self) -> None:
        """espeak-ng's library loads and has the voice, which speaks the build's language: an unknown
        voice fails at once, before any phrase, like a language gTTS lacks."""
        if self._checked:
            return
        espeak = library()
        if self._asked is None:
            if not espeak.has_voice(self.lang):
                found = voice_for(self.lang, espeak.voices)
                if found is None:
                    raise WrongLanguage(f"espeak-ng has no voice for the language {self.lang!r}", lang=self.lang,
                                        hint="see `audioroutine engines --lang LANG` for a language's voices")
                self._note = f"espeak-ng has no voice named {self.lang}: its {found} voice speaks it"
                self.voice = found
        elif not espeak.has_voice(self._asked):
            raise WrongLanguage(f"espeak-ng has no voice {self._asked!r}", lang=self.lang,
                                hint="see `audioroutine engines --lang LANG` for a language's voices")
        elif self.languages() and not self.speaks(self.lang):
            raise WrongLanguage(f"the espeak-ng voice {self._asked} speaks {', '.join(self.languages())}, "
                                f"not {self.lang}", lang=self.lang)
        self._checked = True

    def identity(self) -> dict[str, str]:
        speed = "slow" if self.slow else "normal" if self.speed == 1.0 else f"{self.speed:g}"
        return {"engine": self.name, "voice": self.voice, "lang": self.lang, "speed": speed,
                "build": f"espeakng-loader {_package_version()}"}

    @property
    def words_per_minute(self) -> int:
        return SLOW_WORDS_PER_MINUTE if self.slow else round(WORDS_PER_MINUTE * self.speed)

    def respelled(self, text: str, lexicon: Lexicon | None) -> str:
        """Respellings in lower case: espeak-ng spells a word in capitals letter by letter."""
        return lexicon.respell(text, lower=True) if lexicon else text

    def synthesize(self, text: str, lexicon: Lexicon | None = None) -> Synthesized:
        import numpy as np

        from ..errors import EngineError

        self.check()
        espeak = library()
        samples = np.frombuffer(espeak.speak(self.respelled(text, lexicon), self.voice, self.words_per_minute),
                                dtype="<i2").copy()
        if not samples.any():
            raise EngineError(f"espeak-ng produced no sound for {text!r}",
                              hint="give the cue some words, not only punctuation")
        return Synthesized(samples, espeak.rate)
