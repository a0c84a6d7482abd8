"""The course's training recipes: one source for the notebooks and the benchmark."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from .checkpoints import load_or_train
from .data import TensorLoader, mnist_tensors
from .device import describe_device
from .models import build_model
from .seeding import seed_everything
from .settings import SEED, epochs, fast_mode
from .training import fit

Tensors = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]  # train x, y, test x, y


@dataclass(frozen=True)
class Recipe:
    """How one model is trained: architecture, batch size, epochs and the Adam learning rate."""

    model: str
    epochs: int
    batch_size: int
    lr: float
    schedule: str = "onecycle"  # "onecycle": warm up, then anneal; "constant": a fixed lr
    seed: int = SEED

    def settings(self) -> dict[str, Any]:
        """The settings as run now (fast mode shortens the epochs), stored with the checkpoint."""
        return asdict(self) | {"epochs": epochs(self.epochs), "fast": fast_mode()}


ANN_RECIPE = Recipe(model="ann", epochs=10, batch_size=128, lr=1e-3)
CNN_RECIPE = Recipe(model="lenet5", epochs=5, batch_size=128, lr=4e-3)


def make_optimizer(recipe: Recipe, model: nn.Module, steps: int) -> tuple[torch.optim.Optimizer, Any]:
    """Adam at the recipe's lr, and its schedule over `steps` batches (None for a constant lr)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    if recipe.schedule == "constant":
        return optimizer, None
    if recipe.schedule != "onecycle":
        raise ValueError(f"unknown schedule {recipe.schedule!r}")
    return optimizer, torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=recipe.lr, total_steps=steps)


def load_tensors() -> Tensors:
    """Train and test tensors for the current mode (fast subset or all of MNIST)."""
    return (*mnist_tensors(train=True), *mnist_tensors(train=False))


def train_recipe(
    recipe: Recipe, device: torch.device, data: Tensors | None = None, model: nn.Module | None = None, verbose: bool = True
) -> tuple[nn.Module, dict[str, Any]]:
    """Seed, build and train a model exactly as `recipe` says; returns it with checkpoint metadata."""
    train_x, train_y, test_x, test_y = data if data is not None else load_tensors()
    generator_seed = seed_everything(recipe.seed).initial_seed()
    model = model if model is not None else build_model(recipe.model)
    n_epochs = epochs(recipe.epochs)
    train_loader = TensorLoader(train_x, train_y, recipe.batch_size, shuffle=True, seed=generator_seed)
    test_loader = TensorLoader(test_x, test_y, 1000, shuffle=False)
    optimizer, scheduler = make_optimizer(recipe, model, n_epochs * len(train_loader))
    history = fit(model, train_loader, test_loader, optimizer, n_epochs, device, scheduler, verbose)
    return model, {
        "history": history,
        "test_accuracy": history["test_acc"][-1],
        "train_seconds": sum(history["seconds"]),
        "device": describe_device(device),
        "settings": recipe.settings(),
    }


def load_or_train_recipe(name: str, recipe: Recipe, device: torch.device, data: Tensors | None = None) -> tuple[nn.Module, dict[str, Any]]:
    """The model from checkpoint `name` when it matches `recipe`, else trained now and saved."""
    # Nothing is built before the checkpoint's metadata is read; training seeds and builds its own fresh model.
    return load_or_train(name, lambda: build_model(recipe.model), recipe.settings(), lambda: train_recipe(recipe, device, data), device)
