"""Issue 11 (item 9): ``audioroutine engines`` says whether Google's voice can be reached now, from a
quick probe (the host's name looked up and a TCP connection opened, within 1.5 s), instead of "yes"
with no network. Real sockets: the fake service listening, a closed local port, a name that cannot
exist, a proxy that does not listen."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from audioroutine.cli import app
from audioroutine.engines.gtts_engine import ENDPOINT_ENV
from fake_google import FakeGoogle, running, without_proxies


@pytest.fixture
def fake_google(monkeypatch) -> Iterator[FakeGoogle]:
    yield from running(monkeypatch)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def engines_rows() -> dict[str, str]:
    result = CliRunner().invoke(app, ["engines"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return {line.split()[0]: line for line in result.stdout.splitlines() if line and not line.startswith("auto")}


def test_google_listening_is_reachable(fake_google):
    rows = engines_rows()

    assert rows["gtts"].split()[:3] == ["gtts", "yes", "google-en-com"]
    assert rows["gtts"].endswith("reachable now")
    assert rows["piper"].split()[1] == "yes"


def test_a_closed_port_is_not_reachable(monkeypatch):
    port = closed_port()
    monkeypatch.setenv(ENDPOINT_ENV, f"http://127.0.0.1:{port}")
    without_proxies(monkeypatch)

    rows = engines_rows()

    assert rows["gtts"].split()[:3] == ["gtts", "no", "-"]
    assert rows["gtts"].endswith(f"cannot reach 127.0.0.1:{port}: the connection was refused")
    assert rows["piper"].split()[1] == "yes"  # the offline voice is there all the same


def test_a_host_that_cannot_be_looked_up_is_not_reachable(monkeypatch):
    monkeypatch.setenv(ENDPOINT_ENV, "https://speech.invalid")  # .invalid never resolves (RFC 6761)
    without_proxies(monkeypatch)

    rows = engines_rows()

    assert rows["gtts"].split()[1] == "no"
    assert "cannot reach speech.invalid: its name cannot be looked up" in rows["gtts"]


def test_through_a_proxy_the_proxy_must_be_reached(fake_google, monkeypatch):
    port = closed_port()
    without_proxies(monkeypatch)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")

    rows = engines_rows()

    assert rows["gtts"].split()[1] == "no"
    assert "through the proxy 127.0.0.1: the connection was refused" in rows["gtts"]
