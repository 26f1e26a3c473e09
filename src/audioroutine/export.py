"""What a build writes beside the MP3 (tags, sidecars). Returns (temporary, final) pairs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import BuildOptions, Plan


def write_extras(plan: Plan, sheet: dict[str, Any], mp3: Path, out: Path, options: BuildOptions) -> list[tuple[Path, Path]]:
    return []
