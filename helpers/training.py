"""The training and evaluation loops of notebook 02 (the same code, as a test checks), and `fit`."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from .device import Timer
from .settings import SEED

# train_loss, train_acc, val_loss, val_acc, seconds (one value per epoch)
History = dict[str, list[float]]


def seed_everything(seed: int = SEED) -> torch.Generator:
    """Seed Python, NumPy and torch (all devices); return a torch generator seeded the same way."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA and MPS
    return torch.Generator().manual_seed(seed)


def train_one_epoch(model, loader, loss_fn, optimizer, device, scheduler=None):
    """One pass over the training batches; returns the mean loss and accuracy over all images."""
    model.train()  # dropout on
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        logits = model(images)  # 1. forward: [B, 10] scores
        loss = loss_fn(logits, labels)  # 2. mean loss over the batch
        optimizer.zero_grad()  # 3. forget the previous batch's gradients
        loss.backward()  # 4. gradients of the loss for every weight
        optimizer.step()  # 5. update the weights
        if scheduler is not None:
            scheduler.step()  # 6. move the learning rate along its schedule (once per batch)
        # sums over images: a smaller last batch weighs what it should
        total_loss += loss.item() * len(labels)
        correct += (logits.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
    return total_loss / seen, correct / seen


@torch.no_grad()
def evaluate(model, loader, loss_fn, device):
    """Mean loss and accuracy of `model` over all of `loader` (no gradients, dropout off)."""
    model.eval()  # dropout off
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        logits = model(images)
        total_loss += loss_fn(logits, labels).item() * len(labels)
        correct += (logits.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
    return total_loss / seen, correct / seen


def _counted(loader: Iterable, bar: tqdm) -> Iterator:
    """Yield the batches of `loader`, advancing the progress bar after each."""
    for batch in loader:
        yield batch
        bar.update(1)


def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    device: torch.device,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    verbose: bool = True,
) -> History:
    """Train for `epochs`, validating after each; the seconds count training time only."""
    model.to(device)
    history: History = {
        "train_loss": [],
        "train_acc": [],
        "val_loss": [],
        "val_acc": [],
        "seconds": [],
    }
    with tqdm(
        total=epochs * len(train_loader), desc="training", unit="batch", disable=not verbose
    ) as bar:
        for epoch in range(1, epochs + 1):
            with Timer(device) as timer:
                train_loss, train_acc = train_one_epoch(
                    model, _counted(train_loader, bar), loss_fn, optimizer, device, scheduler
                )
            val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
            for key, value in zip(
                history, (train_loss, train_acc, val_loss, val_acc, timer.seconds)
            ):
                history[key].append(value)
            if verbose:
                bar.write(
                    f"epoch {epoch:2d}/{epochs}  train loss {train_loss:.4f} acc {train_acc:.2%}  "
                    f"validation loss {val_loss:.4f} acc {val_acc:.2%}  ({timer.seconds:.1f} s)"
                )
    return history


@torch.no_grad()
def predict_proba(
    model: nn.Module, images: torch.Tensor, device: torch.device, batch_size: int = 1000
) -> torch.Tensor:
    """Class probabilities (softmax of the logits) for a tensor of images, on the CPU."""
    model.eval().to(device)
    return torch.cat(
        [
            torch.softmax(model(images[i : i + batch_size].to(device)), dim=1).cpu()
            for i in range(0, len(images), batch_size)
        ]
    )
