"""Numbers in words for the cue templates: the ``words`` filter, with the agreement Spanish, German
and French need.

Templates write ``{{ n | words }}`` to count ("uno", "eins", "un"), and say how the number stands
when the language changes it:

- ``gender``: ``"m"``, ``"f"`` or ``"n"`` (German), the gender of what is counted. Spanish
  ``words(gender="f")`` is "una", "veintiuna", "doscientas"; French "une", "vingt et une".
- ``noun=True``: the number stands before its noun, where the language shortens it: Spanish
  ``words(noun=True)`` "un", "veintiún", "treinta y un" (``gender="f"``: "una", "veintiuna");
  German "ein", "eine" (counting says "eins"); French as with ``gender``.
- ``case``: German only, the case of the noun after the number: ``"nom"`` (the default), ``"acc"``
  ("einen Atemzug"), ``"dat"`` ("einer Minute").
- ``ordinal=True``: "premier", "première", "deuxième" (French), "primero", "zweite"…

A fraction is said with the language's decimal word ("dos coma cinco", "zwei Komma fünf", "deux
virgule cinq"); templates say halves in their own words ("dos segundos y medio"). Languages other
than es, de and fr are said by num2words as before (English where num2words lacks the language),
and the keywords change nothing there.
"""

from __future__ import annotations

import re
from typing import Any

from num2words import num2words

from .errors import TemplateError

OWN_RULES = ("es", "de", "fr")
"""The languages whose numbers this module corrects and inflects."""
DECIMAL_WORD = {"es": "coma", "de": "Komma", "fr": "virgule"}
MINUS_WORD = {"es": "menos", "de": "minus", "fr": "moins"}
GENDERS = (None, "m", "f", "n")
CASES = ("nom", "acc", "dat")
GERMAN_ONE = {  # (gender, case) -> "ein" with its ending, before a noun
    ("m", "nom"): "ein", ("m", "acc"): "einen", ("m", "dat"): "einem",
    ("n", "nom"): "ein", ("n", "acc"): "ein", ("n", "dat"): "einem",
    ("f", "nom"): "eine", ("f", "acc"): "eine", ("f", "dat"): "einer",
}


def _integer(value: int, lang: str) -> str:
    """A whole number as num2words says it, with what it gets wrong put right."""
    words = num2words(value, lang=lang)
    if lang == "es":  # "veintiuno mil" is "veintiún mil"
        words = re.sub(r"\b(veinti)?uno mil\b", lambda m: ("veintiún" if m.group(1) else "un") + " mil", words)
    elif lang == "de" and value >= 100:  # "einhundert", "eintausend": spoken "hundert", "tausend"
        words = re.sub(r"^ein(hundert|tausend)", r"\1", words)
    return words


def _spanish(words: str, gender: str | None, noun: bool) -> str:
    if gender == "f":
        words = re.sub(r"ientos\b", "ientas", words)
        return re.sub(r"uno$", "una", words)
    if noun:
        return re.sub(r"veintiuno$", "veintiún", re.sub(r"\buno$", "un", words))
    return words


def _german(words: str, gender: str | None, noun: bool, case: str) -> str:
    if not noun or not words.endswith("eins"):
        return words
    return words[:-4] + GERMAN_ONE[(gender if gender in ("f", "n") else "m", case)]


def _french(words: str, gender: str | None) -> str:
    return re.sub(r"\bun$", "une", words) if gender == "f" else words


def _whole(value: int, lang: str, gender: str | None, noun: bool, case: str) -> str:
    words = _integer(value, lang)
    if lang == "es":
        return _spanish(words, gender, noun)
    if lang == "de":
        return _german(words, gender, noun, case)
    return _french(words, gender)


def _ordinal(value: int, lang: str, gender: str | None, noun: bool) -> str:
    words = num2words(value, lang=lang, to="ordinal")
    if gender == "f" and lang == "fr":
        return re.sub(r"^premier$", "première", words)
    if gender == "f" and lang == "es":
        return re.sub(r"o\b", "a", words)
    if noun and lang == "es":  # "primer ejercicio", "tercer día"
        return re.sub(r"(prim|terc)ero$", r"\1er", words)
    return words


def _check(gender: Any, case: Any) -> None:
    if gender not in GENDERS:
        raise TemplateError(f"the words filter's gender is one of m, f, n, got {gender!r}")
    if case not in CASES:
        raise TemplateError(f"the words filter's case is one of {', '.join(CASES)}, got {case!r}")


def say_number(number: Any, lang: str, gender: str | None = None, noun: bool = False, case: str = "nom",
               ordinal: bool = False) -> str:
    """The ``words`` filter: ``number`` in words in ``lang`` (see the module's docstring)."""
    try:
        value = float(number)
    except (TypeError, ValueError):
        raise TemplateError(f"the words filter needs a number, got {number!r}") from None
    _check(gender, case)
    value = int(value) if value == int(value) else value
    base = lang.split("-")[0]
    if base not in OWN_RULES:
        try:
            return num2words(value, lang=base)
        except NotImplementedError:
            return num2words(value, lang="en")
    if ordinal:
        return _ordinal(int(value), base, gender, noun)
    if isinstance(value, int):
        return _whole(value, base, gender, noun, case)
    return _fraction(value, base, gender)


def _fraction(value: float, lang: str, gender: str | None) -> str:
    """"dos coma cinco", "zwei Komma fünf", "deux virgule cinq": the decimals said as a number,
    each leading zero as "zero" ("dos coma cero cinco")."""
    whole, _, decimals = f"{abs(value):.6f}".rstrip("0").partition(".")
    zeros = len(decimals) - len(decimals.lstrip("0"))
    said = [_whole(int(whole), lang, gender, False, "nom"), DECIMAL_WORD[lang]]
    said += [_integer(0, lang)] * zeros + [_integer(int(decimals), lang)]
    return " ".join([MINUS_WORD[lang]] * (value < 0) + said)
