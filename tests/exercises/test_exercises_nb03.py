"""Notebook 03's exercises: each check on the blank, typical wrong answers and the solution."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from exercise_cases import assert_exercise, assert_result  # noqa: E402
from torch import nn  # noqa: E402

from exercises.nb03 import ex1, ex2, ex3, ex4, ex5  # noqa: E402
from helpers import (  # noqa: E402
    CNN_RECIPE,
    CompactCNN,
    LeNet5,
    TensorLoader,
    count_parameters,
    denormalize,
    epochs,
    fit,
    load_splits,
    make_optimizer,
    mnist_tensors,
    predict_proba,
    seed_everything,
)

NAMESPACE = {"torch": torch, "nn": nn}  # the notebook's names the solutions use


def test_ex1_conv_output_shape():
    assert_exercise(
        ex1,
        namespace=NAMESPACE,
        wrong=[
            (((1, 8, 12, 12), 3), "without the padding"),
            (((1, 8, 26, 26), 3), "stride 1"),
            (((1, 8, 14, 14), 3), "rounds down"),
            (((1, 1, 13, 13), 3), "out_channels=8"),
            (((8, 13, 13), 3), "4 dimensions"),
            (("(1, 8, 13, 13)", 3), "a tuple of whole numbers"),
            (((1, 8, 13, 13), 6), "per side"),
            (((1, 8, 13, 13), 2), "gives 26x26"),
        ],
    )
    assert ex1.evaluate(torch.Size([1, 8, 13, 13]), 3).status == "correct"  # what `.shape` gives


def seeds_lenet(first_linear_inputs=16 * 5 * 5, padding=0, widths=(120, 84)):
    """The notebook's `seeds_lenet`, or a variant of it (a student's typical slip)."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=padding),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(first_linear_inputs, widths[0]),
        nn.ReLU(),
        nn.Linear(widths[0], widths[1]),
        nn.ReLU(),
        nn.Linear(widths[1], 10),
    )


def test_ex2_the_other_fix():
    fixed = seeds_lenet(256)
    assert_exercise(
        ex2,
        namespace=NAMESPACE | {"count_parameters": count_parameters, "seeds_lenet": seeds_lenet()},
        wrong=[
            ((seeds_lenet(400), 17_280), "still takes 16 * 5 * 5 = 400"),
            ((seeds_lenet(400, padding=2), 0), "that is the first fix"),
            ((seeds_lenet(256, widths=(100, 84)), 17_280), "keep seeds_lenet's 120, 84 and 10"),
            ((seeds_lenet(250), 17_280), "raised RuntimeError"),
            ((nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), 0), "0 Conv2d and 1 Linear"),
            ((fixed, 144), "how many fewer inputs"),
            ((fixed, -17_280), "negative"),
            ((fixed, 17_400), "is not the difference"),
            ((fixed, "17280"), "a whole number"),
            (("seeds_lenet", 17_280), "should be a network"),
        ],
    )


@pytest.fixture(scope="module")
def test_images():
    """All 10,000 test images, normalised, as the notebook's `all_test_x`, `all_test_y`."""
    return mnist_tensors(train=False, fast=False)


def test_ex3_diagonal_kernel(test_images):
    all_test_x, _ = test_images
    seven = denormalize(all_test_x[4142])[None]
    diagonal = torch.tensor([[1.0, 1, 0], [1, 0, -1], [0, -1, -1]])
    vertical = torch.tensor([[-1.0, 0, 1]] * 3)
    other = torch.tensor([[0.0, 1, 1], [-1, 0, 1], [-1, -1, 0]])  # the other diagonal

    def fmap(kernel, image=seven, padding=1):
        return F.conv2d(image, kernel[None, None], padding=padding)[0, 0]

    assert_exercise(
        ex3,
        namespace=NAMESPACE
        | {
            "F": F,
            "plt": plt,
            "denormalize": denormalize,
            "all_test_x": all_test_x,
            "EXAMPLE_INDICES": (100, 4142),
        },
        wrong=[
            ((vertical, fmap(vertical)), "turn it by 45 degrees"),
            ((other, fmap(other)), "does not compare the top-left corner with the bottom-right"),
            ((diagonal.abs(), fmap(diagonal.abs())), "add up to 6"),
            (([[1, 1, 0], [1, 0, -1], [0, -1, -1]], None), "should be a tensor"),
            ((diagonal[:2], None), "shape (3, 3)"),
            ((diagonal, fmap(diagonal, padding=0)), "26x26"),
            ((diagonal, fmap(diagonal, all_test_x[4142][None])), "denormalize it first"),
            ((diagonal, fmap(diagonal, denormalize(all_test_x[100])[None])), "test image 4142"),
            ((diagonal, fmap(vertical)), "test image 4142"),
        ],
    )
    flipped = -diagonal  # the same comparison, the other sign: also right
    assert ex3.evaluate(flipped, fmap(flipped)).status == "correct"
    plt.close("all")


def test_ex4_least_confident(test_images):
    all_test_x, all_test_y = test_images
    assert_exercise(
        ex4,
        namespace=NAMESPACE
        | {
            "model": LeNet5(),
            "all_test_x": all_test_x,
            "all_test_y": all_test_y,
            "predict_proba": predict_proba,
            "device": torch.device("cpu"),
            "plot_prediction": lambda *args: None,
        },
        wrong=[
            ((lambda p: int(p.max(dim=1).values.argmax()),), "most confident"),
            ((lambda p: int(p.min(dim=1).values.argmin()),), "smallest single probability"),
            ((lambda p: int(p.argmin()),), "flat argmin"),
            ((lambda p: p.max(dim=1).values,), "return one index"),
            ((lambda p: 0,), "has a smaller largest probability"),
            ((lambda p: int(p.mul_(0).argmin()),), "changed probs"),
            ((lambda p: 1 / 0,), "raised ZeroDivisionError"),
            ((lambda p: "3",), "return an index"),
            ((LeNet5(),), "should be a function"),
        ],
    )
    tensor_answer = lambda p: p.max(dim=1).values.argmin()  # noqa: E731 (a 0-d tensor is fine)
    assert ex4.evaluate(tensor_answer).status == "correct"


class TwoConvTwoLinear(nn.Module):
    """The notebook's Q2 network (main flow): the compact CNN's convolutions, 400 -> 120 -> 10."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 3), nn.ReLU()
        )
        self.pool2, self.flatten = nn.MaxPool2d(2), nn.Flatten()
        self.fc1, self.relu3, self.fc2 = nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 10)

    def forward(self, x):
        return self.fc2(self.relu3(self.fc1(self.flatten(self.pool2(self.features(x))))))


def history(*val_acc):
    """A history as fit returns it, with these validation accuracies."""
    n = len(val_acc)
    return {"train_loss": [0.1] * n, "train_acc": [0.9] * n, "val_loss": [0.1] * n,
            "val_acc": list(val_acc), "seconds": [1.0] * n}  # fmt: skip


def test_ex5_is_the_84_unit_layer_worth_keeping():
    splits = load_splits()  # fast mode in the tests: 5,000 training images
    high = [history(0.95, 0.981), history(0.95, 0.982), history(0.95, 0.983)]
    low = [history(0.95, 0.970), history(0.95, 0.971), history(0.95, 0.972)]
    mixed = [history(0.95, 0.975), history(0.95, 0.985), history(0.95, 0.978)]
    assert_exercise(
        ex5,
        namespace=NAMESPACE
        | {
            "seed_everything": seed_everything,
            "TensorLoader": TensorLoader,
            "train_x": splits.train_x[:3000],  # small, so the six runs take seconds
            "train_y": splits.train_y[:3000],
            "BATCH_SIZE": CNN_RECIPE.batch_size,
            "SHIFT": CNN_RECIPE.shift,
            "LEARNING_RATE": CNN_RECIPE.lr,
            "WARMUP": CNN_RECIPE.warmup,
            "epochs": epochs,
            "make_optimizer": make_optimizer,
            "fit": fit,
            "val_loader": TensorLoader(splits.val_x, splits.val_y, 1000, shuffle=False),
            "loss_fn": nn.CrossEntropyLoss(),
            "device": torch.device("cpu"),
            "CompactCNN": CompactCNN,
            "TwoConvTwoLinear": TwoConvTwoLinear,
        },
        wrong=[
            ((high, mixed, "a"), "that needs every run with the layer to beat every run without"),
            ((high, low, "c"), "beyond these seeds' spread"),
            ((low, high, "a"), "not (a)"),
            (([history(0.95, 0.99)] * 3, low, "c"), "two runs in with_84 are identical"),
            ((high, high, "c"), "with_84 and without_84 hold the same runs"),
            (([history(0.97, 0.98, 0.98, 0.98, 0.99)] + high[1:], low, "a"), "different numbers"),
            ((high[:1], low[:1], "a"), "cannot show how much seeds move the result"),
            ((high, low[:2] + [history(0.95, 0.97), history(0.9, 0.97)], "a"), "the same seeds"),
            ((high, [history(0.95, 0.1), *low[1:]], "a"), "check train_briefly"),
            ((high, [history(95.0, 97.0), *low[1:]], "a"), "between 0 and 1"),
            (([0.98, 0.97, 0.99], low, "a"), "not a history"),
            ((high[0], low, "a"), "a list of histories"),
            ((high, low, "yes"), 'one of the letters "a", "b", "c"'),
        ],
    )
    assert_result(ex5, (low, high, "b"), "correct", "every run without the layer beats")
    assert_result(ex5, (mixed, low, "c"), "wrong", "not (c)")
    # two seeds sharing a validation accuracy by chance (500 images in fast mode) are still two runs
    tied = [dict(h, train_loss=[0.1 + i / 100] * 2) for i, h in enumerate([high[0]] * 3)]
    assert_result(ex5, (tied, low, "a"), "correct")
