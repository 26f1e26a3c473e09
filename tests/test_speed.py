"""Voice speed (``--speed 0.8…1.25``): what the runner hears is slower or faster, the clip cache
keeps each speed's clips apart (and speed 1 keeps today's), and a bad speed is one message."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from audioroutine import BuildOptions
from audioroutine.cache import clip_key
from audioroutine.cli import app
from audioroutine.engines import resolve_engine
from audioroutine.engines.espeak_engine import EspeakEngine
from audioroutine.engines.gtts_engine import GTTSEngine
from audioroutine.engines.piper_engine import PiperEngine
from audioroutine.errors import OptionError
from audiotools import decode, sheet, tiny_routine

runner = CliRunner()


@pytest.mark.parametrize("speed", ["0.5", "1.3", "2", "0"])
def test_a_speed_out_of_range_is_one_message_naming_the_range(speed, tmp_path):
    result = runner.invoke(app, ["show", "example-calf-care", "--speed", speed, "--cache-dir", str(tmp_path)])

    assert result.exit_code == 2
    assert "error: --speed" in result.stderr
    assert "choose a speed from 0.8 (slower) to 1.25 (faster)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_slow_and_speed_together_are_refused():
    with pytest.raises(OptionError, match="give one of .*slow.* and .*speed.*, not both"):
        BuildOptions(slow=True, speed=0.9)


def test_a_phrase_at_a_lower_speed_is_longer():
    """Real piper: speed 0.8 is longer than 1 is longer than 1.25 (length scale 1.25, 1, 0.8)."""
    lengths = {speed: PiperEngine(speed=speed).synthesize("Breathe in, and lower slowly.").samples.size
               for speed in (0.8, 1.0, 1.25)}

    assert lengths[0.8] > lengths[1.0] > lengths[1.25]
    assert lengths[0.8] / lengths[1.25] > 1.3  # 1.5625 asked; piper's rhythm noise takes a little


def test_speed_one_keeps_todays_clips_and_other_speeds_have_their_own():
    today = {"engine": "piper", "speed": "normal"}
    normal, faster, slower = (PiperEngine(speed=s).identity() for s in (1.0, 1.25, 0.8))

    assert today.items() <= normal.items()
    assert faster["speed"] == "1.25" and slower["speed"] == "0.8"
    keys = {clip_key(identity, "Hold.") for identity in (normal, faster, slower, PiperEngine(slow=True).identity())}
    assert len(keys) == 4
    assert GTTSEngine(speed=0.8).identity() == GTTSEngine(slow=True).identity()  # Google's slow, one clip
    assert GTTSEngine(speed=1.1).identity() == GTTSEngine().identity()
    assert EspeakEngine().identity() == EspeakEngine(speed=1.0).identity()
    assert EspeakEngine(speed=1.2).identity()["speed"] == "1.2"
    assert [EspeakEngine(speed=s).words_per_minute for s in (0.8, 1.0, 1.25)] == [132, 165, 206]


def test_googles_two_speeds_are_said_in_one_log_line(caplog):
    with caplog.at_level(logging.INFO, logger="audioroutine"):
        resolve_engine("gtts", speed=0.85)
        resolve_engine("gtts", speed=1.1)
    notes = [r.getMessage() for r in caplog.records if r.getMessage().startswith("speed:")]

    assert notes == [
        "speed: Google's voice has two speeds, normal and slow: speed 0.85 is spoken slowly (slow is 0.9 or less)",
        "speed: Google's voice has two speeds, normal and slow: speed 1.1 is spoken at its normal speed "
        "(slow is 0.9 or less)",
    ]


def test_a_build_at_a_higher_speed_is_shorter(build_piper, write_routine, tmp_path):
    routine = write_routine(tiny_routine("Speed check"))

    (normal,) = build_piper(routine, out=tmp_path / "normal")
    (fast,) = build_piper(routine, out=tmp_path / "fast", speed=1.25)
    again = build_piper(routine, out=tmp_path / "fast", speed=1.25)

    assert fast.sheet.samples < normal.sheet.samples
    intro = [sheet(r.cue_sheet)["cues"][0] for r in (normal, fast)]
    assert intro[0]["text"] == intro[1]["text"]
    # All the words, not one phrase: the voice's takes vary in length (its noise); a single phrase at
    # 1.25 came out at 0.90 of its normal length once, in CI with a cold clip cache.
    spoken = [sum(c["end_s"] - c["start_s"] for c in sheet(r.cue_sheet)["cues"] if c.get("text"))
              for r in (normal, fast)]
    assert spoken[1] < 0.95 * spoken[0]  # 0.88 measured: each clip keeps its short silence at both ends
    assert decode(fast.mp3).size == fast.sheet.samples
    assert again[0].up_to_date  # the speed is part of the fingerprint: the same speed is up to date
    assert not build_piper(routine, out=tmp_path / "fast")[0].up_to_date  # another speed is not
