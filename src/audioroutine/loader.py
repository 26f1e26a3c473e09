"""Load a routine: read its file, merge overrides over it, and validate it into a ``Routine``,
with errors that name the file, line and field (and the key a typo meant)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .changes import Changes, FileLine, OptionValue, Origins
from .errors import InputError, RoutineError
from .model import Routine, slugify
from .overrides import Overrides, apply_overrides
from .problems import describe, field_name
from .pronounce import Lexicon, entries, read_user_lexicon
from .rests import Folded, RestPlacement, fold_rests
from .scaling import scaled
from .yamlfile import key_line, line_of, plain, read_yaml_mapping

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedRoutine:
    """A validated routine and where it came from."""

    routine: Routine
    path: Path
    slug: str
    digest: str = field(compare=False)
    """Hash of the resolved routine (after overrides): changes when anything in it changes."""
    changes: Changes = field(default=Changes(), compare=False)
    """What the build's overrides changed, and where (``show`` and ``build`` print it)."""
    lexicon: Lexicon = field(default=Lexicon(), compare=False)
    """Its pronunciations: the user's file's, the routine's and the overrides', each with its line."""


def validate(
    data: Mapping[str, Any],
    *,
    path: Path,
    lines_from: Any = None,
    origins: Origins | None = None,
    folded: Folded | None = None,
) -> Routine:
    """Validate plain data into a Routine; every problem in the file becomes one RoutineError
    (one line each, by line number).

    ``origins`` maps data locations changed by overrides to where the change came from, so an
    error in an override names the override (an option's value, or an overrides file's line),
    not the routine file: the first such problem is reported alone. ``folded`` maps a location
    back to the file's when rest items were folded into the exercises (``rests``).
    """
    try:
        return Routine.model_validate(data)
    except ValidationError as exc:
        raise _problem(exc, data, path, lines_from, origins or {}, folded) from None


def _problem(exc: ValidationError, data: Mapping[str, Any], path: Path, lines_from: Any,
             origins: Origins, folded: Folded | None = None) -> InputError:
    found = list(dict.fromkeys(describe(error) for error in exc.errors()))
    more = len(found) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    for loc, message in found:
        for prefix, origin in origins.items():
            if tuple(loc[: len(prefix)]) == prefix:
                return origin.error(message + suffix, field=field_name(loc, data) or None)
    if folded is not None and lines_from is not None:  # rest items folded: the file's own places
        found, data = [(folded.file_loc(loc), message) for loc, message in found], lines_from
    lines = lines_from if lines_from is not None else data
    problems = sorted(
        ((line_of(lines, loc), field_name(loc, data) or None, message) for loc, message in found),
        key=lambda problem: problem[0] or 0,
    )
    if len(problems) == 1:
        line, field, message = problems[0]
        return RoutineError(message, path=path, line=line, field=field)
    listed = "\n".join(f"  {RoutineError(message, path=path, line=line, field=field)}"
                        for line, field, message in problems)
    error = RoutineError(f"{len(problems)} problems:\n{listed}", path=path)
    error.line = problems[0][0]
    return error


# ---------------------------------------------------------------------------- the entry point


def load_routine(path: Path | str, overrides: Overrides | None = None) -> LoadedRoutine:
    """Read, merge overrides into, and validate one routine file."""
    path = Path(path)
    raw = read_yaml_mapping(path)
    try:
        folded = fold_rests(plain(raw))
    except RestPlacement as exc:
        loc = ("exercises", exc.index)
        raise RoutineError(str(exc), path=path, line=line_of(raw, loc), field=field_name(loc, raw)) from None
    data = folded.data
    origins: Origins = {}
    changes = Changes()
    if overrides:
        data, origins, changes = apply_overrides(data, overrides)
    routine = validate(data, path=path, lines_from=raw, origins=origins, folded=folded)
    if overrides and overrides.scale is not None:
        routine, scaling = scaled(routine, overrides.scale, origins)
        changes = Changes((*changes.items, scaling))
        origin = OptionValue("scale", overrides.scale)
        routine = validate(routine.model_dump(mode="json"), path=path, origins={(): origin})
    lexicon = _lexicon(routine, path, raw, origins)
    dump = routine.model_dump(mode="json")
    dump.pop("pronounce")  # in the digest only when there is one: other routines keep their digests
    if lexicon:
        dump["pronounce"] = lexicon.key(phonemes=True) + lexicon.key(phonemes=False)
    digest = hashlib.sha256(json.dumps(dump, sort_keys=True).encode()).hexdigest()
    log.debug("loaded %s: %d exercises, digest %s", path, len(routine.exercises), digest[:12])
    return LoadedRoutine(routine=routine, path=path, slug=slugify(path.stem), digest=digest, changes=changes,
                         lexicon=lexicon)


def _lexicon(routine: Routine, path: Path, raw: Any, origins: Origins) -> Lexicon:
    """The routine's pronunciations (an overrides file's where it gave one) over the user's file's."""
    written = raw.get("pronounce") if hasattr(raw, "get") else None
    lines = {" ".join(str(k).split()): key_line(written, k) for k in written} if hasattr(written, "lc") else {}
    mine = entries(routine.pronounce, path, lines)
    moved = []
    for entry in mine.entries:
        origin = next((o for loc, o in origins.items() if loc[:1] == ("pronounce",) and len(loc) == 2
                       and " ".join(str(loc[1]).split()) == entry.word), None)
        where = {"path": origin.path, "line": origin.line} if isinstance(origin, FileLine) else {}
        moved.append(replace(entry, **where))
    return Lexicon(tuple(moved)).over(read_user_lexicon())

