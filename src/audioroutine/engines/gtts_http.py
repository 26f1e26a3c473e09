"""One request to Google's speech service, with a total deadline, and what went wrong in words.

A socket timeout alone never trips on a server that sends a byte a second: the deadline here
bounds the whole exchange. The request runs in a helper thread that reads the answer in small
pieces and stops at the deadline; the caller waits no longer than the deadline (and a moment),
whatever the helper is stuck on. Requests go as gTTS sends them (its proxies from the
environment, its certificate handling), so what worked with gTTS works here.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from requests import PreparedRequest, Response

CONNECT_TIMEOUT_S = 10.0
"""At most this long to connect, or to wait for any byte (and never past the deadline)."""
GRACE_S = 1.0
"""How long the caller waits past the deadline for the helper to give up on its own."""
READ_SIZE = 16384

STATUS_MEANING = {
    400: "bad request: the service did not understand it",
    403: "forbidden: the service no longer accepts gTTS's requests",
    404: "not found: no speech service at that address",
    429: "too many requests: Google limits how much it speaks for one address",
}
"""What an HTTP status means for us; 5xx are the service's own failures."""


class Failure(Exception):
    """A request that went wrong; ``what`` says how, in words, for a message."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Refused(Failure):
    """The service answered with an error status."""

    def __init__(self, status: int, host: str) -> None:
        super().__init__(f"{host} answered HTTP {status} ({meaning(status)})")
        self.status = status


class TimedOut(Failure):
    """No complete answer within the deadline."""


class Unreachable(Failure):
    """No connection (refused, no such host, no network) or a connection that broke."""


def meaning(status: int) -> str:
    if status >= 500:
        return "an error on the service's side"
    return STATUS_MEANING.get(status, "an error status")


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url


def fetch(request: PreparedRequest, deadline_s: float) -> bytes:
    """The body of a 200 answer to ``request``, all of it within ``deadline_s``; ``Refused``,
    ``TimedOut`` or ``Unreachable`` otherwise."""
    host = host_of(request.url or "")
    stop_at = time.monotonic() + deadline_s
    box: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["body"] = _exchange(request, stop_at, host, deadline_s, box)
        except BaseException as exc:  # handed to the caller, who raises it
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="gtts-request", daemon=True).start()
    if not done.wait(deadline_s + GRACE_S):
        response = box.get("response")
        if response is not None:
            response.close()  # type: ignore[attr-defined]
        raise _late(host, deadline_s)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["body"]  # type: ignore[return-value]


def _late(host: str, deadline_s: float) -> TimedOut:
    return TimedOut(f"{host} sent no complete answer within {deadline_s:g} s")


def _exchange(request: PreparedRequest, stop_at: float, host: str, deadline_s: float, box: dict) -> bytes:
    import urllib.request

    import requests
    import urllib3

    # gTTS sends with verify=False (for proxies that intercept TLS) and silences urllib3's warning.
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    wait = min(CONNECT_TIMEOUT_S, deadline_s)
    try:
        with requests.Session() as session:
            response = session.send(request, stream=True, verify=False, timeout=(wait, wait),
                                    proxies=urllib.request.getproxies())
            box["response"] = response
            with response:
                if response.status_code != 200:
                    raise Refused(response.status_code, host)
                return _read(response, stop_at, host, deadline_s)
    except (requests.Timeout, urllib3.exceptions.TimeoutError):
        raise _late(host, deadline_s) from None
    except requests.ConnectionError as exc:
        raise Unreachable(f"no connection to {host} ({_reason(exc)})") from None
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise Unreachable(f"the exchange with {host} broke ({_reason(exc)})") from None


def _read(response: Response, stop_at: float, host: str, deadline_s: float) -> bytes:
    """The body, read as it comes, never past ``stop_at``."""
    chunks = []
    while True:
        if time.monotonic() > stop_at:
            raise _late(host, deadline_s)
        chunk = response.raw.read1(READ_SIZE, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reason(exc: BaseException) -> str:
    """The innermost cause's words: "Connection refused", "Name or service not known"."""
    text = str(exc)
    for marker in ("] ", "): "):
        if marker in text:
            text = text.rsplit(marker, 1)[-1]
    return text.rstrip("')\" ") or type(exc).__name__
