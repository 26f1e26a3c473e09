"""Everything around the audio speaks the routine's language (issue 12, item 4): the printed script,
the share page and the feed, the cover, the tags. Real builds with the offline voice, read back
as a user finds them (files, the page's text, mutagen's tags).

The cue templates and labels are the built-in ones; each routine is spoken by its language's
offline voice (``--engine offline``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from typer.testing import CliRunner

from audioroutine import BuildOptions, build
from audioroutine.cli import app
from audioroutine.cover import _font, drawable
from audioroutine.labels import LABELS_FILE, _parse, labels_for
from audioroutine.sharepage import Page, SharedRoutine, write_folder
from audioroutine.templates import builtin_templates_dir
from audiotools import decode, sheet

LANGS = ("es", "de", "fr")
BUILTIN = builtin_templates_dir()

ROUTINE = """\
title: "{title}"
when: post-run
equipment: [{thing}]
source: {{author: "Ana Pérez", publication: "Club", link: "https://example.org/calf"}}
settings: {{lang: {lang}, countdown: 2, callouts: false}}
exercises:
  - name: "{name}"
    hold: 3s
"""
ROUTINES = {
    "en": ("Calf care en", "wall", "Calf stretch"),
    "es": ("Cuidado de los gemelos", "pared", "Estiramiento de gemelos"),
    "de": ("Wadenpflege", "Wand", "Wadendehnung"),
    "fr": ("Soin des mollets", "mur", "Étirement des mollets"),
}

# What each output says in each language, and the English it must no longer say.
EXPECTED = {
    "es": {
        "txt": ["Fuente:    Ana Pérez, Club", "Enlace:", "Cuándo:    después de correr", "Duración:",
                "Material:  pared", "Voz:", "Duración total: 00:"],
        "html": ['<html lang="es">', ">Material<", ">Fuente<", "1 ejercicio<", "1 rutina ·", " en total<",
                 "Descargar todo · zip, ", ",", 'label="Subtítulos"', "Pulsa reproducir", ">Ejercicios<",
                 "Descargar MP3 · ", ">Guion<", "Hecho con audioroutine", ">después de correr<"],
        "feed": ["<language>es</language>", "Material: pared", "Fuente: Ana Pérez", 'language="es" rel="captions"'],
        "comment": ["Hecho con audioroutine", "Voz: nanotts", "idioma es", "Ajustes:", "Ejercicios:", "Sonoridad:",
                    "ganancia", "Fuente:", "Duración:"],
        "id3": "spa",
    },
    "de": {
        "txt": ["Quelle:     Ana Pérez, Club", "Link:", "Wann:       nach dem Laufen", "Dauer:", "Ausrüstung: Wand",
                "Stimme:", "Gesamtdauer: 00:"],
        "html": ['<html lang="de">', ">Ausrüstung<", ">Quelle<", "1 Übung<", "1 Routine ·", " insgesamt<",
                 "Alles herunterladen · ZIP, ", 'label="Untertitel"', "Drück auf Play", ">Übungen<",
                 "MP3 herunterladen · ", ">Skript<", "Erstellt mit audioroutine", ">nach dem Laufen<"],
        "feed": ["<language>de</language>", "Ausrüstung: Wand", "Quelle: Ana Pérez", 'language="de" rel="captions"'],
        "comment": ["Erstellt mit audioroutine", "Stimme: nanotts", "Sprache de", "Einstellungen:", "Übungen:",
                    "Lautheit:", "Verstärkung", "Quelle:", "Dauer:"],
        "id3": "deu",
    },
    "fr": {
        "txt": ["Source\u00a0:   Ana Pérez, Club", "Lien\u00a0:", "Quand\u00a0:    après la course", "Durée\u00a0:",
                "Matériel\u00a0: mur", "Voix\u00a0:", "Durée totale\u00a0: 00:"],
        "html": ['<html lang="fr">', ">Matériel<", ">Source<", "1 exercice<", "1 routine ·", " au total<",
                 "Tout télécharger · zip, ", "\u00a0Mo", 'label="Sous-titres"', "Appuyez sur lecture",
                 ">Exercices<", "Télécharger le MP3 · ", ">Texte<", "Créé avec audioroutine", ">après la course<"],
        "feed": ["<language>fr</language>", "Matériel\u00a0: mur", "Source\u00a0: Ana Pérez",
                 'language="fr" rel="captions"'],
        "comment": ["Créé avec audioroutine", "Voix\u00a0: nanotts", "langue fr", "Réglages\u00a0:", "Exercices\u00a0:",
                    "Sonie\u00a0:", "(gain", "Source\u00a0:", "Durée\u00a0:"],
        "id3": "fra",
    },
}
ENGLISH = {
    "txt": ["Source:", "Link:", "When:", "Length:", "Equipment:", "Voice:", "Total length:", "post-run"],
    "html": [">Equipment<", ">Source<", "exercise<", "routine ·", " in all<", "Download all", "Podcast feed",
             'label="Captions"', "Press play", ">Exercises<", "Download MP3", ">Script<", "Made with", ">post-run<"],
    "feed": ["Equipment:", "Source:"],
    "comment": ["Made with", "Voice:", ", language", "Settings:", "Exercises:", "Loudness:", "(gain", "Length:"],
}


def write(folder: Path, lang: str, suffix: str = "") -> Path:
    title, thing, name = ROUTINES[lang]
    path = folder / f"{lang}{suffix}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ROUTINE.format(title=title + suffix, thing=thing, name=name, lang=lang), encoding="utf-8")
    return path


def shared(out: Path, templates: Path | None, routines: list[Path], cache: Path) -> list[SharedRoutine]:
    """The routines built together (each language with its own voice), then one page for them all."""
    results = build([str(path) for path in routines], BuildOptions(
        engine="offline", out=out, cache_dir=cache, templates=templates))
    routines_shared = [SharedRoutine.of(r, templates) for r in results]
    write_folder(out, Page("Club", None, None, "https://example.org/club/", templates), routines_shared)
    return routines_shared


@pytest.fixture(scope="module")
def pages(tmp_path_factory, clip_cache):
    """For each language, a share folder of one routine in it."""
    root = tmp_path_factory.mktemp("labels")
    folders = {}
    for lang in LANGS:
        out = root / f"out-{lang}"
        (routine,) = shared(out, None, [write(root / "routines", lang)], clip_cache)
        folders[lang] = (out, routine)
    return folders


@pytest.mark.parametrize("lang", LANGS)
def test_printed_script_page_and_feed_speak_the_routines_language(pages, lang):
    out, routine = pages[lang]
    txt = (out / routine.file("txt")).read_text(encoding="utf-8")
    head = "\n".join(line for line in txt.splitlines() if not re.match(r"\s|\d\d:\d\d  ", line))
    html = ((out / "index.html").read_text(encoding="utf-8"))
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    for kind, text in (("txt", head), ("html", html), ("feed", feed)):
        for said in EXPECTED[lang][kind]:
            assert said in text, (kind, said)
        for english in ENGLISH[kind]:
            if not any(english in said for said in EXPECTED[lang][kind]):  # German says "Link:" too
                assert english not in text, (kind, english)


@pytest.mark.parametrize("lang", LANGS)
def test_tags_say_the_routines_language(pages, lang):
    out, routine = pages[lang]
    tags = ID3(out / routine.file("mp3"))
    code = EXPECTED[lang]["id3"]
    assert str(tags["TLAN"].text[0]) == code
    (comment,) = tags.getall("COMM")
    (lyrics,) = tags.getall("USLT")
    (synced,) = tags.getall("SYLT")
    assert comment.lang == lyrics.lang == synced.lang == code
    for said in EXPECTED[lang]["comment"]:
        assert said in comment.text[0]
    for english in ENGLISH["comment"]:
        if not any(english in said for said in EXPECTED[lang]["comment"]):
            assert english not in comment.text[0]
    chapters = [frame.sub_frames["TIT2"].text[0] for frame in tags.getall("CHAP")]
    assert chapters == [ROUTINES[lang][2]]
    # The MP3 is whole: as long as its cue sheet says.
    cue_sheet = sheet(routine.build.cue_sheet)
    assert cue_sheet["lang"] == lang and decode(out / routine.file("mp3")).size == cue_sheet["samples"]


def test_captions_and_chapters_hold_no_label(pages):
    out, routine = pages["es"]
    vtt = (out / routine.file("vtt")).read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n1\n")
    chapters = (out / routine.file("chapters")).read_text(encoding="utf-8")
    assert '"title": "Estiramiento de gemelos"' in chapters


def test_a_page_of_several_languages_is_in_the_one_most_share(tmp_path, clip_cache):
    out = tmp_path / "out"
    paths = [write(tmp_path / "routines", "en"), write(tmp_path / "routines", "es"),
             write(tmp_path / "routines", "es", " dos")]
    shared(out, None, paths, clip_cache)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in html and "3 rutinas · " in html and "Hecho con audioroutine" in html
    blocks = re.findall(r"<article (.*?)</article>", html, flags=re.S)
    english = next(block for block in blocks if 'id="en"' in block)
    spanish = [block for block in blocks if block is not english]
    assert 'lang="en"' in english and ">Equipment<" in english and "Download MP3" in english
    assert all("lang=" not in block.split(">", 1)[0] and ">Material<" in block for block in spanish)
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "<language>es</language>" in feed
    assert feed.count('language="es" rel="captions"') == 2 and feed.count('language="en" rel="captions"') == 1


# ---------------------------------------------------------------------------- the labels' files


def test_every_language_gives_every_english_label():
    english = labels_for("en").words
    for lang in LANGS:
        path = BUILTIN / lang / LABELS_FILE
        own = _parse(path, path.read_bytes())
        assert set(own) == set(english), lang
        for key, text in own.items():
            assert type(text) is type(english[key]), (lang, key)
            if isinstance(text, str):
                assert re.findall(r"\{\w+\}", text) == re.findall(r"\{\w+\}", english[key]), (lang, key)


@pytest.mark.parametrize(
    ("lang", "count", "said"),
    [("en", 0, "0 exercises"), ("en", 1, "1 exercise"), ("es", 2, "2 ejercicios"), ("de", 1, "1 Übung"),
     ("fr", 0, "0 exercice"), ("fr", 1, "1 exercice"), ("fr", 2, "2 exercices"), ("es-MX", 1, "1 ejercicio")],
)
def test_plurals(lang, count, said):
    assert labels_for(lang).count("exercises", count) == said


def test_a_users_labels_override_some_words_and_fall_back_for_the_rest(tmp_path):
    (tmp_path / "es-MX").mkdir()
    (tmp_path / "es-MX" / LABELS_FILE).write_text("equipment: Equipo\n", encoding="utf-8")
    (tmp_path / "xq").mkdir()
    (tmp_path / "xq" / LABELS_FILE).write_text("", encoding="utf-8")
    mexican = labels_for("es-MX", tmp_path)
    assert mexican["equipment"] == "Equipo" and mexican["source"] == "Fuente" and mexican.digest
    assert labels_for("xq", tmp_path)["equipment"] == "Equipment"  # a language with no labels of its own
    assert labels_for("es")["equipment"] == "Material" and labels_for("es").digest == ""


def test_a_broken_labels_file_is_an_input_error_at_its_line(tmp_path, write_routine):
    user = tmp_path / "templates"
    (user / "es").mkdir(parents=True)
    (user / "es" / LABELS_FILE).write_text("source: Origen\nexercises: [1, 2]\n", encoding="utf-8")
    routine = write(tmp_path / "routines", "es")
    result = CliRunner().invoke(app, ["build", str(routine), "--engine", "offline", "--templates", str(user),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{user / 'es' / LABELS_FILE}:2: the label 'exercises' must be a text" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.mp3"))


# ---------------------------------------------------------------------------- the cover


COVER_TITLE = "Cuidado de los gemelos: ¡ánimo! Wadenübung Straße Œuvre «ça»"


def test_the_cover_keeps_every_letter_of_the_title():
    assert drawable(COVER_TITLE) == COVER_TITLE
    font = _font(120)
    for accented, plain in (("é", "e"), ("ñ", "n"), ("ü", "u"), ("á", "a"), ("ç", "c"), ("Œ", "O"), ("ß", "s"),
                            ("«", "<"), ("¡", "!")):
        drawn = font.getmask(accented)
        assert (drawn.size, bytes(drawn)) != (font.getmask(plain).size, bytes(font.getmask(plain))), accented
        missing = font.getmask("\ue000")
        assert (drawn.size, bytes(drawn)) != (missing.size, bytes(missing)), accented
