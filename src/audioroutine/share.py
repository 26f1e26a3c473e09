"""Share routines with a group: one static folder with the MP3s, a web page to play them, a podcast
feed to subscribe to, and a zip to send. Opens from disk, a shared drive or any web host."""

from __future__ import annotations

import dataclasses
import json
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2

from .build import BuildResult, Log, build
from .constants import package_version
from .cover import FEED_COVER_SIZE, cover_png
from .errors import InputError, Note, OptionError, option
from .model import slugify
from .options import BuildOptions
from .planning import plan_routines
from .sidecars import SIDECARS, attribution, chapters_json, replace_all, spoken_cues, temporary
from .synthesis import Progress
from .tags import DEFAULT_ARTIST, read_artist, read_cover, routine_cover

INDEX = "index.html"
FEED = "feed.xml"
FEED_COVER = "cover.png"
PODCAST_NAMESPACE_GUID = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace for ``podcast:guid`` (a UUIDv5 of the feed's address)."""


@dataclass(frozen=True)
class SharedRoutine:
    """One routine in the share folder, with what the page and the feed say about it."""

    build: BuildResult
    sheet: dict[str, Any]
    artist: str
    size: int
    published: datetime

    @property
    def slug(self) -> str:
        return self.build.slug

    @property
    def title(self) -> str:
        return self.sheet["title"]

    @property
    def duration_s(self) -> float:
        return float(self.sheet["duration_s"])

    @property
    def attribution(self) -> str:
        return attribution(self.sheet.get("source"))

    @property
    def link(self) -> str | None:
        """The source's web address, if it is one (never a ``javascript:`` or ``file:`` link)."""
        link = (self.sheet.get("source") or {}).get("link")
        return link if link and urlsplit(link).scheme in ("http", "https") else None

    @property
    def chapters(self) -> list[dict[str, Any]]:
        return list(self.sheet.get("chapters") or [])

    @property
    def captions(self) -> list[dict[str, Any]]:
        """The spoken cues, for the page's "now saying" line."""
        return [
            {"start": c["start_s"], "end": c["end_s"], "text": c["text"]}
            for c in spoken_cues(self.sheet)
        ]

    @property
    def guid(self) -> str:
        """Changes when the audio changes, so podcast apps fetch the new version."""
        return f"audioroutine:{self.slug}:{self.sheet['fingerprint'][:16]}"

    def file(self, kind: str) -> str:
        return {
            "mp3": f"{self.slug}.mp3",
            "vtt": f"{self.slug}.vtt",
            "txt": f"{self.slug}.txt",
            "cover": f"{self.slug}.cover.png",
            "chapters": f"{self.slug}.chapters.json",
        }[kind]


@dataclass(frozen=True)
class ShareResult:
    out: Path
    title: str
    index: Path
    feed: Path
    zip: Path
    routines: list[SharedRoutine]
    base_url: str | None
    notes: list[Note]
    """Things to tell the person sharing (e.g. that podcast apps need a ``base_url``)."""


def _base_url(base_url: str | None) -> str | None:
    if not base_url:
        return None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OptionError(
            f"{option('base_url')} {base_url!r} is not a web address", option="base_url", value=base_url,
            hint="give the address the folder will be served from, e.g. https://example.org/run-club/",
        )
    return base_url if base_url.endswith("/") else base_url + "/"


def _unique(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _check_slugs(names: Sequence[str], options: BuildOptions) -> None:
    """Two routines with one file name would overwrite each other: stop before building."""
    seen: dict[str, str] = {}
    for plan in plan_routines(names, options):
        slug, path = plan.slug, str(plan.loaded.path)
        if slug in seen and seen[slug] != path:
            raise InputError(
                f"{seen[slug]} and {path} would both be shared as {slug}.mp3",
                hint="rename one of the files, or share them separately",
            )
        seen[slug] = path


def _shared(result: BuildResult) -> SharedRoutine:
    sheet = json.loads(result.cue_sheet.read_text(encoding="utf-8"))
    stat = result.mp3.stat()
    return SharedRoutine(
        build=result,
        sheet=sheet,
        artist=read_artist(result.mp3) or DEFAULT_ARTIST,
        size=stat.st_size,
        published=datetime.fromtimestamp(int(stat.st_mtime), tz=UTC),
    )


def clock(seconds: float) -> str:
    """``m:ss`` as audio players show a time (whole seconds, not rounded up)."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


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
    env.filters["clock"] = clock
    env.filters["size"] = _size
    env.filters["rfc822"] = format_datetime
    return env


def _write_zip(path: Path, folder: str, files: Sequence[Path]) -> None:
    """The files in one folder of a zip; a file not yet renamed is taken from its temporary."""
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(files, key=lambda p: p.name):
            source = file if file.is_file() else temporary(file)
            compress = zipfile.ZIP_STORED if file.suffix == ".mp3" else zipfile.ZIP_DEFLATED
            archive.write(source, f"{folder}/{file.name}", compress_type=compress)


def share(
    names: Sequence[str],
    options: BuildOptions = BuildOptions(),
    title: str = "audioroutine",
    base_url: str | None = None,
    out: Path = Path("share"),
    *,
    description: str | None = None,
    log: Log | None = None,
    progress: Progress | None = None,
) -> ShareResult:
    """Build the routines into ``out`` (reusing MP3s already there and unchanged) and write beside
    them ``index.html`` to play them, ``feed.xml`` to subscribe in a podcast app, each routine's
    cover and chapters, and ``<title-slug>.zip`` with every MP3 and its captions and script.

    Without ``base_url`` the feed's links are relative: fine on disk, not for podcast apps.
    """
    title = " ".join(title.split())
    if not title:
        raise OptionError(f"the share needs a {option('title')}, e.g. {option('title')} 'Tuesday Run Club'",
                          option="title")
    base = _base_url(base_url)
    out = Path(out)
    names = _unique(names)
    options = dataclasses.replace(options, out=out, album=options.album or title)
    _check_slugs(names, options)
    results = build(names, options, log=log, progress=progress)
    routines = [_shared(result) for result in results]

    def url(name: str) -> str:
        return (base or "") + quote(name)

    title_slug = slugify(title)
    zip_name = f"{title_slug}.zip"
    lang = routines[0].sheet.get("lang") or "en"
    texts: dict[Path, str] = {}
    for routine in routines:
        texts[out / routine.file("chapters")] = chapters_json(routine.sheet)
    artists = list(dict.fromkeys(r.artist for r in routines))
    context = {
        "title": title,
        "description": description or "",
        "routines": routines,
        "author": options.artist or ", ".join(artists),
        "lang": lang,
        "url": url,
        "base_url": base,
        "feed": FEED,
        "feed_url": url(FEED),
        "cover": FEED_COVER,
        "zip": zip_name,
        "now": datetime.now(tz=UTC),
        "version": package_version(),
        "podcast_guid": str(
            uuid.uuid5(PODCAST_NAMESPACE_GUID, url(FEED).split("://", 1)[-1].rstrip("/"))
        )
        if base
        else None,
        "total_s": sum(r.duration_s for r in routines),
    }
    env = _environment()
    zip_final = out / zip_name
    pairs: list[tuple[Path, Path]] = []
    try:
        for routine in routines:
            cover = read_cover(routine.build.mp3) or routine_cover(routine.sheet)
            final = out / routine.file("cover")
            pairs.append((temporary(final), final))
            temporary(final).write_bytes(cover)
        count = len(routines)
        channel_cover = cover_png(
            title,
            top="audioroutine",
            bars=[r.duration_s for r in routines],
            bottom=f"{count} routine{'' if count == 1 else 's'}",
            size=FEED_COVER_SIZE,
        )
        pairs.append((temporary(out / FEED_COVER), out / FEED_COVER))
        temporary(out / FEED_COVER).write_bytes(channel_cover)
        for final, text in texts.items():
            pairs.append((temporary(final), final))
            temporary(final).write_text(text, encoding="utf-8")
        members = [out / r.file("mp3") for r in routines]
        members += [out / f"{r.slug}{suffix}" for r in routines for suffix in SIDECARS]
        pairs.append((temporary(zip_final), zip_final))
        _write_zip(temporary(zip_final), title_slug, members)
        context["zip_size"] = temporary(zip_final).stat().st_size
        for template, name in (("feed.xml.j2", FEED), ("index.html.j2", INDEX)):
            final = out / name
            pairs.append((temporary(final), final))
            temporary(final).write_text(
                env.get_template(template).render(**context), encoding="utf-8"
            )
        replace_all(pairs)
    finally:
        for tmp, _ in pairs:
            tmp.unlink(missing_ok=True)

    notes = []
    if base is None:
        notes.append(Note(
            f"{FEED} uses relative links: podcast apps need the folder's web address; "
            f"host the folder and share again with {option('base_url')} https://…/"
        ))
    return ShareResult(out, title, out / INDEX, out / FEED, zip_final, routines, base, notes)
