"""MNIST through torchvision, offline-safe, turned once into normalised in-memory tensors."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.error import URLError

import torch
import torch.nn.functional as F
from torchvision.datasets import MNIST

from . import _mnist_files as mnist_files
from ._mnist_files import MnistDataError
from ._safe_files import fill, locked
from .settings import (
    FAST_TEST_PER_CLASS,
    FAST_TRAIN_PER_CLASS,
    FAST_VAL_PER_CLASS,
    SEED,
    VAL_SIZE,
    data_dir,
    fast_mode,
    mnist_mirror,
)

# The training set's pixel mean and standard deviation (after ToTensor), computed in notebook 01.
MEAN = 0.1307
STD = 0.3081
BLANK = float(
    (torch.zeros(()) - MEAN) / STD
)  # blank paper (pixel 0) as normalised in float32, as the data is
Pair = tuple[torch.Tensor, torch.Tensor]  # images and their labels


def raw_dir() -> Path:
    """The folder torchvision reads the archives from: <data root>/MNIST/raw."""
    return data_dir() / "MNIST" / "raw"


def load_mnist(train: bool, transform=None) -> MNIST:
    """The torchvision MNIST split: verified on disk (read-only is fine), else from MNIST_MIRROR or the internet."""
    root, raw = data_dir(), raw_dir()
    status = mnist_files.mnist_status(root)  # the environment check reports exactly this
    if status.note:
        warnings.warn(status.note, stacklevel=2)
    if status.source == "extracted":  # complete and verified: nothing to write, no lock needed
        return MNIST(str(root), train=train, download=False, transform=transform)
    if not status.ready and status.source in (
        "folder",
        "mirror",
    ):  # the same words as the environment check
        raise MnistDataError(f"{status.found}.\n" + fill(f"What to do: {status.fix}."))
    with locked(root / ".lock"):  # parallel processes never copy or extract at once
        broken = []
        try:
            if (mirror := mnist_mirror()) is not None:
                mnist_files.copy_from_mirror(mirror, raw)
            broken = mnist_files.set_aside_broken_files(raw) if raw.is_dir() else []
            dataset = MNIST(str(root), train=train, download=True, transform=transform)
        except MnistDataError:  # a damaged mirror: its own message says what to do
            raise
        except (RuntimeError, URLError, OSError) as error:  # a full disk too, while copying
            # `from None`: the chained urllib traceback would bury the one message a learner needs.
            raise MnistDataError(mnist_files.download_failed(raw, broken, error)) from None
    if not mnist_files.extracted_intact(raw):
        raise MnistDataError(
            f"The extracted MNIST files in {raw} do not match their known md5 sums. "
            f"Delete the folder {raw} and run again."
        )
    return dataset


def balanced_indices(labels: torch.Tensor, per_class: int) -> torch.Tensor:
    """Indices of the first `per_class` examples of each digit, in dataset order."""
    picks = [torch.nonzero(labels == digit).flatten()[:per_class] for digit in range(10)]
    return torch.sort(torch.cat(picks)).values


def to_tensors(dataset: MNIST) -> Pair:
    """Images as normalised float32 [N, 1, 28, 28] and labels as int64, straight from the uint8 data."""
    images = (dataset.data.unsqueeze(1).float() / 255.0 - MEAN) / STD
    return images, dataset.targets.long()


def mnist_tensors(train: bool, fast: bool | None = None) -> Pair:
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
) -> tuple[Pair, Pair]:
    """A seeded random split into (train images, labels) and (validation images, labels)."""
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
    n_val = round(len(labels) * val_fraction)
    val, train = order.split([n_val, len(labels) - n_val])
    return (images[train], labels[train]), (images[val], labels[val])


def random_shift(images: torch.Tensor, max_shift: int, generator: torch.Generator) -> torch.Tensor:
    """Each image moved by up to `max_shift` pixels down or up and right or left; blank paper fills the gap."""
    size, n = images.shape[-1], 2 * max_shift + 1
    padded = F.pad(images, [max_shift] * 4, value=BLANK)
    offsets = torch.randint(
        0, n, (len(images), 2), generator=generator
    )  # where each 28x28 window starts
    shifted = torch.empty_like(images)
    for top in range(n):
        for left in range(n):
            picked = torch.nonzero((offsets[:, 0] == top) & (offsets[:, 1] == left)).flatten()
            shifted[picked] = padded[picked, :, top : top + size, left : left + size]
    return shifted


class TensorLoader:
    """Mini-batches sliced from in-memory tensors; reshuffled (and, with `shift`, moved) anew each epoch."""

    def __init__(
        self,
        images: torch.Tensor,
        labels: torch.Tensor,
        batch_size: int,
        shuffle: bool = True,
        seed: int = SEED,
        shift: int = 0,
    ) -> None:
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        self.images, self.labels, self.batch_size, self.shuffle = (
            images,
            labels,
            batch_size,
            shuffle,
        )
        self.shift = shift  # data augmentation: move each image by up to `shift` pixels (0: never)
        self.generator = torch.Generator().manual_seed(seed)
        self.shift_generator = torch.Generator().manual_seed(
            seed
        )  # apart: shifting leaves the batches as they were

    def __len__(self) -> int:
        return -(-len(self.labels) // self.batch_size)

    def __iter__(self) -> Iterator[Pair]:
        n = len(self.labels)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for batch in order.split(self.batch_size):
            images = self.images[batch]
            yield (
                (random_shift(images, self.shift, self.shift_generator) if self.shift else images),
                self.labels[batch],
            )


class Splits(NamedTuple):
    """Normalised image and label tensors of the three splits: train (fit), validation (choose), test (report once)."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    val_x: torch.Tensor
    val_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor


def load_splits() -> Splits:
    """55,000 train / 5,000 validation (seeded split of the training set) and 10,000 test images; fast: subsets."""
    images, labels = to_tensors(load_mnist(train=True))
    (train_x, train_y), (val_x, val_y) = train_val_split(
        images, labels, VAL_SIZE / len(labels), SEED
    )
    test_x, test_y = to_tensors(load_mnist(train=False))
    if not fast_mode():
        return Splits(train_x, train_y, val_x, val_y, test_x, test_y)
    # Fast mode: the first images of each digit of each split (so each is a subset of its full split).
    train, val, test = (
        balanced_indices(y, n)
        for y, n in (
            (train_y, FAST_TRAIN_PER_CLASS),
            (val_y, FAST_VAL_PER_CLASS),
            (test_y, FAST_TEST_PER_CLASS),
        )
    )
    return Splits(
        train_x[train], train_y[train], val_x[val], val_y[val], test_x[test], test_y[test]
    )
