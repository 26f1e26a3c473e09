"""What the studio does with one routine: describe it for the tuning form, plan a tuning (no audio
work), build it, and keep a tuning (diff and save). Every step is a library call; this module only
splits the page's tuning into ``--set`` assignments and the voice's options."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..editing import (
    overrides_of,
    overrides_path,
    overrides_text,
    read_tuning,
    routine_text,
    tuning_errors,
    unified_diff,
)
from ..engines import ENGINE_NAMES
from ..errors import AudioRoutineError, InputError
from ..options import BuildOptions
from ..timeline_json import timeline_json
from .catalog import Entry
from .errors import error_json
from .state import Studio, shown

VOICE_KEYS = ("voice.engine", "voice.speed")


class Invalid(Exception):
    """A tuning with errors: ``errors`` as the page shows them (422)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "invalid")
        self.errors = errors


def split(tuning: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``--set`` assignments and the voice's options (``voice.engine``, ``voice.speed``)."""
    sets = {str(k): v for k, v in tuning.items() if k not in VOICE_KEYS}
    voice = {str(k): v for k, v in tuning.items() if k in VOICE_KEYS}
    return sets, voice


def options_for(studio: Studio, tuning: Mapping[str, Any], **more: Any) -> BuildOptions:
    """The build options for a tuning; a bad voice value raises ``Invalid`` naming its key."""
    sets, voice = split(tuning)
    changes: dict[str, Any] = {"overrides": overrides_of(sets), **more}
    if voice.get("voice.engine"):
        changes["engine"] = str(voice["voice.engine"]).strip()
        if changes["engine"] not in ENGINE_NAMES:
            raise Invalid([error_json(InputError(f"unknown engine {changes['engine']!r}; choose one of "
                                                 + ", ".join(ENGINE_NAMES)), "voice.engine")])
    if voice.get("voice.speed") not in (None, ""):
        try:
            changes["speed"] = float(voice["voice.speed"])
            dataclasses.replace(studio.options(), speed=changes["speed"])
        except (ValueError, AudioRoutineError) as exc:
            error = exc if isinstance(exc, AudioRoutineError) else InputError(f"speed {voice['voice.speed']!r}: "
                                                                              "write a number like 1.1")
            raise Invalid([error_json(error, "voice.speed")]) from None
    return dataclasses.replace(studio.options(), **changes)


def planned(studio: Studio, entry: Entry, tuning: Mapping[str, Any]) -> tuple[Any, Any, bool]:
    """The plan and timeline of the routine with this tuning (``show``: cached lengths, no audio);
    and whether some phrase's length in it is an estimate (not spoken yet)."""
    from ..show import show

    options = options_for(studio, tuning)
    sets, _ = split(tuning)

    def check(some: Mapping[str, Any]) -> object:
        return show(str(entry.path), dataclasses.replace(options, overrides=overrides_of(some)))

    try:
        plan, timeline, cues, _voice = show(str(entry.path), options)
    except InputError:
        found = tuning_errors(sets, check)
        raise Invalid([error_json(exc, key) for key, exc in found.items()]) from None
    return plan, timeline, any(cue.estimated for cue in cues)


def plan_json(studio: Studio, entry: Entry, tuning: Mapping[str, Any]) -> dict[str, Any]:
    """The tuning's time line, and what it changed in a coach's words: ``rest 15s (tuned)``, not the
    command line's ``(--set)`` (every change here was made on the page, or read from an overrides file)."""
    plan, timeline, estimated = planned(studio, entry, tuning)
    return {"timeline": timeline_json(plan, timeline, estimated=estimated),
            "changes": plan.loaded.changes.lines(lambda _: "tuned")}


def saved_tuning(studio: Studio, entry: Entry) -> dict[str, Any]:
    """The tuning kept in the routine's overrides file, if it has one."""
    path = overrides_path(entry.path, studio.folder, entry.builtin)
    return read_tuning(path) if path.is_file() else {}


def target_text(studio: Studio, entry: Entry, tuning: Mapping[str, Any], target: str) -> tuple[Path, str, str]:
    """The file a save writes (``overrides`` or ``routine``), its text now and after the save."""
    sets, _ = split(tuning)
    planned(studio, entry, tuning)  # a tuning with errors is never saved
    if target == "routine":
        if entry.builtin:
            raise Invalid([{"field": None, "message": "a built-in routine cannot be changed",
                            "hint": "Save as: a copy of it in your folder, with your title"}])
        path, new = entry.path, routine_text(entry.path, sets)
    elif target == "overrides":
        path = overrides_path(entry.path, studio.folder, entry.builtin)
        new = overrides_text(sets, path if path.is_file() else None)
    else:
        raise ValueError(target)
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    return path, old, new


def diff_json(studio: Studio, entry: Entry, tuning: Mapping[str, Any], target: str) -> dict[str, Any]:
    path, old, new = target_text(studio, entry, tuning, target)
    return {"path": shown(path), "diff": unified_diff(old, new, shown(path)), "new_file": not path.is_file()}
