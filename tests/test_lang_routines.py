"""The built-in routines in Spanish, German and French: each says its language, is written in it,
and is its English original translated, with the same exercises, doses, sides, sets and credits.

Everything is read through the real loader (``load_routine``), as ``validate``, ``show`` and
``build`` read it. The timing check runs ``show --lang en`` (the English cue templates over the
translated file, no audio): every silence, count and rep comes out as in the English original.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioroutine import load_routine
from audioroutine.cli import app
from audioroutine.doses import dose_of
from audioroutine.model import Exercise, Routine
from audioroutine.routine_files import builtin_routines_dir
from audioroutine.templates import builtin_templates_dir

ROUTINES = sorted(builtin_routines_dir().glob("*.yaml"))

TRANSLATIONS = {
    # translated file: its English original
    "es-cuidado-de-los-gemelos": "example-calf-care",
    "de-wadenpflege": "example-calf-care",
    "fr-soin-des-mollets": "example-calf-care",
    "es-pies-felices": "post-run-happy-feet",
    "de-fuesse-und-sprunggelenke": "pre-run-foot-and-ankle-mobility",
    "fr-salutations-au-soleil": "post-run-sun-salutes-for-feet",
}

COMMON = {
    # words every text of some length in the language has
    "en": {"the", "your", "with", "and", "you"},
    "es": {"los", "las", "con", "hacia", "del", "tu", "y"},
    "de": {"und", "mit", "dich", "die", "der", "den"},
    "fr": {"les", "avec", "et", "tes", "des", "vers"},
}
NOT_IN = {
    # words of one language that never appear in a routine written in another (not shared, not short)
    "en": {"the", "your", "with", "and", "you", "then", "hold"},
    "es": {"los", "las", "con", "hacia", "del", "tus", "pies"},
    "de": {"und", "mit", "dich", "nicht", "auf", "deine", "bleibt"},
    "fr": {"avec", "vers", "et", "tes", "sur", "genoux", "toi"},
}
SIDE_LABELS = {
    "en": {"side", "foot", "leg", "hand"},
    "es": {"lado", "pie", "pierna", "mano"},
    "de": {"seite", "fuß", "bein", "hand"},  # lowered by the loader, like every side_label
    "fr": {"côté", "pied", "jambe", "main"},
}


def loaded(stem: str) -> Routine:
    return load_routine(builtin_routines_dir() / f"{stem}.yaml").routine


def spoken_text(routine: Routine) -> str:
    """The routine's own words a runner hears or reads, but not its credits (names of people and
    publications keep their language): title, description, names, instructions, poses, equipment."""
    parts = [routine.title, routine.description or "", *routine.equipment]
    for exercise in routine.exercises:
        parts += [exercise.name, *exercise.instructions, *exercise.equipment]
        for variation in exercise.variations or ():
            parts += [variation.name, *variation.instructions]
        parts += [step.pose for step in exercise.flow or ()]
    return "\n".join(parts)


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.lower()))


def test_every_routine_is_checked_and_every_translation_is_there():
    stems = {path.stem for path in ROUTINES}
    assert set(TRANSLATIONS) <= stems and set(TRANSLATIONS.values()) <= stems
    assert {loaded(stem).settings.lang for stem in TRANSLATIONS} == {"es", "de", "fr"}


@pytest.mark.parametrize("path", ROUTINES, ids=[p.stem for p in ROUTINES])
def test_every_routine_says_its_language_and_is_written_in_it(path):
    routine = load_routine(path).routine
    lang = routine.settings.lang
    prefix = re.match(r"([a-z]{2})-", path.stem)
    if prefix and prefix.group(1) in COMMON:  # es-…, de-…, fr-…: the file's name groups it by language
        assert lang == prefix.group(1) and "lang" in routine.settings.model_fields_set
    else:
        assert lang == "en"
    said = words(spoken_text(routine))
    assert len(said & COMMON[lang]) >= 3, f"few {lang} words in {path.name}: {sorted(said & COMMON[lang])}"
    for other, foreign in NOT_IN.items():
        if other != lang:
            assert not said & foreign, f"{path.name} ({lang}) has {other} words: {sorted(said & foreign)}"
    for exercise in routine.exercises:
        if exercise.sides:
            assert exercise.side_label in SIDE_LABELS[lang] - ({"side"} if lang != "en" else set())


def dose(exercise: Exercise) -> dict[str, object]:
    """Everything about an exercise that sets its timing and shape, none of its words."""
    return {
        "kind": dose_of(exercise).name,
        "hold": (exercise.hold.seconds, exercise.hold.breaths) if exercise.hold else None,
        **{key: getattr(exercise, key) for key in ("relax", "work", "reps", "rep_time", "lower", "window",
                                                    "rounds", "sides", "sets", "set_rest", "rest_after")},
        "flow": [(step.breath, step.breaths) for step in exercise.flow or ()],
        "variations": [len(v.instructions) for v in exercise.variations or ()],
        "instructions": len(exercise.instructions),
        "equipment": len(exercise.equipment),
        "dose_range": exercise.dose_range is not None,
    }


@pytest.mark.parametrize(("stem", "original"), TRANSLATIONS.items())
def test_a_translation_has_its_originals_exercises_doses_sides_and_sets(stem, original):
    translated, english = loaded(stem), loaded(original)
    assert translated.when == english.when
    assert translated.settings.model_dump(exclude={"lang"}) == english.settings.model_dump(exclude={"lang"})
    assert len(translated.equipment) == len(english.equipment)
    assert len(translated.exercises) == len(english.exercises)
    for mine, theirs in zip(translated.exercises, english.exercises, strict=True):
        assert dose(mine) == dose(theirs), f"{stem}: {mine.name} is not {theirs.name}"
        assert (mine.side_label == "side") == (theirs.side_label == "side")
        assert mine.note or not theirs.note, f"{stem}: {mine.name} lost the note on its dose"
    assert len(translated.notes) == len(english.notes)


@pytest.mark.parametrize(("stem", "original"), TRANSLATIONS.items())
def test_a_translation_keeps_its_sources_credits(stem, original):
    source, english = loaded(stem).source, loaded(original).source
    assert source is not None and english is not None and source.link == english.link
    if original == "example-calf-care":  # the project's own example: its credits are words, translated
        assert "audioroutine" in source.publication and "audioroutine" in source.author
    else:  # an article's publication and author: names, kept as written
        assert (source.publication, source.author) == (english.publication, english.author)
    assert f"{original}.yaml" in source.note, "the note names the adaptation this translates"


def timed(path: Path, cache: Path) -> list[str]:
    """``show --lang en``'s cues: each as shown (kind, and length or counted word), but speech and
    poses (the routine's own words) by their kind only; the header and the estimated times left out."""
    result = CliRunner().invoke(app, ["show", str(path), "--lang", "en", "--engine", "piper", "--cache-dir",
                                      str(cache)])
    assert result.exit_code == 0, result.output
    cues = [line.split(None, 2)[1:] for line in result.stdout.splitlines() if re.match(r"\d\d:\d\d", line)]
    return [cue[0] if cue[0] in ("speech", "pose") else " ".join(cue) for cue in cues]


@pytest.mark.parametrize(("stem", "original"), TRANSLATIONS.items())
def test_a_translation_times_out_like_its_original(stem, original, tmp_path):
    """Over the English templates, the same holds, rests, counts and reps, in the same order, and as
    many spoken cues: only what is said in the routine's own words may differ in length."""
    folder = builtin_routines_dir()
    assert timed(folder / f"{stem}.yaml", tmp_path) == timed(folder / f"{original}.yaml", tmp_path)


def test_validate_passes_every_translation_with_templates_for_its_language(tmp_path):
    """``validate`` checks a routine's cue templates too: with the English ones standing in for
    es, de and fr (in a ``--templates`` folder), every translated file is valid as it is."""
    for lang in ("es", "de", "fr"):
        shutil.copytree(builtin_templates_dir() / "en", tmp_path / lang)
    files = [str(builtin_routines_dir() / f"{stem}.yaml") for stem in TRANSLATIONS]
    result = CliRunner().invoke(app, ["validate", "--templates", str(tmp_path), *files])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("ok  ") == len(TRANSLATIONS)


@pytest.mark.parametrize(("name", "slug"), [
    ("Fußrollen", "fussrollen"), ("Étirement des mollets", "etirement-des-mollets"), ("Œil de bœuf", "oeil-de-boeuf"),
    ("Postura del niño", "postura-del-nino"), ("Child's pose", "childs-pose"), ("Skøyter", "skoyter"),
])
def test_ids_and_file_names_spell_letters_as_their_language_does_in_ascii(name, slug):
    """An exercise's id and a routine's file name come from its name: ß is ss, not dropped."""
    from audioroutine.model import slugify

    assert slugify(name) == slug
