"""Read a YAML file (a routine or an overrides file) into its mapping, with errors that say where:
the file, and the line of a YAML mistake or of any key in it. Reading is bounded (``yamlbounds``):
a hostile file fails at once, in little memory, with one message.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from .errors import OptionError, RoutineError
from .yamlbounds import MAX_FILE_BYTES, YAMLLimitError, bounded_yaml


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise RoutineError("no such file", path=path) from None
    except IsADirectoryError:
        raise RoutineError(f"is a folder, not a {what} file", path=path) from None
    except OSError as exc:
        raise RoutineError(f"cannot be read ({exc.strerror})", path=path) from None
    if len(raw) > MAX_FILE_BYTES:
        raise RoutineError(
            f"is over {MAX_FILE_BYTES // 1_000_000} MB; a {what} file is a few kB of YAML text", path=path
        )
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise RoutineError(f"is not a text file (a NUL byte); a {what} file is YAML text", path=path, line=line)
    return raw


def _load(text: str, path: Path, what: str) -> Any:
    try:
        return bounded_yaml().load(io.StringIO(text))
    except YAMLLimitError as exc:
        raise RoutineError(f"{exc.problem}; a {what} file never needs that", path=path, line=exc.line) from None
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise RoutineError(
            f"holds the control character {character}, which a YAML file may not hold; remove it",
            path=path, line=line,
        ) from None
    except MarkedYAMLError as exc:
        problem = (exc.problem or exc.context or "malformed YAML").strip()
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "<stream end>" in problem:
            mark = exc.context_mark  # an unclosed bracket or quote: point where it opened
        line = mark.line + 1 if mark is not None else None
        fix = _layout_fix(text, problem, line)
        if fix is not None:
            raise RoutineError(f"is not valid YAML: {fix[1]}", path=path, line=fix[0]) from None
        if exc.context and exc.context_mark is not None and exc.problem:
            problem += f" ({exc.context.strip()} on line {exc.context_mark.line + 1})"
        raise RoutineError(f"is not valid YAML: {problem}", path=path, line=line) from None
    except YAMLError as exc:
        raise RoutineError(f"is not valid YAML: {exc}", path=path) from None
    except (ValueError, TypeError, LookupError, ArithmeticError) as exc:  # a value built after its node
        raise RoutineError(f"is not valid YAML: a value cannot be read ({exc})", path=path) from None


_INDENT_PROBLEMS = ("mapping values are not allowed here", "expected <block end>", "did not find expected key",
                    "did not find expected '-' indicator")


def _layout_fix(text: str, problem: str, line: int | None) -> tuple[int, str] | None:
    """A scanner's error that means a tab, a bad indent or an unquoted ``: ``, said as the fix (at
    its line); ``None`` when it is none of those."""
    lines = text.splitlines()
    tabbed = next((n for n, row in enumerate(lines, 1) if "\t" in row[: len(row) - len(row.lstrip())]), None)
    if tabbed is not None and (line is None or tabbed <= line or "'\\t'" in problem):
        return tabbed, f"line {tabbed} is indented with a tab; indent with spaces, not tabs"
    if line is None or not 1 <= line <= len(lines) or not problem.startswith(_INDENT_PROBLEMS):
        return None
    row = lines[line - 1].strip().removeprefix("- ")
    key, sep, value = row.partition(": ")
    if problem.startswith("mapping values") and sep and (": " in value or value.endswith(":")):
        quote = "'" if '"' in value else '"'
        return line, f"a value holding ': ' must be quoted, like  {key}: {quote}{value}{quote}"
    return line, f"line {line} is indented differently from the lines above it; line up the keys of one " \
                 "mapping (and the '-' of one list) with spaces"


def read_yaml_mapping(path: Path, what: str = "routine") -> CommentedMap:
    """The top-level mapping of a YAML file, or a RoutineError that says what is wrong."""
    raw = _read_bytes(path, what)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RoutineError(
            f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8", path=path
        ) from None
    empty = "is empty; " + ("a routine file needs at least a title" if what == "routine"
                            else f"an {what} file holds the keys to change, like  settings: {{rest: 20s}}")
    if not text.strip():
        raise RoutineError(empty, path=path)
    data = _load(text, path, what)
    if data is None:
        raise RoutineError(empty, path=path)
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


def parse_scalar(text: str, option: str = "set") -> Any:
    """One value as YAML reads it (``60s`` stays text, ``20`` is a number, ``true`` a boolean);
    text that is not YAML stays text. A value over the bounds is an error of ``option``."""
    try:
        return bounded_yaml("safe").load(io.StringIO(text)) if text.strip() else text
    except YAMLLimitError as exc:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise OptionError(exc.problem, option=option, value=shown) from None
    except YAMLError:
        return text


def key_line(mapping: CommentedMap, key: Any) -> int:
    """The 1-based line of a key of a mapping read from a file."""
    return mapping.lc.key(key)[0] + 1
