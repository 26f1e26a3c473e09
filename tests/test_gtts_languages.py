"""Google's voice in each language (issue 12): a real build through the CLI sends the routine's
language to the service and asks the host its ``--tld`` names.

The requests go out as gTTS sends them, to ``https://translate.google.<tld>/``, through a local
HTTPS proxy (``tls_proxy``) that records the host asked for and hands the request to the local fake
service (``fake_google``), which records the language sent. Nothing reaches the internet.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mutagen.id3 import ID3
from typer.testing import CliRunner

from audioroutine.cli import app
from audioroutine.engines.gtts_engine import BACKOFF_ENV, ENDPOINT_ENV
from audioroutine.templates import builtin_templates_dir
from audiotools import decode, sheet, tiny_routine
from fake_google import FakeGoogle
from tls_proxy import TlsProxy, proxied


@pytest.fixture
def google(monkeypatch, tmp_path) -> Iterator[tuple[FakeGoogle, TlsProxy]]:
    """The fake service, reached only through the proxy, as the real one would be."""
    with FakeGoogle() as server:
        monkeypatch.delenv(ENDPOINT_ENV, raising=False)
        monkeypatch.setenv(BACKOFF_ENV, "0.01")
        with proxied(monkeypatch, urlsplit(server.url).port, tmp_path) as proxy:
            yield server, proxy


def build(tmp_path: Path, lang: str, tld: str):
    routine = tmp_path / "tiny.yaml"
    routine.write_text(tiny_routine(f"Tiny {lang} {tld}"), encoding="utf-8")
    return CliRunner().invoke(app, [
        "build", str(routine), "--engine", "gtts", "--lang", lang, "--tld", tld,
        "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
    ])


@pytest.mark.parametrize(
    ("lang", "tld", "sent"),
    [
        ("es", "com.mx", "es"),
        ("es", "es", "es"),
        ("de", "de", "de"),
        ("fr", "fr", "fr"),
        ("fr-CA", "ca", "fr-CA"),  # in gTTS's own list: sent as it is (its templates: fr's)
        ("en", "co.uk", "en"),
    ],
)
def test_a_build_sends_its_language_to_the_host_its_tld_names(google, tmp_path, lang, tld, sent):
    server, proxy = google

    result = build(tmp_path, lang, tld)

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    speech = server.speech
    assert speech and {request.lang for request in speech} == {sent}
    said = " ".join(request.text or "" for request in speech)  # the words are the language's own
    assert {"es": "segundos", "de": "Sekunden", "fr": "secondes", "en": "seconds"}[lang[:2]] in said
    assert set(proxy.hosts) == {f"translate.google.{tld}:443"}
    mp3 = tmp_path / "out" / "tiny.mp3"
    cue_sheet = sheet(tmp_path / "out" / "tiny.json")
    assert cue_sheet["voice"] == f"google-{lang}-{tld}" and cue_sheet["lang"] == lang
    assert decode(mp3).size == cue_sheet["samples"]
    assert str(ID3(mp3)["TLAN"].text[0]) == {"es": "spa", "de": "deu", "fr": "fra", "en": "eng"}[lang[:2]]


@pytest.mark.parametrize(("lang", "tld", "sent"), [("es-MX", "com.mx", "es"), ("en-GB", "co.uk", "en")])
def test_a_regional_language_gtts_does_not_list_is_sent_as_its_base(google, tmp_path, lang, tld, sent):
    """The mapping decided: a tag in ``gtts.lang.tts_langs()`` (fr-CA, pt-PT, zh-CN) goes as it is;
    any other regional tag goes as its base language (es-MX -> es, en-GB -> en), its accent coming
    from ``--tld`` (com.mx, co.uk), as gTTS itself does for the tags it retired (en-gb -> en)."""
    server, proxy = google

    result = build(tmp_path, lang, tld)

    assert result.exit_code == 0, result.output
    assert {request.lang for request in server.speech} == {sent}
    assert set(proxy.hosts) == {f"translate.google.{tld}:443"}


def test_a_language_gtts_does_not_speak_is_refused_before_any_request(google, tmp_path):
    server, proxy = google
    (tmp_path / "templates" / "xq").mkdir(parents=True)
    for template in (builtin_templates_dir() / "en").glob("*.j2"):
        shutil.copy(template, tmp_path / "templates" / "xq" / template.name)
    routine = tmp_path / "tiny.yaml"
    routine.write_text(tiny_routine("Tiny xq"), encoding="utf-8")

    result = CliRunner().invoke(app, ["build", str(routine), "--engine", "gtts", "--lang", "xq",
                                      "--templates", str(tmp_path / "templates"), "--out", str(tmp_path / "out")])

    assert result.exit_code == 2
    assert "error: gTTS does not speak the language 'xq'" in result.stderr
    assert "Traceback" not in result.output
    assert server.seen == [] and proxy.hosts == []
