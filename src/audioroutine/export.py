"""What a build writes beside the MP3: its cue sheet, tags and sidecars.

``cue_sheet`` writes the timeline out as a ``CueSheet``. ``prepare_extras`` does the rest of the
work (cover art, ID3 frames, caption and script texts) from the cue sheet alone, so a build runs it
while the encoder is busy; ``Extras.write`` then tags the (temporary) MP3 in place and writes the
sidecars to temporary files, returned as (temporary, final) pairs for the build to rename with the
MP3.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mutagen.id3 import ID3

from .cuesheet import Chapter, Cue, CueSheet, ExerciseSummary, Loudness, Source, frozen
from .doses import dose_summary
from .labels import labels_for
from .sidecars import SIDECARS, write_text_files
from .tags import DEFAULT_ALBUM, TagText, artist_for, routine_cover, routine_tags
from .timing import stage

if TYPE_CHECKING:
    from .engines import Engine
    from .loader import LoadedRoutine
    from .options import BuildOptions
    from .planning import Plan
    from .timeline import Event, Timeline


def _s(samples: int, rate: int) -> float:
    return round(samples / rate, 4)


def _cue(event: Event, rate: int) -> Cue:
    where = event.where
    return Cue(event.kind, _s(event.start, rate), _s(event.end, rate), text=event.text, chime=event.chime or None,
               exercise=where.exercise, side=where.side, set=where.set, rep=where.rep, variation=where.variation)


def cue_sheet(loaded: LoadedRoutine, timeline: Timeline, engine: Engine, fingerprint: str,
              loudness: Loudness, *, name: str | None = None, title: str | None = None) -> CueSheet:
    """The routine's timeline written out in seconds, with what it was made from and with; ``name``
    and ``title`` those of a variant or a preview (``variants``), when it is one."""
    routine = loaded.routine
    rate = timeline.rate
    return CueSheet(
        routine=name or loaded.slug,
        title=title or routine.title,
        description=routine.description,
        when=routine.when,
        source=Source(**routine.source.model_dump()) if routine.source else None,
        equipment=tuple(routine.equipment),
        duration_s=_s(timeline.total, rate),
        samples=timeline.total,
        sample_rate=rate,
        engine=engine.name,
        voice=engine.voice,
        lang=engine.lang,
        settings=frozen(routine.settings.model_dump(mode="json")),
        exercises=tuple(ExerciseSummary(e.key, e.name, frozen(dose_summary(e, routine.settings.breath)))
                        for e in routine.exercises),
        fingerprint=fingerprint,
        chapters=tuple(Chapter(c.id, c.title, _s(c.start, rate), _s(c.end, rate)) for c in timeline.chapters),
        cues=tuple(_cue(e, rate) for e in sorted(timeline.events, key=lambda e: (e.start, e.text is not None))),
        loudness=loudness,
    )


@dataclass(frozen=True)
class Extras:
    tags: ID3
    texts: dict[str, str]
    """Sidecar suffix (``.vtt``, ``.txt``) to its text."""
    artist: str
    """The artist the tags name."""
    cover: bytes
    """The cover art the tags carry (PNG)."""

    def write(self, mp3: Path, out: Path, slug: str) -> list[tuple[Path, Path]]:
        self.tags.save(mp3, v1=0, v2_version=4)
        return write_text_files({out / f"{slug}{suffix}": text for suffix, text in self.texts.items()})


def prepare_extras(plan: Plan, sheet: CueSheet, options: BuildOptions) -> Extras:
    with stage("tags, cover and sidecars"):
        return _extras(plan, sheet, options)


def _extras(plan: Plan, sheet: CueSheet, options: BuildOptions) -> Extras:
    names = TagText(
        artist=artist_for(options.artist, plan.loaded.routine.artist, sheet.source),
        album=options.album or DEFAULT_ALBUM,
    )
    labels = labels_for(sheet.lang, options.templates)
    cover = routine_cover(sheet, labels)
    return Extras(routine_tags(sheet, names, cover, labels),
                  {suffix: make(sheet, labels) for suffix, make in SIDECARS.items()}, names.artist, cover)
