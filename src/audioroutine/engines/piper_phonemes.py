"""A phrase's phonemes for a Piper voice, with the pronounced words' IPA in place of their own.

The whole phrase is phonemized at once by piper's own phonemizer (espeak-ng), so punctuation,
sentence ends and the neighbours of a word come out as they would without the pronunciation;
each word with IPA stands in the text as a placeholder word whose phonemes are then replaced by
the IPA (``Clare's``: the placeholder's ``'s`` stays). Words with only a respelling are replaced
in the text by it, in lower case (espeak-ng spells a word in capitals letter by letter).
"""

from __future__ import annotations

import logging
from typing import Any

from ..pronounce import Lexicon, Pronunciation

log = logging.getLogger(__name__)

PLACEHOLDER = "zubuzu"
"""A made-up word whose phonemes (``zjuːbˈuːzuː``) no English word has, to find in the sentence's."""
STRESS = frozenset("ˈˌ")
PUNCTUATION = frozenset("!'(),-.:;?\"")
"""Piper's phoneme maps hold these as pauses, not sounds: refused in IPA (``'`` is ``ˈ``, ``:`` is ``ː``)."""


def unknown_symbols(entry: Pronunciation, known: set[str]) -> list[str]:
    """The IPA's symbols a voice with these phonemes cannot say."""
    return [s for s in dict.fromkeys(entry.phonemes) if s not in known or s in PUNCTUATION]


def _marked(text: str, lexicon: Lexicon) -> tuple[str, list[Pronunciation]]:
    """The text with each IPA word as the placeholder (and respellings in), and those words in order."""
    parts, at, order = [], 0, []
    for start, end, entry in lexicon.spans(text):
        if entry.ipa:
            parts += [text[at:start], PLACEHOLDER]
            order.append(entry)
        elif entry.say:
            parts += [text[at:start], entry.say.lower()]
        else:
            continue
        at = end
    return "".join(parts) + text[at:], order


def _replace(sentence: list[str], mark: list[str], order: list[Pronunciation]) -> list[str]:
    """The sentence's phonemes with each occurrence of ``mark`` (stress marks inside it aside) replaced
    by the next entry's IPA; ``order`` is consumed."""
    out: list[str] = []
    i = 0
    while i < len(sentence):
        j, k = i, 0
        while k < len(mark) and j < len(sentence):
            if sentence[j] in STRESS and k > 0:
                j += 1
            elif sentence[j] == mark[k]:
                j, k = j + 1, k + 1
            else:
                break
        if k == len(mark) and order and sentence[i] not in STRESS:
            if out and out[-1] in STRESS:
                out.pop()  # the placeholder's own stress: the IPA has its own
            out += order.pop(0).phonemes
            i = j
        else:
            out.append(sentence[i])
            i += 1
    return out


def phrase_phonemes(voice: Any, text: str, lexicon: Lexicon) -> list[list[str]]:
    """The phrase's phonemes, sentence by sentence, as ``voice.phonemize`` gives them but with the
    lexicon's IPA for its words. If the placeholder is not found as often as it was put in (espeak
    read it otherwise), each word's IPA is given to piper as a ``[[ raw phonemes ]]`` block instead."""
    marked, order = _marked(text, lexicon)
    mark = [p for p in voice.phonemize(PLACEHOLDER)[0] if p not in STRESS and p not in PUNCTUATION]
    wanted = list(order)
    sentences = [_replace(sentence, mark, order) for sentence in voice.phonemize(marked)]
    if not order:
        return sentences
    log.info("piper: the phonemes of %r were not found in place; using raw phoneme blocks", text[:60])
    blocks = marked
    for entry in wanted:
        blocks = blocks.replace(PLACEHOLDER, f"[[ {''.join(entry.phonemes)} ]]", 1)
    return voice.phonemize(blocks)
