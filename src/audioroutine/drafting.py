"""A new routine from a form: the form's fields as a routine file a person can read (keys in the
order docs/routine-format.md uses, block style, instructions as a list), checked by the real loader
and planner, its problems listed as ``validate`` says them, each with its field path."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InputError, RoutineError
from .model import Routine
from .problems import describe, field_name
from .yamlbounds import bounded_yaml
from .yamlfile import parse_scalar, plain

SIDES = {"both": ["right", "left"], "right": ["right"], "left": ["left"]}


@dataclass(frozen=True)
class Problem:
    field: str | None
    """The field's path in the form's terms: ``exercises.2.name``, ``title``."""
    message: str
    """As ``validate`` says it: ``exercises[3] (Calf stretch).hold: …``."""
    hint: str | None = None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _exercise(item: Mapping[str, Any]) -> dict[str, Any]:
    exercise: dict[str, Any] = {"name": _text(item.get("name"))}
    lines = item.get("instructions") or []
    lines = [_text(line) for line in (lines.splitlines() if isinstance(lines, str) else lines)]
    exercise["instructions"] = [line for line in lines if line]
    for key, value in (item.get("dose") or {}).items():
        if _text(value):
            exercise[str(key)] = parse_scalar(_text(value))
    sides = SIDES.get(_text(item.get("sides")) or "none")
    if sides:
        exercise["sides"] = sides
    sets = _text(item.get("sets"))
    if sets and sets != "1":
        exercise["sets"] = parse_scalar(sets)
    return exercise


def routine_data(form: Mapping[str, Any]) -> dict[str, Any]:
    """The routine file's data from the form, in the documented order, empty fields left out."""
    data: dict[str, Any] = {"title": _text(form.get("title"))}
    for key in ("description", "when"):
        if _text(form.get(key)):
            data[key] = _text(form.get(key))
    source = {k: _text(v) for k, v in (form.get("source") or {}).items() if _text(v)}
    if source:
        data["source"] = source
    equipment = [_text(e) for e in form.get("equipment") or [] if _text(e)]
    if equipment:
        data["equipment"] = equipment
    if _text(form.get("lang")) and _text(form.get("lang")) != "en":
        data["settings"] = {"lang": _text(form.get("lang"))}
    data["exercises"] = [_exercise(item) for item in form.get("exercises") or [] if isinstance(item, Mapping)]
    return data


def routine_yaml(data: Mapping[str, Any]) -> str:
    """The data as a routine file: block style, lists of words (equipment, sides) on one line."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def styled(node: Any, key: str = "") -> Any:
        if isinstance(node, Mapping):
            return CommentedMap((k, styled(v, str(k))) for k, v in node.items())
        if isinstance(node, list):
            seq = CommentedSeq(styled(v) for v in node)
            if key in ("equipment", "sides"):
                seq.fa.set_flow_style()
            return seq
        return node

    yaml = bounded_yaml()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    text = io.StringIO()
    yaml.dump(styled(data), text)
    return text.getvalue()


def _path(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in loc)


def problems(data: Mapping[str, Any], shown: str = "new routine") -> list[Problem]:
    """Every problem of the routine, as ``validate`` lists them; none when it can be built."""
    try:
        Routine.model_validate(data)
    except ValidationError as exc:
        found = list(dict.fromkeys(describe(error) for error in exc.errors()))
        return [Problem(_path(loc), str(RoutineError(message, path=shown, field=field_name(loc, data) or None)))
                for loc, message in found]
    return _plan_problems(data, shown)


def _plan_problems(data: Mapping[str, Any], shown: str) -> list[Problem]:
    """The planner's checks (phrase and speech limits, room for each cue) on the file as written."""
    from .options import BuildOptions
    from .planning import plan_routines

    with tempfile.TemporaryDirectory(prefix="audioroutine-draft-") as folder:
        path = Path(folder) / "draft.yaml"
        path.write_text(routine_yaml(data), encoding="utf-8")
        try:
            plan_routines([str(path)], BuildOptions())
        except InputError as exc:
            field = getattr(exc, "field", None)
            message = exc.message.replace(str(path), shown)
            return [Problem(None if not field else str(field), message, exc.hint)]
    return []


def draft(form: Mapping[str, Any], shown: str = "new routine") -> tuple[str, list[Problem]]:
    """The routine file the form makes, and its problems."""
    data = plain(routine_data(form))
    return routine_yaml(data), problems(data, shown)
