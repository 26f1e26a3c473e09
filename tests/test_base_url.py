"""Issue 10, item 20: ``--base-url`` is checked (http or https, a host, no query, fragment or
password) and its path percent-encoded, so every address in the feed and the page is valid
(RFC 3986); a bad one is refused naming --base-url, exit 2, with nothing written."""

import re
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from audioroutine.cli import app
from sharetools import PLAIN_SLUG, TRICKY_SLUG, write_routines

SLUGS = (TRICKY_SLUG, PLAIN_SLUG)

# RFC 3986, section 3 (ABNF), for an absolute URI with an authority.
_UNRESERVED = r"[A-Za-z0-9\-._~]"
_PCT = r"%[0-9A-Fa-f]{2}"
_SUB_DELIMS = r"[!$&'()*+,;=]"
_PCHAR = rf"(?:{_UNRESERVED}|{_PCT}|{_SUB_DELIMS}|[:@])"
_HOST = rf"(?:\[[0-9A-Fa-f:.]+\]|(?:{_UNRESERVED}|{_PCT}|{_SUB_DELIMS})*)"
RFC3986_URI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+\-.]*://{_HOST}(?::[0-9]*)?(?:/{_PCHAR}*)*(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
)


def test_the_rfc_3986_pattern_tells_valid_from_invalid():
    assert RFC3986_URI.fullmatch("https://example.org/run%20club/a.mp3")
    assert RFC3986_URI.fullmatch("http://[::1]:8080/x/")
    for bad in ("https://example.org/run club/a.mp3", "https://example.org/ü/a.mp3",
                "https://exämple.org/a.mp3", "https://example.org/100%/a.mp3", "https://example.org/a#b#c"):
        assert not RFC3986_URI.fullmatch(bad), bad


@pytest.fixture(scope="module")
def shared(tmp_path_factory, clip_cache):
    """A real share (tiny routines, clips from the run's cache) under an address with a space,
    a non-ASCII folder and host, and an escape already there."""
    from audioroutine import BuildOptions
    from audioroutine.share import share

    folder = tmp_path_factory.mktemp("share-url")
    routines = [str(p) for p in write_routines(folder / "routines")]
    out = folder / "club"
    result = share(routines, BuildOptions(engine="piper", cache_dir=clip_cache), "Club",
                   "https://Läufer.example.org/run club/Grüße/100%25", out)
    return result, out


def addresses(out) -> list[str]:
    feed = ElementTree.parse(out / "feed.xml").getroot()
    found = [e.get(name) for e in feed.iter() for name in ("url", "href") if e.get(name)]
    found += [e.text for e in feed.iter() if e.tag in ("link", "{http://www.itunes.com/dtds/podcast-1.0.dtd}link")]
    return [a.strip() for a in found if a and a.strip()]


def test_every_address_in_the_feed_is_valid(shared):
    result, out = shared
    assert result.base_url == "https://xn--lufer-gra.example.org/run%20club/Gr%C3%BC%C3%9Fe/100%25/"
    urls = addresses(out)
    enclosures = [e.get("url") for e in ElementTree.parse(out / "feed.xml").getroot().iter("enclosure")]
    assert len(enclosures) == 2 and all(url in urls for url in enclosures)
    for url in urls:
        assert RFC3986_URI.fullmatch(url), url
        parts = urlsplit(url)
        assert (parts.scheme, parts.hostname, parts.query) == ("https", "xn--lufer-gra.example.org", "")
        assert parts.fragment in ("", *SLUGS)  # an item's link points at its routine on the page
        assert unquote(parts.path).startswith("/run club/Grüße/100%/")
    for url in enclosures:
        assert (out / unquote(urlsplit(url).path).rsplit("/", 1)[1]).is_file()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "run%20club/Gr%C3%BC%C3%9Fe/100%25/feed.xml" in page and "run club" not in page


@pytest.mark.parametrize(
    ("base_url", "words"),
    [
        ("https://example.org/club/?token=1", "no query"),
        ("https://example.org/club/#top", "no query (?…) or fragment"),
        ("https://coach:secret@example.org/club/", "user name or password"),
        ("https://exa mple.org/club/", "not a host name"),
        ("ftp://example.org/club/", "http:// or https://"),
        ("example.org/club/", "http:// or https://"),
        ("https://example.org:99999/", "port"),
        ("https://example.org/a\tb/", "control character"),
        ("", "empty"),
    ],
)
def test_a_bad_base_url_is_refused_before_anything_is_built(tmp_path, base_url, words):
    (tricky, _) = write_routines(tmp_path / "routines")
    out = tmp_path / "club"
    result = CliRunner().invoke(app, ["share", str(tricky), "--title", "Club", "--out", str(out),
                                      "--engine", "piper", "--base-url", base_url])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"error: --base-url {base_url!r} is not a web address: ")
    assert words in result.stderr
    assert not out.exists()
