"""The page's files that live outside the studio's static folder: the Lato font the ``font-lato``
package installs, served by name from a fixed list (never a path from the browser)."""

from __future__ import annotations

from importlib import resources

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

FONTS = frozenset({"Lato-Regular.ttf", "Lato-Bold.ttf"})


async def font(request: Request) -> Response:
    """``GET /fonts/{name}``: one of ``FONTS``; 404 for any other name or when the package is missing."""
    name = request.path_params["name"]
    try:
        path = resources.files("font_lato") / "files" / name if name in FONTS else None
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        return JSONResponse({"errors": [{"field": None, "message": f"no font {name!r} here", "hint": None}]},
                            status_code=404)
    return FileResponse(str(path), media_type="font/ttf", headers={"Cache-Control": "max-age=86400"})


def routes() -> list[BaseRoute]:
    """The routes this module adds to the studio's app."""
    return [Route("/fonts/{name}", font)]
