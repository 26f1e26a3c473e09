"""What a build is asked to do: the options every command (build, show, share) shares."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OptionError, option
from .overrides import Overrides

MIN_SPEED, MAX_SPEED = 0.8, 1.25
"""The voice's speed, relative to its own: slower than 0.8 or faster than 1.25 stops sounding natural."""
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
    speed: float = 1.0
    """The voice's speed (``MIN_SPEED`` to ``MAX_SPEED``; 1 is the voice's own). Google's voice has
    only two: 0.9 or less is its slow speed, the rest its normal one."""
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
        check_speed(self.speed)
        if self.slow and self.speed != 1.0:
            raise OptionError(f"give one of {option('slow')} and {option('speed')}, not both", option="speed",
                              value=f"{self.speed:g}")

    def routine_overrides(self) -> Overrides:
        """The overrides with ``lang`` folded in (as ``settings.lang``, reported as the lang option)."""
        return dataclasses.replace(self.overrides, lang=self.lang) if self.lang is not None else self.overrides


def check_speed(speed: object) -> float:
    """The speed option's value: a number from ``MIN_SPEED`` to ``MAX_SPEED``."""
    if isinstance(speed, bool) or not isinstance(speed, int | float) or not MIN_SPEED <= speed <= MAX_SPEED:
        raise OptionError(f"choose a speed from {MIN_SPEED:g} (slower) to {MAX_SPEED:g} (faster); 1 is the voice's own",
                          option="speed", value=speed)
    return float(speed)
