"""The sandbox cue templates run in: they read the routine and cannot change it.

A template is handed read-only views of the validated routine (:func:`read_only`): a model shows
its fields and its own properties, a list is a tuple, a mapping a mapping proxy. Trying to change
one (``{% do exercises.clear() %}``, ``{{ exercises.append(1) }}``) is a ``SecurityError`` that
the template's caller reports at the template's file and line (:func:`template_line`).

Why views and not jinja2's ``ImmutableSandboxedEnvironment``: that sandbox refuses ``append`` on
every list, including lists a template makes for itself, and the built-in macros (and every
user's folder copied from them) build their sentences with ``{% do said.append(...) %}``. Views
protect exactly the routine, and templates work as before.

The sandbox also refuses a repetition or a power that would make a huge value
(``{{ "x" * 10**9 }}``): one such line would take gigabytes before any check of the text.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from types import MappingProxyType, TracebackType
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

MAX_REPEAT = 1_000_000
"""The most items (characters) one ``*`` may make in a template."""
MAX_EXPONENT = 1_000
"""The largest exponent of ``**`` in a template."""
_CHANGES = frozenset({
    "append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort",
    "update", "setdefault", "popitem", "add", "discard",
})
"""Methods that change a list, a mapping or a set."""
_BASE_NAMES = frozenset(name for klass in BaseModel.__mro__ for name in vars(klass))


class ReadOnlyList(tuple):
    """A list of the routine as a template sees it."""

    __slots__ = ()


class ReadOnlyModel:
    """A model of the routine as a template sees it: its fields and its own properties and
    methods (``exercise.key``), each value itself read-only; pydantic's machinery is hidden."""

    __slots__ = ("_model",)

    def __init__(self, model: BaseModel) -> None:
        object.__setattr__(self, "_model", model)

    def __getattr__(self, name: str) -> Any:
        model = self._model
        if name.startswith("_") or (name in _BASE_NAMES and name not in type(model).model_fields):
            raise AttributeError(name)
        return read_only(getattr(model, name))

    def __setattr__(self, name: str, value: Any) -> None:
        raise SecurityError("a cue template cannot change the routine")

    def __eq__(self, other: object) -> bool:
        return self._model == (other._model if isinstance(other, ReadOnlyModel) else other)

    def __hash__(self) -> int:
        return hash(self._model)

    def __str__(self) -> str:
        return str(self._model)

    def __repr__(self) -> str:
        return repr(self._model)


def read_only(value: Any) -> Any:
    """``value`` as a template may see it: models, lists, mappings and sets as read-only views;
    anything else (text, numbers, frozen values such as a ``Hold``) as it is."""
    if isinstance(value, BaseModel):
        return ReadOnlyModel(value)
    if isinstance(value, list | tuple) and not isinstance(value, ReadOnlyList):
        return ReadOnlyList(read_only(item) for item in value)
    if isinstance(value, Mapping) and not isinstance(value, MappingProxyType):
        return MappingProxyType({key: read_only(item) for key, item in value.items()})
    if isinstance(value, set):
        return frozenset(value)
    return value


class CueSandbox(SandboxedEnvironment):
    """jinja2's sandbox, with the routine's views read-only and no huge repetitions or powers."""

    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute in _CHANGES and isinstance(obj, ReadOnlyList | ReadOnlyModel | MappingProxyType | frozenset):
            raise SecurityError(f"a cue template cannot change the routine (it calls {attribute!r} on it)")
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                    raise SecurityError(f"the template repeats a text or list into over {MAX_REPEAT:,} items")
            return operator.mul(left, right)
        if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"the template raises a number to a power over {MAX_EXPONENT:,}")
        return operator.pow(left, right)


def template_line(exc: BaseException, suffix: str) -> str | None:
    """``file:line`` of the innermost template (a file ending in ``suffix``) running when
    ``exc`` was raised, from jinja2's rewritten traceback; None when there is none."""
    found: str | None = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(suffix):
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
