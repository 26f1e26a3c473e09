"""Place every cue of a script at an exact sample position, before any audio is mixed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .constants import MP3_FRAME, SAMPLE_RATE
from .room import NoRoom, Problem, stretch_problems
from .script import Chime, Script, Segment, Silence, Speech, Where

SNAP_PAUSE = 10 * MP3_FRAME
"""The shortest pause between two stretches of words that is snapped to the MP3 frame grid: what the
encoder needs to cut the routine there (``mp3.layout``: a guard of silence on each side, and the
join between two encoded parts; 0.26 s at 22050 Hz)."""


@dataclass(frozen=True)
class Event:
    """One cue on the timeline: ``length`` samples from sample ``start``."""

    kind: str
    start: int
    length: int
    where: Where
    text: str | None = None
    chime: str | None = None

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    chapters: tuple[Chapter, ...]
    total: int
    rate: int = SAMPLE_RATE

    @property
    def seconds(self) -> float:
        return self.total / self.rate

    def sounding(self) -> list[Event]:
        """The events that put sound in the file (speech and chimes), in order of start."""
        return sorted((e for e in self.events if e.text is not None or e.chime), key=lambda e: e.start)


def seconds_to_samples(seconds: float, rate: int = SAMPLE_RATE) -> int:
    return int(round(seconds * rate))


def build_timeline(
    script: Script,
    speech_length: Callable[[str], int],
    chime_length: Callable[[str], int],
    rate: int = SAMPLE_RATE,
    *,
    check: bool = True,
    at_least: int = 0,
) -> Timeline:
    """Lay the script out end to end.

    A spoken cue lasts its clip's length. The rule for pauses, in one sentence: after a spoken
    cue or a chime, the configured pause comes before the next thing heard (a cue, a chime, or a
    timed stretch's first overlay: a stretch whose first overlay is within the pause of its start,
    like "one" after "I'll count." or a pose after "Round two.", starts that much later), and
    nowhere else; so a hold announced by "Hold for thirty seconds." starts exactly where that cue
    ends, and the cue that ends a stretch starts exactly when its time is up. Overlays are placed
    inside their silence and never move it.

    One refinement, for the encoder: a pause between a spoken cue (or chime) and the next spoken
    cue (or chime), when it is at least ``SNAP_PAUSE``, is lengthened by up to one MP3 frame less a
    sample (575 samples, 26 ms at 22050 Hz) so that the next cue starts on the frame grid (a
    multiple of ``MP3_FRAME``). The stretch of words it begins is then encoded the same wherever it
    falls, and a changed hold moves the words after it by whole frames only: their encoded frames
    are reused (``mp3``). Holds, rests and their overlays are never moved.

    With ``check`` (the default), a cue spoken inside a stretch that runs into the next cue or
    past the stretch's end, at these lengths, is refused: ``room.NoRoom`` (exit 2), naming the
    exercise and the shortest length that works. ``at_least`` samples of routine (silence after
    the last words) make its length what its intro says (``announce``).
    """
    problems: list[Problem] = []
    pause = seconds_to_samples(script.settings.pause, rate)
    events: list[Event] = []
    cursor = 0
    segments = script.segments
    for i, segment in enumerate(segments):
        following = segments[i + 1] if i + 1 < len(segments) else None
        gap = pause_before(following, pause, rate) if isinstance(segment, Speech | Chime) else 0
        if isinstance(segment, Speech):
            length = speech_length(segment.text)
            events.append(Event(segment.kind, cursor, length, segment.where, text=segment.text))
            cursor += length + _snapped(gap, cursor + length, following)
        elif isinstance(segment, Chime):
            length = chime_length(segment.which)
            events.append(Event("chime", cursor, length, segment.where, chime=segment.which))
            cursor += length + _snapped(gap, cursor + length, following)
        else:
            assert isinstance(segment, Silence)
            length = seconds_to_samples(segment.seconds, rate)
            events.append(Event(segment.kind, cursor, length, segment.where))
            inside = [Event(overlay.kind, cursor + seconds_to_samples(overlay.offset, rate),
                            chime_length(overlay.chime) if overlay.chime else speech_length(overlay.text),
                            overlay.where, text=overlay.text, chime=overlay.chime)
                      for overlay in segment.overlays]
            events += inside
            if check and inside:
                problems += stretch_problems(segment, [e.start for e in inside], [e.length for e in inside],
                                             cursor + length, script.settings.breath, rate)
            cursor += length
    if problems:
        raise NoRoom(problems)
    end = max([cursor, at_least, *(e.end for e in events)])
    total = -(-end // MP3_FRAME) * MP3_FRAME  # a little more silence after the last words
    return Timeline(tuple(events), _chapters(script, events), total, rate)


def pause_before(following: Segment | None, pause: int, rate: int = SAMPLE_RATE) -> int:
    """The samples of pause between a spoken cue (or chime) and ``following``: the whole pause
    before a cue or chime; before a timed stretch, what its first overlay's offset leaves of it."""
    if isinstance(following, Speech | Chime):
        return pause
    if isinstance(following, Silence) and following.overlays:
        return max(0, pause - seconds_to_samples(min(o.offset for o in following.overlays), rate))
    return 0


def _snapped(gap: int, at: int, following: Segment | None) -> int:
    """The pause ``gap`` from sample ``at`` before ``following``, lengthened to end on the MP3 frame
    grid when it is a pause before a cue or chime long enough to cut the encode there."""
    if isinstance(following, Speech | Chime) and gap >= SNAP_PAUSE:
        return gap + (-(at + gap)) % MP3_FRAME
    return gap


def _chapters(script: Script, events: list[Event]) -> tuple[Chapter, ...]:
    spans: dict[str, list[int]] = {}
    for event in events:
        key = event.where.exercise
        if key is None:
            continue
        span = spans.setdefault(key, [event.start, event.end])
        span[0] = min(span[0], event.start)
        span[1] = max(span[1], event.end)
    return tuple(
        Chapter(key, script.titles.get(key, key), start, end)
        for key, (start, end) in sorted(spans.items(), key=lambda item: item[1][0])
    )
