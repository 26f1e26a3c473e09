"""Run the studio: uvicorn on 127.0.0.1 only, on a free port when asked for port 0, the browser
opened at its address; Ctrl-C stops it."""

from __future__ import annotations

import logging
import socket
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..errors import AudioRoutineError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
"""The only address the studio listens on: it is for this computer's browser alone."""


def listen(port: int) -> socket.socket:
    """A socket bound to 127.0.0.1 at ``port`` (0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise AudioRoutineError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}",
                                hint="another program uses that port: try --port 0 for a free one") from exc
    sock.listen(64)
    return sock


def serve(folder: Path, out: Path, *, port: int = 8421, browser: bool = True,
          say: Callable[[str], None] = print, cache_dir: Path | None = None, engine: str = "offline") -> None:
    """Serve the studio until Ctrl-C (or SIGTERM)."""
    import uvicorn

    from .app import create_app

    sock = listen(port)
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    app = create_app(folder, out, cache_dir=cache_dir, engine=engine)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    server = uvicorn.Server(config)
    say(f"audioroutine studio: {url}  (Ctrl-C stops it)")
    if browser:
        webbrowser.open(url)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # pragma: no cover - uvicorn handles the signal itself
        pass
    finally:
        sock.close()
