"""The ``cache`` commands: where the clip cache is, clearing it, pruning what no routine says (and
the encoded parts rebuilds reuse, ``mp3.partcache``)."""

# No ``from __future__ import annotations``: typer reads these signatures (see commands.py).

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..printable import for_terminal
from .params import CacheOpt, TemplatesOpt, build_options
from .report import counted, run, size


def cache_info(cache_dir: CacheOpt = None) -> None:
    """Where the clip cache is, how many clips it holds and their size, and the encoded parts
    kept for quick rebuilds.

    Example: audioroutine cache info
    """
    from ..cache import ClipCache
    from ..mp3.partcache import PartCache

    cache = ClipCache(cache_dir)
    info, parts = run(cache.info), run(PartCache(cache.root).info)
    typer.echo(f"{info.path}\n{info.clips} clips, {size(info.bytes)}\n"
               f"{counted(parts.parts, 'encoded part')} kept for quick rebuilds, {size(parts.bytes)}")


def cache_clear(cache_dir: CacheOpt = None) -> None:
    """Remove every cached clip (they are spoken again when next needed) and every encoded part
    (encoded again when next needed).

    Example: audioroutine cache clear
    """
    from ..cache import ClipCache
    from ..mp3.partcache import PartCache

    cache = ClipCache(cache_dir)
    removed, parts = run(cache.clear), run(PartCache(cache.root).clear)
    typer.echo(f"removed {removed.clips} clips, {size(removed.bytes)}; "
               f"{counted(parts.parts, 'encoded part')}, {size(parts.bytes)}")


def cache_prune(
    cache_dir: CacheOpt = None,
    templates: TemplatesOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Remove them without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be removed.")] = False,
) -> None:
    """Remove cached clips that no routine in ./routines speaks any more, damaged clips, and
    what killed builds left behind. What would go is listed first, and you are asked: a phrase
    removed is spoken again next time, as a new take. Encoded parts no build used for 30 days go
    without asking (they are only encoded again).

    Example: audioroutine cache prune --dry-run
    """
    from ..cache import ClipCache
    from ..planning import all_routine_names, plan_routines
    from ..pruning import prune, unused_clips

    def used() -> set[str]:
        texts: set[str] = set()
        for plan in plan_routines(all_routine_names(), build_options(templates=templates, cache_dir=cache_dir)):
            texts.update(plan.script.phrases(), plan.length_phrases())
        return texts

    texts = run(used)
    cache = ClipCache(cache_dir)
    unused = run(lambda: unused_clips(cache, texts))
    if not unused:
        typer.echo("nothing to remove: every clip is said by a routine in ./routines")
        if not dry_run:  # what killed processes left holds no take: swept without asking
            run(lambda: prune(cache, texts, only=()))
        _prune_parts(cache.root, dry_run)
        return
    typer.echo(f"{counted(len(unused), 'clip')} to remove, {size(sum(u.size for u in unused))}:")
    for clip in unused:
        words = for_terminal(repr(clip.text)) if clip.text is not None else clip.path.name
        typer.echo(f"  {words}  ({clip.voice or 'unknown voice'}): {clip.why}")
    if dry_run:
        _prune_parts(cache.root, dry_run)
        typer.echo("dry run: nothing removed")
        return
    if not yes:
        if not sys.stdin.isatty():
            typer.echo("error: cache prune asks before removing clips, and there is no terminal to ask on\n"
                       "  hint: add --yes to remove them, or --dry-run to only list them", err=True)
            raise typer.Exit(2)
        if not typer.confirm("Remove them? Each is spoken again, as a new take, when next needed", default=False):
            typer.echo("nothing removed")
            return
    _prune_parts(cache.root, dry_run)
    removed = run(lambda: prune(cache, texts, only=[u.path for u in unused]))
    typer.echo(f"removed {counted(removed.clips, 'clip')} no routine uses, {size(removed.bytes)}")


def _prune_parts(root: Path, dry_run: bool) -> None:
    """The encoded parts not used for ``STALE_DAYS`` removed (counted with ``dry_run``), said when there are any."""
    from ..mp3.partcache import STALE_DAYS, PartCache

    parts = run(lambda: PartCache(root).prune(dry_run=dry_run))
    if parts.parts:
        verb = "would remove" if dry_run else "removed"
        typer.echo(f"{verb} {counted(parts.parts, 'encoded part')} not used for {STALE_DAYS} days, {size(parts.bytes)}")
