"""`share`: the folder a coach hands to a group — podcast feed, chapters, zip, safe names, and
MP3s reused when nothing changed."""

from __future__ import annotations

import json
import os
import re
import zipfile
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from audioroutine.cli import app
from audiotools import sheet
from sharetools import PLAIN_SLUG, SAFE_NAME, TRICKY_SLUG, write_routines

BASE = "https://example.org/run-club/"
NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
SLUGS = (TRICKY_SLUG, PLAIN_SLUG)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, clip_cache):
    from audioroutine import BuildOptions
    from audioroutine.share import share

    folder = tmp_path_factory.mktemp("share")
    routines = [str(p) for p in write_routines(folder / "routines")]
    out = folder / "Tuesday Run Club"
    options = BuildOptions(engine="piper", cache_dir=clip_cache)
    first = share(routines, options, "Tuesday Run Club", BASE.rstrip("/"), out)
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp3")}
    second = share(routines, options, "Tuesday Run Club", BASE, out)
    return first, second, mtimes, out


@pytest.fixture(scope="module")
def feed(shared):
    return ElementTree.parse(shared[3] / "feed.xml").getroot()


def test_second_share_reuses_the_mp3s(shared):
    first, second, mtimes, out = shared
    assert [r.slug for r in first.routines] == list(SLUGS)
    assert not any(r.build.up_to_date for r in first.routines)
    assert all(r.build.up_to_date for r in second.routines)
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.mp3")} == mtimes


def test_feed_is_a_podcast(feed, shared):
    out = shared[3]
    assert feed.tag == "rss" and feed.get("version") == "2.0"
    channel = feed.find("channel")
    for tag in (
        "title",
        "link",
        "description",
        "language",
        "itunes:author",
        "itunes:explicit",
        "image/url",
    ):
        assert (channel.findtext(tag, namespaces=NS) or "").strip(), tag
    assert channel.findtext("title") == "Tuesday Run Club"
    assert channel.find("itunes:image", NS).get("href") == BASE + "cover.png"
    assert (out / "cover.png").is_file()
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "Health & Fitness"
    assert category.find("itunes:category", NS).get("text") == "Fitness"
    assert channel.find("atom:link", NS).get("href") == BASE + "feed.xml"
    assert channel.findtext("podcast:guid", namespaces=NS)

    items = channel.findall("item")
    assert len(items) == len(SLUGS)
    guids = set()
    for item, slug in zip(items, SLUGS, strict=True):
        cue_sheet = sheet(out / f"{slug}.json")
        assert item.findtext("title") == cue_sheet["title"]
        enclosure = item.find("enclosure")
        assert enclosure.get("url") == f"{BASE}{slug}.mp3"
        assert int(enclosure.get("length")) == os.path.getsize(out / f"{slug}.mp3")
        assert enclosure.get("type") == "audio/mpeg"
        assert int(item.findtext("itunes:duration", namespaces=NS)) == round(
            cue_sheet["duration_s"]
        )
        assert item.findtext("itunes:author", namespaces=NS)
        assert item.findtext("itunes:explicit", namespaces=NS) == "false"
        assert item.find("itunes:image", NS).get("href") == f"{BASE}{slug}.cover.png"
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        guids.add(item.findtext("guid"))
        chapters = item.find("podcast:chapters", NS)
        assert chapters.get("url") == f"{BASE}{slug}.chapters.json"
        assert chapters.get("type") == "application/json+chapters"
        transcript = item.find("podcast:transcript", NS)
        assert transcript.get("url") == f"{BASE}{slug}.vtt" and transcript.get("type") == "text/vtt"
    assert len(guids) == len(SLUGS)
    assert items[0].findtext("title") == "Ankles & hips <quick> — été"  # escaped in, unescaped out


def test_chapters_json(shared):
    out = shared[3]
    for slug in SLUGS:
        chapters = json.loads((out / f"{slug}.chapters.json").read_text(encoding="utf-8"))
        assert chapters["version"] == "1.2.0"
        expected = sheet(out / f"{slug}.json")["chapters"]
        assert [c["title"] for c in chapters["chapters"]] == [c["title"] for c in expected]
        for got, want in zip(chapters["chapters"], expected, strict=True):
            assert isinstance(got["startTime"], int | float)
            assert abs(got["startTime"] - want["start_s"]) <= 0.01


def test_zip_holds_every_mp3_and_its_sidecars(shared):
    out = shared[3]
    archive = out / "tuesday-run-club.zip"
    assert shared[1].zip == archive
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.testzip() is None
        names = set(zipped.namelist())
        for slug in SLUGS:
            for suffix in (".mp3", ".vtt", ".txt"):
                member = f"tuesday-run-club/{slug}{suffix}"
                assert member in names
                assert zipped.read(member) == (out / f"{slug}{suffix}").read_bytes()


def test_file_names_are_safe(shared):
    names = [p.name for p in shared[3].iterdir()]
    assert "index.html" in names and "feed.xml" in names
    unsafe = [name for name in names if not SAFE_NAME.match(name)]
    assert not unsafe, f"unsafe or temporary files left: {unsafe}"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loads, self.text = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("img", "audio", "track", "script", "source") and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("icon", "stylesheet", "preload"):
            self.loads.append(attrs["href"])

    def handle_data(self, data):
        self.text.append(data)


def test_page_loads_only_local_files_and_escapes_text(shared):
    html = (shared[3] / "index.html").read_text(encoding="utf-8")
    assert '<meta name="viewport"' in html
    page = _Page()
    page.feed(html)
    assert page.loads and all(re.fullmatch(r"[a-z0-9.-]+", src) for src in page.loads), page.loads
    assert "<quick>" not in html and "Ankles &amp; hips &lt;quick&gt;" in html
    assert "Ankles & hips <quick> — été" in "".join(page.text)
    for slug in SLUGS:
        assert f'src="{slug}.mp3"' in html and f'src="{slug}.vtt"' in html


def test_two_routines_with_one_name_are_refused(tmp_path, clip_cache):
    from audioroutine import BuildOptions, InputError
    from audioroutine.share import share

    a, b = tmp_path / "a" / "calf.yaml", tmp_path / "b" / "Calf.yaml"
    for path in (a, b):
        path.parent.mkdir()
        path.write_text("title: Calf\nexercises: [{name: Calf raise, reps: 2}]\n")
    with pytest.raises(InputError, match="calf.mp3"):
        share(
            [str(a), str(b)],
            BuildOptions(engine="piper", cache_dir=clip_cache),
            "Club",
            None,
            tmp_path / "out",
        )
    assert not (tmp_path / "out").exists()


def test_a_base_url_must_be_a_web_address(tmp_path):
    from audioroutine import BuildOptions, InputError
    from audioroutine.share import share

    with pytest.raises(InputError, match="not a web address"):
        share(["anything"], BuildOptions(), "Club", "ftp://example.org/", tmp_path)


def test_share_command_without_base_url(tmp_path, clip_cache):
    (tricky, _) = write_routines(tmp_path / "routines")
    out = tmp_path / "club"
    result = CliRunner().invoke(
        app,
        [
            "share",
            str(tricky),
            "--title",
            "Club & Co",
            "--out",
            str(out),
            "--engine",
            "piper",
            "--cache-dir",
            str(clip_cache),
            "--album",
            "Club",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"{TRICKY_SLUG}.mp3" in result.stdout and "club-co.zip" in result.stdout
    assert "--base-url" in result.stderr
    channel = ElementTree.parse(out / "feed.xml").getroot().find("channel")
    assert (
        channel.find("item/enclosure").get("url") == f"{TRICKY_SLUG}.mp3"
    )  # relative without a base
    assert channel.findtext("title") == "Club & Co"


def test_share_command_needs_routines_and_a_title(tmp_path):
    result = CliRunner().invoke(app, ["share", "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_share_remakes_missing_captions_and_script(tmp_path, clip_cache):
    """A routine whose captions or script went missing is rebuilt (from cached phrases)."""
    from audioroutine import BuildOptions
    from audioroutine.share import share

    (tricky, _) = write_routines(tmp_path / "routines")
    options = BuildOptions(engine="piper", cache_dir=clip_cache)
    out = tmp_path / "club"
    share([str(tricky)], options, "Club", None, out)
    captions = (out / f"{TRICKY_SLUG}.vtt").read_text(encoding="utf-8")
    (out / f"{TRICKY_SLUG}.vtt").unlink()
    (out / f"{TRICKY_SLUG}.txt").unlink()
    result = share([str(tricky)], options, "Club", None, out)
    assert not result.routines[0].build.up_to_date and result.routines[0].build.synthesized == 0
    assert (out / f"{TRICKY_SLUG}.vtt").read_text(encoding="utf-8") == captions
    with zipfile.ZipFile(result.zip) as zipped:
        assert f"club/{TRICKY_SLUG}.txt" in zipped.namelist()
