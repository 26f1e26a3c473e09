"""The engines' table: each engine's name and class, and making one from a build's options.

A new engine is one module with an ``Engine`` subclass and one row here.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import EngineUnavailable, InputError
from .base import Engine
from .espeak_engine import EspeakEngine
from .gtts_engine import GTTSEngine
from .piper_engine import PiperEngine

AUTO = "auto"
"""Not an engine: the policy that picks one (``choose.resolve_engine``)."""
ENGINES: dict[str, type[Engine]] = {cls.NAME: cls for cls in (PiperEngine, GTTSEngine, EspeakEngine)}
ENGINE_NAMES = (AUTO, *ENGINES)
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
    return next((cls for cls in ENGINES.values() if cls.claims(str(voice))), ENGINES[OFFLINE_DEFAULT])


def make_engine(name: str, *, voice: str | Path | None = None, lang: str = "en", tld: str = "com",
                slow: bool = False, speed: float = 1.0) -> Engine:
    """The engine ``name`` for these options, checked usable here (``EngineUnavailable`` if not)."""
    engine = engine_class(name).from_options(voice=None if voice is None else str(voice), lang=lang, tld=tld,
                                             slow=slow, speed=speed)
    engine.check()
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
            detail = str(getattr(engine, "path", "")) or ""
            if probe and not engine.OFFLINE:
                why = engine.reach()
                if why is not None:
                    raise EngineUnavailable(why)
                detail = "reachable now"
            rows.append({"engine": name, "available": "yes", "voice": engine.voice, "detail": detail})
        except (EngineUnavailable, InputError) as exc:
            rows.append({"engine": name, "available": "no", "voice": "-", "detail": str(exc).split("\n")[0]})
    return rows
