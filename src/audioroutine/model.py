"""The routine as typed, validated objects: what a routine file means once it has been read."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from . import lenient
from .doses import check_dose
from .durations import Hold, format_duration
from .printable import check_text
from .rests import fold_rests, is_rest_item

MAX_HOLD_S = 3600.0


Count = Annotated[int, BeforeValidator(lenient.count)]
"""A whole number (reps, sets, rounds): ``8-10``, ``3x10`` and ``ten`` are told how to write it."""

Seconds = Annotated[
    float, BeforeValidator(lenient.duration), PlainSerializer(format_duration, return_type=str)
]
"""A length of time, written in the file as ``45s``, ``1m30s`` or ``2 min``."""

HoldValue = Annotated[Hold, BeforeValidator(lenient.hold), PlainSerializer(str, return_type=str)]
Side = Literal["left", "right"]
Text = Annotated[str, AfterValidator(check_text)]
"""Text from the file: no control characters but tab and line feed (see ``printable``)."""
Texts = Annotated[list[Text], BeforeValidator(lenient.one_or_many)]
"""A list of texts; one text written alone is a list of one (``instructions: Lie down.``)."""


_LETTERS = str.maketrans({"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                          "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH"})
"""Letters with no accent to drop, written as their languages spell them in ASCII (``Fuß``: ``fuss``)."""


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: safe in file names, URLs and messaging apps. An
    apostrophe joins its word (``Child's pose`` is ``childs-pose``); accents are dropped and ß is
    ss (``Fußrollen`` is ``fussrollen``, ``Étirement`` ``etirement``)."""
    plain = re.sub(r"['\u2019\u02bc]", "", text).translate(_LETTERS)
    ascii_text = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "routine"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class Source(_Strict):
    """Where the routine comes from; spoken in the intro and kept in the tags."""

    publication: Text | None = None
    """The magazine, site or book, e.g. ``Canadian Running``."""
    author: Text | None = None
    """Who wrote or designed it."""
    link: Text | None = None
    """Where to read the original."""
    note: Text | None = None
    """What was adapted or chosen here, in the file's own words (never spoken)."""


class Settings(_Strict):
    """Timing and sound of the whole routine. Every length is written like ``5s`` or ``1m``."""

    breath: Seconds = Field(5.0, gt=0, le=60)
    """Length of one breath (in and out), used by holds counted in breaths and by flows."""
    rest: Seconds = Field(15.0, ge=0, le=MAX_HOLD_S)
    """Rest between exercises, during which the next one is named."""
    settle: Seconds = Field(3.0, ge=0, le=120)
    """Silence after an exercise's instructions to get into position."""
    switch: Seconds = Field(5.0, ge=0, le=120)
    """Pause to change sides."""
    set_rest: Seconds = Field(20.0, ge=0, le=MAX_HOLD_S)
    """Rest between sets."""
    pause: Seconds = Field(0.5, ge=0, le=10)
    """Silence after each spoken cue before the next one."""
    countdown: int = Field(3, ge=0, le=10)
    """The last this many seconds of a timed hold are counted aloud; 0 turns counting off."""
    breath_cues: bool = False
    """During holds counted in breaths, say quietly "breathe in" and "breathe out"."""
    callouts: bool = True
    """Say "halfway" and how much time is left on long holds."""
    callout_min_hold: Seconds = Field(60.0, gt=0)
    """Holds at least this long get callouts."""
    time_left: Seconds = Field(15.0, gt=0)
    """When the "… seconds left" callout comes."""
    chimes: bool = True
    """A soft chime at the start and end of each exercise."""
    cues: Literal["full", "brief", "chimes"] = "full"
    """How much is said: ``full`` every cue every time; ``brief`` a dose's words the first time only
    (later sides, sets and rounds: "Hold.", the poses' names); ``chimes`` as brief, with chimes for
    the start and end of holds and work, and ticks for the countdown and the rep counts."""
    remind: Seconds | None = Field(None, ge=10, le=MAX_HOLD_S)
    """In timed holds and work at least twice this long, say the time left every this many
    seconds ("One minute left."), instead of the halfway and time-left callouts."""
    lang: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
    """Language of the spoken cues; selects ``scripts_templates/<lang>/``."""


class Variation(_Strict):
    """One way of doing the exercise (``knees straight``, ``big toe only``), each done in full."""

    name: Text = Field(min_length=1)
    instructions: Texts = []


class FlowStep(_Strict):
    """One pose in a flow, taken on an in- or out-breath."""

    breath: Literal["in", "out"]
    pose: Text = Field(min_length=1)
    breaths: float = Field(1.0, gt=0, le=20)
    """How many breath lengths the pose lasts."""


class Exercise(_Strict):
    """One exercise: what to do and how much of it (a hold, reps, or a flow)."""

    name: Text = Field(min_length=1)
    id: str | None = Field(None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    """Stable name for overrides (``--set calf-stretch.hold=60s``); derived from the name."""
    instructions: Texts = []
    equipment: Texts = []
    """What to have at hand for this exercise; named in the transition before it."""
    hold: HoldValue | None = None
    """How long to hold: ``30s``, ``1m``, ``6 breaths``."""
    relax: Seconds | None = Field(None, gt=0, le=MAX_HOLD_S)
    """Stillness, like lying down at the end: a gentle opening, silence, a gentle return; no
    countdown, no callouts, and the hold option leaves it as it is."""
    work: Seconds | None = Field(None, gt=0, le=MAX_HOLD_S)
    """Timed work that is not a still hold (rolling a foot on a ball, massaging a calf):
    "Keep going for one minute." … "And stop." Countdown and callouts as for a hold."""
    dose_range: Text | None = None
    """The range the source gives (``5 to 7 breaths``), kept for the record; never spoken."""
    reps: Count | None = Field(None, gt=0, le=200)
    """Repetitions, counted aloud when ``rep_time`` is set, else done at your own pace."""
    rep_time: Seconds | None = Field(None, gt=0, le=60)
    """Time for one rep (the lifting part when ``lower`` is set); each rep is counted aloud."""
    lower: Seconds | None = Field(None, gt=0, le=60)
    """A slow lowering phase after each counted rep (eccentric work)."""
    window: Seconds | None = Field(None, gt=0, le=MAX_HOLD_S)
    """Time given for reps at your own pace; default three seconds a rep."""
    flow: list[FlowStep] | None = Field(None, min_length=1)
    """Poses paced one per breath, e.g. a sun salutation."""
    rounds: Count = Field(1, ge=1, le=50)
    """How many times a flow is repeated."""
    sides: Annotated[list[Side], BeforeValidator(lenient.sides)] | None = Field(None, min_length=1, max_length=2)
    """Do the dose on each side, in this order: ``[right, left]`` (``both`` is that; capitals are lowered)."""
    side_label: Annotated[Text, BeforeValidator(lenient.lower)] = "side"
    """What a side is called: ``foot``, ``leg``, ``hand`` or ``side``."""
    sets: Count = Field(1, ge=1, le=20)
    set_rest: Seconds | None = Field(None, ge=0, le=MAX_HOLD_S)
    """Rest between this exercise's sets; default from settings."""
    rest_after: Seconds | None = Field(None, ge=0, le=MAX_HOLD_S)
    """Rest between this exercise and the next (``0s``: none); default ``settings.rest``. A
    ``- rest: 30s`` item after the exercise in the list means the same."""
    variations: list[Variation] | None = Field(None, min_length=1)
    """Ways to do the exercise, each done in full within every set."""
    note: Text | None = None
    """Why a dose was chosen, for the record; never spoken."""

    @field_validator("sides")
    @classmethod
    def _distinct_sides(cls, sides: list[str] | None) -> list[str] | None:
        if sides and len(set(sides)) != len(sides):
            raise ValueError("each side may be named once")
        return sides

    @field_validator("hold")
    @classmethod
    def _sensible_hold(cls, hold: Hold | None) -> Hold | None:
        if hold is None:
            return hold
        if hold.seconds is not None and hold.seconds <= 0:
            raise ValueError("must be longer than zero")
        if hold.seconds is not None and hold.seconds > MAX_HOLD_S:
            raise ValueError("is over one hour; split it into sets")
        if hold.breaths is not None and not 1 <= hold.breaths <= 200:
            raise ValueError("must be between 1 and 200 breaths")
        return hold

    @model_validator(mode="after")
    def _one_dose(self) -> Exercise:
        check_dose(self)  # exactly one dose, with only its own keys (the table in doses.py)
        return self

    @property
    def key(self) -> str:
        """The exercise's stable id."""
        return self.id or slugify(self.name)


_WORD = re.compile(r"[^\W_](?:[\w' .-]*[^\W_])?")
"""A word or short phrase to pronounce: letters and digits, with spaces, hyphens, apostrophes and
periods inside (``Oiselle``, ``Helen Clare``, ``CTS``)."""


def _word(word: str) -> str:
    word = " ".join(word.split())
    if not _WORD.fullmatch(word) or len(word) > 60 or len(word.split()) > 4:
        raise ValueError(f"{word!r}: name a word or a short phrase (up to four words), like Oiselle or Helen Clare")
    return word


def _say_as(value: object) -> object:
    return {"say": value} if isinstance(value, str) else value


class SayAs(_Strict):
    """How to say a word: IPA for voices that take phonemes (Piper), a respelling for the others.
    Written ``Oiselle: wah-ZELL`` (a respelling only) or ``Oiselle: {ipa: wɑːˈzɛl, say: wah-ZELL}``."""

    ipa: Text | None = Field(None, min_length=1, max_length=200)
    """The word in IPA, as espeak-ng writes it (``wɑːˈzɛl``); slashes around it are dropped."""
    say: Text | None = Field(None, min_length=1, max_length=200)
    """A respelling, read as ordinary words (``wah-ZELL``)."""

    @model_validator(mode="after")
    def _something(self) -> SayAs:
        if self.ipa is None and self.say is None:
            raise ValueError("give ipa, say or both, like {ipa: wɑːˈzɛl, say: wah-ZELL}")
        return self


Pronounce = dict[Annotated[str, AfterValidator(_word)], Annotated[SayAs, BeforeValidator(_say_as)]]
"""A ``pronounce:`` map, from a word to how to say it."""


class Routine(_Strict):
    """A whole routine, as written in one routine file."""

    title: Text = Field(min_length=1)
    description: Text = ""
    when: Annotated[Literal["pre-run", "post-run", "any time"], BeforeValidator(lenient.when)] = "any time"
    source: Source | None = None
    artist: Text | None = None
    """Shown as the artist in music players; default the source's author."""
    equipment: Texts = []
    """Everything the routine needs; announced in the intro."""
    settings: Settings = Settings()
    exercises: list[Exercise] = Field(min_length=1)
    notes: Texts = []
    """Choices made where the source was vague, for the record; never spoken."""
    pronounce: Pronounce = {}
    """How to say names the voices get wrong (``pronounce.py``); the cue text keeps the written words."""

    @model_validator(mode="before")
    @classmethod
    def _rest_items(cls, data: object) -> object:
        """Rest items folded into the exercise before them (the loader folds first, keeping the file's lines)."""
        exercises = data.get("exercises") if isinstance(data, dict) else None
        if isinstance(exercises, list) and any(is_rest_item(item) for item in exercises):
            return fold_rests(data).data
        return data

    @model_validator(mode="after")
    def _unique_ids(self) -> Routine:
        seen: dict[str, str] = {}
        for exercise in self.exercises:
            if exercise.key in seen:
                raise ValueError(
                    f"two exercises share the id {exercise.key!r} ({seen[exercise.key]!r} and "
                    f"{exercise.name!r}); give one an id"
                )
            seen[exercise.key] = exercise.name
        if self.exercises[-1].rest_after is not None:
            raise ValueError(f"rest_after on the last exercise ({self.exercises[-1].name!r}): nothing follows it; "
                             "remove it")
        return self

    def exercise_ids(self) -> list[str]:
        return [exercise.key for exercise in self.exercises]
