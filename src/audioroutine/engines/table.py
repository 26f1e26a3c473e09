"""The engines' table: each engine's name and class, and making one from a build's options.

A new engine is one module with an ``Engine`` subclass and one row here.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import EngineUnavailable, InputError, option
from .base import Engine, WrongLanguage
from .espeak_engine import EspeakEngine
from .gtts_engine import GTTSEngine
from .nanotts_engine import NanoTTSEngine
from .piper_engine import PiperEngine

AUTO = "auto"
"""Not an engine: the policy that picks one (``choose.resolve_engine``)."""
OFFLINE = "offline"
"""Not an engine: the best offline voice for each language, never the network."""
ENGINES: dict[str, type[Engine]] = {cls.NAME: cls for cls in (PiperEngine, GTTSEngine, EspeakEngine, NanoTTSEngine)}
ENGINE_NAMES = (AUTO, OFFLINE, *ENGINES)
OFFLINE_DEFAULT = "piper"
"""The engine ``auto`` falls back on: offline, and its voice ships with audioroutine."""


def engine_class(name: str) -> type[Engine]:
    try:
        return ENGINES[name]
    except KeyError:
        raise InputError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}") from None


def owner_of(voice: str | Path) -> type[Engine]:
    """The engine a voice belongs to (a .onnx file is Piper's, en-us is espeak-ng's); the offline
    default when none claims it, which then says what it takes."""
    ordered = sorted(ENGINES.values(), key=lambda cls: cls.CLAIMS_ANY_NAME)  # a bare name is espeak-ng's last
    return next((cls for cls in ordered if cls.claims(str(voice))), ENGINES[OFFLINE_DEFAULT])


def speaking(lang: str) -> list[Engine]:
    """The engines here that speak ``lang``, each with its own voice for it (no network asked)."""
    found = []
    for cls in ENGINES.values():
        engine = cls.from_options(voice=None, lang=lang, tld="com", slow=False)
        try:
            engine.check()
        except (EngineUnavailable, InputError):
            continue
        found.append(engine)
    return found


def make_engine(name: str, *, voice: str | Path | None = None, lang: str = "en", tld: str = "com",
                slow: bool = False, speed: float = 1.0) -> Engine:
    """The engine ``name`` for these options, checked usable here (``EngineUnavailable`` if not; a
    voice asked for that does not speak ``lang`` is a ``WrongLanguage`` naming the voices that do)."""
    engine = engine_class(name).from_options(voice=None if voice is None else str(voice), lang=lang, tld=tld,
                                             slow=slow, speed=speed)
    try:
        engine.check()
    except WrongLanguage as exc:
        if exc.hint is None:
            others = ", ".join(f"{option('engine')} {other.name} ({other.voice})" for other in speaking(lang))
            exc.hint = f"voices for {lang}: {others}" if others else f"no voice here speaks {lang}"
        raise
    return engine


def describe_engines(lang: str = "en", tld: str = "com", voice: str | Path | None = None,
                     probe: bool = True) -> list[dict[str, str]]:
    """What each engine would be here: available or not, its voice, and why. The voice goes to
    the engines it belongs to. With ``probe``, an engine that needs the network is available only
    if its service can be reached now (a quick probe: ``Engine.reach``)."""
    rows: list[dict[str, str]] = []
    for name, cls in ENGINES.items():
        mine = voice if voice is not None and owner_of(voice) is cls else None
        try:
            engine = make_engine(name, voice=mine, lang=lang, tld=tld)
            detail = str(getattr(engine, "path", "")) or engine.language_note() or f"speaks {lang}"
            if probe and not engine.OFFLINE:
                why = engine.reach()
                if why is not None:
                    raise EngineUnavailable(why)
                detail = "reachable now"
            rows.append({"engine": name, "available": "yes", "voice": engine.voice, "detail": detail})
        except (EngineUnavailable, InputError) as exc:
            rows.append({"engine": name, "available": "no", "voice": "-", "detail": str(exc).split("\n")[0]})
    return rows
