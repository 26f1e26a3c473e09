"""Build routines into MP3s: the library API the command line is a thin layer over.

The stages, each in its own module: ``planning`` (file to script), ``synthesis`` (missing phrases
spoken into the clip cache, clips gathered with their timeline), ``mix`` and ``mp3`` (mix and
encode), ``cuesheet``, ``export`` (tags and sidecars). This module runs them in order and decides
what is up to date.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .cache import ClipCache
from .chimes import chime
from .clips import CLIP_LUFS, PEAK_LIMIT_DBTP
from .constants import EXPORT_VERSION, MP3_BITRATE, PREPARATION, SAMPLE_RATE, package_version
from .cuesheet import cue_sheet
from .engines import Engine, EngineChoice, resolve_engine
from .errors import InputError
from .loudness import TARGET_LUFS
from .mix import mix_blocks
from .mp3 import encode_routine
from .options import BuildOptions
from .planning import Plan, plan_routines
from .sidecars import SIDECARS, replace_all, temporary, write_text_files
from .synthesis import Progress, missing_phrases, mix_for, synthesize_missing

Log = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    slug: str
    mp3: Path
    cue_sheet: Path
    seconds: float
    size: int
    up_to_date: bool
    engine: str
    voice: str
    synthesized: int = 0


def fingerprint(plan: Plan, engine: Engine, options: BuildOptions) -> str:
    """Everything the MP3 depends on; a build whose fingerprint matches the last one is skipped."""
    parts = {
        "version": package_version(),
        "routine": plan.loaded.digest,
        "templates": plan.templates.digest,
        "engine": engine.identity(),
        "audio": [SAMPLE_RATE, MP3_BITRATE, TARGET_LUFS, CLIP_LUFS, PEAK_LIMIT_DBTP, PREPARATION],
        "tags": [options.artist, options.album, EXPORT_VERSION],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def write_routine(plan: Plan, engine: Engine, cache: ClipCache, options: BuildOptions, fp: str) -> BuildResult:
    """Mix and encode one routine, then write its MP3, cue sheet and sidecars (temporary files,
    renamed together). Tags and sidecars are prepared while the encoder runs."""
    from .export import prepare_extras  # tags and cover art: imported only when writing

    mix = mix_for(plan, engine, cache)
    timeline = mix.timeline
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    mp3 = out / f"{plan.slug}.mp3"
    sheet_path = out / f"{plan.slug}.json"
    tmp_mp3 = temporary(mp3)
    sheet = cue_sheet(plan.loaded, timeline, engine, fp)
    sheet["loudness"] = {"target_lufs": TARGET_LUFS, "gain_db": round(mix.gain_db, 2)}
    written: list[tuple[Path, Path]] = []
    try:
        with ThreadPoolExecutor(max_workers=1) as helper:
            extras = helper.submit(prepare_extras, plan, sheet, options)
            chimes = {which: chime(which) for which in ("start", "end")}
            encode_routine(timeline, lambda start, stop: mix_blocks(timeline, mix.clips, chimes, mix.gain_db,
                                                                     start=start, stop=stop), tmp_mp3)
            written = [(tmp_mp3, mp3), *extras.result().write(tmp_mp3, out, plan.slug)]
        written += write_text_files({sheet_path: json.dumps(sheet, indent=2, ensure_ascii=False) + "\n"})
        replace_all(written)
    finally:
        for tmp in (tmp_mp3, *(t for t, _ in written)):
            tmp.unlink(missing_ok=True)
    return BuildResult(plan.slug, mp3, sheet_path, timeline.seconds, mp3.stat().st_size, False,
                       engine.name, engine.voice)


def _up_to_date(plan: Plan, options: BuildOptions, fp: str) -> BuildResult | None:
    out = Path(options.out)
    mp3, sheet_path = out / f"{plan.slug}.mp3", out / f"{plan.slug}.json"
    sidecars = [out / f"{plan.slug}{suffix}" for suffix in SIDECARS]
    if options.force or not all(p.is_file() for p in (mp3, sheet_path, *sidecars)):
        return None
    try:
        sheet = json.loads(sheet_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if sheet.get("fingerprint") != fp:
        return None
    return BuildResult(plan.slug, mp3, sheet_path, float(sheet["duration_s"]), mp3.stat().st_size,
                       True, sheet["engine"], sheet["voice"])


def choose_engine(plans: Sequence[Plan], options: BuildOptions, cache: ClipCache) -> EngineChoice:
    langs = {plan.loaded.routine.settings.lang for plan in plans}
    if len(langs) > 1:
        raise InputError(
            f"these routines are in different languages ({', '.join(sorted(langs))}); "
            "build them separately or choose one with --lang"
        )
    return resolve_engine(
        options.engine, voice=options.voice, lang=langs.pop(), tld=options.tld, slow=options.slow,
        all_cached=lambda engine: not missing_phrases(plans, engine, cache),
    )


def build(
    names: Sequence[str],
    options: BuildOptions = BuildOptions(),
    *,
    log: Log | None = None,
    progress: Progress | None = None,
) -> list[BuildResult]:
    """Build each routine into ``<out>/<slug>.mp3`` and ``<slug>.json``.

    Every routine is validated before any audio work; unchanged routines are reported up to
    date and not touched; only phrases missing from the clip cache are synthesized, and the
    engine's model is loaded only then.
    """
    plans = plan_routines(names, options)
    cache = ClipCache(options.cache_dir)
    choice = choose_engine(plans, options, cache)
    engine = choice.engine
    if log:
        log(f"voice: {engine.name} ({engine.voice}) - {choice.reason}")
    results: list[BuildResult] = []
    stale: list[tuple[Plan, str]] = []
    for plan in plans:
        fp = fingerprint(plan, engine, options)
        current = _up_to_date(plan, options, fp)
        if current is not None:
            results.append(current)
        else:
            stale.append((plan, fp))
    missing = missing_phrases([plan for plan, _ in stale], engine, cache)
    synthesize_missing(missing, engine, cache, progress)
    for plan, fp in stale:
        results.append(replace(write_routine(plan, engine, cache, options, fp), synthesized=len(missing)))
    order = {plan.slug: i for i, plan in enumerate(plans)}
    return sorted(results, key=lambda r: order[r.slug])
