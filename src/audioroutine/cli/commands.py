"""The commands that read routines: build, show, list, validate, engines and share.

Each parses its own options (the build options come from ``params.with_build_options``), calls
one library function and prints what it gave. The library is imported inside the commands, so
``--help`` and the light commands load nothing they do not use.
"""

# No ``from __future__ import annotations``: typer reads these signatures (with_build_options
# copies them as they are), so their annotations must be objects, not strings.

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..durations import mmss
from ..errors import AudioRoutineError, InputError, render_options
from ..printable import for_terminal
from .params import (
    AllFlag,
    OverridesOpt,
    Routines,
    TemplatesOpt,
    TldOpt,
    VoiceOpt,
    build_options,
    flag,
    with_build_options,
)
from .report import counted, error_message, progress_bar, run, size, summary

if TYPE_CHECKING:
    from ..options import BuildOptions

OUTPUT_PANEL = "Output"


def _names(routines: list[str] | None, all_: bool) -> list[str]:
    from ..planning import all_routine_names

    if all_ and routines:
        raise typer.BadParameter("give routine names or --all, not both")
    if all_:
        return run(all_routine_names)
    if not routines:
        raise typer.BadParameter("name a routine (see `audioroutine list`) or use --all")
    return routines


def _log(message: str) -> None:
    typer.echo(for_terminal(render_options(message, flag)), err=True)


@with_build_options
def build_command(
    routines: Routines = None,
    all_: AllFlag = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the MP3s and cue sheets.",
                                      rich_help_panel=OUTPUT_PANEL)] = Path("output"),
    artist: Annotated[str | None, typer.Option("--artist", help="Artist tag (default: the routine's author).",
                                               show_default=False, rich_help_panel=OUTPUT_PANEL)] = None,
    album: Annotated[str | None, typer.Option("--album", help="Album tag, e.g. your group's name.",
                                              show_default=False, rich_help_panel=OUTPUT_PANEL)] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if nothing changed.",
                                               rich_help_panel=OUTPUT_PANEL)] = False,
    name: Annotated[str | None, typer.Option(
        "--name", help="Write a variant beside the routine's own file: --name 45s writes <routine>-45s.mp3.",
        show_default=False, rich_help_panel=OUTPUT_PANEL)] = None,
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="A preview of one exercise (its id; repeatable), as <routine>.preview.mp3.",
        show_default=False, rich_help_panel=OUTPUT_PANEL)] = None,
    first: Annotated[str | None, typer.Option(
        "--first", help="A preview of the first minutes, e.g. 2m, as <routine>.preview.mp3.",
        show_default=False, rich_help_panel=OUTPUT_PANEL)] = None,
    *,
    options: "BuildOptions",
) -> None:
    """Build routines into MP3s (and cue sheets) in the output folder.

    Example: audioroutine build example-calf-care --hold 45s --engine piper

    Example: audioroutine build example-calf-care --only heel-drops
    """
    from ..build import build

    options = dataclasses.replace(options, out=out, force=force, artist=artist, album=album, name=name,
                                  only=tuple(only or ()), first=first)
    names = _names(routines, all_)
    with progress_bar() as progress:
        results = run(lambda: build(names, options, log=_log, progress=progress))
    for result in results:
        typer.echo(summary(result))


@with_build_options
def show_command(
    routine: Annotated[str, typer.Argument(help="A routine file or name.")],
    *,
    options: "BuildOptions",
) -> None:
    """Print the timed script: when each cue comes and what it says. No audio, no network.

    Example: audioroutine show example-calf-care --set wall-calf-stretch.hold=60s
    """
    from ..show import show

    plan, timeline, cues, voice_name = run(lambda: show(routine, options))
    routine_model = plan.loaded.routine
    typer.echo(for_terminal(f"{routine_model.title}  ({plan.loaded.path})"))
    typer.echo("exercise ids: " + ", ".join(routine_model.exercise_ids()))
    if plan.loaded.changes:
        typer.echo("changes:")
        for line in plan.loaded.changes.lines(flag):
            typer.echo(for_terminal(f"  {line}"))
    typer.echo(f"lengths for {voice_name}; ~ marks an estimate for a phrase not spoken yet")
    typer.echo("")
    for cue in cues:
        mark = "~" if cue.estimated else " "
        if cue.text is not None:
            what = for_terminal(cue.text)
        elif cue.chime:
            what = "(chime)" if cue.chime in ("start", "end") else f"({cue.chime})"
        else:
            what = f"({cue.end_s - cue.start_s:g}s)"
        typer.echo(f"{mmss(cue.start_s)}{mark} {cue.kind:<8} {what}")
    estimated = any(c.estimated for c in cues)
    typer.echo("")
    typer.echo(f"total {'~' if estimated else ''}{mmss(timeline.seconds)}")


def list_command() -> None:
    """List the routines found, with title and length (estimated where not yet built); a routine
    that cannot be used is listed as invalid, with its error.

    Example: audioroutine list
    """
    from ..planning import all_routine_names
    from ..show import show

    def rows() -> tuple[list[tuple[str, str, str]], list[InputError]]:
        found, invalid = [], []
        for name in all_routine_names():
            try:
                plan, timeline, cues, _ = show(name)
            except InputError as exc:  # one bad file in routines/ hides none of the others
                found.append((Path(name).stem, "invalid", "(see below)"))
                invalid.append(exc)
                continue
            estimated = "~" if any(c.estimated for c in cues) else " "
            found.append((Path(name).stem, f"{estimated}{mmss(timeline.seconds)}", plan.loaded.routine.title))
        return found, invalid

    found, invalid = run(rows)
    for stem, length, title in found:
        typer.echo(for_terminal(f"{stem:<32} {length:>7}  {title}"))
    for exc in invalid:
        typer.echo(error_message(exc), err=True)
    if invalid:
        raise typer.Exit(max(exc.exit_code for exc in invalid))


def validate_command(
    files: Annotated[list[str], typer.Argument(help="Routine files or names to check.")],
    templates: TemplatesOpt = None,
    overrides: OverridesOpt = None,
) -> None:
    """Check routine files (and the cue templates they use) without building anything.

    Example: audioroutine validate routines/*.yaml
    """
    from ..planning import plan_routines

    failures = 0
    for name in files:
        try:
            plan = plan_routines([name], build_options(templates=templates, overrides=overrides))[0]
            exercises = counted(len(plan.loaded.routine.exercises), "exercise")
            typer.echo(for_terminal(f"ok  {plan.loaded.path}  ({exercises})"))
        except AudioRoutineError as exc:
            typer.echo(error_message(exc), err=True)
            failures = max(failures, exc.exit_code)
    if failures:
        raise typer.Exit(failures)


def engines_command(
    lang: Annotated[str, typer.Option("--lang", help="Language to check.")] = "en",
    tld: TldOpt = "com",
    voice: VoiceOpt = None,
) -> None:
    """List the speech engines and voices available here, and which `auto` picks and why.

    Example: audioroutine engines
    """
    from ..engines import describe_engines, resolve_engine

    for row in run(lambda: describe_engines(lang, tld, voice)):
        typer.echo(f"{row['engine']:<7} {row['available']:<4} {row['voice']:<22} {row['detail']}")
    choice = run(lambda: resolve_engine("auto", voice=voice, lang=lang, tld=tld))
    typer.echo(f"auto picks {choice.engine.name}: {choice.reason}")


@with_build_options
def share_command(
    routines: Routines = None,
    all_: AllFlag = False,
    title: Annotated[str, typer.Option("--title", "-t", help="The group's name, shown on the page and in podcast apps.",
                                       show_default=False)] = ...,
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder to share.")] = Path("share"),
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="Web address the folder will be served from (needed by podcast apps).",
        show_default=False)] = None,
    description: Annotated[str | None, typer.Option("--description", help="A line about the group's routines.",
                                                    show_default=False)] = None,
    artist: Annotated[str | None, typer.Option("--artist", help="Artist tag (default: each routine's author).",
                                               show_default=False, rich_help_panel=OUTPUT_PANEL)] = None,
    album: Annotated[str | None, typer.Option("--album", help="Album tag (default: the title).",
                                              show_default=False, rich_help_panel=OUTPUT_PANEL)] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild the MP3s even if nothing changed.",
                                               rich_help_panel=OUTPUT_PANEL)] = False,
    *,
    options: "BuildOptions",
) -> None:
    """Build routines into a folder to share: MP3s, a web page to play them, a podcast feed and a zip.

    Example: audioroutine share --all --title "Tuesday Run Club" --base-url https://example.org/run-club/
    """
    from ..share import share

    options = dataclasses.replace(options, out=out, force=force, artist=artist, album=album)
    names = _names(routines, all_)
    with progress_bar() as progress:
        result = run(lambda: share(names, options, title, base_url, out, description=description,
                                   log=_log, progress=progress))
    for routine in result.routines:
        typer.echo(summary(routine.build))
    typer.echo(f"{result.index}  open it in a browser, or put the folder on a web host or shared drive")
    typer.echo(f"{result.feed}  {result.base_url + 'feed.xml' if result.base_url else 'podcast feed'}")
    typer.echo(f"{result.zip}  {size(result.zip.stat().st_size)}, to send by email or a messaging app")
    for note in result.notes:
        typer.echo(f"note: {note.format_message(flag)}", err=True)
