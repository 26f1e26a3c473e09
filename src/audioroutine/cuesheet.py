"""The cue sheet: the timeline written out, every time where it is in the MP3.

A public, versioned JSON format (docs/cue-sheet.md). ``export.cue_sheet`` makes one from a
routine's timeline, ``CueSheet.to_json`` writes it, ``CueSheet.from_json`` reads it back. Times are
in seconds, rounded to 4 decimals (the timeline's own ``Chapter`` is in samples).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any, Literal, get_args

from .constants import CUE_SHEET_VERSION
from .errors import AudioRoutineError

SilenceKind = Literal["hold", "work", "rest", "settle", "switch", "reps", "flow", "relax"]
"""Timed stretches: they last exactly their time, whatever is said inside them."""
OverlayKind = Literal["count", "callout", "breath", "rep", "tempo", "pose"]
"""Short cues spoken at exact times inside a timed stretch."""
CueKind = Literal["speech", "chime", SilenceKind, OverlayKind]
ChimeKind = Literal["start", "end", "go", "stop", "tick", "tock"]
"""The chimes (``chimes.CHIMES``): an exercise's start and end; with chimes for cues, a hold's start
and end, a countdown number or rep count, a rep's lowering."""
CUE_KINDS: frozenset[str] = frozenset(get_args(CueKind))


class CueSheetError(AudioRoutineError):
    """A cue sheet that cannot be read: damaged, or written in another version of the format."""


@dataclass(frozen=True)
class Cue:
    """One cue, from ``start_s`` to ``end_s`` seconds into the MP3. A field that does not apply is
    ``None`` (left out of the JSON)."""

    kind: CueKind
    start_s: float
    end_s: float
    text: str | None = None
    """The words spoken (speech and overlays)."""
    chime: ChimeKind | None = None
    exercise: str | None = None
    """The id of the exercise (the chapter) it belongs to."""
    side: str | None = None
    set: int | None = None
    rep: int | None = None
    """The rep (counted reps) or the round (flows)."""
    variation: str | None = None


@dataclass(frozen=True)
class Chapter:
    """One exercise's stretch of the MP3, in seconds (``timeline.Chapter`` is the same in samples)."""

    id: str
    title: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Source:
    """Where the routine comes from, as its file says (``model.Source``); unset fields are ``None``."""

    publication: str | None = None
    author: str | None = None
    link: str | None = None
    note: str | None = None

    @property
    def empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


@dataclass(frozen=True)
class ExerciseSummary:
    """One exercise of the routine: its id (the chapter's), name, and dose as numbers."""

    id: str
    name: str
    dose: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "dose": _thawed(self.dose)}


@dataclass(frozen=True)
class Loudness:
    target_lufs: float
    gain_db: float
    """The gain the mix was given to reach ``target_lufs``."""


@dataclass(frozen=True)
class CueSheet:
    """Everything said and when, and what the MP3 was made from and with (format version 1)."""

    routine: str
    """The routine's slug: the MP3 is ``<routine>.mp3``."""
    title: str
    description: str
    when: str
    source: Source | None
    equipment: tuple[str, ...]
    duration_s: float
    samples: int
    """The MP3's exact length in samples, as a player decodes it."""
    sample_rate: int
    engine: str
    voice: str
    lang: str
    settings: Mapping[str, Any]
    """The routine's settings as its file writes them (lengths like ``5s``)."""
    exercises: tuple[ExerciseSummary, ...]
    fingerprint: str
    """A hash of everything the MP3 depends on: the same fingerprint, the same MP3."""
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    """Every cue, in order of start (a silence before the cues spoken inside it)."""
    loudness: Loudness
    version: int = CUE_SHEET_VERSION

    def spoken(self) -> list[Cue]:
        """Every cue that says something, in the order heard."""
        return [cue for cue in self.cues if cue.text]

    def to_json(self) -> str:
        """The sheet as written beside the MP3: two-space indented UTF-8 JSON, one final newline."""
        data: dict[str, Any] = {"version": self.version}
        for f in fields(self):
            if f.name != "version":
                data[f.name] = _plain(getattr(self, f.name))
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> CueSheet:
        """Read a sheet ``to_json`` wrote. Raises ``CueSheetError`` for anything else (a damaged
        file, another version of the format)."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CueSheetError(f"the cue sheet is not JSON ({exc})") from None
        version = data.get("version") if isinstance(data, dict) else None
        if version != CUE_SHEET_VERSION:
            raise CueSheetError(f"cue sheet version {version!r}: this audioroutine reads version {CUE_SHEET_VERSION}")
        return _sheet(data)


def _plain(value: Any) -> Any:
    """A value as JSON writes it. ``Cue`` and ``Source`` leave out their unset (``None``) fields."""
    if isinstance(value, Cue | Source):
        return {f.name: v for f in fields(value) if (v := getattr(value, f.name)) is not None}
    if isinstance(value, ExerciseSummary):
        return value.as_dict()
    if isinstance(value, Chapter | Loudness):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return _thawed(value)


def frozen(value: Any) -> Any:
    """A JSON value made read-only, as a sheet holds it: objects as read-only mappings, arrays as tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(frozen(v) for v in value)
    return value


def _thawed(value: Any) -> Any:
    """A value as a sheet holds it, back to what ``json`` writes: mappings to dicts, tuples to lists."""
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


# ---------------------------------------------------------------------------- reading

_STR, _NUM, _INT, _OBJECT, _LIST = (str,), (float, int), (int,), (dict,), (list,)


class _Object:
    """A JSON object being read: each field taken once and checked; one left over is unknown."""

    def __init__(self, data: Any, what: str) -> None:
        if not isinstance(data, dict):
            raise CueSheetError(f"{what}: expected an object, found {data!r}")
        self.data, self.what = dict(data), what

    def take(self, key: str, kinds: tuple[type, ...], *, optional: bool = False) -> Any:
        value = self.data.pop(key, None)
        if value is None and optional:
            return None
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise CueSheetError(f"{self.what}: {key} is missing or not a {kinds[0].__name__}")
        return value

    def done(self) -> None:
        if self.data:
            raise CueSheetError(f"{self.what}: unknown field {sorted(self.data)[0]!r}")


def _read(cls: type, data: Any, **kinds: tuple[type, ...]) -> Any:
    """One of the small dataclasses from its JSON object; a field whose default is ``None`` may be left out."""
    part = _Object(data, cls.__name__)
    made = cls(**{f.name: frozen(part.take(f.name, kinds[f.name], optional=f.default is None))
                  for f in fields(cls)})
    part.done()
    return made


def _cue(data: Any) -> Cue:
    cue = _read(Cue, data, kind=_STR, start_s=_NUM, end_s=_NUM, text=_STR, chime=_STR, exercise=_STR, side=_STR,
                set=_INT, rep=_INT, variation=_STR)
    if cue.kind not in CUE_KINDS or cue.chime not in (None, *get_args(ChimeKind)):
        raise CueSheetError(f"unknown cue kind {cue.kind!r} (chime {cue.chime!r})")
    return cue


def _sheet(data: dict[str, Any]) -> CueSheet:
    part = _Object(data, "CueSheet")
    source = part.take("source", _OBJECT, optional=True)
    equipment = part.take("equipment", _LIST)
    if not all(isinstance(item, str) for item in equipment):
        raise CueSheetError(f"CueSheet: equipment should be names, found {equipment!r}")
    sheet = CueSheet(
        version=part.take("version", _INT),
        routine=part.take("routine", _STR),
        title=part.take("title", _STR),
        description=part.take("description", _STR),
        when=part.take("when", _STR),
        source=None if source is None else _read(Source, source, publication=_STR, author=_STR, link=_STR, note=_STR),
        equipment=tuple(equipment),
        duration_s=part.take("duration_s", _NUM),
        samples=part.take("samples", _INT),
        sample_rate=part.take("sample_rate", _INT),
        engine=part.take("engine", _STR),
        voice=part.take("voice", _STR),
        lang=part.take("lang", _STR),
        settings=frozen(part.take("settings", _OBJECT)),
        exercises=tuple(_read(ExerciseSummary, e, id=_STR, name=_STR, dose=_OBJECT)
                        for e in part.take("exercises", _LIST)),
        fingerprint=part.take("fingerprint", _STR),
        chapters=tuple(_read(Chapter, c, id=_STR, title=_STR, start_s=_NUM, end_s=_NUM)
                       for c in part.take("chapters", _LIST)),
        cues=tuple(_cue(c) for c in part.take("cues", _LIST)),
        loudness=_read(Loudness, part.take("loudness", _OBJECT), target_lufs=_NUM, gain_db=_NUM),
    )
    part.done()
    return sheet

