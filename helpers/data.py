"""MNIST through torchvision, offline-safe, turned once into normalised in-memory tensors."""

from __future__ import annotations

import hashlib
import os
import shutil
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

import torch
from torchvision.datasets import MNIST

from .settings import FAST_TEST_PER_CLASS, FAST_TRAIN_PER_CLASS, REPO_ROOT, SEED, data_dir, fast_mode

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
    if not mirror.is_dir():
        raise MnistDataError(
            f"MNIST_MIRROR={mirror} is not a folder. Point it at the folder holding the four "
            f"MNIST .gz archives ({', '.join(ARCHIVES)}), or unset it to download."
        )
    missing = [name for name in ARCHIVES if not (mirror / name).is_file()]
    if missing:
        raise MnistDataError(
            f"MNIST_MIRROR={mirror} lacks {', '.join(missing)}. Put all four MNIST archives "
            "there (names as torchvision uses them), or unset MNIST_MIRROR to download."
        )
    dest.mkdir(parents=True, exist_ok=True)
    for name, md5 in ARCHIVES.items():
        target = dest / name
        if target.is_file() and md5sum(target) == md5:
            continue
        if md5sum(mirror / name) != md5:
            raise MnistDataError(
                f"{mirror / name} is corrupted or truncated (its md5 is not {md5}). "
                "Copy a fresh copy of that file into the mirror folder, then run again."
            )
        # Copy beside the target, then rename: an interrupted copy never looks complete.
        partial = target.with_name(name + ".partial")
        shutil.copyfile(mirror / name, partial)
        os.replace(partial, target)


def _set_aside_broken_files(raw: Path) -> list[str]:
    """Move corrupted archives aside and delete truncated extractions; return what was found."""
    found = []
    for name, md5 in ARCHIVES.items():
        archive = raw / name
        if archive.is_file() and md5sum(archive) != md5:
            archive.replace(raw / (name + ".corrupted"))  # kept, not deleted, for inspection
            found.append(f"{archive} (md5 mismatch, renamed to {name}.corrupted)")
    for name, size in EXTRACTED_BYTES.items():
        extracted = raw / name
        if extracted.is_file() and extracted.stat().st_size != size:
            extracted.unlink()  # derived from the archive: torchvision extracts it again
            found.append(f"{extracted} (truncated extraction, will be extracted again)")
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
    """The torchvision MNIST split, from a local mirror (MNIST_MIRROR) or the internet."""
    with _data_lock(data_dir()):
        return _load_mnist_unlocked(train, transform)


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


from typing import NamedTuple  # noqa: E402  (B appends below A's part; the lead may move this import up)

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
    from . import settings

    images, labels = to_tensors(load_mnist(train=True))
    (train_x, train_y), (val_x, val_y) = train_val_split(images, labels, VAL_SIZE / len(labels), SEED)
    test_x, test_y = to_tensors(load_mnist(train=False))
    if not fast_mode():
        return Splits(train_x, train_y, val_x, val_y, test_x, test_y)
    # Fast mode: the first images of each digit of each split (so each is a subset of its full split).
    train, val, test = (balanced_indices(y, n) for y, n in (
        (train_y, settings.FAST_TRAIN_PER_CLASS),
        (val_y, getattr(settings, "FAST_VAL_PER_CLASS", 50)),  # until settings defines it (agent A)
        (test_y, settings.FAST_TEST_PER_CLASS),
    ))
    return Splits(train_x[train], train_y[train], val_x[val], val_y[val], test_x[test], test_y[test])
