"""Read a YAML file (a routine or an overrides file) into its mapping, with errors that say where:
the file, and the line of a YAML mistake or of any key in it.

The reading is bounded, so that a hostile file fails at once in little memory: a file holds at most
``MAX_FILE_BYTES``; its values nest at most ``MAX_DEPTH`` deep; and once every alias (``*name``) is
expanded it holds at most ``MAX_NODES`` values and ``MAX_TEXT`` characters of text (a "billion
laughs" file of a few hundred bytes is refused while it is read, not after). An anchor for a
repeated instruction stays cheap: it counts once for each use.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scanner import RoundTripScanner, Scanner

from .errors import OptionError, RoutineError

MAX_FILE_BYTES = 1_000_000
"""A routine file is a few kB; one over a megabyte is refused before it is parsed."""
MAX_DEPTH = 64
"""How deep values may nest (a routine needs about five levels)."""
MAX_NODES = 100_000
"""How many values (scalars, lists, mappings) a file may hold once its aliases are expanded."""
MAX_TEXT = 2_000_000
"""How many characters of text a file may hold once its aliases are expanded."""
MAX_DIGITS = 1000
"""The longest integer read (Python refuses to read one of more than 4300 digits)."""
_INT = "tag:yaml.org,2002:int"


class YAMLLimitError(YAMLError):
    """A file over one of the bounds above, at a line."""

    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


class _BoundedComposer(Composer):
    """ruamel's composer, counting the values of the document as it is built, aliases expanded."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False  # a reused anchor name is legal YAML: no warning on stderr
        self._sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, characters), expanded
        self._values = 0
        self._chars = 0

    def _count(self, size: tuple[int, int], mark: Any) -> None:
        self._values += size[0]
        self._chars += size[1]
        line = mark.line + 1 if mark is not None else None
        if self._values > MAX_NODES:
            raise YAMLLimitError(f"holds more than {MAX_NODES:,} values once its aliases (*name) are expanded", line)
        if self._chars > MAX_TEXT:
            raise YAMLLimitError(
                f"holds more than {MAX_TEXT:,} characters of text once its aliases (*name) are expanded", line
            )

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node))
            if size is None:
                line = event.start_mark.line + 1
                raise YAMLLimitError(f"the alias *{event.anchor} is inside the value it names", line)
            self._count(size, event.start_mark)
            return node
        if self.depth >= MAX_DEPTH:
            raise YAMLLimitError(f"nests deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
        node = super().compose_node(parent, index)
        if isinstance(node, ScalarNode):
            if node.tag == _INT and len(node.value) > MAX_DIGITS:
                raise YAMLLimitError(f"holds a number of more than {MAX_DIGITS} digits", node.start_mark.line + 1)
            size = (1, len(node.value))
            own = size
        else:
            children = [c for pair in node.value for c in pair] if isinstance(node, MappingNode) else node.value
            sizes = [self._sizes[id(child)] for child in children]
            size = (1 + sum(s[0] for s in sizes), sum(s[1] for s in sizes))
            own = (1, 0)  # the children were counted as they were built
        self._sizes[id(node)] = size
        self._count(own, node.start_mark)
        return node


def _shallow(base: type) -> type:
    """A scanner class that stops at the first ``[`` or ``{`` nested too deep: it scans ahead
    through open brackets, and at a cost that grows with the square of their number."""

    class Shallow(base):  # type: ignore[valid-type, misc]
        def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:  # noqa: N803
            if self.flow_level >= MAX_DEPTH:
                raise YAMLLimitError(f"nests deeper than {MAX_DEPTH} levels", self.reader.get_mark().line + 1)
            super().fetch_flow_collection_start(TokenClass, to_push)

    return Shallow


def _readable(base: type) -> type:
    """A constructor class whose Python errors on a bad value (``2001-99-99``, ``!!int x``) become
    YAML errors at the value's line."""

    class Readable(base):  # type: ignore[valid-type, misc]
        def construct_non_recursive_object(self, node: Any, tag: str | None = None) -> Any:
            try:
                return super().construct_non_recursive_object(node, tag)
            except (ValueError, TypeError, LookupError, ArithmeticError) as exc:
                raise ConstructorError(None, None, f"cannot read this value ({exc})", node.start_mark) from None

    return Readable


_RoundTrip = _readable(RoundTripConstructor)
_Safe = _readable(SafeConstructor)
_RoundTripScanner = _shallow(RoundTripScanner)
_SafeScanner = _shallow(Scanner)


def _yaml(typ: str = "rt") -> YAML:
    yaml = YAML(typ=typ, pure=True)
    yaml.allow_duplicate_keys = False
    yaml.Composer = _BoundedComposer
    yaml.Constructor = _RoundTrip if typ == "rt" else _Safe
    yaml.Scanner = _RoundTripScanner if typ == "rt" else _SafeScanner
    return yaml


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
        return _yaml().load(io.StringIO(text))
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
        if exc.context and exc.context_mark is not None and exc.problem:
            problem += f" ({exc.context.strip()} on line {exc.context_mark.line + 1})"
        line = mark.line + 1 if mark is not None else None
        raise RoutineError(f"is not valid YAML: {problem}", path=path, line=line) from None
    except YAMLError as exc:
        raise RoutineError(f"is not valid YAML: {exc}", path=path) from None
    except (ValueError, TypeError, LookupError, ArithmeticError) as exc:  # a value built after its node
        raise RoutineError(f"is not valid YAML: a value cannot be read ({exc})", path=path) from None


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
        return _yaml("safe").load(io.StringIO(text)) if text.strip() else text
    except YAMLLimitError as exc:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise OptionError(exc.problem, option=option, value=shown) from None
    except YAMLError:
        return text


def key_line(mapping: CommentedMap, key: Any) -> int:
    """The 1-based line of a key of a mapping read from a file."""
    return mapping.lc.key(key)[0] + 1
