"""A preview of a routine's first minutes (``--first 2m``): its script cut after the last cue that
fits, speaking only the phrases of that part.

Where the cut falls depends on the clips' lengths, known only once they are spoken. So the cut is
found with the lengths of the clips already cached (an estimate for the others), the phrases before
it that are missing are spoken, and the cut is found again, until every phrase before it is cached:
the preview never speaks a phrase it does not say. The cut is always between two cues of the script
(a spoken cue, a chime, or a whole hold or rest with what is said inside it), never in a word; when
it falls inside an exercise, the exercise's end chime closes the preview (if the routine has chimes),
and the whole fits in the length asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from .cache import ClipCache
from .chimes import chime_length
from .durations import format_duration
from .engines import Engine
from .errors import OptionError
from .planning import Plan, estimate_samples
from .script import Chime, Script, Segment, Where
from .synthesis import missing_phrases, synthesize_missing
from .timeline import build_timeline, seconds_to_samples

log = logging.getLogger(__name__)


def _ending(part: tuple[Segment, ...], chimes: bool) -> tuple[Segment, ...]:
    """The end chime of the exercise the cut falls in, if it needs one."""
    if not chimes or not part:
        return ()
    last = part[-1]
    if last.where.exercise is None or (isinstance(last, Chime) and last.which == "end"):
        return ()
    return (Chime("end", Where(exercise=last.where.exercise, exercise_name=last.where.exercise_name)),)


def cut(script: Script, limit: int, length: Callable[[str], int]) -> Script | None:
    """The longest beginning of ``script`` (closed by an end chime where needed) whose timeline, at
    these phrase lengths, is at most ``limit`` samples; ``None`` when not even its first cue fits."""

    def part(k: int) -> Script:
        segments = script.segments[:k]
        if k < len(script.segments):
            segments += _ending(segments, script.settings.chimes)
        return replace(script, segments=segments)

    def fits(k: int) -> bool:
        return build_timeline(part(k), length, chime_length, check=False).total <= limit

    low, high = 0, len(script.segments)  # the largest k that fits, by bisection (longer never ends sooner)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return part(low) if low else None


def first_part(plan: Plan, engine: Engine, cache: ClipCache) -> Plan:
    """The plan of the routine's first ``plan.output.first_s`` seconds, every phrase of it cached
    (the plan itself when it is not a ``--first`` preview)."""
    first_s = plan.output.first_s
    if first_s is None:
        return plan
    limit = seconds_to_samples(first_s)
    lexicon = plan.loaded.lexicon

    def length(text: str) -> int:
        known = cache.length(engine.phrase_identity(text, lexicon), text)
        return estimate_samples(text) if known is None else known

    part = plan
    for _ in range(len(plan.script.phrases()) + 1):  # each round speaks at least one phrase
        script = cut(plan.script, limit, length)
        if script is None:
            raise OptionError(f"not even the routine's first cue fits in {format_duration(first_s)}",
                              option="first", value=format_duration(first_s), hint="give a longer time, e.g. 2m")
        part = replace(plan, script=script)
        missing = missing_phrases([part], engine, cache)
        if not missing:
            break
        synthesize_missing(missing, engine, cache)
    log.info("%s: the first %s, %d of %d cues", plan.slug, format_duration(first_s), len(part.script.segments),
             len(plan.script.segments))
    return part
