"""Google's voice through the real gTTS code and real HTTP, against a local fake of the service.

The fake (``fake_google.py``) answers every phrase with a tone of ``MS_PER_CHAR`` ms per
character, so every length here is known in advance.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from audioroutine import BuildOptions, build
from audioroutine.cli import app
from audioroutine.clips import LEAD_MARGIN_S, TAIL_MARGIN_S
from audioroutine.engines.gtts_engine import ENDPOINT_ENV, MAX_TRIES, GTTSEngine
from audioroutine.errors import EngineError
from audioroutine.planning import plan_routines
from audioroutine.templates import builtin_templates_dir
from audioroutine.timeline import SAMPLE_RATE
from audiotools import decode, rms_dbfs, sheet, span, tiny_routine
from fake_google import LEAD_S, RPC_PATH, FakeGoogle, running, tone_seconds, without_proxies

TINY = tiny_routine("Tiny gTTS check")

MARGINS_S = LEAD_MARGIN_S + TAIL_MARGIN_S
"""What the engine's trimming keeps of the silence around the words."""
TOLERANCE_S = 0.006
"""Trimming finds the edges of sound in 5 ms steps."""


@pytest.fixture
def fake_google(monkeypatch) -> Iterator[FakeGoogle]:
    """The fake service for one test; AUDIOROUTINE_GTTS_URL points at it."""
    yield from running(monkeypatch)


@pytest.fixture
def tiny(write_routine) -> Path:
    return write_routine(TINY, "tiny.yaml")


def phrases(routine: Path) -> set[str]:
    """Every phrase the routine speaks."""
    (plan,) = plan_routines([str(routine)], BuildOptions())
    return set(plan.script.phrases())


def words(text: str) -> str:
    """A phrase as sent, give or take spaces (gTTS puts one after "?" and "!")."""
    return " ".join(text.split())


def asked(fake: FakeGoogle) -> list[str]:
    """The words of every phrase the service spoke, in order."""
    return [words(text) for text in fake.spoken()]


def to_say(routine: Path) -> list[str]:
    """The words of every phrase of the routine, sorted."""
    return sorted(words(text) for text in phrases(routine))


def options(tmp_path: Path, engine: str = "gtts", out: str = "out", **more) -> BuildOptions:
    return BuildOptions(engine=engine, out=tmp_path / out, cache_dir=tmp_path / "cache", **more)


def cli(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ---------------------------------------------------------------------------- the engine


@pytest.mark.parametrize(
    ("text", "lang", "slow"),
    [
        ("Face the wall.", "en", False),
        ("Tenez la position.", "fr", True),
        ("Go.", "en", False),
        # Sentence ends kept, even after a word gTTS takes for an abbreviation ("St.").
        ("And rest. Next: the first one.", "en", False),
    ],
)
def test_engine_speaks_the_phrase_at_the_length_the_service_sends(fake_google, text, lang, slow):
    from audioroutine.clips import prepare_clip

    spoken = GTTSEngine(lang=lang, slow=slow).synthesize(text)
    clip, _ = prepare_clip(spoken.samples, spoken.rate)

    # Google's silence around the words is trimmed to the margin the engine keeps.
    expected = tone_seconds(text) + MARGINS_S
    assert spoken.rate == SAMPLE_RATE
    assert spoken.samples.size / spoken.rate > tone_seconds(text) + LEAD_S  # as sent, untrimmed
    assert clip.size / SAMPLE_RATE == pytest.approx(expected, abs=TOLERANCE_S)
    assert rms_dbfs(clip) > -20
    (request,) = fake_google.speech
    assert (request.text, request.lang, request.slow) == (text, lang, slow)


def test_a_long_phrase_goes_in_parts_and_comes_back_whole(fake_google):
    text = (
        "Stand with the balls of your feet on a stair and hold the rail, "
        "then rise up on your toes, and lower your heels slowly below the step."
    )
    assert len(text) > 100  # over what Google takes in one request

    spoken = GTTSEngine().synthesize(text)

    parts = [s.text for s in fake_google.speech]
    assert len(parts) > 1
    assert " ".join(parts).split() == text.replace(",", "").split()
    # Each part is heard in full: the clip sounds for as long as the parts' tones together.
    window = int(0.005 * spoken.rate)
    cells = spoken.samples[: spoken.samples.size // window * window].reshape(-1, window)
    sounding = sum(rms_dbfs(cell) > -30 for cell in cells) * window / spoken.rate
    assert sounding == pytest.approx(sum(tone_seconds(p) for p in parts), abs=len(parts) * 0.01)


def test_rate_limit_is_retried_with_growing_pauses(fake_google):
    fake_google.fail_next(2, status=429)

    spoken = GTTSEngine().synthesize("Hold.")

    assert spoken.samples.size > 0
    tries = fake_google.speech
    assert [s.status for s in tries] == [429, 429, 200]
    first_wait, second_wait = (b.at - a.at for a, b in zip(tries, tries[1:], strict=False))
    assert first_wait >= 0.01  # AUDIOROUTINE_GTTS_BACKOFF
    assert second_wait >= 0.02  # doubled


def test_engine_gives_up_after_its_tries(fake_google):
    fake_google.fail_next(MAX_TRIES, status=503)

    with pytest.raises(EngineError, match="503"):
        GTTSEngine().synthesize("Hold.")
    assert len(fake_google.speech) == MAX_TRIES


@pytest.mark.parametrize("status", [400, 403])
def test_an_error_that_retrying_cannot_fix_is_not_retried(fake_google, status):
    fake_google.fail_next(1, status=status)

    with pytest.raises(EngineError, match=str(status)):
        GTTSEngine().synthesize("Hold.")
    assert len(fake_google.speech) == 1


def test_an_answer_without_audio_is_a_clear_error(fake_google):
    fake_google.answer_without_audio()

    with pytest.raises(EngineError, match="sent no audio for 'Hold.'") as raised:
        GTTSEngine().synthesize("Hold.")
    assert "a language it does not speak ('en')" in str(raised.value)
    assert len(fake_google.speech) == 1


def test_punctuation_alone_is_a_clear_error_not_a_crash(fake_google):
    with pytest.raises(EngineError, match="nothing Google's voice can say"):
        GTTSEngine().synthesize("...")
    assert fake_google.speech == []


def test_no_more_requests_at_once_than_the_engine_allows(fake_google):
    fake_google.delay = 0.1
    engine = GTTSEngine()
    texts = [f"Phrase number {i}." for i in range(3 * engine.workers)]
    threads = [threading.Thread(target=engine.synthesize, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(fake_google.spoken()) == sorted(texts)
    assert fake_google.max_in_flight == engine.workers


# ---------------------------------------------------------------------------- builds


def test_build_with_google_voice(fake_google, tiny, tmp_path):
    (result,) = build([str(tiny)], options(tmp_path))

    cues = sheet(result.cue_sheet)
    assert cues["engine"] == "gtts"
    assert cues["voice"] == "google-en-com"
    pcm = decode(result.mp3)
    assert pcm.size == cues["samples"]
    # Every phrase asked for once, and every spoken cue is as long as its tone and sounds.
    assert sorted(asked(fake_google)) == to_say(tiny)
    spoken = [c for c in cues["cues"] if "text" in c]
    assert {c["text"] for c in spoken} == phrases(tiny)
    sent = {words(text): text for text in fake_google.spoken()}
    for cue in spoken:
        length = cue["end_s"] - cue["start_s"]
        tone = tone_seconds(sent[words(cue["text"])])
        assert length == pytest.approx(tone + MARGINS_S, abs=0.01), cue
        assert rms_dbfs(span(pcm, cue["start_s"], cue["end_s"], trim_s=TAIL_MARGIN_S)) > -30

    fake_google.forget()
    (again,) = build([str(tiny)], options(tmp_path))

    assert again.up_to_date
    assert fake_google.seen == []


def test_rate_limited_build_retries_and_succeeds(fake_google, tiny, tmp_path):
    fake_google.fail_next(2, status=429)

    (result,) = build([str(tiny)], options(tmp_path))

    assert result.mp3.is_file()
    assert len(fake_google.speech) == len(phrases(tiny)) + 2
    assert sorted(asked(fake_google)) == to_say(tiny)


def test_build_requests_at_most_workers_at_once(fake_google, tiny, tmp_path):
    fake_google.delay = 0.05

    build([str(tiny)], options(tmp_path))

    assert fake_google.max_in_flight == GTTSEngine().workers
    assert max(s.in_flight for s in fake_google.speech) == GTTSEngine().workers


def test_failing_service_fails_the_build_and_keeps_what_was_spoken(fake_google, tiny, tmp_path):
    fake_google.fail_after(3, status=500)
    out = tmp_path / "out"

    result = cli("build", tiny, "--engine", "gtts", "--out", out, "--cache-dir", tmp_path / "cache")

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "Google's speech service failed" in errors[0] and "500" in errors[0]
    assert "hint: try again later" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() or list(out.iterdir()) == []
    before = asked(fake_google)
    assert len(before) == 3

    fake_google.heal()
    fake_google.forget()
    (built,) = build([str(tiny)], options(tmp_path))

    assert built.mp3.is_file()
    after = asked(fake_google)
    assert sorted(after + before) == to_say(tiny)
    assert all(s.status == 200 for s in fake_google.speech)


def test_unsupported_language_is_an_input_error(fake_google, tiny, tmp_path):
    templates = builtin_templates_dir() / "en"

    result = cli(
        "build",
        tiny,
        "--engine",
        "gtts",
        "--lang",
        "xq",
        "--templates",
        templates,
        "--out",
        tmp_path / "out",
        "--cache-dir",
        tmp_path / "cache",
    )

    assert result.exit_code == 2
    assert "error: gTTS does not speak the language 'xq'" in result.stderr
    assert "gtts-cli --all" in result.stderr
    assert "Traceback" not in result.output
    assert fake_google.seen == []


# ---------------------------------------------------------------------------- auto


def test_auto_picks_google_when_it_answers(fake_google):
    result = cli("engines")

    assert result.exit_code == 0
    assert f"auto picks gtts: {fake_google.url} answered (HTTP 200)" in result.stdout
    assert [(s.method, s.path) for s in fake_google.seen] == [("HEAD", "/")]


def test_auto_picks_the_offline_voice_when_google_does_not_answer(monkeypatch):
    url = closed_port_url()
    monkeypatch.setenv(ENDPOINT_ENV, url)
    without_proxies(monkeypatch)

    result = cli("engines")

    assert result.exit_code == 0
    assert f"auto picks piper: {url} did not answer" in result.stdout
    assert "using the offline voice" in result.stdout


def test_auto_takes_google_from_the_cache_without_asking(fake_google, tiny, tmp_path):
    build([str(tiny)], options(tmp_path))
    fake_google.forget()
    said: list[str] = []

    (result,) = build(
        [str(tiny)], options(tmp_path, engine="auto", out="out-auto"), log=said.append
    )

    assert result.engine == "gtts"
    assert sheet(result.cue_sheet)["engine"] == "gtts"
    assert any("every phrase is already cached for Google's voice" in line for line in said)
    assert fake_google.seen == []


def test_auto_without_the_cache_asks_google_once_then_speaks(fake_google, tiny, tmp_path):
    said: list[str] = []

    (result,) = build([str(tiny)], options(tmp_path, engine="auto"), log=said.append)

    assert result.engine == "gtts"
    assert any(f"{fake_google.url} answered" in line for line in said)
    probes = [s for s in fake_google.seen if s.path != RPC_PATH]
    assert [(s.method, s.path) for s in probes] == [("HEAD", "/")]


# ---------------------------------------------------------------------------- the real service


@pytest.mark.net
def test_real_google_speaks_a_short_phrase(monkeypatch):
    monkeypatch.delenv(ENDPOINT_ENV, raising=False)

    spoken = GTTSEngine().synthesize("Hold for five seconds.")

    seconds = spoken.samples.size / spoken.rate
    assert 0.5 < seconds < 5
    assert rms_dbfs(spoken.samples) > -40
    assert np.abs(spoken.samples).max() > 1000
