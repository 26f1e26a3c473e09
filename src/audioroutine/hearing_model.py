"""What the recognizer expects to hear: a language model made from a routine's own words.

PocketSphinx's general US English language model mishears the routines' perfect takes ("one" as
"why", "hold" as "old"): a runner's cues are not what it was trained on. The model made here is a
bigram model (ARPA text) of the phrases being checked, the fixed words of the cue templates and the
numbers, mixed with the most common words of the general model at a small weight, so that a wrong
word can still be heard ("four slowly" for "lower slowly"). Words the dictionary lacks (names) get
a pronunciation from the offline voice's own phonemizer (espeak-ng, in piper), mapped to the
recognizer's phones; PocketSphinx has no letter-to-sound rules of its own.

Everything here is plain text and numbers except ``common_words`` and ``voice_phones``, which need
the recognizer's and the voice's packages.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .hearing import number_words, words

log = logging.getLogger(__name__)

DISCOUNT = 0.5
"""Share of each word's bigram mass given to back-off (the fixed discount of pocketsphinx's own
``lm.ArpaBoLM``)."""
FALLBACK_WEIGHT = 0.1
"""Share of the unigram mass given to common English words outside the routine (bench/hearing.py)."""
FALLBACK_WORDS = 3000
"""How many of the general model's most likely words are added."""
NUMBERS = range(0, 100)
"""Counts and lengths a cue may say."""


def template_words(files: Iterable[Path]) -> list[str]:
    """The fixed words of these cue templates: their text outside jinja tags, and the string
    literals inside them that are words to say (with a space: ``" minutes"``, ``"under a minute"``;
    not names such as ``"_macros.j2"``)."""
    found: list[str] = []
    for path in files:
        source = re.sub(r"\{#.*?#\}", " ", Path(path).read_text(encoding="utf-8"), flags=re.S)
        for tag, text in re.findall(r"(\{\{.*?\}\}|\{%.*?%\})|([^{]+|\{)", source, flags=re.S):
            literals = re.findall(r"\"([^\"]*)\"|'([^']*)'", tag)
            said = [lit for pair in literals for lit in pair if " " in lit]
            found += [w for lit in said for w in words(lit)] if tag else words(text)
    return found


def domain_sentences(phrases: Sequence[str], fixed_words: Sequence[str] = ()) -> list[list[str]]:
    """The sentences the model is made of: each phrase, each template word and each number alone."""
    extra = list(dict.fromkeys([*fixed_words, *(number_words(n) for n in NUMBERS)]))
    return [words(p) for p in phrases] + [words(w) for w in extra]


def _log10(p: float) -> float:
    return math.log10(p) if p > 0 else -99.0


def arpa(sentences: Sequence[Sequence[str]], fallback: Mapping[str, float] | None = None,
         weight: float = FALLBACK_WEIGHT, discount: float = DISCOUNT) -> str:
    """A bigram language model of the sentences in ARPA text, its unigrams mixed with ``fallback``
    (word -> probability, any scale) at ``weight``."""
    fallback = {w: p for w, p in (fallback or {}).items() if p > 0}
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for sentence in sentences:
        marked = ["<s>", *sentence, "</s>"]
        unigrams.update(marked)
        bigrams.update(itertools.pairwise(marked))
    weight = weight if fallback else 0.0
    n_domain = sum(c for w, c in unigrams.items() if w != "<s>")
    n_fallback = sum(fallback.values())
    vocab = sorted(set(unigrams) | set(fallback))
    p1 = {w: (1 - weight) * (unigrams[w] / n_domain if w != "<s>" else 0.0)
          + weight * fallback.get(w, 0.0) / (n_fallback or 1) for w in vocab}
    followers: dict[str, list[str]] = {}
    for w1, w2 in bigrams:
        followers.setdefault(w1, []).append(w2)
    p2 = {(w1, w2): (1 - discount) * c / unigrams[w1] for (w1, w2), c in bigrams.items()}
    backoff = {w1: discount / max(1e-9, 1 - sum(p1[w2] for w2 in ws)) for w1, ws in followers.items()}
    lines = ["\\data\\", f"ngram 1={len(vocab)}", f"ngram 2={len(p2)}", "", "\\1-grams:"]
    lines += [f"{_log10(p1[w]):.4f} {w} {_log10(backoff.get(w, 1.0)):.4f}" for w in vocab]
    lines += ["", "\\2-grams:"]
    lines += [f"{_log10(p):.4f} {w1} {w2}" for (w1, w2), p in sorted(p2.items())]
    return "\n".join([*lines, "", "\\end\\", ""])


@functools.lru_cache(maxsize=2)
def common_words(count: int = FALLBACK_WORDS) -> dict[str, float]:
    """The ``count`` most likely words of PocketSphinx's general language model, with their
    unigram probabilities (only words its dictionary can say)."""
    from pocketsphinx import Config, LogMath, NGramModel, get_model_path

    logmath = LogMath()
    general = NGramModel(Config(), logmath, get_model_path("en-us/en-us.lm.bin"))
    known = {w for w, _ in _lexicon_lines(get_model_path("en-us/cmudict-en-us.dict")) if w.isalpha()}
    ranked = sorted(((general.prob([w]), w) for w in known), reverse=True)[:count]
    return {w: logmath.exp(p) for p, w in ranked}


def _lexicon_lines(path: str) -> Iterable[tuple[str, str]]:
    """(word, phones) of a CMU dictionary; an alternative pronunciation ``word(2)`` as ``word``."""
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            word, _, phones = line.partition(" ")
            phones = phones.split("#")[0].strip()
            if phones:
                yield re.sub(r"\(\d+\)$", "", word), phones


def write_model(folder: Path, phrases: Sequence[str], fixed_words: Sequence[str] = (),
                weight: float | None = None) -> tuple[Path, Path]:
    """Write the language model (``routine.lm``) and a dictionary of its words (``routine.dict``)
    for these phrases into ``folder``; words the CMU dictionary lacks are said as the voice says
    them (``voice_phones``), and left out when that is unknown."""
    from pocketsphinx import get_model_path

    weight = FALLBACK_WEIGHT if weight is None else weight
    sentences = domain_sentences(phrases, fixed_words)
    fallback = common_words() if weight > 0 else {}
    vocab = {w for s in sentences for w in s} | set(fallback)
    lexicon: dict[str, list[str]] = {}
    for word, phones in _lexicon_lines(get_model_path("en-us/cmudict-en-us.dict")):
        if word in vocab:
            lexicon.setdefault(word, []).append(phones)
    for word in sorted(vocab - set(lexicon)):
        said = voice_phones(word)
        if said:
            lexicon[word] = [said]
            log.debug("pronounced %r as %s (the voice's phonemes)", word, said)
        else:
            log.info("the recognizer cannot hear %r: no pronunciation", word)
    lm, dictionary = folder / "routine.lm", folder / "routine.dict"
    lm.write_text(arpa(sentences, fallback, weight), encoding="utf-8")
    dictionary.write_text("".join(f"{w}{'' if i == 0 else f'({i + 1})'} {p}\n"
                                  for w, ps in sorted(lexicon.items()) for i, p in enumerate(ps)), encoding="utf-8")
    return lm, dictionary


# espeak-ng's IPA (as piper's phonemizer gives it) to the recognizer's phones (CMU ARPABET).
_IPA = {
    "tʃ": "CH", "dʒ": "JH", "eɪ": "EY", "aɪ": "AY", "ɔɪ": "OY", "aʊ": "AW", "oʊ": "OW", "əʊ": "OW",
    "ɪɹ": "IH R", "ɛɹ": "EH R", "ʊɹ": "UH R", "ɑːɹ": "AA R", "ɔːɹ": "AO R", "ɜːɹ": "ER", "ɚ": "ER",
    "ɜː": "ER", "ɝ": "ER", "iː": "IY", "uː": "UW", "ɑː": "AA", "ɔː": "AO", "i": "IY", "ɪ": "IH",
    "ɛ": "EH", "æ": "AE", "ʌ": "AH", "ə": "AH", "ɐ": "AH", "ɑ": "AA", "ɒ": "AA", "ɔ": "AO", "ʊ": "UH",
    "u": "UW", "e": "EH", "o": "OW", "a": "AE", "ᵻ": "IH", "p": "P", "b": "B", "t": "T", "d": "D",
    "k": "K", "ɡ": "G", "g": "G", "f": "F", "v": "V", "θ": "TH", "ð": "DH", "s": "S", "z": "Z",
    "ʃ": "SH", "ʒ": "ZH", "h": "HH", "m": "M", "n": "N", "ŋ": "NG", "l": "L", "ɫ": "L", "ɹ": "R",
    "r": "R", "w": "W", "j": "Y", "ɾ": "T", "ʔ": "T", "x": "K", "ç": "HH",
}
_IPA_KEYS = sorted(_IPA, key=len, reverse=True)


def ipa_to_phones(ipa: str) -> str:
    """``dʒˌæsɪʲˈoʊɡə`` -> ``JH AE S IH OW G AH``: espeak-ng's IPA as the recognizer's phones
    (stress, length and syllable marks dropped; an unknown symbol is skipped)."""
    ipa = re.sub(r"[ˈˌʲ̩\s\-'.]", "", ipa)
    phones, i = [], 0
    while i < len(ipa):
        key = next((k for k in _IPA_KEYS if ipa.startswith(k, i)), None)
        if key is None:
            i += 1
            continue
        phones.append(_IPA[key])
        i += len(key)
    return " ".join(phones)


def voice_phones(word: str, voice: str = "en-us") -> str | None:
    """How the offline voice says a word, as the recognizer's phones (None without piper)."""
    try:
        from piper import espeakbridge
        from piper.phonemize_espeak import ESPEAK_DATA_DIR
    except ImportError:
        return None
    espeakbridge.initialize(str(ESPEAK_DATA_DIR))
    espeakbridge.set_voice(voice)
    ipa = "".join(p for p, _, _ in espeakbridge.get_phonemes(word))
    return ipa_to_phones(re.sub(r"\([^)]*\)", "", ipa)) or None
