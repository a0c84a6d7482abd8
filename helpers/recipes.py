"""The course's training recipes: one source for the notebooks and the benchmark."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from .checkpoints import load_or_train
from .data import Splits, TensorLoader, load_splits
from .device import describe_device
from .settings import SEED, epochs, fast_mode
from .training import evaluate, fit, seed_everything


@dataclass(frozen=True)
class Recipe:
    """How a model is trained: epochs, batch size, Adam's peak lr, schedule, shifts, seed.

    What is trained is not part of it: train_recipe takes the network from the caller.
    """

    epochs: int
    batch_size: int
    lr: float
    one_cycle: bool = True  # True: OneCycleLR warms up to lr, then anneals; False: a constant lr
    warmup: float = 0.3  # the share of the steps OneCycleLR spends warming up to lr
    shift: int = (
        0  # data augmentation: each training image moved by up to `shift` pixels, anew each epoch
    )
    seed: int = SEED
    # the helpers' network this recipe was chosen for, by name: only the benchmark builds it
    # (build_model(recipe.model)); notebooks pass their own class to train_recipe
    model: str | None = None

    def settings(self) -> dict[str, Any]:
        """The settings as run now (fast mode shortens the epochs), stored with the checkpoint."""
        return asdict(self) | {"epochs": epochs(self.epochs), "fast": fast_mode()}


ANN_RECIPE = Recipe(epochs=10, batch_size=128, lr=1e-3, model="ann")
CNN_RECIPE = Recipe(epochs=5, batch_size=128, lr=1e-2, warmup=0.1, shift=1, model="lenet5")


def make_optimizer(model, lr, total_steps, warmup=0.3):
    """Adam, and a one-cycle schedule.

    Warm up to `lr` over `warmup` of the steps, then anneal towards zero.
    """
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, total_steps=total_steps, pct_start=warmup
    )
    return optimizer, scheduler


def train_recipe(
    build: Callable[[], nn.Module],
    recipe: Recipe,
    device: torch.device,
    splits: Splits | None = None,
    verbose: bool = True,
    test: bool = True,
) -> tuple[nn.Module, dict[str, Any]]:
    """Seed, call `build()` (the caller's class), train it as `recipe` says, test it once.

    `test=False` leaves the test set untouched (test_accuracy None): for runs that only compare
    settings on validation.
    """
    seed_everything(recipe.seed)
    splits = splits if splits is not None else load_splits()
    model = build()
    n_epochs = epochs(recipe.epochs)
    train_loader = TensorLoader(
        splits.train_x,
        splits.train_y,
        recipe.batch_size,
        shuffle=True,
        seed=recipe.seed,
        shift=recipe.shift,
    )
    val_loader = TensorLoader(splits.val_x, splits.val_y, 1000, shuffle=False)
    loss_fn = nn.CrossEntropyLoss()
    if recipe.one_cycle:
        optimizer, scheduler = make_optimizer(
            model, recipe.lr, n_epochs * len(train_loader), recipe.warmup
        )
    else:
        optimizer, scheduler = torch.optim.Adam(model.parameters(), lr=recipe.lr), None
    history = fit(
        model, train_loader, val_loader, loss_fn, optimizer, n_epochs, device, scheduler, verbose
    )
    test_accuracy = None
    if test:
        test_loader = TensorLoader(splits.test_x, splits.test_y, 1000, shuffle=False)
        _, test_accuracy = evaluate(model, test_loader, loss_fn, device)
    return model, {
        "history": history,
        "val_accuracy": history["val_acc"][-1],
        "test_accuracy": test_accuracy,
        "train_seconds": sum(history["seconds"]),
        "device": describe_device(device),
        "settings": recipe.settings(),
    }


def load_or_train_recipe(
    name: str,
    build: Callable[[], nn.Module],
    recipe: Recipe,
    device: torch.device,
    splits: Splits | None = None,
) -> tuple[nn.Module, dict[str, Any]]:
    """Checkpoint `name` loaded into `build()` if it matches `recipe`; else trained and saved."""
    return load_or_train(
        name, build, recipe.settings(), lambda: train_recipe(build, recipe, device, splits), device
    )
