"""Training and evaluation: correct bookkeeping, learning, and repeatable runs."""

import pytest
import torch
from torch import nn

from helpers.data import Splits, TensorLoader
from helpers.models import ANN, LeNet5
from helpers.recipes import Recipe, make_optimizer, train_recipe
from helpers.training import evaluate, fit, predict_proba, train_one_epoch

CPU = torch.device("cpu")
LOSS = nn.CrossEntropyLoss()


def toy_data(n=200, seed=0):
    """Separable 'digits': class k has a bright pixel at position k."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 10, (n,), generator=g)
    images = 0.1 * torch.randn(n, 1, 28, 28, generator=g)
    images.view(n, -1)[torch.arange(n), labels * 7] += 3.0
    return images, labels


def test_evaluate_averages_over_all_samples_not_the_last_batch():
    images, labels = toy_data(25)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    whole = evaluate(model, TensorLoader(images, labels, 25, shuffle=False), LOSS, CPU)
    batched = evaluate(model, TensorLoader(images, labels, 10, shuffle=False), LOSS, CPU)
    assert torch.allclose(torch.tensor(whole), torch.tensor(batched), atol=1e-6)
    expected = nn.functional.cross_entropy(model(images), labels).item()
    assert abs(whole[0] - expected) < 1e-5


def test_training_accuracy_is_counted():
    # The seeds' `bach_corr` typo left this at zero; it must track real predictions.
    images, labels = toy_data()
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loader = TensorLoader(images, labels, 20)
    accs = [train_one_epoch(model, loader, LOSS, optimizer, CPU)[1] for _ in range(3)]
    assert 0 < accs[0] < accs[-1] and accs[-1] > 0.9


def test_fit_returns_a_full_history_and_learns():
    images, labels = toy_data()
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    val_loader = TensorLoader(*toy_data(100, 1), 50, shuffle=False)
    history = fit(
        model, TensorLoader(images, labels, 20), val_loader, LOSS, optimizer, 3, CPU, verbose=False
    )
    assert set(history) == {"train_loss", "train_acc", "val_loss", "val_acc", "seconds"}
    assert all(len(v) == 3 for v in history.values())
    assert history["val_loss"][-1] < history["val_loss"][0] and history["val_acc"][-1] > 0.9
    assert all(s > 0 for s in history["seconds"])


def test_predict_proba_rows_sum_to_one():
    probs = predict_proba(
        nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), toy_data(30)[0], CPU, batch_size=8
    )
    assert probs.shape == (30, 10) and torch.allclose(probs.sum(dim=1), torch.ones(30))


def test_same_seed_same_history(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    splits = Splits(*toy_data(300, 0), *toy_data(100, 1), *toy_data(100, 2))
    recipe = Recipe(epochs=3, batch_size=32, lr=2e-3)
    _, first = train_recipe(LeNet5, recipe, CPU, splits, verbose=False)
    _, second = train_recipe(LeNet5, recipe, CPU, splits, verbose=False)
    for key in ("train_loss", "train_acc", "val_loss", "val_acc"):
        assert first["history"][key] == second["history"][key]
    assert first["settings"] == second["settings"] and first["settings"]["fast"] is True
    assert first["val_accuracy"] == first["history"]["val_acc"][-1]
    assert first["test_accuracy"] == second["test_accuracy"] and 0 <= first["test_accuracy"] <= 1


def test_train_recipe_without_test_never_reads_the_test_images(monkeypatch):
    """A comparison on validation (test=False) leaves the test set untouched."""
    monkeypatch.setenv("COURSE_FAST", "1")
    nan_test = toy_data(100, 2)[0].fill_(float("nan")), toy_data(100, 2)[1]
    splits = Splits(*toy_data(300, 0), *toy_data(100, 1), *nan_test)
    recipe = Recipe(epochs=1, batch_size=32, lr=2e-3)
    _, meta = train_recipe(LeNet5, recipe, CPU, splits, verbose=False, test=False)
    assert meta["test_accuracy"] is None and 0 <= meta["val_accuracy"] <= 1


def test_make_optimizer_is_adam_with_one_cycle():
    model = nn.Linear(2, 2)
    optimizer, scheduler = make_optimizer(model, 4e-3, total_steps=10)
    assert isinstance(optimizer, torch.optim.Adam)
    assert (
        isinstance(scheduler, torch.optim.lr_scheduler.OneCycleLR) and scheduler.total_steps == 10
    )
    lrs = []
    for _ in range(10):
        optimizer.step()
        scheduler.step() if len(lrs) < 9 else None
        lrs.append(optimizer.param_groups[0]["lr"])
    # warms up to the peak, then anneals
    assert max(lrs) == pytest.approx(4e-3, rel=0.05) and lrs[-1] < 4e-4


def test_constant_lr_recipe_has_no_scheduler(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    splits = Splits(*toy_data(64, 0), *toy_data(32, 1), *toy_data(32, 2))
    _, meta = train_recipe(ANN, Recipe(1, 16, 1e-3, one_cycle=False), CPU, splits, verbose=False)
    assert meta["settings"]["one_cycle"] is False and len(meta["history"]["val_acc"]) == 1


class EditedANN(nn.Module):
    """A student's edit of notebook 02's ANN: 784 -> 128 -> 10."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(28 * 28, 128)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(self.relu1(self.fc1(self.flatten(x))))


def test_train_recipe_trains_the_callers_class(monkeypatch):
    """An edit in the notebook changes what trains: train_recipe builds the class it is given."""
    monkeypatch.setenv("COURSE_FAST", "1")
    splits = Splits(*toy_data(64, 0), *toy_data(32, 1), *toy_data(32, 2))
    recipe = Recipe(1, 16, 1e-3)
    model, _ = train_recipe(EditedANN, recipe, CPU, splits, verbose=False)
    assert type(model) is EditedANN and model.fc1.weight.shape == (128, 784)
    fresh = EditedANN()
    fresh.load_state_dict(model.state_dict())  # the trained weights fit the caller's class
    built = []
    train_recipe(lambda: built.append(EditedANN()) or built[-1], recipe, CPU, splits, verbose=False)
    assert len(built) == 1  # a zero-argument callable works too, and is called once


def test_train_recipe_seeds_before_building(monkeypatch):
    """The same recipe gives the same starting weights whatever ran before: seed, then build()."""
    monkeypatch.setenv("COURSE_FAST", "1")
    splits = Splits(*toy_data(64, 0), *toy_data(32, 1), *toy_data(32, 2))
    starts = []

    def build():
        starts.append(EditedANN())
        starts[-1].start = starts[-1].fc1.weight.detach().clone()
        return starts[-1]

    train_recipe(build, Recipe(1, 16, 1e-3), CPU, splits, verbose=False)
    torch.rand(100)  # other random draws in between must not matter
    train_recipe(build, Recipe(1, 16, 1e-3), CPU, splits, verbose=False)
    assert torch.equal(starts[0].start, starts[1].start)
