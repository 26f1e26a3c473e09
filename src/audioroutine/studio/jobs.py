"""Builds and shares run as jobs: one thread each, their progress read by the page; builds of one
routine hold that routine's lock, so two at once run one after the other."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Job:
    id: str
    state: str = "waiting"
    """waiting, speaking, writing, done or failed."""
    done: int = 0
    total: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] | None = None

    def progress(self, done: int, total: int) -> None:
        self.state = "speaking" if done < total else "writing"
        self.done, self.total = done, total

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"state": self.state, "done": self.done, "total": self.total}
        if self.state == "failed":
            answer["errors"] = self.errors
        if self.result is not None:
            answer["result"] = self.result
        return answer


class Jobs:
    """The jobs of one studio, and one lock per routine."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._ids = itertools.count(1)

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def start(self, work: Callable[[Job], dict[str, Any]], locks: list[str],
              errors: Callable[[BaseException], list[dict[str, Any]]]) -> Job:
        """Run ``work(job)`` in a thread holding the locks of ``locks`` (taken in sorted order);
        its answer is the job's result, an error its ``errors``."""
        with self._guard:
            job = Job(id=f"j{next(self._ids)}")
            self._jobs[job.id] = job

        def run() -> None:
            held = [self.lock(key) for key in sorted(set(locks))]
            for lock in held:
                lock.acquire()
            try:
                job.result = work(job)
                job.state = "done"
            except BaseException as exc:  # a job's thread must never die silently
                log.debug("job %s failed", job.id, exc_info=True)
                job.errors = errors(exc)
                job.state = "failed"
            finally:
                for lock in reversed(held):
                    lock.release()

        threading.Thread(target=run, name=f"studio-{job.id}", daemon=True).start()
        return job
