"""MNIST through torchvision, offline-safe, turned once into normalised in-memory tensors."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.error import URLError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

import torch
from torchvision.datasets import MNIST

from .settings import FAST_TEST_PER_CLASS, FAST_TRAIN_PER_CLASS, FAST_VAL_PER_CLASS, REPO_ROOT, SEED, data_dir, fast_mode

# The training set's pixel mean and standard deviation (after ToTensor), computed in notebook 01.
MEAN = 0.1307
STD = 0.3081

# Archive name -> md5, exactly as torchvision checks them.
ARCHIVES: dict[str, str] = dict(MNIST.resources)
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


class MnistDataError(RuntimeError):
    """MNIST could not be made available; the message says what to do."""


def raw_dir() -> Path:
    """The folder torchvision reads the archives from: <data root>/MNIST/raw."""
    return data_dir() / "MNIST" / "raw"


def mirror_dir() -> Path | None:
    """The MNIST_MIRROR folder, if set; a relative path is read from the course's root folder."""
    value = os.environ.get("MNIST_MIRROR", "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else (REPO_ROOT / path).resolve()


def md5sum(path: Path) -> str:
    """The md5 hex digest of a file."""
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def how_to_get_mnist() -> str:
    """What to do when MNIST is neither on disk nor in a mirror: both fixes, with the four file names."""
    return (
        "either connect to the internet (torchvision then downloads MNIST, about 11 MB), "
        "or put the four archives " + ", ".join(ARCHIVES) + " in a folder and set MNIST_MIRROR to it "
        "(`export MNIST_MIRROR=/path/to/folder`, then restart Jupyter), "
        f"or copy them into {raw_dir()}"
    )


def copy_from_mirror(mirror: Path, dest: Path) -> None:
    """Copy the four archives from a local mirror into `dest`, checking each md5 first."""
    dest.mkdir(parents=True, exist_ok=True)
    for name, md5 in ARCHIVES.items():
        target = dest / name
        if target.is_file() and md5sum(target) == md5:
            continue
        if not (mirror / name).is_file() or md5sum(mirror / name) != md5:
            raise MnistDataError(f"{mirror / name} is missing or corrupted (its md5 is not {md5}). "
                                 "Put an intact copy in the mirror folder, then run again.")
        # Copy beside the target, then rename: an interrupted copy never looks complete.
        partial = target.with_name(name + ".partial")
        shutil.copyfile(mirror / name, partial)
        os.replace(partial, target)


def archive_problems(folder: Path) -> dict[str, str]:
    """Archive name -> "missing" or "corrupted" for each of the four MNIST archives not intact in `folder`."""
    problems = {}
    for name, md5 in ARCHIVES.items():
        path = folder / name
        if not path.is_file():
            problems[name] = "missing"
        elif md5sum(path) != md5:
            problems[name] = "corrupted"
    return problems


def extracted_intact(folder: Path) -> bool:
    """True when the four extracted idx files are in `folder`, each with its known md5."""
    return all(
        (folder / name).is_file() and (folder / name).stat().st_size == EXTRACTED_BYTES[name]
        and md5sum(folder / name) == md5
        for name, md5 in EXTRACTED_MD5.items()
    )


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


@dataclass(frozen=True)
class DataStatus:
    """What load_mnist will do, found by looking only: ready or not, what is there, what to do, and a note."""

    ready: bool
    source: str  # "extracted", "mirror", "archives", "folder" (cannot write), "missing" (download needed)
    found: str
    fix: str = ""
    note: str = ""


def mnist_status() -> DataStatus:
    """Look (no writes, no locks) at the data folder and the mirror: what loading MNIST will do."""
    root, raw, mirror = data_dir(), raw_dir(), mirror_dir()
    if root.exists() and not root.is_dir():
        return DataStatus(False, "folder", f"COURSE_DATA_DIR={root} is a file, not a folder", FOLDER_FIX)
    if extracted_intact(raw):
        bad = archive_problems(raw)
        corrupted = [name for name, what in bad.items() if what == "corrupted"]
        note = (f"{', '.join(corrupted)} in {raw} is corrupted (md5 mismatch) but not needed: the extracted files "
                "are verified. Delete it, or replace it with an intact copy." if corrupted else "")
        return DataStatus(True, "extracted", f"the four extracted files in {raw} are verified (md5)", note=note)
    problem = folder_problem(raw)
    if problem:
        return DataStatus(False, "folder", f"MNIST is not complete in {raw} and {problem}", FOLDER_FIX)
    if mirror is not None:
        if not mirror.is_dir():
            return DataStatus(False, "mirror", f"MNIST_MIRROR={mirror} is not a folder",
                              "point MNIST_MIRROR at the folder holding the four MNIST .gz archives, or unset it")
        bad = archive_problems(mirror)
        if bad:
            return DataStatus(False, "mirror", f"MNIST_MIRROR={mirror}: {describe_problems(bad)}",
                              "put intact copies of those archives in the mirror folder (names exactly as shown), "
                              "or unset MNIST_MIRROR to download")
        return DataStatus(True, "mirror", f"the four archives in MNIST_MIRROR={mirror} are intact (md5 checked)")
    bad = archive_problems(raw)
    if not bad:
        return DataStatus(True, "archives", f"the four archives in {raw} are intact (md5 checked)")
    found = f"not in {raw}" if len(bad) == len(ARCHIVES) else f"in {raw}: {describe_problems(bad)}"
    return DataStatus(False, "missing", found + "; MNIST_MIRROR is not set", how_to_get_mnist())


def describe_problems(problems: dict[str, str]) -> str:
    """'a missing, b corrupted' for a dict of archive problems."""
    return ", ".join(f"{name} {what}" for name, what in problems.items())


def _set_aside_broken_files(raw: Path) -> list[str]:
    """Move corrupted archives aside and delete truncated extractions; return what was found."""
    found = []
    for name, md5 in ARCHIVES.items():
        archive = raw / name
        if archive.is_file() and md5sum(archive) != md5:
            archive.replace(raw / (name + ".corrupted"))  # kept, not deleted, for inspection
            found.append(f"{archive} (md5 mismatch, renamed to {name}.corrupted)")
    for name, md5 in EXTRACTED_MD5.items():
        extracted = raw / name
        if extracted.is_file() and md5sum(extracted) != md5:
            extracted.unlink()  # derived from the archive: torchvision extracts it again
            found.append(f"{extracted} (damaged extraction, extracted again)")
    return found


@contextmanager
def _data_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` so parallel processes never copy or extract at once."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        if fcntl is not None:  # POSIX; on Windows parallel preparation is simply not guarded
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def load_mnist(train: bool, transform=None) -> MNIST:
    """The torchvision MNIST split: verified on disk (read-only is fine), else from MNIST_MIRROR or the internet."""
    status = mnist_status()  # the environment check reports exactly this
    if status.note:
        warnings.warn(status.note, stacklevel=2)
    if status.source == "extracted":  # complete and verified: nothing to write, no lock needed
        return MNIST(str(data_dir()), train=train, download=False, transform=transform)
    if not status.ready and status.source in ("folder", "mirror"):  # the same words as the environment check
        raise MnistDataError(f"{status.found}.\n" + textwrap.fill(f"What to do: {status.fix}.", 100))
    with _data_lock(data_dir()):
        dataset = _load_mnist_unlocked(train, transform)
    if not extracted_intact(raw_dir()):
        raise MnistDataError(
            f"The extracted MNIST files in {raw_dir()} do not match their known md5 sums. "
            f"Delete the folder {raw_dir()} and run again."
        )
    return dataset


def _load_mnist_unlocked(train: bool, transform=None) -> MNIST:
    raw = raw_dir()
    mirror = mirror_dir()
    if mirror is not None:
        copy_from_mirror(mirror, raw)
    broken = _set_aside_broken_files(raw) if raw.is_dir() else []
    try:
        return MNIST(str(data_dir()), train=train, download=True, transform=transform)
    except (RuntimeError, URLError, OSError) as error:
        detail = "".join(f"\n  found and set aside: {b}" for b in broken)
        first_line = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        # `from None`: the chained urllib traceback would bury the one message a learner needs.
        raise MnistDataError(
            f"MNIST is not available in {raw} and could not be downloaded (no network?).{detail}\n"
            f"  (the download failed with: {first_line})\n"
            + textwrap.fill("What to do: " + how_to_get_mnist() + ".", 100)
        ) from None


def balanced_indices(labels: torch.Tensor, per_class: int) -> torch.Tensor:
    """Indices of the first `per_class` examples of each digit, in dataset order."""
    picks = [torch.nonzero(labels == digit).flatten()[:per_class] for digit in range(10)]
    return torch.sort(torch.cat(picks)).values


def to_tensors(dataset: MNIST) -> tuple[torch.Tensor, torch.Tensor]:
    """Images as normalised float32 [N, 1, 28, 28] and labels as int64, straight from the uint8 data."""
    images = (dataset.data.unsqueeze(1).float() / 255.0 - MEAN) / STD
    return images, dataset.targets.long()


def mnist_tensors(train: bool, fast: bool | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """One split as in-memory tensors: all of it, or the balanced fast-mode subset."""
    images, labels = to_tensors(load_mnist(train))
    if fast_mode() if fast is None else fast:
        keep = balanced_indices(labels, FAST_TRAIN_PER_CLASS if train else FAST_TEST_PER_CLASS)
        images, labels = images[keep], labels[keep]
    return images, labels


def denormalize(images: torch.Tensor) -> torch.Tensor:
    """Undo the normalisation, back to pixel values in [0, 1] for display."""
    return (images * STD + MEAN).clamp(0, 1)


def train_val_split(
    images: torch.Tensor, labels: torch.Tensor, val_fraction: float = 0.1, seed: int = SEED
) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """A seeded random split into (train images, labels) and (validation images, labels)."""
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
    n_val = int(round(len(labels) * val_fraction))
    val, train = order[:n_val], order[n_val:]
    return (images[train], labels[train]), (images[val], labels[val])


class TensorLoader:
    """Mini-batches sliced from in-memory tensors; reshuffled each epoch by a seeded generator."""

    def __init__(
        self, images: torch.Tensor, labels: torch.Tensor, batch_size: int, shuffle: bool = True, seed: int = SEED
    ) -> None:
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        self.images, self.labels = images, labels
        self.batch_size, self.shuffle = batch_size, shuffle
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return -(-len(self.labels) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.labels)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for start in range(0, n, self.batch_size):
            batch = order[start : start + self.batch_size]
            yield self.images[batch], self.labels[batch]


VAL_SIZE = 5_000  # validation images held out of the 60,000 training images (full mode)


class Splits(NamedTuple):
    """Normalised image and label tensors of the three splits: train (fit), validation (choose), test (report once)."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    val_x: torch.Tensor
    val_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor


def load_splits() -> Splits:
    """55,000 train / 5,000 validation (seeded split of the training set) and the 10,000 test images; balanced subsets in fast mode."""
    images, labels = to_tensors(load_mnist(train=True))
    (train_x, train_y), (val_x, val_y) = train_val_split(images, labels, VAL_SIZE / len(labels), SEED)
    test_x, test_y = to_tensors(load_mnist(train=False))
    if not fast_mode():
        return Splits(train_x, train_y, val_x, val_y, test_x, test_y)
    # Fast mode: the first images of each digit of each split (so each is a subset of its full split).
    train, val, test = (balanced_indices(y, n) for y, n in (
        (train_y, FAST_TRAIN_PER_CLASS), (val_y, FAST_VAL_PER_CLASS), (test_y, FAST_TEST_PER_CLASS)
    ))
    return Splits(train_x[train], train_y[train], val_x[val], val_y[val], test_x[test], test_y[test])
