"""What this process is writing into an output folder right now, so that a signal can stop it
cleanly at any moment: the temporary files and part folders of its own, the output locks it holds
and the encoders it runs.

Kept process-wide (the one piece of global state besides caches) because a signal is. The command
line's SIGTERM and Ctrl-C handler calls ``abandon`` while ``writing_now``: it stops the encoders and
removes those files there and then, and the process exits. It does not raise an exception through
the interrupted code: an exception raised at an arbitrary point of the main thread can leave a
lock held that another thread then waits for forever (the import lock, taken in a weakref
callback whose exception is swallowed), and a stopped build would hang instead of stopping.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

_paths: set[Path] = set()
_encoders: set[int] = set()


def adopt(path: Path) -> None:
    """``path`` (a temporary file, a part folder, a lock file held) is ours until ``release``."""
    _paths.add(path)


def release(path: Path) -> None:
    """``path`` is done with: renamed, removed, or a lock released."""
    _paths.discard(path)


def adopt_encoder(pid: int) -> None:
    """A child process writing into a part folder of ours, until ``release_encoder`` (once waited for)."""
    _encoders.add(pid)


def release_encoder(pid: int) -> None:
    _encoders.discard(pid)


def writing_now() -> bool:
    """Whether this process is writing into an output folder."""
    return bool(_paths)


def abandon() -> None:
    """Stop the encoders and remove every file and folder of ours being written (and the lock files
    held, which the process releases as it exits). Safe in a signal handler: no logging, no lock."""
    for pid in list(_encoders):
        try:
            os.kill(pid, signal.SIGKILL)  # not yet waited for: the pid is still this child's
            os.waitpid(pid, 0)  # gone before its folder is removed
        except (ProcessLookupError, ChildProcessError):
            pass
    for path in list(_paths):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass
