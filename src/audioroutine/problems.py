"""A validation problem said in a runner's words: which field (``exercises[2] (Calf stretch).hold``),
what is wrong, and how to write it instead, from one of pydantic's errors."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from .durations import format_duration
from .model import Exercise, FlowStep, Routine, Settings, Source, Variation
from .printable import for_terminal

_LENGTHS = "hold: 30s  (a still hold) or  work: 1m  (timed work)"
_SETTING = "{key} is a setting: put it under  settings:, like  settings: {{{key}: {example}}}"
KEY_HINTS: dict[type[BaseModel], dict[str, str]] = {
    Exercise: {
        "rest": "an exercise's rests are  set_rest: 30s  (between its sets) or  rest_after: 30s  (after it); "
                "settings.rest sets every rest between exercises",
        **dict.fromkeys(("duration", "time", "length", "seconds", "secs", "minutes"), f"say how long with  {_LENGTHS}"),
        "breaths": "a hold counted in breaths is  hold: 6 breaths",
        **dict.fromkeys(("rep", "repetitions", "repeats", "count"), "write the repetitions as  reps: 10"),
        "side": "write  sides: [right, left]  (or  sides: both)",
        **dict.fromkeys(("steps", "poses"), "a flow's poses are  flow: [{breath: in, pose: Reach up}, …]"),
        "title": "an exercise's name is  name: Calf stretch",
        **dict.fromkeys(("instruction", "description", "cues", "steps_text"),
                        "what to do is  instructions: [Stand tall., Lift your heels.]"),
    },
    Settings: {
        "rest_between_sets": "the rest between sets is  set_rest: 20s",
        "hold": "each exercise has its own  hold: 30s  (build with --hold 45s to change every timed hold)",
    },
    Routine: {
        "name": "a routine's name is its  title: Calf care",
        **{key: _SETTING.format(key=key, example=example) for key, example in
           (("rest", "20s"), ("breath", "5s"), ("set_rest", "20s"), ("pause", "0.5s"), ("lang", "en"))},
        **dict.fromkeys(("hold", "reps"), "each exercise has its own dose, under  exercises:"),
    },
}
SHAPES: dict[type[BaseModel], str] = {
    Routine: "keys and values, like  title: Calf care",
    Settings: "keys and values, like  rest: 20s  on lines of their own (no '-' before them)",
    Exercise: "keys and values: write  - name: Calf stretch  and its  hold: 30s  on the next line, lined up "
              "with name",
    Variation: "keys and values, like  - name: Knees straight",
    FlowStep: "a pose and its breath, like  - {breath: in, pose: Reach up}",
    Source: "keys and values, like  publication: Canadian Running",
}
CHOICES = {"sides": "is not a side; choose right or left (or  sides: both)",
           "when": "choose pre-run, post-run or any time", "breath": "choose in or out"}
PATTERNS = {"id": "must be lowercase words joined by hyphens, like calf-stretch",
            "lang": "must be a language code, like en or en-GB"}
REQUIRED = {"title": "is required, like  title: Calf care",
            "name": "is required: every exercise has a name, like  - name: Calf stretch",
            "exercises": "is required: list the exercises, each starting with  - name:",
            "breath": "is required: in or out", "pose": "is required: what to do on this breath"}


def field_name(loc: Sequence[str | int], data: Any) -> str:
    """``exercises[2] (Calf stretch).hold``: the field as a coach finds it in the file."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            label = f"[{part + 1}]"
            if isinstance(node, list) and part < len(node):
                item = node[part]
                if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                    label += f" ({for_terminal(item['name'])})"
                node = item
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(part))
            node = node.get(part) if isinstance(node, Mapping) else None
    return "".join(parts)


def model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
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


def _unknown_key(loc: tuple) -> str:
    key = str(loc[-1])
    model = model_at(loc[:-1])
    valid = sorted(model.model_fields) if model is not None else []
    hint = KEY_HINTS.get(model, {}).get(key.lower()) if model is not None else None
    if hint:
        return f"unknown key {key!r}: {hint}"
    close = difflib.get_close_matches(key, valid, n=1)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}. Valid keys here: {', '.join(valid)}"


def _is_seconds(loc: tuple) -> bool:
    model = model_at(loc[:-1])
    info = model.model_fields.get(str(loc[-1])) if model is not None else None
    if info is None:
        return False
    from .model import Seconds  # a length written like 30s: a float read by the duration parser

    read_as_length = [m for m in getattr(Seconds, "__metadata__", ()) if m in info.metadata]
    return bool(read_as_length) or Seconds in getattr(info.annotation, "__args__", ())


def _bound(loc: tuple, value: object) -> str:
    return format_duration(float(value)) if _is_seconds(loc) and isinstance(value, int | float) else str(value)


def _a(value: object) -> str:
    """What a value is, as a coach says it: a list, a mapping, a number."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "keys and values"
    return "true or false" if isinstance(value, bool) else "a number" if isinstance(value, int | float) else "that"


def describe(error: Mapping[str, Any]) -> tuple[tuple[str | int, ...], str]:
    """The location of one of pydantic's errors, and what to tell the runner."""
    loc = tuple(part for part in error["loc"] if isinstance(part, int) or not str(part).startswith("function-"))
    kind, ctx = error["type"], error.get("ctx", {})
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    if kind == "extra_forbidden":
        return loc, _unknown_key(loc)
    if kind == "missing":
        return loc, REQUIRED.get(field, "is required")
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return loc, f"needs at least {least} item{'s' if least != 1 else ''}"
    if kind == "too_long":
        return loc, f"has more than {ctx.get('max_length')}: " + ("name right, left or both" if field == "sides"
                                                                   else "remove the extra")
    bounds = {"greater_than": ("more than", "gt"), "greater_than_equal": ("at least", "ge"),
              "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}
    if kind in bounds:
        words, key = bounds[kind]
        return loc, f"must be {words} {_bound(loc, ctx.get(key))}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return loc, "must be a whole number, like 10"
    if kind in ("bool_parsing", "bool_type"):
        return loc, f"{error.get('input')!r} is not true or false; write true or false"
    if kind == "literal_error":
        return loc, (f"{error.get('input')!r} " if field == "sides" else "") + CHOICES.get(
            field, "choose " + str(ctx.get("expected", "")))
    if kind == "string_pattern_mismatch":
        return loc, PATTERNS.get(field, "is not written as expected")
    if kind == "string_type":
        return loc, f"must be text, not {_a(error.get('input'))}"
    if kind == "list_type":
        if loc == ("exercises",):
            return loc, "must be a list: start each exercise with  - name:"
        return loc, "must be a list, like [a, b]"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        model = model_at(loc) if not isinstance(loc[-1], int) else model_at(loc[:-1])
        return loc, "must be " + SHAPES.get(model, "keys and values (key: value)")
    return loc, error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
