"""Tests templates use to choose their words: whether a text already says a phrase, loosely."""

from __future__ import annotations

import re
import unicodedata

FILLERS = frozenset((
    "a", "an", "the", "your", "you", "with", "for", "each", "every", "per", "one", "to", "of", "and", "in",
    "on", "at", "as", "is", "it", "this", "that",
))
"""Words left out when comparing: "one pose per breath" says "one pose for each breath"."""
LANG_FILLERS = {
    "en": FILLERS,
    "es": frozenset((
        "a", "al", "con", "de", "del", "el", "la", "las", "los", "lo", "un", "una", "uno", "unos", "unas", "tu",
        "tus", "te", "y", "en", "por", "para", "cada", "que", "se", "su", "sus", "este", "esta", "ritmo",
    )),
    "de": frozenset((
        "ein", "eine", "einen", "einem", "einer", "der", "die", "das", "dem", "den", "des", "dein", "deine",
        "deinem", "deinen", "deiner", "dich", "dir", "du", "mit", "pro", "je", "jeden", "jedem", "jede", "jeder",
        "fur", "zu", "zum", "zur", "und", "im", "in", "auf", "bei", "beim", "von",
    )),
    "fr": frozenset((
        "a", "au", "aux", "avec", "de", "du", "des", "d", "la", "le", "les", "l", "un", "une", "ta", "ton",
        "tes", "te", "t", "toi", "et", "en", "par", "pour", "chaque", "sur", "rythme",
    )),
}
"""Each language's fillers (accents folded: ``für`` is ``fur``); a language not listed uses English's."""
STEM_LETTERS = 5
"""Outside English a word is compared by its first letters: ``respiración`` finds ``respira``."""


def _stem(word: str, lang: str = "en") -> str:
    """A word's start, loose enough that ``move`` finds moves and moving, ``breath`` breathe."""
    if lang in LANG_FILLERS and lang != "en":
        return word[:STEM_LETTERS]
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _fold(text: str) -> str:
    """Lower case, accents and apostrophes gone: ``Muévete`` is ``muevete``, ``l'épaule`` ``l epaule``."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str, lang: str = "en") -> list[str]:
    if lang == "en":
        return re.findall(r"[a-z]+", text.lower().replace("'", ""))
    return re.findall(r"[a-z]+", _fold(text))


def says(text: object, phrase: str, lang: str = "en") -> bool:
    """Whether one sentence of ``text`` holds every word of ``phrase`` that is not a filler
    (``FILLERS``, or the language's in ``LANG_FILLERS``), in any order and form:
    ``says("Flow with the breath.", "move with your breath")`` is false, ``says("Move with each
    breath.", "move with your breath")`` true, ``says("Muévete con cada respiración.", "muévete con
    la respiración", lang="es")`` true. ``lang`` may be regional (``es-MX``)."""
    base = lang.split("-")[0]
    base = base if base in LANG_FILLERS else "en"
    fillers = LANG_FILLERS[base]
    wanted = [_stem(word, base) for word in _words(phrase, base) if word not in fillers]
    if not wanted:
        return False
    for sentence in re.split(r"[.!?;:]+", str(text)):
        words = _words(sentence, base)
        if all(any(word.startswith(stem) for word in words) for stem in wanted):
            return True
    return False
