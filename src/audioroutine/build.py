"""Build routines into MP3s: the library API the command line is a thin layer over."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .audio import (
    CLIP_LUFS,
    MP3_BITRATE,
    PEAK_LIMIT_DBTP,
    TARGET_LUFS,
    ClipStats,
    chime,
    clip_stats,
    mix_blocks,
    prepare_clip,
    routine_gain_db,
)
from .cache import PREPARATION, ClipCache
from .cuesheet import cue_sheet
from .engines import Engine, EngineChoice, resolve_engine
from .errors import InputError
from .loader import LoadedRoutine, Overrides, available_routines, find_routine, load_routine
from .mp3 import encode_routine
from .script import Script, render_script
from .sidecars import EXPORT_VERSION, SIDECARS, replace_all, temporary, write_text_files
from .templates import CueTemplates
from .timeline import SAMPLE_RATE, Timeline, build_timeline

CHARS_PER_SECOND = 14.0
"""Speaking rate used to estimate a phrase's length before it is synthesized."""

Log = Callable[[str], None]
Progress = Callable[[int, int], None]
"""Called with (phrases done, phrases to do) while synthesizing."""


@dataclass(frozen=True)
class BuildOptions:
    engine: str = "auto"
    voice: Path | None = None
    lang: str | None = None
    tld: str = "com"
    slow: bool = False
    templates: Path | None = None
    out: Path = Path("output")
    cache_dir: Path | None = None
    force: bool = False
    overrides: Overrides = field(default_factory=Overrides)
    artist: str | None = None
    album: str | None = None


@dataclass(frozen=True)
class Plan:
    """One routine ready to build: its script, and how long each phrase will be."""

    loaded: LoadedRoutine
    templates: CueTemplates
    script: Script

    @property
    def slug(self) -> str:
        return self.loaded.slug


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


def estimate_samples(text: str) -> int:
    return int(len(text) / CHARS_PER_SECOND * SAMPLE_RATE) + SAMPLE_RATE // 5


def plan_routine(loaded: LoadedRoutine, templates: CueTemplates) -> Plan:
    """Render the routine's script. The intro announces the length, estimated from a first pass
    so that the words (and so the clips) do not depend on what happens to be cached."""
    draft = render_script(loaded.routine, templates)
    total = build_timeline(draft, estimate_samples, lambda which: chime(which).size).seconds
    return Plan(loaded, templates, render_script(loaded.routine, templates, total_seconds=total))


def _overrides_for(options: BuildOptions) -> Overrides:
    extra = []
    if options.lang:
        extra.append(f"settings.lang={options.lang}")
    return Overrides(
        files=options.overrides.files,
        assignments=(*options.overrides.assignments, *extra),
        hold=options.overrides.hold,
        breath=options.overrides.breath,
        rest=options.overrides.rest,
        scale=options.overrides.scale,
    )


def plan_routines(names: Sequence[str], options: BuildOptions) -> list[Plan]:
    """Load, validate and render every routine before any audio work: bad input stops it all."""
    overrides = _overrides_for(options)
    if not names:
        raise InputError("name at least one routine, or use --all")
    loaded = [load_routine(find_routine(name), overrides) for name in names]
    compiled = ClipCache(options.cache_dir).root / "templates"
    templates: dict[str, CueTemplates] = {}
    for routine in loaded:
        lang = routine.routine.settings.lang
        if lang not in templates:
            templates[lang] = CueTemplates(lang, options.templates, compiled)
            templates[lang].check()
    return [plan_routine(routine, templates[routine.routine.settings.lang]) for routine in loaded]


def all_routine_names() -> list[str]:
    names = [str(path) for path in available_routines()]
    if not names:
        raise InputError("no routines found in ./routines")
    return names


def fingerprint(plan: Plan, engine: Engine, options: BuildOptions) -> str:
    """Everything the MP3 depends on; a build whose fingerprint matches the last one is skipped."""
    parts = {
        "version": __version__,
        "routine": plan.loaded.digest,
        "templates": plan.templates.digest,
        "engine": engine.identity(),
        "audio": [SAMPLE_RATE, MP3_BITRATE, TARGET_LUFS, CLIP_LUFS, PEAK_LIMIT_DBTP, PREPARATION],
        "tags": [options.artist, options.album, EXPORT_VERSION],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _missing(plans: Sequence[Plan], engine: Engine, cache: ClipCache) -> list[str]:
    identity = engine.identity()
    seen: dict[str, None] = {}
    for plan in plans:
        for text in plan.script.phrases():
            if text not in seen and not cache.has(identity, text):
                seen[text] = None
    return list(seen)


def synthesize_missing(
    texts: Sequence[str], engine: Engine, cache: ClipCache, progress: Progress | None = None
) -> None:
    """Speak every phrase not yet cached, ``engine.workers`` at a time, each into the cache as
    soon as it is done: a failure loses nothing already spoken."""
    if not texts:
        return
    identity = engine.identity()

    def one(text: str) -> None:
        spoken = engine.synthesize(text)
        cache.put(identity, text, *prepare_clip(spoken.samples, spoken.rate))

    done = 0
    with ThreadPoolExecutor(max_workers=engine.workers) as pool:
        pending = {pool.submit(one, text) for text in texts}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    raise error
                done += 1
            if progress:
                progress(done, len(texts))


CHIME_IDENTITY = {"engine": "chime", "voice": "bell", "version": "1"}


def chime_stats(cache: ClipCache) -> dict[str, ClipStats]:
    """The chimes' loudness cells, computed once and kept in the clip cache."""
    found = {}
    for which in ("start", "end"):
        stats = cache.stats(CHIME_IDENTITY, which)
        if stats is None:
            stats = clip_stats(chime(which))
            cache.put(CHIME_IDENTITY, which, chime(which), stats)
        found[which] = stats
    return found


@dataclass(frozen=True)
class Mix:
    timeline: Timeline
    clips: dict
    gain_db: float


def mix_for(plan: Plan, engine: Engine, cache: ClipCache) -> Mix:
    """The routine's timeline with its clips (from the cache) and the gain for its loudness."""
    identity = engine.identity()
    clips, stats = {}, {}
    for text in plan.script.phrases():
        clip, stat = cache.get(identity, text), cache.stats(identity, text)
        if clip is None or stat is None:  # pragma: no cover - synthesize_missing ran first
            raise InputError(f"the clip for {text!r} is missing from the cache")
        clips[text], stats[text] = clip, stat
    timeline = build_timeline(plan.script, lambda text: clips[text].size, lambda which: chime(which).size)
    return Mix(timeline, clips, routine_gain_db(timeline, stats, chime_stats(cache)))


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
        all_cached=lambda engine: not _missing(plans, engine, cache),
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
    missing = _missing([plan for plan, _ in stale], engine, cache)
    synthesize_missing(missing, engine, cache, progress)
    for plan, fp in stale:
        results.append(replace(write_routine(plan, engine, cache, options, fp), synthesized=len(missing)))
    order = {plan.slug: i for i, plan in enumerate(plans)}
    return sorted(results, key=lambda r: order[r.slug])


@dataclass(frozen=True)
class ShownCue:
    start_s: float
    end_s: float
    kind: str
    text: str | None
    estimated: bool
    exercise: str | None


def show(name: str, options: BuildOptions = BuildOptions()) -> tuple[Plan, Timeline, list[ShownCue], str]:
    """The timed script with no audio work and no network: lengths come from the clip cache
    where present, otherwise from an estimate (marked)."""
    from .engines.choose import make_engine

    plan = plan_routines([name], options)[0]
    cache = ClipCache(options.cache_dir)
    lang = plan.loaded.routine.settings.lang
    if options.engine == "auto" and options.voice is None:
        engine = make_engine("gtts", lang=lang, tld=options.tld, slow=options.slow)
        if _missing([plan], engine, cache):
            engine = make_engine("piper", lang=lang, slow=options.slow)
    else:
        engine = make_engine(options.engine, voice=options.voice, lang=lang, tld=options.tld, slow=options.slow)
    identity = engine.identity()
    estimated: set[str] = set()

    def length(text: str) -> int:
        cached = cache.length(identity, text)
        if cached is None:
            estimated.add(text)
            return estimate_samples(text)
        return cached

    timeline = build_timeline(plan.script, length, lambda which: chime(which).size)
    rate = timeline.rate
    cues = [
        ShownCue(e.start / rate, e.end / rate, e.kind, e.text, e.text in estimated, e.where.exercise)
        for e in sorted(timeline.events, key=lambda e: (e.start, e.text is not None))
    ]
    return plan, timeline, cues, f"{engine.name} ({engine.voice})"
