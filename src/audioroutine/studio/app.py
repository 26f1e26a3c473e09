"""Put the studio together: the page (a jinja2 template), its static files, the API and the media,
behind the Host/Origin guard."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .guard import Guard
from .state import Studio

HERE = Path(__file__).parent


def create_app(folder: Path, out: Path, *, cache_dir: Path | None = None, engine: str = "offline") -> Guard:
    """The studio's ASGI app for routines in ``folder`` (and the built-in ones), writing MP3s to ``out``."""
    from . import api, pages

    studio = Studio(folder=Path(folder), out=Path(out), cache_dir=cache_dir, engine=engine)
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    async def page(request: Request) -> Response:
        return templates.TemplateResponse(request, "index.html", {"folder": studio.folder_shown})

    routes = [Route("/", page), *api.routes(), *pages.routes(),
              Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")]
    starlette = Starlette(routes=routes)
    starlette.state.studio = studio
    return Guard(starlette)
