"""audioroutine: turn a stretching or mobility routine into one voice-guided, exactly timed MP3."""

from __future__ import annotations

__version__ = "0.1.0"

from .build import BuildOptions, BuildResult, build, show  # noqa: E402
from .errors import AudioRoutineError, InputError, RoutineError  # noqa: E402
from .loader import Overrides, load_routine  # noqa: E402

__all__ = [
    "AudioRoutineError", "BuildOptions", "BuildResult", "InputError", "Overrides", "RoutineError",
    "build", "load_routine", "share", "show",
]


def __getattr__(name: str):
    # share pulls in the cover renderer (Pillow): loaded on first use, not on every start.
    if name == "share":
        from .share import share

        return share
    raise AttributeError(f"module 'audioroutine' has no attribute {name!r}")
