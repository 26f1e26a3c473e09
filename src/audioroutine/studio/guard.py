"""Refuse requests that are not the studio's own: a foreign Host (DNS rebinding) or a POST whose
Origin is missing or foreign (a cross-site post). A pure ASGI middleware, so it sees every request
(pages, API, static files and media) before any route does."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def own_hosts(port: int) -> frozenset[str]:
    """The Host headers a browser sends to the studio at this port."""
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})


def own_origins(port: int) -> frozenset[str]:
    """The Origin headers of the studio's own page at this port."""
    return frozenset(f"http://{host}" for host in own_hosts(port))


def _header(scope: Scope, name: bytes) -> str | None:
    values = [value for key, value in scope.get("headers", []) if key.lower() == name]
    if len(values) != 1:  # missing, or sent twice (never trusted)
        return None
    return values[0].decode("latin-1")


def refusal(scope: Scope) -> str | None:
    """Why this request is refused, or None when it is the studio's own. The port is the one the
    server really listens on (the ASGI ``server`` entry), so ``--port 0`` needs nothing more."""
    server = scope.get("server")
    if not server or server[1] is None:
        return "the studio listens on a TCP port only"
    port = int(server[1])
    host = _header(scope, b"host")
    if host is None or host.lower() not in own_hosts(port):
        return f"this studio answers only to http://127.0.0.1:{port} (Host: {host or 'missing'})"
    if scope["type"] == "http" and scope.get("method", "GET").upper() in UNSAFE_METHODS:
        origin = _header(scope, b"origin")
        if origin is None or origin.lower() not in own_origins(port):
            return f"a change must come from the studio's own page (Origin: {origin or 'missing'})"
    return None


class Guard:
    """The middleware: 403 with one message for a refused request, the app otherwise."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        why = refusal(scope)
        if why is None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = json.dumps({"errors": [{"field": None, "message": why, "hint": None}]}).encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
