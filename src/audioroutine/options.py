"""What a build is asked to do: the options every command (build, show, share) shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .overrides import Overrides


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

    def routine_overrides(self) -> Overrides:
        """The overrides with ``lang`` folded in as ``settings.lang``."""
        extra = (f"settings.lang={self.lang}",) if self.lang else ()
        return Overrides(
            files=self.overrides.files,
            assignments=(*self.overrides.assignments, *extra),
            hold=self.overrides.hold,
            breath=self.overrides.breath,
            rest=self.overrides.rest,
            scale=self.overrides.scale,
        )
