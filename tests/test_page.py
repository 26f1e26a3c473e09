"""The share page in a real headless Chromium: opened from disk with nothing fetched from the
network, players that know their length, chapter buttons that seek, captions that show, and a
layout that fits a phone."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest

from audiotools import sheet
from browsertools import ARGS, CHROMIUM, NEEDS_CHROMIUM, PHONE
from sharetools import PLAIN_SLUG, TRICKY_SLUG, one_line, write_routines

SLUGS = (TRICKY_SLUG, PLAIN_SLUG)

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def folder(tmp_path_factory, clip_cache):
    from audioroutine import BuildOptions
    from audioroutine.share import share

    root = tmp_path_factory.mktemp("page")
    routines = [str(p) for p in write_routines(root / "routines")]
    result = share(
        routines,
        BuildOptions(engine="piper", cache_dir=clip_cache),
        "Tuesday Run Club & Friends",
        None,
        root / "share",
        description="Stretch after Tuesday intervals.",
    )
    return result.out


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A page opened in a fresh tab, with every request and console message it made recorded."""

    def __init__(self, browser, url: str, viewport=PHONE):
        self.page = browser.new_page(viewport=viewport, device_scale_factor=2)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(url)
        self.page.wait_for_function(
            "Array.from(document.querySelectorAll('audio')).every(a => a.readyState >= 1)",
            timeout=20_000,
        )


@pytest.fixture
def visit(browser, folder):
    opened = Visit(browser, (folder / "index.html").as_uri())
    yield opened
    opened.page.close()


def test_opens_from_disk_without_errors_or_network(visit, folder):
    visit.page.wait_for_load_state("load")
    assert visit.errors == []
    assert visit.requests and all(url.startswith("file://") for url in visit.requests), (
        visit.requests
    )
    assert folder.joinpath("index.html").as_uri() in visit.requests


def test_players_know_each_routine_length(visit, folder):
    durations = visit.page.evaluate("""Array.from(document.querySelectorAll('.routine audio'))
        .map(a => [a.closest('.routine').id, a.duration])""")
    assert [slug for slug, _ in durations] == list(SLUGS)
    for slug, duration in durations:
        assert abs(duration - sheet(folder / f"{slug}.json")["duration_s"]) <= 0.1


def test_chapter_buttons_move_the_player(visit, folder):
    page = visit.page
    for slug in SLUGS:
        chapters = sheet(folder / f"{slug}.json")["chapters"]
        buttons = page.locator(f"#{slug} .chapters button")
        assert buttons.count() == len(chapters)
        page.evaluate(
            """slug => {
            const audio = document.querySelector('#' + slug + ' audio');
            window.seeks = [];
            audio.addEventListener('seeking', () => window.seeks.push(audio.currentTime));
        }""",
            slug,
        )
        for i, chapter in enumerate(chapters):
            assert chapter["title"] in buttons.nth(i).inner_text()
            buttons.nth(i).click()
            page.wait_for_function("n => window.seeks.length >= n", arg=i + 1)
            landed = page.evaluate("window.seeks[window.seeks.length - 1]")
            assert abs(landed - chapter["start_s"]) <= 0.1, chapter["title"]
        page.evaluate("document.querySelectorAll('audio').forEach(a => a.pause())")
    assert visit.errors == []


def test_current_instruction_shows_under_the_player(visit, folder):
    page = visit.page
    cue = [c for c in sheet(folder / f"{TRICKY_SLUG}.json")["cues"] if "text" in c][3]
    page.evaluate(
        """([slug, t]) => new Promise(done => {
        const audio = document.querySelector('#' + slug + ' audio');
        audio.addEventListener('seeked', () => done(), {once: true});
        audio.currentTime = t;
    })""",
        [TRICKY_SLUG, cue["start_s"] + 0.05],
    )
    assert page.locator(f"#{TRICKY_SLUG} .now").inner_text() == one_line(cue["text"])


def test_fits_a_phone_screen(visit, tmp_path):
    page = visit.page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    smallest = page.evaluate("""Math.min(...Array.from(
        document.querySelectorAll('.chapters button, .button'),
        b => b.getBoundingClientRect().height))""")
    assert smallest >= 44  # comfortable to tap
    shot = tmp_path / "share-page-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_captions_track_loads_from_a_web_host(browser, folder, tmp_path):
    """Served over http (as from a web host), the <track> loads the .vtt and the browser parses
    every caption. (Opened from disk, browsers refuse <track> files; the page shows the words
    from the copy it carries instead.)"""
    served = tmp_path / "site"
    shutil.copytree(folder, served)
    handler = functools.partial(_Quiet, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        opened = Visit(browser, f"http://127.0.0.1:{server.server_address[1]}/index.html")
        page = opened.page
        page.wait_for_function(
            "Array.from(document.querySelectorAll('track')).every(t => t.readyState === 2)",
            timeout=20_000,
        )
        counts = page.evaluate(
            "Array.from(document.querySelectorAll('audio')).map(a => a.textTracks[0].cues.length)"
        )
        for slug, count in zip(SLUGS, counts, strict=True):
            assert count == len([c for c in sheet(folder / f"{slug}.json")["cues"] if "text" in c])
        assert opened.errors == []
        page.close()
    finally:
        server.shutdown()
        server.server_close()
