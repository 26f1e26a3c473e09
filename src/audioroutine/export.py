"""What a build writes beside the MP3 (tags, sidecars).

``prepare_extras`` does the work (cover art, ID3 frames, caption and script texts) from the cue
sheet alone, so a build runs it while the encoder is busy; ``Extras.write`` then tags the
(temporary) MP3 in place and writes the sidecars to temporary files, returned as (temporary,
final) pairs for the build to rename with the MP3.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mutagen.id3 import ID3

from .sidecars import SIDECARS, write_text_files
from .tags import DEFAULT_ALBUM, TagText, artist_for, routine_tags

if TYPE_CHECKING:
    from .options import BuildOptions
    from .planning import Plan


@dataclass(frozen=True)
class Extras:
    tags: ID3
    texts: dict[str, str]
    """Sidecar suffix (``.vtt``, ``.txt``) to its text."""

    def write(self, mp3: Path, out: Path, slug: str) -> list[tuple[Path, Path]]:
        self.tags.save(mp3, v1=0, v2_version=4)
        return write_text_files({out / f"{slug}{suffix}": text for suffix, text in self.texts.items()})


def prepare_extras(plan: Plan, sheet: dict[str, Any], options: BuildOptions) -> Extras:
    routine = plan.loaded.routine
    names = TagText(
        artist=artist_for(options.artist, routine.artist, sheet.get("source")),
        album=options.album or DEFAULT_ALBUM,
    )
    return Extras(routine_tags(sheet, names), {suffix: make(sheet) for suffix, make in SIDECARS.items()})
