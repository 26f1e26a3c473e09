"""The timed script of a routine, with no audio work and no network."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .cache import ClipCache
from .engines import Engine, resolve_engine
from .options import BuildOptions
from .planning import Plan, plan_routines
from .timeline import Timeline


@dataclass(frozen=True)
class ShownCue:
    start_s: float
    end_s: float
    kind: str
    text: str | None
    estimated: bool
    """The length comes from an estimate: the phrase is not in the clip cache yet."""
    exercise: str | None
    chime: str | None = None


def show(name: str, options: BuildOptions = BuildOptions()) -> tuple[Plan, Timeline, list[ShownCue], str]:
    """The timed script with no audio work and no network: lengths come from the clip cache
    where present, otherwise from an estimate (marked); the intro says the total shown. The
    plan returned holds that script."""
    plan = plan_routines([name], options)[0]
    cache = ClipCache(options.cache_dir)

    lexicon = plan.loaded.lexicon

    def all_cached(engine: Engine) -> bool:
        return not plan.unspoken(lambda text: cache.length(engine.phrase_identity(text, lexicon), text))

    engine = resolve_engine(options.engine, voice=options.voice, lang=plan.loaded.routine.settings.lang,
                            tld=options.tld, slow=options.slow, speed=options.speed, all_cached=all_cached,
                            probe=False).engine
    engine.check_lexicon(lexicon)

    def cached(text: str) -> int | None:
        return cache.length(engine.phrase_identity(text, lexicon), text)

    settled = plan.judged(cached)  # the intro a build says; estimates where not spoken
    estimated = {text for text in settled.script.phrases() if cached(text) is None}
    plan, timeline = replace(plan, script=settled.script), settled.timeline
    rate = timeline.rate
    cues = [
        ShownCue(e.start / rate, e.end / rate, e.kind, e.text, e.text in estimated, e.where.exercise, e.chime)
        for e in sorted(timeline.events, key=lambda e: (e.start, e.text is not None))
    ]
    return plan, timeline, cues, f"{engine.name} ({engine.voice})"
