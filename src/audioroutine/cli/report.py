"""What the command line says: errors as one message and an exit code, progress, summaries, and
the log (``-v``) on standard error."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import typer

from .. import inflight
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


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's ``KeyboardInterrupt`` so that the same clean-up runs."""


WATCHDOG_S = 30
"""After a stop, the process is ended by SIGALRM if its clean-up has not ended it by then."""


def stopped_message(signum: int) -> str:
    return f"stopped{' (terminated)' if signum == signal.SIGTERM else ''}; nothing half-written was kept"


def _stop(signum: int, frame: object) -> None:
    """SIGTERM and Ctrl-C: while an output folder is being written, its temporary files, part
    folders, locks and encoders go at once and the process exits (``inflight``: raising there could
    leave another thread waiting forever); otherwise stop as Ctrl-C does, by raising."""
    signal.signal(signum, signal.SIG_IGN)  # one is enough: let the clean-up finish
    if inflight.writing_now():
        inflight.abandon()
        os.write(2, (stopped_message(signum) + "\n").encode())
        os._exit(128 + signum)
    signal.alarm(WATCHDOG_S)
    raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt


@contextmanager
def _signals_stop() -> Iterator[None]:
    """While the library runs, SIGTERM and Ctrl-C stop it cleanly (only the main thread can set it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.signal(signum, _stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _leave_helpers(code: int) -> None:
    """Exit at once if helper threads are still running after an interrupt: everything to clean
    up has been, and one may wait forever on a lock the main thread held when interrupted (the
    import lock, say); exiting normally would wait for it."""
    main = threading.main_thread()
    if threading.current_thread() is main and any(
        thread.is_alive() and not thread.daemon for thread in threading.enumerate() if thread is not main
    ):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run(action: Callable[[], T]) -> T:
    """Call the library; a project error becomes one message and its exit code; Ctrl-C (130) and
    SIGTERM (143) one line; any other fault of the OS one message naming the file (exit 1)."""
    try:
        with _signals_stop():
            return action()
    except AudioRoutineError as exc:
        typer.echo(error_message(exc), err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt as exc:
        signum = signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT
        typer.echo(stopped_message(signum), err=True)
        _leave_helpers(128 + signum)
        raise typer.Exit(128 + signum) from None
    except OSError as exc:
        typer.echo(f"error: {os_error_message(exc)}", err=True)
        raise typer.Exit(1) from None


def os_error_message(exc: OSError) -> str:
    """An OS error as one line: what the system said, and about which file."""
    names = [str(name) for name in (exc.filename, exc.filename2) if name is not None]
    what = exc.strerror or str(exc) or type(exc).__name__
    return f"{' -> '.join(names)}: {what}" if names else what


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
        if "bar" in state and state["done"] >= state["total"] and done < state["done"]:  # a new round
            state.pop("bar").__exit__(None, None, None)  # (the intro that says the real length)
            state["more"] = True
        if "bar" not in state:
            label = f"Speaking {counted(total, 'more phrase' if state.get('more') else 'phrase')}"
            state["bar"] = typer.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
            state["done"], state["total"] = 0, total
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
