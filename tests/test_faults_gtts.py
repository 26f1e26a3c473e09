"""Google's voice under faults (issue 10, items 8-12), each against the local fake service
misbehaving in that way: bad audio never reaches the clip cache, a trickle never hangs a build,
garbled answers are clear errors, ``auto`` falls back to the offline voice for the whole build,
and every message says what happened.

The fake speaks every phrase as a 440 Hz tone of ``MS_PER_CHAR`` ms per character, so a clip
from Google is told from the offline voice's by its length.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioroutine import BuildOptions, build
from audioroutine.cache import NOTE_FIELDS, ClipCache
from audioroutine.cli import app
from audioroutine.clips import LEAD_MARGIN_S, TAIL_MARGIN_S
from audioroutine.engines.gtts_answer import BadAnswer, audio_of, check_frames, check_sound
from audioroutine.engines.gtts_engine import (
    BACKOFF_ENV,
    BAD_AUDIO_TRIES,
    DEADLINE_ENV,
    ENDPOINT_ENV,
    MAX_TRIES,
    TIMEOUT_TRIES,
    GTTSEngine,
)
from audioroutine.engines.table import make_engine
from audioroutine.errors import EngineError
from audioroutine.planning import plan_routines
from audioroutine.timeline import SAMPLE_RATE
from audiotools import decode, rms_dbfs, span, tiny_routine
from fake_google import MISCHIEF, FakeGoogle, frame_ends, running, tone_mp3, tone_seconds, without_proxies

TINY = tiny_routine("Tiny gTTS faults")
BAD_AUDIO = ["silent", "short", "truncated", "cut", "garbled"]
"""Answers that are 200 and carry audio, of a kind that must never be cached."""
REASONS = {
    "silent": "its audio was silent",
    "short": "its audio was too short for the words",
    "truncated": "its audio was cut short",
    "cut": "its audio was cut short",
    "garbled": "its audio was garbled (not valid base64)",
}
HANG_S = 120
"""Only catches a hang: every build here ends in seconds."""


@pytest.fixture
def fake_google(monkeypatch) -> Iterator[FakeGoogle]:
    yield from running(monkeypatch)


@pytest.fixture
def tiny(write_routine) -> Path:
    return write_routine(TINY, "tiny.yaml")


def phrases(routine: Path) -> list[str]:
    (plan,) = plan_routines([str(routine)], BuildOptions())
    return list(dict.fromkeys(plan.script.phrases()))


def cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def gtts_clips(cache_dir: Path, routine: Path) -> dict[str, bool]:
    """For each phrase of the routine: whether the cache holds Google's voice's clip of it."""
    identity, cache = GTTSEngine().identity(), ClipCache(cache_dir)
    return {text: cache.has(identity, text) for text in phrases(routine)}


def assert_whole(mp3: Path) -> dict:
    """The MP3 decodes in full, exactly as long as its cue sheet says; returns the cue sheet."""
    sheet = json.loads(mp3.with_suffix(".json").read_text(encoding="utf-8"))
    assert decode(mp3).size == sheet["samples"]
    return sheet


def assert_spoken_by_google(mp3: Path, fake: FakeGoogle) -> None:
    """Every spoken cue is as long as the fake's tone for it, and sounds: no bad clip was used."""
    sheet, pcm = assert_whole(mp3), decode(mp3)
    assert sheet["engine"] == "gtts"
    for cue in (c for c in sheet["cues"] if "text" in c):
        tone = tone_seconds(" ".join(cue["text"].split()))
        assert cue["end_s"] - cue["start_s"] == pytest.approx(tone + LEAD_MARGIN_S + TAIL_MARGIN_S, abs=0.02), cue
        assert rms_dbfs(span(pcm, cue["start_s"], cue["end_s"], trim_s=TAIL_MARGIN_S)) > -30, cue


def run_build(routine: Path, out: Path, cache: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The real command line in a process of its own, with a generous limit that only catches a hang."""
    return subprocess.run(
        [sys.executable, "-m", "audioroutine", "build", str(routine), "--out", str(out), "--cache-dir", str(cache),
         *args],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=HANG_S, check=False,
    )


# ---------------------------------------------------------------------------- 8, 10: bad audio


@pytest.mark.parametrize("kind", BAD_AUDIO)
def test_bad_audio_is_tried_again_then_a_clear_error_naming_the_phrase(fake_google, kind):
    fake_google.misbehave(kind)

    with pytest.raises(EngineError) as raised:
        GTTSEngine().synthesize("Face the wall.")

    message = str(raised.value)
    assert message.startswith("Google's speech service sent unusable audio for 'Face the wall.'")
    assert f"({BAD_AUDIO_TRIES} tries): {REASONS[kind]}" in message
    assert "none of it was kept" in message
    assert [s.mischief for s in fake_google.speech] == [kind] * BAD_AUDIO_TRIES


@pytest.mark.parametrize("kind", BAD_AUDIO)
def test_a_retry_that_gets_good_audio_speaks_the_phrase_whole(fake_google, kind):
    fake_google.misbehave(kind, count=1)

    spoken = GTTSEngine().synthesize("Face the wall.")

    assert [s.mischief for s in fake_google.speech] == [kind, None]
    assert spoken.samples.size / spoken.rate > tone_seconds("Face the wall.")
    assert rms_dbfs(spoken.samples) > -20


@pytest.mark.parametrize("kind", ["silent", "cut", "garbled"])
def test_a_build_given_bad_audio_fails_clearly_and_caches_none_of_it(fake_google, tiny, tmp_path, kind):
    fake_google.fail_after(3, kind)  # three phrases spoken well, then only bad answers
    out, cache = tmp_path / "out", tmp_path / "cache"

    result = cli("build", tiny, "--engine", "gtts", "--out", out, "--cache-dir", cache)

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (error,) = errors(result.stderr)
    assert "Google's speech service sent unusable audio for '" in error and REASONS[kind] in error
    assert not out.exists() or list(out.iterdir()) == []
    good = {" ".join(s.text.split()) for s in fake_google.speech if s.status == 200 and s.mischief is None}
    bad = {" ".join(s.text.split()) for s in fake_google.speech if s.mischief == kind}
    assert len(good) == 3 and bad
    cached = gtts_clips(cache, tiny)
    assert {" ".join(t.split()) for t, has in cached.items() if has} == good  # the good ones kept, no bad one

    fake_google.heal()
    (built,) = build([str(tiny)], BuildOptions(engine="gtts", out=out, cache_dir=cache))

    assert_spoken_by_google(built.mp3, fake_google)
    assert all(gtts_clips(cache, tiny).values())


def test_a_build_whose_bad_answers_are_retried_succeeds_with_every_clip_whole(fake_google, tiny, tmp_path):
    fake_google.misbehave_on_first_try(*BAD_AUDIO)

    (built,) = build([str(tiny)], BuildOptions(engine="gtts", out=tmp_path / "out", cache_dir=tmp_path / "cache"))

    assert sorted(s.mischief for s in fake_google.speech if s.mischief) == sorted(BAD_AUDIO)
    assert_spoken_by_google(built.mp3, fake_google)


# ---------------------------------------------------------------------------- 9: a trickle


def test_a_trickling_answer_times_out_at_the_deadline(fake_google):
    fake_google.misbehave("trickle")

    with pytest.raises(EngineError) as raised:
        GTTSEngine(deadline=0.5).synthesize("Hold.")

    host = fake_google.url.removeprefix("http://")
    assert str(raised.value).startswith(
        f"Google's speech service timed out ({TIMEOUT_TRIES} tries) on 'Hold.': "
        f"{host} sent no complete answer within 0.5 s")
    assert f"allow more time with {DEADLINE_ENV}=60" in str(raised.value)
    assert len(fake_google.speech) == TIMEOUT_TRIES


def test_the_deadline_is_a_setting(monkeypatch):
    monkeypatch.setenv(DEADLINE_ENV, "7.5")
    assert GTTSEngine().deadline == 7.5
    monkeypatch.delenv(DEADLINE_ENV)
    assert GTTSEngine().deadline == 20
    monkeypatch.setenv(DEADLINE_ENV, "soon")
    with pytest.raises(Exception, match=f"{DEADLINE_ENV}='soon': give a number of seconds over 0"):
        make_engine("gtts")


@pytest.fixture
def trickle_env(fake_google) -> dict[str, str]:
    """The environment of a build in its own process: the fake trickling, a 1 s deadline."""
    fake_google.misbehave("trickle")
    return {ENDPOINT_ENV: fake_google.url, BACKOFF_ENV: "0.01", DEADLINE_ENV: "1"}


def test_a_trickle_ends_an_explicit_google_build_clearly(fake_google, trickle_env, tiny, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"

    done = run_build(tiny, out, cache, "--engine", "gtts", env=trickle_env)

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (error,) = errors(done.stderr)
    host = fake_google.url.removeprefix("http://")
    assert "Google's speech service timed out" in error and f"{host} sent no complete answer within 1 s" in error
    assert not out.exists() or list(out.iterdir()) == []
    assert not any(gtts_clips(cache, tiny).values())

    fake_google.heal()
    (built,) = build([str(tiny)], BuildOptions(engine="gtts", out=out, cache_dir=cache))
    assert_spoken_by_google(built.mp3, fake_google)


def test_a_trickle_under_auto_builds_with_the_offline_voice(fake_google, trickle_env, tiny, tmp_path, private_cache):
    out, cache = tmp_path / "out", private_cache(tiny)

    done = run_build(tiny, out, cache, env=trickle_env)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    (fell_back,) = [line for line in done.stderr.splitlines() if "offline voice" in line]
    assert fell_back.startswith("voice: piper (")
    assert "timed out" in fell_back and "the whole build uses the offline voice instead" in fell_back
    assert assert_whole(out / "tiny.mp3")["engine"] == "piper"
    assert len(fake_google.speech) <= GTTSEngine().workers  # one try each: the build does not wait it out


# ---------------------------------------------------------------------------- 11: refusal


@pytest.mark.parametrize(("failure", "words"), [(429, "HTTP 429 (too many requests"),
                                               (500, "HTTP 500 (an error on the service's side)"),
                                               ("silent", "unusable audio")])
def test_auto_falls_back_to_the_offline_voice_for_the_whole_build(fake_google, tiny, tmp_path, private_cache,
                                                                    failure, words):
    fake_google.fail_after(2, failure)  # the check answers, two phrases are spoken, then every request fails
    out, cache = tmp_path / "out", private_cache(tiny)

    result = cli("build", tiny, "--out", out, "--cache-dir", cache)

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    (fell_back,) = [line for line in result.stderr.splitlines() if "offline voice" in line]
    assert fell_back.startswith("voice: piper (")
    assert words in fell_back and "the whole build uses the offline voice instead" in fell_back
    # Google's part ended at once: a refusal is not tried again, bad audio once, nothing waited out.
    failed = [s for s in fake_google.speech if s.status != 200 or s.mischief]
    assert 1 <= len(failed) <= (1 if isinstance(failure, int) else 2) * GTTSEngine().workers
    # One voice in the MP3: every spoken cue is as long as the offline voice's clip of it.
    sheet = assert_whole(out / "tiny.mp3")
    assert sheet["engine"] == "piper"
    piper, clips = make_engine("piper").identity(), ClipCache(cache)
    for cue in (c for c in sheet["cues"] if "text" in c):
        assert cue["end_s"] - cue["start_s"] == pytest.approx(clips.length(piper, cue["text"]) / SAMPLE_RATE,
                                                              abs=0.0002), cue  # the cue sheet's 0.1 ms
    # What Google did speak stays in the cache for a later build.
    spoken = [text for text, has in gtts_clips(cache, tiny).items() if has]
    assert len(spoken) == 2

    fake_google.heal()
    (built,) = build([str(tiny)], BuildOptions(engine="gtts", out=tmp_path / "again", cache_dir=cache))
    assert_spoken_by_google(built.mp3, fake_google)


@pytest.mark.parametrize(
    ("status", "said", "hint"),
    [
        (429, "refused to speak", "hint: wait an hour or so before asking Google again, or build with the offline "
                                  "voice: --engine piper"),
        (500, "failed to speak", "hint: try again later, or build with the offline voice: --engine piper"),
        (503, "failed to speak", "hint: try again later"),
    ],
)
def test_a_refusal_with_an_explicit_google_voice_is_a_clear_error(fake_google, tiny, tmp_path, status, said, hint):
    fake_google.fail_always(status)
    out = tmp_path / "out"

    result = cli("build", tiny, "--engine", "gtts", "--out", out, "--cache-dir", tmp_path / "cache")

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (error,) = errors(result.stderr)
    host = fake_google.url.removeprefix("http://")
    meaning = "too many requests" if status == 429 else "an error on the service's side"
    assert f"Google's speech service {said} '" in error
    assert f"({MAX_TRIES} tries): {host} answered HTTP {status} ({meaning}" in error
    assert hint in result.stderr
    assert not out.exists() or list(out.iterdir()) == []
    # Once one phrase has used up its tries, the others stop: no phrase is tried more than MAX_TRIES.
    assert len(fake_google.speech) <= MAX_TRIES * GTTSEngine().workers


# ---------------------------------------------------------------------------- 12: messages


def test_no_connection_says_so_and_which_host(monkeypatch, tiny, tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv(ENDPOINT_ENV, f"http://127.0.0.1:{port}")
    monkeypatch.setenv(BACKOFF_ENV, "0.01")
    without_proxies(monkeypatch)

    result = cli("build", tiny, "--engine", "gtts", "--out", tmp_path / "out", "--cache-dir", tmp_path / "cache")

    assert result.exit_code == 1
    (error,) = errors(result.stderr)
    assert "Google's speech service could not be reached" in error
    assert f"no connection to 127.0.0.1:{port} (Connection refused)" in error
    assert "hint: check the network connection" in result.stderr


@pytest.mark.parametrize("kind", [*MISCHIEF])
def test_no_message_is_gttss_own(fake_google, kind):
    """gTTS's "Failed to connect" and "Probable cause: Unknown" are never shown."""
    fake_google.misbehave(kind)

    with pytest.raises(EngineError) as raised:
        GTTSEngine(deadline=0.5).synthesize("Hold.")

    message = str(raised.value)
    assert "Probable cause" not in message and "Failed to connect" not in message
    assert message.startswith("Google's speech service ") and "'Hold.'" in message


# ---------------------------------------------------------------------------- the checks themselves


def test_real_speech_never_trips_the_checks(speak, tiny, clip_cache):
    """Every offline voice's clip in the run's cache (trimmed: stricter than Google's answers,
    which keep their silence) passes the level and length checks an answer from Google must."""
    speak(tiny)
    notes = [json.loads(p.read_text(encoding="utf-8")) for p in (clip_cache / "clips").glob("*/*.json")]
    cache, checked = ClipCache(clip_cache), 0
    for note in (n for n in notes if n.get("engine") == "piper"):
        identity = {k: v for k, v in note.items() if k not in NOTE_FIELDS}
        samples = cache.get(identity, note["text"])
        if samples is not None:
            check_sound(samples, SAMPLE_RATE, note["text"])
            checked += 1
    assert checked >= len(phrases(tiny))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "held no audio"),
        (b")]}'\n\n12\n[[\"wrb.fr\",\"jQ1olc\",null]]\n", "held no audio"),
        (b")]}'\n[[\"wrb.fr\",\"jQ1olc\",\"[\\\"SUQz*%!\\\"]\"]]\n", "garbled (not valid base64)"),
        (b")]}'\n[[\"wrb.fr\",\"jQ1olc\",\"[\\\"SUQ\\\"]\"]]\n", "garbled (not valid base64)"),
        (b"\xff\xfe jQ1olc \x80", "held no audio"),
    ],
)
def test_answers_without_usable_base64_are_told_apart(body, reason):
    with pytest.raises(BadAnswer, match=re.escape(reason)):
        audio_of(body)


def test_frames_are_counted_against_the_header():
    mp3 = tone_mp3("Face the wall.")
    check_frames(mp3)  # whole: passes
    ends = frame_ends(mp3)
    with pytest.raises(BadAnswer, match=r"cut short \(\d+ frames of the \d+ its header counts\)"):
        check_frames(mp3[: ends[-3]])
    with pytest.raises(BadAnswer, match=r"cut short \(\d+ bytes of the last frame missing\)"):
        check_frames(mp3[:-7])
    with pytest.raises(BadAnswer, match="not whole MP3 frames"):
        check_frames(mp3 + b"<html>")
    with pytest.raises(BadAnswer, match="no frames"):
        check_frames(b"")
