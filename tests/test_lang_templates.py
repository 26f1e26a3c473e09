"""The cue templates in Spanish, German and French: what a runner hears, typed by hand as a native
coach says it, rendered with the values the script writer passes (model objects, as ``script.py``
and ``doses.py`` call the templates)."""

import re
import subprocess
import sys

import pytest

from audioroutine import load_routine
from audioroutine.model import Exercise, Routine
from audioroutine.script import render_script
from audioroutine.templates import CUE_TEMPLATES, CueTemplates

LANGS = ("es", "de", "fr")


@pytest.fixture(scope="module", params=LANGS)
def lang(request):
    return request.param


@pytest.fixture(scope="module")
def cues():
    return {lang: CueTemplates(lang) for lang in LANGS}


def said(cues, lang, name, **context):
    return cues[lang].render(name, **context)


# ------------------------------------------------------------------------------------ durations

SECONDS = (1, 2, 2.5, 21, 30, 45, 60, 61, 90, 120, 150, 200, 3600, 3661, 0.5, 1.5, 100, 5400)
DURATIONS = {
    "es": ("un segundo", "dos segundos", "dos segundos y medio", "veintiún segundos", "treinta segundos",
           "cuarenta y cinco segundos", "un minuto", "sesenta y un segundos", "un minuto y medio", "dos minutos",
           "dos minutos y medio", "tres minutos y veinte segundos", "una hora", "una hora, un minuto y un segundo",
           "medio segundo", "un segundo y medio", "un minuto y cuarenta segundos", "una hora y media"),
    "de": ("eine Sekunde", "zwei Sekunden", "zweieinhalb Sekunden", "einundzwanzig Sekunden", "dreißig Sekunden",
           "fünfundvierzig Sekunden", "eine Minute", "einundsechzig Sekunden", "anderthalb Minuten", "zwei Minuten",
           "zweieinhalb Minuten", "drei Minuten und zwanzig Sekunden", "eine Stunde",
           "eine Stunde, eine Minute und eine Sekunde", "eine halbe Sekunde", "anderthalb Sekunden",
           "eine Minute und vierzig Sekunden", "anderthalb Stunden"),
    "fr": ("une seconde", "deux secondes", "deux secondes et demie", "vingt et une secondes", "trente secondes",
           "quarante-cinq secondes", "une minute", "soixante et une secondes", "une minute et demie",
           "deux minutes", "deux minutes et demie", "trois minutes et vingt secondes", "une heure",
           "une heure, une minute et une seconde", "une demi-seconde", "une seconde et demie",
           "une minute et quarante secondes", "une heure et demie"),
}
REST_SAID = {"es": "Descansa {}.", "de": "{} Pause.", "fr": "Repos, {}."}
LEFT_SAID = {"de": "Noch {}.", "fr": "Encore {}."}


def _capital(text):
    return text[:1].upper() + text[1:]


@pytest.mark.parametrize("index", range(len(SECONDS)), ids=[f"{s:g}s" for s in SECONDS])
def test_durations(cues, lang, index):
    seconds, duration = SECONDS[index], DURATIONS[lang][index]
    rest = REST_SAID[lang].format(_capital(duration) if lang == "de" else duration)
    assert said(cues, lang, "set_rest", seconds=seconds, after="hold") == rest
    if lang in LEFT_SAID:
        assert said(cues, lang, "time_left", seconds=seconds) == LEFT_SAID[lang].format(duration)


@pytest.mark.parametrize(
    ("seconds", "spoken"),
    [
        (1, "Queda un segundo."), (15, "Quedan quince segundos."), (21, "Quedan veintiún segundos."),
        (60, "Queda un minuto."), (90, "Queda un minuto y medio."), (120, "Quedan dos minutos."),
        (3600, "Queda una hora."), (5400, "Queda una hora y media."),
        (3661, "Quedan una hora, un minuto y un segundo."), (0.5, "Queda medio segundo."),
    ],
)
def test_spanish_time_left_agrees_with_what_is_left(cues, seconds, spoken):
    assert said(cues, "es", "time_left", seconds=seconds) == spoken


HOLDS = {
    "es": {1: "Aguanta una respiración.", 2: "Aguanta dos respiraciones.", 21: "Aguanta veintiuna respiraciones.",
           "30s": "Aguanta treinta segundos.", "brief": "Aguanta."},
    "de": {1: "Halte einen Atemzug lang.", 2: "Halte zwei Atemzüge lang.", 21: "Halte einundzwanzig Atemzüge lang.",
           "30s": "Halte dreißig Sekunden lang.", "brief": "Halten."},
    "fr": {1: "Tiens une respiration.", 2: "Tiens deux respirations.", 21: "Tiens vingt et une respirations.",
           "30s": "Tiens trente secondes.", "brief": "Tiens."},
}


@pytest.mark.parametrize("hold", [1, 2, 21, "30s", "brief"])
def test_holds_in_breaths_and_seconds(cues, lang, hold):
    exercise = Exercise(name="X", hold=f"{hold} breaths" if isinstance(hold, int) else "30s")
    text = said(cues, lang, "hold", hold=exercise.hold, exercise=exercise, brief=hold == "brief", chimes=False)
    assert text == HOLDS[lang][hold]


# ------------------------------------------------------------------------------------ sides

SIDES = {  # label: (right first, then the switch to the left)
    "es": {
        "lado": ("Primero, el lado derecho.", "Cambia al lado izquierdo."),
        "side": ("Primero, el lado derecho.", "Cambia al lado izquierdo."),
        "pie": ("Primero, el pie derecho.", "Cambia al pie izquierdo."),
        "foot": ("Primero, el pie derecho.", "Cambia al pie izquierdo."),
        "pierna": ("Primero, la pierna derecha.", "Cambia a la pierna izquierda."),
        "leg": ("Primero, la pierna derecha.", "Cambia a la pierna izquierda."),
        "mano": ("Primero, la mano derecha.", "Cambia a la mano izquierda."),
        "hand": ("Primero, la mano derecha.", "Cambia a la mano izquierda."),
        "brazo": ("Primero, el brazo derecho.", "Cambia al brazo izquierdo."),
        "rodilla": ("Primero, la rodilla derecha.", "Cambia a la rodilla izquierda."),
        "tobillo": ("Primero, el tobillo derecho.", "Cambia al tobillo izquierdo."),
        "cadera": ("Primero, la cadera derecha.", "Cambia a la cadera izquierda."),
        "dedo gordo": ("Empieza por la derecha.", "Cambia a la izquierda."),
    },
    "de": {
        "Seite": ("Zuerst die rechte Seite.", "Wechsel zur linken Seite."),
        "side": ("Zuerst die rechte Seite.", "Wechsel zur linken Seite."),
        "Fuß": ("Zuerst der rechte Fuß.", "Wechsel zum linken Fuß."),
        "Fuss": ("Zuerst der rechte Fuß.", "Wechsel zum linken Fuß."),
        "foot": ("Zuerst der rechte Fuß.", "Wechsel zum linken Fuß."),
        "Bein": ("Zuerst das rechte Bein.", "Wechsel zum linken Bein."),
        "leg": ("Zuerst das rechte Bein.", "Wechsel zum linken Bein."),
        "Hand": ("Zuerst die rechte Hand.", "Wechsel zur linken Hand."),
        "Arm": ("Zuerst der rechte Arm.", "Wechsel zum linken Arm."),
        "Knie": ("Zuerst das rechte Knie.", "Wechsel zum linken Knie."),
        "Knöchel": ("Zuerst der rechte Knöchel.", "Wechsel zum linken Knöchel."),
        "Hüfte": ("Zuerst die rechte Hüfte.", "Wechsel zur linken Hüfte."),
        "Zeh": ("Zuerst rechts.", "Wechsel nach links."),
    },
    "fr": {
        "côté": ("D'abord le côté droit.", "Passe au côté gauche."),
        "side": ("D'abord le côté droit.", "Passe au côté gauche."),
        "pied": ("D'abord le pied droit.", "Passe au pied gauche."),
        "foot": ("D'abord le pied droit.", "Passe au pied gauche."),
        "jambe": ("D'abord la jambe droite.", "Passe à la jambe gauche."),
        "leg": ("D'abord la jambe droite.", "Passe à la jambe gauche."),
        "main": ("D'abord la main droite.", "Passe à la main gauche."),
        "hand": ("D'abord la main droite.", "Passe à la main gauche."),
        "bras": ("D'abord le bras droit.", "Passe au bras gauche."),
        "genou": ("D'abord le genou droit.", "Passe au genou gauche."),
        "cheville": ("D'abord la cheville droite.", "Passe à la cheville gauche."),
        "hanche": ("D'abord la hanche droite.", "Passe à la hanche gauche."),
        "orteil": ("D'abord à droite.", "Passe à gauche."),
    },
}


@pytest.mark.parametrize(("lang_", "label"), [(lang, label) for lang in LANGS for label in SIDES[lang]])
def test_sides_agree_with_the_label(cues, lang_, label):
    exercise = Exercise(name="X", hold="30s", sides=["right", "left"], side_label=label)
    first = said(cues, lang_, "side", side="right", label=exercise.side_label, first=True)
    switch = said(cues, lang_, "side", side="left", label=exercise.side_label, first=False)
    assert (first, switch) == SIDES[lang_][label]


@pytest.mark.parametrize(
    ("lang_", "label", "first", "switch"),
    [
        ("es", "pierna", "Primero, la pierna izquierda.", "Cambia a la pierna derecha."),
        ("es", "pie", "Primero, el pie izquierdo.", "Cambia al pie derecho."),
        ("de", "Seite", "Zuerst die linke Seite.", "Wechsel zur rechten Seite."),
        ("de", "Bein", "Zuerst das linke Bein.", "Wechsel zum rechten Bein."),
        ("fr", "jambe", "D'abord la jambe gauche.", "Passe à la jambe droite."),
        ("fr", "pied", "D'abord le pied gauche.", "Passe au pied droit."),
        ("fr", "orteil", "D'abord à gauche.", "Passe à droite."),
    ],
)
def test_left_side_first(cues, lang_, label, first, switch):
    exercise = Exercise(name="X", hold="30s", sides=["left", "right"], side_label=label)
    assert said(cues, lang_, "side", side="left", label=exercise.side_label, first=True) == first
    assert said(cues, lang_, "side", side="right", label=exercise.side_label, first=False) == switch


# ------------------------------------------------------------------------------------ reps, sets, rounds

REPS = {  # (reps, lower, chimes) -> opening of counted reps
    "es": {
        (1, False, False): "Una repetición. Yo cuento.",
        (10, False, False): "Diez repeticiones. Yo cuento.",
        (21, False, False): "Veintiuna repeticiones. Yo cuento.",
        (1, True, False): "Una repetición: sube con la cuenta y baja despacio. Yo cuento.",
        (10, True, False): "Diez repeticiones: sube con la cuenta y baja despacio. Yo cuento.",
        (21, True, False): "Veintiuna repeticiones: sube con la cuenta y baja despacio. Yo cuento.",
        (10, False, True): "Diez repeticiones. Sigue los tics.",
        (10, True, True): "Diez repeticiones: sube con el tic y baja despacio con el tac. Sigue los tics.",
    },
    "de": {
        (1, False, False): "Eine Wiederholung. Ich zähle.",
        (10, False, False): "Zehn Wiederholungen. Ich zähle.",
        (21, False, False): "Einundzwanzig Wiederholungen. Ich zähle.",
        (1, True, False): "Eine Wiederholung: hoch beim Zählen, langsam wieder absenken. Ich zähle.",
        (10, True, False): "Zehn Wiederholungen: hoch beim Zählen, langsam wieder absenken. Ich zähle.",
        (21, True, False): "Einundzwanzig Wiederholungen: hoch beim Zählen, langsam wieder absenken. Ich zähle.",
        (10, False, True): "Zehn Wiederholungen. Folge dem Ticken.",
        (10, True, True): "Zehn Wiederholungen: hoch beim Tick, langsam absenken beim Tack. Folge dem Ticken.",
    },
    "fr": {
        (1, False, False): "Une répétition. Je compte.",
        (10, False, False): "Dix répétitions. Je compte.",
        (21, False, False): "Vingt et une répétitions. Je compte.",
        (1, True, False): "Une répétition: monte quand je compte, puis redescends lentement. Je compte.",
        (10, True, False): "Dix répétitions: monte quand je compte, puis redescends lentement. Je compte.",
        (21, True, False): "Vingt et une répétitions: monte quand je compte, puis redescends lentement. Je compte.",
        (10, False, True): "Dix répétitions. Suis les tics.",
        (10, True, True): "Dix répétitions: monte sur le tic, redescends lentement sur le tac. Suis les tics.",
    },
}


@pytest.mark.parametrize("case", list(REPS["es"]), ids=lambda c: f"{c[0]}-lower{c[1]}-chimes{c[2]}")
def test_counted_reps(cues, lang, case):
    reps, lower, chimes = case
    exercise = Exercise(name="X", reps=reps, rep_time="2s", lower="3s" if lower else None)
    text = said(cues, lang, "reps_counted", reps=exercise.reps, lower=exercise.lower, exercise=exercise,
                brief=False, chimes=chimes)
    assert text == REPS[lang][case]
    assert said(cues, lang, "reps_counted", reps=reps, lower=exercise.lower, exercise=exercise, brief=True) == ""


OWN_PACE = {
    "es": ("Una repetición a tu ritmo. Tienes tres segundos.",
           "Diez repeticiones a tu ritmo. Tienes cuarenta segundos.",
           "Veintiuna repeticiones a tu ritmo. Tienes sesenta y tres segundos.", "Vamos."),
    "de": ("Eine Wiederholung in deinem Tempo. Du hast drei Sekunden.",
           "Zehn Wiederholungen in deinem Tempo. Du hast vierzig Sekunden.",
           "Einundzwanzig Wiederholungen in deinem Tempo. Du hast dreiundsechzig Sekunden.", "Los."),
    "fr": ("Une répétition à ton rythme. Tu as trois secondes.",
           "Dix répétitions à ton rythme. Tu as quarante secondes.",
           "Vingt et une répétitions à ton rythme. Tu as soixante-trois secondes.", "Vas-y."),
}


def test_reps_at_your_own_pace(cues, lang):
    texts = [said(cues, lang, "reps_own_pace", reps=r, window=w, exercise=None)
             for r, w in ((1, 3), (10, 40), (21, 63))]
    texts.append(said(cues, lang, "reps_own_pace", reps=10, window=40, exercise=None, brief=True))
    assert tuple(texts) == OWN_PACE[lang]


COUNTS = {  # rep 1, rep 21, "lower", reps_end (rest 20 s, last, else), count 1, 2, 3
    "es": ("uno", "veintiuno", "baja despacio", "Y descansa veinte segundos.", "Y descansa.", "Bien.", "uno dos tres"),
    "de": ("eins", "einundzwanzig", "langsam absenken", "Und zwanzig Sekunden Pause.", "Und Pause.", "Gut.",
           "eins zwei drei"),
    "fr": ("un", "vingt et un", "redescends lentement", "Et repos, vingt secondes.", "Et repos.", "Bien.",
           "un deux trois"),
}


def test_counts_and_the_end_of_reps(cues, lang):
    texts = (
        said(cues, lang, "rep", number=1, reps=21), said(cues, lang, "rep", number=21, reps=21),
        said(cues, lang, "lower"), said(cues, lang, "reps_end", last=False, rest=20.0),
        said(cues, lang, "reps_end", last=True, rest=0.0), said(cues, lang, "reps_end", last=False, rest=0.0),
        " ".join(said(cues, lang, "count", number=n) for n in (1, 2, 3)),
    )
    assert texts == COUNTS[lang]


SETS_AND_ROUNDS = {
    "es": ("Serie dos de tres.", "Última serie.", "Ronda uno.", "Ronda dos.", "Última ronda."),
    "de": ("Satz zwei von drei.", "Letzter Satz.", "Runde eins.", "Runde zwei.", "Letzte Runde."),
    "fr": ("Série deux sur trois.", "Dernière série.", "Premier tour.", "Deuxième tour.", "Dernier tour."),
}


def test_sets_and_rounds(cues, lang):
    texts = (said(cues, lang, "set", number=2, sets=3), said(cues, lang, "set", number=3, sets=3),
             *(said(cues, lang, "flow_round", number=n, rounds=3) for n in (1, 2, 3)))
    assert texts == SETS_AND_ROUNDS[lang]


# ------------------------------------------------------------------------------------ intro

TITLES = {"es": "Pies felices", "de": "Glückliche Füße", "fr": "Pieds heureux"}
CREDITS = {  # author and publication, only publication, only author
    "es": ("Adaptado de Sam Rivera, en Trail Notes.", "Adaptado de Trail Notes.", "Una rutina de Coach Alex."),
    "de": ("Nach Sam Rivera, aus Trail Notes.", "Nach Trail Notes.", "Von Coach Alex."),
    "fr": ("D'après Sam Rivera, dans Trail Notes.", "D'après Trail Notes.", "Par Coach Alex."),
}
SOURCES = ({"author": "Sam Rivera", "publication": "Trail Notes"}, {"publication": "Trail Notes"},
           {"author": "Coach Alex"})
SIZES = {  # (exercises, seconds): how many and how long
    "es": {(1, 29): "Un ejercicio, menos de un minuto.", (1, 60): "Un ejercicio, alrededor de un minuto.",
           (3, 480): "Tres ejercicios, unos ocho minutos.",
           (21, 1260): "Veintiún ejercicios, unos veintiún minutos."},
    "de": {(1, 29): "Eine Übung, weniger als eine Minute.", (1, 60): "Eine Übung, etwa eine Minute.",
           (3, 480): "Drei Übungen, etwa acht Minuten.",
           (21, 1260): "Einundzwanzig Übungen, etwa einundzwanzig Minuten."},
    "fr": {(1, 29): "Un exercice, moins d'une minute.", (1, 60): "Un exercice, environ une minute.",
           (3, 480): "Trois exercices, environ huit minutes.",
           (21, 1260): "Vingt et un exercices, environ vingt et une minutes."},
}
EQUIPMENT = {
    "es": (["correa"], ["correa", "pared"], ["pelota de tenis", "bloque de yoga", "toalla"]),
    "de": (["Gurt"], ["Gurt", "Wand"], ["Tennisball", "Yogablock", "Handtuch"]),
    "fr": (["sangle"], ["sangle", "mur"], ["balle de tennis", "bloc de yoga", "serviette"]),
}
NEED = {"es": "Material: {}.", "de": "Du brauchst: {}.", "fr": "Matériel: {}."}
BEGIN = {"es": "Empezamos.", "de": "Los geht's.", "fr": "C'est parti."}


def _intro(cues, lang, count=1, seconds=480, source=None, equipment=()):
    exercises = [{"name": f"E{n}", "hold": "30s"} for n in range(count)]
    routine = Routine.model_validate({"title": TITLES[lang], "exercises": exercises, "source": source,
                                      "equipment": list(equipment), "settings": {"lang": lang}})
    return said(cues, lang, "intro", routine=routine, exercises=routine.exercises,
                equipment=list(routine.equipment), total_seconds=seconds)


@pytest.mark.parametrize("which", range(3), ids=["author-and-publication", "publication", "author"])
def test_intro_credits_the_source(cues, lang, which):
    size = SIZES[lang][(3, 480)]
    expected = f"{TITLES[lang]}. {CREDITS[lang][which]} {size} {BEGIN[lang]}"
    assert _intro(cues, lang, count=3, source=SOURCES[which]) == expected


@pytest.mark.parametrize("size", [(1, 29), (1, 60), (3, 480), (21, 1260)], ids=str)
def test_intro_says_how_many_and_how_long(cues, lang, size):
    assert _intro(cues, lang, *size) == f"{TITLES[lang]}. {SIZES[lang][size]} {BEGIN[lang]}"


@pytest.mark.parametrize("which", range(3), ids=["one", "two", "three"])
def test_intro_lists_the_equipment_without_articles(cues, lang, which):
    items = EQUIPMENT[lang][which]
    need = NEED[lang].format(", ".join(items))
    text = _intro(cues, lang, count=3, equipment=items)
    assert text == f"{TITLES[lang]}. {SIZES[lang][(3, 480)]} {need} {BEGIN[lang]}"


# ------------------------------------------------------------------------------------ the other cues

NAMES = {"es": "Elevación de talones", "de": "Fersenheben", "fr": "Montées sur les talons"}
GEAR = {"es": "escalón", "de": "Stufe", "fr": "marche"}
NEXT = {  # rest 15 s then next; after reps (the rest was said); before relaxation
    "es": ("Descansa quince segundos. Siguiente: {name}. Material: {gear}.", "Siguiente: {name}. Material: {gear}.",
           "Siguiente: {name}. Tómate tu tiempo para acomodarte."),
    "de": ("Fünfzehn Sekunden Pause. Als Nächstes: {name}. Du brauchst: {gear}.",
           "Als Nächstes: {name}. Du brauchst: {gear}.",
           "Als Nächstes: {name}. Nimm dir Zeit und mach es dir bequem."),
    "fr": ("Repos, quinze secondes. Ensuite: {name}. Matériel: {gear}.", "Ensuite: {name}. Matériel: {gear}.",
           "Ensuite: {name}. Prends le temps de bien t'installer."),
}


def test_next_and_rests(cues, lang):
    with_gear = Exercise(name=NAMES[lang], reps=10, equipment=[GEAR[lang]])
    still = Exercise(name=NAMES[lang], relax="2m")
    texts = (said(cues, lang, "next", exercise=with_gear, seconds=15.0, relax=False, after="hold"),
             said(cues, lang, "next", exercise=with_gear, seconds=15.0, relax=False, after="reps"),
             said(cues, lang, "next", exercise=still, seconds=15.0, relax=True, after="hold"))
    assert texts == tuple(t.format(name=NAMES[lang], gear=GEAR[lang]) for t in NEXT[lang])
    assert said(cues, lang, "set_rest", seconds=20.0, after="reps") == ""


RELAX = {  # no instructions, with instructions, the return, the end of the routine
    "es": ("Túmbate y relájate durante dos minutos.", "Quédate así dos minutos. Suelta todo.",
           "Vuelve poco a poco. Mueve los dedos de las manos y de los pies, y respira hondo.",
           "Aquí termina Pies felices. ¡Buen trabajo!"),
    "de": ("Lieg still und lass los, zwei Minuten lang.", "Bleib zwei Minuten lang so. Lass los.",
           "Komm langsam zurück. Beweg Finger und Zehen und atme einmal tief durch.",
           "Das war Glückliche Füße. Gut gemacht!"),
    "fr": ("Allonge-toi, immobile, et lâche prise pendant deux minutes.", "Reste ainsi deux minutes. Lâche prise.",
           "Reviens doucement. Bouge les doigts et les orteils, et prends une grande inspiration.",
           "Pieds heureux: c'est terminé. Bravo!"),
}


def test_relax_and_outro(cues, lang):
    bare = Exercise(name="R", relax="2m")
    told = Exercise(name="R", relax="2m", instructions=["..."])
    routine = Routine.model_validate({"title": TITLES[lang], "exercises": [{"name": "R", "relax": "2m"}]})
    texts = (said(cues, lang, "relax", seconds=bare.relax, exercise=bare),
             said(cues, lang, "relax", seconds=told.relax, exercise=told),
             said(cues, lang, "relax_end", last=True), said(cues, lang, "outro", routine=routine))
    assert texts == RELAX[lang]


WORK = {  # work 1 min, brief, stop, last stop, release, last release, halfway, breathe in, out
    "es": ("Sigue durante un minuto.", "Vamos.", "Para.", "Y para.", "Suelta.", "Y suelta.", "Vas por la mitad.",
           "inhala", "exhala"),
    "de": ("Mach eine Minute lang weiter.", "Los.", "Stopp.", "Und stopp.", "Lösen.", "Und lösen.", "Halbzeit.",
           "einatmen", "ausatmen"),
    "fr": ("Continue pendant une minute.", "Vas-y.", "Stop.", "Et stop.", "Relâche.", "Et relâche.",
           "Tu es à mi-chemin.", "inspire", "expire"),
}


def test_work_endings_and_short_cues(cues, lang):
    work = Exercise(name="W", work="1m")
    texts = (said(cues, lang, "work", seconds=work.work, exercise=work),
             said(cues, lang, "work", seconds=work.work, exercise=work, brief=True),
             said(cues, lang, "work_end", last=False), said(cues, lang, "work_end", last=True),
             said(cues, lang, "hold_end", last=False), said(cues, lang, "hold_end", last=True),
             said(cues, lang, "halfway"), said(cues, lang, "breathe_in", breath=1),
             said(cues, lang, "breathe_out", breath=1))
    assert texts == WORK[lang]


EXERCISES = {  # first, second of three, last; a variation first, then another (brief)
    "es": ("Primer ejercicio: {n}. {i}", "Ejercicio dos: {n}.", "Último ejercicio: {n}.", "Primero: {v}. {i}",
           "Ahora: {v}."),
    "de": ("Erste Übung: {n}. {i}", "Übung zwei: {n}.", "Letzte Übung: {n}.", "Zuerst: {v}. {i}", "Jetzt: {v}."),
    "fr": ("Premier exercice: {n}. {i}", "Exercice deux: {n}.", "Dernier exercice: {n}.", "D'abord: {v}. {i}",
           "Maintenant: {v}."),
}


def test_exercises_and_variations(cues, lang):
    n, v, i = NAMES[lang], "V", "Uno. Zwei. Trois."
    told = Exercise(name=n, hold="30s", instructions=["Uno.", "Zwei.", "Trois."],
                    variations=[{"name": v, "instructions": ["Uno.", "Zwei.", "Trois."]}, {"name": v}])
    plain = Exercise(name=n, hold="30s")
    texts = (said(cues, lang, "exercise", exercise=told, number=1, count=3),
             said(cues, lang, "exercise", exercise=plain, number=2, count=3),
             said(cues, lang, "exercise", exercise=plain, number=3, count=3),
             said(cues, lang, "variation", variation=told.variations[0], first=True, exercise=told, brief=False),
             said(cues, lang, "variation", variation=told.variations[0], first=False, exercise=told, brief=True))
    assert texts == tuple(t.format(n=n, v=v, i=i) for t in EXERCISES[lang])


FLOWS = {  # (instructions, rounds) -> opening; then a step in full and brief
    "es": {("", 2): "Muévete al ritmo de la respiración, dos rondas. Una postura por respiración.",
           ("Muévete con cada respiración.", 3): "Tres rondas. Una postura por respiración.",
           ("Una postura en cada respiración.", 1): "",
           "step": ("inhala, brazos arriba", "exhala, brazos arriba", "brazos arriba")},
    "de": {("", 2): "Beweg dich mit deinem Atem, zwei Runden. Eine Haltung pro Atemzug.",
           ("Beweg dich mit jedem Atemzug.", 3): "Drei Runden. Eine Haltung pro Atemzug.",
           ("Pro Atemzug eine Haltung.", 1): "",
           "step": ("einatmen, Arme hoch", "ausatmen, Arme hoch", "Arme hoch")},
    "fr": {("", 2): "Bouge au rythme de ta respiration, deux tours. Une posture par respiration.",
           ("Bouge avec chaque respiration.", 3): "Trois tours. Une posture par respiration.",
           ("Une posture à chaque respiration.", 1): "",
           "step": ("inspire, bras en haut", "expire, bras en haut", "bras en haut")},
}
POSE = {"es": "brazos arriba", "de": "Arme hoch", "fr": "bras en haut"}


def test_flows_say_the_pacing_once(cues, lang):
    for key, expected in FLOWS[lang].items():
        if key == "step":
            continue
        told, rounds = key
        exercise = Exercise(name="F", instructions=[told] if told else [], rounds=rounds,
                            flow=[{"breath": "in", "pose": POSE[lang]}, {"breath": "out", "pose": POSE[lang]}])
        assert said(cues, lang, "flow", rounds=rounds, exercise=exercise, brief=False, chimes=False) == expected
    steps = exercise.flow
    texts = (said(cues, lang, "flow_step", step=steps[0], brief=False),
             said(cues, lang, "flow_step", step=steps[1], brief=False),
             said(cues, lang, "flow_step", step=steps[0], brief=True))
    assert texts == FLOWS[lang]["step"]


# ------------------------------------------------------------------------------------ a whole routine

TEXTS = {  # a routine's own words in its language: title, source, names, instructions, poses, equipment
    "es": dict(title="Pies felices", author="Ana Pérez", pub="Revista Trail", gear="pelota de tenis",
               names=["Estiramiento de gemelos", "Postura del niño", "Rodar la pelota", "Elevación de talones",
                      "Puntillas", "Saludo al sol", "Relajación"],
               told="Apoya las manos en la pared.", pose="brazos arriba", fold="flexión", label="pie",
               var=["Talones juntos", "Talones separados"]),
    "de": dict(title="Glückliche Füße", author="Anna Weber", pub="Laufmagazin", gear="Tennisball",
               names=["Wadendehnung", "Kindhaltung", "Ball rollen", "Fersenheben", "Zehenstand", "Sonnengruß",
                      "Entspannung"],
               told="Stütz die Hände an der Wand ab.", pose="Arme hoch", fold="Vorbeuge", label="Fuß",
               var=["Fersen zusammen", "Fersen auseinander"]),
    "fr": dict(title="Pieds heureux", author="Anne Martin", pub="Revue Trail", gear="balle de tennis",
               names=["Étirement du mollet", "Posture de l'enfant", "Rouler la balle", "Montées sur les talons",
                      "Pointes de pieds", "Salutation au soleil", "Relaxation"],
               told="Pose les mains contre le mur.", pose="bras en haut", fold="flexion avant", label="pied",
               var=["Talons joints", "Talons écartés"]),
}
ROUTINE = """\
title: {title}
source: {{author: {author}, publication: {pub}}}
equipment: [{gear}]
settings: {{lang: {lang}, cues: {cues}, breath_cues: true, callout_min_hold: 20s, time_left: 10s, rest: 10s,
            set_rest: 10s, breath: 4s}}
exercises:
  - {{name: {n0}, instructions: [{told}], hold: 40s, sides: [right, left], side_label: {label}, equipment: [{gear}]}}
  - {{name: {n1}, hold: 3 breaths}}
  - {{name: {n2}, work: 30s}}
  - name: {n3}
    reps: 3
    rep_time: 2s
    lower: 2s
    sets: 2
    variations: [{{name: {v0}, instructions: [{told}]}}, {{name: {v1}}}]
  - {{name: {n4}, reps: 3, window: 10s}}
  - name: {n5}
    rounds: 2
    flow: [{{breath: in, pose: {pose}}}, {{breath: out, pose: {fold}}}]
  - {{name: {n6}, relax: 1m}}
"""
ENGLISH_WORDS = """
left right hold holding release second seconds minute minutes hour hours rest breathe breath breaths set sets
round rounds next and of the you your reps rep halfway first last exercise exercises switch lower slowly keep going
well done begin need count pace let lie still come back take deep follow ticks start now good for with go foot side
leg about under one two three four five ten twenty thirty forty fifty
"""
ENGLISH = frozenset(ENGLISH_WORDS.split())
"""English words no cue in another language may say (a French coach says "Stop", so it is not here)."""
ALSO_THEIRS = {"de": {"minute", "still"}, "fr": {"minute", "minutes"}}
"""Words English shares with the language: "eine Minute", "Lieg still", "une minute"."""


class Recording(CueTemplates):
    """The real templates, remembering which cues were rendered."""

    def __init__(self, lang):
        super().__init__(lang)
        self.rendered = set()

    def render(self, name, **context):
        self.rendered.add(name)
        return super().render(name, **context)


def _script(write_routine, lang, cues_setting, templates):
    t = TEXTS[lang]
    names = {f"n{k}": name for k, name in enumerate(t["names"])}
    text = ROUTINE.format(lang=lang, cues=cues_setting, v0=t["var"][0], v1=t["var"][1], **names,
                          **{k: v for k, v in t.items() if k not in ("names", "var")})
    routine = load_routine(write_routine(text, f"{lang}-{cues_setting}.yaml")).routine
    return render_script(routine, templates, total_seconds=600.0)


def test_every_cue_of_a_whole_routine_speaks_the_language(write_routine, lang):
    templates = Recording(lang)
    phrases = []
    for cues_setting in ("full", "brief", "chimes"):
        phrases += _script(write_routine, lang, cues_setting, templates).phrases()
    assert templates.rendered == set(CUE_TEMPLATES)
    t = TEXTS[lang]
    own = [t["title"], t["author"], t["pub"], t["gear"], t["told"], t["pose"], t["fold"], *t["names"], *t["var"]]
    leaks = {}
    for phrase in phrases:
        for words in own:
            phrase = phrase.replace(words, "")
        found = set(re.findall(r"[a-z]+", phrase.lower())) & ENGLISH - ALSO_THEIRS.get(lang, set())
        if found:
            leaks[phrase] = found
    assert not leaks, leaks


# ------------------------------------------------------------------------------------ the command line

SMALL = """\
title: {title}
settings: {{lang: {lang}}}
exercises:
  - {{name: X, hold: 21s, sides: [right, left], side_label: {label}}}
  - {{name: Y, hold: 1 breaths}}
"""


def _show(path, *args):
    done = subprocess.run([sys.executable, "-m", "audioroutine", "show", str(path), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return [line.split(None, 2)[2] for line in done.stdout.splitlines() if re.match(r"\d\d:\d\d~? +speech ", line)]


@pytest.mark.parametrize(("regional", "base"), [("es-MX", "es"), ("fr-CA", "fr"), ("de-AT", "de")])
def test_show_in_a_regional_language_uses_the_base_templates(write_routine, regional, base):
    t = TEXTS[base]
    path = write_routine(SMALL.format(title=t["title"], lang=base, label=t["label"]))
    own = _show(path)
    assert _show(path, "--lang", regional) == own
    assert own[1:4] == {
        "es": ["Primer ejercicio: X.", "Primero, el pie derecho.", "Aguanta veintiún segundos."],
        "de": ["Erste Übung: X.", "Zuerst der rechte Fuß.", "Halte einundzwanzig Sekunden lang."],
        "fr": ["Premier exercice: X.", "D'abord le pied droit.", "Tiens vingt et une secondes."],
    }[base]
    assert {"es": "Aguanta una respiración.", "de": "Halte einen Atemzug lang.",
            "fr": "Tiens une respiration."}[base] in own
