"""Whether a service's host can be reached now, asked quickly: its name looked up and a TCP
connection opened (nothing sent), all within a short time. ``engines`` says what it found instead of
assuming the network is there. Through a proxy (``https_proxy``…, as requests and gTTS use them),
the proxy is what must be reached."""

from __future__ import annotations

import logging
import socket
import threading
import time
import urllib.request
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

REACH_TIMEOUT_S = 1.5
"""The whole probe, name lookup included: a working network answers in a fraction of this."""


def _target(url: str) -> tuple[str, int, str]:
    """(host, port, how to name it) of what a request to ``url`` connects to: the URL's host, or
    the proxy the environment sets for it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        via = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        name = f"{host} through the proxy {via.hostname}"
        return via.hostname or "", via.port or 80, name
    return host, port, host if parts.port is None else f"{host}:{port}"


def _connect(host: str, port: int, stop_at: float) -> str | None:
    """Connect to ``host:port`` before ``stop_at`` (monotonic); ``None`` when it worked, else why not."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return "its name cannot be looked up (no network, or no name server)"
    why = "no address to connect to"
    for family, kind, proto, _, address in addresses:
        left = stop_at - time.monotonic()
        if left <= 0:
            return f"no answer within {REACH_TIMEOUT_S:g} s"
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.settimeout(left)
                sock.connect(address)
            return None
        except TimeoutError:
            why = "no answer in time"
        except ConnectionRefusedError:
            why = "the connection was refused"
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
    return why


def unreachable(url: str, timeout: float = REACH_TIMEOUT_S) -> str | None:
    """``None`` when a connection to ``url``'s host opens within ``timeout`` seconds; otherwise
    why not, in words: ``cannot reach translate.google.com: the connection was refused``. The
    name lookup, which has no timeout of its own, runs in a helper thread not waited for."""
    host, port, name = _target(url)
    if not host:
        return f"cannot reach {url}: it names no host"
    box: dict[str, str | None] = {}
    done = threading.Event()

    def probe() -> None:
        box["why"] = _connect(host, port, time.monotonic() + timeout)
        done.set()

    threading.Thread(target=probe, name="reach", daemon=True).start()
    if not done.wait(timeout + 0.1):
        why: str | None = f"no answer within {timeout:g} s"
    else:
        why = box["why"]
    log.info("%s: %s", name, why or "reachable")
    return None if why is None else f"cannot reach {name}: {why}"
