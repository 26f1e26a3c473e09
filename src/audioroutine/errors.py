"""One exception base for everything audioroutine reports to a user.

A message may name an option of the build (``hold``, ``lang``, ``base_url``…) with
:func:`option`: the library's own text says the option's name, and a front end (the command line)
renders it as its own flag with ``format_message(flag)``, so the library never speaks of flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

_OPTION = re.compile(r"\{option:([a-z_]+)\}")


def option(name: str) -> str:
    """An option's name, marked in a message so that a front end can render it as its flag."""
    return "{option:" + name + "}"


def render_options(text: str, flag: Callable[[str], str] | None = None) -> str:
    """``text`` with every marked option written as ``flag(name)`` (by default, its bare name)."""
    return _OPTION.sub(lambda m: flag(m.group(1)) if flag else m.group(1), text)


class AudioRoutineError(Exception):
    """A failure to report as one clear message, never as a traceback.

    ``exit_code`` is 2 for bad input (a routine file, an option, a template) and 1 for
    failures at run time (a voice that cannot be loaded, a service that does not answer).
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.format_message()

    def format_message(self, flag: Callable[[str], str] | None = None) -> str:
        """The message and its hint, options named by ``flag(name)`` (default: their own names)."""
        message = render_options(self.message, flag)
        return message if not self.hint else f"{message}\n  hint: {render_options(self.hint, flag)}"


class InputError(AudioRoutineError):
    """Bad input from the user: a file, a value or an option."""

    exit_code = 2


class RoutineError(InputError):
    """A routine (or overrides) file that cannot be used, with where the problem is."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = str(path) if path is not None else "<routine>"
        if line is not None:
            where += f":{line}"
        if field:
            where += f": {field}"
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = path
        self.line = line
        self.field = field


class OptionError(InputError):
    """A bad value for one of a build's options (an override, a voice, a language).

    ``option`` names it as the library knows it (``hold``, ``scale``, ``set``, ``voice``…), so the
    library's message speaks of the routine's hold, and the command line can name its own flag
    instead (``describe("--hold")``). The message is ``<option> <value>: <message>``, unless the
    message names the option itself (marked with :func:`option`).
    """

    def __init__(self, message: str, *, option: str, value: object = None, hint: str | None = None) -> None:
        self.option = option
        self.value = value
        self.detail = message
        super().__init__(self.describe(option), hint=hint)

    def describe(self, name: str, flag: Callable[[str], str] | None = None) -> str:
        """The message, naming this option ``name`` (and any other option it names ``flag(other)``)."""

        def named(other: str) -> str:
            return name if other == self.option else (flag(other) if flag else other)

        if option(self.option) in self.detail:
            return render_options(self.detail, named)
        subject = name if self.value is None else f"{name} {self.value}"
        return f"{subject}: {render_options(self.detail, named)}"

    def format_message(self, flag: Callable[[str], str] | None = None) -> str:
        message = self.describe(flag(self.option) if flag else self.option, flag)
        return message if not self.hint else f"{message}\n  hint: {render_options(self.hint, flag)}"


class TemplateError(InputError):
    """A cue template that is missing, malformed or uses an unknown name."""


class EngineError(AudioRoutineError):
    """A speech engine that cannot be used or failed while speaking."""


class EngineUnavailable(EngineError):
    """The engine or voice asked for is not usable on this machine."""

    exit_code = 2


class AudioError(AudioRoutineError):
    """Decoding, mixing or encoding audio failed."""


class Note:
    """Something to tell the user that is not a failure, such as a share's feed lacking its web
    address; it may name options (:func:`option`), rendered like an error's."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return self.format_message()

    def __repr__(self) -> str:
        return f"Note({self.message!r})"

    def format_message(self, flag: Callable[[str], str] | None = None) -> str:
        return render_options(self.message, flag)
