"""audioroutine: turn a stretching or mobility routine into one voice-guided, exactly timed MP3."""

from __future__ import annotations

from .build import BuildResult, build
from .errors import AudioRoutineError, InputError, RoutineError
from .loader import load_routine
from .options import BuildOptions
from .overrides import Overrides
from .show import show

__all__ = [
    "AudioRoutineError", "BuildOptions", "BuildResult", "InputError", "Overrides", "RoutineError",
    "__version__", "build", "load_routine", "share", "show",
]


def __getattr__(name: str):
    # share pulls in the cover renderer (Pillow): loaded on first use, not on every start.
    if name == "share":
        from .share import share

        return share
    if name == "__version__":
        from .constants import package_version

        return package_version()
    raise AttributeError(f"module 'audioroutine' has no attribute {name!r}")
