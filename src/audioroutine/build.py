"""Build routines into MP3s: the library API the command line is a thin layer over.

The stages, each in its own module: ``planning`` (file to script), ``synthesis`` (missing phrases
spoken into the clip cache, clips gathered with their timeline), ``mix`` and ``mp3`` (mix and
encode), ``export`` (cue sheet, tags and sidecars). This module runs them in order and decides
what is up to date.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cache import ClipCache
from .constants import EXPORT_VERSION, MP3_BITRATE, PREPARATION, SAMPLE_RATE, package_version
from .cuesheet import CueSheet, CueSheetError, Loudness
from .engines import Engine, EngineChoice, ServiceFailed, resolve_engine
from .errors import OptionError, option
from .labels import labels_for
from .mp3 import Encoding, encode_routine
from .mp3.header import Whole, read_whole
from .options import BuildOptions
from .outfiles import discard, empty_temporary, replace_all, tidy, writing
from .outfolder import check_folder, check_writable, output_errors
from .planning import Plan, plan_routines, report_changes
from .preview import first_part
from .sidecars import SIDECARS, write_text_files
from .synthesis import Mix, Progress, missing_phrases, mix_for, speak_intros, synthesize_missing
from .tags import artist_for
from .timing import stage

Log = Callable[[str], None]
logger = logging.getLogger(__name__)  # not ``log``: that is build()'s callback for the console
MAX_SHEET_BYTES = 64 * 1024 * 1024
"""A bigger cue sheet is not one a build wrote: it is not read."""


@dataclass(frozen=True)
class BuildResult:
    """One routine built (or found up to date): its files, and what the build knows about them."""

    slug: str
    mp3: Path
    cue_sheet: Path
    """The cue sheet's file; ``sheet`` is what it says."""
    seconds: float
    size: int
    up_to_date: bool
    engine: str
    voice: str
    sheet: CueSheet = field(repr=False)
    artist: str
    """The artist the MP3's tags name."""
    synthesized: int = 0
    cover: bytes | None = field(default=None, repr=False)
    """The cover art embedded in the MP3 (PNG), when this build wrote it; ``None`` when it was up to
    date (``tags.routine_cover(sheet)`` draws the same picture)."""
    encoding: Encoding | None = None
    """How the MP3 was encoded (parts encoded and reused), when this build wrote it."""


def fingerprint(plan: Plan, engine: Engine, options: BuildOptions) -> str:
    """Everything the MP3 depends on; a build whose fingerprint matches the last one is skipped."""
    from .clips import CLIP_LUFS, PEAK_LIMIT_DBTP
    from .loudness import TARGET_LUFS

    parts = {
        "version": package_version(),
        "routine": plan.loaded.digest,
        "templates": plan.templates.digest,
        "engine": engine.identity(),
        "audio": [SAMPLE_RATE, MP3_BITRATE, TARGET_LUFS, CLIP_LUFS, PEAK_LIMIT_DBTP, PREPARATION],
        "tags": [options.artist, options.album, EXPORT_VERSION],
    }
    labels = labels_for(plan.templates.lang, options.templates)
    if labels.digest:  # a user's labels (the built-in ones change with the version)
        parts["labels"] = labels.digest
    if plan.output.key() is not None:  # a variant or a preview (the routine's own file: as it was)
        parts["output"] = plan.output.key()
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _names(slug: str) -> str:
    """The output names a build of ``slug`` writes, as a regular expression (``outfiles.leftovers``)."""
    return re.escape(slug) + r"\.(?:mp3|json|vtt|txt)"


def write_routine(plan: Plan, engine: Engine, cache: ClipCache, options: BuildOptions, fp: str) -> BuildResult:
    """Write one routine's MP3, cue sheet and sidecars, holding the lock of its name (what a killed
    build left there removed first); up to date instead if another build just wrote it."""
    with stage("gather clips and gain"):
        mix = mix_for(plan, engine, cache)
    out = Path(options.out)
    mp3 = out / f"{plan.slug}.mp3"
    with output_errors(out, mp3.name), writing(mp3, _names(plan.slug)):
        current = _up_to_date(plan, options, fp)
        if current is not None:
            logger.info("%s: written meanwhile by another build, up to date", plan.slug)
            return current
        return _write(plan, engine, mix, options, fp, cache)


def _write(plan: Plan, engine: Engine, mix: Mix, options: BuildOptions, fp: str, cache: ClipCache) -> BuildResult:
    """Mix and encode one routine, then write its files (temporary files of this build's own,
    renamed together, the cue sheet last). Tags and sidecars are prepared while the encoder runs."""
    # The audio stages (numpy, pydub, mutagen, Pillow) load only when a routine is written.
    from .chimes import CHIMES, chime
    from .export import cue_sheet, prepare_extras
    from .loudness import TARGET_LUFS
    from .mix import mixer
    from .mp3.partcache import PartCache

    timeline = mix.timeline
    out = Path(options.out)
    mp3 = out / f"{plan.slug}.mp3"
    sheet_path = out / f"{plan.slug}.json"
    sheet = cue_sheet(plan.loaded, timeline, engine, fp, Loudness(TARGET_LUFS, round(mix.gain_db, 2)),
                      name=plan.slug, title=plan.title)
    tmp_mp3 = empty_temporary(mp3)
    written: list[tuple[Path, Path]] = []
    helper = ThreadPoolExecutor(max_workers=1)
    try:
        extras = helper.submit(prepare_extras, plan, sheet, options)
        chimes = {which: chime(which) for which in CHIMES}
        with stage("mix and encode"):
            encoding = encode_routine(timeline, mixer(timeline, mix.clips, chimes, mix.gain_db), tmp_mp3,
                                      kept=PartCache(cache.root))
        with stage("wait for tags and sidecars"):
            done = extras.result()
        written = [(tmp_mp3, mp3), *done.write(tmp_mp3, out, plan.slug)]
        written += write_text_files({sheet_path: sheet.to_json()})
        replace_all(written)
    finally:
        # Not waited for when stopped: it writes nothing, and after a signal it may wait forever on a
        # lock the interrupted main thread held (the import lock, say).
        helper.shutdown(wait=False, cancel_futures=True)
        for tmp in (tmp_mp3, *(t for t, _ in written)):
            discard(tmp)
    return BuildResult(plan.slug, mp3, sheet_path, timeline.seconds, mp3.stat().st_size, False,
                       engine.name, engine.voice, sheet, done.artist, cover=done.cover, encoding=encoding)


def _up_to_date(plan: Plan, options: BuildOptions, fp: str) -> BuildResult | None:
    """The last build's result if its files are all there, its cue sheet has this fingerprint and
    its MP3 is whole and as long as the sheet says (read from its header: no decoding); ``None``
    (build again, logged) otherwise, also for a cue sheet that cannot be read."""
    out = Path(options.out)
    mp3, sheet_path = out / f"{plan.slug}.mp3", out / f"{plan.slug}.json"
    sidecars = [out / f"{plan.slug}{suffix}" for suffix in SIDECARS]
    if options.force or not all(p.is_file() for p in (mp3, sheet_path, *sidecars)):
        return None
    try:
        if sheet_path.stat().st_size > MAX_SHEET_BYTES:
            raise CueSheetError(f"{sheet_path.stat().st_size} bytes: not a cue sheet this program wrote")
        sheet = CueSheet.from_json(sheet_path.read_text(encoding="utf-8"))
        whole = read_whole(mp3)
    except (OSError, ValueError, TypeError, RecursionError, CueSheetError) as exc:
        logger.info("%s: building again, its cue sheet or MP3 cannot be read (%s)", plan.slug, exc)
        return None
    if sheet.fingerprint != fp:
        logger.debug("%s: building again, something it depends on changed", plan.slug)
        return None
    if whole != Whole(sheet.samples, sheet.sample_rate):
        logger.info("%s: building again, its MP3 is damaged or not the one its cue sheet describes (%s)",
                    plan.slug, whole if isinstance(whole, str) else f"{whole.samples} samples at {whole.rate} Hz")
        return None
    artist = artist_for(options.artist, plan.loaded.routine.artist, sheet.source)
    return BuildResult(plan.slug, mp3, sheet_path, sheet.duration_s, mp3.stat().st_size,
                       True, sheet.engine, sheet.voice, sheet, artist)


def by_language(plans: Sequence[Plan]) -> dict[str, list[Plan]]:
    """The routines grouped by the language they speak, in the order each language first comes."""
    groups: dict[str, list[Plan]] = {}
    for plan in plans:
        groups.setdefault(plan.loaded.routine.settings.lang, []).append(plan)
    return groups


def choose_engine(plans: Sequence[Plan], options: BuildOptions, cache: ClipCache) -> EngineChoice:
    """The one engine for these routines, all in one language (the auto policy may ask the
    network); the choice and its reason are logged."""
    langs = set(by_language(plans))
    if len(langs) > 1:
        raise OptionError(
            f"these routines are in different languages ({', '.join(sorted(langs))}); "
            f"check them separately or choose one with {option('lang')}", option="lang",
        )
    return resolve_engine(
        options.engine, voice=options.voice, lang=langs.pop(), tld=options.tld, slow=options.slow,
        speed=options.speed,
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
    with stage("plan"):
        plans = plan_routines(names, options)
    report_changes(plans, log)
    return build_plans(plans, options, log=log, progress=progress)


def build_plans(
    plans: Sequence[Plan],
    options: BuildOptions = BuildOptions(),
    *,
    log: Log | None = None,
    progress: Progress | None = None,
) -> list[BuildResult]:
    """``build`` for routines already planned (``planning.plan_routines``), in their order.

    Each language's routines are built with a voice chosen for that language: a Spanish routine
    never gets an English voice because it is built beside an English one."""
    out = Path(options.out)
    check_folder(out, [f"{plan.slug}{suffix}" for plan in plans for suffix in (".mp3", ".json", *SIDECARS)])
    cache = ClipCache(options.cache_dir, report=log)
    groups = by_language(plans)
    choices: dict[str, EngineChoice] = {}
    with stage("choose the voice"):  # every language's voice, before any audio work
        for lang, group in groups.items():
            choices[lang] = choose_engine(group, options, cache)
            _check_lexicons(group, choices[lang].engine)
    results: list[BuildResult] = []
    for lang, group in groups.items():
        results += _build_language(group, options, choices[lang], cache, log=log, progress=progress,
                                   lang=lang if len(groups) > 1 else None)
    order = {plan.slug: i for i, plan in enumerate(plans)}
    return sorted(results, key=lambda r: order[r.slug])


def _check_lexicons(plans: Sequence[Plan], engine: Engine) -> None:
    """Every routine's pronunciations are ones this voice can say (before it speaks any)."""
    for plan in plans:
        engine.check_lexicon(plan.loaded.lexicon)


def _build_language(
    plans: Sequence[Plan],
    options: BuildOptions,
    choice: EngineChoice,
    cache: ClipCache,
    *,
    log: Log | None,
    progress: Progress | None,
    lang: str | None,
) -> list[BuildResult]:
    """Build routines in one language with the voice chosen for it (``lang`` is named in the
    console's voice line when a build has several).

    When the voice ``auto`` chose fails while speaking and there is another to turn to, the whole
    group is made again with that one (a file never mixes voices; what was spoken stays cached)."""
    out = Path(options.out)
    engine = choice.engine
    if log:
        log(f"voice{'' if lang is None else f' for {lang}'}: {engine.name} ({engine.voice}) - {choice.reason}")
    results: list[BuildResult] = []
    stale: list[tuple[Plan, str]] = []
    with stage("check what is up to date"):
        for plan in plans:
            fp = fingerprint(plan, engine, options)
            current = _up_to_date(plan, options, fp)
            if current is not None:
                results.append(current)
                tidy(current.mp3, _names(plan.slug))
            else:
                stale.append((plan, fp))
        if stale:
            check_writable(out)
    try:
        with stage("speak missing phrases"):
            stale = [(first_part(plan, engine, cache), fp) for plan, fp in stale]  # --first: speaks its part
            missing = missing_phrases([plan for plan, _ in stale], engine, cache)
            logger.info("%d routine(s) to write, %d up to date; %d phrase(s) to speak, the rest from the clip cache",
                        len(stale), len(plans) - len(stale), len(missing))
            synthesize_missing(missing, engine, cache, progress)
            spoken = len(missing) + len(speak_intros([plan for plan, _ in stale], engine, cache, progress))
    except ServiceFailed as exc:
        if choice.fallback is None:
            raise
        fallback = choice.fallback(exc.message)
        _check_lexicons(plans, fallback.engine)
        return _build_language(plans, options, fallback, cache, log=log, progress=progress, lang=lang)
    for plan, fp in stale:
        with stage(f"write {plan.slug}"):
            written = write_routine(plan, engine, cache, options, fp)
        results.append(replace(written, synthesized=spoken))
    return results
