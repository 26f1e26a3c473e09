"""The files of a share folder besides the MP3s and their sidecars: each routine's cover and
chapters, the podcast's cover, a zip of everything, the feed and the web page. All of it comes from
the builds' results (their cue sheets): nothing is read back from the MP3s."""

from __future__ import annotations

import logging
import uuid
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2

from .build import BuildResult
from .constants import package_version
from .cuesheet import Chapter, CueSheet
from .durations import mmss, whole_seconds
from .labels import Labels, labels_for
from .model import slugify
from .outfiles import discard, replace_all, temporary_file, write_temporary, writing
from .outfolder import output_errors
from .sidecars import SIDECARS, attribution, chapters_json
from .tags import routine_cover

log = logging.getLogger(__name__)

INDEX = "index.html"
FEED = "feed.xml"
FEED_COVER = "cover.png"
PODCAST_NAMESPACE_GUID = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace for ``podcast:guid`` (a UUIDv5 of the feed's address)."""


@dataclass(frozen=True)
class SharedRoutine:
    """One routine in the share folder, with what the page and the feed say about it."""

    build: BuildResult
    published: datetime
    templates: Path | None = None
    """The user's folder of cue templates (and labels) the build was given, if any."""

    @classmethod
    def of(cls, result: BuildResult, templates: Path | None = None) -> SharedRoutine:
        """The routine a build gave back; published when its MP3 was written."""
        return cls(result, datetime.fromtimestamp(int(result.mp3.stat().st_mtime), tz=UTC), templates)

    @property
    def lang(self) -> str:
        """The routine's language, as its cue sheet says (``es``, ``es-MX``)."""
        return self.sheet.lang or "en"

    @property
    def labels(self) -> Labels:
        """The words around the routine, in its language."""
        return labels_for(self.lang, self.templates)

    @property
    def sheet(self) -> CueSheet:
        return self.build.sheet

    @property
    def slug(self) -> str:
        return self.build.slug

    @property
    def artist(self) -> str:
        return self.build.artist

    @property
    def size(self) -> int:
        return self.build.size

    @property
    def title(self) -> str:
        return self.sheet.title

    @property
    def duration_s(self) -> float:
        return float(self.sheet.duration_s)

    @property
    def attribution(self) -> str:
        return attribution(self.sheet.source)

    @property
    def link(self) -> str | None:
        """The source's web address, if it is one (never a ``javascript:`` or ``file:`` link)."""
        link = self.sheet.source.link if self.sheet.source else None
        return link if link and urlsplit(link).scheme in ("http", "https") else None

    @property
    def chapters(self) -> list[Chapter]:
        return list(self.sheet.chapters)

    @property
    def captions(self) -> list[dict[str, Any]]:
        """The spoken cues, for the page's "now saying" line."""
        return [{"start": c.start_s, "end": c.end_s, "text": c.text} for c in self.sheet.spoken()]

    @property
    def guid(self) -> str:
        """Changes when the audio changes, so podcast apps fetch the new version."""
        return f"audioroutine:{self.slug}:{self.sheet.fingerprint[:16]}"

    def cover(self) -> bytes:
        """The cover art in the MP3: as the build made it, or drawn again the same from the sheet."""
        if self.build.cover is not None:
            return self.build.cover
        log.debug("%s: up to date; its cover drawn again from its cue sheet", self.slug)
        return routine_cover(self.sheet, self.labels)

    def file(self, kind: str) -> str:
        return {
            "mp3": f"{self.slug}.mp3",
            "vtt": f"{self.slug}.vtt",
            "txt": f"{self.slug}.txt",
            "cover": f"{self.slug}.cover.png",
            "chapters": f"{self.slug}.chapters.json",
        }[kind]


def _size(n: int, words: Labels) -> str:
    if n >= 100_000:
        return words["megabytes"].format(size=words.number(f"{n / 1_000_000:.1f}"))
    return words["kilobytes"].format(size=f"{n / 1000:.0f}")


def page_language(routines: Sequence[SharedRoutine]) -> str:
    """The language most of the routines are in (the first one's, among as many)."""
    return Counter(r.lang for r in routines).most_common(1)[0][0] if routines else "en"


def _environment() -> jinja2.Environment:
    folder = Path(str(resources.files("audioroutine") / "share_templates"))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["clock"] = mmss  # every length shown is formatted and rounded by this one function
    env.filters["whole_seconds"] = whole_seconds
    env.filters["size"] = _size
    env.filters["rfc822"] = format_datetime
    return env


def _write_zip(final: Path, folder: str, files: Sequence[Path]) -> Path:
    """The files in one folder of a zip, written to a new temporary file beside ``final``."""
    path, handle = temporary_file(final)
    try:
        with handle, zipfile.ZipFile(handle, "w") as archive:
            for file in sorted(files, key=lambda p: p.name):
                compress = zipfile.ZIP_STORED if file.suffix == ".mp3" else zipfile.ZIP_DEFLATED
                archive.write(file, f"{folder}/{file.name}", compress_type=compress)
    except BaseException:
        discard(path)
        raise
    return path


@dataclass(frozen=True)
class Page:
    """What the feed and the page show besides the routines."""

    title: str
    description: str | None
    author: str | None
    """The podcast's author; default the routines' artists."""
    base_url: str | None
    templates: Path | None = None
    """The user's folder of cue templates (and labels) the builds were given, if any."""

    def url(self, name: str) -> str:
        return (self.base_url or "") + quote(name)

    def context(self, routines: Sequence[SharedRoutine], zip_name: str) -> dict[str, Any]:
        """The templates' names (``zip_size`` is added once the zip is written)."""
        artists = list(dict.fromkeys(r.artist for r in routines))
        feed_url = self.url(FEED)
        lang = page_language(routines)
        return {
            "title": self.title,
            "description": self.description or "",
            "routines": routines,
            "author": self.author or ", ".join(artists),
            "lang": lang,
            "words": labels_for(lang, self.templates),
            "url": self.url,
            "base_url": self.base_url,
            "feed": FEED,
            "feed_url": feed_url,
            "cover": FEED_COVER,
            "zip": zip_name,
            "now": datetime.now(tz=UTC),
            "version": package_version(),
            "podcast_guid": str(uuid.uuid5(PODCAST_NAMESPACE_GUID, feed_url.split("://", 1)[-1].rstrip("/")))
            if self.base_url
            else None,
            "total_s": sum(r.duration_s for r in routines),
        }


SHARE_NAMES = r"index\.html|feed\.xml|cover\.png|[a-z0-9-]+\.(?:zip|cover\.png|chapters\.json)"
"""The names ``write_folder`` writes, as a regular expression (``outfiles.leftovers``)."""


def write_folder(out: Path, page: Page, routines: Sequence[SharedRoutine]) -> Path:
    """Write every file of the folder but the builds' own, each to a temporary file of its own first
    and all renamed together at the end, holding the folder's page lock; returns the zip's path."""
    with output_errors(out, "the page, feed and zip"), writing(out / INDEX, SHARE_NAMES):
        return _write_folder(out, page, routines)


def _write_folder(out: Path, page: Page, routines: Sequence[SharedRoutine]) -> Path:
    from .cover import FEED_COVER_SIZE, cover_png  # Pillow: loaded only to draw

    title_slug = slugify(page.title)
    zip_final = out / f"{title_slug}.zip"
    context = page.context(routines, zip_final.name)
    count = len(routines)
    files: dict[Path, bytes | str] = {out / r.file("cover"): r.cover() for r in routines}
    files[out / FEED_COVER] = cover_png(page.title, top="audioroutine", bars=[r.duration_s for r in routines],
                                        bottom=context["words"].count("routines", count), size=FEED_COVER_SIZE)
    files.update({out / r.file("chapters"): chapters_json(r.sheet) for r in routines})
    pairs: list[tuple[Path, Path]] = []
    try:
        for final, content in files.items():
            pairs.append((write_temporary(final, content), final))
        members = [out / r.file("mp3") for r in routines]
        members += [out / f"{r.slug}{suffix}" for r in routines for suffix in SIDECARS]
        pairs.append((_write_zip(zip_final, title_slug, members), zip_final))
        context["zip_size"] = pairs[-1][0].stat().st_size
        env = _environment()
        for template, name in (("feed.xml.j2", FEED), ("index.html.j2", INDEX)):
            pairs.append((write_temporary(out / name, env.get_template(template).render(**context)), out / name))
        replace_all(pairs)
    finally:
        for tmp, _ in pairs:
            discard(tmp)
    return zip_final
