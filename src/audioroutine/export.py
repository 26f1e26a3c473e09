"""What a build writes beside the MP3 (tags, sidecars). Returns (temporary, final) pairs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .sidecars import write_sidecars
from .tags import DEFAULT_ALBUM, TagText, artist_for, write_tags

if TYPE_CHECKING:
    from .build import BuildOptions, Plan


def write_extras(
    plan: Plan, sheet: dict[str, Any], mp3: Path, out: Path, options: BuildOptions
) -> list[tuple[Path, Path]]:
    """Tag the (temporary) MP3 in place; write the captions and printable script to temporary
    files in ``out``, returned with their final names for ``write_routine`` to rename."""
    routine = plan.loaded.routine
    names = TagText(
        artist=artist_for(options.artist, routine.artist, sheet.get("source")),
        album=options.album or DEFAULT_ALBUM,
    )
    write_tags(mp3, sheet, names)
    return write_sidecars(sheet, out, plan.slug)
