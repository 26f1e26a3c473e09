"""Rests written anywhere: ``- rest: 30s`` items in a routine's exercises list, folded into the
``rest_after`` of the exercise before them, with a map from the folded list back to the file's items.

A rest item is a mapping with a ``rest`` key and no ``name`` (an exercise that holds ``rest:`` is
an exercise with an unknown key, reported as such). Folding happens on the plain data, before
overrides and validation, so exercise numbering, counts, chapters and overrides see exercises only;
``Folded.file_loc`` turns a validation error's location back into the file's (a bad value after a
rest item names its own line; a bad rest names the rest item's line).

Each of these is refused, with the item's position (``RestPlacement``): a rest item first or last
in the list (nothing to rest between), two rest items in a row (write one), a rest item after an
exercise that has its own ``rest_after`` (one gap, two lengths), a rest item with other keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Loc = tuple[str | int, ...]


class RestPlacement(ValueError):
    """A rest item where it has no meaning; ``index`` is its position in the file's list."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def is_rest_item(item: object) -> bool:
    """A rest between exercises, not an exercise: ``{rest: 30s}``."""
    return isinstance(item, Mapping) and "rest" in item and "name" not in item


@dataclass(frozen=True)
class Folded:
    """The routine's data with rest items folded, and where each exercise was in the file."""

    data: Any
    places: tuple[int, ...] = ()
    """Folded index to the file's index of each exercise."""
    rests: dict[int, int] = field(default_factory=dict)
    """Folded index of an exercise to the file's index of the rest item folded into its rest_after."""

    def file_loc(self, loc: Sequence[str | int]) -> Loc:
        """A location in the folded data as a location in the file."""
        loc = tuple(loc)
        if len(loc) < 2 or loc[0] != "exercises" or not isinstance(loc[1], int) or loc[1] >= len(self.places):
            return loc
        if loc[2:3] == ("rest_after",) and loc[1] in self.rests:
            return ("exercises", self.rests[loc[1]], "rest", *loc[3:])
        return ("exercises", self.places[loc[1]], *loc[2:])


def _folded_list(items: list[Any]) -> tuple[list[Any], list[int], dict[int, int]]:
    exercises: list[Any] = []
    places: list[int] = []
    rests: dict[int, int] = {}
    for index, item in enumerate(items):
        if not is_rest_item(item):
            exercises.append(item)
            places.append(index)
            continue
        if set(item) != {"rest"}:
            others = ", ".join(sorted(str(k) for k in item if k != "rest"))
            raise RestPlacement(f"a rest item holds only its length, like  - rest: 30s (found also {others}); "
                                "an exercise needs a name", index)
        if not exercises:
            raise RestPlacement("a rest comes between two exercises, and this one comes before the first; "
                                "remove it or move it after an exercise", index)
        if index == len(items) - 1:
            raise RestPlacement("a rest comes between two exercises: nothing follows this one; remove it", index)
        if is_rest_item(items[index + 1]):
            raise RestPlacement("two rests in a row; write one rest with the whole length", index + 1)
        before = exercises[-1]
        if isinstance(before, Mapping) and before.get("rest_after") is not None:
            raise RestPlacement(f"the exercise before this rest already has rest_after: {before['rest_after']}; "
                                "keep one of them", index)
        if isinstance(before, Mapping):
            exercises[-1] = {**before, "rest_after": item["rest"]}
            rests[len(exercises) - 1] = index
    return exercises, places, rests


def fold_rests(data: Any) -> Folded:
    """Rest items folded into the exercise before them; data without any is returned as it is.
    Raises ``RestPlacement`` for a rest item that cannot be folded."""
    if not isinstance(data, Mapping) or not isinstance(data.get("exercises"), list):
        return Folded(data)
    items = data["exercises"]
    if not items:
        return Folded(data)
    last = len(items) - 1
    if isinstance(items[last], Mapping) and items[last].get("rest_after") is not None and not is_rest_item(items[last]):
        raise RestPlacement("rest_after on the last exercise: nothing follows it; remove it", last)
    exercises, places, rests = _folded_list(items)
    return Folded({**data, "exercises": exercises}, tuple(places), rests)
