"""What the command line says: errors as one message and an exit code, progress, summaries, and
the log (``-v``) on standard error."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import typer

from ..durations import mmss
from ..errors import AudioRoutineError
from ..printable import for_terminal
from .params import flag

if TYPE_CHECKING:
    from ..build import BuildResult

T = TypeVar("T")


def error_message(exc: AudioRoutineError) -> str:
    """The error as the command line says it: ``error: …``, options named by their flags, with no
    raw control character (a file's text or name is printed escaped)."""
    return f"error: {for_terminal(exc.format_message(flag))}"


def run(action: Callable[[], T]) -> T:
    """Call the library; a project error becomes one message and its exit code."""
    try:
        return action()
    except AudioRoutineError as exc:
        typer.echo(error_message(exc), err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("stopped; nothing half-written was kept", err=True)
        raise typer.Exit(130) from None


def counted(n: int, noun: str) -> str:
    """``1 phrase``, ``2 phrases``: a count with its noun (nouns whose plural adds ``s``)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


def summary(result: BuildResult) -> str:
    status = "up to date" if result.up_to_date else f"{result.engine} ({result.voice})"
    return f"{result.mp3}  {mmss(result.seconds)}  {size(result.size)}  {status}"


@contextmanager
def progress_bar() -> Iterator[Callable[[int, int], None]]:
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            label = f"Speaking {counted(total, 'phrase')}"
            state["bar"] = typer.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
            state["done"] = 0
        state["bar"].update(done - state["done"])
        state["done"] = done

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


class _Stderr(logging.Handler):
    """Writes to whatever ``sys.stderr`` is when a record comes (a test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging must never break a build
            self.handleError(record)


def configure_logging(verbosity: int) -> None:
    """``-v``: the library's log at INFO on standard error; ``-vv``: DEBUG. Without: nothing."""
    logger = logging.getLogger("audioroutine")
    for handler in [h for h in logger.handlers if isinstance(h, _Stderr)]:
        logger.removeHandler(handler)
    if verbosity <= 0:
        logger.setLevel(logging.NOTSET)
        return
    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbosity == 1 else logging.DEBUG)
