"""Cue templates: every spoken word comes from a jinja2 template in ``scripts_templates/<lang>/``,
or from a user's folder over them. Templates are compiled in memory on each run: no compiled code
is read from disk."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from .durations import spoken_minutes
from .errors import OptionError, TemplateError, option
from .numbers import say_number
from .sandbox import CueSandbox, read_only, template_line
from .wording import says

log = logging.getLogger(__name__)

TEMPLATE_SUFFIX = ".j2"
CUE_TEMPLATES = (
    "intro", "exercise", "variation", "set", "side", "hold", "hold_end", "work", "work_end", "reps_counted",
    "reps_own_pace", "rep", "lower", "reps_end", "flow", "flow_round", "flow_step", "relax", "relax_end", "count",
    "halfway", "time_left", "breathe_in", "breathe_out", "set_rest", "next", "outro",
)


def builtin_templates_dir() -> Path:
    return Path(str(resources.files("audioroutine.scripts_templates")))


@dataclass(frozen=True)
class Parts:
    hours: int
    minutes: int
    seconds: int | float


def duration_parts(seconds: float) -> Parts:
    """Hours, minutes and seconds, for templates to say a duration in their own words."""
    total = round(float(seconds), 1)
    hours, rest = divmod(int(total), 3600)
    minutes, whole_seconds = divmod(rest, 60)
    fraction = round(total - int(total), 1)
    return Parts(hours, minutes, whole_seconds + fraction if fraction else whole_seconds)


def _clean(text: str) -> str:
    """One line of speech: whitespace folded, no space before punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([.,;:!?])", r"\1", text)


def template_folders(lang: str, user: Path | None = None) -> list[Path]:
    """The folders searched for the cue templates of ``lang``, first match wins: the user's
    ``<lang>/``, ``<base>/`` (``en`` for ``en-GB``) and the folder itself, then the built-in
    ``<lang>/`` and ``<base>/``. Only folders that exist are listed."""
    base = lang.split("-")[0]
    langs = dict.fromkeys((lang, base))
    builtin = builtin_templates_dir()
    chain = [user / name for name in langs] + [user] if user is not None else []
    chain += [builtin / name for name in langs]
    return [folder for folder in dict.fromkeys(chain) if folder.is_dir()]


def languages(user: Path | None = None) -> list[str]:
    """The languages with cue templates: the built-in ones and those in the user's folder."""
    roots = [builtin_templates_dir(), *([user] if user is not None and user.is_dir() else [])]
    return sorted({d.name for root in roots for d in root.iterdir() if d.is_dir() and any(d.glob("*.j2"))})


def _chain(lang: str, user: Path | None) -> list[Path]:
    """The folders for ``lang``; an unknown language or a missing user folder is an error."""
    if user is not None and not user.is_dir():
        raise OptionError("no such folder of cue templates", option="templates", value=user)
    folders = template_folders(lang, user)
    if any(any(folder.glob(f"*{TEMPLATE_SUFFIX}")) for folder in folders):  # (a folder of labels only is not)
        return folders
    raise TemplateError(
        f"there are no cue templates for the language {lang!r}; languages available: {', '.join(languages(user))}",
        hint=f"{_voices_for(lang)}; to add the language, copy the folder {builtin_templates_dir() / 'en'} to "
        f"FOLDER/{lang}, translate its files and give FOLDER as {option('templates')} (see docs/languages.md)",
    )


def _voices_for(lang: str) -> str:
    """Which voices here speak ``lang``, for the message about a language without templates."""
    from .engines.table import speaking  # the engines only when the message is needed

    voices = [f"{engine.name} ({engine.voice})" for engine in speaking(lang)]
    if not voices:
        return f"no voice here speaks {lang!r} either"
    return f"voices here that speak {lang!r}: {', '.join(voices)}"


@functools.lru_cache(maxsize=16)
def _environment(lang: str, folders: tuple[Path, ...], files: tuple[tuple[str, Path], ...]) -> CueSandbox:
    """One sandboxed environment per language and set of template files in a process, so that
    listing or sharing many routines compiles each template once, not once per routine. ``files``
    (which file gives each name) is part of the key, so a file added over another makes a new
    environment; jinja itself reloads a template whose file has changed. Templates see the
    routine read-only (``sandbox``)."""
    env = CueSandbox(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(folder)) for folder in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.do"],
    )
    env.filters["words"] = functools.partial(say_number, lang=lang)
    env.filters["parts"] = duration_parts
    env.filters["minutes"] = spoken_minutes
    env.tests["saying"] = functools.partial(says, lang=lang)
    return env


class CueTemplates:
    """The cue templates of one language: a ``jinja2.ChoiceLoader`` over the folders of
    :func:`template_folders`, so a user's folder needs only the templates it changes."""

    def __init__(self, lang: str = "en", directory: Path | None = None) -> None:
        user = Path(directory) if directory is not None else None
        self.folders = _chain(lang, user)
        self.folder = self.folders[0]
        """The first folder searched (for a user's folder, where a new template would go)."""
        self.lang = lang
        log.info("cue templates for %s from %s", lang, ", ".join(map(str, self.folders)))
        self._env = _environment(lang, tuple(self.folders), tuple(self.files().items()))

    def files(self) -> dict[str, Path]:
        """Every template name (``hold.j2``, ``_macros.j2``…) and the file that gives it."""
        found: dict[str, Path] = {}
        for folder in self.folders:
            for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
                found.setdefault(path.name, path)
        return found

    def check(self) -> None:
        """Compile every cue template, so a broken one is reported before any work is done."""
        for name in CUE_TEMPLATES:
            self._template(name)

    @functools.cached_property
    def digest(self) -> str:
        """Hash of the text of every template in use (each name's first file along the folders):
        a change to any wording makes builds stale."""
        sha = hashlib.sha256()
        for name, path in sorted(self.files().items()):
            sha.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        return sha.hexdigest()

    def _template(self, name: str) -> jinja2.Template:
        filename = name + TEMPLATE_SUFFIX
        try:
            return self._env.get_template(filename)
        except jinja2.TemplateNotFound as exc:
            where = self.folder / filename if exc.name == filename else exc.name
            raise TemplateError(
                f"{where}: missing cue template {exc.name!r} (looked in {', '.join(map(str, self.folders))})",
                hint=f"a template set needs: {', '.join(n + TEMPLATE_SUFFIX for n in CUE_TEMPLATES)}",
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            where = f"{exc.filename or self.folder / filename}:{exc.lineno}"
            raise TemplateError(f"{where}: template syntax error: {exc.message}") from None

    def render(self, name: str, **context: Any) -> str:
        """The words of one cue, on one line. The template sees the routine read-only; an error
        in it is reported at its file and line (the innermost template's: a macro's own file)."""
        template = self._template(name)
        try:
            return _clean(template.render(**{key: read_only(value) for key, value in context.items()}))
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"{self._where(exc, template)}: {exc.message}",
                hint=f"names available to this template: {', '.join(sorted(context))}",
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{self._where(exc, template)}: {exc}") from None
        except TemplateError as exc:
            raise TemplateError(f"{self._where(exc, template)}: {exc.message}", hint=exc.hint) from None
        except Exception as exc:  # a filter or test failing on a value in the template
            raise TemplateError(f"{self._where(exc, template)}: {type(exc).__name__}: {exc}") from None

    @staticmethod
    def _where(exc: BaseException, template: jinja2.Template) -> str:
        return template_line(exc, TEMPLATE_SUFFIX) or template.filename or str(template.name)
