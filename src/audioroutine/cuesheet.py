"""The cue sheet: the timeline written out, every time where it is in the MP3."""

from __future__ import annotations

from typing import Any

from .constants import CUE_SHEET_VERSION
from .engines import Engine
from .loader import LoadedRoutine
from .timeline import Timeline


def _s(samples: int, rate: int) -> float:
    return round(samples / rate, 4)


def cue_sheet(loaded: LoadedRoutine, timeline: Timeline, engine: Engine, fingerprint: str) -> dict[str, Any]:
    routine = loaded.routine
    rate = timeline.rate
    cues = []
    for event in sorted(timeline.events, key=lambda e: (e.start, e.text is not None)):
        cue: dict[str, Any] = {
            "kind": event.kind,
            "start_s": _s(event.start, rate),
            "end_s": _s(event.end, rate),
        }
        if event.text is not None:
            cue["text"] = event.text
        if event.chime:
            cue["chime"] = event.chime
        where = event.where
        for key in ("exercise", "side", "set", "rep", "variation"):
            value = getattr(where, key)
            if value is not None:
                cue[key] = value
        cues.append(cue)
    return {
        "version": CUE_SHEET_VERSION,
        "routine": loaded.slug,
        "title": routine.title,
        "description": routine.description,
        "when": routine.when,
        "source": routine.source.model_dump(exclude_none=True) if routine.source else None,
        "equipment": list(routine.equipment),
        "duration_s": _s(timeline.total, rate),
        "samples": timeline.total,
        "sample_rate": rate,
        "engine": engine.name,
        "voice": engine.voice,
        "lang": engine.lang,
        "settings": routine.settings.model_dump(mode="json"),
        "exercises": [
            {"id": e.key, "name": e.name, "dose": _dose(e, routine.settings.breath)}
            for e in routine.exercises
        ],
        "fingerprint": fingerprint,
        "chapters": [
            {"id": c.id, "title": c.title, "start_s": _s(c.start, rate), "end_s": _s(c.end, rate)}
            for c in timeline.chapters
        ],
        "cues": cues,
    }


def _dose(exercise, breath: float) -> dict[str, Any]:
    dose: dict[str, Any] = {"sets": exercise.sets}
    if exercise.hold is not None:
        dose["hold"] = str(exercise.hold)
        dose["hold_s"] = round(exercise.hold.length(breath), 3)
    if exercise.work is not None:
        dose["work_s"] = round(exercise.work, 3)
    if exercise.reps is not None:
        dose["reps"] = exercise.reps
    if exercise.flow is not None:
        dose["flow_steps"] = len(exercise.flow)
        dose["rounds"] = exercise.rounds
    if exercise.sides:
        dose["sides"] = list(exercise.sides)
    if exercise.variations:
        dose["variations"] = [v.name for v in exercise.variations]
    return dose
