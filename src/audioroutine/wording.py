"""Tests templates use to choose their words: whether a text already says a phrase, loosely."""

from __future__ import annotations

import re

FILLERS = frozenset((
    "a", "an", "the", "your", "you", "with", "for", "each", "every", "per", "one", "to", "of", "and", "in",
    "on", "at", "as", "is", "it", "this", "that",
))
"""Words left out when comparing: "one pose per breath" says "one pose for each breath"."""


def _stem(word: str) -> str:
    """A word's start, loose enough that ``move`` finds moves and moving, ``breath`` breathe."""
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower().replace("'", ""))


def says(text: object, phrase: str) -> bool:
    """Whether one sentence of ``text`` holds every word of ``phrase`` that is not a filler
    (``FILLERS``), in any order and form: ``says("Flow with the breath.", "move with your breath")``
    is false, ``says("Move with each breath.", "move with your breath")`` true."""
    wanted = [_stem(word) for word in _words(phrase) if word not in FILLERS]
    if not wanted:
        return False
    for sentence in re.split(r"[.!?;:]+", str(text)):
        words = _words(sentence)
        if all(any(word.startswith(stem) for word in words) for stem in wanted):
            return True
    return False
