"""Errors as the page shows them: ``{"errors": [{"field", "message", "hint"}]}`` in the words the
command line uses (``--set KEY=VALUE: …``), never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from starlette.responses import JSONResponse

from ..cli.params import flag
from ..errors import AudioRoutineError, OptionError, render_options

log = logging.getLogger(__name__)


def error_json(exc: BaseException, field: str | None = None) -> dict[str, Any]:
    """One error: its field (a tuning key or a form path), its message and hint as the CLI says them."""
    if isinstance(exc, OptionError):
        message = exc.describe(flag(exc.option), flag)
    elif isinstance(exc, AudioRoutineError):
        message = render_options(exc.message, flag)
    else:
        log.error("studio: unexpected error", exc_info=exc)
        message = f"something went wrong ({type(exc).__name__}); see the studio's terminal"
    hint = render_options(exc.hint, flag) if isinstance(exc, AudioRoutineError) and exc.hint else None
    if field is None and isinstance(exc, AudioRoutineError):
        field = getattr(exc, "field", None) or None
    return {"field": field, "message": message, "hint": hint}


def errors(status: int, *items: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"errors": list(items)}, status_code=status)


def failure(status: int, message: str, *, field: str | None = None, hint: str | None = None) -> JSONResponse:
    return errors(status, {"field": field, "message": message, "hint": hint})
