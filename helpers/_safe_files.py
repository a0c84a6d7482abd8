"""Plumbing (a first read can skip it): files never half-written, never overwritten by accident,
folders checked before any work (free space included), advice whose commands are never wrapped."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: writes stay atomic, only parallel writers are not serialised
    fcntl = None


def nearest_existing(folder: Path) -> Path:
    """`folder`, or the nearest folder above it that exists (where it would be created)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def folder_problem(folder: Path) -> str | None:
    """Why files cannot be written in `folder` (or it cannot be created), or None; it leaves nothing behind."""
    existing = nearest_existing(folder)
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


def free_bytes(folder: Path) -> int:
    """Free space, in bytes, on the disk that holds (or would hold) `folder`."""
    return shutil.disk_usage(nearest_existing(folder)).free


def describe_bytes(n: int) -> str:
    """'1.5 MB' (decimal units, as file browsers show them)."""
    value, unit = float(n), "bytes"
    for bigger in ("kB", "MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{n} bytes" if unit == "bytes" else f"{value:.1f} {unit}"


# ENOSPC: no space left; EDQUOT: over the user's quota, which is the same to a student.
DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def is_disk_full(error: BaseException) -> bool:
    """True when `error`, or one it arose from, is "no space left" (torch wraps it in another)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in DISK_FULL_ERRNOS:
            return True
        if "No space left on device" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def fill(text: str, width: int = 100, indent: str = "", subsequent_indent: str = "") -> str:
    """`textwrap.fill`, but a `command in backticks` is never broken, at a space or at a hyphen."""
    # A no-break space is not whitespace to textwrap, so a protected command wraps as one word.
    protected = "`".join(
        part.replace(" ", "\u00a0") if i % 2 else part for i, part in enumerate(text.split("`"))
    )
    wrapped = textwrap.fill(
        protected,
        width,
        initial_indent=indent,
        subsequent_indent=subsequent_indent,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return wrapped.replace("\u00a0", " ")


@contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` (created if missing), so parallel processes take turns."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@contextmanager
def try_locked(lock_file: Path) -> Iterator[bool]:
    """Like `locked`, without waiting: True if the lock was free (and is now held), else False."""
    if fcntl is None:  # no locks to ask (Windows): assume someone may hold it
        yield False
        return
    with open(lock_file, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def _umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


TEMP_SUFFIX = ".tmp"  # atomic_write's temporary files are .<name>.<random>.tmp beside <name>


def temporary_files(folder: Path) -> dict[Path, str]:
    """atomic_write's temporary files in `folder` (killed saves leave them) -> each one's file."""
    # mkstemp's random part has no dot: the name it was for is all before the last two dots.
    return {
        temporary: temporary.name[1:].rsplit(".", 2)[0]
        for temporary in folder.glob(f".*.*{TEMP_SUFFIX}")
        if temporary.is_file()
    }


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call `write(file)` on a temporary file beside `path`, then rename it over `path`: readers see old or new."""
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX
    )
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
