"""Issue 12 (item 3): offline voices for es, de and fr from PyPI, and a voice never used for a
language it does not speak. Real audio from the real engines; the CLI run in a real process."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from audioroutine.engines import make_engine, resolve_engine
from audioroutine.engines.espeak_engine import EspeakEngine
from audioroutine.engines.nanotts_engine import RATE, VOICES, NanoTTSEngine
from audioroutine.errors import EngineUnavailable
from audioroutine.templates import builtin_templates_dir
from audiotools import decode, rms_dbfs, sheet

SAID = {
    "en-US": "Hold for thirty seconds.", "en-GB": "Switch sides and breathe.",
    "de-DE": "Halte die Position dreißig Sekunden.", "es-ES": "Mantén la postura treinta segundos.",
    "fr-FR": "Tiens la position trente secondes.", "it-IT": "Tieni la posizione trenta secondi.",
}
TINY_ES = """\
title: Estiramiento corto
settings:
  lang: es
  countdown: 2
  rest: 2s
exercises:
  - name: Gemelos en la pared
    instructions:
      - Apoya las manos en la pared.
    hold: 3s
"""
OFFLINE = {"AUDIOROUTINE_GTTS_URL": "http://127.0.0.1:9"}
"""Nothing listens there: ``auto`` finds Google's voice unreachable at once and builds offline."""


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioroutine", *args], capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, **OFFLINE, **(env or {})})


@pytest.mark.parametrize("voice", VOICES)
def test_nanotts_speaks_each_of_its_voices(voice):
    engine = make_engine("nanotts", lang=voice)
    spoken = engine.synthesize(SAID[voice])

    assert engine.voice == voice
    assert spoken.rate == RATE == 16000
    assert 1.0 < spoken.samples.size / spoken.rate < 6.0
    assert rms_dbfs(spoken.samples) > -35
    assert np.abs(spoken.samples.astype(np.int32)).max() < 32767  # Pico at its own volume clips; at half, never


def test_nanotts_speed_and_slow_change_the_length():
    def seconds(**options) -> float:
        """From the first sound to the last (Pico's markup for a speed adds quiet at the end, trimmed in a clip)."""
        spoken = NanoTTSEngine(lang="es", **options).synthesize(SAID["es-ES"])
        sounding = np.flatnonzero(np.abs(spoken.samples) > 300)
        return (sounding[-1] - sounding[0]) / spoken.rate

    normal, slow, fast = seconds(), seconds(slow=True), seconds(speed=1.25)
    assert slow > normal * 1.1
    assert fast < normal * 0.9


def test_a_phrase_with_markup_is_said_not_obeyed():
    engine = NanoTTSEngine(lang="en")
    plain = engine.synthesize('Then <speed level="400">rest</speed> now.').samples.size

    assert plain > engine.synthesize("Then rest now.").samples.size * 1.3  # the tag's words are said


@pytest.mark.parametrize(("name", "other"), [("nanotts", "de"), ("espeak", "fr"), ("gtts", "de")])
def test_the_clip_cache_keys_differ_per_language_and_voice(name, other):
    spanish = make_engine(name, lang="es").phrase_identity("Diez.")
    assert spanish != make_engine(name, lang=other).phrase_identity("Diez.")
    assert spanish != make_engine(name, lang="es", slow=True).phrase_identity("Diez.")
    assert spanish["lang"] == "es"


@pytest.mark.parametrize(("lang", "engine", "voice"), [
    ("es", "nanotts", "es-ES"), ("de", "nanotts", "de-DE"), ("fr", "nanotts", "fr-FR"),
    ("en", "piper", "en_US-joe-medium"), ("es-MX", "nanotts", "es-ES"), ("en-GB", "piper", "en_US-joe-medium"),
])
def test_auto_offline_picks_the_best_voice_for_the_language(lang, engine, voice):
    choice = resolve_engine("auto", lang=lang, all_cached=lambda engine: False, probe=False)

    assert (choice.engine.name, choice.engine.voice) == (engine, voice)
    assert f"using the offline voice for {lang}: {engine} {voice}" in choice.reason


def test_auto_says_a_regional_language_is_spoken_by_its_base_voice():
    choice = resolve_engine("auto", lang="es-MX", all_cached=lambda engine: False, probe=False)
    assert choice.reason.endswith("(Pico has no voice for es-MX: its es-ES voice speaks it)")
    assert NanoTTSEngine(lang="en-GB").voice == "en-GB"
    assert EspeakEngine(lang="es-MX").languages()  # espeak-ng's own list, from its library


def test_piper_refuses_spanish_with_a_clear_message(write_routine, tmp_path):
    routine = write_routine(TINY_ES)

    done = cli("build", str(routine), "--engine", "piper", "--templates", str(builtin_templates_dir() / "en"),
               "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"))

    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: the Piper voice en_US-joe-medium speaks en-US, not es"]
    assert "hint: voices for es: " in done.stderr and "--engine nanotts (es-ES)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("voice", "message"), [
    ("es-ES", "error: the Pico voice es-ES speaks es-ES, not en"),
    ("de", "error: the espeak-ng voice de speaks de, not en"),
])
def test_a_voice_for_another_language_is_an_error_never_its_phonemes(write_routine, tmp_path, voice, message):
    routine = write_routine(TINY_ES.replace("lang: es", "lang: en"))

    done = cli("build", str(routine), "--voice", voice, "--out", str(tmp_path / "out"),
               "--cache-dir", str(tmp_path / "cache"))

    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_engines_lists_which_engines_speak_a_language():
    done = cli("engines", "--lang", "es")

    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line and not line.startswith("auto")}
    assert rows["piper"].split()[1] == "no" and "speaks en-US, not es" in rows["piper"]
    assert rows["nanotts"].split()[:3] == ["nanotts", "yes", "es-ES"]
    assert rows["espeak"].split()[:3] == ["espeak", "yes", "es"]
    assert "auto picks nanotts:" in done.stdout and "offline voice for es: nanotts es-ES" in done.stdout


def test_an_offline_spanish_build_uses_the_spanish_voice(write_routine, tmp_path):
    routine = write_routine(TINY_ES)

    done = cli("build", str(routine), "--templates", str(builtin_templates_dir() / "en"),
               "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"))

    assert done.returncode == 0, done.stderr
    (mp3,) = (tmp_path / "out").glob("*.mp3")
    cues = sheet(mp3.with_suffix(".json"))
    assert (cues["engine"], cues["voice"]) == ("nanotts", "es-ES")
    pcm = decode(mp3)
    assert pcm.size == cues["samples"]
    assert rms_dbfs(pcm) > -40
    spoken = [cue for cue in cues["cues"] if "Apoya las manos en la pared." in cue.get("text", "")]
    assert spoken


def test_an_unknown_voice_of_pico_is_refused():
    with pytest.raises(EngineUnavailable, match="Pico has no voice for the language 'pt'"):
        make_engine("nanotts", lang="pt")


def test_nanotts_says_a_respelling_and_keys_its_clip_by_it():
    from audioroutine.pronounce import Lexicon, Pronunciation

    lexicon = Lexicon((Pronunciation("Oiselle", "wah-ZELL", None),))
    engine = NanoTTSEngine(lang="fr")
    plain, respelled = engine.synthesize("Oiselle."), engine.synthesize("Oiselle.", lexicon)

    said = engine.synthesize("wah-ZELL.").samples
    # The same words: Pico's noise varies a little from one call to another (a few steps in 16 bits).
    assert said.size == respelled.samples.size != plain.samples.size
    assert np.abs(said.astype(np.int32) - respelled.samples).max() < 200
    assert engine.phrase_identity("Oiselle.", lexicon) != engine.phrase_identity("Oiselle.")
