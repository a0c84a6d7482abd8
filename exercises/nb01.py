"""Notebook 01 (data exploration): the exercises' checks, hints and solutions."""

import inspect
from functools import cache
from typing import Any

import torch

from exercises.checking import Exercise, Wrong, ____, call, close
from helpers import load_mnist

__all__ = ["____", "ex1", "ex2", "ex3"]


@cache
def _mnist(train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """All images of one set as floats in [0, 1], [N, 28, 28], and their labels (read once)."""
    dataset = load_mnist(train=train)
    return dataset.data.float() / 255, dataset.targets


def _function(fn: Any, name: str) -> None:
    """`Wrong` unless `fn` is a function the student wrote (a def or a lambda)."""
    if not (inspect.isfunction(fn) or inspect.ismethod(fn)):
        raise Wrong(f"{name} should be the function you wrote (def {name}(...)), not {fn!r}")


def _labels(value: Any, name: str, n: int) -> list[int]:
    """`value` (a list, tuple or tensor of n whole numbers) as a list of ints, else `Wrong`."""
    if isinstance(value, torch.Tensor):
        if value.is_floating_point() or value.dim() != 1:
            raise Wrong(f"{name} should be {n} whole numbers; you gave a tensor of {value.shape}")
        value = value.tolist()
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise Wrong(f"{name} should be a list of {n} whole numbers; you gave {value!r:.60}")
    if len(value) != n:
        raise Wrong(f"{name} has {len(value)} labels; expected {n}")
    return list(value)


# Exercise 1: make_grid of the first 12 test images, one row, padding 2: [3, 2 + 28 + 2, 12*30 + 2]
GRID_SHAPE = (3, 32, 362)


def _tiles(grid: torch.Tensor) -> torch.Tensor:
    """The 12 images inside a one-row grid with padding 2, first channel: [12, 28, 28]."""
    return torch.stack([grid[0, 2:30, 2 + 30 * i : 30 + 30 * i] for i in range(12)])


def _check_test_grid(test_grid: Any, test_labels: Any) -> str:
    """Exercise 1: the first 12 test images as one make_grid picture, and their labels."""
    if not isinstance(test_grid, torch.Tensor):
        raise Wrong(
            f"test_grid should be the tensor make_grid returns, not {type(test_grid).__name__}"
        )
    shape = tuple(test_grid.shape)
    if len(shape) == 4:
        raise Wrong(f"test_grid has shape {shape}, a batch of images: pass it to make_grid")
    if shape == (3, 62, 242):
        raise Wrong("the grid has 2 rows: make_grid puts 8 images per row unless nrow=12")
    if shape != GRID_SHAPE:
        raise Wrong(
            f"test_grid has shape {shape}; 12 images in one row with 2 pixels of padding give "
            f"{GRID_SHAPE} (make_grid(images, nrow=12, padding=2))"
        )
    tiles = _tiles(test_grid.detach().cpu().float())
    if tiles.max() > 1.5:
        raise Wrong("the grid's values go up to 255: ToTensor's images (0 to 1) are what to show")
    test_images, labels = _mnist(False)
    if not close(tiles, test_images[:12], rel=0, abs_tol=1e-3):
        if close(tiles, _mnist(True)[0][:12], rel=0, abs_tol=1e-3):
            raise Wrong("those are the first 12 training images: use the test set (train=False)")
        wrong = next(i for i in range(12) if not close(tiles[i], test_images[i], 0, 1e-3))
        raise Wrong(f"image {wrong} of the grid is not test image {wrong}: take test 0 to 11")
    given = _labels(test_labels, "test_labels", 12)
    if given != labels[:12].tolist():
        if given == _mnist(True)[1][:12].tolist():
            raise Wrong("test_labels are the first 12 training labels: use the test set's")
        raise Wrong("test_labels are not the labels of those 12 test images, in order")
    return "the first 12 test images in one row, with their labels."


ex1 = Exercise(
    "ex1",
    _check_test_grid,
    hints=[
        "`test_tensors[i]` is a pair `(image, label)`; the image is already a [1, 28, 28] tensor.",
        "`torch.stack` turns a list of 12 [1, 28, 28] images into one [12, 1, 28, 28] tensor; "
        "section 5 calls make_grid with nrow, padding and pad_value.",
        "first_test = torch.stack([test_tensors[i][0] for i in range(12)]); "
        "test_grid = make_grid(first_test, nrow=12, padding=2, pad_value=1.0)",
    ],
    solution="""
        test_tensors = load_mnist(train=False, transform=transforms.ToTensor())
        first_test = torch.stack([test_tensors[i][0] for i in range(12)])
        test_labels = [test_tensors[i][1] for i in range(12)]
        test_grid = make_grid(first_test, nrow=12, padding=2, pad_value=1.0)
    """,
    why="Indexing the dataset gives one (image, label) pair at a time; `torch.stack` makes the "
    "batch make_grid needs, and `nrow=12` keeps the 12 images in one row: 2 + 28 + 2 = 32 pixels "
    "high, 12 x 30 + 2 = 362 wide, with the grey channel copied three times.",
    answer_names=("test_grid", "test_labels"),
)


# Exercise 2: the mean pixel value of each digit's images, as a function the check can call.
def _ink_inputs() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Small images and labels (unequal counts per digit, so a sum is not a mean) and the answer."""
    generator = torch.Generator().manual_seed(1)
    labels = torch.cat([torch.full((d % 3 + 1,), d) for d in range(10)])  # 1 to 3 images per digit
    images = torch.rand(len(labels), 28, 28, generator=generator, dtype=torch.float64)
    images *= (labels.double() + 1).view(-1, 1, 1) / 10  # digit d's ink around (d + 1) / 20
    expected = torch.stack([images[labels == d].mean() for d in range(10)])
    return images, labels, expected


def _check_ink(ink_per_digit: Any, most_ink: Any) -> str:
    """Exercise 2: ink_per_digit(images, labels) -> 10 means; the digit with the most ink."""
    _function(ink_per_digit, "ink_per_digit")
    images, labels, expected = _ink_inputs()
    result = call(ink_per_digit, images, labels)
    try:
        result = torch.as_tensor(result, dtype=torch.float64).flatten()
    except (TypeError, ValueError, RuntimeError):
        raise Wrong(
            f"ink_per_digit returned {type(result).__name__}: expected 10 numbers"
        ) from None
    if len(result) != 10:
        raise Wrong(
            f"ink_per_digit returned {len(result)} numbers for images of 10 digits: one per digit "
            "(a mean over whole images, not one per pixel)"
        )
    if not close(result, expected, rel=1e-4):
        sums = torch.stack([images[labels == d].sum() for d in range(10)])
        if close(result, sums, rel=1e-4):
            raise Wrong("ink_per_digit returns sums: a digit with more images would get more ink")
        raise Wrong("ink_per_digit gives other values than the mean pixel of each digit's images")
    if isinstance(most_ink, torch.Tensor) and most_ink.numel() == 1:
        most_ink = most_ink.item()
    if isinstance(most_ink, bool) or not isinstance(most_ink, int) or not 0 <= most_ink <= 9:
        raise Wrong(f"most_ink should be a digit, a whole number 0 to 9; you gave {most_ink!r}")
    pixels, targets = _mnist(True)
    ink = torch.stack([pixels[targets == d].mean() for d in range(10)])
    if most_ink == int(ink.argmin()):
        raise Wrong(f"{most_ink} is the digit with the least ink: look for the largest mean")
    if most_ink != int(ink.argmax()):
        raise Wrong(f"{most_ink} is not the digit whose mean pixel value is largest")
    least = int(ink.argmin())
    return f"{most_ink}: mean pixel value {ink.max():.3f}, against {ink.min():.3f} for the {least}."


ex2 = Exercise(
    "ex2",
    _check_ink,
    hints=[
        "`labels == d` is True for the images of digit d; `images[labels == d]` keeps only those.",
        "`.mean()` of those images averages every pixel of every one of them: one number per "
        "digit. Return the ten numbers as one tensor (torch.stack or torch.tensor).",
        "return torch.stack([images[labels == d].mean() for d in range(10)]); then "
        "most_ink = int(ink.argmax())",
    ],
    solution="""
        def ink_per_digit(images, labels):
            return torch.stack([images[labels == d].mean() for d in range(10)])

        ink = ink_per_digit(pixels, train_data.targets)
        most_ink = int(ink.argmax())
        fig, ax = plt.subplots(figsize=(12, 4))
        ax.bar(range(10), [float(v) for v in ink])
        ax.set(title="Mean pixel value per digit (how much ink)", xlabel="digit",
               ylabel="mean pixel value (0 to 1)", xticks=range(10))
        plt.show()
    """,
    why="The mean pixel value over all of a digit's images measures how much of the 28 x 28 box "
    "its strokes cover on average. A mean, not a sum: a digit with more images must not get more "
    "ink. The 0 is one long closed loop; the 1 a single short stroke.",
    answer_names=("ink_per_digit", "most_ink"),
)


# Exercise 3: the nearest-mean classifier, as a function the check calls on images it builds.
def _nearest_inputs() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Ten mean images (one much brighter), images near some of them, and their nearest mean.

    The bright mean wins a dot product (or an argmax) but not the Euclidean distance.
    """
    generator = torch.Generator().manual_seed(3)
    means = torch.rand(10, 28, 28, generator=generator) * 0.5
    means[7] = 1.0  # a bright "mean digit": near to nothing, but the largest dot product
    truth = torch.tensor([0, 3, 5, 9, 2, 2, 8, 1, 6, 4, 0, 5])
    noise = torch.rand(len(truth), 28, 28, generator=generator) * 0.1
    images = means[truth] + noise
    return images, means, truth


def _reference_accuracy(train: bool, scale: float = 1.0) -> float:
    """Nearest-mean accuracy with the training set's mean digits, on the test or training set."""
    pixels, targets = _mnist(True)
    means = torch.stack([pixels[targets == d].mean(dim=0) for d in range(10)]).flatten(1)
    images, labels = _mnist(train)
    predicted = torch.cdist(images.flatten(1) * scale, means).argmin(dim=1)
    return (predicted == labels).float().mean().item()


def _check_nearest_mean(nearest_mean_predict: Any, nearest_mean_accuracy: Any) -> str:
    """Exercise 3: nearest_mean_predict(images, mean_digits) -> labels; its test accuracy."""
    _function(nearest_mean_predict, "nearest_mean_predict")
    images, means, truth = _nearest_inputs()
    result = call(nearest_mean_predict, images, means)
    if not isinstance(result, torch.Tensor):
        try:
            result = torch.as_tensor(result)
        except (TypeError, ValueError, RuntimeError):
            raise Wrong(
                f"nearest_mean_predict returned {type(result).__name__}, not labels"
            ) from None
    if tuple(result.shape) == (len(images), 10):
        raise Wrong(
            f"nearest_mean_predict returns shape {tuple(result.shape)}, the distances: return the "
            "index of the smallest one per image (one label each)"
        )
    if tuple(result.shape) != (len(images),):
        raise Wrong(
            f"for {len(images)} images, nearest_mean_predict returned shape {tuple(result.shape)}; "
            f"expected one label per image, shape ({len(images)},)"
        )
    if result.is_floating_point() or result.dtype == torch.bool:
        raise Wrong(f"nearest_mean_predict returns {result.dtype}: labels are whole numbers")
    predicted = result.cpu().long()
    if not torch.equal(predicted, truth):
        if (predicted == 7).all():
            raise Wrong(
                "every image went to the brightest mean digit: that is the largest dot product or "
                "distance (argmax?), not the smallest Euclidean distance"
            )
        wrong = int((predicted != truth).nonzero()[0])
        raise Wrong(
            f"image {wrong} of the check's {len(images)} got label {int(predicted[wrong])}, "
            "but another mean digit is nearer in Euclidean distance"
        )
    if isinstance(nearest_mean_accuracy, torch.Tensor) and nearest_mean_accuracy.numel() == 1:
        nearest_mean_accuracy = nearest_mean_accuracy.item()
    if isinstance(nearest_mean_accuracy, bool) or not isinstance(
        nearest_mean_accuracy, (int, float)
    ):
        raise Wrong(f"nearest_mean_accuracy should be a number; you gave {nearest_mean_accuracy!r}")
    accuracy = _reference_accuracy(train=False)
    if 1 < nearest_mean_accuracy <= 100 and close(nearest_mean_accuracy / 100, accuracy, 0, 1e-3):
        raise Wrong("that is a percentage: give the accuracy as a fraction between 0 and 1")
    if not close(float(nearest_mean_accuracy), accuracy, rel=0, abs_tol=1e-3):
        if close(float(nearest_mean_accuracy), _reference_accuracy(train=True), 0, 1e-3):
            raise Wrong("that is the accuracy on the training images: measure it on the test set")
        if close(float(nearest_mean_accuracy), _reference_accuracy(False, 255.0), 0, 1e-3):
            raise Wrong("the test images were not divided by 255: scale them like mean_digits")
        raise Wrong(
            f"{nearest_mean_accuracy:.4f} is not the share of the 10,000 test images that "
            "nearest_mean_predict labels correctly"
        )
    return f"no training, and {accuracy:.2%} of the test images right: notebook 02 must beat it."


ex3 = Exercise(
    "ex3",
    _check_nearest_mean,
    hints=[
        "Flatten both to rows of 784 numbers (`.flatten(1)`); `torch.cdist(a, b)` gives the "
        "distance of every row of a to every row of b: [N, 10] here.",
        "The nearest mean digit is the one with the smallest distance: `.argmin(dim=1)`. The "
        "accuracy is the mean of `predicted == test_data.targets`, as a float.",
        "return torch.cdist(images.flatten(1), mean_digits.flatten(1)).argmin(dim=1); then "
        "(nearest_mean_predict(test_pixels, mean_digits) == test_data.targets)"
        ".float().mean().item()",
    ],
    solution="""
        def nearest_mean_predict(images, mean_digits):
            distances = torch.cdist(images.flatten(1), mean_digits.flatten(1))  # [N, 10]
            return distances.argmin(dim=1)

        test_pixels = test_data.data.float() / 255  # [10000, 28, 28], 0 to 1 like mean_digits
        predicted = nearest_mean_predict(test_pixels, mean_digits)
        nearest_mean_accuracy = (predicted == test_data.targets).float().mean().item()
        print(f"nearest-mean accuracy on the test set: {nearest_mean_accuracy:.2%}")
    """,
    why="Each mean digit is a template; an image gets the label of the template it is closest to, "
    "pixel by pixel. `cdist` computes all 10,000 x 10 distances at once. It needs no training "
    "loop, only the ten averages, and it gets about four test images in five right: every "
    "network in the course must do clearly better than this.",
    answer_names=("nearest_mean_predict", "nearest_mean_accuracy"),
)
