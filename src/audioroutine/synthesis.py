"""Speak what is missing from the clip cache, and gather a routine's clips for the mix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cache import ClipCache
from .chimes import chime, chime_length
from .engines import Engine
from .errors import InputError
from .planning import Plan
from .timeline import Timeline, build_timeline
from .timing import stage

if TYPE_CHECKING:
    import numpy as np

    from .clips import ClipStats

Progress = Callable[[int, int], None]
"""Called with (phrases done, phrases to do) while synthesizing."""

CHIME_IDENTITY = {"engine": "chime", "voice": "bell", "version": "1"}


def missing_phrases(plans: Sequence[Plan], engine: Engine, cache: ClipCache) -> list[str]:
    """Every phrase of the plans not yet in the cache for this engine, in order of first use."""
    identity = engine.identity()
    seen: dict[str, None] = {}
    for plan in plans:
        for text in plan.script.phrases():
            if text not in seen and not cache.has(identity, text):
                seen[text] = None
    return list(seen)


def synthesize_missing(
    texts: Sequence[str], engine: Engine, cache: ClipCache, progress: Progress | None = None
) -> None:
    """Speak every phrase not yet cached, ``engine.workers`` at a time, each into the cache as
    soon as it is done: a failure loses nothing already spoken."""
    if not texts:
        return
    from .clips import prepare_clip

    identity = engine.identity()

    def one(text: str) -> None:
        with stage("speak a phrase"):
            spoken = engine.synthesize(text)
        with stage("prepare a clip"):
            cache.put(identity, text, *prepare_clip(spoken.samples, spoken.rate))

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


def chime_stats(cache: ClipCache) -> dict[str, ClipStats]:
    """The chimes' loudness cells, computed once and kept in the clip cache."""
    from .clips import clip_stats

    found = {}
    for which in ("start", "end"):
        stats = cache.stats(CHIME_IDENTITY, which)
        if stats is None:
            stats = clip_stats(chime(which))
            cache.put(CHIME_IDENTITY, which, chime(which), stats)
        found[which] = stats
    return found


@dataclass(frozen=True)
class Mix:
    """A routine ready to mix: its exact timeline, its clips, and the gain for its loudness."""

    timeline: Timeline
    clips: dict[str, np.ndarray]
    gain_db: float


def mix_for(plan: Plan, engine: Engine, cache: ClipCache) -> Mix:
    """The routine's timeline with its clips (from the cache) and the gain for its loudness."""
    from .mix import routine_gain_db

    identity = engine.identity()
    clips, stats = {}, {}
    for text in plan.script.phrases():
        clip, stat = cache.get(identity, text), cache.stats(identity, text)
        if clip is None or stat is None:  # pragma: no cover - synthesize_missing ran first
            raise InputError(f"the clip for {text!r} is missing from the cache")
        clips[text], stats[text] = clip, stat
    timeline = build_timeline(plan.script, lambda text: clips[text].size, chime_length)
    return Mix(timeline, clips, routine_gain_db(timeline, stats, chime_stats(cache)))
