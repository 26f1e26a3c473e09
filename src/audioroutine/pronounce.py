"""Pronunciations: how to say the words a voice gets wrong, and which of them a phrase needs.

A ``pronounce:`` map (word -> a respelling, or ``{ipa: …, say: …}``) comes from three places, a
later one winning for the same word (compared without case): the user's file
(``<config>/audioroutine/pronounce.yaml``, or the file ``AUDIOROUTINE_PRONOUNCE`` names), the
routine file, and an overrides file. A :class:`Lexicon` is the merged map, each entry with the file
and line it came from; it finds its words in a phrase (whole words, any case, ``Clare's`` too) and
gives what the clip cache's key needs (only the entries a phrase uses, so other phrases keep their
clips) and the phrase respelled for voices that take no phonemes. The cue text keeps the written
words: only the voice hears the difference.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import RoutineError

USER_ENV = "AUDIOROUTINE_PRONOUNCE"
IPA_WRAPPERS = "/[] "
"""Around an IPA transcription, ``/wɑːˈzɛl/`` or ``[wɑːˈzɛl]``, these are not part of it."""


def user_file() -> Path:
    """The user's own pronunciations: ``AUDIOROUTINE_PRONOUNCE``, else ``<config>/audioroutine/pronounce.yaml``."""
    env = os.environ.get(USER_ENV)
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("audioroutine", appauthor=False)) / "pronounce.yaml"


@dataclass(frozen=True)
class Pronunciation:
    """One entry: a word and how to say it, with where it was written."""

    word: str
    say: str | None
    ipa: str | None
    path: Path | None = None
    line: int | None = None

    @property
    def phonemes(self) -> list[str]:
        """The IPA as a voice's phonemes: one Unicode code point each, decomposed (as piper's are)."""
        return list(unicodedata.normalize("NFD", (self.ipa or "").strip(IPA_WRAPPERS)))

    def error(self, message: str, hint: str | None = None) -> RoutineError:
        """A problem with this entry, at its file and line."""
        return RoutineError(message, path=self.path, line=self.line, field=f"pronounce.{self.word}", hint=hint)


@dataclass(frozen=True)
class Lexicon:
    """Pronunciations by word; an empty one changes nothing."""

    entries: tuple[Pronunciation, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def over(self, base: Lexicon) -> Lexicon:
        """This lexicon's entries over ``base``'s: the same word (in any case) is this one's."""
        mine = {e.word.casefold() for e in self.entries}
        return Lexicon(tuple(e for e in base.entries if e.word.casefold() not in mine) + self.entries)

    def usable(self, phonemes: bool) -> Lexicon:
        """The entries a voice can use: any, for a voice that takes phonemes; else those with a respelling."""
        return self if phonemes else Lexicon(tuple(e for e in self.entries if e.say is not None))

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        words = sorted({e.word for e in self.entries}, key=len, reverse=True)  # "Helen Clare" before "Clare"
        if not words:
            return None
        alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        return re.compile(rf"(?<![\w'’])(?:{alternatives})(?!\w)", re.IGNORECASE)

    def _entry(self, found: str) -> Pronunciation:
        key = " ".join(found.split()).casefold()
        return next(e for e in reversed(self.entries) if e.word.casefold() == key)

    def spans(self, text: str) -> Iterator[tuple[int, int, Pronunciation]]:
        """Where the lexicon's words are in ``text``: whole words, any case; ``Clare's`` is ``Clare``
        followed by its ``'s``."""
        if self._pattern is not None:
            for match in self._pattern.finditer(text):
                yield match.start(), match.end(), self._entry(match.group())

    def applying_to(self, text: str) -> Lexicon:
        """Only the entries ``text`` uses, in the lexicon's order."""
        used = {id(entry) for _, _, entry in self.spans(text)}
        return Lexicon(tuple(e for e in self.entries if id(e) in used))

    def key(self, phonemes: bool) -> str:
        """The entries as the clip cache's key takes them: what a voice of this kind would say."""
        said = [[e.word.casefold(), f"ipa:{e.ipa}" if phonemes and e.ipa else f"say:{e.say}"] for e in self.entries]
        return json.dumps(said, ensure_ascii=False)

    def respell(self, text: str, *, skip_ipa: bool = False, lower: bool = False) -> str:
        """``text`` with each word's respelling in its place (not words that have IPA, with
        ``skip_ipa``; lower-cased with ``lower``, since espeak-ng spells a word in capitals)."""
        parts, at = [], 0
        for start, end, entry in self.spans(text):
            if entry.say is None or (skip_ipa and entry.ipa):
                continue
            parts += [text[at:start], entry.say.lower() if lower else entry.say]
            at = end
        return "".join(parts) + text[at:]


def entries(mapping: Mapping[str, Any], path: Path | None, lines: Mapping[str, int | None]) -> Lexicon:
    """A validated ``pronounce`` map (words to ``SayAs``) as a lexicon, each entry with its file and line."""
    found: dict[str, Pronunciation] = {}
    for word, said in mapping.items():
        say, ipa = (said.say, said.ipa) if hasattr(said, "say") else (said.get("say"), said.get("ipa"))
        found.pop(word.casefold(), None)  # the same word in another case: the later one
        found[word.casefold()] = Pronunciation(word, say, ipa, path, lines.get(word))
    return Lexicon(tuple(found.values()))


def read_user_lexicon() -> Lexicon:
    """The user's pronunciations (``user_file()``); none when there is no such file."""
    from pydantic import TypeAdapter, ValidationError

    from .model import Pronounce
    from .yamlfile import key_line, plain, read_yaml_mapping

    path = user_file()
    if not path.is_file() or (path.stat().st_size < 4096 and not path.read_bytes().strip()):
        return Lexicon()
    raw = read_yaml_mapping(path, what="pronunciation")
    try:
        mapping = TypeAdapter(Pronounce).validate_python(plain(raw))
    except ValidationError as exc:
        error = exc.errors()[0]
        word = str(error["loc"][0]) if error["loc"] else None
        line = key_line(raw, word) if word in raw else None
        message = error["msg"].removeprefix("Value error, ")
        raise RoutineError(message, path=path, line=line, field=word,
                           hint="each line is a word and how to say it, like  Oiselle: wah-ZELL") from None
    return entries(mapping, path, {word: key_line(raw, word) for word in raw})


NO_PRONUNCIATIONS = Lexicon()
"""The lexicon of a phrase spoken as written."""
