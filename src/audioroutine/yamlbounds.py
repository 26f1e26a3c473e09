"""The bounds on reading YAML, so that a hostile file fails at once in little memory: a file holds
at most ``MAX_FILE_BYTES``; its values nest at most ``MAX_DEPTH`` deep; and once every alias
(``*name``) is expanded it holds at most ``MAX_NODES`` values and ``MAX_TEXT`` characters of text.
Aliases are counted while ruamel's composer builds the nodes, so a "billion laughs" file of a few
hundred bytes is refused while it is read, not after; an anchor for a repeated instruction stays
cheap (it counts once for each use). ``bounded_yaml`` is a ruamel loader with these bounds.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode
from ruamel.yaml.scanner import RoundTripScanner, Scanner

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


def bounded_yaml(typ: str = "rt") -> YAML:
    """A pure-Python ruamel loader (``rt`` keeps lines; ``safe`` for a single value) within the bounds;
    over one, it raises ``YAMLLimitError`` at the line."""
    yaml = YAML(typ=typ, pure=True)
    yaml.allow_duplicate_keys = False
    yaml.Composer = _BoundedComposer
    yaml.Constructor = _RoundTrip if typ == "rt" else _Safe
    yaml.Scanner = _RoundTripScanner if typ == "rt" else _SafeScanner
    return yaml

