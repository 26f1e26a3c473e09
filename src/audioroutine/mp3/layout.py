"""The plan of an encode: which stretches of the routine the encoders are given, which silences
go into the MP3 as silent frames instead, and where the routine is cut into parts.

Pure arithmetic on the timeline's samples: no audio, no encoder. Why the numbers below make the
result exact to the sample is told in the package's docstring (``audioroutine.mp3``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..constants import MP3_FRAME

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..timeline import Timeline

DECODER_DELAY = 529
"""Samples a layer III decoder outputs before the encoded signal starts (ffmpeg's 528 + 1)."""
LEAD = MP3_FRAME + DECODER_DELAY
"""Samples decoded before the first input sample: LAME's delay of one frame, plus the decoder's."""
JOIN = 2 * MP3_FRAME
"""Samples the decoder makes between two parts: a whole-frame part ends with one frame of LAME's
padding, and the next one starts with one frame of its delay."""
GUARD = 4 * MP3_FRAME
"""Silence kept on each side of a cut or of silence taken out (about 0.1 s): the encoder sees
silence around it, and the codec's own ringing after a word (up to a frame) stays clear of it."""
MIN_SILENT_FRAMES = 4
"""Shorter silences are encoded as they are."""
MIN_PART_S = 10.0
"""A part that encodes less than this (its words and the guards around them) is not worth
another encoder."""
MAX_PARTS = 8
"""Encoders run at once, at most, however many cores there are."""
ISLAND_SILENCE_S = 4.0
"""A silence this long cuts the routine into islands, wherever the sound after it starts; a shorter
one only when that sound starts on the frame grid. Words a few seconds apart that move together
(a countdown and the cue after it, a set's rep counts) are one part: an encoder for each would
cost more than encoding them again together (each encoder costs about 2 ms and two frames)."""


class Span(NamedTuple):
    """A stretch of the routine, in samples: from ``start`` up to, not including, ``end``."""

    start: int
    end: int


class Insertion(NamedTuple):
    """Where a gap's silent frames go in a part's encoded stream."""

    frame: int
    """Index of the encoded frame (the Info frame not counted) the silent frames go before."""
    silent_frames: int
    """How many."""


@dataclass(frozen=True)
class Gap:
    """Silence written as ``frames`` silent frames instead of being encoded, from routine sample
    ``start``. At a ``cut`` the part ends at ``start`` and the next begins ``JOIN`` samples later
    than the silent frames alone would put it."""

    start: int
    frames: int
    cut: bool = False

    @property
    def end(self) -> int:
        return self.start + self.frames * MP3_FRAME + (JOIN if self.cut else 0)


@dataclass(frozen=True)
class Part:
    """What one encoder encodes: the routine from ``start`` to ``stop`` without its gaps."""

    start: int
    stop: int
    gaps: list[Gap] = field(default_factory=list)
    """Silence taken out inside the part."""
    then: int = 0
    """Silent frames after the part, before the next one."""

    def pieces(self) -> list[Span]:
        """The stretches of the routine that are encoded, in order."""
        bounds = [self.start, *(x for gap in self.gaps for x in (gap.start, gap.end)), self.stop]
        return [Span(start, end) for start, end in zip(bounds[::2], bounds[1::2], strict=True)]

    @property
    def samples(self) -> int:
        """Samples the encoder is given."""
        return sum(end - start for start, end in self.pieces())

    def insertions(self) -> list[Insertion]:
        """Where each gap's silence goes in the part's encoded frames, in order."""
        found, encoded, at = [], 0, self.start
        for gap in self.gaps:
            encoded += gap.start - at
            found.append(Insertion((encoded + LEAD) // MP3_FRAME, gap.frames))
            at = gap.end
        return found


class Cut(NamedTuple):
    """A place where the routine could be cut into two parts."""

    encoded_before: int
    """Samples encoded before it, were every silence before it written as silent frames."""
    silence: int
    """Which silent span it is in (its index in ``silent_spans``)."""
    gap: Gap
    """The cut itself: where the part before it stops, and the silent frames after that part."""
    span: Span
    """The silent span."""

    def between_islands(self, rate: int) -> bool:
        """Whether it parts two stretches of words that move apart independently: the sound
        after it starts on the frame grid (where the timeline puts a cue after a pause), or the
        silence is long (``ISLAND_SILENCE_S``: a hold, a rest, the time to a countdown)."""
        return self.span.end % MP3_FRAME == 0 or self.span.end - self.span.start >= ISLAND_SILENCE_S * rate


def plan(timeline: Timeline, parts: int, splice: bool = True, *, islands: bool = False) -> list[Part]:
    """The parts to encode, at most ``parts``, and the silences to write as silent frames
    (``splice``). With ``islands``, every silence that can hold a cut and parts two stretches of
    words (``Cut.between_islands``) is one, however many parts that makes: each part is then one
    stretch of words (an "island") with the guards around it, whose samples depend only on its
    words and where they fall in their frames, never on the parts before it; so an encoded part
    can be kept and used again (``partcache``)."""
    gaps: list[Gap | None] = []
    cuts: list[Cut] = []
    removed = 0
    for lo, hi in silent_spans(timeline):
        first = lo + GUARD + (-(lo + GUARD + LEAD)) % MP3_FRAME  # the first frame boundary past the guard
        frames = (hi - GUARD - first) // MP3_FRAME
        cut_at = -(-(lo + GUARD) // MP3_FRAME) * MP3_FRAME  # a part is whole frames
        if cut_at + JOIN + GUARD <= hi:
            cut = Gap(cut_at, (hi - GUARD - JOIN - cut_at) // MP3_FRAME, cut=True)
            cuts.append(Cut(cut_at - removed, len(gaps), cut, Span(lo, hi)))
        gap = Gap(first, frames) if splice and frames >= MIN_SILENT_FRAMES else None
        gaps.append(gap)
        removed += gap.frames * MP3_FRAME if gap else 0
    if islands:
        chosen = [cut for cut in cuts if cut.between_islands(timeline.rate)]
    else:
        chosen = _balanced(cuts, timeline.total - removed, parts, int(MIN_PART_S * timeline.rate))
    for cut in chosen:
        gaps[cut.silence] = cut.gap
    return _split(timeline.total, [gap for gap in gaps if gap is not None])


def _split(total: int, gaps: Sequence[Gap]) -> list[Part]:
    """The routine's ``total`` samples as parts, cut at each cut among ``gaps``."""
    parts: list[Part] = []
    start, inside = 0, []
    for gap in gaps:
        if gap.cut:
            parts.append(Part(start, gap.start, inside, then=gap.frames))
            start, inside = gap.end, []
        else:
            inside.append(gap)
    parts.append(Part(start, total, inside))
    return parts


def _balanced(cuts: Sequence[Cut], encoded: int, parts: int, shortest: int) -> list[Cut]:
    """The cuts that share ``encoded`` samples about equally among ``parts`` encoders, none
    given less than ``shortest``."""
    chosen: list[Cut] = []
    begins, parts = 0, min(parts, encoded // shortest)
    for j in range(1, parts):
        target = encoded * j // parts
        fits = [c for c in cuts if c.encoded_before - begins >= shortest and encoded - c.encoded_before >= shortest]
        if fits:
            chosen.append(min(fits, key=lambda c: abs(c.encoded_before - target)))
            begins = chosen[-1].encoded_before
    return chosen


def silent_spans(timeline: Timeline) -> list[Span]:
    """The stretches of the routine where no cue sounds."""
    spans, heard_until = [], 0
    for event in timeline.sounding():
        if event.start > heard_until:
            spans.append(Span(heard_until, event.start))
        heard_until = max(heard_until, event.end)
    if timeline.total > heard_until:
        spans.append(Span(heard_until, timeline.total))
    return spans
