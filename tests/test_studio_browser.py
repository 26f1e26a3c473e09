"""The studio's page in a real headless Chromium against a real `audioroutine studio` server on a
free port: open a built-in routine, tune a hold and see the length change, build, play, seek by
chapter; save the tuning; write a new routine through the form; share and download the zip; a
foreign Host or Origin refused. Every page visit records its requests (none may leave the
studio) and console errors (none allowed); screenshots at phone and desktop width."""

from __future__ import annotations

import http.client
import itertools
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from audiotools import sheet
from browsertools import ARGS as BROWSER_ARGS
from browsertools import CHROMIUM, NEEDS_CHROMIUM, PHONE

ARGS = [*BROWSER_ARGS, "--autoplay-policy=no-user-gesture-required"]
DESKTOP = {"width": 1280, "height": 900}
FRAME_S = 1152 / 22050  # one MP3 frame at the studio's rate
ROUTINE = "example-calf-care"  # the tiny built-in routine
TITLE = "Calf care in five minutes"

pytestmark = NEEDS_CHROMIUM


class Studio:
    """A running `audioroutine studio` process: its address, folders and log."""

    def __init__(self, root: Path):
        self.folder = root / "routines"
        self.out = root / "output"
        self.folder.mkdir()
        self.log = root / "studio.log"
        command = [sys.executable, "-m", "audioroutine", "studio", "--no-browser", "--port", "0",
                   str(self.folder), "--out", str(self.out)]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=root)
        self.url = self._address()
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def _address(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(r"http://127\.0\.0\.1:\d+/", self.log.read_text())
            if found:
                return found.group(0)
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"the studio did not start: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def studio(tmp_path_factory, clip_cache):
    running = Studio(tmp_path_factory.mktemp("studio"))
    yield running
    running.stop()
    assert "Traceback" not in running.log.read_text()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("AUDIOROUTINE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Visit:
    """The studio opened in a fresh tab, every request and console error it made recorded."""

    def __init__(self, browser, studio: Studio, viewport=DESKTOP):
        self.studio = studio
        self.context = browser.new_context(viewport=viewport, accept_downloads=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.set_default_timeout(30_000)

    def _console(self, message) -> None:
        """Every console error (an invalid value is answered 200 with its errors: no failed request)."""
        if message.type == "error":
            self.errors.append(f"{message.text} ({(message.location or {}).get('url', '')})")

    def open(self, hash_: str = "#/") -> None:
        self.page.goto(self.studio.url + hash_)
        self.page.wait_for_function("document.querySelector('main').dataset.shown === (location.hash || '#/')")

    def close(self) -> None:
        self.context.close()
        assert self.errors == []
        own = self.studio.url.rstrip("/")
        assert self.requests and all(url == own or url.startswith(own + "/") for url in self.requests), (
            [url for url in self.requests if not url.startswith(own)])

    def length(self) -> float:
        return float(self.page.locator(".total .length").get_attribute("data-seconds"))


@pytest.fixture
def visit(browser, studio):
    opened = Visit(browser, studio)
    yield opened
    opened.close()


def field(page, key: str):
    return page.locator(f'[data-field="{key}"]')


def test_tune_a_hold_build_play_and_seek(visit, studio, shots):
    page = visit.page
    visit.open()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", level=2, name=TITLE).wait_for()
    before = visit.length()
    marks = page.locator(".timeline .tl-cue")  # each cue's words on focus (arrow keys) and hover
    marks.first.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == marks.nth(1).get_attribute(
        "aria-label")
    assert page.locator(".tl-readout").text_content() == marks.nth(1).get_attribute("aria-label")
    marks.first.hover()
    assert page.locator(".tl-readout").text_content().startswith(f"00:00 {TITLE}.")
    hold = field(page, "wall-calf-stretch.hold")
    assert hold.input_value() == "30s"

    hold.fill("45s")  # both sides: 30 s more of holding; the cues that say the hold and the intro that
    # says the length change their words too (estimated from their letters until they are spoken)
    page.wait_for_function(f"document.querySelector('.total .length').dataset.seconds > {before + 25}")
    tuned = visit.length()
    assert tuned == pytest.approx(before + 30, abs=2)

    hold.fill("forty")  # the file's own message beside the control; the last good time line stays
    page.wait_for_selector('[data-field="wall-calf-stretch.hold"][aria-invalid="true"]')
    message = page.locator("#" + hold.get_attribute("aria-describedby").split()[-1]).text_content()
    assert "'forty' is not a duration" in message
    assert visit.length() == tuned
    hold.fill("45s")
    page.wait_for_selector('[data-field="wall-calf-stretch.hold"]:not([aria-invalid])')

    page.get_by_role("button", name="Build", exact=True).focus()
    page.keyboard.press("Enter")  # the keyboard alone
    audio = page.locator(".heard audio")
    audio.wait_for()
    page.wait_for_function("document.querySelector('.heard audio').readyState >= 1")
    cue_sheet = sheet(studio.out / f"{ROUTINE}-studio.json")
    duration = page.evaluate("document.querySelector('.heard audio').duration")
    assert abs(duration - cue_sheet["duration_s"]) <= FRAME_S
    # Built, every phrase has its real length: the time line is laid out again and matches the MP3
    # (before, a phrase not yet spoken is estimated from its letters).
    page.wait_for_function(f"Math.abs(document.querySelector('.total .length').dataset.seconds"
                           f" - {cue_sheet['duration_s']}) < 0.01")

    audio.focus()
    page.keyboard.press("Space")  # the player's own control, by keyboard
    page.wait_for_function("document.querySelector('.heard audio').currentTime > 0.3")
    now = page.locator(".heard .now")
    assert now.text_content().startswith(TITLE)  # the intro, being spoken
    chapters = cue_sheet["chapters"]
    buttons = page.locator(".heard .chapters button")
    assert buttons.count() == len(chapters)
    buttons.nth(1).click()
    page.wait_for_function(
        f"Math.abs(document.querySelector('.heard audio').currentTime - {chapters[1]['start_s']}) < 0.5")
    page.evaluate("document.querySelector('.heard audio').pause()")
    at = page.evaluate("document.querySelector('.heard audio').currentTime")
    assert chapters[1]["start_s"] - 0.05 <= at <= chapters[1]["start_s"] + 0.5
    assert buttons.nth(1).get_attribute("aria-current") == "true"
    assert now.text_content()
    for viewport in (DESKTOP, PHONE):  # the player, once built
        page.set_viewport_size(viewport)
        page.locator(".build").scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(shots / f"studio-built-{viewport['width']}.png"))


def test_save_the_tuning_as_overrides(visit, studio):
    page = visit.page
    visit.open("#/routine/post-run-happy-feet")
    holds = page.locator(".tune [data-field$='.hold']")
    keys = [holds.nth(i).get_attribute("data-field") for i in range(holds.count())]
    assert len(keys) >= 2
    page.get_by_label("Every hold").fill("45s")  # every hold 45 s, then one of them a minute
    page.get_by_role("button", name="Apply to every hold").click()
    field(page, keys[0]).fill("1m")
    page.wait_for_function(f"document.querySelectorAll('.changes li').length === {len(keys)}")
    assert page.get_by_role("radio", name=re.compile("routine file itself")).is_disabled()  # built-in
    save = page.get_by_role("button", name="Save", exact=True)
    assert save.is_disabled()  # the diff comes first
    page.get_by_role("button", name="Show the changes").click()
    diff = page.locator("pre.diff")
    diff.wait_for()
    assert re.search(r"^\+ +hold: 1m$", diff.text_content(), re.M)
    assert len(re.findall(r"^\+ +hold: 45s$", diff.text_content(), re.M)) == len(keys) - 1
    assert diff.locator(".d-add").last.text_content().startswith("+")  # marked, not only by colour
    save.click()
    page.get_by_text(re.compile("^Saved: ")).wait_for()
    saved = studio.folder / "post-run-happy-feet.overrides.yaml"
    assert saved.exists()
    text = saved.read_text()
    assert text.count("hold: 45s") == len(keys) - 1 and text.count("hold: 1m") == 1
    visit.open("#/")
    visit.open("#/routine/post-run-happy-feet")  # opened again: the overrides file's values
    assert field(page, keys[0]).input_value() == "1m"


def test_save_as_then_into_the_routine_file(visit, studio):
    page = visit.page
    visit.open("#/routine/pre-run-foot-strength-warm-up")
    page.get_by_label("New title").fill("Our warm-up")
    page.get_by_role("button", name="Save as").click()
    page.get_by_role("heading", level=2, name="Our warm-up").wait_for()
    copy = studio.folder / "our-warm-up.yaml"
    assert copy.exists()
    original = copy.read_text()

    hold = page.locator(".tune [data-field$='.hold']").first
    key = hold.get_attribute("data-field")
    hold.fill("50s")
    page.wait_for_selector(".changes li")
    page.get_by_role("radio", name=re.compile("routine file itself")).check()
    page.get_by_role("button", name="Show the changes").click()
    diff = page.locator("pre.diff").text_content()
    assert re.search(r"^\+.*50s", diff, re.M) and re.search(r"^-", diff, re.M)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text(re.compile("^Saved: ")).wait_for()
    changed = copy.read_text()
    assert "50s" in changed and changed != original
    assert len(changed.splitlines()) == len(original.splitlines())  # one value changed, the layout kept
    assert not (studio.folder / "our-warm-up.overrides.yaml").exists()
    visit.open("#/")
    visit.open("#/routine/our-warm-up")
    assert field(page, key).input_value() == "50s"


def test_new_routine_through_the_form(visit, studio):
    page = visit.page
    visit.open("#/new")
    page.get_by_label("Title").fill("Three easy moves")
    page.get_by_label("Equipment (commas between)").fill("wall")
    page.get_by_label("Name").fill("Toe spreads")
    page.get_by_label("Instructions (one per line)").fill("Sit down.\nSpread your toes wide.")
    amount = page.get_by_label("Amount")
    amount.fill("ages")  # a validation error as you type, in validate's words
    page.wait_for_selector(".draft-exercises input[aria-invalid='true']")
    note = amount.get_attribute("aria-describedby").split()[-1]
    assert "'ages' is not a duration" in page.locator(f"#{note}").text_content()
    amount.fill("30s")
    page.wait_for_function("!document.querySelector('.draft [aria-invalid=\"true\"]')")

    page.get_by_role("button", name="Add an exercise").click()
    second = page.locator(".draft-exercises > li").nth(1)
    second.get_by_label("Name").fill("Calf raises")
    second.get_by_label("Dose").select_option("reps")
    second.get_by_label("Amount").fill("10")
    page.get_by_role("button", name="Add an exercise").click()
    third = page.locator(".draft-exercises > li").nth(2)
    third.get_by_label("Name").fill("Wall calf stretch")
    third.get_by_label("Instructions (one per line)").fill("Hands on the wall, one foot back.")
    third.get_by_label("Sides").select_option("both")
    page.get_by_role("button", name="Add an exercise").click()
    assert page.locator(".draft-exercises > li").count() == 4
    page.get_by_role("button", name="Remove exercise 4").click()  # added by mistake
    assert page.locator(".draft-exercises > li").count() == 3
    page.get_by_role("button", name="Move exercise 3 up").click()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Move exercise 2 up"
    page.wait_for_function(
        "document.querySelector('pre.yaml').textContent.indexOf('Wall calf stretch') > 0 && "
        "document.querySelector('pre.yaml').textContent.indexOf('Wall calf stretch') "
        "< document.querySelector('pre.yaml').textContent.indexOf('Calf raises')")
    page.wait_for_function("!document.querySelector('.draft .err')")

    page.get_by_role("button", name="Create").click()
    page.get_by_role("heading", level=2, name="Three easy moves").wait_for()
    files = [p for p in studio.folder.glob("*.yaml") if "Three easy moves" in p.read_text()]
    assert len(files) == 1
    text = files[0].read_text()
    assert text.index("Toe spreads") < text.index("Wall calf stretch") < text.index("Calf raises")
    assert "reps: 10" in text and "hold: 30s" in text


def test_share_and_download_the_zip(visit, studio, tmp_path):
    page = visit.page
    visit.open("#/share")
    page.get_by_role("checkbox", name=re.compile(TITLE)).check()
    page.get_by_label("Title").fill("Club stretches")
    page.get_by_role("button", name="Make the share folder").click()
    link = page.get_by_role("link", name="Download the zip")
    link.wait_for(timeout=120_000)
    with page.expect_download() as waiting:
        link.click()
    path = tmp_path / "share.zip"
    waiting.value.save_as(path)
    with zipfile.ZipFile(path) as archive:  # the share folder's own zip: every MP3, its captions and script
        assert archive.testzip() is None
        names = set(archive.namelist())
        mp3 = archive.read(f"club-stretches/{ROUTINE}.mp3")
    assert names == {f"club-stretches/{ROUTINE}.{ext}" for ext in ("mp3", "vtt", "txt")}
    assert mp3 == (studio.out / "share" / f"{ROUTINE}.mp3").read_bytes()
    page.goto(studio.url.rstrip("/") + page.get_by_role("link", name="Open the page").get_attribute("href"))
    page.get_by_role("heading", level=1, name="Club stretches").wait_for()
    page.wait_for_function("document.querySelector('audio').readyState >= 1")


def _status(studio: Studio, method: str, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=20)
    try:
        connection.request(method, path, body=b"{}" if method == "POST" else None, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_foreign_host_or_origin_is_refused(studio):
    own = f"127.0.0.1:{studio.port}"
    assert _status(studio, "GET", "/", {"Host": own}) == 200
    assert _status(studio, "GET", "/", {"Host": f"rebound.example:{studio.port}"}) == 403
    assert _status(studio, "GET", "/api/routines", {"Host": "evil.example"}) == 403
    post = {"Host": own, "Content-Type": "application/json"}
    assert _status(studio, "POST", "/api/draft", {**post, "Origin": "http://evil.example"}) == 403
    assert _status(studio, "POST", "/api/draft", post) == 403  # no Origin at all
    assert _status(studio, "POST", "/api/draft", {**post, "Origin": f"http://{own}"}) != 403


def test_every_control_labelled_and_keyboard_reaches_it(visit):
    page = visit.page
    visit.open()
    for _ in range(40):  # the routine's link, from the top of the page, by Tab alone
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == TITLE:
            break
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=2, name=TITLE).wait_for()
    assert page.evaluate("document.activeElement.tagName") == "H2"
    page.locator(".tune input").first.wait_for()
    for hash_ in ("#/routine/" + ROUTINE, "#/new", "#/share"):
        visit.open(hash_)
        unlabelled = page.evaluate("""Array.from(document.querySelectorAll('input, select, textarea, button'))
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.textContent.trim())
            .map(el => el.outerHTML)""")
        assert unlabelled == [], hash_
        assert page.locator("header").count() == 1 and page.locator("nav").count() == 1
        assert page.locator("main").count() == 1
        levels = page.evaluate("Array.from(document.querySelectorAll('h1,h2,h3,h4')).map(h => +h.tagName[1])")
        assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    visit.open("#/routine/de-wadenpflege")
    assert page.locator("section.routine-view").get_attribute("lang") == "de"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_screenshots_fit_the_width(browser, studio, shots, viewport):
    opened = Visit(browser, studio, viewport)
    width = viewport["width"]
    try:
        for what, hash_ in (("routines", "#/"), ("routine", f"#/routine/{ROUTINE}"), ("new", "#/new"),
                            ("share", "#/share")):
            opened.open(hash_)
            opened.page.wait_for_timeout(200)
            assert opened.page.evaluate("document.documentElement.scrollWidth") <= width, what
            opened.page.screenshot(path=str(shots / f"studio-{what}-{width}.png"), full_page=True)
    finally:
        opened.close()
    assert (shots / f"studio-routine-{width}.png").stat().st_size > 1000
