"""Cue templates: every spoken word comes from a jinja2 template in ``scripts_templates/<lang>/``."""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from num2words import num2words

from .errors import TemplateError

TEMPLATE_SUFFIX = ".j2"
CUE_TEMPLATES = (
    "intro", "exercise", "variation", "set", "side", "hold", "hold_end", "work", "work_end", "reps_counted",
    "reps_own_pace", "rep", "lower", "reps_end", "flow", "flow_round", "flow_step", "count",
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


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept on disk between runs; a cache that cannot be written is skipped."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class CueTemplates:
    """The cue templates of one language, from the built-in set or a folder of the user's.

    ``compiled`` is a folder where compiled templates are kept between runs (jinja's bytecode
    cache, keyed by each template's text), so a rebuild does not compile them again.
    """

    def __init__(self, lang: str = "en", directory: Path | None = None, compiled: Path | None = None) -> None:
        base = Path(directory) if directory is not None else builtin_templates_dir()
        folder = base / lang if (base / lang).is_dir() else base
        if not folder.is_dir():
            raise TemplateError(f"{base}: no template folder for language {lang!r}")
        self.folder = folder
        self.lang = lang
        bytecode = None
        if compiled is not None:
            try:
                compiled.mkdir(parents=True, exist_ok=True)
                bytecode = _QuietBytecodeCache(str(compiled))
            except OSError:
                bytecode = None
        env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(str(folder)),
            bytecode_cache=bytecode,
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            extensions=["jinja2.ext.do"],
        )
        env.filters["words"] = self._words
        env.filters["parts"] = duration_parts
        self._env = env

    def _words(self, number: Any) -> str:
        try:
            value = float(number)
        except (TypeError, ValueError):
            raise TemplateError(f"the words filter needs a number, got {number!r}") from None
        value = int(value) if value == int(value) else value
        try:
            return num2words(value, lang=self.lang.split("-")[0])
        except NotImplementedError:
            return num2words(value, lang="en")

    def check(self) -> None:
        """Compile every cue template, so a broken one is reported before any work is done."""
        for name in CUE_TEMPLATES:
            self._template(name)

    @cached_property
    def digest(self) -> str:
        """Hash of every template's text: a change to any wording makes builds stale."""
        sha = hashlib.sha256()
        for path in sorted(self.folder.glob(f"*{TEMPLATE_SUFFIX}")):
            sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return sha.hexdigest()

    def _template(self, name: str) -> jinja2.Template:
        filename = name + TEMPLATE_SUFFIX
        try:
            return self._env.get_template(filename)
        except jinja2.TemplateNotFound:
            raise TemplateError(
                f"{self.folder / filename}: missing cue template {filename!r}",
                hint=f"a template set needs: {', '.join(n + TEMPLATE_SUFFIX for n in CUE_TEMPLATES)}",
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            where = f"{exc.filename or self.folder / filename}:{exc.lineno}"
            raise TemplateError(f"{where}: template syntax error: {exc.message}") from None

    def render(self, name: str, **context: Any) -> str:
        """The words of one cue, on one line."""
        template = self._template(name)
        try:
            return _clean(template.render(**context))
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"{self.folder / (name + TEMPLATE_SUFFIX)}: {exc.message}",
                hint=f"names available to this template: {', '.join(sorted(context))}",
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{self.folder / (name + TEMPLATE_SUFFIX)}: {exc}") from None
        except TemplateError:
            raise
        except Exception as exc:  # a filter or test failing on a value in the template
            raise TemplateError(
                f"{self.folder / (name + TEMPLATE_SUFFIX)}: {type(exc).__name__}: {exc}"
            ) from None
