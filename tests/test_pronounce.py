"""Pronunciations (``pronounce:``): the voice says the word as written there, the cue text keeps
the written word, only phrases with such a word get new clips, and a bad entry is one message at
its file and line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from audioroutine import BuildOptions, Overrides
from audioroutine.cache import ClipCache
from audioroutine.cli import app
from audioroutine.engines.gtts_engine import GTTSEngine
from audioroutine.engines.piper_engine import PiperEngine
from audioroutine.errors import RoutineError
from audioroutine.loader import load_routine
from audioroutine.planning import plan_routines
from audioroutine.pronounce import USER_ENV, Lexicon, Pronunciation
from audioroutine.synthesis import missing_phrases
from audiotools import decode, sheet
from fake_google import FakeGoogle, running

runner = CliRunner()

ROUTINE = """\
title: Pronounced
description: A tiny routine with a name in it.
settings:
  countdown: 2
  rest: 2s
  callouts: false
exercises:
  - name: Wall stretch
    instructions:
      - Stand tall, like Erin at Oiselle.
    hold: 3s
"""
OISELLE = Pronunciation("Oiselle", "wah-ZELL", "wɑːzˈɛl")
LEXICON = Lexicon((OISELLE, Pronunciation("Helen Clare", "HEL-en CLAIR", None),
                   Pronunciation("Kawamoto", None, "kˌɑːwɑːmˈoʊɾoʊ")))


@pytest.fixture(autouse=True)
def no_user_file(tmp_path, monkeypatch) -> Path:
    """The user's file: none unless a test writes one (never the real user's)."""
    path = tmp_path / "user-pronounce.yaml"
    monkeypatch.setenv(USER_ENV, str(path))
    return path


def with_pronounce(text: str) -> str:
    return text + "pronounce:\n  Oiselle: {ipa: wɑːzˈɛl, say: wah-ZELL}\n"


# ---------------------------------------------------------------------------- finding the words


@pytest.mark.parametrize(("text", "found"), [
    ("At Oiselle.", ["Oiselle"]),
    ("at OISELLE, then oiselle's shop", ["OISELLE", "oiselle"]),  # any case; a possessive
    ("Helen   Clare's class", ["Helen   Clare"]),  # a phrase, any spaces
    ("Oisellez and NotOiselle", []),  # whole words only
    ("Kawamoto-style", ["Kawamoto"]),
])
def test_words_are_found_whole_in_any_case_with_possessives(text, found):
    assert [text[a:b] for a, b, _ in LEXICON.spans(text)] == found


def test_respellings_take_the_words_place_and_keep_the_rest():
    assert LEXICON.respell("Helen Clare's class, at Oiselle!") == "HEL-en CLAIR's class, at wah-ZELL!"
    assert LEXICON.respell("Hold for five seconds.") == "Hold for five seconds."


# ---------------------------------------------------------------------------- Piper: phonemes


def test_piper_is_given_the_ipa_in_the_whole_sentences_phonemes():
    engine = PiperEngine()

    (sentence,) = ["".join(s) for s in engine.phonemes("Erin Taylor of Jasyoga, in Oiselle.", LEXICON)]
    two = ["".join(s) for s in engine.phonemes("Oiselle's shop. Then Kawamoto!", LEXICON)]

    assert sentence.endswith(", ɪn wɑːzˈɛl.")  # the comma and the full stop survive
    assert sentence.startswith("ˈɛɹɪn tˈeɪlɚɹ ʌv ")  # the neighbours as piper says them
    assert two == ["wɑːzˈɛlz ʃˈɑːp.", "ðˈɛn kˌɑːwɑːmˈoʊɾoʊ!"]  # the possessive's z stays


def test_piper_says_a_phrase_without_mapped_words_exactly_as_before():
    """With the noise off (so a render is repeatable), the same samples as piper's own text path."""
    engine = PiperEngine(noise_scale=0, noise_w=0)
    text = "Hold for five seconds. Then rest."

    plain, mapped = engine.synthesize(text), engine.synthesize(text, LEXICON)
    pronounced = engine.synthesize("Stand tall, like Erin at Oiselle.", LEXICON)
    written = engine.synthesize("Stand tall, like Erin at Oiselle.")

    assert np.array_equal(plain.samples, mapped.samples)
    assert pronounced.samples.size > 0.5 * pronounced.rate
    assert not np.array_equal(pronounced.samples[:written.samples.size], written.samples[:pronounced.samples.size])


# ---------------------------------------------------------------------------- the clip cache


def test_only_phrases_with_a_mapped_word_get_new_clips(speak, private_cache, write_routine):
    plain = write_routine(ROUTINE, "plain.yaml")
    engine, phrases = speak(plain)
    cache = private_cache(plain)  # every phrase of the plain routine, and nothing else
    named = write_routine(with_pronounce(ROUTINE), "named.yaml")
    (plan,) = plan_routines([str(named)], BuildOptions(engine="piper", cache_dir=cache))

    missing = missing_phrases([plan], engine, ClipCache(cache))

    text = "First: Wall stretch. Stand tall, like Erin at Oiselle."
    assert [p.text for p in missing] == [text]
    assert missing[0].lexicon.entries[0].ipa == "wɑːzˈɛl"
    identities = {t: engine.phrase_identity(t, plan.loaded.lexicon) for t in phrases}
    assert [t for t, i in identities.items() if i != engine.identity()] == [text]
    changed = Lexicon((Pronunciation("Oiselle", "wah-ZELL", "wɑːzˈɛːl"),))
    assert engine.phrase_identity(text, changed) != engine.phrase_identity(text, plan.loaded.lexicon)
    # Google's voice keys the respelling only: a new IPA does not make it speak again.
    google = GTTSEngine()
    assert google.phrase_identity(text, changed) == google.phrase_identity(text, plan.loaded.lexicon)


def test_a_build_keeps_the_written_words_in_the_cue_sheet(build_piper, write_routine):
    routine = write_routine(with_pronounce(ROUTINE))

    (result,) = build_piper(routine)

    texts = [cue.get("text") for cue in sheet(result.cue_sheet)["cues"]]
    assert "First: Wall stretch. Stand tall, like Erin at Oiselle." in texts
    assert not any("wah" in (t or "") or "ɑ" in (t or "") for t in texts)
    assert decode(result.mp3).size == result.sheet.samples


# ---------------------------------------------------------------------------- where entries come from


def test_overrides_file_over_routine_over_user_file(write_routine, no_user_file, tmp_path):
    no_user_file.write_text("Oiselle: user-oiselle\nJasyoga: JAZZ-yoga\nScozzaro: user-scozzaro\n", encoding="utf-8")
    routine = write_routine(ROUTINE + "pronounce:\n  oiselle: routine-oiselle\n  Scozzaro: skoh-ZAR-oh\n")
    overrides = tmp_path / "mine.yaml"
    overrides.write_text("settings:\n  rest: 3s\npronounce:\n  OISELLE: {ipa: wɑːzˈɛl}\n", encoding="utf-8")

    alone = load_routine(routine).lexicon
    merged = load_routine(routine, Overrides(files=(overrides,))).lexicon

    said = {e.word.casefold(): (e.say, e.ipa, e.path.name, e.line) for e in merged.entries}
    assert said == {
        "jasyoga": ("JAZZ-yoga", None, no_user_file.name, 2),
        "scozzaro": ("skoh-ZAR-oh", None, routine.name, 14),
        "oiselle": (None, "wɑːzˈɛl", overrides.name, 4),
    }
    assert {e.word: e.say for e in alone.entries}["oiselle"] == "routine-oiselle"
    assert load_routine(routine).digest != load_routine(write_routine(ROUTINE, "other.yaml")).digest


def test_a_routine_without_pronunciations_keeps_its_digest(write_routine, no_user_file):
    routine = write_routine(ROUTINE)
    before = load_routine(routine).digest
    no_user_file.write_text("Oiselle: wah-ZELL\n", encoding="utf-8")

    assert load_routine(routine).digest != before  # the user's file changes what is heard
    no_user_file.unlink()
    assert load_routine(routine).digest == before


# ---------------------------------------------------------------------------- bad entries


def test_an_ipa_symbol_the_voice_lacks_is_one_message_at_its_line(write_routine, tmp_path):
    routine = write_routine(ROUTINE + "pronounce:\n  Jasyoga: {ipa: \"dʒæzˈjoʊga\"}\n")

    result = runner.invoke(app, ["show", str(routine), "--engine", "piper", "--cache-dir", str(tmp_path / "c")])

    assert result.exit_code == 2
    assert (f"error: {routine}:13: pronounce.Jasyoga: the IPA 'dʒæzˈjoʊga' has 'g' (U+0067), which the voice "
            "en_US-joe-medium has no phoneme for") in result.stderr
    assert "ɡ for g" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(("where", "line"), [("user", 2), ("overrides", 1)])
def test_a_bad_ipa_in_the_user_or_overrides_file_names_that_file(where, line, write_routine, no_user_file, tmp_path):
    routine = write_routine(ROUTINE)
    bad = no_user_file if where == "user" else tmp_path / "mine.yaml"
    text = "Oiselle: wah-ZELL\nScozzaro: {ipa: \"sko'tsaro\"}\n" if where == "user" else \
        "pronounce: {Scozzaro: {ipa: \"sko'tsaro\"}}\n"
    bad.write_text(text, encoding="utf-8")
    args = ["--overrides", str(bad)] if where == "overrides" else []

    result = runner.invoke(app, ["build", str(routine), "--engine", "piper", "--out", str(tmp_path / "out"), *args])

    assert result.exit_code == 2
    assert f"error: {bad}:{line}: pronounce.Scozzaro: the IPA \"sko'tsaro\" has \"'\" (U+0027)" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize(("entry", "says"), [
    ("Oiselle: {}", "give ipa, say or both"),
    ("Oiselle: {sai: wah-ZELL}", "unknown key 'sai'"),
    ("'Oiselle!': wah-ZELL", "name a word or a short phrase"),
])
def test_a_malformed_entry_is_one_message_at_its_line(entry, says, write_routine):
    routine = write_routine(ROUTINE + "pronounce:\n  " + entry + "\n")

    with pytest.raises(RoutineError, match=says) as caught:
        load_routine(routine)

    assert caught.value.line == 13


# ---------------------------------------------------------------------------- Google's voice


@pytest.fixture
def fake_google(monkeypatch) -> Iterator[FakeGoogle]:
    yield from running(monkeypatch)


def test_google_is_sent_the_respelling(fake_google):
    GTTSEngine().synthesize("Erin Taylor, in Oiselle's shop.", LEXICON)
    GTTSEngine(speed=0.8).synthesize("Hold.")

    (named, slow) = fake_google.speech
    assert named.text == "Erin Taylor, in wah-ZELL's shop."
    assert (named.slow, slow.slow) == (False, True)  # speed 0.8 is Google's slow speed
