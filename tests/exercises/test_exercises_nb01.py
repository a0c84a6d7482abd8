"""Notebook 01's exercises: each check on the blank, typical wrong answers and the solution."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from exercise_cases import assert_exercise, solution_answers  # noqa: E402
from torchvision import transforms  # noqa: E402
from torchvision.utils import make_grid  # noqa: E402

from exercises.nb01 import ex1, ex2, ex3  # noqa: E402
from helpers import load_mnist  # noqa: E402

TRAIN = load_mnist(train=True)
TEST = load_mnist(train=False)
PIXELS = TRAIN.data.double() / 255
MEAN_DIGITS = torch.stack([PIXELS[TRAIN.targets == d].mean(dim=0) for d in range(10)]).float()
# the notebook's names the solutions use (notebook 01 reads all 70,000 images in either mode)
NAMESPACE = {
    "torch": torch,
    "plt": plt,
    "transforms": transforms,
    "make_grid": make_grid,
    "load_mnist": load_mnist,
    "train_data": TRAIN,
    "test_data": TEST,
    "pixels": PIXELS,
    "mean_digits": MEAN_DIGITS,
}


def grid(images: torch.Tensor, **kwargs) -> torch.Tensor:
    """make_grid of [N, 28, 28] uint8 images scaled to [0, 1], one row, padding 2 (unless told)."""
    return make_grid(images.unsqueeze(1).float() / 255, **({"nrow": 12, "padding": 2} | kwargs))


def test_ex1_test_grid():
    labels = TEST.targets[:12].tolist()
    assert_exercise(
        ex1,
        namespace=NAMESPACE,
        wrong=[
            ((grid(TRAIN.data[:12]), TRAIN.targets[:12].tolist()), "training images"),
            ((grid(TEST.data[:12], nrow=8), labels), "2 rows"),
            ((grid(TEST.data[:12], padding=0), labels), "(3, 32, 362)"),
            ((make_grid(TEST.data[:12].unsqueeze(1), nrow=12), labels), "up to 255"),
            ((grid(TEST.data[1:13]), labels), "image 0 of the grid"),
            ((TEST.data[:12].unsqueeze(1).float() / 255, labels), "a batch of images"),
            ((grid(TEST.data[:12]), TRAIN.targets[:12].tolist()), "training labels"),
            ((grid(TEST.data[:12]), labels[::-1]), "not the labels"),
            ((grid(TEST.data[:12]), labels[:8]), "has 8 labels"),
        ],
    )
    assert ex1.evaluate(grid(TEST.data[:12]), TEST.targets[:12]).status == "correct"  # a tensor


def test_ex2_ink_per_digit():
    plt.close("all")

    def total_ink(images, labels):
        return torch.stack([images[labels == d].sum() for d in range(10)])

    def mean_image(images, labels):
        return torch.stack([images[labels == d].mean(dim=0) for d in range(10)])

    def overall(images, labels):
        return torch.full((10,), images.mean().item())

    def mean_ink(images, labels):
        return torch.stack([images[labels == d].mean() for d in range(10)])

    assert_exercise(
        ex2,
        namespace=NAMESPACE,
        wrong=[
            ((total_ink, 0), "returns sums"),
            ((mean_image, 0), "one per digit"),
            ((overall, 0), "other values than the mean"),
            ((lambda images, labels: images.max(), 0), "1 numbers"),
            ((mean_ink, 1), "least ink"),
            ((mean_ink, 8), "not the digit"),
            ((mean_ink, "0"), "a whole number 0 to 9"),
            ((sum, 0), "the function you wrote"),
        ],
    )
    plt.close("all")
    assert ex2.evaluate(lambda i, y: [i[y == d].mean().item() for d in range(10)], 0).status == (
        "correct"
    )


def test_ex3_nearest_mean():
    def by_argmax(images, mean_digits):
        return torch.cdist(images.flatten(1), mean_digits.flatten(1)).argmax(dim=1)

    def by_dot_product(images, mean_digits):
        return (images.flatten(1) @ mean_digits.flatten(1).T).argmax(dim=1)

    def distances(images, mean_digits):
        return torch.cdist(images.flatten(1), mean_digits.flatten(1))

    def unflattened(images, mean_digits):
        return torch.cdist(images, mean_digits).argmin(dim=1)

    def as_floats(images, mean_digits):
        return distances(images, mean_digits).argmin(dim=1).float()

    predict, accuracy = solution_answers(ex3, NAMESPACE)
    assert 0.8 < accuracy < 0.85  # the nearest-mean baseline notebook 02 recomputes
    assert_exercise(
        ex3,
        namespace=NAMESPACE,
        wrong=[
            ((by_argmax, accuracy), "brightest mean digit"),
            ((by_dot_product, accuracy), "brightest mean digit"),
            ((distances, accuracy), "the distances"),
            ((unflattened, accuracy), "raised RuntimeError"),
            ((as_floats, accuracy), "whole numbers"),
            ((predict, 100 * accuracy), "a percentage"),
            ((predict, 0.808), "training images"),
            ((predict, accuracy - 0.01), "is not the share"),
            ((predict, "82%"), "should be a number"),
        ],
    )
    assert ex3.evaluate(predict, torch.tensor(accuracy)).status == "correct"
