"""Hearing a clip: an offline speech recognizer's transcript of it, and how far that is from the text.

The recognizer is PocketSphinx (the ``check`` extra: ``pip install 'audioroutine[check]'``), whose
wheel carries its US English acoustic model, language model and dictionary: nothing is downloaded
at run time. It is imported only when a clip is heard (``Recognizer``); the text functions here
are pure and need nothing.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AudioRoutineError

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

INSTALL = "pip install 'audioroutine[check]'   (or: pip install 'pocketsphinx>=5')"
RATE = 16000
"""The recognizer's sample rate (its acoustic model's)."""
PAD_S = 0.3
"""Quiet added before and after a clip: a clip is trimmed close to its first sound, and the
recognizer hears a word's onset better after some silence."""
DITHER = 3.0
"""Standard deviation (in 16-bit steps) of the faint noise in that quiet: digital silence throws
the recognizer's noise estimate."""

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(n: int) -> str:
    """``45`` -> ``forty five``: a whole number from 0 to 999,999 in words (as the recognizer writes them)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        return _ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + number_words(n % 100))
    return number_words(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + number_words(n % 1000))


def words(text: str) -> list[str]:
    """The words of a text as compared: lower case, no punctuation (an apostrophe inside a word
    stays: ``you'll``), hyphens as spaces, numbers as words."""
    text = re.sub(r"\d+", lambda m: f" {number_words(int(m.group()))} " if len(m.group()) < 7 else m.group(),
                  text.lower())
    text = re.sub(r"[-\u2010-\u2015/]", " ", text.replace("\u2019", "'"))
    return [w.strip("'") for w in re.findall(r"[\w']+", text) if w.strip("'")]


def word_errors(expected: list[str], heard: list[str]) -> int:
    """Word substitutions, insertions and deletions from ``expected`` to ``heard`` (edit distance)."""
    row = list(range(len(heard) + 1))
    for i, want in enumerate(expected, 1):
        diagonal, row[0] = row[0], i
        for j, got in enumerate(heard, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (want != got))
    return row[-1]


@dataclass(frozen=True)
class Heard:
    """What the recognizer made of one clip of ``text``."""

    text: str
    transcript: str
    errors: int
    """Word errors against the text (``word_errors``)."""
    words: int
    """Words in the text."""

    @property
    def right(self) -> bool:
        return self.errors == 0


def compare(text: str, transcript: str) -> Heard:
    expected = words(text)
    return Heard(text, transcript, word_errors(expected, words(transcript)), len(expected))


def word_error_rate(heard: list[Heard]) -> float:
    """All word errors over all words (0 for no words)."""
    total = sum(h.words for h in heard)
    return sum(h.errors for h in heard) / total if total else 0.0


class RecognizerMissing(AudioRoutineError):
    """The optional speech recognizer is not installed (a fault of the set-up: exit code 1)."""

    exit_code = 1


def recognizer_installed() -> bool:
    from importlib.util import find_spec

    return find_spec("pocketsphinx") is not None


def require_recognizer() -> None:
    """Raise ``RecognizerMissing`` (with how to install it) unless the recognizer can be imported."""
    try:
        import pocketsphinx  # noqa: F401
    except ImportError:
        raise RecognizerMissing("the speech recognizer for checking is not installed", hint=INSTALL) from None


class Recognizer:
    """PocketSphinx with its own US English acoustic model, loaded once; hears one clip at a time.

    Given the phrases being checked, it listens with a language model made of them
    (``hearing_model``: the routine's words, the cue templates' words and numbers, and common
    English words at a small weight; chosen with bench/hearing.py); without, with PocketSphinx's
    general language model, which mishears most perfect takes."""

    def __init__(self, phrases: Sequence[str] | None = None, *, fixed_words: Sequence[str] = (),
                 weight: float | None = None, **config: float | str) -> None:
        require_recognizer()
        from pocketsphinx import Decoder

        settings = {"samprate": RATE, "logfn": os.devnull, "cmn": "batch", **config}  # each clip on its own
        if phrases is None:
            self._decoder = Decoder(**settings)
            return
        from .hearing_model import write_model

        with tempfile.TemporaryDirectory(prefix="audioroutine-hearing-") as folder:
            lm, lexicon = write_model(Path(folder), phrases, fixed_words, weight)
            self._decoder = Decoder(lm=str(lm), dict=str(lexicon), **settings)

    def transcribe(self, samples: np.ndarray, rate: int) -> str:
        """What the recognizer hears in a mono int16 clip."""
        self._decoder.start_utt()
        self._decoder.process_raw(padded(samples, rate), full_utt=True)
        self._decoder.end_utt()
        hyp = self._decoder.hyp()
        return hyp.hypstr if hyp is not None else ""

    def hear(self, text: str, samples: np.ndarray, rate: int) -> Heard:
        heard = compare(text, self.transcribe(samples, rate))
        log.debug("heard %r as %r (%d errors)", text, heard.transcript, heard.errors)
        return heard


def padded(samples: np.ndarray, rate: int) -> bytes:
    """A clip as the recognizer hears it: 16 kHz 16-bit PCM, with faint seeded noise around it."""
    import numpy as np

    from .clips import resample

    x = resample(samples, rate, RATE).astype(np.float64)
    pad = np.zeros(int(PAD_S * RATE))
    x = np.concatenate([pad, x, pad]) + np.random.default_rng(0).normal(0.0, DITHER, x.size + 2 * pad.size)
    return np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes()
