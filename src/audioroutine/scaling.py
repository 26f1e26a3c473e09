"""Scaling: every length of a validated routine stretched by one factor (``--scale``), except the
lengths an override named (a value someone wrote for this build is kept as written)."""

from __future__ import annotations

import logging

from .changes import Change, OptionValue, Origins
from .doses import dose_of
from .errors import OptionError
from .model import Exercise, Routine

log = logging.getLogger(__name__)

MIN_SCALE, MAX_SCALE = 0.1, 10.0
SCALED_SETTINGS = ("breath", "rest", "set_rest")
"""The settings a scale factor stretches."""


def check_scale(factor: object) -> float:
    """The scale option's factor: a finite number from ``MIN_SCALE`` to ``MAX_SCALE``."""
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not MIN_SCALE <= factor <= MAX_SCALE:
        raise OptionError(f"choose a factor between {MIN_SCALE:g} and {MAX_SCALE:g}", option="scale", value=factor)
    return float(factor)


def _exercise_update(exercise: Exercise, i: int, factor: float, fixed: Origins) -> tuple[dict, list[str]]:
    """The exercise's stretched fields that no override named, and those that one did."""
    update = {key: value for key, value in dose_of(exercise).scale(exercise, factor).items() if value is not None}
    if exercise.hold is not None and exercise.hold.seconds is None:
        update.pop("hold", None)  # a breath count keeps its count (the breath stretches)
    for key in ("set_rest", "rest_after"):
        if getattr(exercise, key) is not None:
            update[key] = getattr(exercise, key) * factor
    kept = [key for key in update if ("exercises", i, key) in fixed]
    return {key: value for key, value in update.items() if key not in kept}, kept


def scaled(routine: Routine, factor: float, fixed: Origins | None = None) -> tuple[Routine, Change]:
    """Every hold, timed work, relaxation, rest, breath and own-pace window stretched by ``factor``, except
    those at a location in ``fixed`` (the overrides' origins); and the change, as a coach reads it.

    The result is not validated: validate its data (a stretched hold may be over the limit).
    """
    factor = check_scale(factor)
    fixed = fixed or {}
    log.info("scaling every length by %g", factor)
    kept: list[tuple[str, str]] = []
    settings_update = {}
    for key in SCALED_SETTINGS:
        if ("settings", key) in fixed:
            kept.append((key, fixed[("settings", key)].source()))
        else:
            settings_update[key] = getattr(routine.settings, key) * factor
    exercises = []
    for i, exercise in enumerate(routine.exercises):
        update, kept_keys = _exercise_update(exercise, i, factor, fixed)
        kept += [(f"{exercise.key} {key}", fixed[("exercises", i, key)].source()) for key in kept_keys]
        exercises.append(exercise.model_copy(update=update))
    timed = any((dose_of(e).timed and not (e.hold is not None and e.hold.breaths)) or e.relax is not None
                for e in routine.exercises)
    note = None if timed else "no timed holds here, only rests and breaths"
    change = Change(OptionValue("scale", factor), "every length", f"x{factor:g}", kept=tuple(kept), note=note)
    routine = routine.model_copy(update={"settings": routine.settings.model_copy(update=settings_update),
                                         "exercises": exercises})
    return routine, change
