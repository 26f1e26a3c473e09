"""Does the check hear right takes as right and wrong takes as wrong? Each recognizer configuration
hears RIGHT takes (the voice saying a phrase of the built-in routines) and WRONG takes (the voice
saying a confusable wrong text in its place: "four slowly" for "lower slowly", a count said wrong, a
dropped word, another exercise's name), and the table gives per configuration the share of right
takes heard right (specificity), of wrong takes flagged (sensitivity), and the WER on right takes.

    python bench/hearing.py [--pairs 40] [--renders DIR] [--config NAME ...] [--examples]

The pairs are drawn by rules from the built-in routines' phrases (``pairs``), plus the issue's
examples. Every take is spoken once per run (``--renders DIR`` keeps them, to compare
configurations on the same takes across runs). See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ISSUE = [
    ("lower slowly", "four slowly", "issue"),
    ("lower slowly", "power slowly", "issue"),
    ("Wall calf.", "Wall cat.", "issue"),
    ("Right foot first.", "Right book first.", "issue"),
]
"""Wrong takes the issue and the brief name (the Jasyoga intro is added from the routines)."""
CONFUSABLE = {"lower": "four", "calf": "cat", "left": "lift", "right": "light", "hold": "fold",
              "rest": "test", "heel": "hill", "heels": "hills", "toes": "nose", "foot": "book",
              "leg": "egg", "release": "relief", "halfway": "hallway", "switch": "stitch", "wall": "ball",
              "stop": "shop", "round": "around", "breathe": "bring"}
"""A word, and a word it could be mistaken for by a listener."""
NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "fifteen",
           "twenty", "thirty", "forty", "fifty")


def routine_phrases() -> dict[str, list[str]]:
    """Every built-in routine's phrases, by routine."""
    from audioroutine.cli.params import build_options
    from audioroutine.planning import all_routine_names, plan_routines

    return {plan.slug: plan.script.phrases() for plan in plan_routines(all_routine_names(), build_options())}


def _swap(text: str, old: str, new: str) -> str:
    """``text`` with its first word ``old`` (any case) said as ``new`` (in the same case)."""
    def said(m: re.Match) -> str:
        return new.capitalize() if m.group()[0].isupper() else new

    return re.sub(rf"\b{re.escape(old)}\b", said, text, count=1, flags=re.I)


def pairs(by_routine: dict[str, list[str]], count: int, max_words: int = 12) -> list[tuple[str, str, str]]:
    """(expected, spoken instead, rule): the issue's examples, then by turns a confusable word, a
    count said wrong, a dropped word and another exercise's name, from the shorter phrases."""
    from audioroutine.hearing import words

    everything = list(dict.fromkeys(p for ps in by_routine.values() for p in ps))
    short = [p for p in everything if len(words(p)) <= max_words]
    found = list(ISSUE) + [(p, _swap(p, "Jasyoga", "Jesse Olga"), "issue") for p in everything if "Jasyoga" in p]
    rules: dict[str, list[tuple[str, str, str]]] = {"confusable": [], "count": [], "dropped": [], "name": []}
    for p in short:
        said = words(p)
        for word in said:
            if word in CONFUSABLE:
                rules["confusable"].append((p, _swap(p, word, CONFUSABLE[word]), "confusable"))
                break
        numbers = [w for w in said if w in NUMBERS]
        if numbers:
            wrong = NUMBERS[(NUMBERS.index(numbers[0]) + 1) % len(NUMBERS)]
            rules["count"].append((p, _swap(p, numbers[0], wrong), "count"))
        if 3 <= len(said) <= max_words:
            tokens = p.split()
            longest = max(range(len(tokens)), key=lambda i: len(tokens[i].strip(".,:;")))
            dropped = " ".join(t for i, t in enumerate(tokens) if i != longest)
            rules["dropped"].append((p, dropped[0].upper() + dropped[1:], "dropped"))
    for phrases in by_routine.values():
        names = [m.group(1) for p in phrases if (m := re.match(r"Rest for .*?\. Next: ([^.]+)\.", p))]
        for p in phrases:
            m = re.match(r"Rest for .*?\. Next: ([^.]+)\.", p)
            if m and len(names) > 1 and len(words(p)) <= max_words:
                other = names[(names.index(m.group(1)) + 1) % len(names)]
                rules["name"].append((p, p.replace(m.group(1), other, 1), "name"))
    turns = [list(dict.fromkeys(r)) for r in rules.values()]
    while len(found) < count and any(turns):
        for taken in turns:
            if taken and len(found) < count:
                pair = taken.pop(0)
                if pair[0] != pair[1] and pair[:2] not in [f[:2] for f in found]:
                    found.append(pair)
    return found


def render(texts: list[str], renders: Path | None) -> dict[str, object]:
    """Every text spoken by the offline voice with the build's settings, prepared as the cache
    keeps a clip (kept in ``renders`` as .npy when given, and read back from there)."""
    import numpy as np

    from audioroutine.engines.piper_engine import PiperEngine
    from audioroutine.takes import new_take

    engine, spoken = PiperEngine(), {}
    for text in texts:
        path = renders / (hashlib.sha256(text.encode()).hexdigest()[:20] + ".npy") if renders else None
        if path and path.exists():
            spoken[text] = np.load(path)
            continue
        spoken[text] = new_take(engine, text).samples
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, spoken[text])
    return spoken


def configurations(phrases: list[str], fixed: list[str]) -> dict[str, Callable[[], object]]:
    """Each configuration's name and how to make its recognizer (made one at a time)."""
    from audioroutine.hearing import Recognizer

    return {
        "a. general LM": lambda: Recognizer(),
        "b. routine LM": lambda: Recognizer(phrases, fixed_words=fixed, weight=0.0),
        "c. routine LM + common words 0.02": lambda: Recognizer(phrases, fixed_words=fixed, weight=0.02),
        "c. routine LM + common words 0.1": lambda: Recognizer(phrases, fixed_words=fixed, weight=0.1),
        "c. routine LM + common words 0.3": lambda: Recognizer(phrases, fixed_words=fixed, weight=0.3),
    }


def measure(recognizer, pairs_: list[tuple[str, str, str]], spoken: dict) -> tuple[list, list]:
    """(right takes as heard, wrong takes as heard against the expected text)."""
    from audioroutine.constants import SAMPLE_RATE

    rights = [recognizer.hear(text, spoken[text], SAMPLE_RATE) for text in dict.fromkeys(e for e, _, _ in pairs_)]
    wrongs = [(rule, said, recognizer.hear(text, spoken[said], SAMPLE_RATE)) for text, said, rule in pairs_]
    return rights, wrongs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=40, help="right/wrong pairs")
    parser.add_argument("--renders", type=Path, help="keep the takes here (and reuse them)")
    parser.add_argument("--config", action="append", help="only configurations whose name has this (repeatable)")
    parser.add_argument("--examples", action="store_true", help="print what each configuration got wrong")
    args = parser.parse_args(argv)
    from audioroutine.hearing import word_error_rate
    from audioroutine.hearing_model import template_words
    from audioroutine.templates import CueTemplates

    os.chdir(HERE.parent)  # the built-in routines
    by_routine = routine_phrases()
    chosen = pairs(by_routine, args.pairs)
    start = time.perf_counter()
    spoken = render(list(dict.fromkeys(t for e, s, _ in chosen for t in (e, s))), args.renders)
    print(f"{len(chosen)} pairs, {len(spoken)} takes spoken in {time.perf_counter() - start:.0f} s", flush=True)
    phrases = list(dict.fromkeys(p for ps in by_routine.values() for p in ps))
    fixed = template_words(CueTemplates("en").files().values())
    print(f"{'configuration':<36} {'right heard right':>18} {'wrong flagged':>14} {'WER right':>10} {'s':>5}")
    for name, make in configurations(phrases, fixed).items():
        if args.config and not any(c in name for c in args.config):
            continue
        start = time.perf_counter()
        rights, wrongs = measure(make(), chosen, spoken)
        flagged, right = sum(not h.right for _, _, h in wrongs), sum(h.right for h in rights)
        print(f"{name:<36} {right:>3}/{len(rights):<3} {right / len(rights):>6.0%}"
              f"    {flagged:>3}/{len(wrongs):<3} {flagged / len(wrongs):>4.0%} {word_error_rate(rights):>10.1%}"
              f" {time.perf_counter() - start:>5.0f}", flush=True)
        if args.examples:
            for h in rights:
                if not h.right:
                    print(f"    right take {h.text!r} heard {h.transcript!r}")
            for rule, said, h in wrongs:
                if h.right:
                    print(f"    wrong take ({rule}) {said!r} for {h.text!r} heard {h.transcript!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
