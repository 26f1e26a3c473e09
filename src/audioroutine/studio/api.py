"""The studio's HTTP API (docs/studio-api.md): routines, plans, builds, saves, drafts and shares.
Each handler reads the request, calls one function of ``views``/``routines``/``builds`` (or the
library) in a worker thread, and answers JSON; errors as ``errors`` says them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..editing import NameTaken
from ..errors import AudioRoutineError, InputError
from .bodies import BadRequest, json_body, studio_of, tuning_of
from .catalog import Entry, find
from .errors import error_json, errors, failure
from .media import media
from .routines import Invalid

Handler = Callable[[Request], Awaitable[Response]]


def _entry(request: Request) -> Entry | None:
    return find(studio_of(request).folder, request.path_params["id"])


def handled(handler: Callable[..., Awaitable[Any]], *, needs_routine: bool = True) -> Handler:
    """A handler with the routine looked up by id and every error answered as JSON."""

    async def endpoint(request: Request) -> Response:
        try:
            if needs_routine:
                entry = _entry(request)
                if entry is None:
                    return failure(404, f"no routine {request.path_params['id']!r} here")
                answer = await handler(request, entry)
            else:
                answer = await handler(request)
        except BadRequest as exc:
            return failure(400, str(exc))
        except Invalid as exc:
            return errors(422, *exc.errors)
        except NameTaken as exc:
            return errors(409, error_json(exc))
        except InputError as exc:
            return errors(422, error_json(exc))
        except AudioRoutineError as exc:
            return errors(500, error_json(exc))
        except Exception as exc:  # never a traceback to the page
            return errors(500, error_json(exc))
        return answer if isinstance(answer, Response) else JSONResponse(answer)

    return endpoint


async def list_routines(request: Request) -> Any:
    from .views import routine_list

    return await run_in_threadpool(routine_list, studio_of(request))


async def one_routine(request: Request, entry: Entry) -> Any:
    from .views import routine_detail

    return await run_in_threadpool(routine_detail, studio_of(request), entry)


async def plan(request: Request, entry: Entry) -> Any:
    """The time line of a tuning; a tuning with bad values is answered 200 with its ``errors``
    (like a draft: the page asked a question and this is the answer; a 4xx would be a line in the
    browser's console each time a coach types a half-written value)."""
    from .routines import plan_json

    tuning = tuning_of(await json_body(request))
    try:
        return await run_in_threadpool(plan_json, studio_of(request), entry, tuning)
    except Invalid as exc:
        return errors(200, *exc.errors)
    except InputError as exc:
        return errors(200, error_json(exc))


async def build(request: Request, entry: Entry) -> Any:
    from .builds import build_job, job_errors

    tuning = tuning_of(await json_body(request))
    studio = studio_of(request)
    work = await run_in_threadpool(build_job, studio, entry, tuning)
    job = studio.jobs.start(work, [entry.id], job_errors)
    return JSONResponse({"job": job.id}, status_code=202)


async def job(request: Request) -> Any:
    found = studio_of(request).jobs.get(request.path_params["job"])
    if found is None:
        return failure(404, "no such job")
    return found.as_json()


def routes() -> list[BaseRoute]:
    from .keep import create, diff, draft, save, save_as, share

    return [
        Route("/api/routines", handled(list_routines, needs_routine=False), methods=["GET"]),
        Route("/api/routines", handled(create, needs_routine=False), methods=["POST"]),
        Route("/api/routines/{id}", handled(one_routine), methods=["GET"]),
        Route("/api/routines/{id}/plan", handled(plan), methods=["POST"]),
        Route("/api/routines/{id}/build", handled(build), methods=["POST"]),
        Route("/api/routines/{id}/diff", handled(diff), methods=["POST"]),
        Route("/api/routines/{id}/save", handled(save), methods=["POST"]),
        Route("/api/routines/{id}/save-as", handled(save_as), methods=["POST"]),
        Route("/api/draft", handled(draft, needs_routine=False), methods=["POST"]),
        Route("/api/share", handled(share, needs_routine=False), methods=["POST"]),
        Route("/api/jobs/{job}", handled(job, needs_routine=False), methods=["GET"]),
        Route("/media/{name:path}", media, methods=["GET", "HEAD"]),
    ]
