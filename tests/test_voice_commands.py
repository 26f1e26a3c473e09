"""``retake`` and ``check``: a bad take is not kept forever. Real voice, real recognizer, private caches."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from audioroutine import BuildOptions, build
from audioroutine.cache import ClipCache, clip_key
from audioroutine.checking import routine_recognizer
from audioroutine.cli import app
from audioroutine.engines.piper_engine import PiperEngine
from audioroutine.hearing import recognizer_installed
from audioroutine.planning import plan_routines

runner = CliRunner()
TINY = """
    title: Tiny
    exercises:
      - name: Calf raise
        instructions: [Rise up on your toes.]
        hold: 10s
      - name: Toe spread
        hold: 10s
    """
FIRST = "First: Calf raise. Rise up on your toes."
needs_recognizer = pytest.mark.skipif(not recognizer_installed(),
                                      reason="the check extra is not installed: pip install 'pocketsphinx>=5'")


def clip_file(cache: Path, text: str) -> Path:
    path = ClipCache(cache)._path(clip_key(PiperEngine().identity(), text))
    assert path.is_file()
    return path


def wav_samples(path: Path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def test_retake_writes_a_new_take_and_keeps_it_only_when_told(write_routine, private_cache, tmp_path):
    routine = write_routine(TINY)
    cache = private_cache(routine)
    clip = clip_file(cache, FIRST)
    first = clip.read_bytes()
    args = ["retake", FIRST, "--engine", "piper", "--cache-dir", str(cache), "--out", str(tmp_path / "takes")]

    refused = runner.invoke(app, args, input="n\n")
    assert refused.exit_code == 0, refused.output
    take = tmp_path / "takes" / "retake-first-calf-raise-rise-up-on-your-toes.wav"
    assert "keep the new take? [y/N]" in refused.stdout and str(take) in refused.stdout
    assert take.is_file() and clip.read_bytes() == first  # "no": the cached take stays
    assert not np.array_equal(wav_samples(take), wav_samples(clip))  # a new take is a different render
    unanswered = runner.invoke(app, args, input="")  # no answer at all (end of input): as "no"
    assert unanswered.exit_code == 0 and "not kept" in unanswered.stdout and clip.read_bytes() == first

    def build_with(out: str):
        return build([str(routine)], BuildOptions(engine="piper", cache_dir=cache, out=tmp_path / out))[0]

    before = build_with("before").mp3.read_bytes()
    kept = runner.invoke(app, args, input="y\n")
    assert kept.exit_code == 0, kept.output
    assert "kept: the next build uses it" in kept.stdout
    assert clip.read_bytes() != first
    assert np.array_equal(wav_samples(take), wav_samples(clip))  # the take heard is the take kept

    built = build_with("after")
    assert built.synthesized == 0 and built.mp3.read_bytes() != before


def test_retake_of_an_exercise_speaks_each_of_its_phrases(write_routine, private_cache, tmp_path):
    routine = write_routine(TINY)
    cache = private_cache(routine)
    out = tmp_path / "takes"
    result = runner.invoke(app, ["retake", "--exercise", "toe-spread", "--routine", str(routine), "--yes",
                                 "--engine", "piper", "--cache-dir", str(cache), "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"retake-{slug}.wav" for slug in (
        "last-one-toe-spread", "hold-for-ten-seconds", "three", "two", "one", "and-release"))
    assert "kept 6 of 6 new takes" in result.stdout


@pytest.mark.parametrize(("args", "says"), [
    (["--exercise", "nope", "--routine", "ROUTINE"], "no exercise 'nope' in this routine; its ids are calf-raise"),
    (["--exercise", "calf-raise"], "give a phrase, or both --exercise and --routine"),
    ([], "give a phrase, or --exercise ID --routine NAME"),
])
def test_retake_says_what_to_give(write_routine, tmp_path, args, says):
    routine = write_routine(TINY)
    args = [str(routine) if a == "ROUTINE" else a for a in args]
    result = runner.invoke(app, ["retake", *args, "--engine", "piper", "--cache-dir", str(tmp_path / "c")])
    assert result.exit_code == 2
    assert says in " ".join(result.output.replace("│", " ").split())
    assert "Traceback" not in result.output and not (tmp_path / "c").exists()


@needs_recognizer
def test_check_respeaks_a_misheard_take_and_keeps_the_best_heard(write_routine, private_cache, tmp_path):
    routine = write_routine(TINY)
    cache = private_cache(routine)
    shared = ClipCache(cache)
    identity = PiperEngine().identity()
    # A bad take: the clip of "two" stored as the take of "Hold for ten seconds."
    shared.put(identity, "Hold for ten seconds.", shared.get(identity, "two"), shared.stats(identity, "two"))
    bad = clip_file(cache, "Hold for ten seconds.").read_bytes()

    result = runner.invoke(app, ["check", str(routine), "--engine", "piper", "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    assert "word error rate" in result.stdout
    # The recognizer listens for the routine's words: the bad take is heard as something else than
    # "hold for ten seconds" (what exactly depends a little on the clips heard before it).
    recognizer = routine_recognizer(plan_routines([str(routine)], BuildOptions(engine="piper")))  # as check's
    assert not recognizer.hear("Hold for ten seconds.", ClipCache(cache).get(identity, "two"), 22050).right
    assert "new take  'Hold for ten seconds.': was heard '" in result.stdout
    assert clip_file(cache, "Hold for ten seconds.").read_bytes() != bad


@needs_recognizer
def test_check_reports_doubtful_phrases_and_exits_0(write_routine, private_cache):
    routine = write_routine(TINY)
    cache = private_cache(routine)
    clip = clip_file(cache, FIRST)
    shared = ClipCache(cache)
    identity = PiperEngine().identity()
    silence = np.zeros(4410, np.int16)  # a take no recognizer hears a word in
    from audioroutine.clips import clip_stats

    shared.put(identity, FIRST, silence, clip_stats(silence))
    result = runner.invoke(app, ["check", str(routine), "--tries", "0", "--engine", "piper", "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    assert f"doubtful  {FIRST!r}: heard ''" in result.stdout
    assert np.array_equal(wav_samples(clip), silence)  # no tries: nothing re-spoken


def test_check_without_the_recognizer_says_how_to_install_it(write_routine, tmp_path):
    routine = write_routine(TINY)
    code = ("import sys; sys.modules['pocketsphinx'] = None\n"  # as if the extra were not installed
            "from audioroutine.cli import main; sys.argv = ['audioroutine'] + sys.argv[1:]; main()")
    done = subprocess.run([sys.executable, "-c", code, "check", str(routine), "--engine", "piper"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "AUDIOROUTINE_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 1, done.stderr
    assert "speech recognizer for checking is not installed" in done.stderr
    assert "pip install 'audioroutine[check]'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "cache").exists()
