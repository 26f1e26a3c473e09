"""Each language's example routine, built offline in one build beside an English one, passes the
audio tests English does: the MP3 as long as its cue sheet, silence where nothing is said, every
cue heard on its mark, the spoken-word loudness. Each is spoken by its own language's voice, and
what is said is that language's words (the cue sheet's text)."""

from __future__ import annotations

import pytest

from audioroutine import BuildOptions, build
from audioroutine.planning import find_routine
from audiotools import TOLERANCE_S, decode, first_sound, loudness, quiet_regions, rms_dbfs, sheet, span

EXAMPLES = {
    "en": ("example-calf-care", "piper", "en_US-joe-medium", "Hold for thirty seconds."),
    "es": ("es-cuidado-de-los-gemelos", "nanotts", "es-ES", "Aguanta treinta segundos."),
    "de": ("de-wadenpflege", "nanotts", "de-DE", "Halte dreißig Sekunden lang."),
    "fr": ("fr-soin-des-mollets", "nanotts", "fr-FR", "Tiens trente secondes."),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory, clip_cache):
    """The four examples built together with the offline voices: one build, four languages."""
    out = tmp_path_factory.mktemp("languages")
    names = [str(find_routine(slug)) for slug, *_ in EXAMPLES.values()]
    results = build(names, BuildOptions(engine="offline", out=out, cache_dir=clip_cache))
    return {lang: (result, sheet(result.cue_sheet), decode(result.mp3))
            for lang, result in zip(EXAMPLES, results, strict=True)}


@pytest.mark.parametrize("lang", EXAMPLES)
def test_each_language_is_spoken_by_its_own_voice_in_its_own_words(built, lang):
    slug, engine, voice, hold = EXAMPLES[lang]
    result, cues, _ = built[lang]
    assert result.slug == slug
    assert (cues["lang"], cues["engine"], cues["voice"]) == (lang, engine, voice)
    said = [c["text"] for c in cues["cues"] if "text" in c]
    assert hold in said


@pytest.mark.parametrize("lang", EXAMPLES)
def test_the_mp3_is_as_long_as_its_cue_sheet(built, lang):
    _, cues, pcm = built[lang]
    assert pcm.size == cues["samples"]
    assert abs(pcm.size / cues["sample_rate"] - cues["duration_s"]) < TOLERANCE_S


@pytest.mark.parametrize("lang", EXAMPLES)
def test_silence_wherever_nothing_is_said(built, lang):
    _, cues, pcm = built[lang]
    regions = list(quiet_regions(cues))
    assert len(regions) >= 5
    for cue, a, b in regions:
        level = rms_dbfs(span(pcm, a, b, trim_s=0.03))
        assert level < -60, f"{cue['kind']} at {a:.2f}-{b:.2f}s is not silent ({level:.1f} dBFS)"


@pytest.mark.parametrize("lang", EXAMPLES)
def test_every_cue_is_heard_on_its_mark(built, lang):
    _, cues, pcm = built[lang]
    spoken = [c for c in cues["cues"] if "text" in c]
    sounding = [c for c in cues["cues"] if "text" in c or c["kind"] == "chime"]
    checked = 0
    for cue in spoken:
        assert rms_dbfs(span(pcm, cue["start_s"], cue["end_s"])) > -40, f"{cue['text']!r} is silent"
        if any(0 <= cue["start_s"] - other["end_s"] < 0.05 or other["start_s"] < cue["start_s"] < other["end_s"]
               for other in sounding if other is not cue):
            continue  # another cue sounds just before: no silence to hear the onset against
        checked += 1
        heard = first_sound(pcm, max(0.0, cue["start_s"] - 0.05))
        assert abs(heard - cue["start_s"]) <= TOLERANCE_S, (
            f"{cue['text']!r} heard at {heard:.3f}s, placed at {cue['start_s']:.3f}s")
    assert checked >= 0.8 * len(spoken)


@pytest.mark.parametrize("lang", EXAMPLES)
def test_loudness_is_the_spoken_word_norm(built, lang):
    result, _, _ = built[lang]
    integrated, peak = loudness(result.mp3)
    assert -17.0 <= integrated <= -15.0
    assert peak <= -1.0


def test_the_holds_are_as_long_in_every_language(built):
    """The translation changes the words, never a hold: the same holds, to the sample."""
    holds = {lang: [round(c["end_s"] - c["start_s"], 4) for c in cues["cues"] if c["kind"] == "hold"]
             for lang, (_, cues, _) in built.items()}
    assert holds["en"] and holds["es"] == holds["de"] == holds["fr"] == holds["en"]


def test_the_console_names_each_languages_voice(tmp_path, private_cache):
    """``build`` of routines in two languages says which voice speaks each, and why."""
    from typer.testing import CliRunner

    from audioroutine.cli import app

    names = [str(find_routine(EXAMPLES[lang][0])) for lang in ("es", "en")]
    cache = private_cache(*names)
    result = CliRunner().invoke(app, ["build", *names, "--engine", "offline", "--out", str(tmp_path / "out"),
                                      "--cache-dir", str(cache)])
    assert result.exit_code == 0, result.output
    assert "voice for es: nanotts (es-ES) - asked for an offline voice; the best for es: nanotts es-ES" in result.output
    assert "voice for en: piper (en_US-joe-medium)" in result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.mp3")) == [
        "es-cuidado-de-los-gemelos.mp3", "example-calf-care.mp3"]
