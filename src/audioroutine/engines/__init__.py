"""Speech engines: text in, mono 16-bit samples and their rate out.

``table.ENGINES`` maps each engine's name to its class; ``resolve_engine`` turns the user's
choice (``auto`` or a name) into one engine for the whole build, so a file never mixes two voices.
"""

from __future__ import annotations

from .base import Engine, EngineChoice, ServiceFailed, Synthesized
from .choose import resolve_engine
from .table import AUTO, ENGINE_NAMES, ENGINES, describe_engines, make_engine

__all__ = [
    "AUTO", "ENGINES", "ENGINE_NAMES", "Engine", "EngineChoice", "ServiceFailed", "Synthesized", "describe_engines",
    "make_engine", "resolve_engine",
]
