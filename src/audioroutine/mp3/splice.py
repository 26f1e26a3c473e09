"""Join the encoded parts of a plan into one MP3: their frames in order, the silent frames of
every gap and cut put in between, behind the first part's Info frame rewritten for the whole.

Streamed: memory holds the encoded parts (the words), never the silence.
"""

from __future__ import annotations

import itertools
import logging
from typing import TYPE_CHECKING, NamedTuple

from ..constants import MP3_FRAME
from . import layout
from .frames import (
    CannotSplice,
    Encoded,
    Stretch,
    crc16,
    leans_on_reservoir,
    seek_table,
    silent,
    whole_file_info,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from .layout import Part

log = logging.getLogger(__name__)


class Chunk(NamedTuple):
    """Whole frames to write."""

    data: bytes | memoryview
    frames: int


def splice_parts(planned: Sequence[Part], parts: Sequence[Encoded], out: Path) -> None:
    """Write ``out`` from the ``parts`` encoded for the ``planned`` parts (``frames.read_encoded``),
    or raise ``CannotSplice`` when the encoder did not do what the plan counts on."""
    for part, encoded in zip(planned, parts, strict=True):
        check_holds(part, encoded)
    for before, after in itertools.pairwise(parts):
        if before.padding + after.delay != layout.JOIN or leans_on_reservoir(after.frame(0)):
            raise CannotSplice(f"padding {before.padding} + delay {after.delay} != {layout.JOIN}, or a part leans on"
                               " the one before it")
    first = parts[0]
    stretches: list[Stretch] = []
    frames, size, crc = 0, len(first.info), 0
    with out.open("wb") as handle:
        handle.write(first.info)
        for data, count in _chunks(planned, parts):
            if count:
                stretches.append(Stretch(frames, size, count, len(data)))
            handle.write(data)
            crc = crc16(data, crc)
            frames, size = frames + count, size + len(data)
        handle.seek(0)
        handle.write(whole_file_info(first, frames=frames, size=size, toc=seek_table(stretches, frames, size),
                                     padding=parts[-1].padding, music_crc=crc))
    log.debug("%s: %d parts spliced into %d frames, %d of them encoded", out.name, len(parts), frames,
              sum(part.frame_count for part in parts))


def check_holds(part: Part, encoded: Encoded) -> None:
    """The encoder delayed the part as the plan counts on (``layout.LEAD``, read when called), and
    its frames hold exactly the part's samples, that delay and its padding."""
    delay, frames = encoded.delay, encoded.frame_count
    if delay + layout.DECODER_DELAY != layout.LEAD or frames * MP3_FRAME != part.samples + delay + encoded.padding:
        raise CannotSplice(f"{encoded.name}: {frames} frames with delay {delay} do not hold {part.samples} samples")


def _chunks(planned: Sequence[Part], parts: Sequence[Encoded]) -> Iterator[Chunk]:
    """The audio frames of the whole routine, in order. Each gap's silent frames are copies of the
    frame before the gap, and the frame after it is made to read nothing from the bit reservoir:
    no frame around a gap carries audio (checked), so the decoder's state across it stays zero."""
    for part, encoded in zip(planned, parts, strict=True):
        done, last = 0, encoded.frame_count
        for index, count in part.insertions():
            if not 0 < index < last:
                raise CannotSplice(f"a silence falls outside its part's frames (frame {index})")
            yield Chunk(encoded.frames(done, index), index - done)
            yield from _repeat(silent(encoded.frame(index - 1)), count)
            yield Chunk(silent(encoded.frame(index)), 1)
            done = index + 1
        yield Chunk(encoded.frames(done, last), last - done)
        if part.then:
            yield from _repeat(silent(encoded.frame(last - 1)), part.then)


def _repeat(frame: bytes, count: int, batch: int = 512) -> Iterator[Chunk]:
    """``count`` copies of ``frame``, ``batch`` at a time."""
    block = frame * min(count, batch)
    for _ in range(count // batch):
        yield Chunk(block, batch)
    if count % batch:
        yield Chunk(block[: len(frame) * (count % batch)], count % batch)
