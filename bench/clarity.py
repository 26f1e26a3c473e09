"""How clearly the offline voice speaks, per Piper noise setting: each phrase rendered a few times
with each setting, every render heard by the offline speech recognizer (PocketSphinx, the
``check`` extra), with the word error rate and the number of misheard renders per setting.

    python bench/clarity.py [--takes 3] [--max-words 8] [--setting 0.333/0.4 ...]

The phrases are the short ones of the built-in routines (the cues said again and again: counts,
"lower slowly", "Halfway.") with the issue's examples; long instructions are left out to keep a
run to a few minutes on 2 cores. Nothing is cached: every render is new. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = ("lower slowly", "Wall calf.", "Wall calf stretch.")
"""Phrases the issue names (misheard as "four slowly", "wall cat")."""
SETTINGS = ("0.667/0.8", "0.5/0.6", "0.333/0.4", "0.2/0.3")
"""noise_scale/noise_w pairs: the voice's own (the joe voice's config: 0.667/0.8) and quieter ones."""


def phrases(max_words: int) -> list[str]:
    """The examples, then the built-in routines' phrases of at most ``max_words`` words."""
    from audioroutine.cli.params import build_options
    from audioroutine.hearing import words
    from audioroutine.planning import all_routine_names, plan_routines

    found = dict.fromkeys(EXAMPLES)
    for plan in plan_routines(all_routine_names(), build_options()):
        found.update(dict.fromkeys(t for t in plan.script.phrases() if len(words(t)) <= max_words))
    return list(found)


def measure(setting: str, texts: list[str], takes: int, recognizer) -> list:
    """Every render of every phrase with one setting, as heard (``Heard``), phrase by phrase."""
    from audioroutine.clips import prepare_clip
    from audioroutine.engines.piper_engine import PiperEngine

    scale, width = (float(x) for x in setting.split("/"))
    engine = PiperEngine(noise_scale=scale, noise_w=width)
    heard = []
    for text in texts:
        for _ in range(takes):
            spoken = engine.synthesize(text)
            clip, _ = prepare_clip(spoken.samples, spoken.rate)
            heard.append(recognizer.hear(text, clip, 22050))
    return heard


def table(results: dict[str, list], examples: bool) -> None:
    """WER, misheard renders, and renders worse than the phrase's best-heard render in any setting
    (the recognizer's own steady mistakes cancel out of that one: it counts bad takes)."""
    from audioroutine.hearing import word_error_rate

    best: dict[str, int] = {}
    for heard in results.values():
        for h in heard:
            best[h.text] = min(best.get(h.text, h.errors), h.errors)
    print(f"{'noise_scale/noise_w':<20} {'WER':>6} {'misheard':>9} {'worse than best':>16} {'renders':>8}")
    for setting, heard in results.items():
        worse = [h for h in heard if h.errors > best[h.text]]
        print(f"{setting:<20} {word_error_rate(heard):>6.1%} {sum(not h.right for h in heard):>9} "
              f"{len(worse):>16} {len(heard):>8}")
        if examples:
            for h in worse[:8]:
                print(f"    {h.text!r} -> {h.transcript!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--takes", type=int, default=2, help="renders of each phrase per setting")
    parser.add_argument("--max-words", type=int, default=8, help="leave out longer phrases")
    parser.add_argument("--setting", action="append", help="noise_scale/noise_w (repeatable)")
    parser.add_argument("--examples", action="store_true", help="print some worse-than-best renders per setting")
    args = parser.parse_args(argv)
    from audioroutine.hearing import Recognizer

    os.chdir(HERE.parent)  # the built-in routines
    texts = phrases(args.max_words)
    recognizer = Recognizer()
    print(f"{len(texts)} phrases x {args.takes} takes per setting; heard by PocketSphinx (en-us)", flush=True)
    results = {}
    for setting in args.setting or SETTINGS:
        start = time.perf_counter()
        results[setting] = measure(setting, texts, args.takes, recognizer)
        print(f"  {setting}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    print()
    table(results, args.examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
