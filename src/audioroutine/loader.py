"""Load a routine: read its file, merge overrides over it, and validate it into a ``Routine``,
with errors that name the file, line and field (and the key a typo meant)."""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import RoutineError
from .model import Routine, slugify
from .overrides import FileLine, OptionValue, Origins, Overrides, apply_overrides, scaled
from .printable import for_terminal
from .pronounce import Lexicon, entries, read_user_lexicon
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
    lexicon: Lexicon = field(default=Lexicon(), compare=False)
    """Its pronunciations: the user's file's, the routine's and the overrides', each with its line."""


# ---------------------------------------------------------------------------- describing problems


def _field_name(loc: Sequence[str | int], data: Any) -> str:
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            label = f"[{part + 1}]"
            if isinstance(node, list) and part < len(node):
                item = node[part]
                if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                    label += f" ({for_terminal(item['name'])})"
                node = item
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(part))
            node = node.get(part) if isinstance(node, Mapping) else None
    return "".join(parts)


def _model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model whose keys are valid at a location, to suggest the key a typo meant."""
    model: Any = Routine
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return None
        annotation = info.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for inner in list(candidates):
            candidates.extend(getattr(inner, "__args__", ()))
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            return None
    return model


def _describe(error: Mapping[str, Any]) -> tuple[Sequence[str | int], str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        model = _model_at(loc[:-1])
        valid = sorted(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(str(key), valid, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return loc, f"unknown key {key!r}{hint} Valid keys here: {', '.join(valid)}"
    if kind == "missing":
        return loc, "is required"
    if kind == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        return loc, f"needs at least {least} item{'s' if least != 1 else ''}"
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return loc, message


def validate(
    data: Mapping[str, Any],
    *,
    path: Path,
    lines_from: Any = None,
    origins: Origins | None = None,
) -> Routine:
    """Validate plain data into a Routine; the first problem becomes a RoutineError with its line.

    ``origins`` maps data locations changed by overrides to where the change came from, so an
    error in an override names the override (an option's value, or an overrides file's line),
    not the routine file.
    """
    try:
        return Routine.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        loc, message = _describe(errors[0])
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        for prefix, origin in (origins or {}).items():
            if tuple(loc[: len(prefix)]) == prefix:
                raise origin.error(message + more, field=_field_name(loc, data) or None) from None
        raise RoutineError(
            message + more,
            path=path,
            line=line_of(lines_from if lines_from is not None else data, loc),
            field=_field_name(loc, data) or None,
        ) from None


# ---------------------------------------------------------------------------- the entry point


def load_routine(path: Path | str, overrides: Overrides | None = None) -> LoadedRoutine:
    """Read, merge overrides into, and validate one routine file."""
    path = Path(path)
    raw = read_yaml_mapping(path)
    data = plain(raw)
    origins: Origins = {}
    if overrides:
        data, origins = apply_overrides(data, overrides)
    routine = validate(data, path=path, lines_from=raw, origins=origins)
    if overrides and overrides.scale is not None:
        routine = scaled(routine, overrides.scale)
        origin = OptionValue("scale", overrides.scale)
        routine = validate(routine.model_dump(mode="json"), path=path, origins={(): origin})
    lexicon = _lexicon(routine, path, raw, origins)
    dump = routine.model_dump(mode="json")
    dump.pop("pronounce")  # in the digest only when there is one: other routines keep their digests
    if lexicon:
        dump["pronounce"] = lexicon.key(phonemes=True) + lexicon.key(phonemes=False)
    digest = hashlib.sha256(json.dumps(dump, sort_keys=True).encode()).hexdigest()
    log.debug("loaded %s: %d exercises, digest %s", path, len(routine.exercises), digest[:12])
    return LoadedRoutine(routine=routine, path=path, slug=slugify(path.stem), digest=digest, lexicon=lexicon)


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

