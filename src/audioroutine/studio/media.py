"""``/media/{name}``: files of the output folder, only by a name the studio itself lists there (MP3s,
cue sheets, share zips, and the share folder's page); never a path from the browser. Range requests
are answered (audio seeking)."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from .errors import failure
from .state import Studio

SHARE_FOLDER = "share"
"""Where a share job writes, inside the output folder (its page, feed, MP3s and zip)."""
SERVED = (".mp3", ".json", ".zip", ".vtt", ".srt", ".txt", ".html", ".xml", ".png", ".jpg", ".css", ".js")


def _regular(path: Path) -> bool:
    try:
        return not path.is_symlink() and path.is_file()
    except OSError:
        return False


def listed(out: Path) -> dict[str, Path]:
    """Every name served, and its file: the output folder's own files, and the share folder's."""
    names: dict[str, Path] = {}
    if not out.is_dir():
        return names
    for path in out.iterdir():
        if path.suffix in SERVED and not path.name.startswith(".") and _regular(path):
            names[path.name] = path
    share = out / SHARE_FOLDER
    if share.is_dir() and not share.is_symlink():
        for root, dirs, files in os.walk(share):  # os.walk does not follow links to folders
            dirs[:] = [d for d in dirs if not d.startswith(".") and not (Path(root) / d).is_symlink()]
            for file in files:
                path = Path(root) / file
                if path.suffix in SERVED and not file.startswith(".") and _regular(path):
                    names[path.relative_to(out).as_posix()] = path
    return names


async def media(request: Request) -> Response:
    studio: Studio = request.app.state.studio
    name = request.path_params["name"]
    path = listed(studio.out).get(name)
    if path is None:
        return failure(404, "no such file in the output folder")
    return FileResponse(path, headers={"Cache-Control": "no-cache"})
