"""The requests that keep something: diff and save a tuning, save as a copy, check a draft of a new
routine and create it, share routines. Writes go only into the routines folder and the output
folder, each through a temporary file renamed into place (``editing.save_text``)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..editing import routine_text, save_as_path, save_text
from ..model import slugify
from .bodies import BadRequest, json_body, studio_of, tuning_of
from .catalog import Entry, catalog
from .routines import Invalid, diff_json, planned, split, target_text
from .state import Studio, shown

TARGETS = ("overrides", "routine")


def _target(body: dict[str, Any]) -> str:
    target = body.get("target", "overrides")
    if target not in TARGETS:
        raise BadRequest('"target" is "overrides" or "routine"')
    return target


async def diff(request: Request, entry: Entry) -> Any:
    body = await json_body(request)
    return await run_in_threadpool(diff_json, studio_of(request), entry, tuning_of(body), _target(body))


def _save(studio: Studio, entry: Entry, tuning: dict[str, Any], target: str) -> dict[str, Any]:
    path, _old, new = target_text(studio, entry, tuning, target)
    studio.folder.mkdir(parents=True, exist_ok=True)
    return {"saved": shown(save_text(path, new))}


async def save(request: Request, entry: Entry) -> Any:
    body = await json_body(request)
    return await run_in_threadpool(_save, studio_of(request), entry, tuning_of(body), _target(body))


def _save_as(studio: Studio, entry: Entry, tuning: dict[str, Any], title: str) -> JSONResponse:
    planned(studio, entry, tuning)
    sets, _ = split(tuning)
    path = save_as_path(studio.folder, title, lambda slug: slug in catalog(studio.folder))
    text = routine_text(entry.path, sets, title=" ".join(title.split()))
    studio.folder.mkdir(parents=True, exist_ok=True)
    save_text(path, text, exclusive=True)
    return JSONResponse({"id": slugify(path.stem)}, status_code=201)


async def save_as(request: Request, entry: Entry) -> Any:
    body = await json_body(request)
    title = body.get("title")
    if not isinstance(title, str):
        raise BadRequest('"title" is the new routine\'s title')
    return await run_in_threadpool(_save_as, studio_of(request), entry, tuning_of(body), title)


def _form(body: dict[str, Any]) -> dict[str, Any]:
    form = body.get("routine")
    if not isinstance(form, dict):
        raise BadRequest('"routine" is the form\'s fields')
    return form


def _problems_json(found: list[Any]) -> list[dict[str, Any]]:
    return [{"field": p.field, "message": p.message, "hint": p.hint} for p in found]


async def draft(request: Request) -> Any:
    from ..drafting import draft as make_draft

    form = _form(await json_body(request))
    text, found = await run_in_threadpool(make_draft, form)
    return {"errors": _problems_json(found), "yaml": text}


def _create(studio: Studio, form: dict[str, Any]) -> JSONResponse:
    from ..drafting import draft as make_draft

    text, found = make_draft(form)
    if found:
        raise Invalid(_problems_json(found))
    path = save_as_path(studio.folder, str(form.get("title") or ""), lambda slug: slug in catalog(studio.folder))
    studio.folder.mkdir(parents=True, exist_ok=True)
    save_text(path, text, exclusive=True)
    return JSONResponse({"id": slugify(path.stem)}, status_code=201)


async def create(request: Request) -> Any:
    form = _form(await json_body(request))
    return await run_in_threadpool(_create, studio_of(request), form)


async def share(request: Request) -> Any:
    from .builds import job_errors, share_job

    body = await json_body(request)
    ids, title, base_url = body.get("routines"), body.get("title"), body.get("base_url") or ""
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise BadRequest('"routines" is a list of routine ids')
    if not isinstance(title, str) or not isinstance(base_url, str):
        raise BadRequest('"title" and "base_url" are text')
    studio = studio_of(request)
    known = catalog(studio.folder)
    missing = [i for i in ids if i not in known]
    if missing:
        return JSONResponse({"errors": [{"field": "routines", "message": f"no routine {missing[0]!r} here",
                                         "hint": None}]}, status_code=404)
    entries = [known[i] for i in dict.fromkeys(ids)]
    job = studio.jobs.start(share_job(studio, entries, title, base_url), [e.id for e in entries], job_errors)
    return JSONResponse({"job": job.id}, status_code=202)
