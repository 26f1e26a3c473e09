"""Share routines with a group: one static folder with the MP3s, a web page to play them, a podcast
feed to subscribe to, and a zip to send. Opens from disk, a shared drive or any web host."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .build import Log, build_plans
from .errors import Note, OptionError, option
from .options import BuildOptions
from .planning import plan_routines
from .sharepage import FEED, INDEX, Page, SharedRoutine, write_folder
from .synthesis import Progress

__all__ = ["ShareResult", "SharedRoutine", "share"]


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
    options = dataclasses.replace(options, out=out, album=options.album or title)
    plans = plan_routines(_unique(names), options)
    results = build_plans(plans, options, log=log, progress=progress)
    routines = [SharedRoutine.of(result) for result in results]
    zip_path = write_folder(out, Page(title, description, options.artist, base), routines)
    notes: list[Note] = []
    if base is None:
        notes.append(Note(
            f"{FEED} uses relative links: podcast apps need the folder's web address; "
            f"host the folder and share again with {option('base_url')} https://…/"
        ))
    return ShareResult(out, title, out / INDEX, out / FEED, zip_path, routines, base, notes)
