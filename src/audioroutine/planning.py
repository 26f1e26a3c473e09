"""Plan routines: load and validate them, and render their scripts, before any audio work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .announce import Settled, settle
from .chimes import chime_length
from .constants import SAMPLE_RATE
from .durations import spoken_minutes
from .errors import InputError, option
from .limits import CHARS_PER_SECOND, PhraseTooLong, check_speech, too_long
from .loader import LoadedRoutine, load_routine
from .options import BuildOptions
from .room import NoRoom, length_problems
from .routine_files import available_routines, find_routine
from .script import Script, render_script
from .templates import CueTemplates
from .timeline import build_timeline
from .variants import Output

__all__ = ["CHARS_PER_SECOND", "Plan", "estimate_samples", "plan_routine", "plan_routines"]


@dataclass(frozen=True)
class Plan:
    """One routine ready to build: its script, and the templates that wrote it."""

    loaded: LoadedRoutine
    templates: CueTemplates
    script: Script
    output: Output = field(default_factory=Output)
    """Which file is written, and what of the routine goes in it (``variants``)."""

    @property
    def slug(self) -> str:
        """The name of the files written: the routine's slug, or its variant's or preview's name."""
        return self.output.stem(self.loaded.slug)

    @property
    def title(self) -> str:
        """The title tag: the routine's title, and what this file is when not the routine itself."""
        return self.output.title(self.loaded.routine)

    def settle(self, speech_length: Callable[[str], int], *, check: bool = True,
               start: Script | None = None) -> Settled:
        """The script with its intro saying the length of its timeline at these phrase lengths,
        and that timeline (``announce.settle``), trying first the intro of ``start`` (default the
        plan's own). A preview's script is a part of the routine's: it is laid out as it is, its
        intro (if it has one) saying the routine's planned length."""
        if self.output.preview:
            return Settled(self.script, build_timeline(self.script, speech_length, chime_length, check=check))
        return settle(self.loaded.routine, self.templates, start or self.script, speech_length, chime_length,
                      check=check)

    def others(self) -> list[str]:
        """The phrases, in order of first use, but the intro's that say the length."""
        says_length = set(self.script.says_length)
        return [text for text in self.script.phrases() if text not in says_length]

    def judged(self, length: Callable[[str], int | None], *, check: bool = True) -> Settled:
        """``settle`` with each phrase's ``length`` where known (``None``: not spoken) and the
        ``calibrated`` estimate elsewhere: the intro a build says, judged before it is spoken (so
        speaking, mixing, ``show`` and the tests' cache all judge it alike)."""
        return self.settle(calibrated(length, self.others()), check=check)

    def unspoken(self, length: Callable[[str], int | None]) -> list[str]:
        """The phrases to speak, given each one's ``length`` if spoken (``None`` if not), in order
        of first use: the intro as it will say the real length once every other phrase is spoken
        (until then, only the others)."""
        missing = [text for text in self.others() if length(text) is None]
        if missing or self.output.preview:
            return missing
        return [text for text in self.judged(length, check=False).script.says_length if length(text) is None]

    def length_phrases(self, spread: int = 3) -> list[str]:
        """The intros a build may say: for every whole minute within ``spread`` (or a quarter)
        of the estimate. ``cache prune`` keeps them: the real length is known only once spoken."""
        minutes = spoken_minutes(self.script.total_seconds)
        around = max(spread, minutes // 4)
        said: list[str] = []
        for m in range(max(0, minutes - around), minutes + around + 1):
            said += render_script(self.loaded.routine, self.templates, total_seconds=60.0 * m).says_length
        return said


def estimate_samples(text: str) -> int:
    """A phrase's length before it is spoken, from its number of characters."""
    return int(len(text) / CHARS_PER_SECOND * SAMPLE_RATE) + SAMPLE_RATE // 5


def calibrated(length: Callable[[str], int | None], spoken: Sequence[str]) -> Callable[[str], int]:
    """Each phrase's ``length`` where known, else its estimate scaled by how the voice's real lengths
    of the ``spoken`` phrases compare with their estimates: the intro a build will say, judged
    before it is spoken (an intro for another number of minutes is spoken only if it is said)."""
    known = [(real, estimate_samples(text)) for text in spoken if (real := length(text)) is not None]
    ratio = sum(real for real, _ in known) / max(1, sum(guess for _, guess in known)) if known else 1.0
    return lambda text: length(text) or round(estimate_samples(text) * ratio)


def plan_routine(loaded: LoadedRoutine, templates: CueTemplates) -> Plan:
    """Render the routine's script. The intro announces the length estimated from the phrases'
    characters (``announce``), so that the plan does not depend on what happens to be cached;
    ``show`` and ``build`` settle it again on the lengths they know (``Plan.settle``).

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
        script = settle(routine, templates, render_script(routine, templates, total_seconds=total),
                        estimate_samples, chime_length, check=False).script
    except PhraseTooLong as exc:
        raise too_long(exc, routine, loaded.path) from None
    check_speech(script, routine, loaded.path)
    return Plan(loaded, templates, script)


def plan_routines(names: Sequence[str], options: BuildOptions) -> list[Plan]:
    """Load, validate and render every routine before any audio work: bad input stops it all."""
    overrides = options.routine_overrides()
    output = Output.of(options.name, options.only, options.first)
    if not names:
        raise InputError(f"name at least one routine, or use {option('all')}")
    loaded = [load_routine(find_routine(name), overrides) for name in names]
    templates: dict[str, CueTemplates] = {}
    for routine in loaded:
        lang = routine.routine.settings.lang
        if lang not in templates:
            templates[lang] = CueTemplates(lang, options.templates)
            templates[lang].check()
    check_output_names(loaded, output)
    return [output.apply(plan_routine(routine, templates[routine.routine.settings.lang])) for routine in loaded]


def report_changes(plans: Sequence[Plan], log: Callable[[str], None] | None) -> None:
    """Tell ``log`` what each routine's overrides changed, one line each (options marked by name,
    ``errors.option``, for the front end to write as its flags)."""
    for plan in plans:
        if log is not None and plan.loaded.changes:
            log(f"changes to {plan.slug}:")
            for change in plan.loaded.changes.items:
                log(f"  {change.line()}")


def check_output_names(loaded: Sequence[LoadedRoutine], output: Output | None = None) -> None:
    """Two routine files that give one output name (``a/calf.yaml`` and ``b/Calf.yaml``, or names
    of only emoji or punctuation) would overwrite each other: stop before any audio work."""
    seen: dict[str, LoadedRoutine] = {}
    stem = (output or Output()).stem
    for routine in loaded:
        first = seen.setdefault(routine.slug, routine)
        if Path(first.path).resolve() != Path(routine.path).resolve():
            raise InputError(
                f"{first.path} and {routine.path} would both be written as {stem(routine.slug)}.mp3",
                hint="rename one of the files, or build them separately",
            )


def all_routine_names() -> list[str]:
    names = [str(path) for path in available_routines()]
    if not names:
        raise InputError("no routines found in ./routines")
    return names
