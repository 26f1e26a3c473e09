"""End to end: a real build with the real offline voice and real ffmpeg, checked by listening.

One routine uses every cue kind; it is built once for the module, then the decoded MP3 is
compared with the cue sheet: length in samples, silence where nothing is said, sound where a
cue is, and each cue heard within 10 ms of its place.
"""

from pathlib import Path

import pytest

from audiotools import TOLERANCE_S, decode, first_sound, loudness, quiet_regions, rms_dbfs, sheet, span

EVERY_CUE = """
title: Every cue
source: {publication: Tests, author: Test Author}
equipment: [strap, stair]
settings: {breath: 4s, rest: 6s, switch: 3s, set_rest: 5s, settle: 1s, breath_cues: true, countdown: 3}
exercises:
  - name: Long calf stretch
    instructions: [Stand tall.]
    hold: 1m5s
  - name: Hamstring strap stretch
    instructions: [Lie on your back with a strap around one foot.]
    equipment: [strap]
    hold: 12s
    sides: [right, left]
    side_label: leg
  - name: Bird on a perch
    hold: 3 breaths
  - name: Heel drops
    equipment: [stair]
    reps: 3
    rep_time: 1.5s
    lower: 2.5s
    sets: 2
    variations:
      - {name: with your knees straight}
      - {name: with your knees bent}
  - name: Toe taps
    reps: 8
    window: 10s
  - name: Sun salutation
    flow:
      - {breath: in, pose: reach up}
      - {breath: out, pose: fold forward}
    rounds: 2
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory, clip_cache):
    from audioroutine import BuildOptions, build

    folder = tmp_path_factory.mktemp("every-cue")
    routine = folder / "every-cue.yaml"
    routine.write_text(EVERY_CUE)
    (result,) = build([str(routine)], BuildOptions(engine="piper", out=folder / "out", cache_dir=clip_cache))
    return result, sheet(result.cue_sheet), decode(result.mp3)


def test_mp3_length_equals_the_cue_sheet(built):
    result, cues, pcm = built
    assert pcm.size == cues["samples"]
    assert abs(pcm.size / cues["sample_rate"] - cues["duration_s"]) < TOLERANCE_S
    assert cues["engine"] == "piper" and cues["voice"] == "en_US-joe-medium"
    assert result.mp3.name == "every-cue.mp3" and result.cue_sheet.name == "every-cue.json"


def test_silence_wherever_nothing_is_said(built):
    _, cues, pcm = built
    regions = list(quiet_regions(cues))
    assert len(regions) > 10
    for cue, a, b in regions:
        level = rms_dbfs(span(pcm, a, b, trim_s=0.03))
        assert level < -60, f"{cue['kind']} at {a:.2f}-{b:.2f}s is not silent ({level:.1f} dBFS)"


def test_every_spoken_cue_is_heard_on_its_mark(built):
    _, cues, pcm = built
    spoken = [c for c in cues["cues"] if "text" in c]
    sounding = [c for c in cues["cues"] if "text" in c or c["kind"] == "chime"]
    assert len(spoken) > 40
    onsets_checked = 0
    for cue in spoken:
        assert rms_dbfs(span(pcm, cue["start_s"], cue["end_s"])) > -40, f"{cue['text']!r} is silent"
        if any(0 <= cue["start_s"] - other["end_s"] < 0.05 or other["start_s"] < cue["start_s"] < other["end_s"]
               for other in sounding if other is not cue):
            continue  # another cue is still sounding just before: no silence to hear the onset against
        onsets_checked += 1
        heard = first_sound(pcm, max(0.0, cue["start_s"] - 0.05))
        assert abs(heard - cue["start_s"]) <= TOLERANCE_S, (
            f"{cue['kind']} {cue['text']!r} heard at {heard:.3f}s, placed at {cue['start_s']:.3f}s")
    assert onsets_checked >= 0.8 * len(spoken)


def test_every_cue_kind_is_in_the_cue_sheet(built):
    _, cues, _ = built
    kinds = {c["kind"] for c in cues["cues"]}
    assert kinds >= {"speech", "hold", "rest", "settle", "switch", "reps", "rep", "tempo", "flow", "pose",
                     "breath", "count", "callout", "chime"}


def test_holds_and_countdown_timing(built):
    _, cues, pcm = built
    all_cues = cues["cues"]
    long_hold = next(c for c in all_cues if c["kind"] == "hold" and c.get("exercise") == "long-calf-stretch")
    assert long_hold["end_s"] - long_hold["start_s"] == pytest.approx(65, abs=0.001)
    counts = [c for c in all_cues if c["kind"] == "count" and c.get("exercise") == "long-calf-stretch"]
    assert [c["text"] for c in counts] == ["three", "two", "one"]
    assert [round(c["start_s"] - long_hold["start_s"], 3) for c in counts] == [62, 63, 64]
    callouts = [c for c in all_cues if c["kind"] == "callout"]
    assert [(c["text"], round(c["start_s"] - long_hold["start_s"], 3)) for c in callouts] == [
        ("Halfway.", 32.5), ("Fifteen seconds left.", 50)]
    after = next(c for c in all_cues if c["kind"] == "speech" and c["start_s"] >= long_hold["end_s"] - 1e-4)
    assert after["text"] == "And release."
    assert abs(first_sound(pcm, long_hold["end_s"] - 0.3) - long_hold["end_s"]) <= TOLERANCE_S


def test_sides_and_breaths_and_reps_and_sets(built):
    _, cues, _ = built
    all_cues = cues["cues"]
    strap = [c for c in all_cues if c["kind"] == "hold" and c.get("exercise") == "hamstring-strap-stretch"]
    assert [c["side"] for c in strap] == ["right", "left"]
    assert all(c["end_s"] - c["start_s"] == pytest.approx(12, abs=0.001) for c in strap)
    perch = next(c for c in all_cues if c["kind"] == "hold" and c.get("exercise") == "bird-on-a-perch")
    assert perch["end_s"] - perch["start_s"] == pytest.approx(12, abs=0.001)
    breaths = [c for c in all_cues if c["kind"] == "breath"]
    assert [c["text"] for c in breaths] == ["breathe in", "breathe out"] * 3
    assert [round(c["start_s"] - perch["start_s"], 3) for c in breaths] == [0, 2, 4, 6, 8, 10]
    reps = [c for c in all_cues if c["kind"] == "rep"]
    assert len(reps) == 3 * 2 * 2  # reps x variations x sets
    assert [c["set"] for c in reps] == [1] * 6 + [2] * 6
    assert [c["variation"] for c in reps[:6]] == ["with your knees straight"] * 3 + ["with your knees bent"] * 3
    first_window = next(c for c in all_cues if c["kind"] == "reps" and c.get("exercise") == "heel-drops")
    assert [round(c["start_s"] - first_window["start_s"], 3) for c in reps[:3]] == [0, 4, 8]
    own_pace = next(c for c in all_cues if c["kind"] == "reps" and c.get("exercise") == "toe-taps")
    assert own_pace["end_s"] - own_pace["start_s"] == pytest.approx(10, abs=0.001)
    poses = [c for c in all_cues if c["kind"] == "pose"]
    assert [c["text"] for c in poses] == ["breathe in, reach up", "breathe out, fold forward"] * 2
    flows = [c for c in all_cues if c["kind"] == "flow"]
    assert [round(p["start_s"] - flows[0]["start_s"], 3) for p in poses[:2]] == [0, 4]


def test_chapters_one_per_exercise_in_order(built):
    _, cues, _ = built
    assert [c["title"] for c in cues["chapters"]] == [
        "Long calf stretch", "Hamstring strap stretch", "Bird on a perch", "Heel drops", "Toe taps", "Sun salutation"]
    starts = [c["start_s"] for c in cues["chapters"]]
    assert starts == sorted(starts)
    chimes = [c for c in cues["cues"] if c["kind"] == "chime" and c["chime"] == "start"]
    assert [c["start_s"] for c in chimes] == starts


def test_intro_and_transitions_name_equipment(built):
    _, cues, _ = built
    said = [c["text"] for c in cues["cues"] if c["kind"] == "speech"]
    assert "You'll need a strap and a stair." in said[0]
    assert "Adapted from Test Author, in Tests." in said[0]
    assert any(s.startswith("Rest for six seconds. Next: Hamstring strap stretch. You'll need a strap.") for s in said)


def test_loudness_is_the_spoken_word_norm(built):
    result, _, _ = built
    integrated, peak = loudness(result.mp3)
    assert -17.0 <= integrated <= -15.0
    assert peak <= -1.0


def test_mono_and_small(built):
    result, cues, _ = built
    kbit_per_s = result.mp3.stat().st_size * 8 / cues["duration_s"] / 1000
    assert kbit_per_s < 70  # a 15-minute routine stays under 8 MB
    import mutagen.mp3

    info = mutagen.mp3.MP3(result.mp3).info
    assert info.channels == 1 and info.sample_rate == cues["sample_rate"]


def test_rebuild_of_an_unchanged_routine_is_up_to_date_and_writes_nothing(built, clip_cache):
    from audioroutine import BuildOptions, build

    result, _, _ = built
    before = result.mp3.stat().st_mtime_ns
    (again,) = build([str(result.mp3.parent.parent / "every-cue.yaml")],
                     BuildOptions(engine="piper", out=result.mp3.parent, cache_dir=clip_cache))
    assert again.up_to_date
    assert result.mp3.stat().st_mtime_ns == before


def test_no_temporary_files_left(built):
    result, _, _ = built
    assert sorted(p.name for p in Path(result.mp3.parent).iterdir() if p.name.startswith(".")) == []
