"""How fast the commands that make no audio answer: wall time of the whole process, warm.

    python bench/startup.py [--runs 5] [--routine post-run-happy-feet]

Runs ``python -m audioroutine <command>`` for ``show``, ``list``, ``validate``, ``engines`` and
``--help`` (best of ``--runs``, after one warm-up run each), with this interpreter (not a shim such
as pyenv's, which adds its own start-up), the clip cache in a temporary folder, and Google's
endpoint pointed at a closed local port so nothing leaves the machine. Then ``-X importtime``
of ``show``, summed by top-level package (self times). Prints a table; exit status 0.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 0.3
"""Issue 9's target for ``list`` and ``show``."""


def wall(args: list[str], env: dict[str, str], runs: int) -> float:
    command = [sys.executable, "-m", "audioroutine", *args]
    subprocess.run(command, env=env, cwd=REPO, capture_output=True, check=False)  # warm-up
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, cwd=REPO, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def import_profile(args: list[str], env: dict[str, str], top: int = 10) -> tuple[float, list[tuple[str, float]]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "audioroutine", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, check=False)
    totals: collections.Counter[str] = collections.Counter()
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            totals[match.group(2).split(".")[0]] += int(match.group(1))
    return sum(totals.values()) / 1e6, [(name, us / 1e6) for name, us in totals.most_common(top)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--routine", default="post-run-happy-feet")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "AUDIOROUTINE_CACHE": cache, "AUDIOROUTINE_GTTS_URL": "http://127.0.0.1:9"}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=False)
        bare = time.perf_counter() - start
        print(f"{'command':<32} {'wall s':>7}  target")
        print(f"{'python -c pass':<32} {bare:>7.3f}")
        for command in (["show", args.routine], ["list"], ["validate", args.routine], ["engines"], ["--help"]):
            seconds = wall(command, env, args.runs)
            target = f"<= {TARGET_S} {'PASS' if seconds <= TARGET_S else 'FAIL'}" if command[0] in ("show", "list") \
                else ""
            print(f"{' '.join(command):<32} {seconds:>7.3f}  {target}")
        total, top = import_profile(["show", args.routine], env)
        print(f"\nimports of `show`: {total:.3f} s; self time by top-level package:")
        print("  " + ", ".join(f"{name} {s * 1000:.0f} ms" for name, s in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
