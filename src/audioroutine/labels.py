"""The words around the audio in the routine's language: the printed script's headings, the share
page's and the feed's labels, the cover's caption and the tags' comment.

They live in one ``labels.yaml`` per language, beside its cue templates (``key: text``), and are
read along the same folders as the templates (``templates.template_folders``: the user's folder,
``es-MX`` then ``es``, the built-in set), with English for any key a language lacks: a new language
can start with its cue templates alone. A text may be a mapping of plural forms (``one``,
``other``, and ``zero`` where the language says "0 exercice" rather than "0 exercices"), with
``{count}`` where the number goes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .templates import builtin_templates_dir, template_folders

LABELS_FILE = "labels.yaml"
FALLBACK_LANG = "en"
PLURAL_FORMS = ("zero", "one", "other")

Text = str | Mapping[str, str]


@dataclass(frozen=True)
class Labels:
    """One language's labels; ``words[key]`` is a text or its plural forms."""

    lang: str
    words: Mapping[str, Text]
    digest: str
    """A hash of the user's files read (empty when every label is built in: those change with the
    program's version, which builds already depend on); a change to one makes builds stale."""

    def __getitem__(self, key: str) -> str:
        text = self.words[key]
        return text if isinstance(text, str) else text["other"]

    def count(self, key: str, count: int) -> str:
        """``3 exercises``: the plural form for ``count``, with the number in it."""
        forms = self.words[key]
        if isinstance(forms, str):
            return forms.format(count=count)
        form = "zero" if count == 0 and "zero" in forms else "one" if count == 1 else "other"
        return forms[form].format(count=count)

    def heading(self, key: str) -> str:
        """A label before its value, as the language writes it: ``Source:``, ``Source :`` in French."""
        return self["colon"].format(label=self[key])

    def when(self, value: str) -> str:
        """A routine's ``when`` (``post-run``) as the language says it; as it is if not a label."""
        text = self.words.get(value) if value else None
        return text if isinstance(text, str) else value

    def number(self, text: str) -> str:
        """A decimal number written with the language's separator (``1.5`` -> ``1,5``)."""
        return text.replace(".", self["decimal"])


def labels_for(lang: str, user: Path | None = None) -> Labels:
    """The labels for ``lang``: the first ``labels.yaml`` along the template folders that has a
    key gives it; English for the rest."""
    folders = [*template_folders(lang, user), builtin_templates_dir() / FALLBACK_LANG]
    files = [folder / LABELS_FILE for folder in dict.fromkeys(folders)]
    stamps = tuple((path, _stamp(path)) for path in files)
    return _read(lang, stamps)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=32)
def _read(lang: str, stamps: tuple[tuple[Path, tuple[int, int] | None], ...]) -> Labels:
    """Read once per process for each set of files as they are (a changed file is read again)."""
    words: dict[str, Text] = {}
    sha = hashlib.sha256()
    builtin, own = builtin_templates_dir(), False
    for path, stamp in stamps:
        if stamp is None:
            continue
        raw = path.read_bytes()
        if not path.is_relative_to(builtin):
            own = True
            sha.update(str(path).encode() + b"\0" + raw + b"\0")
        for key, text in _parse(path, raw).items():
            words.setdefault(key, text)
    return Labels(lang, words, sha.hexdigest() if own else "")


def _parse(path: Path, raw: bytes) -> dict[str, Text]:
    """One file's labels; a mistake in it is an error at its file and line."""
    from .errors import TemplateError
    from .yamlfile import key_line, plain, read_yaml_mapping

    if not raw.strip():
        return {}
    data = read_yaml_mapping(path, "labels")
    found: dict[str, Text] = {}
    for key, text in data.items():
        value = plain(text)
        ok = isinstance(value, str) or (
            isinstance(value, dict) and "other" in value and set(value) <= set(PLURAL_FORMS)
            and all(isinstance(form, str) for form in value.values())
        )
        if not isinstance(key, str) or not ok:
            raise TemplateError(
                f"{path}:{key_line(data, key)}: the label {key!r} must be a text, or its plural forms "
                f"({', '.join(PLURAL_FORMS)}: the texts, 'other' at least)"
            )
        found[key] = value
    return found
