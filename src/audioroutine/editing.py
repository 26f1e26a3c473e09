"""Keep a tuning: ``--set`` assignments (``calf-stretch.hold=45s``) checked key by key through the
loader, written as an overrides file or into the routine file itself (comments and layout kept, by a
ruamel round trip), shown first as a unified diff, or saved as a copy under a new title. A tuning is
checked by the loader as the CLI's ``--set`` is: the limits and messages are the loader's own."""

from __future__ import annotations

import difflib
import io
import os
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from .changes import exercise_index
from .errors import AudioRoutineError, InputError, RoutineError
from .model import slugify
from .outfiles import discard, write_temporary
from .overrides import Overrides
from .yamlbounds import bounded_yaml
from .yamlfile import parse_scalar, plain, read_yaml_mapping

Tuning = Mapping[str, Any]
"""``--set`` keys and their values: ``{"calf-stretch.hold": "45s", "settings.rest": "20s"}``."""

OVERRIDES_SUFFIX = ".overrides.yaml"


class NameTaken(InputError):
    """A new routine's file name is a routine that exists already."""


def value_text(value: Any) -> str:
    """A form's value as the text after ``--set KEY=``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def assignments(tuning: Tuning) -> tuple[str, ...]:
    """The tuning as ``--set`` assignments, in its order."""
    return tuple(f"{key}={value_text(value)}" for key, value in tuning.items())


def overrides_of(tuning: Tuning) -> Overrides:
    return Overrides(assignments=assignments(tuning))


def tuning_errors(tuning: Tuning, check: Callable[[Tuning], object]) -> dict[str | None, AudioRoutineError]:
    """What is wrong with a tuning, by key: ``check`` (a load or plan with these assignments) is
    tried with all of them, and when that fails with each alone, so that every bad key is named
    with its own message. A problem of none alone (a cue with no room) comes under ``None``."""
    try:
        check(tuning)
        return {}
    except InputError as exc:
        together = exc
    found: dict[str | None, AudioRoutineError] = {}
    for key, value in tuning.items():
        try:
            check({key: value})
        except InputError as exc:
            found[key] = exc
    return found or {None: together}


def overrides_path(routine: Path, folder: Path, builtin: bool) -> Path:
    """Where a routine's overrides file goes: beside it, or in the user's folder for a built-in one."""
    return (folder if builtin else routine.parent) / f"{routine.stem}{OVERRIDES_SUFFIX}"


def read_tuning(path: Path) -> dict[str, Any]:
    """An overrides file's settings and exercises as a tuning (other keys as top-level ones; its
    ``pronounce:`` is not a tuning: ``overrides_text`` keeps it as it is)."""
    data = plain(read_yaml_mapping(path, what="overrides"))
    tuning: dict[str, Any] = {}
    for key, value in data.items():
        if key == "pronounce":
            continue
        if key in ("settings", "exercises") and isinstance(value, Mapping):
            for name, inner in value.items():
                if key == "settings":
                    tuning[f"settings.{name}"] = inner
                elif isinstance(inner, Mapping):
                    tuning.update({f"{name}.{field}": v for field, v in inner.items()})
        else:
            tuning[key] = value
    return {key: value_text(value) for key, value in tuning.items()}


def _dump(data: Any) -> str:
    yaml = bounded_yaml()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    text = io.StringIO()
    yaml.dump(data, text)
    return text.getvalue()


def _entry(mapping: Any, key: str) -> Any:
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(mapping.get(key), Mapping):
        mapping[key] = CommentedMap()
    return mapping[key]


def overrides_text(tuning: Tuning, existing: Path | None = None) -> str:
    """The overrides file for this tuning (docs/routine-format.md), over ``existing``'s text
    (its comments kept, its keys replaced by the tuning's)."""
    from ruamel.yaml.comments import CommentedMap

    data = read_yaml_mapping(existing, what="overrides") if existing is not None and existing.exists() \
        else CommentedMap()
    for key in [k for k in data if k != "pronounce"]:  # the tuning is the whole of the rest
        del data[key]
    _put(data, tuning, lambda exercise, key: _entry(_entry(data, "exercises"), exercise))
    return _dump(data)


def routine_text(path: Path, tuning: Tuning, title: str | None = None) -> str:
    """The routine file with the tuning written into it: comments, order and layout kept."""
    data = read_yaml_mapping(path)
    index = exercise_index(plain(data))

    def exercise_at(exercise: str, key: str) -> Any:
        if exercise not in index:
            raise RoutineError(f"{exercise!r} is not an exercise id of this routine", path=path, field=key)
        return data["exercises"][index[exercise]]

    _put(data, tuning, exercise_at)
    if title is not None:
        data["title"] = title
    return _dump(data)


def _put(data: MutableMapping[str, Any], tuning: Tuning, exercise: Callable[[str, str], Any]) -> None:
    """Each ``--set`` key's value into ``data``: a top-level key, ``settings.FIELD``, or
    ``EXERCISE.FIELD`` into the mapping ``exercise(id, key)`` gives."""
    for key, value in tuning.items():
        head, _, field = key.partition(".")
        parsed = parse_scalar(value_text(value))
        if not field:
            data[head] = parsed
        elif head == "settings":
            _entry(data, "settings")[field] = parsed
        else:
            exercise(head, key)[field] = parsed


def unified_diff(old: str, new: str, shown: str) -> str:
    """What a save changes, as ``diff -u`` shows it (``shown``: the file's name for the user)."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"a/{shown}", tofile=f"b/{shown}"))


def save_text(path: Path, text: str, *, exclusive: bool = False) -> Path:
    """Write ``text`` to ``path`` through a temporary file renamed into place (``exclusive``: never
    over an existing file: ``NameTaken``)."""
    tmp = write_temporary(path, text)
    try:
        if exclusive:
            try:
                os.link(tmp, path)  # atomic, and refuses an existing name
            except FileExistsError:
                raise NameTaken(f"{path.name} exists already", hint="choose another title") from None
        else:
            os.replace(tmp, path)
    finally:
        discard(tmp)
    return path


def save_as_path(folder: Path, title: str, taken: Callable[[str], bool]) -> Path:
    """The new routine file for ``title`` in ``folder``: its slug, refused when a routine has it."""
    if not title or not title.strip():
        raise RoutineError("a routine needs a title", field="title")
    slug = slugify(title)
    if taken(slug) or (folder / f"{slug}.yaml").exists():
        raise NameTaken(f"a routine named {slug} exists already", hint="choose another title")
    return folder / f"{slug}.yaml"
