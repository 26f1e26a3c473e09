"""The ``audioroutine`` command: parse options, call the library, turn errors into messages.

The commands live in ``commands``, ``cache_commands`` and ``voice_commands``, their shared options in ``params``,
what they print in ``report``; this module puts them together under one app.
"""

from typing import Annotated

import typer

from . import cache_commands, commands, studio_command, voice_commands
from .report import configure_logging

__all__ = ["app", "main"]

app = typer.Typer(
    help="Turn a stretching or mobility routine into one voice-guided, exactly timed MP3.\n\n"
    "Example: audioroutine build --all --engine offline",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
cache_app = typer.Typer(help="Look after the clip cache (every phrase spoken once, ever).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@app.callback()
def _everywhere(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True,
                                         help="Say what is chosen and why (-vv: more detail), on standard error.",
                                         show_default=False)] = 0,
) -> None:
    configure_logging(verbose)


app.command("build")(commands.build_command)
app.command("show")(commands.show_command)
app.command("list")(commands.list_command)
app.command("validate")(commands.validate_command)
app.command("engines")(commands.engines_command)
app.command("share")(commands.share_command)
app.command("retake")(voice_commands.retake_command)
app.command("check")(voice_commands.check_command)
app.command("studio")(studio_command.studio_command)
cache_app.command("info")(cache_commands.cache_info)
cache_app.command("clear")(cache_commands.cache_clear)
cache_app.command("prune")(cache_commands.cache_prune)


def main() -> None:  # pragma: no cover
    app()
