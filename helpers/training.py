"""Train and evaluate any model on any device, keeping a per-epoch history."""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn
from tqdm.auto import tqdm

from .device import Timer

History = dict[str, list[float]]  # train_loss, train_acc, test_loss, test_acc, seconds


def train_one_epoch(
    model: nn.Module,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    progress: tqdm | None = None,
) -> tuple[float, float]:
    """One pass over `loader`; returns the mean training loss and accuracy over all samples."""
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        logits = model(images)
        loss = loss_fn(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        # Accumulate sums over samples, so the last, smaller batch weighs what it should.
        total_loss += loss.item() * len(labels)
        correct += (logits.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
        if progress is not None:
            progress.update(1)
    return total_loss / seen, correct / seen


@torch.inference_mode()
def evaluate(
    model: nn.Module, loader: Iterable[tuple[torch.Tensor, torch.Tensor]], device: torch.device
) -> tuple[float, float]:
    """Mean loss and accuracy over every sample of `loader` (not just the last batch)."""
    model.eval()
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        logits = model(images)
        total_loss += loss_fn(logits, labels).item()
        correct += (logits.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
    return total_loss / seen, correct / seen


def fit(
    model: nn.Module,
    train_loader,
    test_loader,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    device: torch.device,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    verbose: bool = True,
) -> History:
    """Train for `epochs`, evaluating after each; returns the history (seconds = training time only)."""
    model.to(device)
    history: History = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": [], "seconds": []}
    with tqdm(total=epochs * len(train_loader), desc="training", unit="batch", disable=not verbose) as bar:
        for epoch in range(1, epochs + 1):
            with Timer(device) as timer:
                train_loss, train_acc = train_one_epoch(model, train_loader, optimizer, device, scheduler, bar)
            test_loss, test_acc = evaluate(model, test_loader, device)
            for key, value in zip(history, (train_loss, train_acc, test_loss, test_acc, timer.seconds)):
                history[key].append(value)
            if verbose:
                bar.write(
                    f"epoch {epoch:2d}/{epochs}  train loss {train_loss:.4f} acc {train_acc:.2%}  "
                    f"test loss {test_loss:.4f} acc {test_acc:.2%}  ({timer.seconds:.1f} s)"
                )
    return history


@torch.inference_mode()
def predict_proba(model: nn.Module, images: torch.Tensor, device: torch.device, batch_size: int = 1000) -> torch.Tensor:
    """Class probabilities (softmax of the logits) for a tensor of images, on the CPU."""
    model.eval().to(device)
    chunks = [torch.softmax(model(images[i : i + batch_size].to(device)), dim=1).cpu() for i in range(0, len(images), batch_size)]
    return torch.cat(chunks)
