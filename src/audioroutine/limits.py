"""Limits on speech: one phrase, and a routine's distinct phrases, are bounded before any audio work.

A phrase is one clip: its text is spoken, trimmed and measured whole, so one very long instruction
(or a template that renders a megabyte) would start minutes or hours of synthesis without a word.
Every phrase is checked as it is rendered (``script``), and the routine's total when its script
is complete (``planning``), so ``validate``, ``show`` and ``build`` all refuse it the same way,
naming the file, the exercise and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, RoutineError

if TYPE_CHECKING:
    from .model import Routine
    from .script import Script, Where

CHARS_PER_SECOND = 14.0
"""Speaking rate used to estimate how long a text takes to say."""
MAX_PHRASE_CHARS = 1_000
"""The longest phrase (one cue): about 70 seconds of speech. The built-in routines' longest is
about 500 (an exercise's name and all its instructions, said as one cue)."""
MAX_SPEECH_CHARS = 50_000
"""The most characters of distinct phrases in one routine: about an hour of speech, each phrase
spoken once (repeats come from the clip cache). The built-in routines speak 900 to 3,600."""


class PhraseTooLong(InputError):
    """One rendered phrase over ``MAX_PHRASE_CHARS``; ``planning`` names the file and field."""

    def __init__(self, text: str, where: Where, template: str) -> None:
        super().__init__(_over(len(text), "one phrase", MAX_PHRASE_CHARS))
        self.text = text
        self.where = where
        self.template = template


def _said(chars: int) -> str:
    seconds = chars / CHARS_PER_SECOND
    if seconds >= 7200:
        return f"about {seconds / 3600:.0f} hours"
    return f"about {seconds / 60:.0f} minutes" if seconds >= 120 else f"about {seconds:.0f} seconds"


def _over(chars: int, what: str, limit: int) -> str:
    return f"{what} of {chars:,} characters ({_said(chars)} of speech) is over the limit of {limit:,}"


def check_phrase(text: str, where: Where, template: str) -> str:
    """``text``, or ``PhraseTooLong`` when it is over the limit."""
    if len(text) > MAX_PHRASE_CHARS:
        raise PhraseTooLong(text, where, template)
    return text


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _texts(routine: Routine) -> Iterator[tuple[str, str]]:
    """Every text of the routine that a cue may say, with its field as errors name it."""
    yield "title", routine.title
    if routine.source is not None:
        yield "source.author", routine.source.author or ""
        yield "source.publication", routine.source.publication or ""
    for i, item in enumerate(routine.equipment, start=1):
        yield f"equipment[{i}]", item
    for n, exercise in enumerate(routine.exercises, start=1):
        at = f"exercises[{n}] ({exercise.name})"
        yield f"{at}.name", exercise.name
        yield f"{at}.side_label", exercise.side_label
        for key in ("instructions", "equipment"):
            for i, text in enumerate(getattr(exercise, key), start=1):
                yield f"{at}.{key}[{i}]", text
        for k, variation in enumerate(exercise.variations or [], start=1):
            yield f"{at}.variations[{k}].name", variation.name
            for i, text in enumerate(variation.instructions, start=1):
                yield f"{at}.variations[{k}].instructions[{i}]", text
        for k, step in enumerate(exercise.flow or [], start=1):
            yield f"{at}.flow[{k}].pose", step.pose


def too_long(exc: PhraseTooLong, routine: Routine, path: Path) -> RoutineError:
    """The error for a long phrase, at the routine's field that makes most of it (its longest
    text found in the phrase), or at the exercise and the cue template that wrote it."""
    phrase = _fold(exc.text)
    found = [(len(text), field) for field, text in _texts(routine) if text and _fold(text) in phrase]
    if found:
        chars, field = max(found)
        hint = "shorten it, or split it into several instructions" if chars > MAX_PHRASE_CHARS else (
            "shorten it, or the other texts said in the same cue")
        return RoutineError(exc.message, path=path, field=field, hint=hint)
    where = f"exercise {exc.where.exercise_name!r}" if exc.where.exercise_name else "the routine"
    return RoutineError(f"{exc.message}: the cue template {exc.template!r} writes it for {where}", path=path)


def check_speech(script: Script, routine: Routine, path: Path) -> None:
    """The routine's distinct phrases, together, within ``MAX_SPEECH_CHARS``."""
    phrases = script.phrases()
    total = sum(len(text) for text in phrases)
    if total <= MAX_SPEECH_CHARS:
        return
    per_exercise: dict[str, int] = {}
    for text, where in script.phrase_places().items():
        if where.exercise_name:
            per_exercise[where.exercise_name] = per_exercise.get(where.exercise_name, 0) + len(text)
    most = max(per_exercise, key=lambda name: per_exercise[name], default=None)
    detail = f"; exercise {most!r} says the most ({per_exercise[most]:,} characters)" if most else ""
    raise RoutineError(
        _over(total, "the routine's speech", MAX_SPEECH_CHARS) + detail, path=path,
        hint="split it into several routines",
    )
