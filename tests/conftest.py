"""Shared fixtures: one clip cache for the whole run (each phrase is spoken once), builders, and
clip caches of a test's own seeded from the run's cache."""

from __future__ import annotations

import os
import socket
import textwrap
from pathlib import Path

import pytest

from audioroutine import BuildOptions, Overrides, build
from audioroutine.build import by_language
from audioroutine.cache import ClipCache
from audioroutine.engines import Engine, resolve_engine
from audioroutine.planning import plan_routines
from audioroutine.synthesis import speak_plans

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def clip_cache(tmp_path_factory) -> Path:
    """A clip cache shared by every test in the run; AUDIOROUTINE_CACHE points at it."""
    path = Path(os.environ.get("AUDIOROUTINE_TEST_CACHE") or tmp_path_factory.mktemp("clip-cache"))
    old = os.environ.get("AUDIOROUTINE_CACHE")
    os.environ["AUDIOROUTINE_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("AUDIOROUTINE_CACHE", None)
    else:
        os.environ["AUDIOROUTINE_CACHE"] = old


@pytest.fixture
def write_routine(tmp_path):
    """Write a routine file from YAML text; returns its path."""

    def write(text: str, name: str = "routine.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture
def build_piper(clip_cache, tmp_path):
    """Build routines with the real offline voice of their language (Piper for English) into
    tmp_path/out; returns the results."""

    def run(*routines: str | Path, out: Path | None = None, overrides: Overrides | None = None, **options):
        opts = BuildOptions(engine=options.pop("engine", "offline"), out=out or tmp_path / "out", cache_dir=clip_cache,
                            overrides=overrides or Overrides(), **options)
        return build([str(r) for r in routines], opts)

    return run


@pytest.fixture(scope="session")
def speak(clip_cache):
    """Speak into the run's clip cache, with the offline voice of their language, every phrase of the routines that
    is not there yet (nothing when the cache is warm); no audio is mixed. Returns the first routine's engine and
    the phrases, in order of first use."""

    def run(*routines: str | Path, overrides: Overrides | None = None) -> tuple[Engine, list[str]]:
        options = BuildOptions(engine="offline", cache_dir=clip_cache, overrides=overrides or Overrides())
        plans = plan_routines([str(r) for r in routines], options)
        engines, phrases = {}, []
        for lang, group in by_language(plans).items():  # each language in its own voice
            engines[lang] = resolve_engine("offline", lang=lang).engine
            phrases += speak_plans(group, engines[lang], ClipCache(clip_cache))
        return engines[plans[0].loaded.routine.settings.lang], phrases

    return run


@pytest.fixture
def private_cache(speak, clip_cache, tmp_path):
    """A clip cache of the test's own, holding the offline voice's clips of every phrase the
    routines speak (copied from the run's cache): building them there speaks nothing, and any
    other phrase is spoken into it as into a new cache. Returns its folder."""

    def make(*routines: str | Path, overrides: Overrides | None = None) -> Path:
        _, phrases = speak(*routines, overrides=overrides)  # the intros as builds say them
        options = BuildOptions(engine="offline", cache_dir=clip_cache, overrides=overrides or Overrides())
        shared = ClipCache(clip_cache)
        root = tmp_path / "private-cache"
        mine = ClipCache(root)
        for plan in plan_routines([str(r) for r in routines], options):
            voice = resolve_engine("offline", lang=plan.loaded.routine.settings.lang).engine
            for text in phrases:  # a phrase with a pronounced word has its own key
                identity = voice.phrase_identity(text, plan.loaded.lexicon)
                if shared.has(identity, text):
                    mine.put(identity, text, shared.get(identity, text), shared.stats(identity, text))
        return root

    return make


def _online() -> bool:
    try:
        socket.create_connection(("translate.google.com", 443), timeout=3).close()
        return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    if any("net" in item.keywords for item in items) and not _online():
        skip = pytest.mark.skip(reason="no internet here: the real Google service cannot be reached")
        for item in items:
            if "net" in item.keywords:
                item.add_marker(skip)
