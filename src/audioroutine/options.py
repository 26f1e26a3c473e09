"""What a build is asked to do: the options every command (build, show, share) shares."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OptionError
from .overrides import Overrides

_TLD = re.compile(r"[a-z]{2,6}(\.[a-z]{2,6})?")
"""Google's accent as a domain ending: ``com``, ``co.uk``, ``com.au``."""


@dataclass(frozen=True)
class BuildOptions:
    engine: str = "auto"
    """``auto``, or an engine's name (``piper``, ``gtts``, ``espeak``)."""
    voice: str | Path | None = None
    """A voice of the engine: a Piper voice file, an espeak-ng voice name (see ``engines``)."""
    lang: str | None = None
    """Language of the cues; default the routine's own ``settings.lang``."""
    tld: str = "com"
    slow: bool = False
    templates: Path | None = None
    """A folder of cue templates over the built-in ones."""
    out: Path = Path("output")
    cache_dir: Path | None = None
    force: bool = False
    overrides: Overrides = field(default_factory=Overrides)
    artist: str | None = None
    album: str | None = None
    name: str | None = None
    """A variant's name: the routine is written as ``<slug>-<name>.mp3``, beside its own file."""
    only: tuple[str, ...] = ()
    """A preview of these exercises (ids) only, written as ``<slug>.preview.mp3``."""
    first: str | float | None = None
    """A preview of the routine's first minutes (``2m``), written as ``<slug>.preview.mp3``."""

    def __post_init__(self) -> None:
        """A value given but empty is refused, naming its option, never taken as "not given"."""
        for name in ("engine", "voice", "tld"):
            value = getattr(self, name)
            if isinstance(value, str) and not value.strip():
                raise OptionError("must not be empty", option=name, value=repr(value))
        if not _TLD.fullmatch(self.tld):
            raise OptionError("expected a domain ending such as com, co.uk or com.au", option="tld", value=self.tld)

    def routine_overrides(self) -> Overrides:
        """The overrides with ``lang`` folded in (as ``settings.lang``, reported as the lang option)."""
        return dataclasses.replace(self.overrides, lang=self.lang) if self.lang is not None else self.overrides
