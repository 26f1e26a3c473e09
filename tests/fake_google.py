"""A local stand-in for Google Translate's speech endpoint, speaking gTTS's protocol exactly.

gTTS (``gtts/tts.py``) POSTs to ``/_/TranslateWebserverUi/data/batchexecute`` a form body
``f.req=<url-quoted JSON>&``; the JSON is ``[[["jQ1olc", "<JSON of [text, lang, speed, "null"]>",
null, "generic"]]]`` where speed is ``true`` for slow speech and ``null`` otherwise. Google
answers with a ``)]}'`` line, then length-prefixed chunks, one of whose lines holds
``["wrb.fr","jQ1olc","[\\"<base64 MP3>\\"]",...]``; gTTS (and audioroutine's
``engines/gtts_answer.py``, which reads answers now) finds the audio with the regex
``jQ1olc","\\[\\\\"(.*)\\\\"]`` and base64-decodes it.

The MP3 here is a real one (encoded by ffmpeg): ``LEAD_S`` of silence, a 440 Hz tone of
``MS_PER_CHAR`` milliseconds per character of the text, and ``LEAD_S`` of silence again, at 24 kHz
mono like Google's. So a test knows how long every phrase must come out.

Every request is recorded; the server can be told to fail (an HTTP status for the next N
requests, for every request, or after N good ones), to misbehave in each way ``MISCHIEF`` lists
(for the next N requests or for all), and to take its time answering, so that retries, checks of
what comes back, and the number of requests in flight at once can be checked.
"""

from __future__ import annotations

import base64
import functools
import json
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np

from audioroutine.engines.gtts_engine import BACKOFF_ENV, ENDPOINT_ENV
from audioroutine.ffmpeg import ffmpeg_exe

RPC_PATH = "/_/TranslateWebserverUi/data/batchexecute"
RPC_ID = "jQ1olc"
RATE = 24000
MS_PER_CHAR = 50
LEAD_S = 0.1
"""Silence before and after the tone, as a real voice has; the engine's trimming cuts most of it."""
TONE_HZ = 440.0
TONE_PEAK = 0.5
TRICKLE_S = 1.0
"""Between the bytes of a trickled answer."""
MISCHIEF = {
    "silent": "a whole, valid MP3 of silence as long as the words' tone would be",
    "short": "a whole, valid MP3 of a 10 ms tone, far too short for any words",
    "truncated": "the MP3 cut in the middle of a frame (its first half)",
    "cut": "the MP3's frames less the second half, cut at a frame boundary: its header counts more",
    "garbled": "the base64 of the MP3 with characters no base64 has",
    "no_audio": "200 with no audio in the RPC's answer, as Google does for a language it lacks",
    "trickle": "the headers at once, then the answer a byte at a time, TRICKLE_S apart",
}
"""Every way the fake can misbehave while answering 200."""


def tone_seconds(text: str) -> float:
    """How long the tone for ``text`` sounds (silence around it not counted)."""
    return len(text) * MS_PER_CHAR / 1000


def tone_mp3(text: str) -> bytes:
    """A real MP3 (with its gapless header) whose tone lasts ``tone_seconds(text)``."""
    return _tone_mp3(len(text))


@functools.cache
def _tone_mp3(chars: int, ms_per_char: int = MS_PER_CHAR, peak: float = TONE_PEAK) -> bytes:
    n = chars * ms_per_char * RATE // 1000
    t = np.arange(n) / RATE
    ramp = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (0.003 * RATE))
    tone = peak * np.sin(2 * np.pi * TONE_HZ * t) * ramp
    gap = np.zeros(int(LEAD_S * RATE))
    pcm = np.round(np.concatenate([gap, tone, gap]) * 32767).astype("<i2")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tone.mp3"  # a file, not a pipe, so ffmpeg writes the gapless header
        subprocess.run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "s16le",
                "-ar",
                str(RATE),
                "-ac",
                "1",
                "-i",
                "pipe:0",
                "-c:a",
                "libmp3lame",
                "-b:a",
                "32k",
                str(out),
            ],
            input=pcm.tobytes(),
            check=True,
            capture_output=True,
        )
        return out.read_bytes()


def frame_ends(mp3: bytes) -> list[int]:
    """Where each MPEG-2 layer III frame of our tone MP3s ends (the Info frame's first), after
    the ID3v2 tag ffmpeg writes in front."""
    at = 0
    if mp3[:3] == b"ID3":
        at = 10 + sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(mp3[6:10]))
    ends = []
    while at + 4 <= len(mp3):
        bitrate = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)[mp3[at + 2] >> 4]
        at += 72 * 1000 * bitrate // RATE + (mp3[at + 2] >> 1 & 1)
        ends.append(at)
    return ends


def bad_mp3(text: str, kind: str) -> bytes | None:
    """The audio a misbehaving service sends for ``text`` (``None``: none at all)."""
    mp3 = tone_mp3(text)
    if kind == "silent":
        return _tone_mp3(len(text), peak=0.0)
    if kind == "short":
        return _tone_mp3(1, ms_per_char=10)
    if kind == "truncated":
        return mp3[: len(mp3) // 2 | 1]  # odd: never on a frame boundary
    if kind == "cut":
        ends = frame_ends(mp3)
        return mp3[: ends[len(ends) // 2]]
    return None if kind == "no_audio" else mp3


def google_answer(mp3: bytes | None, garbled: bool = False) -> bytes:
    """The body Google sends: the anti-JSON-hijacking line, then length-prefixed chunks."""
    audio = base64.b64encode(mp3).decode("ascii") if mp3 is not None else None
    if audio is not None and garbled:
        audio = audio[:100] + "*%!" + audio[100:]
    payload = json.dumps([audio]) if audio is not None else None
    chunks = [
        json.dumps(
            [
                ["wrb.fr", RPC_ID, payload, None, None, None, "generic"],
                ["di", 41],
                ["af.httprm", 40, "-1827384756000000000", 6],
            ],
            separators=(",", ":"),
        ),
        json.dumps([["e", 4, None, None, 100]], separators=(",", ":")),
    ]
    body = ")]}'\n"
    for chunk in chunks:
        body += f"\n{len(chunk.encode()) + 1}\n{chunk}"
    return (body + "\n").encode()


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it."""

    method: str
    path: str
    status: int
    """What the server answered."""
    text: str | None = None
    lang: str | None = None
    slow: bool | None = None
    in_flight: int = 0
    """Speech requests being answered at once, this one included, when it arrived."""
    at: float = 0.0
    """When it arrived (``time.monotonic()``)."""
    mischief: str | None = None
    """How the server misbehaved in answering (a key of ``MISCHIEF``), if it did."""


class FakeGoogle:
    """The fake service on 127.0.0.1 at an ephemeral port. Use as a context manager."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        """Seconds to take over each speech request (so requests overlap)."""
        self._lock = threading.Lock()
        self._seen: list[Seen] = []
        self._in_flight = 0
        self.max_in_flight = 0
        self._next: list[int | str] = []
        """What the next speech requests get: an HTTP status, or a kind of mischief."""
        self._always: int | str | None = None
        self._first_tries: list[str] = []
        """Mischief for the first request of each phrase not asked for before, in turn."""
        self._after: tuple[int, int | str] | None = None
        self.trickle_s = TRICKLE_S
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-google",
            daemon=True,
        )

    # ------------------------------------------------------------------ control

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, count: int, status: int = 429) -> None:
        """Answer the next ``count`` speech requests with ``status``."""
        with self._lock:
            self._next.extend([status] * count)

    def fail_always(self, status: int = 500) -> None:
        """Answer every speech request with ``status`` until ``heal``."""
        with self._lock:
            self._always = status

    def fail_after(self, good: int, status: int | str = 500) -> None:
        """Answer ``good`` more speech requests properly, then every one with ``status`` (or a
        kind of mischief)."""
        with self._lock:
            self._after = (self._speech_count() + good, status)

    def misbehave(self, kind: str, count: int | None = None) -> None:
        """Answer the next ``count`` speech requests (every one until ``heal`` when ``None``) in
        one of the ways ``MISCHIEF`` lists."""
        if kind not in MISCHIEF:
            raise ValueError(f"no such mischief: {kind!r}")
        with self._lock:
            if count is None:
                self._always = kind
            else:
                self._next.extend([kind] * count)

    def misbehave_on_first_try(self, *kinds: str) -> None:
        """Answer the first request of each of the next phrases not asked for before in one of
        these ways, in turn: every phrase gets a good answer on its second try."""
        assert all(kind in MISCHIEF for kind in kinds)
        with self._lock:
            self._first_tries.extend(kinds)

    def answer_without_audio(self) -> None:
        """Answer 200 with no audio in the RPC's answer, as Google does for a language it lacks."""
        self.misbehave("no_audio")

    def heal(self) -> None:
        with self._lock:
            self._next.clear()
            self._first_tries.clear()
            self._always = None
            self._after = None

    def forget(self) -> None:
        """Clear the record of requests seen (and the high-water mark of requests in flight)."""
        with self._lock:
            self._seen.clear()
            self.max_in_flight = 0

    @property
    def seen(self) -> list[Seen]:
        """Every request, in the order they were answered."""
        with self._lock:
            return list(self._seen)

    @property
    def speech(self) -> list[Seen]:
        """The speech (RPC) requests only."""
        return [s for s in self.seen if s.path == RPC_PATH]

    def spoken(self) -> list[str]:
        """The texts of speech requests that got audio back."""
        return [s.text for s in self.speech if s.status == 200 and s.text is not None]

    def _speech_count(self) -> int:
        return sum(1 for s in self._seen if s.path == RPC_PATH)

    # ------------------------------------------------------------------ life

    def start(self) -> FakeGoogle:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends any trickle
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ HTTP

    def _what_next(self, text: str) -> int | str:
        """What the speech request for ``text`` arriving now gets: a status, or a kind of
        mischief (called with the lock held)."""
        if self._first_tries and all(s.text != text for s in self._seen):
            return self._first_tries.pop(0)
        if self._next:
            return self._next.pop(0)
        if self._always is not None:
            return self._always
        if self._after is not None and self._speech_count() >= self._after[0]:
            return self._after[1]
        return 200

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "ESF"

            def log_message(self, format, *args):  # noqa: A002 - the base class's name
                pass

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _home(self) -> None:
                with fake._lock:
                    fake._seen.append(
                        Seen(self.command, self.path, 200 if self.path == "/" else 404)
                    )
                if self.path == "/":
                    self._send(200, b"<!doctype html><title>Google Translate</title>", "text/html")
                else:
                    self._send(404, b"not found", "text/plain")

            do_HEAD = _home
            do_GET = _home

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if self.path.split("?")[0] != RPC_PATH:
                    with fake._lock:
                        fake._seen.append(Seen("POST", self.path, 404))
                    self._send(404, b"not found", "text/plain")
                    return
                try:
                    text, lang, slow = self._parse(body)
                except (KeyError, IndexError, TypeError, ValueError) as exc:
                    with fake._lock:
                        fake._seen.append(Seen("POST", RPC_PATH, 400))
                    self._send(400, f"bad request: {exc}".encode(), "text/plain")
                    return
                arrived = time.monotonic()
                with fake._lock:
                    fake._in_flight += 1
                    in_flight = fake._in_flight
                    fake.max_in_flight = max(fake.max_in_flight, in_flight)
                    what = fake._what_next(text)
                    status = what if isinstance(what, int) else 200
                    fake._seen.append(
                        Seen("POST", RPC_PATH, status, text, lang, slow, in_flight, arrived,
                             what if isinstance(what, str) else None)
                    )
                try:
                    if fake.delay:
                        time.sleep(fake.delay)
                    kind = what if isinstance(what, str) else None
                    answer = b"" if status != 200 else google_answer(bad_mp3(text, kind or ""), kind == "garbled")
                finally:
                    # Done before the answer goes out: once the client has read it, it may send its
                    # next request at once, and that one must not be counted with this one.
                    with fake._lock:
                        fake._in_flight -= 1
                if status != 200:
                    self._send(status, b"<html>Error</html>", "text/html")
                elif kind == "trickle":
                    self._trickle(answer)
                else:
                    self._send(200, answer, "application/json; charset=utf-8")

            def _trickle(self, body: bytes) -> None:
                """The headers at once, then a byte every ``trickle_s`` until the client leaves."""
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.flush()
                for at in range(len(body)):
                    if fake._stopping.wait(fake.trickle_s):
                        return
                    try:
                        self.wfile.write(body[at : at + 1])
                        self.wfile.flush()
                    except OSError:  # the client gave up: what the test wants
                        return

            def _parse(self, body: str) -> tuple[str, str, bool]:
                if not self.headers.get("Content-Type", "").startswith(
                    "application/x-www-form-urlencoded"
                ):
                    raise ValueError("the body is not form-encoded")
                form = parse_qs(body)
                (rpc,) = form["f.req"]
                ((call,),) = json.loads(rpc)
                rpcid, parameter, _, kind = call
                if rpcid != RPC_ID or kind != "generic":
                    raise ValueError(f"unknown RPC {rpcid!r}")
                text, lang, speed, null = json.loads(parameter)
                if (
                    not isinstance(text, str)
                    or not text
                    or not isinstance(lang, str)
                    or null != "null"
                ):
                    raise ValueError("the RPC's parameter is not [text, lang, speed, 'null']")
                if speed not in (True, None):
                    raise ValueError(f"speed is {speed!r}, not true or null")
                return text, lang, speed is True

        return Handler


PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def running(monkeypatch) -> Iterator[FakeGoogle]:
    """The body of a fixture: the fake service running for one test, gTTS's requests sent to it,
    and backoffs short (``monkeypatch`` undoes the environment after)."""
    with FakeGoogle() as server:
        monkeypatch.setenv(ENDPOINT_ENV, server.url)
        monkeypatch.setenv(BACKOFF_ENV, "0.01")
        without_proxies(monkeypatch)
        yield server


def without_proxies(monkeypatch) -> None:
    """No proxy for this test: gTTS hands the environment's proxies to requests as they are,
    no_proxy unheeded, so a proxy would swallow requests meant for 127.0.0.1."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
