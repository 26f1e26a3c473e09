"""audioroutine studio's HTTP API, without a browser: a real server (``python -m audioroutine studio
--no-browser --port 0``) on a free port, driven with http.client; the real offline voice and the
shared clip cache."""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from audiotools import decode, tiny_routine

ROUTINE = "# my routine, with comments\n" + tiny_routine("Studio API test").replace(
    "  rest: 2s\n", "  rest: 2s   # between exercises\n")


class Studio:
    def __init__(self, folder: Path, out: Path, cache: Path) -> None:
        self.folder, self.out = folder, out
        env = {**os.environ, "AUDIOROUTINE_CACHE": str(cache)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "audioroutine", "studio", str(folder), "--no-browser", "--port", "0",
             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            cwd=folder.parent)
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line + self.proc.stderr.read()
        self.port = int(match.group(1))
        self.origin = f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: object = None, *, host: str | None = None,
                origin: str | None = "own", headers: dict | None = None) -> tuple[int, dict | bytes, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {"Host": host or f"127.0.0.1:{self.port}", **(headers or {})}
        if origin is not None:
            sent["Origin"] = self.origin if origin == "own" else origin
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
            sent["Content-Length"] = str(len(data))
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for key, value in sent.items():
            conn.putheader(key, value)
        conn.endheaders(data)
        response = conn.getresponse()
        raw = response.read()
        conn.close()
        kind = response.getheader("content-type") or ""
        return response.status, (json.loads(raw) if "json" in kind else raw), dict(response.getheaders())

    def get(self, path: str, **kw):
        return self.request("GET", path, origin=None, **kw)

    def post(self, path: str, body: object, **kw):
        return self.request("POST", path, body, **kw)

    def wait(self, job: str, deadline: float = 300) -> dict:
        end = time.monotonic() + deadline
        seen = []
        while time.monotonic() < end:
            status, answer, _ = self.get(f"/api/jobs/{job}")
            assert status == 200
            seen.append(answer)
            if answer["state"] in ("done", "failed"):
                return answer
            time.sleep(0.1)
        raise AssertionError(f"job {job} never ended: {seen[-1]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()


@pytest.fixture
def studio(tmp_path, clip_cache):
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(ROUTINE, encoding="utf-8")
    server = Studio(folder, tmp_path / "output", clip_cache)
    yield server
    server.stop()


def test_list_and_open(studio):
    status, answer, _ = studio.get("/api/routines")
    assert status == 200
    rows = {row["id"]: row for row in answer["routines"]}
    assert rows["tiny"]["title"] == "Studio API test" and not rows["tiny"]["builtin"]
    assert rows["example-calf-care"]["builtin"] and rows["example-calf-care"]["seconds"] > 60
    status, detail, _ = studio.get("/api/routines/tiny")
    assert status == 200
    assert (detail["when"], detail["equipment"]) == (rows["tiny"]["when"], rows["tiny"]["equipment"])
    assert [e["id"] for e in detail["exercises"]] == ["wall-stretch", "heel-drops"]
    assert detail["exercises"][0]["dose"] == {"hold": "4s"} and detail["settings"]["rest"] == "2s"
    timeline = detail["timeline"]
    assert [c["id"] for c in timeline["chapters"]] == ["wall-stretch", "heel-drops"]
    assert any(s["kind"] == "hold" and s["end"] - s["start"] == pytest.approx(4, abs=0.001) for s in timeline["spans"])
    assert timeline["samples"] / timeline["rate"] == pytest.approx(timeline["seconds"], abs=0.001)
    assert studio.get("/api/routines/nope")[0] == 404


def test_plan_a_change_moves_its_span_by_exactly_the_change(studio):
    status, before, _ = studio.post("/api/routines/tiny/plan", {"set": {"settings.rest": "10s"}})
    assert status == 200, before
    before = before["timeline"]
    status, answer, _ = studio.post("/api/routines/tiny/plan", {"set": {"wall-stretch.hold": "9s"}})
    assert status == 200
    hold = [s for s in answer["timeline"]["spans"] if s["kind"] == "hold"]
    assert hold[0]["end"] - hold[0]["start"] == pytest.approx(9, abs=0.001)
    status, answer, _ = studio.post("/api/routines/tiny/plan", {"set": {"settings.rest": "15s"}})
    assert status == 200
    def rest(timeline: dict) -> float:
        return sum(s["end"] - s["start"] for s in timeline["spans"] if s["kind"] == "rest")

    assert rest(answer["timeline"]) - rest(before) == pytest.approx(5, abs=0.001)
    # The total follows; not to the sample: the rest's cue and the intro say their lengths in words, and
    # a phrase not yet spoken is laid out at a length estimated from its letters.
    assert answer["timeline"]["seconds"] - before["seconds"] == pytest.approx(5, abs=1)
    assert answer["changes"] == ["rest 15s (tuned)"]


def test_plan_a_bad_value_says_what_the_cli_says(studio):
    status, answer, _ = studio.post("/api/routines/tiny/plan",
                                    {"set": {"wall-stretch.hold": "abc", "settings.rest": "-1s",
                                             "heel-drops.reps": "3"}})
    assert status == 200 and "timeline" not in answer  # answered, not refused: no failed request in the page
    by_field = {e["field"]: e["message"] for e in answer["errors"]}
    assert set(by_field) == {"wall-stretch.hold", "settings.rest"}
    cli = subprocess.run([sys.executable, "-m", "audioroutine", "show", str(studio.folder / "tiny.yaml"),
                          "--set", "wall-stretch.hold=abc"], capture_output=True, text=True)
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"error: {by_field['wall-stretch.hold']}"


def test_build_to_done_with_progress_and_exact_length(studio):
    status, answer, _ = studio.post("/api/routines/tiny/build", {"set": {}})
    assert status == 202
    done = studio.wait(answer["job"])
    assert done["state"] == "done", done
    result = done["result"]
    assert result["audio"].startswith("/media/tiny.mp3?v=")
    status, mp3, headers = studio.get(result["audio"])
    assert status == 200 and headers["content-type"] == "audio/mpeg"
    assert len(decode(studio.out / "tiny.mp3")) == result["samples"]
    assert mp3 == (studio.out / "tiny.mp3").read_bytes()
    status, part, headers = studio.get("/media/tiny.mp3", headers={"Range": "bytes=10-19"})
    assert status == 206 and part == mp3[10:20]
    # a tuned build is a variant: the routine's own MP3 stays
    status, answer, _ = studio.post("/api/routines/tiny/build", {"set": {"wall-stretch.hold": "5s"}})
    tuned = studio.wait(answer["job"])
    assert tuned["state"] == "done" and tuned["result"]["audio"].startswith("/media/tiny-studio.mp3")
    assert (studio.out / "tiny.mp3").read_bytes() == mp3
    assert len(decode(studio.out / "tiny-studio.mp3")) == tuned["result"]["samples"]
    # built, every phrase is spoken: the plan of that tuning is the MP3's length to the sample, not an estimate
    status, planned, _ = studio.post("/api/routines/tiny/plan", {"set": {"wall-stretch.hold": "5s"}})
    assert (planned["timeline"]["estimated"], planned["timeline"]["samples"]) == (False, tuned["result"]["samples"])


def test_a_failed_build_says_why(studio):
    status, answer, _ = studio.post("/api/routines/tiny/build", {"set": {"voice.speed": "9"}})
    assert status == 422 and answer["errors"][0]["field"] == "voice.speed"


def test_diff_then_save_overrides(studio):
    routine = (studio.folder / "tiny.yaml").read_bytes()
    tuning = {"set": {"wall-stretch.hold": "45s", "settings.rest": "20s"}, "target": "overrides"}
    status, diff, _ = studio.post("/api/routines/tiny/diff", tuning)
    assert status == 200 and diff["new_file"] and diff["path"].endswith("tiny.overrides.yaml")
    assert "+  wall-stretch:\n+    hold: 45s\n" in diff["diff"]
    status, saved, _ = studio.post("/api/routines/tiny/save", tuning)
    assert status == 200
    written = (studio.folder / "tiny.overrides.yaml").read_text()
    assert written == "exercises:\n  wall-stretch:\n    hold: 45s\nsettings:\n  rest: 20s\n"
    assert (studio.folder / "tiny.yaml").read_bytes() == routine
    detail = studio.get("/api/routines/tiny")[1]
    assert detail["tuning"] == {"wall-stretch.hold": "45s", "settings.rest": "20s"}
    assert detail["exercises"][0]["dose"] == {"hold": "45s"}
    cli = subprocess.run([sys.executable, "-m", "audioroutine", "show", str(studio.folder / "tiny.yaml"),
                          "--overrides", str(studio.folder / "tiny.overrides.yaml")], capture_output=True, text=True)
    assert cli.returncode == 0 and "hold 45s" in cli.stdout
    assert not [p for p in studio.folder.iterdir() if p.name.startswith(".")]


def test_save_into_the_routine_keeps_its_comments(studio):
    body = {"set": {"wall-stretch.hold": "45s", "settings.rest": "20s"}, "target": "routine"}
    diff = studio.post("/api/routines/tiny/diff", body)[1]["diff"]
    assert "-    hold: 4s\n+    hold: 45s\n" in diff and "+  rest: 20s  # between exercises\n" in diff
    assert studio.post("/api/routines/tiny/save", body)[0] == 200
    assert (studio.folder / "tiny.yaml").read_text() == ROUTINE.replace("hold: 4s", "hold: 45s").replace(
        "rest: 2s   #", "rest: 20s  #")
    status, answer, _ = studio.post("/api/routines/example-calf-care/save", {"set": {}, "target": "routine"})
    assert status == 422 and "Save as" in answer["errors"][0]["hint"]


def test_save_as_a_copy_and_refuse_a_name_taken(studio):
    status, answer, _ = studio.post("/api/routines/example-calf-care/save-as",
                                    {"set": {"wall-calf-stretch.hold": "1m"}, "title": "My calf care"})
    assert status == 201 and answer == {"id": "my-calf-care"}
    text = (studio.folder / "my-calf-care.yaml").read_text()
    assert text.startswith("# A short example routine") and "title: My calf care\n" in text and "hold: 1m\n" in text
    status, answer, _ = studio.post("/api/routines/tiny/save-as", {"set": {}, "title": "My calf care"})
    assert status == 409
    assert studio.get("/api/routines/my-calf-care")[0] == 200


FORM = {"title": "Three for the road", "when": "post-run", "source": {"publication": "", "author": "Coach", "url": ""},
        "equipment": ["wall"], "lang": "en",
        "exercises": [{"name": "Calf stretch", "instructions": ["Face a wall.", "Step one foot back."],
                       "dose": {"hold": "30s"}, "sides": "both", "sets": "1"},
                      {"name": "Heel drops", "instructions": ["Rise up, then lower slowly."],
                       "dose": {"reps": "10"}, "sides": "none", "sets": "2"},
                      {"name": "Child's pose", "instructions": ["Sit back on your heels."],
                       "dose": {"hold": "abc"}, "sides": "none", "sets": "1"}]}


def test_draft_with_an_error_then_fixed_then_create(studio):
    status, answer, _ = studio.post("/api/draft", {"routine": FORM})
    assert status == 200
    assert [e["field"] for e in answer["errors"]] == ["exercises.2.hold"]
    assert "'abc' is not a duration" in answer["errors"][0]["message"]
    assert studio.post("/api/routines", {"routine": FORM})[0] == 422
    fixed = json.loads(json.dumps(FORM))
    fixed["exercises"][2]["dose"] = {"hold": "6 breaths"}
    status, answer, _ = studio.post("/api/draft", {"routine": fixed})
    assert answer["errors"] == []
    assert "exercises:\n  - name: Calf stretch\n    instructions:\n      - Face a wall.\n" in answer["yaml"]
    status, created, _ = studio.post("/api/routines", {"routine": fixed})
    assert status == 201 and created == {"id": "three-for-the-road"}
    assert (studio.folder / "three-for-the-road.yaml").read_text() == answer["yaml"]
    created_file = str(studio.folder / "three-for-the-road.yaml")
    ok = subprocess.run([sys.executable, "-m", "audioroutine", "validate", created_file],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert studio.post("/api/routines", {"routine": fixed})[0] == 409


def test_share_zip(studio):
    status, answer, _ = studio.post("/api/share", {"routines": ["tiny"], "title": "Run Club", "base_url": ""})
    assert status == 202
    done = studio.wait(answer["job"])
    assert done["state"] == "done", done
    status, data, _ = studio.get(done["result"]["zip"])
    assert status == 200
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(name.endswith("tiny.mp3") for name in names)
    assert studio.get(done["result"]["page"])[0] == 200


# ------------------------------------------------------------------------------------------ safety


def test_a_foreign_host_is_refused(studio):
    for host in ("evil.example:80", f"evil.example:{studio.port}", "127.0.0.1:1"):
        status, answer, _ = studio.get("/api/routines", host=host)
        assert status == 403 and "127.0.0.1" in answer["errors"][0]["message"]
    assert studio.get("/", host=f"localhost:{studio.port}")[0] == 200
    assert studio.get("/static/studio.js", host="evil.example")[0] == 403


def test_a_post_without_its_own_origin_is_refused(studio):
    for origin in (None, "http://evil.example", f"http://127.0.0.1:{studio.port + 1}", "null"):
        status, _, _ = studio.post("/api/routines/tiny/save", {"set": {}, "target": "routine"}, origin=origin)
        assert status == 403
    assert not (studio.folder / "tiny.overrides.yaml").exists()


def test_it_listens_on_127_0_0_1_only(studio):
    lines = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout.splitlines()
    ours = [line for line in lines if f":{studio.port} " in line]
    assert ours and all("127.0.0.1:" in line for line in ours), ours


def test_no_path_from_the_browser_is_trusted(studio, tmp_path):
    studio.out.mkdir(exist_ok=True)
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(b"secret")
    (studio.out / "link.mp3").symlink_to(secret)
    (studio.folder / "outside.yaml").symlink_to(studio.folder / ".." / ".." / "elsewhere.yaml")
    for path in ("/media/link.mp3", "/media/../routines/tiny.yaml", "/media/%2e%2e/routines/tiny.yaml",
                 f"/media/{secret}", "/media/%2Fetc%2Fpasswd", "/api/routines/..%2Froutines%2Ftiny",
                 "/api/routines/outside"):
        status, body, _ = studio.get(path)
        assert status == 404, path
        assert b"secret" not in (body if isinstance(body, bytes) else json.dumps(body).encode())


def test_two_builds_at_once_are_serialized(studio):
    answers = []

    def post() -> None:
        answers.append(studio.post("/api/routines/tiny/build", {"set": {"settings.rest": "3s"}})[1]["job"])

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results = [studio.wait(job) for job in answers]
    assert all(r["state"] == "done" for r in results), results
    assert len(decode(studio.out / "tiny-studio.mp3")) == results[-1]["result"]["samples"]
    assert not [p for p in studio.out.iterdir() if p.name.startswith(".")]


def test_a_killed_studio_leaves_nothing_half_written(studio, tmp_path, clip_cache):
    done = studio.wait(studio.post("/api/routines/tiny/build", {"set": {}})[1]["job"])
    before = (studio.out / "tiny.mp3").read_bytes()
    answer = studio.post("/api/routines/tiny/build", {"set": {"settings.rest": "4s", "voice.speed": "1.1"}})[1]
    for _ in range(200):  # kill it while it speaks or writes
        if studio.get(f"/api/jobs/{answer['job']}")[1]["state"] != "waiting":
            break
        time.sleep(0.01)
    studio.proc.send_signal(signal.SIGKILL)
    studio.proc.wait()
    assert (studio.out / "tiny.mp3").read_bytes() == before
    assert len(decode(studio.out / "tiny.mp3")) == done["result"]["samples"]
    variant = studio.out / "tiny-studio.mp3"
    if variant.exists():  # finished before the kill: whole
        sheet = json.loads((studio.out / "tiny-studio.json").read_text())
        assert len(decode(variant)) == sheet["samples"]
    again = Studio(studio.folder, studio.out, clip_cache)
    try:
        assert [r["id"] for r in again.get("/api/routines")[1]["routines"]][:1] == ["tiny"]
        rebuilt = again.wait(again.post("/api/routines/tiny/build", {"set": {"settings.rest": "4s"}})[1]["job"])
        assert rebuilt["state"] == "done"
        assert not [p for p in studio.out.iterdir() if p.name.startswith(".") and p.name.endswith(".part")]
    finally:
        again.stop()
