"""The ``auto`` policy: one engine for a build (or a ``show``), chosen once, with its reason."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ..errors import EngineUnavailable, option
from .base import Engine, EngineChoice
from .preference import offline_engines
from .table import AUTO, ENGINES, OFFLINE, make_engine, owner_of, speaking

log = logging.getLogger(__name__)

ONLINE_FIRST = "gtts"
"""The engine ``auto`` prefers when its phrases are cached or its service answers."""

__all__ = ["make_engine", "resolve_engine"]


def resolve_engine(
    name: str = AUTO,
    *,
    voice: str | Path | None = None,
    lang: str = "en",
    tld: str = "com",
    slow: bool = False,
    speed: float = 1.0,
    all_cached: Callable[[Engine], bool] | None = None,
    probe: bool = True,
) -> EngineChoice:
    """One engine for the whole build.

    ``auto`` takes the engine a voice belongs to when one is given; otherwise Google's voice when
    every phrase is already in the clip cache for it (``all_cached`` tells whether an engine would
    need to synthesize nothing) or, if ``probe`` allows asking the network, when the service
    answers; and the offline voice otherwise: the best one here for the language
    (``preference.OFFLINE_PREFERENCE``). ``offline`` is that last step alone: the best offline
    voice for the language (or the offline engine a voice belongs to), never the network.
    """
    if name == OFFLINE:
        choice = _offline(voice=voice, lang=lang, slow=slow, speed=speed)
    elif name != AUTO:
        choice = EngineChoice(make_engine(name, voice=voice, lang=lang, tld=tld, slow=slow, speed=speed), "as asked")
    else:
        choice = _auto(voice=voice, lang=lang, tld=tld, slow=slow, speed=speed, all_cached=all_cached, probe=probe)
    log.info("engine: %s (%s) - %s", choice.engine.name, choice.engine.voice, choice.reason)
    note = choice.engine.speed_note()
    if note:
        log.info("speed: %s", note)
    note = choice.engine.language_note()
    if note:
        log.info("language: %s", note)
    return choice


def offline_choice(lang: str, slow: bool, speed: float, why: str,
                   using: str = "using the offline voice") -> EngineChoice:
    """The preferred offline voice for ``lang`` that is usable here, saying which and why."""
    unusable = []
    for name in offline_engines(lang):
        try:
            engine = make_engine(name, lang=lang, slow=slow, speed=speed)
        except EngineUnavailable as exc:
            unusable.append(f"{name}: {exc.message}")
            continue
        note = f" ({engine.language_note()})" if engine.language_note() else ""
        return EngineChoice(engine, f"{why}; {using} for {lang}: {name} {engine.voice}{note}")
    voices = ", ".join(f"{engine.name} ({engine.voice})" for engine in speaking(lang))
    raise EngineUnavailable(f"no offline voice here speaks {lang!r} ({'; '.join(unusable) or 'none known'})",
                            hint=f"voices for {lang}: {voices}" if voices else None)


def _offline(*, voice: str | Path | None, lang: str, slow: bool, speed: float) -> EngineChoice:
    if voice is None:
        return offline_choice(lang, slow, speed, "asked for an offline voice", using="the best")
    owner = owner_of(voice)
    if not owner.OFFLINE:
        raise EngineUnavailable(f"{voice} is {owner.TITLE}, which is not offline",
                                hint=f"leave out {option('engine')} offline, or give an offline voice")
    engine = make_engine(owner.NAME, voice=voice, lang=lang, slow=slow, speed=speed)
    return EngineChoice(engine, f"{owner.TITLE} was given")


def _auto(*, voice: str | Path | None, lang: str, tld: str, slow: bool, speed: float,
          all_cached: Callable[[Engine], bool] | None, probe: bool) -> EngineChoice:
    def offline(reason: str, using: str = "using the offline voice") -> EngineChoice:
        return offline_choice(lang, slow, speed, reason, using)

    if voice is not None:
        owner = owner_of(voice)
        engine = make_engine(owner.NAME, voice=voice, lang=lang, tld=tld, slow=slow, speed=speed)
        return EngineChoice(engine, f"{owner.TITLE} was given")
    online = ENGINES[ONLINE_FIRST].from_options(voice=None, lang=lang, tld=tld, slow=slow, speed=speed)
    if all_cached is not None and all_cached(online):
        return EngineChoice(online, f"every phrase is already cached for {online.TITLE}")
    if not probe:
        return offline(f"not every phrase is cached for {online.TITLE}")
    try:
        online.check()
    except EngineUnavailable as exc:
        return offline(exc.message)
    answers, why = online.answers()
    if answers:
        online.has_fallback = True
        return EngineChoice(online, why, fallback=lambda failed: offline(
            failed, "the whole build uses the offline voice instead"))
    return offline(why)
