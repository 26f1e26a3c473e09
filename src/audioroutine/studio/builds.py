"""Build and share jobs: the library's ``build`` and ``share`` in a job's thread, its progress read
by the page. A tuned build writes the variant ``<slug>-studio`` so the routine's own MP3 is kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..cli.params import flag
from ..timeline_json import sheet_json
from .catalog import Entry
from .errors import error_json
from .jobs import Job
from .media import SHARE_FOLDER
from .routines import Invalid, options_for, split
from .state import Studio

VARIANT = "studio"


def job_errors(exc: BaseException) -> list[dict[str, Any]]:
    return exc.errors if isinstance(exc, Invalid) else [error_json(exc)]


def build_job(studio: Studio, entry: Entry, tuning: Mapping[str, Any]) -> Any:
    """The work of a build job (``Jobs.start``): the routine built into the output folder."""
    from ..build import build

    sets, voice = split(tuning)
    options = options_for(studio, tuning, name=VARIANT if (sets or voice) else None)

    def work(job: Job) -> dict[str, Any]:
        job.state = "speaking"
        result = build([str(entry.path)], options, log=lambda _line: None, progress=job.progress)[0]
        job.state = "writing"
        answer = sheet_json(result.sheet)
        answer["audio"] = f"/media/{result.mp3.name}?v={result.sheet.fingerprint[:16]}"
        answer["cue_sheet"] = f"/media/{result.cue_sheet.name}"
        return answer

    return work


def share_job(studio: Studio, entries: Sequence[Entry], title: str, base_url: str | None) -> Any:
    """The work of a share job: ``share`` into ``<out>/share``; its page and its zip are served from there."""
    from ..share import share

    def work(job: Job) -> dict[str, Any]:
        job.state = "speaking"
        folder = studio.out / SHARE_FOLDER
        result = share([str(e.path) for e in entries], studio.options(), title,
                       base_url or None, folder, log=lambda _line: None, progress=job.progress)
        job.state = "writing"
        return {"zip": f"/media/{result.zip.relative_to(studio.out).as_posix()}",
                "page": f"/media/{SHARE_FOLDER}/index.html",
                "notes": [note.format_message(flag) for note in result.notes]}

    return work
