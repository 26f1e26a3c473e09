"""The one small interface every speech engine implements: a table row (``Engine`` subclass)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from ..errors import EngineError, EngineUnavailable, OptionError
from ..pronounce import Lexicon

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Synthesized:
    samples: np.ndarray
    """Mono int16 samples."""
    rate: int


def base_language(lang: str) -> str:
    """A language tag's base language: ``es`` for ``es-MX``, ``en`` for ``en_US``."""
    return lang.replace("_", "-").split("-")[0].lower()


class WrongLanguage(EngineUnavailable):
    """The voice asked for does not speak the build's language (a choice the user made: exit 2)."""

    def __init__(self, message: str, *, lang: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.lang = lang


class ServiceFailed(EngineError):
    """An engine's service failed while speaking (refused, timed out, unreachable, sent unusable
    audio): a build that has another voice to turn to may build with it instead."""


class Engine(ABC):
    """A speech engine: text in, mono samples out.

    A subclass is one row of the engines' table (``engines.table.ENGINES``): it says its name,
    whether it needs the network, and what a voice is to it. Making one is cheap (no library,
    no model, no network); :meth:`check` says whether it can speak here; the heavy set-up
    happens on the first :meth:`synthesize`.
    """

    NAME: ClassVar[str]
    """The engine's name in options and cue sheets: ``piper``, ``gtts``, ``espeak``."""
    TITLE: ClassVar[str]
    """Its voice in a sentence, for messages: "a Piper voice", "Google's voice"."""
    OFFLINE: ClassVar[bool]
    """Speaks without the network."""
    VOICE: ClassVar[str | None]
    """What a voice is to this engine, for help and messages; None if it has no voices to choose."""
    PHONEMES: ClassVar[bool] = False
    """Takes a word's phonemes (a pronunciation's IPA); else only its respelling."""
    CLAIMS_ANY_NAME: ClassVar[bool] = False
    """:meth:`claims` takes any bare name: asked last, after the engines whose voices are named."""

    voice: str
    """The voice's name, as recorded in the cue sheet and the clip cache's key."""
    lang: str
    workers: int
    """How many phrases may be synthesized at once."""
    has_fallback: bool = False
    """Set by the ``auto`` policy when the build has another voice to turn to: an engine whose
    service fails then gives up soon (``ServiceFailed``) instead of waiting it out."""

    @property
    def name(self) -> str:
        return self.NAME

    @classmethod
    @abstractmethod
    def from_options(cls, *, voice: str | None, lang: str, tld: str, slow: bool, speed: float = 1.0) -> Engine:
        """The engine for a build's options (a voice of this engine, language, accent, ``slow``, or
        a ``speed`` relative to the voice's own)."""

    @classmethod
    def claims(cls, voice: str) -> bool:
        """Whether ``voice`` is one of this engine's (how ``auto`` picks an engine for a voice)."""
        return False

    @classmethod
    def refuse_voice(cls, voice: str | None, hint: str | None = None) -> None:
        """For an engine with no voices to choose: a voice asked for is a bad option."""
        if voice is not None:
            raise OptionError(f"the {cls.NAME} engine has no voices to choose", option="voice", value=voice,
                              hint=hint)

    def languages(self) -> tuple[str, ...]:
        """The languages this engine speaks here, with its voice (tags: ``en``, ``es-ES``)."""
        return ()

    def speaks(self, lang: str) -> bool:
        """Whether this engine, with its voice, speaks ``lang`` (its base language: ``es`` for ``es-MX``)."""
        base = base_language(lang)
        return any(base_language(tag) == base for tag in self.languages())

    def language_note(self) -> str | None:
        """How the engine speaks the build's language when it has no voice for exactly that tag
        (``es-MX`` with the ``es-ES`` voice), for the console."""
        return None

    def check(self) -> None:  # noqa: B027 - usable as it is: an engine with nothing to check
        """Raise ``EngineUnavailable`` if the engine cannot speak here. No network, no model."""

    def answers(self) -> tuple[bool, str]:
        """Whether the engine's service answers now, and what was seen (asks the network, if any)."""
        return True, f"{self.NAME} needs no network"

    def reach(self) -> str | None:
        """Why the engine's service cannot be reached now (a quick probe of the network, for
        ``engines``); ``None`` when it can, or when the engine needs no network."""
        return None

    def speed_note(self) -> str | None:
        """How the engine takes the speed asked for, when it cannot speak at exactly that speed."""
        return None

    @abstractmethod
    def identity(self) -> dict[str, str]:
        """Everything that changes how a phrase sounds: the clip cache's key besides the text."""

    def phrase_identity(self, text: str, lexicon: Lexicon | None = None) -> dict[str, str]:
        """The clip cache's key for ``text`` besides the text: the engine's identity, and the
        pronunciations it would use in this phrase (only when there are some, so a phrase without
        them keeps its clip)."""
        used = lexicon.usable(self.PHONEMES).applying_to(text) if lexicon else None
        return {**self.identity(), "pronounce": used.key(self.PHONEMES)} if used else self.identity()

    def check_lexicon(self, lexicon: Lexicon) -> None:  # noqa: B027 - a respelling suits every engine
        """Raise a ``RoutineError`` at its line for a pronunciation this voice cannot say."""

    def respelled(self, text: str, lexicon: Lexicon | None) -> str:
        """``text`` with the lexicon's respellings in place of its words (for engines without phonemes)."""
        return lexicon.respell(text) if lexicon else text

    @abstractmethod
    def synthesize(self, text: str, lexicon: Lexicon | None = None) -> Synthesized:
        """Speak one phrase (its words as ``lexicon`` says them). Heavy set-up (a model) happens
        on the first call, not before."""


@dataclass(frozen=True)
class EngineChoice:
    engine: Engine
    reason: str
    """Why this engine, in one line, for the console."""
    fallback: Callable[[str], EngineChoice] | None = None
    """The choice for the whole build if this engine's service fails (``ServiceFailed``), given
    what failed; ``None`` when there is none (the engine was asked for by name)."""
