"""How fast a changed routine is playable again: rebuilds of a ~20-minute routine in a warm process,
as the studio makes them (issue 13).

    .venv/bin/python bench/rebuild.py [--runs 3] [--minutes 20] [--keep]

A synthetic routine (``bench/synthetic.py``) in a temporary folder, its clips spoken once into a
clip cache of its own (every variant below, untimed); then, ``--runs`` times, from an empty
encoded-part cache (cleared when the code has one): one build (untimed, it fills the cache), then
in-process calls of the library's ``build()``, timed from the call to its return (the MP3 and cue
sheet written, "playable"):

  (a) no change, with ``--force``;  (b) one hold changed 30 s -> 45 s;
  (c) every hold 45 s and one of them 1 m;  (d) back again to the routine as written.

Prints the best and the first of the runs, and the parts encoded and reused (from the build's own
``BuildResult.encoding``; "-" with code that has none), the slowest stages of (b) (the library's
``audioroutine.timing``), and the wall time of the command line for (a) and (b) for reference.
Works with older code too: copy it to /tmp and run it with that checkout's python.
"""

from __future__ import annotations

import argparse
import copy
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = ("a", "b", "c", "d")
TITLES = {"a": "(a) no change, --force", "b": "(b) one hold 30s -> 45s", "c": "(c) every hold 45s, one 1m",
          "d": "(d) back again"}


def load(path: Path) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def dump(data: dict, path: Path) -> None:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


def variants(base: dict) -> dict[str, dict]:
    """The routine as written, and as each case changes it."""
    timed = [e for e in base["exercises"] if isinstance(e.get("hold"), str) and e["hold"].endswith(("s", "m"))]
    one = copy.deepcopy(base)
    next(e for e in one["exercises"] if e.get("hold") == "30s")["hold"] = "45s"
    every = copy.deepcopy(base)
    holds = [e for e in every["exercises"] if e in timed]
    for exercise in holds:
        exercise["hold"] = "45s"
    holds[len(holds) // 2]["hold"] = "1m"
    return {"a": base, "b": one, "c": every, "d": base}


class Stages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seconds: dict[str, float] = defaultdict(float)

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "stage"):
            self.seconds[record.stage] += record.seconds


def estimate(path: Path, options) -> float:
    from audioroutine.chimes import chime
    from audioroutine.planning import estimate_samples, plan_routines
    from audioroutine.timeline import build_timeline

    plan = plan_routines([str(path)], options)[0]
    return build_timeline(plan.script, estimate_samples, lambda w: chime(w).size).seconds


def clear_parts(cache: Path) -> None:
    """An empty encoded-part cache (nothing to do for code that has none)."""
    shutil.rmtree(cache / "encoded", ignore_errors=True)


def timed_build(routine: Path, options) -> tuple[float, str, object]:
    from audioroutine.build import build

    start = time.perf_counter()
    result = build([str(routine)], options)[0]
    wall = time.perf_counter() - start
    encoding = getattr(result, "encoding", None)
    parts = f"{encoding.parts - encoding.reused} encoded, {encoding.reused} reused" if encoding else "-"
    if result.synthesized:
        parts += f" ({result.synthesized} phrases spoken!)"
    return wall, parts, result


def cli_wall(routine: Path, out: Path, cache: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "audioroutine", "build", str(routine), "--engine", "offline", "--force",
                    "--out", str(out), "--cache-dir", str(cache)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Runs of the four cases (best of).")
    parser.add_argument("--minutes", type=float, default=20.0, help="The routine's length.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import audioroutine
    from audioroutine.options import BuildOptions
    from synthetic import write_routine

    root = Path(tempfile.mkdtemp(prefix="audioroutine-rebuild-"))
    cache, out, routine = root / "cache", root / "out", root / "routine.yaml"
    options = BuildOptions(engine="offline", out=str(out), cache_dir=cache)
    print(f"code: {Path(audioroutine.__file__).parent}; folder: {root}")
    try:
        write_routine(routine, "Twenty minute rebuild routine", args.minutes * 60, lambda p: estimate(p, options))
        routines = variants(load(routine))
        for case in ("b", "c", "a"):  # every phrase spoken once, untimed
            dump(routines[case], routine)
            timed_build(routine, options)
        walls: dict[str, list[float]] = defaultdict(list)
        parts: dict[str, str] = {}
        stages = Stages()
        timing = logging.getLogger("audioroutine.timing")
        for run in range(args.runs):
            clear_parts(cache)
            dump(routines["a"], routine)
            wall, _, result = timed_build(routine, BuildOptions(engine="offline", out=str(out), cache_dir=cache,
                                                                force=True))
            if run == 0:
                print(f"routine: {result.seconds / 60:.1f} min, {len(result.sheet.cues)} cues; first build "
                      f"(empty encoded-part cache) {wall:.2f} s")
            for case in CASES:
                dump(routines[case], routine)
                if case == "b":
                    timing.setLevel(logging.DEBUG)
                    timing.addHandler(stages)
                wall, parts[case], _ = timed_build(routine, BuildOptions(engine="offline", out=str(out),
                                                                         cache_dir=cache, force=case == "a"))
                timing.removeHandler(stages)
                timing.setLevel(logging.WARNING)
                walls[case].append(wall)
        print(f"\n{'case':30} {'best':>7} {'first':>7}  parts (last run)")
        for case in CASES:
            print(f"{TITLES[case]:30} {min(walls[case]):6.3f}s {walls[case][0]:6.3f}s  {parts[case]}")
        print("\nslowest stages of (b), summed over the runs:")
        for name, seconds in sorted(stages.seconds.items(), key=lambda item: -item[1])[:10]:
            print(f"  {name:40} {seconds / args.runs:6.3f} s per run")
        dump(routines["a"], routine)
        print(f"\ncommand line, for reference (a process each): (a) {cli_wall(routine, out, cache):.2f} s", end="")
        dump(routines["b"], routine)
        print(f", (b) {cli_wall(routine, out, cache):.2f} s (with --force)")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
