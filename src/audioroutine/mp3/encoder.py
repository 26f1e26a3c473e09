"""Run the encoders: mix each part of the plan into a temporary PCM file, encode the parts at once
with ffmpeg's LAME, and splice them into one MP3; or encode the routine in one piece, as it is,
when the parts cannot be spliced."""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import inflight
from ..constants import MP3_BITRATE, SAMPLE_RATE
from ..errors import AudioError
from ..outfiles import final_name, scratch_folder
from ..timing import stage
from .frames import SPLICE_RATES, CannotSplice, read_encoded
from .layout import MAX_PARTS, plan
from .splice import splice_parts

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

    from ..timeline import Timeline
    from .layout import Part
    from .partcache import PartCache

log = logging.getLogger(__name__)

Mixer = Callable[[int, int], Iterable["np.ndarray"]]
"""``mix(start, stop)``: the routine's int16 samples from ``start`` to ``stop``, block by block."""


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Encoding:
    """How a routine was encoded."""

    parts: int
    encoded: int
    """Samples the encoders were given."""
    silent_frames: int
    """Frames written as silence without being encoded."""
    reused: int = 0
    """Parts not encoded by this build: kept from an earlier one (``partcache``), or the same
    samples as another part of this one."""

    @property
    def encoded_parts(self) -> int:
        """Parts the encoders were run on."""
        return self.parts - self.reused


def encode_routine(timeline: Timeline, mix: Mixer, out: Path, *, parts: int | None = None,
                   splice: bool = True, bitrate: str = MP3_BITRATE, kept: PartCache | None = None) -> Encoding:
    """Encode the routine to ``out`` (CBR, gapless header): up to ``parts`` encoders at once (one
    per usable core by default), long silences written as silent frames (``splice``).

    With ``kept`` (the encoded-part cache), every stretch of words is a part of its own, and only
    the parts not kept are encoded (``islands``). Otherwise each part is mixed into a temporary PCM
    file in a folder of this build's own beside ``out`` (``outfiles.scratch_folder``: never through
    a link, removed at the end), which ffmpeg reads as fast as a file (through a pipe it encodes
    about a fifth slower); memory holds one block at a time. An encoder runs while the next part is
    mixed."""
    if splice and timeline.rate not in SPLICE_RATES:
        log.info("%s: encoded in one piece, as it is: %d Hz is not a rate whose frames can be spliced",
                 out.name, timeline.rate)
        splice = False
    if splice and kept is not None:
        from .islands import encode_islands

        try:
            with scratch_folder(out) as tmp:
                return encode_islands(timeline, mix, out, tmp, kept, bitrate)
        except CannotSplice as exc:
            log.warning("%s: the encoded parts cannot be spliced (%s): encoding the routine again in one piece",
                        out.name, exc)
            return encode_routine(timeline, mix, out, splice=False, bitrate=bitrate)
    layout = plan(timeline, min(parts or usable_cores(), MAX_PARTS) if splice else 1, splice)
    encoding = Encoding(len(layout), sum(part.samples for part in layout),
                        sum(gap.frames for part in layout for gap in part.gaps) + sum(p.then for p in layout))
    log.debug("%s: %d part(s) to encode, %d of %d samples; %d frames written as silence", out.name,
              encoding.parts, encoding.encoded, timeline.total, encoding.silent_frames)
    plain = len(layout) == 1 and not layout[0].gaps and not layout[0].then
    with scratch_folder(out) as tmp:
        encoded = [out] if plain else [tmp / f"part{i}.mp3" for i in range(len(layout))]
        _encode(layout, encoded, tmp, mix, timeline.rate, bitrate, out)
        if plain:
            return encoding
        try:
            with stage("splice the parts"):
                splice_parts(layout, [read_encoded(path, timeline.rate) for path in encoded], out)
        except CannotSplice as exc:
            log.warning("%s: the encoded parts cannot be spliced (%s): encoding the routine again in one piece",
                        out.name, exc)
            return encode_routine(timeline, mix, out, splice=False, bitrate=bitrate)
        return encoding


def _encode(layout: Sequence[Part], targets: Sequence[Path], tmp: Path, mix: Mixer, rate: int, bitrate: str,
            out: Path) -> None:
    """Encode each part to its target: mixed into a PCM file in ``tmp``, then encoded while the
    next part is mixed. Every encoder is stopped when one fails."""
    started = time.perf_counter()
    encoders: list[subprocess.Popen] = []
    try:
        for i, (part, target) in enumerate(zip(layout, targets, strict=True)):
            pcm = tmp / f"part{i}.pcm"
            with stage("mix a part"), pcm.open("wb") as handle:
                for start, stop in part.pieces():
                    for block in mix(start, stop):
                        handle.write(block.tobytes())
            encoders.append(_start_encoder(pcm, target, rate, bitrate))
            inflight.adopt_encoder(encoders[-1].pid)
        with stage("wait for the encoders"):
            for encoder in encoders:
                finish(encoder, out)
    finally:
        for encoder in encoders:
            if encoder.poll() is None:
                encoder.kill()
                encoder.wait()
            inflight.release_encoder(encoder.pid)
    samples = sum(part.samples for part in layout)
    log.debug("%s: %d samples (%.1f s) mixed and encoded by %d encoder(s) in %.2f s", out.name, samples,
              samples / rate, len(layout), time.perf_counter() - started)


def encoder_command(pcm: Path, out: Path, rate: int = SAMPLE_RATE, bitrate: str = MP3_BITRATE) -> list[str]:
    """ffmpeg's LAME encoder from a raw mono PCM file to CBR MP3 with a gapless header, no ID3."""
    from ..ffmpeg import ffmpeg_exe

    return [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", str(pcm),
        "-c:a", "libmp3lame", "-b:a", bitrate, "-write_xing", "1", "-id3v2_version", "0",
        "-f", "mp3", str(out),
    ]


BATCH_THREADS = ["-threads", "1", "-filter_threads", "1"]
"""No thread pools in an ffmpeg of many parts (each part's encoder already has its own thread):
about a tenth faster on 2 cores; the bytes are the same."""


def batch_command(pairs: Sequence[tuple[Path, Path]], rate: int = SAMPLE_RATE,
                  bitrate: str = MP3_BITRATE) -> list[str]:
    """One ffmpeg for many parts: each (PCM file, MP3 file) pair encoded by an encoder of its own,
    with ``encoder_command``'s settings (its output is byte for byte that command's)."""
    first = encoder_command(Path("in.pcm"), Path("out.mp3"), rate, bitrate)
    at = first.index("-i")
    head, reading, writing = first[: at - 6], first[at - 6 : at], first[at + 2 : -1]
    head += BATCH_THREADS
    command = head + [arg for pcm, _ in pairs for arg in (*reading, "-i", str(pcm))]
    for index, (_, mp3) in enumerate(pairs):
        command += ["-map", str(index), *writing, str(mp3)]
    return command


def start_encoder(command: Sequence[str]) -> subprocess.Popen:
    """An encoder running ``command``, adopted (stopped if the build is)."""
    encoder = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    inflight.adopt_encoder(encoder.pid)
    return encoder


def stop_encoders(encoders: Sequence[subprocess.Popen]) -> None:
    """Every encoder still running stopped, and each released."""
    for encoder in encoders:
        if encoder.poll() is None:
            encoder.kill()
            encoder.wait()
        inflight.release_encoder(encoder.pid)


def _start_encoder(pcm: Path, out: Path, rate: int, bitrate: str) -> subprocess.Popen:
    return subprocess.Popen(encoder_command(pcm, out, rate, bitrate), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


WRITE_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EIO, errno.EFBIG)
"""Faults of the file system that ffmpeg reports in the system's words: told as the OS error they are."""


def finish(encoder: subprocess.Popen, out: Path) -> None:
    _, stderr = encoder.communicate()
    if encoder.returncode != 0:
        message = stderr.decode(errors="replace").strip() or f"exit {encoder.returncode}"
        for code in WRITE_FAULTS:
            if os.strerror(code) in message:
                raise OSError(code, os.strerror(code), str(out))
        raise AudioError(f"ffmpeg could not encode {final_name(out)}: {message}")
