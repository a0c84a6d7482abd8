"""Plumbing (a first read can skip it): the MNIST archives on disk, md5 checks, copying from a local mirror,
and what loading will find. `load_mnist` in data.py is the part to read."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from ._safe_files import (
    atomic_write,
    describe_bytes,
    fill,
    folder_problem,
    free_bytes,
    is_disk_full,
    keep_aside,
)
from .settings import mnist_mirror

# Archive name -> md5, exactly as torchvision checks them (torchvision.datasets.MNIST.resources).
ARCHIVES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
ARCHIVE_BYTES = {
    "train-images-idx3-ubyte.gz": 9_912_422,
    "train-labels-idx1-ubyte.gz": 28_881,
    "t10k-images-idx3-ubyte.gz": 1_648_877,
    "t10k-labels-idx1-ubyte.gz": 4_542,
}
# Sizes of the extracted idx files: a shorter file is a broken extraction.
EXTRACTED_BYTES = {
    "train-images-idx3-ubyte": 16 + 60_000 * 28 * 28,
    "train-labels-idx1-ubyte": 8 + 60_000,
    "t10k-images-idx3-ubyte": 16 + 10_000 * 28 * 28,
    "t10k-labels-idx1-ubyte": 8 + 10_000,
}
# md5 of the extracted idx files (from the verified archives): scrambled or half-written data is never loaded.
EXTRACTED_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
FOLDER_FIX = "set COURSE_DATA_DIR to a folder you can write to (`export COURSE_DATA_DIR=~/mnist-data`), then restart Jupyter"
SPACE_FIX = "free some space on that disk and run the cell again, or " + FOLDER_FIX.replace(
    "you can write to", "on a disk with room"
)


class MnistDataError(RuntimeError):
    """MNIST could not be made available; the message says what to do."""


def md5sum(path: Path) -> str:
    """The md5 hex digest of a file."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "md5").hexdigest()


def how_to_get_mnist(raw: Path) -> str:
    """What to do when MNIST is neither on disk nor in a mirror: both fixes, with the four file names."""
    return (
        "either connect to the internet (torchvision then downloads MNIST, about 11 MB), "
        "or put the four archives "
        + ", ".join(ARCHIVES)
        + " in a folder and set MNIST_MIRROR to it "
        f"(`export MNIST_MIRROR=/path/to/folder`, then restart Jupyter), or copy them into {raw}"
    )


def space_needed(raw: Path) -> int:
    """Bytes the archives and extracted files not yet in `raw` need (plus room for a temporary)."""
    missing = {
        name: size
        for name, size in (ARCHIVE_BYTES | EXTRACTED_BYTES).items()
        if not (raw / name).is_file() or (raw / name).stat().st_size != size
    }
    return sum(missing.values()) + (max(missing.values()) if missing else 0)


def disk_full(raw: Path) -> str:
    """'disk full (the disk holding <raw> has <free> free, MNIST needs <needed> more)'."""
    free, needed = describe_bytes(free_bytes(raw)), describe_bytes(space_needed(raw))
    return f"disk full (the disk holding {raw} has {free} free, MNIST needs {needed} more)"


def archive_problems(folder: Path) -> dict[str, str]:
    """Archive name -> "missing" or "corrupted" for each of the four MNIST archives not intact in `folder`."""
    return {
        name: "missing" if not (folder / name).is_file() else "corrupted"
        for name, md5 in ARCHIVES.items()
        if not (folder / name).is_file() or md5sum(folder / name) != md5
    }


def describe_problems(problems: dict[str, str]) -> str:
    """'a missing, b corrupted' for a dict of archive problems."""
    return ", ".join(f"{name} {what}" for name, what in problems.items())


def extracted_intact(raw: Path) -> bool:
    """True when the four extracted idx files are in `raw`, each with its known size and md5."""
    return all(
        (raw / name).is_file()
        and (raw / name).stat().st_size == EXTRACTED_BYTES[name]
        and md5sum(raw / name) == md5
        for name, md5 in EXTRACTED_MD5.items()
    )


def copy_from_mirror(mirror: Path, dest: Path) -> None:
    """Copy the four archives from a local mirror into `dest`, checking each md5 first."""
    dest.mkdir(parents=True, exist_ok=True)
    for name, md5 in ARCHIVES.items():
        target = dest / name
        if target.is_file() and md5sum(target) == md5:
            continue
        if not (mirror / name).is_file() or md5sum(mirror / name) != md5:
            raise MnistDataError(
                f"{mirror / name} is missing or corrupted (its md5 is not {md5}). "
                "Put an intact copy in the mirror folder, then run again."
            )
        with open(mirror / name, "rb") as source:  # an interrupted copy never looks complete
            atomic_write(target, lambda f: shutil.copyfileobj(source, f))


def set_aside_broken_files(raw: Path) -> list[str]:
    """Move corrupted archives aside and delete damaged extractions; return what was found."""
    found = []
    for name in archive_problems(raw):
        if (raw / name).is_file():
            kept = keep_aside(raw / name, ".gz")  # kept for inspection, never over an earlier one
            found.append(f"{raw / name} (md5 mismatch, renamed to {kept.name})")
    for name, md5 in EXTRACTED_MD5.items():
        if (raw / name).is_file() and md5sum(raw / name) != md5:
            (raw / name).unlink()  # derived from the archive: torchvision extracts it again
            found.append(f"{raw / name} (damaged extraction, extracted again)")
    return found


def download_failed(raw: Path, broken: list[str], error: Exception) -> str:
    """The one message a learner needs when copying, downloading or extracting fails."""
    text = str(error).strip()
    detail = "".join(f"\n  found and set aside: {b}" for b in broken)
    cause = f"\n  (it failed with: {text.splitlines()[-1] if text else type(error).__name__})\n"
    if is_disk_full(error) or free_bytes(raw) < space_needed(raw):  # never blame the network for it
        return f"MNIST could not be stored: {disk_full(raw)}.{detail}{cause}" + fill(
            f"What to do: {SPACE_FIX}."
        )
    if mnist_mirror() is not None:  # the archives were copied: extracting them failed
        return (
            f"MNIST could not be extracted in {raw} from MNIST_MIRROR={mnist_mirror()}."
            f"{detail}{cause}"
            + fill(f"What to do: check that {raw} can be written, or {FOLDER_FIX}.")
        )
    return (
        f"MNIST is not available in {raw} and could not be downloaded (no network?).{detail}{cause}"
        + fill("What to do: " + how_to_get_mnist(raw) + ".")
    )


@dataclass(frozen=True)
class DataStatus:
    """What load_mnist will do, found by looking only: ready or not, what is there, what to do, and a note."""

    ready: bool
    source: str  # "extracted", "mirror", "archives", "folder" (cannot write), "missing" (download needed)
    found: str
    fix: str = ""
    note: str = ""


def mnist_status(root: Path) -> DataStatus:
    """Look (no writes, no locks) at the data folder `root` and the mirror: what loading MNIST will do."""
    raw, mirror = root / "MNIST" / "raw", mnist_mirror()
    if root.exists() and not root.is_dir():
        return DataStatus(
            False, "folder", f"COURSE_DATA_DIR={root} is a file, not a folder", FOLDER_FIX
        )
    if extracted_intact(raw):
        corrupted = [name for name, what in archive_problems(raw).items() if what == "corrupted"]
        note = (
            f"{', '.join(corrupted)} in {raw} is corrupted (md5 mismatch) but not needed: the extracted files "
            "are verified. Delete it, or replace it with an intact copy."
            if corrupted
            else ""
        )
        return DataStatus(
            True, "extracted", f"the four extracted files in {raw} are verified (md5)", note=note
        )
    problem = folder_problem(raw)
    if problem:
        return DataStatus(
            False, "folder", f"MNIST is not complete in {raw} and {problem}", FOLDER_FIX
        )
    if free_bytes(raw) < space_needed(raw):
        return DataStatus(False, "folder", f"MNIST is not complete: {disk_full(raw)}", SPACE_FIX)
    if mirror is not None:
        if not mirror.is_dir():
            return DataStatus(
                False,
                "mirror",
                f"MNIST_MIRROR={mirror} is not a folder",
                "point MNIST_MIRROR at the folder holding the four MNIST .gz archives, or unset it",
            )
        bad = archive_problems(mirror)
        if bad:
            return DataStatus(
                False,
                "mirror",
                f"MNIST_MIRROR={mirror}: {describe_problems(bad)}",
                "put intact copies of those archives in the mirror folder (names exactly as shown), "
                "or unset MNIST_MIRROR to download",
            )
        return DataStatus(
            True, "mirror", f"the four archives in MNIST_MIRROR={mirror} are intact (md5 checked)"
        )
    bad = archive_problems(raw)
    if not bad:
        return DataStatus(True, "archives", f"the four archives in {raw} are intact (md5 checked)")
    found = f"not in {raw}" if len(bad) == len(ARCHIVES) else f"in {raw}: {describe_problems(bad)}"
    return DataStatus(False, "missing", found + "; MNIST_MIRROR is not set", how_to_get_mnist(raw))
