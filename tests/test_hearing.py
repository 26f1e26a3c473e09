"""What the recognizer's transcript is compared with: words normalised, word errors counted; the
language model it listens with; a real right take heard right and a real wrong take flagged."""

from __future__ import annotations

import textwrap

import pytest

from audioroutine.cache import ClipCache
from audioroutine.checking import routine_recognizer
from audioroutine.engines.piper_engine import PiperEngine
from audioroutine.hearing import compare, number_words, recognizer_installed, word_error_rate, word_errors, words
from audioroutine.hearing_model import arpa, ipa_to_phones, template_words, write_model
from audioroutine.takes import cached_take, new_take


@pytest.mark.parametrize(("n", "said"), [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (20, "twenty"), (45, "forty five"), (100, "one hundred"),
    (115, "one hundred fifteen"), (2000, "two thousand"), (1995, "one thousand nine hundred ninety five"),
])
def test_numbers_are_said_as_the_recognizer_writes_them(n, said):
    assert number_words(n) == said


@pytest.mark.parametrize(("text", "expected"), [
    ("Hold for thirty seconds.", ["hold", "for", "thirty", "seconds"]),
    ("Rest for forty-five seconds.", ["rest", "for", "forty", "five", "seconds"]),
    ("Hold for 45 seconds!", ["hold", "for", "forty", "five", "seconds"]),
    ("You'll need a wall. Let's begin.", ["you'll", "need", "a", "wall", "let's", "begin"]),
    ("Child\u2019s pose", ["child's", "pose"]),
    ("breathe out, fold forward", ["breathe", "out", "fold", "forward"]),
    ("'quoted'", ["quoted"]),
    ("", []),
])
def test_words_ignore_case_punctuation_and_number_spelling(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(("expected", "heard", "errors"), [
    ("lower slowly", "lower slowly", 0),
    ("lower slowly", "four slowly", 1),
    ("lower slowly", "or slowly", 1),
    ("wall calf", "all cap", 2),
    ("Hold for thirty seconds.", "old for thirty", 2),
    ("one", "", 1),
    ("", "one two", 2),
])
def test_word_errors_count_substitutions_insertions_and_deletions(expected, heard, errors):
    assert word_errors(words(expected), words(heard)) == errors


def test_word_error_rate_is_errors_over_all_words():
    heard = [compare("lower slowly", "or slowly"), compare("Switch sides.", "switch sides")]
    assert word_error_rate(heard) == 0.25
    assert [h.right for h in heard] == [False, True]
    assert word_error_rate([]) == 0.0


def test_piper_noise_settings_are_part_of_the_clip_cache_key():
    default, other = PiperEngine(), PiperEngine(noise_scale=0.5, noise_w=0.6)
    assert "noise" in default.identity()
    assert default.identity() != other.identity()
    assert other.identity()["noise"] == "0.5/0.6"


# The recognizer with the routine's own language model (issue 11, item 2: a check that hears
# right takes as right and wrong takes as wrong; bench/hearing.py measures it at scale).

CALF = """
    title: Calf check
    source:
      author: Erin Taylor of Jasyoga
      publication: Oiselle
    exercises:
      - name: Heel drops
        instructions: [Rise up on your toes.]
        reps: 2
        rep_time: 2s
        lower: 3s
      - name: Wall calf
        hold: 10s
    """
needs_recognizer = pytest.mark.skipif(not recognizer_installed(),
                                      reason="the check extra is not installed: pip install 'pocketsphinx>=5'")


@pytest.fixture(scope="module")
def calf_plan(tmp_path_factory):
    from audioroutine.cli.params import build_options
    from audioroutine.planning import plan_routines

    path = tmp_path_factory.mktemp("calf") / "calf.yaml"
    path.write_text(textwrap.dedent(CALF).lstrip(), encoding="utf-8")
    return plan_routines([str(path)], build_options(engine="piper"))[0]


@pytest.fixture(scope="module")
def calf_recognizer(calf_plan):
    if not recognizer_installed():
        pytest.skip("the check extra is not installed: pip install 'pocketsphinx>=5'")
    return routine_recognizer([calf_plan])


def unigram_logs(arpa_text: str) -> dict[str, float]:
    section = arpa_text.split("\\1-grams:")[1].split("\\2-grams:")[0]
    return {line.split()[1]: float(line.split()[0]) for line in section.splitlines() if line.strip()}


@needs_recognizer
def test_the_routine_model_holds_the_routines_words_templates_words_numbers_and_common_words(calf_plan, tmp_path):
    phrases = calf_plan.script.phrases()
    assert "lower slowly" in phrases
    lm, lexicon = write_model(tmp_path, phrases, template_words(calf_plan.templates.files().values()))
    unigrams = set(unigram_logs(lm.read_text()))
    for phrase in phrases:
        assert set(words(phrase)) <= unigrams, phrase
    assert {"halfway", "seconds", "minutes", "breathe", "switch"} <= unigrams  # cue templates' fixed words
    assert {"fifty", "ninety", "seven"} <= unigrams  # any count or length
    assert {"cat", "four", "power", "the"} <= unigrams  # common words: a wrong word can be heard
    said = dict(line.split(" ", 1) for line in lexicon.read_text().splitlines())
    assert said["jasyoga"].startswith("JH AE S")  # a name not in the dictionary: as the voice says it
    assert said["lower"] == "L OW ER" and "oiselle" in said
    assert set(said) >= unigrams - {"<s>", "</s>"}


@pytest.mark.parametrize(("ipa", "phones"), [
    ("dʒˌæsɪʲˈoʊɡə", "JH AE S IH OW G AH"),
    ("ɔɪsˈɛl", "OY S EH L"),
    ("lˈoʊɚ", "L OW ER"),
    ("tʃˈɜːtʃ", "CH ER CH"),
    ("ðˈɪs θˈɪŋ", "DH IH S TH IH NG"),
])
def test_the_voices_phonemes_become_the_recognizers_phones(ipa, phones):
    assert ipa_to_phones(ipa) == phones


def test_template_words_are_the_text_and_spoken_literals_not_names(tmp_path):
    template = tmp_path / "hold.j2"
    template.write_text('{%- from "_macros.j2" import hold -%}{# a comment #}Hold for {{ n | words }}'
                        '{{ " minutes" if n > 1 else " minute" }}.', encoding="utf-8")
    assert template_words([template]) == ["hold", "for", "minutes", "minute"]


def test_the_language_model_is_arpa_with_back_off():
    text = arpa([["lower", "slowly"], ["four"]], {"cat": 2.0, "four": 1.0}, weight=0.1)
    assert text.startswith("\\data\\\nngram 1=6\nngram 2=5\n") and text.endswith("\\end\\\n")
    unigrams = unigram_logs(text)
    total = sum(10 ** p for w, p in unigrams.items() if w != "<s>")
    assert total == pytest.approx(1.0, abs=1e-3)
    assert unigrams["cat"] < unigrams["slowly"]  # the routine's words first, common words at a small weight


@needs_recognizer
def test_a_right_take_is_heard_right(speak, clip_cache, calf_plan, calf_recognizer):
    engine, phrases = speak(calf_plan.loaded.path)
    take = cached_take(engine, ClipCache(clip_cache), "lower slowly")
    heard = calf_recognizer.hear("lower slowly", take.samples, 22050)
    assert heard.right, heard.transcript


@needs_recognizer
def test_a_wrong_take_is_flagged(calf_recognizer):
    wrong = new_take(PiperEngine(), "four slowly")  # the misheard take, said on purpose
    heard = calf_recognizer.hear("lower slowly", wrong.samples, 22050)
    assert not heard.right, heard.transcript
