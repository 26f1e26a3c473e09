"""From "Build" to playable in the studio: a hold changed on a warm ~20-minute routine (issue 13).

    .venv/bin/python bench/studio_build.py [--runs 5] [--minutes 20] [--keep]

A synthetic routine (``bench/synthetic.py``) in a temporary routines folder, its phrases spoken once
into a clip cache of its own (untimed, by ``bench/rebuild.py``'s builds); then a real studio
(``python -m audioroutine studio FOLDER --no-browser --port 0``) driven over HTTP as the page drives
it: one untimed Build of the routine as written, then ``--runs`` times a hold changed 30 s -> 45 s
and back (each a real change of the tuned build), timed
from the POST of Build to the job's ``done`` (polled every 10 ms) and then to the MP3's first
64 KB read back from ``/media`` (what the page's audio element asks first). The page polls every
100 ms, so a coach sees it up to 0.1 s later than the first figure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class Studio:
    def __init__(self, folder: Path, out: Path, cache: Path) -> None:
        env = {**os.environ, "AUDIOROUTINE_CACHE": str(cache)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "audioroutine", "studio", str(folder), "--no-browser", "--port", "0",
             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        for line in self.proc.stdout:
            if found := re.search(r"http://127\.0\.0\.1:(\d+)/", line):
                self.port = int(found.group(1))
                break
        else:
            raise SystemExit("the studio did not start")

    def call(self, method: str, path: str, body: object = None, headers: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent |= {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{self.port}"}
        conn.request(method, path, data, sent)
        answer = conn.getresponse()
        return answer.status, answer.read()

    def build(self, routine: str, tuning: dict) -> tuple[float, float, dict]:
        """Seconds from the POST to ``done``, and to the MP3's first bytes read back; the job."""
        started = time.perf_counter()
        status, body = self.call("POST", f"/api/routines/{routine}/build", {"set": tuning})
        if status != 202:
            raise SystemExit(f"build refused: {status} {body[:300]!r}")
        job = json.loads(body)["job"]
        while True:
            state = json.loads(self.call("GET", f"/api/jobs/{job}")[1])
            if state["state"] in ("done", "failed"):
                break
            time.sleep(0.01)
        done = time.perf_counter() - started
        if state["state"] != "done":
            raise SystemExit(f"build failed: {state.get('errors')}")
        status, _ = self.call("GET", state["result"]["audio"], headers={"Range": "bytes=0-65535"})
        if status not in (200, 206):
            raise SystemExit(f"the MP3 could not be read: {status}")
        return done, time.perf_counter() - started, state

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Hold changes timed (best and median).")
    parser.add_argument("--minutes", type=float, default=20.0, help="The routine's length.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from audioroutine.options import BuildOptions
    from rebuild import dump, estimate, load, timed_build, variants
    from synthetic import write_routine

    root = Path(tempfile.mkdtemp(prefix="audioroutine-studio-build-"))
    folder, cache, out = root / "routines", root / "cache", root / "out"
    folder.mkdir()
    routine = folder / "long.yaml"
    options = BuildOptions(engine="offline", out=str(root / "warm"), cache_dir=cache)
    studio = None
    try:
        write_routine(routine, "Twenty minute studio routine", args.minutes * 60, lambda p: estimate(p, options))
        written = load(routine)
        for case in ("b", "a"):  # every phrase of both holds spoken once, untimed
            dump(variants(written)[case], routine)
            timed_build(routine, options)
        studio = Studio(folder, out, cache)
        detail = json.loads(studio.call("GET", "/api/routines/long")[1])
        hold = next(e["id"] for e in detail["exercises"] if e["dose"].get("hold") == "30s")
        _, first, state = studio.build("long", {})
        print(f"routine: {state['result']['seconds'] / 60:.1f} min; first Build, the routine as written: {first:.2f} s")
        done, playable = [], []
        for run in range(args.runs):
            seconds = "45s" if run % 2 == 0 else "30s"
            to_done, to_bytes, _ = studio.build("long", {f"{hold}.hold": seconds})
            done.append(to_done)
            playable.append(to_bytes)
        done.sort()
        playable.sort()
        print(f"a hold changed ({args.runs} builds, 30s <-> 45s): Build to done best {done[0]:.3f} s, "
              f"median {done[len(done) // 2]:.3f} s; to the MP3's first bytes best {playable[0]:.3f} s, "
              f"median {playable[len(playable) // 2]:.3f} s")
    finally:
        if studio is not None:
            studio.stop()
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
