"""Notebook 02's exercises: each check on the blank, typical wrong answers and the solution.

The names the solutions use are built here from helpers (fast mode, small): the loops are the
helpers' copies of the notebook's (tests/notebooks/test_notebook_code.py proves they match), and
`train_recipe` is a stand-in with the new signature `train_recipe(build, recipe, device,
splits=None, verbose=True)` that builds the model directly and trains it briefly.
"""

import time

import pytest
import torch
from exercise_cases import assert_exercise, solution_answers
from torch import nn

from exercises.nb02 import ex1, ex2, ex3
from helpers import (
    ANN,
    ANN_RECIPE,
    TensorLoader,
    epochs,
    evaluate,
    fast_mode,
    load_splits,
    pick_device,
    seed_everything,
    train_one_epoch,
)

SEED, BATCH_SIZE = ANN_RECIPE.seed, ANN_RECIPE.batch_size


@pytest.fixture(scope="module")
def namespace():
    """The notebook's names at its Exercises section, in fast mode."""
    assert fast_mode(), "the exercise tests run in fast mode (the root conftest.py sets it)"
    device = pick_device()
    splits = load_splits()
    train_x, train_y, val_x, val_y, test_x, test_y = splits
    loss_fn = nn.CrossEntropyLoss()

    def train_by_hand(model, optimizer, n_epochs):
        """Section 5's driver: the loops for n_epochs, the per-epoch history."""
        model.to(device)
        train_loader = TensorLoader(train_x, train_y, BATCH_SIZE, shuffle=True, seed=SEED)
        val_loader = TensorLoader(val_x, val_y, 1000, shuffle=False)
        history = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
        for _ in range(n_epochs):
            results = train_one_epoch(model, train_loader, loss_fn, optimizer, device) + evaluate(
                model, val_loader, loss_fn, device
            )
            for key, value in zip(history, results):
                history[key].append(value)
        return history

    def train_recipe(build, recipe, device, splits=None, verbose=True):
        """A stand-in for helpers' train_recipe: seeds, builds, trains with Adam (no schedule)."""
        seed_everything(recipe.seed)
        model = build().to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
        loader = TensorLoader(splits.train_x, splits.train_y, recipe.batch_size, seed=recipe.seed)
        for _ in range(epochs(recipe.epochs)):
            train_one_epoch(model, loader, loss_fn, optimizer, device)
        val_loader = TensorLoader(splits.val_x, splits.val_y, 1000, shuffle=False)
        return model, {"val_accuracy": evaluate(model, val_loader, loss_fn, device)[1]}

    seed_everything(SEED)
    return {
        "torch": torch,
        "nn": nn,
        "ANN": ANN,
        "ANN_RECIPE": ANN_RECIPE,
        "SEED": SEED,
        "BATCH_SIZE": BATCH_SIZE,
        "TensorLoader": TensorLoader,
        "device": device,
        "epochs": epochs,
        "evaluate": evaluate,
        "loss_fn": loss_fn,
        "permutation": torch.randperm(28 * 28),
        "seed_everything": seed_everything,
        "sgd_history": {"val_acc": [0.5]},  # section 6's run, only printed
        "splits": splits,
        "train_x": train_x,
        "train_y": train_y,
        "val_x": val_x,
        "val_y": val_y,
        "test_x": test_x,
        "test_y": test_y,
        "train_one_epoch": train_one_epoch,
        "train_by_hand": train_by_hand,
        "train_recipe": train_recipe,
    }


def test_ex1_sgd_with_momentum(namespace):
    model, optimizer, history = solution_answers(ex1, namespace)
    params = model.parameters
    other = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512))
    other = nn.Sequential(*other, nn.ReLU(), nn.Linear(512, 10))
    assert_exercise(
        ex1,
        namespace=namespace,
        wrong=[
            ((model, torch.optim.Adam(params(), lr=0.05), history), "plain SGD"),
            ((model, torch.optim.SGD(params(), lr=0.05), history), "momentum is 0"),
            ((model, torch.optim.SGD(params(), lr=0.001, momentum=0.9), history), "0.001"),
            ((model, torch.optim.SGD(params(), lr=0.05, momentum=0.5), history), "0.5"),
            ((model, torch.optim.SGD(other.parameters(), 0.05, 0.9), history), "other weights"),
            ((model, torch.optim.SGD(params(), lr=0.05, momentum=0.9), history), "not taken a"),
            ((model, optimizer, {"val_acc": [0.2]}), "below"),
            ((model, optimizer, {"val_acc": [0.97] * 5}), "has 5 epochs"),
            ((model, optimizer, [0.97]), "the history train_by_hand returns"),
            ((ANN(), optimizer, history), "parameters; expected 669,706"),
        ],
    )


def shuffled_every_call(images):
    return images.flatten(1)[:, torch.randperm(784)].reshape(-1, 1, 28, 28)


def shuffled_per_image(images):
    return torch.stack([image.flatten()[torch.randperm(784)] for image in images]).view(
        -1, 1, 28, 28
    )


def test_ex2_shuffled_pixels(namespace):
    start = time.perf_counter()
    shuffle, shuffled, normal_model, shuffled_model = solution_answers(ex2, namespace)
    splits, permutation = namespace["splits"], namespace["permutation"]
    assert shuffled.test_x.shape == splits.test_x.shape
    models = (normal_model, shuffled_model)
    other = torch.randperm(784, generator=torch.Generator().manual_seed(1))
    old_statement = splits._replace(train_x=shuffle(splits.train_x), test_x=shuffle(splits.test_x))
    assert_exercise(
        ex2,
        namespace=namespace,
        wrong=[
            ((shuffled_every_call, shuffled, *models), "differently on each call"),
            ((shuffled_per_image, shuffled, *models), "each image differently"),
            ((lambda x: x.flatten(1)[:, permutation], shuffled, *models), "[N, 1, 28, 28]"),
            ((lambda x: x.clone(), shuffled, *models), "leaves every pixel"),
            ((lambda x: x * 2, shuffled, *models), "more than reorder"),
            ((ANN(), shuffled, *models), "should be your function"),
            ((shuffle, old_statement, *models), "val_x holds the original images"),
            ((shuffle, shuffled._replace(test_x=splits.test_x), *models), "test_x holds"),
            (
                (
                    shuffle,
                    shuffled._replace(val_x=splits.val_x.flatten(1)[:, other].view(-1, 1, 28, 28)),
                    *models,
                ),
                "val_x is not shuffled with shuffle_pixels",
            ),
            ((shuffle, tuple(shuffled), *models), "like `splits`"),
            ((shuffle, shuffled, shuffled_model, shuffled_model), "one network"),
            ((shuffle, shuffled, shuffled_model, normal_model), "normal_model gets"),
            ((shuffle, shuffled, normal_model, ANN()), "shuffled_model gets"),
        ],
    )
    assert time.perf_counter() - start < 120


def test_ex3_sorted_data(namespace):
    loader, model, counts = solution_answers(ex3, namespace)
    train_x, train_y, val_x = namespace["train_x"], namespace["train_y"], namespace["val_x"]
    order = train_y.argsort(stable=True)
    some = order[: len(order) // 2]  # the first five digits only
    with torch.no_grad():
        predictions = model.eval()(val_x).argmax(dim=1)
    seed_everything(SEED)
    untrained = ANN()
    with torch.no_grad():
        untrained_counts = torch.bincount(untrained.eval()(val_x).argmax(dim=1), minlength=10)
    seed_everything(SEED)
    shuffled_model = ANN()
    train_one_epoch(
        shuffled_model,
        TensorLoader(train_x, train_y, BATCH_SIZE, shuffle=True),
        nn.CrossEntropyLoss(),
        torch.optim.Adam(shuffled_model.parameters(), lr=1e-3),
        "cpu",
    )
    assert_exercise(
        ex3,
        namespace=namespace,
        wrong=[
            ((TensorLoader(train_x[order], train_y[order], 128), model, counts), "label order"),
            ((TensorLoader(train_x, train_y[order], 128, False), model, counts), "match their"),
            ((TensorLoader(train_x[some], train_y[some], 128, False), model, counts), "5 digits"),
            ((loader, shuffled_model, counts), "not a fresh ANN() trained one epoch"),
            ((loader, untrained, untrained_counts), "initial weights"),
            ((loader, model, torch.bincount(namespace["val_y"], minlength=10)), "labels' counts"),
            ((loader, model, counts.float()), "10 counts torch.bincount"),
            ((loader, model, counts[:9]), "minlength=10"),
            ((loader, model, 2 * counts), "adds up to"),
            ((loader, model, counts.flip(0)), "not sorted_model's predictions"),
            ((loader, nn.Linear(784, 10), counts), "raised RuntimeError"),
        ],
    )
    assert torch.equal(counts, torch.bincount(predictions, minlength=10))
