"""Durations and holds, as runners write them."""

import pytest

from audioroutine.durations import DurationSyntaxError, Hold, format_duration, mmss, parse_duration, parse_hold


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45s", 45.0),
        ("45 s", 45.0),
        ("1m30s", 90.0),
        ("1m 30s", 90.0),
        ("2 min", 120.0),
        ("2 minutes", 120.0),
        ("1.5 minutes", 90.0),
        ("1 minute 5 seconds", 65.0),
        ("90", 90.0),
        (30, 30.0),
        (2.5, 2.5),
        ("1h", 3600.0),
        ("0.5s", 0.5),
        ("  20S ", 20.0),
    ],
)
def test_durations_parse(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "45 parsecs", "1m30", "s", "-5s", "1:30", True, None, [1]])
def test_bad_durations_say_how_to_write_one(text):
    with pytest.raises(DurationSyntaxError) as error:
        parse_duration(text)
    assert "45s" in str(error.value) or "unit" in str(error.value)


@pytest.mark.parametrize(
    ("text", "hold"),
    [
        ("6 breaths", Hold(breaths=6)),
        ("1 breath", Hold(breaths=1)),
        ("8 Breaths", Hold(breaths=8)),
        ("30s", Hold(seconds=30.0)),
        ("1m", Hold(seconds=60.0)),
    ],
)
def test_holds_parse(text, hold):
    assert parse_hold(text) == hold


@pytest.mark.parametrize(
    ("hold", "breath", "seconds"),
    [(Hold(breaths=6), 5.0, 30.0), (Hold(breaths=3), 4.5, 13.5), (Hold(seconds=45.0), 5.0, 45.0)],
)
def test_hold_length(hold, breath, seconds):
    assert hold.length(breath) == seconds


@pytest.mark.parametrize(
    ("seconds", "written"), [(90, "1m30s"), (45, "45s"), (60, "1m"), (2.5, "2.5s"), (0, "0s"), (3600, "60m")]
)
def test_written_form_reads_back(seconds, written):
    assert format_duration(seconds) == written
    assert parse_duration(written) == seconds


@pytest.mark.parametrize(("seconds", "shown"), [(0, "00:00"), (59.6, "01:00"), (754, "12:34"), (3725, "1:02:05")])
def test_mmss(seconds, shown):
    assert mmss(seconds) == shown
