"""Read routine files (YAML) into validated routines, with overrides, and errors that say where."""

from __future__ import annotations

import difflib
import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .durations import DurationSyntaxError, parse_duration
from .errors import InputError, RoutineError
from .model import DOSES, Exercise, Routine, Settings, slugify

ROUTINE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Overrides:
    """Changes a runner makes for one build without editing the routine file."""

    files: tuple[Path, ...] = ()
    """Overrides files (``--overrides``): the routine's keys, exercises by id, merged over it."""
    assignments: tuple[str, ...] = ()
    """``--set KEY=VALUE``: ``calf-stretch.hold=60s``, ``settings.rest=20s``."""
    hold: str | None = None
    """``--hold``: every timed hold (and timed work)."""
    breath: str | None = None
    rest: str | None = None
    scale: float | None = None
    """``--scale``: every hold, rest and breath stretched by this factor."""

    def __bool__(self) -> bool:
        return any(
            (self.files, self.assignments, self.hold, self.breath, self.rest, self.scale)
        )


@dataclass(frozen=True)
class LoadedRoutine:
    """A validated routine and where it came from."""

    routine: Routine
    path: Path
    slug: str
    digest: str = field(compare=False)
    """Hash of the resolved routine (after overrides): changes when anything in it changes."""


# ---------------------------------------------------------------------------- finding files


def builtin_routines_dir() -> Path:
    return Path(str(resources.files("audioroutine.routines")))


def routine_dirs(cwd: Path | None = None) -> list[Path]:
    """Where routine names are looked up: ``./routines`` first, then the built-in ones."""
    dirs: list[Path] = []
    for candidate in ((cwd or Path.cwd()) / "routines", builtin_routines_dir()):
        if candidate.is_dir() and all(candidate.resolve() != d.resolve() for d in dirs):
            dirs.append(candidate)
    return dirs


def available_routines(cwd: Path | None = None) -> list[Path]:
    """Every routine file found, one per name (``./routines`` wins over a built-in of that name)."""
    found: dict[str, Path] = {}
    for directory in routine_dirs(cwd):
        for path in sorted(directory.iterdir()):
            if path.suffix in ROUTINE_SUFFIXES and not path.name.startswith("."):
                found.setdefault(path.stem, path)
    return [found[name] for name in sorted(found)]


def find_routine(name_or_path: str, cwd: Path | None = None) -> Path:
    """A routine file from a path or from the name of a routine in ``routines/``."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    if path.is_dir():
        raise RoutineError("is a folder, not a routine file", path=path)
    known = available_routines(cwd)
    for candidate in known:
        if name_or_path in (candidate.stem, candidate.name):
            return candidate
    names = [p.stem for p in known]
    close = difflib.get_close_matches(name_or_path, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise RoutineError(
        "no such file or routine",
        path=name_or_path,
        hint=f"{hint}routines here: {', '.join(names) or 'none'}",
    )


# ---------------------------------------------------------------------------- reading YAML


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def read_yaml_mapping(path: Path, what: str = "routine") -> CommentedMap:
    """The top-level mapping of a YAML file, or a RoutineError that says what is wrong."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RoutineError("no such file", path=path) from None
    except IsADirectoryError:
        raise RoutineError(f"is a folder, not a {what} file", path=path) from None
    except OSError as exc:
        raise RoutineError(f"cannot be read ({exc.strerror})", path=path) from None
    if b"\x00" in raw:
        raise RoutineError(f"is not a text file; a {what} file is YAML text", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RoutineError(
            f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8", path=path
        ) from None
    if not text.strip():
        raise RoutineError(f"is empty; a {what} file needs at least a title", path=path)
    try:
        data = _yaml().load(io.StringIO(text))
    except MarkedYAMLError as exc:
        problem = (exc.problem or exc.context or "malformed YAML").strip()
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "<stream end>" in problem:
            mark = exc.context_mark  # an unclosed bracket or quote: point where it opened
        if exc.context and exc.context_mark is not None and exc.problem:
            problem += f" ({exc.context.strip()} on line {exc.context_mark.line + 1})"
        line = mark.line + 1 if mark is not None else None
        raise RoutineError(f"is not valid YAML: {problem}", path=path, line=line) from None
    except YAMLError as exc:
        raise RoutineError(f"is not valid YAML: {exc}", path=path) from None
    if data is None:
        raise RoutineError(f"is empty; a {what} file needs at least a title", path=path)
    if not isinstance(data, CommentedMap):
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        raise RoutineError(
            f"must be a mapping of keys (title:, exercises:, …), not {kind}", path=path, line=1
        )
    return data


def _line_of(data: Any, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest YAML node along a validation error's path."""
    line = None
    node = data
    for part in loc:
        try:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        except (AttributeError, KeyError, TypeError, IndexError):
            break
    return line


def _plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (for merging and hashing)."""
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _field_name(loc: Sequence[str | int], data: Any) -> str:
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            label = f"[{part + 1}]"
            if isinstance(node, list) and part < len(node):
                item = node[part]
                if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                    label += f" ({item['name']})"
                node = item
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(part))
            node = node.get(part) if isinstance(node, Mapping) else None
    return "".join(parts)


def _model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model whose keys are valid at a location, to suggest the key a typo meant."""
    model: Any = Routine
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return None
        annotation = info.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for inner in list(candidates):
            candidates.extend(getattr(inner, "__args__", ()))
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            return None
    return model


def _describe(error: Mapping[str, Any]) -> tuple[Sequence[str | int], str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        model = _model_at(loc[:-1])
        valid = sorted(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(str(key), valid, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return loc, f"unknown key {key!r}{hint} Valid keys here: {', '.join(valid)}"
    if kind == "missing":
        return loc, "is required"
    if kind == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        return loc, f"needs at least {least} item{'s' if least != 1 else ''}"
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return loc, message


def validate(
    data: Mapping[str, Any],
    *,
    path: Path,
    lines_from: Any = None,
    origins: Mapping[tuple[str | int, ...], str] | None = None,
) -> Routine:
    """Validate plain data into a Routine; the first problem becomes a RoutineError with its line.

    ``origins`` maps data locations changed by overrides to where the change came from, so an
    error in an override names the override, not the routine file.
    """
    try:
        return Routine.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        loc, message = _describe(errors[0])
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        for prefix, origin in (origins or {}).items():
            if tuple(loc[: len(prefix)]) == prefix:
                raise RoutineError(message + more, path=origin, field=_field_name(loc, data)) from None
        raise RoutineError(
            message + more,
            path=path,
            line=_line_of(lines_from if lines_from is not None else data, loc),
            field=_field_name(loc, data) or None,
        ) from None


# ---------------------------------------------------------------------------- overrides


def _exercise_index(data: Mapping[str, Any]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, item in enumerate(data.get("exercises") or []):
        if isinstance(item, Mapping):
            key = item.get("id") or (slugify(item["name"]) if isinstance(item.get("name"), str) else None)
            if key:
                index[str(key)] = i
    return index


def _parse_scalar(text: str) -> Any:
    try:
        return YAML(typ="safe").load(text) if text.strip() else text
    except YAMLError:
        return text


def _apply(
    data: dict[str, Any],
    dotted: list[str],
    value: Any,
    origin: str,
    origins: dict[tuple[str | int, ...], str],
) -> None:
    """Set one overridden value: ``settings.rest``, ``<exercise-id>.hold`` or a top-level key."""
    index = _exercise_index(data)
    head, rest = dotted[0], dotted[1:]
    if head in index:
        if len(rest) != 1:
            raise InputError(f"{origin}: name one key of exercise {head!r}, like {head}.hold=60s")
        key = rest[0]
        if key not in Exercise.model_fields:
            raise InputError(
                f"{origin}: exercises have no key {key!r}; valid keys: "
                + ", ".join(sorted(Exercise.model_fields))
            )
        item = dict(data["exercises"][index[head]])
        if key in DOSES:  # a new dose replaces the old one
            for other in (*DOSES, "rep_time", "lower", "window"):
                if other != key:
                    item.pop(other, None)
        item[key] = value
        data["exercises"] = list(data["exercises"])
        data["exercises"][index[head]] = item
        origins[("exercises", index[head], key)] = origin
        origins[("exercises", index[head])] = origin
        return
    if head == "settings":
        if len(rest) != 1 or rest[0] not in Settings.model_fields:
            raise InputError(
                f"{origin}: settings has no key {'.'.join(rest) or '(none)'!r}; valid keys: "
                + ", ".join(sorted(Settings.model_fields))
            )
        data["settings"] = {**(data.get("settings") or {}), rest[0]: value}
        origins[("settings", rest[0])] = origin
        return
    top_level = set(Routine.model_fields) - {"exercises", "settings"}
    if head in top_level and not rest:
        data[head] = value
        origins[(head,)] = origin
        return
    raise InputError(
        f"{origin}: {head!r} is not an exercise id or key of this routine. "
        f"Exercise ids: {', '.join(index) or 'none'}; or settings.<key>, or one of "
        + ", ".join(sorted(top_level))
    )


def _apply_file(
    data: dict[str, Any], path: Path, origins: dict[tuple[str | int, ...], str]
) -> None:
    overrides = read_yaml_mapping(path, what="overrides")
    for key, value in overrides.items():
        line = overrides.lc.key(key)[0] + 1
        origin = f"{path}:{line}"
        if key == "exercises":
            if not isinstance(value, Mapping):
                raise RoutineError(
                    "exercises in an overrides file is a mapping from exercise id to keys, "
                    "like  calf-stretch: {hold: 60s}",
                    path=path, line=line, field="exercises",
                )
            for exercise_id, changes in value.items():
                item_line = value.lc.key(exercise_id)[0] + 1
                if not isinstance(changes, Mapping):
                    raise RoutineError(
                        "give the keys to change, like  hold: 60s",
                        path=path, line=item_line, field=f"exercises.{exercise_id}",
                    )
                for sub, sub_value in changes.items():
                    sub_line = changes.lc.key(sub)[0] + 1
                    _apply(data, [str(exercise_id), str(sub)], _plain(sub_value), f"{path}:{sub_line}", origins)
        elif key == "settings" and isinstance(value, Mapping):
            for sub, sub_value in value.items():
                sub_line = value.lc.key(sub)[0] + 1
                _apply(data, ["settings", str(sub)], _plain(sub_value), f"{path}:{sub_line}", origins)
        else:
            _apply(data, [str(key)], _plain(value), origin, origins)


def _check_duration(option: str, value: str) -> None:
    try:
        seconds = parse_duration(value)
    except DurationSyntaxError as exc:
        raise InputError(f"{option} {value}: {exc}") from None
    if seconds <= 0 and option != "--rest":
        raise InputError(f"{option} {value}: must be longer than zero")


def apply_overrides(
    data: dict[str, Any], overrides: Overrides
) -> tuple[dict[str, Any], dict[tuple[str | int, ...], str]]:
    """The routine's plain data with every override merged over it, and where each came from."""
    origins: dict[tuple[str | int, ...], str] = {}
    for path in overrides.files:
        _apply_file(data, Path(path), origins)
    for assignment in overrides.assignments:
        origin = f"--set {assignment}"
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{origin}: write it as KEY=VALUE, like calf-stretch.hold=60s")
        _apply(data, key.strip().split("."), _parse_scalar(value.strip()), origin, origins)
    if overrides.hold is not None:
        _check_duration("--hold", overrides.hold)
        for i, item in enumerate(data.get("exercises") or []):
            for key in ("hold", "work"):
                value = item.get(key) if isinstance(item, Mapping) else None
                if value is not None and "breath" not in str(value):
                    data["exercises"][i] = {**data["exercises"][i], key: overrides.hold}
                    origins[("exercises", i, key)] = f"--hold {overrides.hold}"
    for option, key, value in (("--breath", "breath", overrides.breath), ("--rest", "rest", overrides.rest)):
        if value is not None:
            _check_duration(option, value)
            data["settings"] = {**(data.get("settings") or {}), key: value}
            origins[("settings", key)] = f"{option} {value}"
    return data, origins


def _scaled(routine: Routine, factor: float) -> Routine:
    """Every hold, timed work, rest, breath and own-pace window stretched by ``factor``."""
    settings = routine.settings.model_copy(
        update={
            "breath": routine.settings.breath * factor,
            "rest": routine.settings.rest * factor,
            "set_rest": routine.settings.set_rest * factor,
        }
    )
    exercises = [
        exercise.model_copy(
            update={
                "hold": exercise.hold.scaled(factor) if exercise.hold is not None else None,
                "work": exercise.work * factor if exercise.work is not None else None,
                "set_rest": exercise.set_rest * factor if exercise.set_rest is not None else None,
                "window": exercise.window * factor if exercise.window is not None else None,
            }
        )
        for exercise in routine.exercises
    ]
    return routine.model_copy(update={"settings": settings, "exercises": exercises})


# ---------------------------------------------------------------------------- the entry point


def load_routine(path: Path | str, overrides: Overrides | None = None) -> LoadedRoutine:
    """Read, merge overrides into, and validate one routine file."""
    path = Path(path)
    raw = read_yaml_mapping(path)
    data = _plain(raw)
    origins: dict[tuple[str | int, ...], str] = {}
    if overrides:
        data, origins = apply_overrides(data, overrides)
    routine = validate(data, path=path, lines_from=raw, origins=origins)
    if overrides and overrides.scale is not None:
        if not 0.1 <= overrides.scale <= 10:
            raise InputError(f"--scale {overrides.scale}: choose a factor between 0.1 and 10")
        routine = _scaled(routine, overrides.scale)
        routine = validate(routine.model_dump(mode="json"), path=path, origins={(): f"--scale {overrides.scale}"})
    digest = hashlib.sha256(
        json.dumps(routine.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    return LoadedRoutine(routine=routine, path=path, slug=slugify(path.stem), digest=digest)


def load_all(names: Iterable[str], overrides: Overrides | None = None) -> list[LoadedRoutine]:
    return [load_routine(find_routine(name), overrides) for name in names]
