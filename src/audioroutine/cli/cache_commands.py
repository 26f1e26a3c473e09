"""The ``cache`` commands: where the clip cache is, clearing it, pruning what no routine says."""

from __future__ import annotations

import typer

from .params import CacheOpt, TemplatesOpt, build_options
from .report import run, size


def cache_info(cache_dir: CacheOpt = None) -> None:
    """Where the clip cache is, how many clips it holds and their size.

    Example: audioroutine cache info
    """
    from ..cache import ClipCache

    info = run(ClipCache(cache_dir).info)
    typer.echo(f"{info.path}\n{info.clips} clips, {size(info.bytes)}")


def cache_clear(cache_dir: CacheOpt = None) -> None:
    """Remove every cached clip (they are spoken again when next needed).

    Example: audioroutine cache clear
    """
    from ..cache import ClipCache

    removed = run(ClipCache(cache_dir).clear)
    typer.echo(f"removed {removed.clips} clips, {size(removed.bytes)}")


def cache_prune(cache_dir: CacheOpt = None, templates: TemplatesOpt = None) -> None:
    """Remove cached clips that no routine in ./routines speaks any more, damaged clips, and
    what killed builds left behind.

    Example: audioroutine cache prune
    """
    from ..cache import ClipCache
    from ..planning import all_routine_names, plan_routines

    def used() -> set[str]:
        texts: set[str] = set()
        for plan in plan_routines(all_routine_names(), build_options(templates=templates, cache_dir=cache_dir)):
            texts.update(plan.script.phrases(), plan.length_phrases())
        return texts

    texts = run(used)
    removed = run(lambda: ClipCache(cache_dir).prune(texts))
    typer.echo(f"removed {removed.clips} clips no routine uses, {size(removed.bytes)}")
