"""espeak-ng's own library and voice data, as the espeakng-loader package installs them, through
ctypes (no system package). The library keeps its state for the whole process: it is set up once,
and one phrase is spoken at a time.

The calls and constants are espeak-ng's ``speak_lib.h``.
"""

from __future__ import annotations

import ctypes
import functools
import threading
from dataclasses import dataclass

from ..errors import EngineError, EngineUnavailable, option

AUDIO_OUTPUT_SYNCHRONOUS = 2
"""``espeak_AUDIO_OUTPUT``: speak into the callback, returning when the phrase is done."""
INITIALIZE_DONT_EXIT = 0x8000
"""``espeakINITIALIZE_DONT_EXIT``: a missing data folder is an error returned, not the process ended."""
CHARS_UTF8 = 1
ENDPAUSE = 0x1000
"""``espeakENDPAUSE``: the pause at the end of a sentence, as the ``espeak-ng`` command speaks it."""
POS_CHARACTER = 1
PARAM_RATE = 1
"""``espeakRATE``: words a minute."""
EE_OK = 0

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class _Voice(ctypes.Structure):
    """``espeak_VOICE``: ``languages`` is a list of (priority byte, NUL-ended tag), ended by a 0 byte."""

    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_void_p), ("identifier", ctypes.c_char_p),
                ("gender", ctypes.c_ubyte), ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int), ("spare", ctypes.c_void_p)]


@dataclass(frozen=True)
class Voice:
    name: str
    """The name ``espeak_SetVoiceByName`` takes: the voice file's (``es-419``)."""
    languages: tuple[tuple[int, str], ...]
    """(priority, tag) pairs, lower priority first: ``((6, "es-mx"), ...)``."""


def _languages(address: int | None) -> tuple[tuple[int, str], ...]:
    found: list[tuple[int, str]] = []
    while address:
        priority = ctypes.c_ubyte.from_address(address).value
        if priority == 0:
            break
        tag = ctypes.string_at(address + 1)
        found.append((priority, tag.decode("ascii", "replace").lower()))
        address += 2 + len(tag)
    return tuple(found)


class Library:
    """espeak-ng, set up once per process (``library()``)."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError:
            raise EngineUnavailable("espeakng-loader is not installed (espeak-ng's library and voices)",
                                    hint=f"pip install espeakng-loader, or use {option('engine')} piper") from None
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise EngineUnavailable(f"espeak-ng's library could not be loaded: {exc}",
                                    hint="pip install --force-reinstall espeakng-loader") from None
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                     ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        self.rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode(), INITIALIZE_DONT_EXIT)
        if self.rate <= 0:
            raise EngineUnavailable(f"espeak-ng could not start with its data in {data}",
                                    hint="pip install --force-reinstall espeakng-loader")
        self.version = (lib.espeak_Info(None) or b"?").decode()
        self._lib = lib
        self._chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # kept: the library calls it for the process's life
        lib.espeak_SetSynthCallback(self._callback)
        self._lock = threading.Lock()
        self.voices = self._list_voices()

    def _collect(self, wav, count: int, events) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def _list_voices(self) -> tuple[Voice, ...]:
        listed = self._lib.espeak_ListVoices(None)
        voices: list[Voice] = []
        for index in range(10_000):
            if not listed[index]:
                break
            voice = listed[index].contents
            name = (voice.identifier or b"").decode("ascii", "replace").rsplit("/", 1)[-1]
            voices.append(Voice(name, _languages(voice.languages)))
        return tuple(voices)

    def has_voice(self, name: str) -> bool:
        with self._lock:
            return bool(name) and self._lib.espeak_SetVoiceByName(name.encode()) == EE_OK

    def speak(self, text: str, voice: str, words_per_minute: int) -> bytes:
        """A phrase's samples (mono int16 at ``rate``), as bytes."""
        data = text.encode("utf-8")
        with self._lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
                raise EngineError(f"espeak-ng has no voice {voice!r}")
            self._lib.espeak_SetParameter(PARAM_RATE, words_per_minute, 0)
            self._chunks = []
            status = self._lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8 | ENDPAUSE,
                                            None, None)
            chunks, self._chunks = self._chunks, []
        if status != EE_OK:
            raise EngineError(f"espeak-ng failed to speak {text!r} (error {status})")
        return b"".join(chunks)


_guard = threading.Lock()


@functools.cache
def _loaded() -> Library:
    return Library()


def library() -> Library:
    """The process's espeak-ng (set up on the first call; ``EngineUnavailable`` if it cannot be)."""
    with _guard:
        return _loaded()
