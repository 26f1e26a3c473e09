"""Plan routines: load and validate them, and render their scripts, before any audio work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .chimes import chime_length
from .constants import SAMPLE_RATE
from .errors import InputError, option
from .limits import CHARS_PER_SECOND, PhraseTooLong, check_speech, too_long
from .loader import LoadedRoutine, load_routine
from .options import BuildOptions
from .room import NoRoom, length_problems
from .routine_files import available_routines, find_routine
from .script import Script, render_script
from .templates import CueTemplates
from .timeline import build_timeline

__all__ = ["CHARS_PER_SECOND", "Plan", "estimate_samples", "plan_routine", "plan_routines"]



@dataclass(frozen=True)
class Plan:
    """One routine ready to build: its script, and the templates that wrote it."""

    loaded: LoadedRoutine
    templates: CueTemplates
    script: Script

    @property
    def slug(self) -> str:
        return self.loaded.slug


def estimate_samples(text: str) -> int:
    """A phrase's length before it is spoken, from its number of characters."""
    return int(len(text) / CHARS_PER_SECOND * SAMPLE_RATE) + SAMPLE_RATE // 5


def plan_routine(loaded: LoadedRoutine, templates: CueTemplates) -> Plan:
    """Render the routine's script. The intro announces the length, estimated from a first pass
    so that the words (and so the clips) do not depend on what happens to be cached.

    Refused here, before any audio work (so ``validate`` and ``show`` say it too): a phrase or a
    routine's speech over the limits (``limits``), and timings that leave a cue no room to be
    heard, judged with the estimated lengths (``room``; the build checks the exact ones again)."""
    routine = loaded.routine
    try:
        problems = length_problems(routine, templates, estimate_samples, SAMPLE_RATE)
        draft = render_script(routine, templates)
        try:
            total = build_timeline(draft, estimate_samples, chime_length).seconds
        except NoRoom as exc:
            problems += exc.problems
        if problems:
            raise NoRoom(problems, loaded.path)
        script = render_script(routine, templates, total_seconds=total)
    except PhraseTooLong as exc:
        raise too_long(exc, routine, loaded.path) from None
    check_speech(script, routine, loaded.path)
    return Plan(loaded, templates, script)


def plan_routines(names: Sequence[str], options: BuildOptions) -> list[Plan]:
    """Load, validate and render every routine before any audio work: bad input stops it all."""
    overrides = options.routine_overrides()
    if not names:
        raise InputError(f"name at least one routine, or use {option('all')}")
    loaded = [load_routine(find_routine(name), overrides) for name in names]
    templates: dict[str, CueTemplates] = {}
    for routine in loaded:
        lang = routine.routine.settings.lang
        if lang not in templates:
            templates[lang] = CueTemplates(lang, options.templates)
            templates[lang].check()
    check_output_names(loaded)
    return [plan_routine(routine, templates[routine.routine.settings.lang]) for routine in loaded]


def report_changes(plans: Sequence[Plan], log: Callable[[str], None] | None) -> None:
    """Tell ``log`` what each routine's overrides changed, one line each (options marked by name,
    ``errors.option``, for the front end to write as its flags)."""
    for plan in plans:
        if log is not None and plan.loaded.changes:
            log(f"changes to {plan.slug}:")
            for change in plan.loaded.changes.items:
                log(f"  {change.line()}")


def check_output_names(loaded: Sequence[LoadedRoutine]) -> None:
    """Two routine files that give one output name (``a/calf.yaml`` and ``b/Calf.yaml``, or names
    of only emoji or punctuation) would overwrite each other: stop before any audio work."""
    seen: dict[str, LoadedRoutine] = {}
    for routine in loaded:
        first = seen.setdefault(routine.slug, routine)
        if Path(first.path).resolve() != Path(routine.path).resolve():
            raise InputError(
                f"{first.path} and {routine.path} would both be written as {routine.slug}.mp3",
                hint="rename one of the files, or build them separately",
            )


def all_routine_names() -> list[str]:
    names = [str(path) for path in available_routines()]
    if not names:
        raise InputError("no routines found in ./routines")
    return names
