"""Which file a build writes for a routine, and what goes in it: the routine's own file, a named
variant beside it (``--name 45s``: ``<slug>-45s.mp3``), or a preview of a part of it (``--only
EXERCISE_ID``, ``--first 2m``: ``<slug>.preview.mp3``), never written over the routine's own file.

A routine's slug holds only ``a-z``, ``0-9`` and ``-``, so a preview's name (with a dot) is never
another routine's. A variant is the whole routine: only its file's name and its title tag differ
(the voice says the routine's own title). A preview of ``--only`` keeps the exercises' own cues
(chimes, name, instructions, dose, set rests) and leaves out the intro, the outro and the rests
between exercises; ``--first`` is cut when its clips' lengths are known (``preview``).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .durations import DurationSyntaxError, format_duration, parse_duration
from .errors import OptionError
from .model import Routine, slugify
from .script import Script

if TYPE_CHECKING:
    from .planning import Plan

PREVIEW = ".preview"
"""Added to a preview's name: ``<slug>.preview.mp3``."""
MAX_NAME = 40
"""Characters of a variant's name, at most: it goes into file names."""


@dataclass(frozen=True)
class Output:
    """What a build writes for each routine: by default, the routine itself as ``<slug>.mp3``."""

    name: str | None = None
    """A variant's name as given (``45s``); its file is ``<slug>-<slugified name>.mp3``."""
    only: tuple[str, ...] = ()
    """A preview of these exercises only (their ids), in the routine's order."""
    first_s: float | None = None
    """A preview of the routine's first seconds, cut after the last cue that fits."""

    @classmethod
    def of(cls, name: str | None, only: Sequence[str] = (), first: str | float | None = None) -> Output:
        """The output a build's options ask for; a bad value is an ``OptionError``."""
        if name is not None:
            name = " ".join(name.split())
            if not name or (slugify(name) == "routine" and "routine" not in name.lower()):  # no letters
                raise OptionError("give a name with letters or digits, e.g. 45s or beginners", option="name",
                                  value=repr(name))
            if len(name) > MAX_NAME:
                raise OptionError(f"is longer than {MAX_NAME} characters", option="name", value=repr(name[:20] + "…"))
        first_s = None
        if first is not None:
            try:
                first_s = parse_duration(first)
            except DurationSyntaxError as exc:
                raise OptionError(str(exc), option="first", value=first) from None
            if not 0 < first_s <= 24 * 3600:
                raise OptionError("must be a length over zero, e.g. 2m", option="first", value=first)
        return cls(name, tuple(dict.fromkeys(only)), first_s)

    @property
    def preview(self) -> bool:
        return bool(self.only) or self.first_s is not None

    def stem(self, slug: str) -> str:
        """The name of the files written for the routine ``slug`` (without ``.mp3``)."""
        stem = f"{slug}-{slugify(self.name)}" if self.name else slug
        return stem + PREVIEW if self.preview else stem

    def title(self, routine: Routine) -> str:
        """The title tag: the routine's, with what this file is: ``Calf care (45s)``,
        ``Calf care (preview: Wall stretch)``, ``Calf care (45s, preview: first 2m)``."""
        what = [self.name] if self.name else []
        names = {exercise.key: exercise.name for exercise in routine.exercises}
        part = [names[key] for key in self.only]
        if self.first_s is not None:
            part.append(f"first {format_duration(self.first_s)}")
        if part:
            what.append("preview: " + ", ".join(part))
        return f"{routine.title} ({', '.join(what)})" if what else routine.title

    def key(self) -> dict[str, Any] | None:
        """What the fingerprint holds of it (``None`` for the routine's own file: its fingerprint
        stays as it was)."""
        if self == Output():
            return None
        return {"name": self.name, "only": list(self.only), "first": self.first_s}

    def apply(self, plan: Plan) -> Plan:
        """The plan of this output: its name and title, and for ``only`` its exercises' cues alone."""
        plan = replace(plan, output=self)
        if not self.only:
            return plan
        check_ids(self.only, plan)
        return replace(plan, script=only_exercises(plan.script, self.only))


def check_ids(ids: Sequence[str], plan: Plan) -> None:
    """Every id is one of the routine's exercises, or an ``OptionError`` listing them."""
    known = plan.loaded.routine.exercise_ids()
    for wanted in ids:
        if wanted not in known:
            close = difflib.get_close_matches(wanted, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise OptionError(f"is not an exercise of {plan.loaded.path}", option="only", value=wanted,
                              hint=f"{hint}its exercise ids: {', '.join(known)}")


def only_exercises(script: Script, ids: Sequence[str]) -> Script:
    """The script's cues of these exercises alone (from each one's start chime to its end chime),
    in the routine's order: no intro, outro, or rest between exercises."""
    wanted = set(ids)
    segments = tuple(s for s in script.segments if s.where.exercise in wanted)
    titles = {key: title for key, title in script.titles.items() if key in wanted}
    return replace(script, segments=segments, titles=titles)
