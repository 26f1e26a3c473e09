"""Numbers in Spanish, German and French as a native speaker writes them (tables typed by hand, not
made by num2words or by the code under test), with the agreement the cue templates ask for; and
``wording.says`` in each language."""

import pytest

from audioroutine.numbers import say_number
from audioroutine.wording import says

# Every number from 0 to 100, one decade a line, typed out.
SPANISH = """
cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve
diez|once|doce|trece|catorce|quince|dieciséis|diecisiete|dieciocho|diecinueve
veinte|veintiuno|veintidós|veintitrés|veinticuatro|veinticinco|veintiséis|veintisiete|veintiocho|veintinueve
treinta|treinta y uno|treinta y dos|treinta y tres|treinta y cuatro|
treinta y cinco|treinta y seis|treinta y siete|treinta y ocho|treinta y nueve
cuarenta|cuarenta y uno|cuarenta y dos|cuarenta y tres|cuarenta y cuatro|
cuarenta y cinco|cuarenta y seis|cuarenta y siete|cuarenta y ocho|cuarenta y nueve
cincuenta|cincuenta y uno|cincuenta y dos|cincuenta y tres|cincuenta y cuatro|
cincuenta y cinco|cincuenta y seis|cincuenta y siete|cincuenta y ocho|cincuenta y nueve
sesenta|sesenta y uno|sesenta y dos|sesenta y tres|sesenta y cuatro|
sesenta y cinco|sesenta y seis|sesenta y siete|sesenta y ocho|sesenta y nueve
setenta|setenta y uno|setenta y dos|setenta y tres|setenta y cuatro|
setenta y cinco|setenta y seis|setenta y siete|setenta y ocho|setenta y nueve
ochenta|ochenta y uno|ochenta y dos|ochenta y tres|ochenta y cuatro|
ochenta y cinco|ochenta y seis|ochenta y siete|ochenta y ocho|ochenta y nueve
noventa|noventa y uno|noventa y dos|noventa y tres|noventa y cuatro|
noventa y cinco|noventa y seis|noventa y siete|noventa y ocho|noventa y nueve
cien
"""
GERMAN = """
null|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun
zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|sechzehn|siebzehn|achtzehn|neunzehn
zwanzig|einundzwanzig|zweiundzwanzig|dreiundzwanzig|vierundzwanzig|
fünfundzwanzig|sechsundzwanzig|siebenundzwanzig|achtundzwanzig|neunundzwanzig
dreißig|einunddreißig|zweiunddreißig|dreiunddreißig|vierunddreißig|
fünfunddreißig|sechsunddreißig|siebenunddreißig|achtunddreißig|neununddreißig
vierzig|einundvierzig|zweiundvierzig|dreiundvierzig|vierundvierzig|
fünfundvierzig|sechsundvierzig|siebenundvierzig|achtundvierzig|neunundvierzig
fünfzig|einundfünfzig|zweiundfünfzig|dreiundfünfzig|vierundfünfzig|
fünfundfünfzig|sechsundfünfzig|siebenundfünfzig|achtundfünfzig|neunundfünfzig
sechzig|einundsechzig|zweiundsechzig|dreiundsechzig|vierundsechzig|
fünfundsechzig|sechsundsechzig|siebenundsechzig|achtundsechzig|neunundsechzig
siebzig|einundsiebzig|zweiundsiebzig|dreiundsiebzig|vierundsiebzig|
fünfundsiebzig|sechsundsiebzig|siebenundsiebzig|achtundsiebzig|neunundsiebzig
achtzig|einundachtzig|zweiundachtzig|dreiundachtzig|vierundachtzig|
fünfundachtzig|sechsundachtzig|siebenundachtzig|achtundachtzig|neunundachtzig
neunzig|einundneunzig|zweiundneunzig|dreiundneunzig|vierundneunzig|
fünfundneunzig|sechsundneunzig|siebenundneunzig|achtundneunzig|neunundneunzig
hundert
"""
FRENCH = """
zéro|un|deux|trois|quatre|cinq|six|sept|huit|neuf
dix|onze|douze|treize|quatorze|quinze|seize|dix-sept|dix-huit|dix-neuf
vingt|vingt et un|vingt-deux|vingt-trois|vingt-quatre|vingt-cinq|vingt-six|vingt-sept|vingt-huit|vingt-neuf
trente|trente et un|trente-deux|trente-trois|trente-quatre|trente-cinq|trente-six|trente-sept|trente-huit|trente-neuf
quarante|quarante et un|quarante-deux|quarante-trois|quarante-quatre|
quarante-cinq|quarante-six|quarante-sept|quarante-huit|quarante-neuf
cinquante|cinquante et un|cinquante-deux|cinquante-trois|cinquante-quatre|
cinquante-cinq|cinquante-six|cinquante-sept|cinquante-huit|cinquante-neuf
soixante|soixante et un|soixante-deux|soixante-trois|soixante-quatre|
soixante-cinq|soixante-six|soixante-sept|soixante-huit|soixante-neuf
soixante-dix|soixante et onze|soixante-douze|soixante-treize|soixante-quatorze|
soixante-quinze|soixante-seize|soixante-dix-sept|soixante-dix-huit|soixante-dix-neuf
quatre-vingts|quatre-vingt-un|quatre-vingt-deux|quatre-vingt-trois|quatre-vingt-quatre|
quatre-vingt-cinq|quatre-vingt-six|quatre-vingt-sept|quatre-vingt-huit|quatre-vingt-neuf
quatre-vingt-dix|quatre-vingt-onze|quatre-vingt-douze|quatre-vingt-treize|quatre-vingt-quatorze|
quatre-vingt-quinze|quatre-vingt-seize|quatre-vingt-dix-sept|quatre-vingt-dix-huit|quatre-vingt-dix-neuf
cent
"""
TABLES = {"es": SPANISH, "de": GERMAN, "fr": FRENCH}


def _table(text: str) -> list[str]:
    return [word for line in text.strip().splitlines() for word in line.split("|") if word]


def test_the_tables_have_every_number():
    assert all(len(_table(text)) == 101 for text in TABLES.values())


@pytest.mark.parametrize("lang", sorted(TABLES))
def test_counting_from_zero_to_a_hundred(lang):
    expected = _table(TABLES[lang])
    said = [say_number(n, lang) for n in range(101)]
    wrong = [(n, s, e) for n, (s, e) in enumerate(zip(said, expected, strict=True)) if s != e]
    assert not wrong, wrong


AT = (1, 21, 31, 41, 51, 61, 71, 81, 91, 100)


@pytest.mark.parametrize(
    ("lang", "keywords", "expected"),
    [
        # Spanish: counting "uno"; feminine "una"; before a masculine noun "un", "veintiún" (accent);
        # before a feminine noun "una", "veintiuna".
        ("es", {}, "uno veintiuno|treinta y uno|cuarenta y uno|cincuenta y uno|sesenta y uno|setenta y uno|"
                   "ochenta y uno|noventa y uno|cien"),
        ("es", {"gender": "f"}, "una veintiuna|treinta y una|cuarenta y una|cincuenta y una|sesenta y una|"
                                "setenta y una|ochenta y una|noventa y una|cien"),
        ("es", {"noun": True}, "un veintiún|treinta y un|cuarenta y un|cincuenta y un|sesenta y un|setenta y un|"
                               "ochenta y un|noventa y un|cien"),
        ("es", {"noun": True, "gender": "m"}, "un veintiún|treinta y un|cuarenta y un|cincuenta y un|sesenta y un|"
                                              "setenta y un|ochenta y un|noventa y un|cien"),
        ("es", {"noun": True, "gender": "f"}, "una veintiuna|treinta y una|cuarenta y una|cincuenta y una|"
                                              "sesenta y una|setenta y una|ochenta y una|noventa y una|cien"),
        # German: counting "eins"; before a noun "ein"/"eine"/"einen"; compounds never change.
        ("de", {}, "eins einundzwanzig|einunddreißig|einundvierzig|einundfünfzig|einundsechzig|einundsiebzig|"
                   "einundachtzig|einundneunzig|hundert"),
        ("de", {"gender": "f"}, "eins einundzwanzig|einunddreißig|einundvierzig|einundfünfzig|einundsechzig|"
                                "einundsiebzig|einundachtzig|einundneunzig|hundert"),
        ("de", {"noun": True, "gender": "f"}, "eine einundzwanzig|einunddreißig|einundvierzig|einundfünfzig|"
                                              "einundsechzig|einundsiebzig|einundachtzig|einundneunzig|hundert"),
        ("de", {"noun": True, "gender": "m"}, "ein einundzwanzig|einunddreißig|einundvierzig|einundfünfzig|"
                                              "einundsechzig|einundsiebzig|einundachtzig|einundneunzig|hundert"),
        ("de", {"noun": True, "gender": "m", "case": "acc"}, "einen einundzwanzig|einunddreißig|einundvierzig|"
                                                             "einundfünfzig|einundsechzig|einundsiebzig|"
                                                             "einundachtzig|einundneunzig|hundert"),
        ("de", {"noun": True, "gender": "n"}, "ein einundzwanzig|einunddreißig|einundvierzig|einundfünfzig|"
                                              "einundsechzig|einundsiebzig|einundachtzig|einundneunzig|hundert"),
        ("de", {"noun": True, "gender": "f", "case": "dat"}, "einer einundzwanzig|einunddreißig|einundvierzig|"
                                                             "einundfünfzig|einundsechzig|einundsiebzig|"
                                                             "einundachtzig|einundneunzig|hundert"),
        # French: "un" and "une", "vingt et une", "quatre-vingt-une"; "soixante et onze" never changes.
        ("fr", {}, "un vingt et un|trente et un|quarante et un|cinquante et un|soixante et un|soixante et onze|"
                   "quatre-vingt-un|quatre-vingt-onze|cent"),
        ("fr", {"noun": True, "gender": "m"}, "un vingt et un|trente et un|quarante et un|cinquante et un|"
                                              "soixante et un|soixante et onze|quatre-vingt-un|quatre-vingt-onze|cent"),
        ("fr", {"gender": "f"}, "une vingt et une|trente et une|quarante et une|cinquante et une|soixante et une|"
                                "soixante et onze|quatre-vingt-une|quatre-vingt-onze|cent"),
        ("fr", {"noun": True, "gender": "f"}, "une vingt et une|trente et une|quarante et une|cinquante et une|"
                                              "soixante et une|soixante et onze|quatre-vingt-une|quatre-vingt-onze|"
                                              "cent"),
    ],
)
def test_agreement_at_the_ones(lang, keywords, expected):
    first, rest = expected.split(" ", 1)
    assert [say_number(n, lang, **keywords) for n in AT] == [first, *rest.split("|")]


@pytest.mark.parametrize(
    ("lang", "number", "keywords", "said"),
    [
        ("es", 200, {"gender": "f"}, "doscientas"),
        ("es", 200, {"noun": True}, "doscientos"),
        ("es", 101, {"noun": True}, "ciento un"),
        ("es", 101, {"noun": True, "gender": "f"}, "ciento una"),
        ("es", 21000, {}, "veintiún mil"),  # num2words says "veintiuno mil"
        ("de", 100, {}, "hundert"),  # num2words says "einhundert"; a coach counts "hundert"
        ("de", 120, {}, "hundertzwanzig"),
        ("fr", 80, {"noun": True, "gender": "f"}, "quatre-vingts"),
        ("fr", 200, {}, "deux cents"),
        ("fr", 201, {"gender": "f"}, "deux cent une"),
        ("es", 2.5, {}, "dos coma cinco"),  # num2words says "dos punto cinco"
        ("de", 2.5, {}, "zwei Komma fünf"),
        ("fr", 2.5, {}, "deux virgule cinq"),
        ("es", 1.5, {"gender": "f"}, "una coma cinco"),
        ("fr", 21.5, {"gender": "f"}, "vingt et une virgule cinq"),
        ("es", 2.05, {}, "dos coma cero cinco"),
        ("es", 30.0, {}, "treinta"),
        ("fr", 1, {"ordinal": True}, "premier"),
        ("fr", 1, {"ordinal": True, "gender": "f"}, "première"),
        ("fr", 2, {"ordinal": True}, "deuxième"),
        ("fr", 21, {"ordinal": True}, "vingt et unième"),
        ("es", 1, {"ordinal": True, "noun": True}, "primer"),
        ("es", 3, {"ordinal": True, "gender": "f"}, "tercera"),
        ("de", 2, {"ordinal": True}, "zweite"),
        ("es-MX", 21, {"noun": True}, "veintiún"),
        ("fr-CA", 21, {"gender": "f"}, "vingt et une"),
        ("de-AT", 1, {"noun": True, "gender": "f"}, "eine"),
    ],
)
def test_other_numbers(lang, number, keywords, said):
    assert say_number(number, lang, **keywords) == said


def test_english_and_other_languages_are_as_before():
    """English keeps num2words' words; the keywords change nothing in a language without rules."""
    assert say_number(21, "en") == "twenty-one"
    assert say_number(21, "en", gender="f", noun=True) == "twenty-one"
    assert say_number(2.5, "en-GB") == "two point five"
    assert say_number(1, "it", gender="f") == "uno"


@pytest.mark.parametrize(("keywords", "message"), [({"gender": "x"}, "gender"), ({"case": "gen"}, "case")])
def test_a_wrong_keyword_is_a_clear_template_error(keywords, message):
    from audioroutine.errors import TemplateError

    with pytest.raises(TemplateError, match=message):
        say_number(3, "de", **keywords)


@pytest.mark.parametrize(
    ("lang", "text", "phrase", "expected"),
    [
        ("en", "Move with each breath.", "move with your breath", True),
        ("en", "Flow with the breath.", "move with your breath", False),
        ("en", "One pose per breath.", "one pose for each breath", True),
        ("es", "Muévete con cada respiración.", "muévete con la respiración", True),
        ("es", "MUEVETE AL RITMO DE TU RESPIRACION.", "muévete con la respiración", True),
        ("es", "Fluye con la respiración.", "muévete con la respiración", False),
        ("es", "Una postura en cada respiración.", "una postura por respiración", True),
        ("es-MX", "Muévete con la respiración.", "muévete con la respiración", True),
        ("de", "Beweg dich mit jedem Atemzug.", "beweg dich mit dem Atem", True),
        ("de", "Bewege dich im Rhythmus deines Atems.", "beweg dich mit dem Atem", True),
        ("de", "Fließe mit dem Atem.", "beweg dich mit dem Atem", False),
        ("de", "Pro Atemzug eine Haltung.", "eine Haltung pro Atemzug", True),
        ("fr", "Bouge avec chaque respiration.", "bouge avec ta respiration", True),
        ("fr", "Bougez au rythme de la respiration.", "bouge avec ta respiration", True),
        ("fr", "Suis ta respiration.", "bouge avec ta respiration", False),
        ("fr", "Une posture à chaque respiration.", "une posture par respiration", True),
        ("fr", "Une posture. Une respiration.", "une posture par respiration", False),  # one sentence
    ],
)
def test_says_in_each_language(lang, text, phrase, expected):
    assert says(text, phrase, lang=lang) is expected
