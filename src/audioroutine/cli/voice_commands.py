"""The commands about takes: ``retake`` (speak a phrase again, keep the new take if the user says
so) and ``check`` (hear every phrase with the offline recognizer, re-speak the misheard ones)."""

# No ``from __future__ import annotations``: typer reads these signatures (see commands.py).

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .params import AllFlag, Routines, with_build_options
from .report import counted, run

if TYPE_CHECKING:
    from ..options import BuildOptions

@contextmanager
def _checking(slug: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error while a routine's phrases are heard."""
    bars: list = []

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(typer.progressbar(length=total, label=f"Checking {slug}", file=sys.stderr).__enter__())
        bars[0].update(1)

    try:
        yield update
    finally:
        if bars:
            bars[0].__exit__(None, None, None)


Out = Annotated[Path, typer.Option("--out", "-o", help="Folder the new takes are written to, to listen to.")]


@with_build_options
def retake_command(
    phrase: Annotated[str | None, typer.Argument(help="The phrase, word for word as the routine says it.",
                                                 show_default=False)] = None,
    exercise: Annotated[str | None, typer.Option("--exercise", help="Every phrase of this exercise (its id).",
                                                 show_default=False)] = None,
    routine: Annotated[str | None, typer.Option("--routine", help="The routine the exercise is in.",
                                                show_default=False)] = None,
    out: Out = Path("output"),
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Keep the new takes without asking.")] = False,
    *,
    options: "BuildOptions",
) -> None:
    """Speak a phrase again and keep the new take in the clip cache if you like it better.

    The new take is written to OUT/retake-<phrase>.wav to listen to; keeping it replaces the
    cached one, so the next build uses it. The offline voice says a phrase a little differently
    each time.

    Example: audioroutine retake "lower slowly"
    """
    from ..cache import ClipCache
    from ..planning import plan_routines
    from ..pronounce import read_user_lexicon
    from ..takes import choose_voice, exercise_phrases, retake

    def plan():
        if exercise is None and routine is None:
            if not phrase:
                raise typer.BadParameter("give a phrase, or --exercise ID --routine NAME")
            return [phrase], "en", read_user_lexicon()
        if exercise is None or routine is None or phrase:
            raise typer.BadParameter("give a phrase, or both --exercise and --routine (not a phrase too)")
        planned = plan_routines([routine], options)[0]
        return exercise_phrases(planned, exercise), planned.loaded.routine.settings.lang, planned.loaded.lexicon

    texts, lang, lexicon = run(plan)
    cache = ClipCache(options.cache_dir)
    engine = run(lambda: choose_voice(texts, options, cache, lang, lexicon)).engine
    run(lambda: engine.check_lexicon(lexicon))

    for text in texts:
        if not cache.has(engine.phrase_identity(text, lexicon), text):
            typer.echo(f"note: no take of {text!r} is cached for {engine.voice}; is it word for word as the "
                       "routine says it? (see `audioroutine show`)", err=True)

    def ask(take, path: Path) -> bool:
        typer.echo(f"new take of {take.text!r}: {path}")
        try:
            kept = yes or typer.confirm("keep the new take?", default=False)
        except typer.Abort:  # no answer (end of input): as "no"
            typer.echo("")
            kept = False
        typer.echo("  kept: the next build uses it" if kept else "  not kept: the cached take stays")
        return kept

    answers = run(lambda: retake(texts, engine, cache, out, ask, lexicon))
    kept = sum(k for _, k in answers)
    typer.echo(f"kept {kept} of {counted(len(answers), 'new take')} ({engine.name}, {engine.voice})")


@with_build_options
def check_command(
    routines: Routines = None,
    all_: AllFlag = False,
    tries: Annotated[int, typer.Option("--tries", min=0, help="New takes of a misheard phrase, at most.")] = 3,
    *,
    options: "BuildOptions",
) -> None:
    """Hear every phrase with an offline speech recognizer and speak misheard ones again.

    The recognizer listens for the routines' own words (and common English words, so a wrong
    word can be heard). The best-heard take of each phrase is kept in the clip cache; what is still misheard after
    the tries is listed as doubtful. Needs the recognizer: pip install 'audioroutine[check]'.

    Example: audioroutine check example-calf-care
    """
    from ..build import choose_engine
    from ..cache import ClipCache
    from ..checking import can_hear, check_lang, check_routine, routine_recognizer
    from ..hearing import require_recognizer
    from ..planning import all_routine_names, plan_routines

    if all_ == bool(routines):
        raise typer.BadParameter("name a routine (see `audioroutine list`) or use --all, not both")
    run(require_recognizer)
    plans = run(lambda: plan_routines(run(all_routine_names) if all_ else routines, options))
    if all_:  # every routine the recognizer can hear; the others are named, not checked
        for plan in plans:
            if not can_hear(plan):
                typer.echo(f"{plan.slug}: not checked - the recognizer hears English only, and this routine is "
                           f"in {plan.loaded.routine.settings.lang!r}")
        plans = [plan for plan in plans if can_hear(plan)]
    for plan in plans:
        run(lambda p=plan: check_lang(p))
    recognizer = run(lambda: routine_recognizer(plans))
    cache = ClipCache(options.cache_dir)
    engine = run(lambda: choose_engine(plans, options, cache)).engine
    for plan in plans:
        with _checking(plan.slug) as progress:
            result = run(lambda p=plan, bar=progress: check_routine(p, engine, cache, recognizer, tries=tries,
                                                                    progress=bar))
        typer.echo(f"{plan.slug}: {counted(len(result.phrases), 'phrase')} ({engine.name}, {engine.voice}); "
                   f"word error rate {result.wer_before:.1%} before, {result.wer_after:.1%} after")
        for p in result.changed:
            typer.echo(f"  new take  {p.before.text!r}: was heard {p.before.transcript!r}, "
                       f"now {p.after.transcript!r}")
        for p in result.doubtful:
            typer.echo(f"  doubtful  {p.after.text!r}: heard {p.after.transcript!r}")
