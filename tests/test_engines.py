"""The engines' table and the one ``auto`` policy, shared by build (may ask the network) and show
(may not)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from audioroutine.cli import app
from audioroutine.engines import (
    ENGINE_NAMES,
    ENGINES,
    Engine,
    describe_engines,
    gtts_engine,
    make_engine,
    resolve_engine,
)
from audioroutine.engines.table import owner_of
from audioroutine.errors import EngineUnavailable, InputError, OptionError

runner = CliRunner()


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything asks Google's service whether it answers."""

    def ask(*args, **kwargs):
        raise AssertionError("the network was asked")

    monkeypatch.setattr(gtts_engine, "service_answers", ask)


def test_every_row_says_its_name_voice_and_whether_it_is_offline():
    assert ENGINE_NAMES == ("auto", "offline", "piper", "gtts", "espeak", "nanotts")
    for name, cls in ENGINES.items():
        assert issubclass(cls, Engine) and name == cls.NAME
        assert isinstance(cls.OFFLINE, bool) and cls.TITLE
        assert cls.VOICE is None or isinstance(cls.VOICE, str)
    assert [name for name, cls in ENGINES.items() if not cls.OFFLINE] == ["gtts"]


@pytest.mark.parametrize(
    ("voice", "owner"),
    [("voices/en_GB-alan.onnx", "piper"), ("joe.onnx", "piper"), ("/opt/voices/joe", "piper"),
     ("en-us", "espeak"), ("en-gb-x-rp", "espeak"), ("joe.txt", "piper"), ("es-ES", "nanotts"),
     ("en-GB", "nanotts"), ("es-es", "espeak")],
)
def test_a_voice_belongs_to_one_engine(voice, owner):
    assert owner == owner_of(voice).NAME


def test_an_unknown_engine_lists_the_table():
    names = "auto, offline, piper, gtts, espeak, nanotts"
    with pytest.raises(InputError, match=f"unknown engine 'festival'; choose one of {names}"):
        make_engine("festival")


def test_google_has_no_voices_to_choose():
    with pytest.raises(OptionError) as error:
        make_engine("gtts", voice="en-us")
    assert error.value.option == "voice"
    assert error.value.format_message(lambda name: f"--{name}").startswith(
        "--voice en-us: the gtts engine has no voices to choose\n  hint: Google's accent is chosen with --tld")


def test_auto_without_the_network_takes_google_only_from_the_cache(no_network):
    offline = resolve_engine("auto", all_cached=lambda engine: False, probe=False)
    cached = resolve_engine("auto", tld="co.uk", all_cached=lambda engine: engine.name == "gtts", probe=False)

    assert offline.engine.name == "piper" and "using the offline voice" in offline.reason
    assert cached.engine.name == "gtts" and cached.engine.voice == "google-en-co.uk"
    assert cached.reason == "every phrase is already cached for Google's voice"


def test_auto_with_a_voice_takes_its_engine(no_network):
    choice = resolve_engine("auto", voice=str(make_engine("piper").path))
    assert (choice.engine.name, choice.reason) == ("piper", "a Piper voice was given")


def test_auto_without_a_language_google_speaks_does_not_ask(no_network):
    choice = resolve_engine("auto", lang="ka", all_cached=lambda engine: False)  # Georgian: espeak-ng only
    assert choice.engine.name == "espeak"
    assert choice.reason == "gTTS does not speak the language 'ka'; using the offline voice for ka: espeak ka"


def test_auto_with_a_language_no_voice_speaks_is_an_error_naming_it(no_network):
    with pytest.raises(EngineUnavailable, match="no offline voice here speaks 'xq'") as error:
        resolve_engine("auto", lang="xq", all_cached=lambda engine: False)
    assert error.value.exit_code == 2


def test_engines_lists_every_row_without_asking(no_network):
    assert [row["engine"] for row in describe_engines(probe=False)] == list(ENGINES)


def test_show_takes_every_build_option(tmp_path):
    result = runner.invoke(app, ["show", "example-calf-care", "--engine", "gtts", "--tld", "co.uk", "--slow",
                                 "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "lengths for gtts (google-en-co.uk)" in result.stdout


def test_show_names_the_voice_option_of_a_voice_google_lacks(tmp_path):
    result = runner.invoke(app, ["show", "example-calf-care", "--engine", "gtts", "--voice", "en-us",
                                 "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "error: --voice en-us: the gtts engine has no voices to choose" in result.stderr


@pytest.mark.parametrize(("lang", "name", "voice"), [("en", "piper", "en_US-joe-medium"), ("es", "nanotts", "es-ES"),
                                                     ("de-AT", "nanotts", "de-DE"), ("nl", "espeak", "nl")])
def test_offline_takes_the_best_offline_voice_for_the_language_and_never_asks_the_network(lang, name, voice):
    choice = resolve_engine("offline", lang=lang)
    assert (choice.engine.name, choice.engine.voice) == (name, voice)
    assert choice.engine.OFFLINE and choice.fallback is None
    assert choice.reason.startswith(f"asked for an offline voice; the best for {lang}: {name} {voice}")
