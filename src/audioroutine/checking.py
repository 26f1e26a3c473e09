"""Check a routine's takes by ear: every phrase's clip heard by the offline speech recognizer,
each misheard one spoken again (a few tries) and the best-heard take kept in the clip cache.

What the recognizer hears is a proxy for what a runner hears: a phrase it still mishears after
the tries is reported as doubtful (with what was heard), not treated as a failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .cache import ClipCache
from .constants import SAMPLE_RATE
from .engines import Engine
from .errors import InputError, option
from .hearing import Heard, Recognizer, word_error_rate
from .planning import Plan
from .pronounce import NO_PRONUNCIATIONS, Lexicon
from .synthesis import speak_plans
from .takes import cached_take, keep, new_take

log = logging.getLogger(__name__)

TRIES = 3
"""New takes of a misheard phrase, at most, before it is reported as doubtful."""

Progress = Callable[[int, int], None]
"""Called with (phrases checked, phrases to check)."""


@dataclass(frozen=True)
class PhraseCheck:
    """One phrase: what the recognizer heard in the cached take, and in the take kept at the end."""

    before: Heard
    after: Heard
    tries: int
    """New takes spoken for it (0 when the cached take was heard right)."""

    @property
    def changed(self) -> bool:
        return self.after is not self.before

    @property
    def doubtful(self) -> bool:
        return not self.after.right


@dataclass(frozen=True)
class RoutineCheck:
    slug: str
    phrases: list[PhraseCheck]

    @property
    def wer_before(self) -> float:
        return word_error_rate([p.before for p in self.phrases])

    @property
    def wer_after(self) -> float:
        return word_error_rate([p.after for p in self.phrases])

    @property
    def changed(self) -> list[PhraseCheck]:
        return [p for p in self.phrases if p.changed]

    @property
    def doubtful(self) -> list[PhraseCheck]:
        return [p for p in self.phrases if p.doubtful]


def can_hear(plan: Plan) -> bool:
    """Whether the recognizer hears the routine's language (US English, so any English)."""
    return plan.loaded.routine.settings.lang.lower().split("-")[0] == "en"


def check_lang(plan: Plan) -> None:
    """The recognizer hears US English: a routine in another language cannot be checked."""
    lang = plan.loaded.routine.settings.lang
    if not can_hear(plan):
        raise InputError(f"{plan.loaded.path}: the recognizer hears English only, and this routine is in "
                         f"{lang!r}", hint=f"check it with {option('lang')} en, or listen to it")


def routine_recognizer(plans: Sequence[Plan]) -> Recognizer:
    """The recognizer for these routines: listening for their phrases and their templates' words."""
    from .hearing_model import template_words

    phrases = list(dict.fromkeys(text for plan in plans for text in plan.script.phrases()))
    files = dict.fromkeys(path for plan in plans for path in plan.templates.files().values())
    return Recognizer(phrases, fixed_words=template_words(files))


def check_phrase(text: str, engine: Engine, cache: ClipCache, recognizer: Recognizer, tries: int,
                 lexicon: Lexicon = NO_PRONUNCIATIONS) -> PhraseCheck:
    """Hear the cached take; if misheard, speak up to ``tries`` new takes and keep the best heard
    (fewest word errors; the cached take stays on a tie)."""
    take = cached_take(engine, cache, text, lexicon)
    if take is None:  # pragma: no cover - check_routine speaks missing phrases first
        raise InputError(f"the clip for {text!r} is missing from the cache")
    before = best = recognizer.hear(text, take.samples, SAMPLE_RATE)
    best_take, spoken = None, 0
    while not best.right and spoken < tries:
        spoken += 1
        candidate = new_take(engine, text, lexicon)
        heard = recognizer.hear(text, candidate.samples, SAMPLE_RATE)
        if heard.errors < best.errors:
            best, best_take = heard, candidate
    if best_take is not None:
        keep(engine, cache, best_take)
    return PhraseCheck(before, best, spoken)


def check_routine(plan: Plan, engine: Engine, cache: ClipCache, recognizer: Recognizer, *, tries: int = TRIES,
                  progress: Progress | None = None) -> RoutineCheck:
    """Check every phrase of the routine (speaking those not cached yet first)."""
    check_lang(plan)
    engine.check_lexicon(plan.loaded.lexicon)
    texts = speak_plans([plan], engine, cache)
    checked = []
    for done, text in enumerate(texts, 1):
        checked.append(check_phrase(text, engine, cache, recognizer, tries, plan.loaded.lexicon))
        if progress:
            progress(done, len(texts))
    return RoutineCheck(plan.slug, checked)
