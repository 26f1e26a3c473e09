"""The studio's HTTP API (docs/studio-api.md): routines, plans, builds, saves, drafts and shares."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
