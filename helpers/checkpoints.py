"""Save trained models with their metadata, load them safely, and train only when needed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .settings import checkpoint_dir

FORMAT = "mnist-course-checkpoint/1"


class CheckpointError(RuntimeError):
    """A checkpoint is missing, is not a course checkpoint, or holds another architecture."""


def checkpoint_path(name: str) -> Path:
    """Where checkpoint `name` (e.g. "cnn") lives: <checkpoint dir>/<name>.pt."""
    return checkpoint_dir() / f"{name}.pt"


def save_checkpoint(path: Path, model: nn.Module, metadata: dict[str, Any]) -> Path:
    """Write the weights plus metadata (must include test_accuracy and train_seconds)."""
    for key in ("test_accuracy", "train_seconds"):
        if key not in metadata:
            raise ValueError(f"checkpoint metadata needs {key!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    payload = {"format": FORMAT, "architecture": type(model).__name__, "state_dict": state, "metadata": metadata}
    partial = path.with_name(path.name + ".partial")
    torch.save(payload, partial)
    os.replace(partial, path)  # a crash mid-save never leaves a half-written checkpoint
    return path


def load_checkpoint(path: Path, model: nn.Module, device: torch.device | str = "cpu") -> dict[str, Any]:
    """Load weights into `model` (moved to `device`) and return the metadata; CheckpointError if unusable."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"No checkpoint at {path}. Run the notebook that trains it, or use load_or_train.")
    try:
        payload = torch.load(path, map_location=device, weights_only=True)
    except Exception as error:  # unpickling errors have many types; all mean "not ours"
        raise CheckpointError(
            f"{path} is not a readable course checkpoint ({type(error).__name__}). Delete it and train again."
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a course checkpoint (no '{FORMAT}' marker). Delete it and train again.")
    expected = type(model).__name__
    if payload["architecture"] != expected:
        raise CheckpointError(f"{path} holds a {payload['architecture']}, not a {expected}. Train a {expected} instead.")
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        raise CheckpointError(f"{path}: the weights do not fit this {expected} (layers changed?). Train it again.") from error
    model.to(device)
    return payload["metadata"]


def load_or_train(
    name: str,
    model: nn.Module,
    settings: dict[str, Any],
    train: Callable[[nn.Module], dict[str, Any]],
    device: torch.device,
) -> dict[str, Any]:
    """Load checkpoint `name` if it matches `settings`; otherwise call `train(model)` and save its metadata."""
    path = checkpoint_path(name)
    reason = "none saved yet"
    if path.is_file():
        try:
            metadata = load_checkpoint(path, model, device)
        except CheckpointError as error:
            reason = str(error)
        else:
            if metadata.get("settings") == settings:
                print(f"Loaded {path.name}: test accuracy {metadata['test_accuracy']:.2%} (trained on {metadata.get('device', '?')}).")
                return metadata
            reason = f"{path.name} was trained with other settings ({metadata.get('settings')})"
        # Keep the unusable file rather than overwrite it: nothing is lost.
        path.replace(path.with_name(path.name + ".old"))
        reason += f"; moved it to {path.name}.old"
    print(f"Training {name} ({reason}).")
    metadata = train(model) | {"settings": settings}
    save_checkpoint(path, model, metadata)
    print(f"Saved {path}.")
    return metadata
