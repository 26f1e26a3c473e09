"""The routines as the page reads them: the list, and one routine for the tuning form (its values
as a routine file writes them, the limits of each, its time line)."""

from __future__ import annotations

from typing import Any

from ..doses import dose_keys
from ..engines import ENGINE_NAMES
from ..model import MAX_HOLD_S, Exercise, Settings
from ..timeline_json import timeline_json
from .catalog import Entry, catalog
from .routines import plan_json, planned, saved_tuning
from .state import Studio, shown


def _limits(model: Any, names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Each field's bounds as the model checks them (``ge``/``gt``/``le``)."""
    limits: dict[str, dict[str, Any]] = {}
    for name in names:
        info = model.model_fields.get(name)
        if info is None:
            continue
        bound: dict[str, Any] = {}
        for meta in info.metadata:
            for attr, key in (("ge", "min"), ("gt", "above"), ("le", "max")):
                if getattr(meta, attr, None) is not None:
                    bound[key] = getattr(meta, attr)
        limits[name] = bound
    return limits


def limits() -> dict[str, dict[str, Any]]:
    found = _limits(Exercise, ("work", "reps", "rep_time", "lower", "rounds", "sets", "set_rest", "relax"))
    found["hold"] = {"above": 0, "max": MAX_HOLD_S, "unit": "s"}
    for name, bound in _limits(Settings, ("breath", "rest", "settle", "switch", "set_rest", "countdown")).items():
        found[f"settings.{name}"] = bound
    found["voice.speed"] = {"min": 0.8, "max": 1.25}
    return found


def routine_list(studio: Studio) -> dict[str, Any]:
    from ..errors import InputError

    rows = []
    for entry in catalog(studio.folder).values():
        try:
            plan, timeline, _ = planned(studio, entry, {})
        except Exception as exc:  # one bad file hides none of the others
            if not isinstance(exc, InputError) and type(exc).__name__ != "Invalid":
                raise
            rows.append({"id": entry.id, "title": entry.path.name, "invalid": True, "builtin": entry.builtin,
                         "built": False, "seconds": None, "exercises": 0, "when": None, "equipment": [],
                         "lang": None})
            continue
        routine = plan.loaded.routine
        rows.append({"id": entry.id, "title": routine.title, "when": routine.when, "equipment": routine.equipment,
                     "lang": routine.settings.lang, "seconds": round(timeline.seconds, 3),
                     "exercises": len(routine.exercises), "builtin": entry.builtin,
                     "built": (studio.out / f"{entry.id}.mp3").is_file(), "invalid": False})
    return {"folder": studio.folder_shown, "routines": rows}


def _exercise(exercise: Exercise, key: str) -> dict[str, Any]:
    dumped = exercise.model_dump(mode="json", exclude_none=True)
    dose = {k: dumped[k] for k in dose_keys() if k in dumped and k != "sets"}
    return {"id": key, "name": exercise.name, "dose": dose, "sets": exercise.sets, "sides": exercise.sides,
            "side_label": exercise.side_label}


def routine_detail(studio: Studio, entry: Entry) -> dict[str, Any]:
    from ..labels import labels_for

    tuning = saved_tuning(studio, entry)
    plan, timeline, estimated = planned(studio, entry, tuning)
    routine = plan.loaded.routine
    overrides = entry.path.parent / f"{entry.path.stem}.overrides.yaml"
    if entry.builtin:
        overrides = studio.folder / overrides.name
    return {
        "id": entry.id, "title": routine.title, "lang": routine.settings.lang, "builtin": entry.builtin,
        "when": routine.when, "equipment": routine.equipment,
        "file": shown(entry.path), "overrides_file": shown(overrides) if overrides.is_file() else None,
        "labels": {k: (v if isinstance(v, str) else v.get("other", ""))
                   for k, v in labels_for(routine.settings.lang).words.items()},
        "settings": routine.settings.model_dump(mode="json"),
        "voice": {"engine": studio.engine, "speed": 1.0,
                  "choices": [{"value": name, "label": name} for name in ENGINE_NAMES]},
        "exercises": [_exercise(e, key) for e, key in zip(routine.exercises, routine.exercise_ids(), strict=True)],
        "limits": limits(),
        "tuning": tuning,
        "timeline": timeline_json(plan, timeline, estimated=estimated),
    }


__all__ = ["plan_json", "routine_detail", "routine_list"]
