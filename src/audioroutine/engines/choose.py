"""Choosing one engine for a build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import EngineUnavailable, InputError
from .base import Engine, EngineChoice

ENGINE_NAMES = ("auto", "piper", "gtts", "espeak")


def make_engine(name: str, *, voice: Path | None = None, lang: str = "en", tld: str = "com",
                slow: bool = False) -> Engine:
    if name == "piper":
        from .piper_engine import PiperEngine

        return PiperEngine(voice, lang=lang, slow=slow)
    if voice is not None:
        raise InputError(f"--voice takes a Piper voice file; the {name} engine does not use one")
    if name == "gtts":
        from .gtts_engine import GTTSEngine

        return GTTSEngine(lang=lang, tld=tld, slow=slow)
    if name == "espeak":
        from .espeak_engine import EspeakEngine

        return EspeakEngine(lang=lang, slow=slow)
    raise InputError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")


def resolve_engine(
    name: str = "auto",
    *,
    voice: Path | None = None,
    lang: str = "en",
    tld: str = "com",
    slow: bool = False,
    all_cached: Callable[[Engine], bool] | None = None,
) -> EngineChoice:
    """One engine for the whole build.

    ``auto`` takes Google's voice when every phrase is already in the clip cache for it or when
    the service answers, and the offline voice otherwise. ``all_cached`` tells whether an
    engine would need to synthesize nothing.
    """
    if name not in ENGINE_NAMES:
        raise InputError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
    if name != "auto":
        return EngineChoice(make_engine(name, voice=voice, lang=lang, tld=tld, slow=slow), "as asked")
    if voice is not None:
        return EngineChoice(make_engine("piper", voice=voice, lang=lang, slow=slow), "a Piper voice was given")
    from .gtts_engine import GTTSEngine, service_answers

    try:
        google = GTTSEngine(lang=lang, tld=tld, slow=slow)
    except EngineUnavailable as exc:
        return EngineChoice(make_engine("piper", lang=lang, slow=slow), f"{exc.message}; using the offline voice")
    if all_cached is not None and all_cached(google):
        return EngineChoice(google, "every phrase is already cached for Google's voice")
    answers, why = service_answers(tld)
    if answers:
        return EngineChoice(google, why)
    return EngineChoice(make_engine("piper", lang=lang, slow=slow), f"{why}; using the offline voice")


def describe_engines(lang: str = "en", tld: str = "com", voice: Path | None = None) -> list[dict[str, str]]:
    """What each engine would be here: available or not, its voice, and why."""
    rows: list[dict[str, str]] = []
    for name in ENGINE_NAMES[1:]:
        try:
            engine = make_engine(name, voice=voice if name == "piper" else None, lang=lang, tld=tld)
            detail = str(getattr(engine, "path", "")) or ""
            rows.append({"engine": name, "available": "yes", "voice": engine.voice, "detail": detail})
        except (EngineUnavailable, InputError) as exc:
            rows.append({"engine": name, "available": "no", "voice": "-", "detail": exc.message})
    return rows
