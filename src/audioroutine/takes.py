"""Takes of a phrase: speak it again (a new take), write it where the user can hear it, and keep
it in the clip cache in place of the old one, so the next build uses it.

The offline voice renders a phrase a little differently each time (Piper adds noise to every
render), and the cache keeps the take it has; this module is how a take is replaced.
"""

from __future__ import annotations

import logging
import os
import tempfile
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import ClipCache
from .constants import SAMPLE_RATE
from .engines import Engine, EngineChoice, resolve_engine
from .errors import InputError, option
from .model import slugify
from .options import BuildOptions
from .planning import Plan
from .pronounce import NO_PRONUNCIATIONS, Lexicon
from .script import Silence, Speech

if TYPE_CHECKING:
    import numpy as np

    from .clips import ClipStats

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Take:
    """One rendering of a phrase, prepared as the cache stores it."""

    text: str
    samples: np.ndarray
    stats: ClipStats
    lexicon: Lexicon = NO_PRONUNCIATIONS
    """The pronunciations it was spoken with."""


def new_take(engine: Engine, text: str, lexicon: Lexicon = NO_PRONUNCIATIONS) -> Take:
    """Speak ``text`` again (nothing is read from or written to the cache)."""
    from .clips import prepare_clip

    spoken = engine.synthesize(text, lexicon)
    return Take(text, *prepare_clip(spoken.samples, spoken.rate), lexicon)


def cached_take(engine: Engine, cache: ClipCache, text: str, lexicon: Lexicon = NO_PRONUNCIATIONS) -> Take | None:
    """The take the cache holds for ``text`` in this engine's voice, if any."""
    identity = engine.phrase_identity(text, lexicon)
    samples, stats = cache.get(identity, text), cache.stats(identity, text)
    return None if samples is None or stats is None else Take(text, samples, stats, lexicon)


def keep(engine: Engine, cache: ClipCache, take: Take) -> None:
    """Store the take in the cache in place of the phrase's old one: builds use it from now on."""
    cache.put(engine.phrase_identity(take.text, take.lexicon), take.text, take.samples, take.stats)
    log.info("kept a new take of %r", take.text)


def take_file(out: Path, text: str) -> Path:
    """Where a new take is written for the user to hear: ``<out>/retake-<slug>.wav``."""
    return Path(out) / f"retake-{slugify(text)[:60]}.wav"


def write_take(take: Take, path: Path) -> Path:
    """Write the take as a WAV file (whole or not at all: written beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(SAMPLE_RATE)
            wav.writeframes(take.samples.astype("<i2").tobytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def exercise_phrases(plan: Plan, exercise: str) -> list[str]:
    """Every phrase spoken within one exercise of the routine (by its id), in order of first use."""
    ids = plan.loaded.routine.exercise_ids()
    if exercise not in ids:
        raise InputError(f"{plan.loaded.path}: no exercise {exercise!r} in this routine; its ids are "
                         f"{', '.join(ids)}", hint=f"see `audioroutine show {plan.slug}`")
    found: dict[str, None] = {}
    for segment in plan.script.segments:
        if isinstance(segment, Speech) and segment.where.exercise == exercise:
            found.setdefault(segment.text)
        elif isinstance(segment, Silence) and segment.where.exercise == exercise:
            found.update(dict.fromkeys(o.text for o in segment.overlays if o.text is not None))
    return list(found)


def choose_voice(texts: Sequence[str], options: BuildOptions, cache: ClipCache, lang: str,
                 lexicon: Lexicon = NO_PRONUNCIATIONS) -> EngineChoice:
    """The engine a build with these options would use for these phrases (``auto``: as build chooses)."""
    def all_cached(engine: Engine) -> bool:
        return all(cache.has(engine.phrase_identity(text, lexicon), text) for text in texts)

    if not texts:
        raise InputError(f"nothing to speak: give a phrase, or an exercise with {option('routine')}")
    return resolve_engine(options.engine, voice=options.voice, lang=options.lang or lang, tld=options.tld,
                          slow=options.slow, speed=options.speed, all_cached=all_cached)


Ask = Callable[[Take, Path], bool]
"""Asked whether to keep a new take (written at the path); True keeps it."""


def retake(texts: Sequence[str], engine: Engine, cache: ClipCache, out: Path, ask: Ask,
           lexicon: Lexicon = NO_PRONUNCIATIONS) -> list[tuple[str, bool]]:
    """Speak each phrase again (with the routine's pronunciations), write the new take under
    ``out`` and keep it if ``ask`` says so. Returns each phrase with whether its new take was kept."""
    answers = []
    for text in texts:
        take = new_take(engine, text, lexicon)
        path = write_take(take, take_file(out, text))
        kept = ask(take, path)
        if kept:
            keep(engine, cache, take)
        answers.append((text, kept))
    return answers
