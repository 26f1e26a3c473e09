"""audioroutine: turn a stretching or mobility routine into one voice-guided, exactly timed MP3.

The pipeline, one module (or package) per stage (docs/design.md draws it in full)::

    routine file (YAML) --yamlfile, loader, overrides--> Routine (model, doses)
      --script (cue templates: templates)--> Script --timeline--> Timeline (exact samples)
      --synthesis (engines + cache, clips)--> one clip per phrase
      --mix (pydub, block by block)--> PCM --mp3--> <slug>.mp3
      --export--> cue sheet (cuesheet), tags (tags, cover), sidecars --share, sharepage--> a folder to share

``planning`` runs the first three stages, ``build`` the rest, ``show`` prints the timeline with no
audio work. The public names load on first use (PEP 562), so ``import audioroutine`` (and the
command line's ``list``, ``show`` and ``--help``) loads no audio library: numpy, the voices, pydub,
mutagen and Pillow load when audio is made.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .errors import AudioRoutineError, InputError, RoutineError

if TYPE_CHECKING:
    from .build import BuildResult, build
    from .loader import load_routine
    from .options import BuildOptions
    from .overrides import Overrides
    from .share import share
    from .show import show

__all__ = [
    "AudioRoutineError", "BuildOptions", "BuildResult", "InputError", "Overrides", "RoutineError",
    "__version__", "build", "load_routine", "share", "show",
]

_LAZY = {
    "build": "build", "BuildResult": "build", "show": "show", "share": "share",
    "Overrides": "overrides", "load_routine": "loader", "BuildOptions": "options",
}
"""Public name -> the module (of this package) it comes from."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name == "__version__":
        from .constants import package_version

        return package_version()
    raise AttributeError(f"module 'audioroutine' has no attribute {name!r}")


class _Package(ModuleType):
    """This package. Three public functions share their names with their modules (``build``,
    ``show``, ``share``): the import system sets a submodule, once loaded, as an attribute of its
    package, which would hide the function; here the function keeps the name."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _LAZY.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
