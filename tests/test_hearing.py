"""What the recognizer's transcript is compared with: words normalised, word errors counted."""

from __future__ import annotations

import pytest

from audioroutine.engines.piper_engine import PiperEngine
from audioroutine.hearing import compare, number_words, word_error_rate, word_errors, words


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
