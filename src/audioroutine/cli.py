"""The ``audioroutine`` command: parse options, call the library, turn errors into messages."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from .build import BuildResult, build
from .durations import mmss
from .errors import AudioRoutineError, OptionError
from .options import BuildOptions
from .overrides import Overrides
from .planning import all_routine_names, plan_routines
from .show import show

app = typer.Typer(
    help="Turn a stretching or mobility routine into one voice-guided, exactly timed MP3.\n\n"
    "Example: audioroutine build --all --engine piper",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
cache_app = typer.Typer(help="Look after the clip cache (every phrase spoken once, ever).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

T = TypeVar("T")


def _fail(exc: AudioRoutineError) -> typer.Exit:
    message = exc.describe("--" + exc.option) if isinstance(exc, OptionError) else exc.message
    hint = f"\n  hint: {exc.hint}" if exc.hint else ""
    typer.echo(f"error: {message}{hint}", err=True)
    return typer.Exit(exc.exit_code)


def run(action: Callable[[], T]) -> T:
    """Call the library; a project error becomes one message and its exit code."""
    try:
        return action()
    except AudioRoutineError as exc:
        raise _fail(exc) from None
    except KeyboardInterrupt:
        typer.echo("stopped; nothing half-written was kept", err=True)
        raise typer.Exit(130) from None


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


# ---------------------------------------------------------------------------- shared options

Routines = Annotated[
    list[str] | None,
    typer.Argument(help="Routine files, or names of routines in ./routines (see `audioroutine list`).",
                   show_default=False),
]
AllFlag = Annotated[bool, typer.Option("--all", help="Every routine in ./routines.")]
EngineOpt = Annotated[str, typer.Option("--engine", "-e", help="auto, piper (offline), gtts (Google) or espeak.")]
VoiceOpt = Annotated[Path | None, typer.Option("--voice", help="A local Piper voice (.onnx) to speak with.",
                                               show_default=False)]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of the cues (default: the routine's).",
                                             show_default=False)]
TldOpt = Annotated[str, typer.Option("--tld", help="Google's accent, by domain: com, co.uk, com.au, ca, co.in…")]
SlowOpt = Annotated[bool, typer.Option("--slow", help="Speak more slowly.")]
TemplatesOpt = Annotated[Path | None, typer.Option("--templates", help="A folder of cue templates to use instead.",
                                                   show_default=False)]
CacheOpt = Annotated[Path | None, typer.Option("--cache-dir", envvar="AUDIOROUTINE_CACHE",
                                               help="Where spoken clips are kept.", show_default=False)]
HoldOpt = Annotated[str | None, typer.Option("--hold", help="Every timed hold, e.g. 45s.", show_default=False)]
BreathOpt = Annotated[str | None, typer.Option("--breath", help="Length of one breath, e.g. 6s.", show_default=False)]
RestOpt = Annotated[str | None, typer.Option("--rest", help="Rest between exercises, e.g. 15s.", show_default=False)]
ScaleOpt = Annotated[float | None, typer.Option("--scale", help="Stretch every hold, rest and breath, e.g. 1.5.",
                                                show_default=False)]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="Change one value: calf-stretch.hold=60s, settings.rest=20s (repeatable).", show_default=False)]
OverridesOpt = Annotated[list[Path] | None, typer.Option(
    "--overrides", help="A YAML file of your own holds and settings, merged over the routine.", show_default=False)]
NoChimes = Annotated[bool, typer.Option("--no-chimes", help="Leave out the chimes.")]


def _names(routines: list[str] | None, all_: bool) -> list[str]:
    if all_ and routines:
        raise typer.BadParameter("give routine names or --all, not both")
    if all_:
        return run(all_routine_names)
    if not routines:
        raise typer.BadParameter("name a routine (see `audioroutine list`) or use --all")
    return routines


def _options(*, engine="auto", voice=None, lang=None, tld="com", slow=False, templates=None, out=Path("output"),
             cache_dir=None, force=False, hold=None, breath=None, rest=None, scale=None, set_=None,
             overrides=None, no_chimes=False, artist=None, album=None) -> BuildOptions:
    assignments = list(set_ or [])
    if no_chimes:
        assignments.append("settings.chimes=false")
    return BuildOptions(
        engine=engine, voice=voice, lang=lang, tld=tld, slow=slow, templates=templates, out=out,
        cache_dir=cache_dir, force=force, artist=artist, album=album,
        overrides=Overrides(files=tuple(overrides or ()), assignments=tuple(assignments), hold=hold,
                            breath=breath, rest=rest, scale=scale),
    )


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = typer.progressbar(length=total, label=f"Speaking {total} phrases", file=sys.stderr)
            state["bar"].__enter__()
            state["done"] = 0
        state["bar"].update(done - state["done"])
        state["done"] = done

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


def _summary(result: BuildResult) -> str:
    status = "up to date" if result.up_to_date else f"{result.engine} ({result.voice})"
    return f"{result.mp3}  {mmss(result.seconds)}  {_size(result.size)}  {status}"


# ---------------------------------------------------------------------------- commands


@app.command("build")
def build_command(
    routines: Routines = None,
    all_: AllFlag = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the MP3s and cue sheets.")] = Path("output"),
    engine: EngineOpt = "auto",
    voice: VoiceOpt = None,
    lang: LangOpt = None,
    tld: TldOpt = "com",
    slow: SlowOpt = False,
    templates: TemplatesOpt = None,
    cache_dir: CacheOpt = None,
    hold: HoldOpt = None,
    breath: BreathOpt = None,
    rest: RestOpt = None,
    scale: ScaleOpt = None,
    set_: SetOpt = None,
    overrides: OverridesOpt = None,
    no_chimes: NoChimes = False,
    artist: Annotated[str | None, typer.Option("--artist", help="Artist tag (default: the routine's author).",
                                               show_default=False)] = None,
    album: Annotated[str | None, typer.Option("--album", help="Album tag, e.g. your group's name.",
                                              show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if nothing changed.")] = False,
) -> None:
    """Build routines into MP3s (and cue sheets) in the output folder.

    Example: audioroutine build calf-care --hold 45s --engine piper
    """
    options = _options(engine=engine, voice=voice, lang=lang, tld=tld, slow=slow, templates=templates, out=out,
                       cache_dir=cache_dir, force=force, hold=hold, breath=breath, rest=rest, scale=scale,
                       set_=set_, overrides=overrides, no_chimes=no_chimes, artist=artist, album=album)
    names = _names(routines, all_)
    with _progress_bar() as progress:
        results = run(lambda: build(names, options, log=lambda m: typer.echo(m, err=True), progress=progress))
    for result in results:
        typer.echo(_summary(result))


@app.command("show")
def show_command(
    routine: Annotated[str, typer.Argument(help="A routine file or name.")],
    engine: EngineOpt = "auto",
    voice: VoiceOpt = None,
    lang: LangOpt = None,
    templates: TemplatesOpt = None,
    cache_dir: CacheOpt = None,
    hold: HoldOpt = None,
    breath: BreathOpt = None,
    rest: RestOpt = None,
    scale: ScaleOpt = None,
    set_: SetOpt = None,
    overrides: OverridesOpt = None,
    no_chimes: NoChimes = False,
) -> None:
    """Print the timed script: when each cue comes and what it says. No audio, no network.

    Example: audioroutine show calf-care --set calf-stretch.hold=60s
    """
    options = _options(engine=engine, voice=voice, lang=lang, templates=templates, cache_dir=cache_dir, hold=hold,
                       breath=breath, rest=rest, scale=scale, set_=set_, overrides=overrides, no_chimes=no_chimes)
    plan, timeline, cues, voice_name = run(lambda: show(routine, options))
    routine_model = plan.loaded.routine
    typer.echo(f"{routine_model.title}  ({plan.loaded.path})")
    typer.echo("exercise ids: " + ", ".join(routine_model.exercise_ids()))
    typer.echo(f"lengths for {voice_name}; ~ marks an estimate for a phrase not spoken yet")
    typer.echo("")
    for cue in cues:
        mark = "~" if cue.estimated else " "
        if cue.text is not None:
            what = cue.text
        elif cue.kind == "chime":
            what = "(chime)"
        else:
            what = f"({cue.end_s - cue.start_s:g}s)"
        typer.echo(f"{mmss(cue.start_s)}{mark} {cue.kind:<8} {what}")
    estimated = any(c.estimated for c in cues)
    typer.echo("")
    typer.echo(f"total {'~' if estimated else ''}{mmss(timeline.seconds)}")


@app.command("list")
def list_command() -> None:
    """List the routines found, with title and length (estimated where not yet built).

    Example: audioroutine list
    """
    def rows() -> list[tuple[str, str, str]]:
        found = []
        for name in all_routine_names():
            plan, timeline, cues, _ = show(name)
            estimated = "~" if any(c.estimated for c in cues) else " "
            found.append((Path(name).stem, f"{estimated}{mmss(timeline.seconds)}", plan.loaded.routine.title))
        return found

    for stem, length, title in run(rows):
        typer.echo(f"{stem:<32} {length:>7}  {title}")


@app.command("validate")
def validate_command(
    files: Annotated[list[str], typer.Argument(help="Routine files or names to check.")],
    templates: TemplatesOpt = None,
    overrides: OverridesOpt = None,
) -> None:
    """Check routine files (and the cue templates they use) without building anything.

    Example: audioroutine validate routines/*.yaml
    """
    failures = 0
    for name in files:
        try:
            plan = plan_routines([name], _options(templates=templates, overrides=overrides))[0]
            typer.echo(f"ok  {plan.loaded.path}  ({len(plan.loaded.routine.exercises)} exercises)")
        except AudioRoutineError as exc:
            typer.echo(f"error: {exc}", err=True)
            failures = max(failures, exc.exit_code)
    if failures:
        raise typer.Exit(failures)


@app.command("engines")
def engines_command(
    lang: Annotated[str, typer.Option("--lang", help="Language to check.")] = "en",
    tld: TldOpt = "com",
    voice: VoiceOpt = None,
) -> None:
    """List the speech engines and voices available here, and which `auto` picks and why.

    Example: audioroutine engines
    """
    from .engines import describe_engines, resolve_engine

    for row in run(lambda: describe_engines(lang, tld, voice)):
        typer.echo(f"{row['engine']:<7} {row['available']:<4} {row['voice']:<22} {row['detail']}")
    choice = run(lambda: resolve_engine("auto", voice=voice, lang=lang, tld=tld))
    typer.echo(f"auto picks {choice.engine.name}: {choice.reason}")


@cache_app.command("info")
def cache_info(cache_dir: CacheOpt = None) -> None:
    """Where the clip cache is, how many clips it holds and their size.

    Example: audioroutine cache info
    """
    from .cache import ClipCache

    info = ClipCache(cache_dir).info()
    typer.echo(f"{info.path}\n{info.clips} clips, {_size(info.bytes)}")


@cache_app.command("clear")
def cache_clear(cache_dir: CacheOpt = None) -> None:
    """Remove every cached clip (they are spoken again when next needed).

    Example: audioroutine cache clear
    """
    from .cache import ClipCache

    removed = ClipCache(cache_dir).clear()
    typer.echo(f"removed {removed.clips} clips, {_size(removed.bytes)}")


@cache_app.command("prune")
def cache_prune(cache_dir: CacheOpt = None, templates: TemplatesOpt = None) -> None:
    """Remove cached clips that no routine in ./routines speaks any more.

    Example: audioroutine cache prune
    """
    from .cache import ClipCache

    def used() -> set[str]:
        texts: set[str] = set()
        for plan in plan_routines(all_routine_names(), _options(templates=templates, cache_dir=cache_dir)):
            texts.update(plan.script.phrases())
        return texts

    removed = ClipCache(cache_dir).prune(run(used))
    typer.echo(f"removed {removed.clips} clips no routine uses, {_size(removed.bytes)}")


@app.command("share")
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
    engine: EngineOpt = "auto",
    voice: VoiceOpt = None,
    lang: LangOpt = None,
    tld: TldOpt = "com",
    slow: SlowOpt = False,
    templates: TemplatesOpt = None,
    cache_dir: CacheOpt = None,
    hold: HoldOpt = None,
    breath: BreathOpt = None,
    rest: RestOpt = None,
    scale: ScaleOpt = None,
    set_: SetOpt = None,
    overrides: OverridesOpt = None,
    no_chimes: NoChimes = False,
    artist: Annotated[str | None, typer.Option("--artist", help="Artist tag (default: each routine's author).",
                                               show_default=False)] = None,
    album: Annotated[str | None, typer.Option("--album", help="Album tag (default: the title).",
                                              show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild the MP3s even if nothing changed.")] = False,
) -> None:
    """Build routines into a folder to share: MP3s, a web page to play them, a podcast feed and a zip.

    Example: audioroutine share --all --title "Tuesday Run Club" --base-url https://example.org/run-club/
    """
    from .share import share

    options = _options(engine=engine, voice=voice, lang=lang, tld=tld, slow=slow, templates=templates, out=out,
                       cache_dir=cache_dir, force=force, hold=hold, breath=breath, rest=rest, scale=scale,
                       set_=set_, overrides=overrides, no_chimes=no_chimes, artist=artist, album=album)
    names = _names(routines, all_)
    with _progress_bar() as progress:
        result = run(lambda: share(names, options, title, base_url, out, description=description,
                                   log=lambda m: typer.echo(m, err=True), progress=progress))
    for routine in result.routines:
        typer.echo(_summary(routine.build))
    typer.echo(f"{result.index}  open it in a browser, or put the folder on a web host or shared drive")
    typer.echo(f"{result.feed}  {result.base_url + 'feed.xml' if result.base_url else 'podcast feed'}")
    typer.echo(f"{result.zip}  {_size(result.zip.stat().st_size)}, to send by email or a messaging app")
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)


def main() -> None:  # pragma: no cover
    app()
