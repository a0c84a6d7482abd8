"""Plumbing (a first read can skip it): files that are never half-written, never overwritten by accident, and folders checked before any work."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: writes stay atomic, only parallel writers are not serialised
    fcntl = None


def folder_problem(folder: Path) -> str | None:
    """Why files cannot be written in `folder` (or it cannot be created), or None; it leaves nothing behind."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    try:
        if existing == folder:
            with tempfile.TemporaryFile(dir=folder):
                return None
        os.rmdir(tempfile.mkdtemp(dir=existing))  # can a folder be created where it would go?
        return None
    except OSError as error:
        return f"{folder} cannot be written or created ({error.strerror or type(error).__name__})"


@contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` (created if missing), so parallel processes take turns."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call `write(file)` on a temporary file beside `path`, then rename it over `path`: readers see old or new."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(
            temporary, 0o666 & ~_umask()
        )  # mkstemp makes it private; the result is an ordinary file
        with os.fdopen(handle, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def keep_aside(path: Path, suffix: str = ".pt") -> Path:
    """Rename `path` to <stem>.<time>.old<suffix>, never over an existing file; return the new path."""
    stem, stamp = path.name.removesuffix(suffix), datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
    kept, n = path.with_name(f"{stem}.{stamp}.old{suffix}"), 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{stem}.{stamp}-{n}.old{suffix}")
    os.replace(path, kept)
    return kept
