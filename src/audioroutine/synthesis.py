"""Speak what is missing from the clip cache, and gather a routine's clips for the mix.

A clip found damaged on the way (the cache checks each one: ``cache.ClipCache.check`` cheaply
when listing what is missing, ``load`` in full when the mix reads it) is dropped, reported, and
spoken again: a build never fails, nor mixes a bad clip, because of what is in the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from .announce import MAX_ROUNDS
from .cache import ClipCache
from .chimes import CHIMES, chime
from .engines import Engine
from .errors import AudioError
from .planning import Plan
from .pronounce import Lexicon
from .timeline import Timeline
from .timing import stage

if TYPE_CHECKING:
    import numpy as np

    from .clips import ClipStats

Progress = Callable[[int, int], None]
"""Called with (phrases done, phrases to do) while synthesizing."""

CHIME_IDENTITY = {"engine": "chime", "voice": "bell", "version": "1"}


class Phrase(NamedTuple):
    """A phrase to speak: its words, and the pronunciations it uses (one routine's, or none)."""

    text: str
    lexicon: Lexicon = Lexicon()


def missing_phrases(plans: Sequence[Plan], engine: Engine, cache: ClipCache) -> list[Phrase]:
    """Every phrase of the plans not yet in the cache for this engine (or whose clip is damaged:
    dropped and reported), in order of first use, each with the pronunciations it uses; the intro
    as it will say the routine's real length when every other phrase is cached (otherwise it is
    spoken once they are: ``mix_for``)."""
    known: dict[tuple[str, str], int | None] = {}
    missing: dict[tuple[str, str], Phrase] = {}
    for plan in plans:
        lexicon = plan.loaded.lexicon

        def key(text: str, lexicon: Lexicon = lexicon) -> tuple[tuple[str, str], dict[str, str]]:
            identity = engine.phrase_identity(text, lexicon)
            return (text, identity.get("pronounce", "")), identity

        def length(text: str) -> int | None:
            found, identity = key(text)
            if found not in known:
                known[found] = cache.length(identity, text) if cache.check(identity, text) else None
            return known[found]

        for text in plan.unspoken(length):
            missing.setdefault(key(text)[0], Phrase(text, lexicon.applying_to(text)))
    return list(missing.values())


def speak_intros(plans: Sequence[Plan], engine: Engine, cache: ClipCache,
                 progress: Progress | None = None) -> list[str]:
    """Once every other phrase is spoken, speak the intros that say the lengths those phrases make
    (``announce``: the intro's own length may move the total, so a few rounds); returns them."""
    spoken: list[str] = []
    for _ in range(MAX_ROUNDS):
        missing = missing_phrases(plans, engine, cache)
        if not missing:
            break
        synthesize_missing(missing, engine, cache, progress)
        spoken += [phrase.text for phrase in missing]
    return spoken


def speak_plans(plans: Sequence[Plan], engine: Engine, cache: ClipCache) -> list[str]:
    """Speak into the cache every phrase the plans' builds will say, the intros saying the real
    lengths (``announce``); returns those phrases, in order of first use."""
    synthesize_missing(missing_phrases(plans, engine, cache), engine, cache)
    speak_intros(plans, engine, cache)
    said = []
    for plan in plans:  # the intro judged as a build judges it (``mix_for``): the one spoken above
        def length(text: str, lexicon: Lexicon = plan.loaded.lexicon) -> int | None:
            return cache.length(engine.phrase_identity(text, lexicon), text)

        said.append(plan.judged(length, check=False).script)
    return list(dict.fromkeys(text for script in said for text in script.phrases()))


def synthesize_missing(
    texts: Sequence[str | Phrase], engine: Engine, cache: ClipCache, progress: Progress | None = None
) -> None:
    """Speak every phrase not yet cached, ``engine.workers`` at a time, each into the cache as
    soon as it is done: a failure loses nothing already spoken."""
    if not texts:
        return
    from .clips import prepare_clip

    def one(phrase: str | Phrase) -> None:
        text, lexicon = (phrase, Lexicon()) if isinstance(phrase, str) else phrase
        with stage("speak a phrase"):
            spoken = engine.synthesize(text, lexicon)
        with stage("prepare a clip"):
            cache.put(engine.phrase_identity(text, lexicon), text, *prepare_clip(spoken.samples, spoken.rate))

    done = 0
    with ThreadPoolExecutor(max_workers=engine.workers) as pool:
        pending = {pool.submit(one, text) for text in texts}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    raise error
                done += 1
            if progress:
                progress(done, len(texts))


def chime_stats(cache: ClipCache, used: frozenset[str] = frozenset()) -> dict[str, ClipStats]:
    """The loudness cells of the start and end chimes and of those ``used``, computed once and kept
    in the clip cache."""
    from .clips import clip_stats

    found = {}
    for which in [w for w in CHIMES if w in ("start", "end") or w in used]:
        clip = cache.load(CHIME_IDENTITY, which, quiet=True)
        if clip is None:
            stats = clip_stats(chime(which))
            cache.put(CHIME_IDENTITY, which, chime(which), stats)
        found[which] = stats if clip is None else clip.stats
    return found


@dataclass(frozen=True)
class Mix:
    """A routine ready to mix: its exact timeline, its clips, and the gain for its loudness."""

    timeline: Timeline
    clips: dict[str, np.ndarray]
    gain_db: float


def mix_for(plan: Plan, engine: Engine, cache: ClipCache) -> Mix:
    """The routine's timeline with its clips (from the cache, each checked in full) and the gain
    for its loudness. A clip that fails its check (or went missing since the phrases to speak were
    listed) is spoken again."""
    from .mix import routine_gain_db

    lexicon = plan.loaded.lexicon
    clips, stats = {}, {}

    def gather(texts: list[str]) -> None:
        for attempt in range(2):
            found = {text: cache.load(engine.phrase_identity(text, lexicon), text) for text in texts}
            texts = [text for text, clip in found.items() if clip is None]
            clips.update({text: clip.samples for text, clip in found.items() if clip is not None})
            stats.update({text: clip.stats for text, clip in found.items() if clip is not None})
            if not texts:
                return
            if attempt == 0:
                synthesize_missing([Phrase(text, lexicon.applying_to(text)) for text in texts], engine, cache)
        raise AudioError(f"the clip for {texts[0]!r} could not be read back from the clip cache {cache.root}",
                         hint="run `audioroutine cache clear` and build again")

    def length(text: str) -> int:
        if text not in clips:
            gather([text])  # an intro saying the real length: spoken now if it is new
        return clips[text].size

    gather(plan.others())

    def known(text: str) -> int | None:
        if text not in clips and cache.length(engine.phrase_identity(text, lexicon), text) is not None:
            gather([text])
        return clips[text].size if text in clips else None

    for _ in range(MAX_ROUNDS):  # speak only the intro that is said (the one speak_intros spoke)
        settled = plan.judged(known)
        needed = [e.text for e in settled.timeline.events if e.text is not None and e.text not in clips]
        if not needed:
            break
        gather(needed)
    timeline = plan.settle(length, start=settled.script).timeline
    used = {event.text for event in timeline.events if event.text is not None}
    clips = {text: clip for text, clip in clips.items() if text in used}
    stats = {text: value for text, value in stats.items() if text in used}
    chimes = frozenset(event.chime for event in timeline.events if event.chime)
    return Mix(timeline, clips, routine_gain_db(timeline, stats, chime_stats(cache, chimes)))
