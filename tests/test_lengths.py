"""One length, the real one: said by the intro, shown by the console, cue sheet, tags, sidecars,
cover and page alike, rounded by one function (issue 11, item 5); lengths said as a runner says
them (item 9)."""

from __future__ import annotations

import json
import re

import pytest
from mutagen.id3 import ID3
from typer.testing import CliRunner

from audioroutine import BuildOptions
from audioroutine.announce import minute_start, settle
from audioroutine.cache import ClipCache
from audioroutine.cli import app
from audioroutine.cuesheet import CueSheet
from audioroutine.durations import mmss, spoken_minutes, whole_seconds
from audioroutine.model import Routine
from audioroutine.planning import estimate_samples, plan_routines
from audioroutine.script import Speech, render_script
from audioroutine.tags import cover_caption
from audioroutine.templates import CueTemplates
from audioroutine.timeline import SAMPLE_RATE, build_timeline
from audiotools import decode

SR = SAMPLE_RATE
MINUTES = {"under a minute": 0, "about one minute": 1, "about two minutes": 2, "about three minutes": 3,
           "about four minutes": 4, "about nineteen minutes": 19, "about twenty minutes": 20}


@pytest.fixture(scope="module")
def en():
    return CueTemplates("en")


@pytest.mark.parametrize(("seconds", "said"), [
    (1, "one second"), (2.5, "two point five seconds"), (45, "forty-five seconds"), (59, "fifty-nine seconds"),
    (60, "one minute"), (61, "sixty-one seconds"), (75, "seventy-five seconds"), (90, "ninety seconds"),
    (105, "one hundred and five seconds"), (120, "two minutes"), (150, "two and a half minutes"),
    (200, "three minutes and twenty seconds"), (181, "three minutes and one second"),
    (600, "ten minutes"), (3600, "one hour"), (3630, "one hour and thirty seconds"),
    (3690, "one hour, one minute and thirty seconds"), (5400, "one hour and thirty minutes"),
])
def test_lengths_are_said_as_a_runner_says_them(en, seconds, said):
    assert en.render("set_rest", seconds=seconds) == f"Rest for {said}."
    assert en.render("time_left", seconds=seconds) == f"{said[0].upper()}{said[1:]} left."


@pytest.mark.parametrize(("seconds", "shown", "minutes"), [
    (0, "00:00", 0), (29.49, "00:29", 0), (29.5, "00:30", 1), (89.4, "01:29", 1), (89.5, "01:30", 2),
    (626.4, "10:26", 10), (626.5, "10:27", 10), (1169.49, "19:29", 19), (1169.5, "19:30", 20),
    (1192, "19:52", 20), (3725, "1:02:05", 62),
])
def test_one_rounding_for_what_is_shown_and_what_is_said(en, seconds, shown, minutes):
    assert mmss(seconds) == shown
    assert spoken_minutes(seconds) == minutes
    assert whole_seconds(seconds) == sum(int(part) * 60**i for i, part in enumerate(reversed(shown.split(":"))))
    assert spoken_minutes(minute_start(minutes) / SR) == minutes
    assert minutes == 0 or spoken_minutes((minute_start(minutes) - 1) / SR) == minutes - 1


def intro_minutes(text: str) -> int:
    return next(n for words, n in MINUTES.items() if words in text)


def routine(hold_s: float) -> Routine:
    return Routine.model_validate({"title": "T", "settings": {"chimes": False, "settle": "0s"},
                                   "exercises": [{"name": "Calf stretch", "hold": f"{hold_s}s"}]})


def test_the_intro_says_the_length_laid_out_with_the_real_clips(en):
    # the real clips are six times as long as the estimate: the estimate's minutes are wrong
    r = routine(50)
    planned = plan_routines_for(r, en)
    slow = lambda text: 6 * estimate_samples(text)  # noqa: E731
    settled = settle(r, en, planned, slow, lambda which: SR // 4, check=False)
    assert intro_minutes(planned.segments[0].text) != spoken_minutes(settled.timeline.seconds)
    assert intro_minutes(settled.script.segments[0].text) == spoken_minutes(settled.timeline.seconds)


def plan_routines_for(r: Routine, en: CueTemplates):
    """The script as planning writes it: the intro saying the estimated length."""
    draft = render_script(r, en)
    return settle(r, en, draft, estimate_samples, lambda which: SR // 4).script


def test_when_each_intro_makes_the_other_true_the_longer_is_said_and_made_true(en):
    """Saying "nineteen" takes 3 s, "twenty" 1 s: at this hold, saying either makes the total
    round to the other. The intro says twenty and the routine ends with the silence that makes it so."""
    def length(text: str) -> int:
        return 3 * SR if "nineteen minutes" in text else SR

    base = build_timeline(render_script(routine(1000), en, total_seconds=1140), length, lambda w: 0)
    hold = 1000 + (1169.4 - 1 - base.seconds)  # with a one-second intro: 19:29.4, nineteen
    r = routine(round(hold, 3))
    settled = settle(r, en, render_script(r, en, total_seconds=1140), length, lambda w: 0)
    intro = settled.script.segments[0]
    assert isinstance(intro, Speech) and "about twenty minutes" in intro.text
    assert spoken_minutes(settled.timeline.seconds) == 20 and mmss(settled.timeline.seconds) == "19:30"
    last = max(e.end for e in settled.timeline.events)
    assert settled.timeline.total >= minute_start(20) > last  # a little silence after the last words


def test_show_says_the_length_it_shows(write_routine, clip_cache):
    path = write_routine(LONG.format(breath="6s"))
    result = CliRunner().invoke(app, ["show", str(path), "--engine", "piper"])
    assert result.exit_code == 0, result.output
    total = re.search(r"^total ~?(\d+):(\d\d)$", result.stdout, re.M)
    seconds = int(total.group(1)) * 60 + int(total.group(2))
    assert intro_minutes(result.stdout) == spoken_minutes(seconds)


LONG = """\
title: Long calf care
settings: {{breath: {breath}, chimes: false, pause: 0.5s}}
exercises:
  - name: Wall calf stretch
    instructions:
      - Face a wall with your hands on it at shoulder height, and step one foot back.
      - Press that heel into the floor, keep the back knee straight, and lean in slowly until you feel the calf.
      - Breathe out as you lean, and in as you ease off, twice more, then stay.
    hold: 10 breaths
"""


def test_a_build_says_and_shows_its_real_length(write_routine, speak, build_piper, clip_cache, tmp_path):
    """A routine whose estimate and real length round to different minutes: the spoken intro says
    the real minutes, and console, cue sheet, tags, sidecar, cover and page show one m:ss."""
    # Ten breaths move the total by ten times a breath's change, which changes no words: put the
    # minutes' boundary (1:30) between the estimate and the real length.
    path = write_routine(LONG.format(breath="6s"))
    engine, _ = speak(path)
    cache, identity = ClipCache(clip_cache), engine.identity()
    plan = plan_routines([str(path)], BuildOptions(engine="piper", cache_dir=clip_cache))[0]
    estimate = plan.settle(estimate_samples).timeline.seconds
    real = plan.settle(lambda text: cache.length(identity, text) or estimate_samples(text)).timeline.seconds
    assert abs(estimate - real) > 2, (estimate, real)  # else the test cannot tell them apart
    breath = 6 + (89.5 - (estimate + real) / 2) / 10
    path = write_routine(LONG.format(breath=f"{breath:.3f}s"))
    plan = plan_routines([str(path)], BuildOptions(engine="piper", cache_dir=clip_cache))[0]
    estimated = intro_minutes(plan.script.segments[0].text)

    result = CliRunner().invoke(app, ["build", str(path), "--engine", "piper", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    sheet = json.loads((out / "routine.json").read_text())
    shown = mmss(sheet["duration_s"])
    intro = sheet["cues"][0]["text"]
    assert intro_minutes(intro) == spoken_minutes(sheet["duration_s"]) != estimated
    assert decode(out / "routine.mp3").size == sheet["samples"]
    assert f"  {shown}  " in result.stdout  # the console
    assert f"Total length: {shown}" in (out / "routine.txt").read_text()
    assert f"Length: {shown}" in str(ID3(out / "routine.mp3").getall("COMM"))

    assert cover_caption(CueSheet.from_json((out / "routine.json").read_text())).startswith(shown)
    shared = CliRunner().invoke(app, ["share", str(path), "--title", "Runs", "--engine", "piper",
                                      "--out", str(tmp_path / "share")])
    assert shared.exit_code == 0, shared.output
    page = next((tmp_path / "share").rglob("index.html")).read_text()
    assert f"{shown} · 1 exercise" in page


def test_a_cold_build_says_how_many_phrases_it_speaks_the_intro_included(tmp_path):
    """The intro that says the real length is spoken after the others: the console counts it too
    ("Speaking N phrases", then "Speaking 1 more phrase"), so what it says is what the cache gained;
    and only the intro that is said is spoken (not the estimate's, then the real one's)."""
    cache = tmp_path / "cache"  # the example's estimate says "about four minutes"; it lasts 3:28
    result = CliRunner().invoke(app, ["build", "example-calf-care", "--engine", "piper", "--out", str(tmp_path / "out"),
                                      "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    said = [int(n) for n in re.findall(r"Speaking (\d+) (?:more )?phrases?", result.stderr)]
    assert len(said) >= 2 and "more phrase" in result.stderr  # the others, then the intro
    assert sum(said) == sum(1 for _ in (cache / "clips").rglob("*.wav")) - 2  # and the two chimes
    sheet = json.loads((tmp_path / "out" / "example-calf-care.json").read_text(encoding="utf-8"))
    assert sum(said) == len({cue["text"] for cue in sheet["cues"] if "text" in cue})
