"""Encode a routine to MP3: encode only what sounds, on every core, and write the silences as
ready-made silent frames.

A routine is mostly silence (holds, rests). The encoder is given the routine with every long
silence cut down to a short guard on each side, and the missing silence is put back as silent
frames in the MP3 itself, at the frame boundary where it was taken out; so a rebuild costs what
its words cost, however long the holds. The routine is also cut, inside a few long silences, into
parts that are encoded at once, one per core. Both are exact to the sample:

- A decoder outputs ``LEAD`` samples before an encoder's first input sample, then exactly 576 per
  frame. Silence taken out at a routine sample ``s`` with ``(s + LEAD) % 576 == 0`` starts exactly
  at a frame boundary of the encoded stream, and ``n`` silent frames put there decode to exactly
  ``576 n`` zeros in its place. The frames on both sides carry no audio data (checked), so the
  decoder's state across the insertion is all zeros, as it was without it; the frame after the
  insertion reads nothing from the bit reservoir, and its pointer into it is set to zero.
- A part of whole frames decodes to its samples plus ``JOIN`` samples where it meets the next
  part (LAME's padding after its last frame and its delay before the next part's first), so a cut
  takes out ``JOIN`` samples of silence more.

The joined file's Info frame is the first part's, given the frame count, size, seek table, end
padding and CRCs of the whole, as ffmpeg writes them. If the encoder's frames are not laid out as
expected (another encoder or version), the routine is encoded again in one piece, as it is:
exact timing comes first.

A build cuts the routine between its stretches of words (``layout.Cut.between_islands``), so
each stretch (an "island") is a part of its own whose samples depend only on its words (the
timeline starts them on the frame grid, ``timeline.SNAP_PAUSE``); parts are kept between builds,
named by the hash of their samples (``partcache``), and a rebuild encodes only those not kept, many
to an ffmpeg (``islands``): a changed hold costs the words next to it, not all the words.

The modules, in the order a build uses them: ``layout`` (the plan: parts, gaps, cuts),
``islands`` (a build's parts, reused or encoded), ``partcache`` (the encoded parts kept),
``encoder`` (mixing and running the encoders), ``splice`` (joining the parts), ``frames`` (the
bitstream's bytes, named).
"""

from .encoder import Encoding, encode_routine, encoder_command
from .layout import GUARD, JOIN, LEAD, MIN_SILENT_FRAMES, plan, silent_spans

__all__ = [
    "GUARD",
    "JOIN",
    "LEAD",
    "MIN_SILENT_FRAMES",
    "Encoding",
    "encode_routine",
    "encoder_command",
    "plan",
    "silent_spans",
]
