"""The command line's options: the shared ones as ``Annotated`` types, and "the build options"
(voice and changes to the routine) added to a command by one decorator and handed to it as one
``BuildOptions``.

typer builds a command's options from its function's signature. ``build``, ``show`` and ``share``
take the same fifteen; rather than copying them into three signatures (and three calls that copy
them again into a ``BuildOptions``), :func:`with_build_options` gives the command a signature of its
own parameters plus the shared ones, and calls it with ``options=BuildOptions(...)``.
"""

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from ..options import BuildOptions

VOICE_PANEL = "Voice"
ROUTINE_PANEL = "Changes to the routine"


def flag(option: str) -> str:
    """The command line's flag for a library option: ``base_url`` -> ``--base-url``."""
    return "--" + option.replace("_", "-")


Routines = Annotated[
    list[str] | None,
    typer.Argument(help="Routine files, or names of routines in ./routines (see `audioroutine list`).",
                   show_default=False),
]
AllFlag = Annotated[bool, typer.Option("--all", help="Every routine in ./routines.")]
EngineOpt = Annotated[str, typer.Option("--engine", "-e",
                                        help="auto, offline (the best offline voice for the language), piper, nanotts, "
                                        "espeak (offline voices) or gtts (Google).",
                                        envvar="AUDIOROUTINE_ENGINE", rich_help_panel=VOICE_PANEL)]
VoiceOpt = Annotated[str | None, typer.Option(
    "--voice", help="A voice of the engine: a Piper voice file (.onnx), a Pico voice (es-ES) or an espeak-ng "
    "voice (en-us). "
    "With --engine auto, the engine the voice belongs to.", show_default=False, rich_help_panel=VOICE_PANEL)]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of the cues (default: the routine's).",
                                             show_default=False, rich_help_panel=VOICE_PANEL)]
TldOpt = Annotated[str, typer.Option("--tld", help="Google's accent, by domain: com, co.uk, com.au, ca, co.in…",
                                     rich_help_panel=VOICE_PANEL)]
SlowOpt = Annotated[bool, typer.Option("--slow", help="Speak more slowly.", rich_help_panel=VOICE_PANEL)]
SpeedOpt = Annotated[float, typer.Option(
    "--speed", help="Speed of the voice, 0.8 (slower) to 1.25 (faster). Google's voice has only normal and slow: "
    "0.9 or less is its slow speed.", rich_help_panel=VOICE_PANEL)]
CacheOpt = Annotated[Path | None, typer.Option("--cache-dir", envvar="AUDIOROUTINE_CACHE",
                                               help="Where spoken clips are kept.", show_default=False)]
TemplatesOpt = Annotated[Path | None, typer.Option(
    "--templates", help="A folder of your own cue templates (all or some of them), over the built-in ones.",
    show_default=False, rich_help_panel=ROUTINE_PANEL)]
HoldOpt = Annotated[str | None, typer.Option("--hold", help="Every timed hold, e.g. 45s.", show_default=False,
                                             rich_help_panel=ROUTINE_PANEL)]
BreathOpt = Annotated[str | None, typer.Option("--breath", help="Length of one breath, e.g. 6s.",
                                               show_default=False, rich_help_panel=ROUTINE_PANEL)]
RestOpt = Annotated[str | None, typer.Option("--rest", help="Rest between exercises, e.g. 15s.",
                                             show_default=False, rich_help_panel=ROUTINE_PANEL)]
ScaleOpt = Annotated[float | None, typer.Option("--scale", help="Stretch every hold, rest and breath, e.g. 1.5.",
                                                show_default=False, rich_help_panel=ROUTINE_PANEL)]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="Change one value: wall-calf-stretch.hold=60s, settings.rest=20s (repeatable).", show_default=False,
    rich_help_panel=ROUTINE_PANEL)]
OverridesOpt = Annotated[list[Path] | None, typer.Option(
    "--overrides", help="A YAML file of your own holds and settings, merged over the routine.", show_default=False,
    rich_help_panel=ROUTINE_PANEL)]
NoChimes = Annotated[bool, typer.Option("--no-chimes", help="Leave out the chimes.", rich_help_panel=ROUTINE_PANEL)]

BUILD_PARAMS: dict[str, tuple[Any, Any]] = {
    "engine": (EngineOpt, "auto"),
    "voice": (VoiceOpt, None),
    "lang": (LangOpt, None),
    "tld": (TldOpt, "com"),
    "slow": (SlowOpt, False),
    "speed": (SpeedOpt, 1.0),
    "cache_dir": (CacheOpt, None),
    "templates": (TemplatesOpt, None),
    "hold": (HoldOpt, None),
    "breath": (BreathOpt, None),
    "rest": (RestOpt, None),
    "scale": (ScaleOpt, None),
    "set_": (SetOpt, None),
    "overrides": (OverridesOpt, None),
    "no_chimes": (NoChimes, False),
}
"""The build options: parameter name -> (its option, its default)."""


def build_options(**given: Any) -> "BuildOptions":
    """The library's ``BuildOptions`` from build options' values (by parameter name; those not
    given take their defaults from ``BUILD_PARAMS``). ``--no-chimes`` is a ``--set``."""
    from ..options import BuildOptions
    from ..overrides import Overrides

    unknown = set(given) - set(BUILD_PARAMS)
    if unknown:
        raise TypeError(f"not build options: {', '.join(sorted(unknown))}")
    v = {name: given.get(name, default) for name, (_, default) in BUILD_PARAMS.items()}
    assignments = [*(v["set_"] or []), *(["settings.chimes=false"] if v["no_chimes"] else [])]
    return BuildOptions(
        engine=v["engine"], voice=v["voice"], lang=v["lang"], tld=v["tld"], slow=v["slow"], speed=v["speed"],
        templates=v["templates"], cache_dir=v["cache_dir"],
        overrides=Overrides(files=tuple(v["overrides"] or ()), assignments=tuple(assignments), hold=v["hold"],
                            breath=v["breath"], rest=v["rest"], scale=v["scale"]),
    )


F = TypeVar("F", bound=Callable[..., Any])


def with_build_options(command: F) -> F:
    """Give ``command`` the build options: typer sees its own parameters and then the shared ones
    (keyword-only, in their help panels); the command is called with ``options=BuildOptions(...)``
    in their place. Its own ``options`` parameter is left out of what typer sees."""
    own = [p for p in inspect.signature(command).parameters.values() if p.name != "options"]
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
              for name, (annotation, default) in BUILD_PARAMS.items()]

    @functools.wraps(command)
    def with_options(**values: Any) -> Any:
        from .report import run  # report names options by their flags, with flag() from here

        shared_values = {name: values.pop(name) for name in BUILD_PARAMS}
        options = run(lambda: build_options(**shared_values))  # a bad value: one message, exit 2
        return command(options=options, **values)

    parameters = own + shared
    with_options.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    with_options.__annotations__ = {p.name: p.annotation for p in parameters}
    return with_options  # type: ignore[return-value]
