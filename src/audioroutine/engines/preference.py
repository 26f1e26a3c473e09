"""Which offline voice ``auto`` prefers for each language: measured per language with
bench/voices.py (bench/README.md has the figures)."""

from __future__ import annotations

from .base import base_language

OFFLINE_PREFERENCE: dict[str, tuple[str, ...]] = {
    "en": ("piper", "nanotts", "espeak"),
    "es": ("nanotts", "espeak"),
    "de": ("nanotts", "espeak"),
    "fr": ("nanotts", "espeak"),
    "it": ("nanotts", "espeak"),
}
"""Offline engines in order of preference, by base language; the first usable here speaks."""
OTHER_LANGUAGES = ("espeak",)
"""For a language not in the table: espeak-ng speaks about a hundred."""


def offline_engines(lang: str) -> tuple[str, ...]:
    """The offline engines for ``lang`` (``es-MX`` as ``es``), the preferred first."""
    return OFFLINE_PREFERENCE.get(base_language(lang), OTHER_LANGUAGES)
