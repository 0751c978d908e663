"""The safety of a sweep's output folder and of its worker processes.

* **Atomic writes that never follow a symlink**: every file of the folder is written to a
  new temporary file beside it (created exclusively, so a planted name or link is never
  written through) and renamed over the old name; a rename replaces a symbolic link
  itself, never the file it points to.
* **One sweep per folder**: a run holds an exclusive lock on the folder (``flock`` on the
  folder itself, released by the system when the process ends, however it ends), so a
  second run into the same folder is refused at once instead of the two overwriting each
  other's files.
* **Workers that die with their parent**: each worker asks the kernel for ``SIGKILL`` when
  its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``) and, everywhere, watches its parent
  from a thread, so a killed sweep leaves no worker computing for nobody.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from negsim import jsontext

WATCH_SECONDS = 0.5
"""How often a worker checks that its parent is still alive."""


class FolderBusy(RuntimeError):
    """Another sweep holds the folder's lock."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` by a temporary file in the same folder and a rename
    (module docstring); the data are on disk before the rename."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(handle, 0o666 & ~_umask())  # as a plain open would (mkstemp gives 0600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (which must exist) for the block; raise
    :class:`FolderBusy` at once when another process holds it."""
    try:
        import fcntl
    except ImportError:  # no flock on this system: no lock
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusy(
                f"another sweep is writing to {folder}; wait for it to finish or choose "
                "another folder"
            ) from None
        yield
    finally:
        os.close(descriptor)


def die_with_parent() -> None:
    """Make this (worker) process end when its parent does (module docstring); a
    termination request ends it at once (the parent's handler is for the parent)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="negsim-parent-watch", daemon=True).start()


def csv_line(row: Sequence[str]) -> str:
    """One CSV record, with its line end."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    return buffer.getvalue()


def write_rows(path: Path, header: list[str], rows: dict[int, list[str]]) -> None:
    """``rows`` sorted by point under ``header``, by :func:`write_atomic`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for index in sorted(rows):
        writer.writerow(rows[index])
    write_atomic(path, buffer.getvalue().encode("utf-8"))


def write_json(path: Path, data: dict[str, Any]) -> None:
    """``data`` as strict JSON, by :func:`write_atomic`."""
    write_atomic(path, (jsontext.dumps(data, indent=2) + "\n").encode("utf-8"))


def json_kind(value: object) -> str:
    """The JSON name of a parsed value's type, with its article (``an array``, ``null``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__
