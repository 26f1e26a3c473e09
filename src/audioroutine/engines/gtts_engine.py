"""Google's voice through gTTS: language, accent (by top-level domain) and slow speech.

gTTS prepares every request (its text preparation, splitting and RPC format); this engine sends
them with a total deadline (``gtts_http``), checks every answer before it is cached
(``gtts_answer``), retries what retrying can fix, and says what went wrong in its own words.

Settings from the environment: ``AUDIOROUTINE_GTTS_URL`` points the requests at another server
(the tests run a local one speaking the same protocol); ``AUDIOROUTINE_GTTS_DEADLINE`` is the
seconds one request may take in all (default 20); ``AUDIOROUTINE_GTTS_BACKOFF`` the first pause
before a retry (default 1 s, doubling).
"""

from __future__ import annotations

import logging
import os
import random
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..constants import SAMPLE_RATE
from ..errors import EngineError, InputError, option
from ..pronounce import Lexicon
from .base import Engine, ServiceFailed, Synthesized, WrongLanguage, base_language
from .gtts_answer import BadAnswer, NoAudio, usable_audio
from .gtts_http import Failure, Refused, TimedOut, Unreachable, fetch
from .preference import offline_engines

if TYPE_CHECKING:
    import numpy as np
    from requests import PreparedRequest

log = logging.getLogger(__name__)

ENDPOINT_ENV = "AUDIOROUTINE_GTTS_URL"
BACKOFF_ENV = "AUDIOROUTINE_GTTS_BACKOFF"
DEADLINE_ENV = "AUDIOROUTINE_GTTS_DEADLINE"
DEFAULT_DEADLINE_S = 20.0
"""A phrase's request takes about a second; 20 s allows a slow network, not a stalled one."""
MAX_TRIES = 4
"""Tries of a request refused (429, 5xx) or without a connection; pauses of 1, 2 and 4 s between."""
TIMEOUT_TRIES = 2
BAD_AUDIO_TRIES = 3
"""Tries of a phrase whose answer is unusable (silent, cut short, garbled)."""
HASTY_TRIES = {Refused: 1, TimedOut: 1, Unreachable: 2, BadAnswer: 2}
"""Tries when the build has another voice to turn to (``Engine.has_fallback``): a refusal or a
timeout ends Google's part at once; 429 does not lift in seconds."""
RETRY_STATUSES = {429, 500, 502, 503, 504}
SLOW_SPEED = 0.9
"""Google's voice has two speeds: a speed asked for at or under this is its slow one."""


def endpoint_override() -> str | None:
    return os.environ.get(ENDPOINT_ENV) or None


def service_url(tld: str = "com") -> str:
    return endpoint_override() or f"https://translate.google.{tld}"


def _seconds_from_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise InputError(f"{name}={value!r}: give a number of seconds over 0, e.g. {name}={default:g}")
    return seconds


def _tts_class():
    from gtts import gTTS

    class RoutedTTS(gTTS):
        """gTTS, sending its requests to ``AUDIOROUTINE_GTTS_URL`` when that is set."""

        def _prepare_requests(self):
            requests = super()._prepare_requests()
            override = endpoint_override()
            if override:
                base = urlsplit(override)
                for request in requests:
                    parts = urlsplit(request.url)
                    request.url = parts._replace(scheme=base.scheme, netloc=base.netloc).geturl()
            return requests

    return RoutedTTS


def _pre_processors() -> list:
    """gTTS's text preparation less ``abbreviations``, which drops the period after any word
    ending in "st", "dr", "ms"… ("And rest." went as "And rest"), losing the sentence's end."""
    from gtts.tokenizer import pre_processors

    return [pre_processors.tone_marks, pre_processors.end_of_line, pre_processors.word_sub]


class GTTSEngine(Engine):
    """Google's voice has no voices to choose: its accent comes from the top-level domain
    (``tld``) of the service asked, e.g. ``co.uk``."""

    NAME = "gtts"
    TITLE = "Google's voice"
    OFFLINE = False
    VOICE = None

    def __init__(self, lang: str = "en", tld: str = "com", slow: bool = False, deadline: float | None = None,
                 *, speed: float = 1.0) -> None:
        self.lang = lang
        self.spoken_lang = lang
        """The language Google is asked for: ``lang``, or its base language when gTTS has no voice for
        the regional tag (``es`` for ``es-MX``)."""
        self.tld = tld
        self.speed = speed
        self.slow = slow or speed <= SLOW_SPEED
        self.deadline = deadline if deadline is not None else _seconds_from_env(DEADLINE_ENV, DEFAULT_DEADLINE_S)
        """Seconds one request may take in all, from connecting to the answer's last byte."""
        self.voice = f"google-{lang}-{tld}"
        self.workers = 2
        """Few requests at once, so a large routine does not trip the service's rate limit."""
        self._backoff = _seconds_from_env(BACKOFF_ENV, 1.0)
        self._gate = threading.Semaphore(self.workers)
        self._given_up = threading.Event()
        """Set when a phrase failed for good: every other phrase stops at once instead of waiting
        out its own retries."""
        self._failure: ServiceFailed | None = None
        self._checked = False

    @classmethod
    def from_options(cls, *, voice: str | None, lang: str, tld: str, slow: bool, speed: float = 1.0) -> GTTSEngine:
        cls.refuse_voice(voice, hint=f"Google's accent is chosen with {option('tld')}, e.g. co.uk")
        return cls(lang=lang, tld=tld, slow=slow, speed=speed)

    def check(self) -> None:
        """gTTS speaks the language (asked of gTTS's own list, not of the service)."""
        if self._checked:
            return
        from gtts.lang import tts_langs

        known = tts_langs()
        if self.lang not in known and base_language(self.lang) in known:
            self.spoken_lang = base_language(self.lang)  # es-MX: Google's es (its accent is --tld's)
        if self.spoken_lang not in known:
            raise WrongLanguage(
                f"gTTS does not speak the language {self.lang!r}", lang=self.lang,
                hint="see `gtts-cli --all` for the languages it speaks",
            )
        self._checked = True

    def languages(self) -> tuple[str, ...]:
        from gtts.lang import tts_langs

        return tuple(tts_langs())

    def language_note(self) -> str | None:
        if self.spoken_lang == self.lang:
            return None
        return f"gTTS has no {self.lang}: Google's {self.spoken_lang} speaks it, its accent chosen with {option('tld')}"

    def answers(self) -> tuple[bool, str]:
        return service_answers(self.tld)

    def reach(self) -> str | None:
        from .reach import unreachable

        return unreachable(service_url(self.tld))

    def speed_note(self) -> str | None:
        if self.speed == 1.0:
            return None
        said = "slowly" if self.slow else "at its normal speed"
        return (f"Google's voice has two speeds, normal and slow: speed {self.speed:g} is spoken {said} "
                f"(slow is {SLOW_SPEED:g} or less)")

    def identity(self) -> dict[str, str]:
        return {"engine": self.name, "voice": self.voice, "lang": self.lang, "tld": self.tld,
                "speed": "slow" if self.slow else "normal"}

    def synthesize(self, text: str, lexicon: Lexicon | None = None) -> Synthesized:
        from ..ffmpeg import decode_to_pcm

        text = self.respelled(text, lexicon)
        tts = _tts_class()(text, lang=self.spoken_lang, tld=self.tld, slow=self.slow, lang_check=False,
                           pre_processor_funcs=_pre_processors())
        try:
            parts, requests = tts._tokenize(tts.text), tts._prepare_requests()
        except AssertionError:  # gTTS asserts when punctuation is all there is
            raise EngineError(f"there is nothing Google's voice can say in {_quote(text)}",
                              hint="give the cue some words, not only punctuation") from None
        answers = [self._speak(request, part, text) for request, part in zip(requests, parts, strict=True)]
        if len(answers) == 1:
            return Synthesized(answers[0][1], SAMPLE_RATE)
        # A long phrase's parts, each checked, are decoded as one stream, as gTTS's joined MP3 was.
        return Synthesized(decode_to_pcm(b"".join(mp3 for mp3, _ in answers), SAMPLE_RATE), SAMPLE_RATE)

    def _speak(self, request: PreparedRequest, part: str, phrase: str) -> tuple[bytes, np.ndarray]:
        """One part's checked answer (its MP3 and samples), tried again while that may help."""
        tries = 0
        while True:
            if self._given_up.is_set() and self._failure is not None:
                raise self._failure
            tries += 1
            try:
                with self._gate:
                    body = fetch(request, self.deadline)
                return usable_audio(body, part, SAMPLE_RATE)
            except (Failure, BadAnswer) as exc:
                if tries >= self._tries(exc):
                    raise self._give_up(exc, phrase, tries) from None
                pause = self._backoff * 2 ** (tries - 1) * (1 + random.random() / 4)
                log.info("Google's voice, %s: %s; trying again in %.1f s", _quote(phrase), exc, pause)
                self._given_up.wait(pause)

    def _tries(self, failure: Exception) -> int:
        if isinstance(failure, NoAudio) or (isinstance(failure, Refused) and failure.status not in RETRY_STATUSES):
            return 1
        if self.has_fallback:
            return next(n for kind, n in HASTY_TRIES.items() if isinstance(failure, kind))
        if isinstance(failure, TimedOut):
            return TIMEOUT_TRIES
        return BAD_AUDIO_TRIES if isinstance(failure, BadAnswer) else MAX_TRIES

    def _give_up(self, failure: Exception, phrase: str, tries: int) -> ServiceFailed:
        """The error for a phrase that failed for good; the other phrases stop at once (the build
        fails, or turns to another voice, either way)."""
        self._failure = failure_error(failure, phrase, tries, lang=self.lang)
        self._given_up.set()
        return self._failure


def _quote(text: str, most: int = 40) -> str:
    return repr(text if len(text) <= most else text[: most - 1] + "…")


def failure_error(failure: Exception, phrase: str, tries: int, *, lang: str) -> ServiceFailed:
    """What went wrong, for a user: what the service did, for which phrase, and what to do."""
    offline = f"build with the offline voice: {option('engine')} {offline_engines(lang)[0]}"
    times = f" ({tries} tries)" if tries > 1 else ""
    said = _quote(phrase)
    if isinstance(failure, Refused):
        if failure.status >= 500:
            return ServiceFailed(f"Google's speech service failed to speak {said}{times}: {failure.what}",
                                 hint=f"try again later, or {offline}")
        hint = {429: f"wait an hour or so before asking Google again, or {offline}",
                404: f"check the accent's domain ({option('tld')}), or {offline}"}.get(
            failure.status, f"a newer gTTS may be accepted (pip install -U gTTS); meanwhile {offline}")
        return ServiceFailed(f"Google's speech service refused to speak {said}{times}: {failure.what}", hint=hint)
    if isinstance(failure, TimedOut):
        return ServiceFailed(f"Google's speech service timed out{times} on {said}: {failure.what}",
                             hint=f"the network or the service is slow; try again later, allow more time "
                                  f"with {DEADLINE_ENV}=60, or {offline}")
    if isinstance(failure, Unreachable):
        return ServiceFailed(f"Google's speech service could not be reached{times} for {said}: {failure.what}",
                             hint=f"check the network connection, or {offline}")
    if isinstance(failure, NoAudio):
        return ServiceFailed(f"Google's speech service sent no audio for {said}",
                             hint=f"it sends none for a language it does not speak ({lang!r}); {offline}")
    return ServiceFailed(f"Google's speech service sent unusable audio for {said}{times}: {failure}",
                         hint=f"none of it was kept; try again later, or {offline}")


def service_answers(tld: str = "com", timeout: float = 3.0) -> tuple[bool, str]:
    """Whether Google's speech service (or the configured endpoint) answers at all."""
    import requests

    url = service_url(tld)
    log.info("asking %s whether Google's speech service answers", url)
    try:
        response = requests.head(url, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        log.debug("%s: %s", url, exc)
        return False, f"{url} did not answer ({type(exc).__name__})"
    return True, f"{url} answered (HTTP {response.status_code})"
