"""The ``studio`` command: start the local web app (``audioroutine.studio``)."""

# No ``from __future__ import annotations``: typer reads the signature.

from pathlib import Path
from typing import Annotated

import typer

from .report import run


def studio_command(
    folder: Annotated[Path | None, typer.Argument(
        help="Your routines folder (default: ./routines if it exists, else the current folder).",
        show_default=False)] = None,
    port: Annotated[int, typer.Option("--port", min=0, max=65535,
                                      help="Port on 127.0.0.1 (0: a free one).")] = 8421,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open the browser.")] = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the MP3s and cue sheets.")] = Path("output"),
) -> None:
    """Make, tune, hear and share routines in your browser (on this computer only; Ctrl-C stops it).

    Example: audioroutine studio --port 8421
    """
    from ..studio.serve import serve

    if folder is None:
        folder = Path("routines") if Path("routines").is_dir() else Path(".")
    if not folder.is_dir():
        raise typer.BadParameter(f"{folder} is not a folder", param_hint="FOLDER")
    run(lambda: serve(folder, out, port=port, browser=not no_browser, say=typer.echo))
