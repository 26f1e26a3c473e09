"""Which characters a routine's text may hold, and text from a file made safe to print.

Refused in any text of a routine or an overrides file (titles, names, instructions, the source…):
the C0 control characters except tab and line feed (NUL, ESC, carriage return…), DEL, the C1
control characters (U+0080–U+009F), lone surrogates (``"\\ud800"`` in YAML; no file can be written
with one) and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
which make text read differently on screen than it is. Such a character is never spoken and would
reach a terminal, a tag or a web page raw, so the routine is refused at the field and line, not
silently changed. Marks that right-to-left text needs (U+200E, U+200F, U+061C) and joiners
(emoji sequences) are allowed.

Whatever a file holds, ``for_terminal`` writes these characters as escapes (``\\x1b``, ``\\u202e``),
so ``show``, ``list`` and every error message print no raw control character.
"""

from __future__ import annotations

import re

_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _kind(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidirectional override"
    return "a control character"


def check_text(text: str) -> str:
    """``text``, or a ValueError naming its first refused character and where it is."""
    found = _REFUSED.search(text)
    if found is None:
        return text
    char = found.group()
    raise ValueError(f"holds {_kind(char)} (U+{ord(char):04X}) at character {found.start() + 1}; remove it")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """``text`` with every refused character written as an escape (``\\x1b``); tab and line feed
    are kept."""
    return _REFUSED.sub(_escape, text)
