"""Encode a routine as its islands, each stretch of words a part of its own, reusing the parts an
earlier build encoded (``partcache``) and encoding only the others, in a few ffmpeg processes.

Each part is mixed into memory and named by the hash of its samples: a part kept is used as it
is; the missing ones are written as PCM files and encoded by one ffmpeg per usable core, each with
many inputs and one independent encoder per input (``encoder.batch_command``). An ffmpeg starts
as soon as its share of the parts is mixed, while the next ones are mixed. The timeline puts each
stretch of words on the MP3 frame grid (``timeline.SNAP_PAUSE``) and the gain moves in steps
(``mix.GAIN_STEP_DB``), so a changed hold changes the samples of the island after it, and no other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..timing import stage
from .encoder import Encoding, batch_command, finish, start_encoder, stop_encoders, usable_cores
from .frames import read_encoded
from .layout import MAX_PARTS, plan
from .partcache import encoder_identity
from .splice import check_holds, splice_parts

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

    from ..timeline import Timeline
    from .encoder import Mixer
    from .frames import Encoded
    from .layout import Part
    from .partcache import PartCache

log = logging.getLogger(__name__)

BATCHES_PER_CORE = 2
"""A cold build's parts go to this many ffmpegs per core, each started as soon as its parts are
mixed: the first ones encode while the rest are mixed."""
BATCH_INPUTS = 200
"""Parts one ffmpeg is given at most (each holds two files open)."""
KNOWN: dict[tuple[str, str], str] = {}
"""The samples' hash of each part mixed in this process, by what its samples depend on: a process
that builds again (the studio) mixes only the parts that changed."""
KNOWN_MAX = 100_000


@dataclass
class _Batches:
    """The missing parts, handed to one ffmpeg per ``share`` of samples."""

    tmp: Path
    rate: int
    bitrate: str
    share: int
    waiting: list[int] = field(default_factory=list)
    samples: int = 0
    encoders: list[subprocess.Popen] = field(default_factory=list)

    def add(self, index: int, samples: int) -> None:
        self.waiting.append(index)
        self.samples += samples
        if self.samples >= self.share or len(self.waiting) >= BATCH_INPUTS:
            self.start()

    def start(self) -> None:
        if self.waiting:
            pairs = [(self.tmp / f"part{i}.pcm", self.tmp / f"part{i}.mp3") for i in self.waiting]
            self.encoders.append(start_encoder(batch_command(pairs, self.rate, self.bitrate)))
            self.waiting, self.samples = [], 0


def encode_islands(timeline: Timeline, mix: Mixer, out: Path, tmp: Path, kept: PartCache,
                   bitrate: str) -> Encoding:
    """Encode the routine to ``out`` from its islands, those in ``kept`` reused; scratch files in
    ``tmp``. Raises ``frames.CannotSplice`` when the encoder's parts are not as the splice expects."""
    rate = timeline.rate
    layout = plan(timeline, 1, islands=True)
    identity = encoder_identity(rate, bitrate)
    total = sum(part.samples for part in layout)
    batches = _Batches(tmp, rate, bitrate, -(-total // (BATCHES_PER_CORE * min(usable_cores(), MAX_PARTS))))
    found: list[Encoded | None] = []
    keys: list[str] = []
    encoding: dict[str, int] = {}  # the part being encoded for each key: a part said twice is encoded once
    try:
        for index, part in enumerate(layout):
            key, pcm = _key(part, mix, kept, identity)
            with stage("look up an encoded part"):
                keys.append(key)
                found.append(None if key in encoding else kept.get(key, part, rate))
            if found[-1] is None and key not in encoding:
                encoding[key] = index
                (tmp / f"part{index}.pcm").write_bytes(pcm if pcm is not None else _mixed(part, mix))
                batches.add(index, part.samples)
        batches.start()
        with stage("wait for the encoders"):
            for encoder in batches.encoders:
                finish(encoder, out)
    finally:
        stop_encoders(batches.encoders)
    with stage("keep the encoded parts"):
        parts: list[Encoded] = []
        for index, encoded in enumerate(found):
            first = encoding.get(keys[index])
            if encoded is None and first == index:
                encoded = _new(layout[index], tmp / f"part{index}.mp3", keys[index], kept, rate)
            parts.append(encoded or parts[first])
    with stage("splice the parts"):
        splice_parts(layout, parts, out)
    done = Encoding(len(layout), total, sum(gap.frames for part in layout for gap in part.gaps)
                    + sum(part.then for part in layout), len(layout) - len(encoding))
    log.debug("%s: %d parts, %d encoded, %d reused; %d of %d samples given to encoders", out.name, done.parts,
              done.encoded_parts, done.reused, sum(layout[i].samples for i in encoding.values()), timeline.total)
    return done


def _mixed(part: Part, mix: Mixer) -> bytes:
    with stage("mix a part"):
        return b"".join(block.tobytes() for start, stop in part.pieces() for block in mix(start, stop))


def _key(part: Part, mix: Mixer, kept: PartCache, identity: str) -> tuple[str, bytes | None]:
    """The part's name in ``kept`` (the hash of its samples), and its samples when they were mixed
    to find it. A mixer that can tell what a part's samples depend on (``mix.Mixer.fingerprint``)
    spares mixing a part this process has mixed before (``KNOWN``)."""
    fingerprint = getattr(mix, "fingerprint", None)
    seen = (identity, fingerprint(part.pieces())) if fingerprint is not None else None
    if seen is not None and seen in KNOWN:
        return KNOWN[seen], None
    pcm = _mixed(part, mix)
    key = kept.key(identity, pcm)
    if seen is not None:
        if len(KNOWN) >= KNOWN_MAX:
            KNOWN.clear()
        KNOWN[seen] = key
    return key, pcm


def _new(part: Part, path: Path, key: str, kept: PartCache, rate: int) -> Encoded:
    """A part just encoded, checked, and kept for the next build."""
    data = path.read_bytes()
    encoded = read_encoded(path, rate, data)
    check_holds(part, encoded)
    kept.put(key, data)
    return encoded
