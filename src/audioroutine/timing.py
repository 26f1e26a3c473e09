"""Where the time goes: named stages of a build, reported through the ``audioroutine.timing`` logger.

``with stage("encode"):`` times a block and logs one DEBUG record carrying the stage's name, its
depth (nesting within the same thread) and its seconds as attributes, so ``-vv`` shows them, and
a benchmark attaches a ``logging.Handler`` to this logger to collect them: nothing is patched and
nothing is kept when nobody listens. Stages run in worker threads (synthesis, tags) are reported
from those threads; their record's ``threadName`` says so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)
_depth = threading.local()


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as the stage ``name`` (when the timing logger is enabled for DEBUG)."""
    if not log.isEnabledFor(logging.DEBUG):
        yield
        return
    depth = getattr(_depth, "value", 0) + 1
    _depth.value = depth
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - start
        _depth.value = depth - 1
        log.debug("%s: %.3f s", name, seconds, extra={"stage": name, "depth": depth, "seconds": seconds})
