"""What one running studio knows: its folders, its options and its jobs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..options import BuildOptions
from .jobs import Jobs


def shown(path: Path) -> str:
    """A folder or file as the user knows it: relative to the current folder where it is inside it."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except ValueError:
        return str(path)


@dataclass
class Studio:
    folder: Path
    """The user's routines folder: the only place routines are written."""
    out: Path
    """The output folder: MP3s, cue sheets and share zips."""
    cache_dir: Path | None = None
    engine: str = "offline"
    jobs: Jobs = field(default_factory=Jobs)

    @property
    def folder_shown(self) -> str:
        return shown(self.folder)

    def options(self) -> BuildOptions:
        """The build options of this studio (its engine, clip cache and output folder)."""
        return BuildOptions(engine=self.engine, cache_dir=self.cache_dir, out=self.out)
