"""The page's requests read: the studio, a JSON body, a tuning; a bad shape is ``BadRequest`` (400)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from .state import Studio


class BadRequest(Exception):
    pass


def studio_of(request: Request) -> Studio:
    return request.app.state.studio


async def json_body(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise BadRequest("send JSON (Content-Type: application/json)")
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise BadRequest(f"the body is not JSON ({exc})") from None
    if not isinstance(body, dict):
        raise BadRequest("the body is a JSON object")
    return body


def tuning_of(body: dict[str, Any]) -> dict[str, Any]:
    tuning = body.get("set") or {}
    if not isinstance(tuning, dict) or not all(isinstance(v, str | int | float | bool) for v in tuning.values()):
        raise BadRequest('"set" is an object of KEY: VALUE, like {"calf-stretch.hold": "45s"}')
    return tuning


