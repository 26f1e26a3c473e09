"""The chimes: soft bells generated here (no sample, no licence). ``start`` and ``end`` open and
close each exercise; for routines whose cues are ``chimes`` (``settings.cues``), ``go`` and ``stop``
start and end a hold or timed work, ``tick`` is a countdown number or a rep count, ``tock`` the
lowering of a counted rep. They are cached like any chime (``synthesis.chime_stats``).

Their length is known without making them (``CHIME_SAMPLES``, ``chime_length``), so planning and
``show`` place them on the timeline with no audio work; numpy loads only when one is made.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .constants import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

CHIME_SAMPLES = int(1.1 * SAMPLE_RATE)
"""Length of either chime, in samples."""
CHIME_LUFS = -22.0
CHIME_PEAK = {"start": 11056, "end": 11792}
SHORT_CHIMES = {
    # which: (pitch in Hz, length in seconds, decay per second, peak)
    "go": (987.77, 0.45, 9.0, 10000),
    "stop": (659.25, 0.45, 9.0, 10400),
    "tick": (1760.0, 0.06, 70.0, 9000),
    "tock": (1174.66, 0.06, 70.0, 9000),
}
"""The sounds that stand for words when a routine's cues are ``chimes``."""
CHIMES = ("start", "end", *SHORT_CHIMES)
"""Every chime, by name (the cue sheet's ``chime`` field)."""


def chime_length(which: str) -> int:
    """The chime's length in samples, without making it."""
    if which in SHORT_CHIMES:
        return int(SHORT_CHIMES[which][1] * SAMPLE_RATE)
    return CHIME_SAMPLES


@cache
def chime(which: str) -> np.ndarray:
    """A soft bell, generated here (no sample, no licence): rising for start, falling for end."""
    import numpy as np

    if which in SHORT_CHIMES:
        return _short(which)
    rate = SAMPLE_RATE
    notes = (659.25, 987.77) if which == "start" else (987.77, 659.25)
    length = CHIME_SAMPLES
    t = np.arange(length) / rate
    out = np.zeros(length)
    for i, f0 in enumerate(notes):
        onset = int(i * 0.16 * rate)
        tt = t[: length - onset]
        tone = sum(
            amp * np.sin(2 * np.pi * f0 * ratio * tt) * np.exp(-tt * decay)
            for ratio, amp, decay in ((1.0, 1.0, 4.5), (2.0, 0.25, 7.0), (3.01, 0.08, 11.0))
        )
        attack = np.minimum(1.0, tt / 0.004)
        out[onset:] += tone * attack
    fade = np.minimum(1.0, (length - np.arange(length)) / (0.05 * rate))
    out *= fade
    # Peak chosen so the chime measures about CHIME_LUFS (checked by tests/test_audio.py);
    # a fixed number keeps the loudness meter out of builds that synthesize nothing.
    return np.clip(np.round(out / np.max(np.abs(out)) * CHIME_PEAK[which]), -32768, 32767).astype(np.int16)


def _short(which: str) -> np.ndarray:
    """One note with its overtones, a quick attack and a decay: a bell (go, stop) or a tick."""
    import numpy as np

    pitch, seconds, decay, peak = SHORT_CHIMES[which]
    length = chime_length(which)
    t = np.arange(length) / SAMPLE_RATE
    tone = sum(amp * np.sin(2 * np.pi * pitch * ratio * t) for ratio, amp in ((1.0, 1.0), (2.0, 0.2), (3.01, 0.06)))
    out = tone * np.exp(-t * decay) * np.minimum(1.0, t / 0.002)
    out *= np.minimum(1.0, (length - np.arange(length)) / (0.01 * SAMPLE_RATE))
    return np.clip(np.round(out / np.max(np.abs(out)) * peak), -32768, 32767).astype(np.int16)
