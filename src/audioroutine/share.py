"""Share routines with a group: one static folder with the MP3s, a web page to play them, a podcast
feed to subscribe to, and a zip to send. Opens from disk, a shared drive or any web host."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from .build import Log, build_plans
from .errors import Note, OptionError, option
from .options import BuildOptions
from .planning import plan_routines, report_changes
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


_PCHAR_SAFE = "!$&'()*+,;=:@~"
"""What RFC 3986 allows as it is in a path segment besides letters, digits and ``-._`` (``pchar``)."""
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def _bad_base_url(base_url: str, why: str) -> OptionError:
    return OptionError(
        f"{option('base_url')} {base_url!r} is not a web address: {why}", option="base_url", value=base_url,
        hint="give the address the folder will be served from, e.g. https://example.org/run-club/",
    )


def _host(base_url: str, hostname: str | None) -> str:
    """The host as RFC 3986 writes it: a DNS name in ASCII (IDNA for others), or an IP address."""
    if not hostname:
        raise _bad_base_url(base_url, "it names no host")
    try:
        address = ipaddress.ip_address(hostname)
        return f"[{address.compressed}]" if address.version == 6 else address.compressed
    except ValueError:
        pass
    try:
        ascii_host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise _bad_base_url(base_url, f"{hostname!r} is not a host name") from None
    if not all(_HOST_LABEL.fullmatch(label) for label in ascii_host.removesuffix(".").split(".")):
        raise _bad_base_url(base_url, f"{hostname!r} is not a host name")
    return ascii_host


def _base_url(base_url: str | None) -> str | None:
    """The folder's web address as the feed and the page write it, ending in ``/``: http or
    https, a host (IDNA-encoded), an optional port, and a path whose segments are
    percent-encoded (``/run club/`` becomes ``/run%20club/``; escapes already there are kept).
    A query or a fragment is refused (a file name could not follow it), and so are a user name
    or password (the feed is public) and control characters."""
    if base_url is None:
        return None
    text = base_url.strip()
    if not text:
        raise _bad_base_url(base_url, "it is empty")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise _bad_base_url(base_url, "it holds a control character")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise _bad_base_url(base_url, "it must start with http:// or https://")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise _bad_base_url(base_url, "a folder's address has no query (?…) or fragment (#…)")
    if "@" in parts.netloc:
        raise _bad_base_url(base_url, "a public feed must not hold a user name or password")
    try:
        port = parts.port
    except ValueError:
        raise _bad_base_url(base_url, "its port is not a number from 0 to 65535") from None
    host = _host(base_url, parts.hostname) + (f":{port}" if port is not None else "")
    path = "/".join(quote(unquote(segment), safe=_PCHAR_SAFE) for segment in parts.path.split("/"))
    path = path if path.startswith("/") else "/" + path
    return urlunsplit((parts.scheme.lower(), host, path if path.endswith("/") else path + "/", "", ""))


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
    report_changes(plans, log)
    results = build_plans(plans, options, log=log, progress=progress)
    routines = [SharedRoutine.of(result, options.templates) for result in results]
    zip_path = write_folder(out, Page(title, description, options.artist, base, options.templates), routines)
    notes: list[Note] = []
    if base is None:
        notes.append(Note(
            f"{FEED} uses relative links: podcast apps need the folder's web address; "
            f"host the folder and share again with {option('base_url')} https://…/"
        ))
    return ShareResult(out, title, out / INDEX, out / FEED, zip_path, routines, base, notes)
