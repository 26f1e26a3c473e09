"""Google's voice through gTTS: language, accent (by top-level domain) and slow speech.

The service's address can be pointed elsewhere with ``AUDIOROUTINE_GTTS_URL`` (used by the
tests, which run a local server speaking the same protocol); gTTS itself still builds every
request and parses every answer.
"""

from __future__ import annotations

import io
import logging
import os
import random
import threading
import time
from urllib.parse import urlsplit

from ..constants import SAMPLE_RATE
from ..errors import EngineError, EngineUnavailable, option
from .base import Engine, Synthesized

log = logging.getLogger(__name__)

ENDPOINT_ENV = "AUDIOROUTINE_GTTS_URL"
BACKOFF_ENV = "AUDIOROUTINE_GTTS_BACKOFF"
MAX_TRIES = 5
RETRY_STATUSES = {429, 500, 502, 503, 504}


def endpoint_override() -> str | None:
    return os.environ.get(ENDPOINT_ENV) or None


def service_url(tld: str = "com") -> str:
    return endpoint_override() or f"https://translate.google.{tld}"


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

    def __init__(
        self, lang: str = "en", tld: str = "com", slow: bool = False, timeout: float = 15.0
    ) -> None:
        self.lang = lang
        self.tld = tld
        self.slow = slow
        self.timeout = timeout
        self.voice = f"google-{lang}-{tld}"
        self.workers = 2
        """Few requests at once, so a large routine does not trip the service's rate limit."""
        self._backoff = float(os.environ.get(BACKOFF_ENV, "1.0"))
        self._gate = threading.Semaphore(self.workers)
        self._checked = False

    @classmethod
    def from_options(cls, *, voice: str | None, lang: str, tld: str, slow: bool) -> GTTSEngine:
        cls.refuse_voice(voice, hint=f"Google's accent is chosen with {option('tld')}, e.g. co.uk")
        return cls(lang=lang, tld=tld, slow=slow)

    def check(self) -> None:
        """gTTS speaks the language (asked of gTTS's own list, not of the service)."""
        if self._checked:
            return
        from gtts.lang import tts_langs

        if self.lang not in tts_langs():
            raise EngineUnavailable(
                f"gTTS does not speak the language {self.lang!r}",
                hint="see `gtts-cli --all` for the languages it speaks",
            )
        self._checked = True

    def answers(self) -> tuple[bool, str]:
        return service_answers(self.tld)

    def identity(self) -> dict[str, str]:
        return {"engine": self.name, "voice": self.voice, "lang": self.lang, "tld": self.tld,
                "speed": "slow" if self.slow else "normal"}

    def synthesize(self, text: str) -> Synthesized:
        from gtts import gTTSError

        from ..ffmpeg import decode_to_pcm

        tts = _tts_class()(text, lang=self.lang, tld=self.tld, slow=self.slow,
                           lang_check=False, timeout=self.timeout,
                           pre_processor_funcs=_pre_processors())
        for attempt in range(1, MAX_TRIES + 1):
            buffer = io.BytesIO()
            try:
                with self._gate:
                    tts.write_to_fp(buffer)
                break
            except AssertionError:  # gTTS asserts when punctuation is all there is
                raise EngineError(
                    f"there is nothing Google's voice can say in {text[:40]!r}",
                    hint="give the cue some words, not only punctuation",
                ) from None
            except gTTSError as exc:
                status = getattr(exc.rsp, "status_code", None)
                if status in RETRY_STATUSES and attempt < MAX_TRIES:
                    time.sleep(self._backoff * 2 ** (attempt - 1) * (1 + random.random() / 4))
                    continue
                raise EngineError(
                    f"Google's speech service failed for {text[:40]!r}: {exc}",
                    hint=f"try again later, or build with the offline voice: {option('engine')} piper",
                ) from None
        data = buffer.getvalue()
        if not data:
            raise EngineError(f"Google's speech service sent no audio for {text[:40]!r}")
        return Synthesized(decode_to_pcm(data, SAMPLE_RATE), SAMPLE_RATE)


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
