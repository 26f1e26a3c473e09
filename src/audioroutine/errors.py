"""One exception base for everything audioroutine reports to a user."""

from __future__ import annotations

from pathlib import Path


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
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


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
    instead (``describe("--hold")``).
    """

    def __init__(self, message: str, *, option: str, value: object = None, hint: str | None = None) -> None:
        self.option = option
        self.value = value
        self.detail = message
        super().__init__(self.describe(option), hint=hint)

    def describe(self, name: str) -> str:
        """The message, naming the option ``name``."""
        subject = name if self.value is None else f"{name} {self.value}"
        return f"{subject}: {self.detail}"


class TemplateError(InputError):
    """A cue template that is missing, malformed or uses an unknown name."""


class EngineError(AudioRoutineError):
    """A speech engine that cannot be used or failed while speaking."""


class EngineUnavailable(EngineError):
    """The engine or voice asked for is not usable on this machine."""

    exit_code = 2


class AudioError(AudioRoutineError):
    """Decoding, mixing or encoding audio failed."""
