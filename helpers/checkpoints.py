"""Save trained models with their metadata, load them safely, and train only when needed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ._safe_files import atomic_write, folder_problem, keep_aside, locked
from .settings import checkpoint_dir

FORMAT = "mnist-course-checkpoint/1"
REQUIRED = ("val_accuracy", "test_accuracy", "train_seconds")
FOLDER_FIX = "set COURSE_CHECKPOINT_DIR to a folder you can write to (`export COURSE_CHECKPOINT_DIR=~/mnist-checkpoints`), then restart Jupyter"


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unusable or cannot be written; the message says what to do."""


def checkpoint_path(name: str) -> Path:
    """Where checkpoint `name` (e.g. "cnn") lives: <checkpoint dir>/<name>.pt."""
    return checkpoint_dir() / f"{name}.pt"


def ensure_checkpoint_folder(folder: Path) -> Path:
    """Create `folder` and check it is writable, before any training; CheckpointError says what to do."""
    problem = folder_problem(folder)
    if problem:
        raise CheckpointError(f"Cannot save checkpoints: {problem}. What to do: {FOLDER_FIX}.")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def lock_file(path: Path) -> Path:
    """The lock file that writers of checkpoint `path` take turns on."""
    return path.with_name(f".{path.name}.lock")


def save_checkpoint(path: Path, model: nn.Module, metadata: dict[str, Any]) -> Path:
    """Write the weights plus metadata (val_accuracy, test_accuracy, train_seconds) atomically."""
    missing = [key for key in REQUIRED if key not in metadata]
    if missing:
        raise ValueError(f"checkpoint metadata needs {', '.join(map(repr, missing))}")
    path = Path(path)
    ensure_checkpoint_folder(path.parent)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    payload = {
        "format": FORMAT,
        "architecture": type(model).__name__,
        "state_dict": state,
        "metadata": metadata,
    }
    with locked(lock_file(path)):
        return atomic_write(path, lambda f: torch.save(payload, f))


def read_checkpoint(path: Path) -> dict[str, Any]:
    """The checkpoint's contents (weights on the CPU, metadata), without touching any model."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            f"No checkpoint at {path}. Run the notebook that trains it, or use load_or_train."
        )
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # unpickling errors have many types; all mean "not ours"
        raise CheckpointError(
            f"{path} is not a readable course checkpoint ({type(error).__name__}). "
            "Delete it and train again."
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(
            f"{path} is not a course checkpoint (no '{FORMAT}' marker). Delete it and train again."
        )
    return payload


def _load_weights(path: Path, payload: dict[str, Any], model: nn.Module) -> None:
    """Put the payload's weights into `model`; CheckpointError when they belong to another network."""
    expected = type(model).__name__
    if payload["architecture"] != expected:
        raise CheckpointError(
            f"{path} holds a {payload['architecture']}, not a {expected}. Train a {expected} instead."
        )
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        raise CheckpointError(
            f"{path}: the weights do not fit this {expected} (layers changed?). Train it again."
        ) from error


def load_checkpoint(
    path: Path, model: nn.Module, device: torch.device | str = "cpu"
) -> dict[str, Any]:
    """Load weights into `model` (moved to `device`) and return the metadata; CheckpointError if unusable."""
    payload = read_checkpoint(path)
    _load_weights(Path(path), payload, model)
    model.to(device)
    return payload["metadata"]


Trained = tuple[nn.Module, dict[str, Any]]  # a model and its metadata


def load_or_train(
    name: str,
    build: Callable[[], nn.Module],
    settings: dict[str, Any],
    train: Callable[[], Trained],
    device: torch.device,
) -> Trained:
    """Checkpoint `name` loaded into `build()` if it matches `settings`; else `train()`'s fresh model, saved."""
    path = checkpoint_path(name)
    reason, rejected = "none saved yet", False
    if path.is_file():
        try:
            payload = read_checkpoint(
                path
            )  # the metadata first: no model is touched until it matches
            metadata = payload["metadata"]
            if metadata.get("settings") != settings:
                raise CheckpointError(
                    f"{path.name} was trained with other settings ({metadata.get('settings')})"
                )
            model = build()
            _load_weights(path, payload, model)
        except CheckpointError as error:
            reason, rejected = str(error), True
        else:  # a matching checkpoint loads even from a read-only folder (a shared classroom copy)
            print(
                f"Loaded {path.name}: test accuracy {metadata['test_accuracy']:.2%} (trained on {metadata.get('device', '?')})."
            )
            return model.to(device), metadata
    ensure_checkpoint_folder(
        path.parent
    )  # before training: a bad folder must not cost a training run
    if rejected:
        with locked(lock_file(path)):
            reason += (
                f"; kept it as {keep_aside(path).name}"  # nothing is overwritten, nothing lost
            )
    print(f"Training {name} ({reason}).")
    model, metadata = train()  # seeds and builds its own fresh model
    save_checkpoint(path, model, metadata := dict(metadata) | {"settings": settings})
    print(f"Saved {path}.")
    return model.to(device), metadata
