"""The cue templates: every spoken word, with numbers and durations said naturally."""

import hashlib
import re
from pathlib import Path

import pytest

from audioroutine.durations import Hold
from audioroutine.errors import TemplateError
from audioroutine.model import Exercise, Routine
from audioroutine.templates import CUE_TEMPLATES, CueTemplates, builtin_templates_dir


@pytest.fixture(scope="module")
def en():
    return CueTemplates("en")


@pytest.mark.parametrize(
    ("hold", "spoken"),
    [
        (Hold(seconds=30), "Hold for thirty seconds."),
        (Hold(seconds=90), "Hold for ninety seconds."),
        (Hold(seconds=60), "Hold for one minute."),
        (Hold(seconds=120), "Hold for two minutes."),
        (Hold(seconds=1), "Hold for one second."),
        (Hold(seconds=45), "Hold for forty-five seconds."),
        (Hold(seconds=3600), "Hold for one hour."),
        (Hold(breaths=6), "Hold for six breaths."),
        (Hold(breaths=1), "Hold for one breath."),
    ],
)
def test_holds_are_spoken_naturally(en, hold, spoken):
    assert en.render("hold", hold=hold) == spoken


@pytest.mark.parametrize(
    ("template", "context", "spoken"),
    [
        ("count", {"number": 3}, "three"),
        ("rep", {"number": 12, "reps": 12}, "twelve"),
        ("time_left", {"seconds": 15}, "Fifteen seconds left."),
        ("time_left", {"seconds": 75}, "Seventy-five seconds left."),
        ("set", {"number": 2, "sets": 3}, "Set two of three."),
        ("set", {"number": 3, "sets": 3}, "Last set."),
        ("side", {"side": "right", "label": "foot", "first": True}, "Right foot first."),
        ("side", {"side": "left", "label": "foot", "first": False}, "Switch to the left foot."),
        ("set_rest", {"seconds": 20}, "Rest for twenty seconds."),
        ("hold_end", {"last": True}, "And release."),
        ("work", {"seconds": 90, "exercise": None}, "Keep going for ninety seconds."),
        ("work_end", {"last": False}, "Stop."),
        ("breathe_in", {}, "breathe in"),
        ("reps_own_pace", {"reps": 10, "window": 40, "exercise": None},
         "Ten reps at your own pace. You have forty seconds."),
        ("reps_counted", {"reps": 10, "lower": 3.0, "exercise": None},
         "Ten reps, lifting on the count and lowering slowly. I'll count."),
    ],
)
def test_cues(en, template, context, spoken):
    assert en.render(template, **context) == spoken


def _routine(**extra):
    data = {"title": "Happy feet", "exercises": [{"name": "Toe spread", "hold": "30s", "equipment": ["yoga block"]}]}
    data.update(extra)
    return Routine.model_validate(data)


@pytest.mark.parametrize(
    ("equipment", "said"),
    [
        (["strap"], "You'll need a strap."),
        (["strap", "wall"], "You'll need a strap and a wall."),
        (["ball", "yoga block", "half dome or towel"], "You'll need a ball, a yoga block, and a half dome or towel."),
        (["ankle band"], "You'll need an ankle band."),
    ],
)
def test_intro_names_equipment(en, equipment, said):
    routine = _routine(equipment=equipment)
    text = en.render("intro", routine=routine, exercises=routine.exercises, equipment=equipment, total_seconds=480)
    assert said in text
    assert text.startswith("Happy feet.")
    assert "about eight minutes" in text


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ({"author": "Sam Rivera", "publication": "Trail Notes"}, "Adapted from Sam Rivera, in Trail Notes."),
        ({"publication": "Trail Notes"}, "Adapted from Trail Notes."),
        ({"author": "Coach Alex"}, "By Coach Alex."),
        (None, None),
    ],
)
def test_intro_credits_the_source_the_way_it_is_given(en, source, said):
    """A coach's own routine (an author, no publication) is "By" them, not "Adapted from" them."""
    routine = _routine(source=source) if source else _routine()
    text = en.render("intro", routine=routine, exercises=routine.exercises, equipment=[], total_seconds=480)
    credit = re.fullmatch(r"Happy feet\. (.*?) ?One exercise, about eight minutes\. Let's begin\.", text)
    assert credit and credit.group(1) == (said or ""), text
    assert "Adapted from Coach Alex" not in text


def test_next_names_exercise_and_what_to_grab(en):
    exercise = Exercise(name="Pelvic list", hold="30s", equipment=["yoga block"])
    assert en.render("next", exercise=exercise, seconds=15) == (
        "Rest for fifteen seconds. Next: Pelvic list. You'll need a yoga block."
    )


def test_every_cue_template_exists_and_compiles(en):
    en.check()
    assert {p.stem for p in en.folder.glob("*.j2")} >= set(CUE_TEMPLATES)


def test_templates_are_sandboxed(tmp_path: Path):
    (tmp_path / "count.j2").write_text("{{ number.__class__.__mro__ }}")
    with pytest.raises(TemplateError):
        CueTemplates("en", tmp_path).render("count", number=3)


def test_unknown_name_in_a_template_is_reported_with_its_file(tmp_path: Path):
    (tmp_path / "count.j2").write_text("{{ nmber | words }}")
    with pytest.raises(TemplateError) as error:
        CueTemplates("en", tmp_path).render("count", number=3)
    assert "count.j2" in str(error.value) and "nmber" in str(error.value)


def test_template_syntax_error_names_file_and_line(tmp_path: Path):
    (tmp_path / "count.j2").write_text("one\n{{ number | words }\n")
    with pytest.raises(TemplateError) as error:
        CueTemplates("en", tmp_path).render("count", number=3)
    assert "count.j2:2" in str(error.value)


def test_missing_template_lists_the_set(tmp_path: Path):
    # A partial folder falls back on the built-in set; a language with none of its own cannot.
    (tmp_path / "xq").mkdir()
    (tmp_path / "xq" / "count.j2").write_text("{{ number }}")
    with pytest.raises(TemplateError) as error:
        CueTemplates("xq", tmp_path).check()
    assert "missing cue template" in str(error.value)


BUILTIN = builtin_templates_dir() / "en"


def test_a_partial_folder_changes_only_its_own_templates(tmp_path: Path):
    (tmp_path / "count.j2").write_text("number {{ number | words }}")
    mine = CueTemplates("en", tmp_path)
    mine.check()
    assert mine.render("count", number=3) == "number three"
    assert mine.render("hold", hold=Hold(seconds=30)) == "Hold for thirty seconds."


@pytest.mark.parametrize(
    ("files", "lang", "said"),
    [
        ({"count.j2": "root", "en/count.j2": "en", "en-GB/count.j2": "en-GB"}, "en-GB", "en-GB"),
        ({"count.j2": "root", "en/count.j2": "en"}, "en-GB", "en"),
        ({"count.j2": "root", "fr/count.j2": "fr"}, "en-GB", "root"),
        ({"fr/count.j2": "fr"}, "en-GB", "three"),
    ],
)
def test_user_folder_then_language_then_base_language_then_built_in(tmp_path: Path, files, lang, said):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert CueTemplates(lang, tmp_path).render("count", number=3) == said


def test_a_regional_language_falls_back_on_its_base():
    assert CueTemplates("en-GB").folders == [BUILTIN]


def test_an_unknown_language_is_named_with_those_available(tmp_path: Path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "count.j2").write_text("drei")
    with pytest.raises(TemplateError) as error:
        CueTemplates("xq", tmp_path)
    assert "'xq'" in str(error.value) and "languages available: de, en" in str(error.value)


def test_the_digest_covers_the_templates_in_use(tmp_path: Path):
    builtin = CueTemplates("en")
    old = hashlib.sha256()  # as before the folders: every file of the one folder, by name
    for path in sorted(BUILTIN.glob("*.j2")):
        old.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    assert builtin.digest == old.hexdigest()
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "count.j2").write_text("trois")  # another language's: not in use for en
    assert CueTemplates("en", tmp_path).digest == builtin.digest
    (tmp_path / "count.j2").write_text((BUILTIN / "count.j2").read_text() + " ")
    assert CueTemplates("en", tmp_path).digest != builtin.digest


def test_no_compiled_template_is_kept_on_disk(tmp_path: Path):
    from audioroutine.options import BuildOptions
    from audioroutine.planning import plan_routines

    plan_routines(["example-calf-care"], BuildOptions(cache_dir=tmp_path / "cache"))
    assert not (tmp_path / "cache").exists()
