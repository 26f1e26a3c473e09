"""Where the time goes: a build reports its stages on the ``audioroutine.timing`` logger."""

from __future__ import annotations

import logging

from audioroutine import BuildOptions, build
from conftest import REPO


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_build_reports_its_stages_with_their_times(clip_cache, tmp_path):
    timing = logging.getLogger("audioroutine.timing")
    collect = Collect()
    timing.addHandler(collect)
    old = timing.level
    timing.setLevel(logging.DEBUG)
    try:
        options = BuildOptions(engine="piper", out=tmp_path, cache_dir=clip_cache, force=True)
        build([str(REPO / "routines" / "example-calf-care.yaml")], options)
    finally:
        timing.removeHandler(collect)
        timing.setLevel(old)
    stages = {r.stage: r for r in collect.records}
    for name in ("plan", "choose the voice", "check what is up to date", "write example-calf-care",
                 "mix and encode", "look up an encoded part", "wait for the encoders", "tags, cover and sidecars"):
        assert name in stages, name
    assert all(r.seconds >= 0 for r in collect.records)
    # nested stages are deeper and take no longer than the stage around them
    assert stages["mix and encode"].depth == stages["write example-calf-care"].depth + 1
    assert stages["mix and encode"].seconds <= stages["write example-calf-care"].seconds
    assert stages["tags, cover and sidecars"].threadName != "MainThread"


def test_nothing_is_timed_when_nobody_listens(clip_cache, tmp_path):
    timing = logging.getLogger("audioroutine.timing")
    collect = Collect()
    collect.setLevel(logging.DEBUG)
    timing.addHandler(collect)
    old = timing.level
    timing.setLevel(logging.WARNING)  # as it is unless -vv or a benchmark asks: stages are skipped
    try:
        build([str(REPO / "routines" / "example-calf-care.yaml")],
              BuildOptions(engine="piper", out=tmp_path, cache_dir=clip_cache, force=True))
    finally:
        timing.removeHandler(collect)
        timing.setLevel(old)
    assert collect.records == []
