"""A routine's time line as plain JSON for a page: chapters, each cue where it falls, the timed
stretches (holds, rests) as spans, and the total; from a planned timeline or a built cue sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cuesheet import CueSheet
    from .planning import Plan
    from .timeline import Timeline


def _s(samples: int, rate: int) -> float:
    return round(samples / rate, 3)


def timeline_json(plan: Plan, timeline: Timeline, *, estimated: bool = False) -> dict[str, Any]:
    """``{"seconds", "samples", "rate", "estimated", "chapters", "cues", "spans"}`` (times in seconds;
    ``estimated``: some phrase is not spoken yet, its length estimated from its letters)."""
    rate = timeline.rate
    cues, spans = [], []
    for event in sorted(timeline.events, key=lambda e: (e.start, e.text is not None)):
        start, end = _s(event.start, rate), _s(event.end, rate)
        if event.text is not None or event.chime:
            cues.append({"start": start, "end": end, "kind": "speech" if event.text is not None else "chime",
                         "text": event.text, "exercise": event.where.exercise})
        else:
            spans.append({"start": start, "end": end, "kind": event.kind, "exercise": event.where.exercise})
    chapters = [{"id": c.id, "title": c.title, "start": _s(c.start, rate), "end": _s(c.end, rate)}
                for c in timeline.chapters]
    return {"seconds": round(timeline.seconds, 3), "samples": timeline.total, "rate": rate, "estimated": estimated,
            "title": plan.title, "chapters": chapters, "cues": cues, "spans": spans}


def sheet_json(sheet: CueSheet) -> dict[str, Any]:
    """A built MP3's cue sheet in the same shape (its own times, which the player hears)."""
    cues = [{"start": c.start_s, "end": c.end_s, "kind": "speech" if c.text else "chime", "text": c.text,
             "exercise": c.exercise} for c in sheet.cues if c.text or c.chime]
    spans = [{"start": c.start_s, "end": c.end_s, "kind": c.kind, "exercise": c.exercise}
             for c in sheet.cues if not (c.text or c.chime)]
    chapters = [{"id": c.id, "title": c.title, "start": c.start_s, "end": c.end_s} for c in sheet.chapters]
    return {"seconds": sheet.duration_s, "samples": sheet.samples, "rate": sheet.sample_rate,
            "title": sheet.title, "chapters": chapters, "cues": cues, "spans": spans}
