"""An HTTPS proxy on 127.0.0.1 that sends Google's traffic to the local fake service.

gTTS asks ``https://translate.google.<tld>/…`` through the proxy the environment names
(``https_proxy``). This proxy answers the ``CONNECT``, records the host asked for, ends the TLS
with a self-signed certificate (gTTS sends with ``verify=False``, for proxies that intercept TLS,
as this one does) and passes the plain HTTP on to the fake service. So a test sees both the host a
build really asked for (its ``--tld``) and what the fake service was sent (its language).
"""

from __future__ import annotations

import select
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROXY_VARS = ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY",
              "no_proxy", "NO_PROXY")


def self_signed(folder: Path) -> tuple[Path, Path] | None:
    """A certificate and its key, made by ``openssl``; None where there is no openssl."""
    if shutil.which("openssl") is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=translate.google.com", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class TlsProxy:
    """The proxy, passing every tunnel to ``127.0.0.1:target_port``; ``hosts`` lists what was asked."""

    def __init__(self, target_port: int, cert: Path, key: Path) -> None:
        self.target_port = target_port
        self.hosts: list[str] = []
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(cert, key)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> TlsProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(5)

    def _serve(self) -> None:
        self._listener.settimeout(0.1)  # to see the stop soon: closing does not wake accept()
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            self.hosts.append(target)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            try:
                with self._context.wrap_socket(client, server_side=True) as tls, \
                        socket.create_connection(("127.0.0.1", self.target_port)) as upstream:
                    _pump(tls, upstream)
            except (OSError, ssl.SSLError):
                return


def _pump(tls: ssl.SSLSocket, upstream: socket.socket) -> None:
    """Bytes both ways until either side closes."""
    while True:
        ready, _, _ = select.select([tls, upstream], [], [], 30)
        if not ready:
            return
        if tls in ready or tls.pending():
            data = tls.recv(65536)
            if not data:
                return
            upstream.sendall(data)
        if upstream in ready:
            data = upstream.recv(65536)
            if not data:
                return
            tls.sendall(data)


@contextmanager
def proxied(monkeypatch, target_port: int, folder: Path) -> Iterator[TlsProxy]:
    """The proxy running, and the environment sending HTTPS through it (and nothing else)."""
    made = self_signed(folder)
    if made is None:
        import pytest

        pytest.skip("no openssl here to make the proxy's certificate")
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    with TlsProxy(target_port, *made) as proxy:
        monkeypatch.setenv("https_proxy", proxy.url)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        yield proxy
