"""Read a YAML file (a routine or an overrides file) into its mapping, with errors that say where:
the file, and the line of a YAML mistake or of any key in it."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import RoutineError


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def read_yaml_mapping(path: Path, what: str = "routine") -> CommentedMap:
    """The top-level mapping of a YAML file, or a RoutineError that says what is wrong."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RoutineError("no such file", path=path) from None
    except IsADirectoryError:
        raise RoutineError(f"is a folder, not a {what} file", path=path) from None
    except OSError as exc:
        raise RoutineError(f"cannot be read ({exc.strerror})", path=path) from None
    if b"\x00" in raw:
        raise RoutineError(f"is not a text file; a {what} file is YAML text", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RoutineError(
            f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8", path=path
        ) from None
    if not text.strip():
        raise RoutineError(f"is empty; a {what} file needs at least a title", path=path)
    try:
        data = _yaml().load(io.StringIO(text))
    except MarkedYAMLError as exc:
        problem = (exc.problem or exc.context or "malformed YAML").strip()
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "<stream end>" in problem:
            mark = exc.context_mark  # an unclosed bracket or quote: point where it opened
        if exc.context and exc.context_mark is not None and exc.problem:
            problem += f" ({exc.context.strip()} on line {exc.context_mark.line + 1})"
        line = mark.line + 1 if mark is not None else None
        raise RoutineError(f"is not valid YAML: {problem}", path=path, line=line) from None
    except YAMLError as exc:
        raise RoutineError(f"is not valid YAML: {exc}", path=path) from None
    if data is None:
        raise RoutineError(f"is empty; a {what} file needs at least a title", path=path)
    if not isinstance(data, CommentedMap):
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        raise RoutineError(
            f"must be a mapping of keys (title:, exercises:, …), not {kind}", path=path, line=1
        )
    return data


def line_of(data: Any, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest YAML node along a validation error's path."""
    line = None
    node = data
    for part in loc:
        try:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        except (AttributeError, KeyError, TypeError, IndexError):
            break
    return line


def plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (for merging and hashing)."""
    if isinstance(node, Mapping):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def parse_scalar(text: str) -> Any:
    """One value as YAML reads it (``60s`` stays text, ``20`` is a number, ``true`` a boolean)."""
    try:
        return YAML(typ="safe").load(text) if text.strip() else text
    except YAMLError:
        return text


def key_line(mapping: CommentedMap, key: Any) -> int:
    """The 1-based line of a key of a mapping read from a file."""
    return mapping.lc.key(key)[0] + 1
