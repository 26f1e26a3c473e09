"""Speech engines: text in, mono 16-bit samples and their rate out.

``resolve_engine`` turns the user's choice (``auto``, ``piper``, ``gtts``, ``espeak``) into one
engine for the whole build, so a file never mixes two voices.
"""

from __future__ import annotations

from .base import Engine, EngineChoice, Synthesized
from .choose import ENGINE_NAMES, describe_engines, resolve_engine

__all__ = ["ENGINE_NAMES", "Engine", "EngineChoice", "Synthesized", "describe_engines", "resolve_engine"]
