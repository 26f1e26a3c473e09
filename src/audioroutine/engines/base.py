"""The one small interface every speech engine implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Synthesized:
    samples: np.ndarray
    """Mono int16 samples."""
    rate: int


class Engine(Protocol):
    name: str
    """``piper``, ``gtts`` or ``espeak``."""
    voice: str
    """The voice's name, as recorded in the cue sheet and the clip cache's key."""
    lang: str
    workers: int
    """How many phrases may be synthesized at once."""

    def identity(self) -> dict[str, str]:
        """Everything that changes how a phrase sounds: the clip cache's key besides the text."""
        ...

    def synthesize(self, text: str) -> Synthesized:
        """Speak one phrase. Heavy set-up (a model) happens on the first call, not before."""
        ...


@dataclass(frozen=True)
class EngineChoice:
    engine: Engine
    reason: str
    """Why this engine, in one line, for the console."""
