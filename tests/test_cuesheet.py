"""The cue sheet as a format: every kind of cue the script writer makes is a known kind, the JSON
reads back to the same sheet and the same text, a sheet that cannot be read means building again,
the documentation covers every field and kind, and share reads nothing back from its MP3s."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from audioroutine import BuildOptions
from audioroutine.chimes import chime
from audioroutine.cuesheet import CUE_KINDS, Chapter, Cue, CueSheet, CueSheetError, ExerciseSummary, Loudness, Source
from audioroutine.export import cue_sheet
from audioroutine.model import Source as RoutineSource
from audioroutine.planning import estimate_samples, plan_routines
from audioroutine.routine_files import available_routines
from audioroutine.timeline import build_timeline
from sharetools import PLAIN_SLUG, write_routines
from test_build import EVERY_CUE

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cue-sheet.md"

EVERY_DOSE = """
title: Every dose
settings: {breath: 4s, breath_cues: true, callout_min_hold: 20s, countdown: 3, set_rest: 5s}
exercises:
  - {name: Long hold, hold: 40s, sides: [right, left], sets: 2}
  - {name: Breaths, hold: 3 breaths}
  - {name: Work, work: 30s}
  - {name: Own pace, reps: 5, window: 10s}
  - {name: Counted, reps: 2, rep_time: 1s, lower: 2s, variations: [{name: wide}, {name: narrow}]}
  - {name: Flow, flow: [{breath: in, pose: up}, {breath: out, pose: down}], rounds: 2}
  - {name: Lie still, relax: 30s}
"""


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> list[CueSheet]:
    """The cue sheet of every built-in routine and the tests' routines, with estimated lengths in
    place of spoken ones (no audio work)."""
    folder = tmp_path_factory.mktemp("sheets")
    paths = [*available_routines(), *write_routines(folder / "routines")]
    for name, text in (("every-dose.yaml", EVERY_DOSE), ("every-cue.yaml", EVERY_CUE)):
        paths.append(folder / name)
        paths[-1].write_text(text, encoding="utf-8")
    engine = SimpleNamespace(name="estimate", voice="none", lang="en")
    found = []
    for plan in plan_routines([str(p) for p in paths], BuildOptions(cache_dir=folder / "cache")):
        timeline = build_timeline(plan.script, estimate_samples, lambda which: chime(which).size)
        found.append(cue_sheet(plan.loaded, timeline, engine, "0" * 64, Loudness(-16.0, 0.5)))
    return found


def test_every_kind_the_script_writer_makes_is_a_cue_kind(sheets):
    made = {cue.kind for sheet in sheets for cue in sheet.cues}
    assert made <= CUE_KINDS, made - CUE_KINDS
    assert made == CUE_KINDS  # and every kind is made by one of these routines: none is dead


def test_sheets_read_back_the_same(sheets):
    for sheet in sheets:
        text = sheet.to_json()
        again = CueSheet.from_json(text)
        assert again == sheet
        assert again.to_json() == text


def test_json_is_written_as_before(sheets):
    """The text is ``json.dumps(..., indent=2, ensure_ascii=False)`` with a newline; a cue leaves out
    what does not apply; times have at most 4 decimals."""
    sheet = sheets[0]
    text = sheet.to_json()
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert list(data)[0] == "version" and list(data)[-1] == "loudness"
    assert not [cue for cue in data["cues"] if None in cue.values()]
    times = [c["start_s"] for c in data["cues"]] + [c["end_s"] for c in data["chapters"]]
    assert all(round(t, 4) == t for t in times)


def test_source_matches_the_routine_model():
    """The sheet's ``source`` keeps the routine file's fields, in its order."""
    assert [f.name for f in dataclasses.fields(Source)] == list(RoutineSource.model_fields)


def _damage(text: str, change) -> str:
    data = json.loads(text)
    change(data)
    return json.dumps(data)


DAMAGE = {
    "truncated": lambda text: text[: len(text) // 2],
    "empty": lambda text: "",
    "not an object": lambda text: "[1, 2]",
    "version 2": lambda text: _damage(text, lambda d: d.update(version=2)),
    "no version": lambda text: _damage(text, lambda d: d.pop("version")),
    "unknown kind": lambda text: _damage(text, lambda d: d["cues"][0].update(kind="shout")),
    "unknown chime": lambda text: _damage(text, lambda d: d["cues"][1].update(chime="gong")),
    "samples as text": lambda text: _damage(text, lambda d: d.update(samples="many")),
    "samples as true": lambda text: _damage(text, lambda d: d.update(samples=True)),
    "unknown field": lambda text: _damage(text, lambda d: d.update(tempo=120)),
    "unknown cue field": lambda text: _damage(text, lambda d: d["cues"][0].update(volume=3)),
    "no loudness": lambda text: _damage(text, lambda d: d.pop("loudness")),
    "chapters not a list": lambda text: _damage(text, lambda d: d.update(chapters={})),
    "a cue without start": lambda text: _damage(text, lambda d: d["cues"][0].pop("start_s")),
    "equipment not names": lambda text: _damage(text, lambda d: d.update(equipment=[1])),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_sheet_is_refused(sheets, damage):
    with pytest.raises(CueSheetError):
        CueSheet.from_json(damage(sheets[0].to_json()))


def test_a_damaged_or_other_version_sheet_means_building_again(build_piper, tmp_path):
    _, plain = write_routines(tmp_path / "routines")
    (first,) = build_piper(plain)
    text = first.cue_sheet.read_text(encoding="utf-8")
    assert first.sheet.to_json() == text and CueSheet.from_json(text) == first.sheet
    assert first.artist == "Coach Kim" and first.cover is not None
    for damaged in ("{", text.replace('"version": 1', '"version": 2', 1)):
        first.cue_sheet.write_text(damaged, encoding="utf-8")
        (again,) = build_piper(plain)
        assert not again.up_to_date and again.synthesized == 0
        assert again.cue_sheet.read_text(encoding="utf-8") == text
    (current,) = build_piper(plain)
    assert current.up_to_date and current.sheet == first.sheet
    assert current.artist == "Coach Kim" and current.cover is None


def test_share_plans_once_and_reads_nothing_back(tmp_path, clip_cache, monkeypatch):
    from mutagen.id3 import ID3

    import audioroutine.planning
    from audioroutine.share import share

    routines = [str(p) for p in write_routines(tmp_path / "routines")]
    options = BuildOptions(engine="piper", cache_dir=clip_cache)
    out = tmp_path / "club"
    planned, read = [], []
    plan_routine, from_json = audioroutine.planning.plan_routine, CueSheet.from_json.__func__

    def forbidden(*args, **kwargs):
        raise AssertionError("share read an MP3's tags back")

    monkeypatch.setattr(audioroutine.planning, "plan_routine", lambda *a: planned.append(a) or plan_routine(*a))
    monkeypatch.setattr(CueSheet, "from_json", classmethod(lambda cls, t: read.append(t) or from_json(cls, t)))
    monkeypatch.setattr(ID3, "load", forbidden)
    first = share(routines, options, "Club", None, out)
    assert len(planned) == 2 and not read  # each routine planned once; the fresh sheets not read back
    covers = {r.slug: (out / r.file("cover")).read_bytes() for r in first.routines}
    second = share(routines, options, "Club", None, out)
    assert all(r.build.up_to_date for r in second.routines)
    assert len(planned) == 4 and len(read) == 2  # up to date: each sheet read once, by the build
    assert {r.slug: (out / r.file("cover")).read_bytes() for r in second.routines} == covers
    assert [r.artist for r in second.routines] == [r.artist for r in first.routines] == ["Ada Runner", "Coach Kim"]
    monkeypatch.undo()
    for routine in second.routines:  # the cover drawn again from the sheet is the one in the MP3
        assert ID3(routine.build.mp3).getall("APIC")[0].data == covers[routine.slug]
    assert second.routines[1].slug == PLAIN_SLUG


# ---------------------------------------------------------------------------- the documentation


def _table(section: str) -> list[str]:
    """The first column of the first table under the heading ``section``."""
    text = DOCS.read_text(encoding="utf-8")
    lines = text[text.index(section + "\n"):].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = itertools.takewhile(lambda line: line.startswith("|"), lines[start:])
    return [m.group(1) for line in rows if (m := re.match(r"\| `([^`]+)` \|", line))]


def test_docs_list_every_top_level_field_in_order(sheets):
    assert _table("## Top-level fields") == list(json.loads(sheets[0].to_json()))


def test_docs_list_every_cue_and_chapter_field():
    assert _table("### Fields") == [f.name for f in dataclasses.fields(Cue)]
    assert _table("### `chapters[]`") == [f.name for f in dataclasses.fields(Chapter)]
    assert _table("### `exercises[]`") == [f.name for f in dataclasses.fields(ExerciseSummary)]


def test_docs_describe_every_cue_kind():
    text = DOCS.read_text(encoding="utf-8")
    kinds = text[text.index("### Kinds\n"):text.index("## Example\n")]
    assert set(re.findall(r"^\| `([a-z]+)` \|", kinds, re.M)) == CUE_KINDS
