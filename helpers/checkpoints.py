"""Save trained models with their metadata, load them safely, and train only when needed."""

from __future__ import annotations

import ast
import contextlib
import hashlib
import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ._safe_files import (
    atomic_write,
    describe_bytes,
    folder_problem,
    free_bytes,
    is_disk_full,
    keep_aside,
    locked,
    temporary_files,
    try_locked,
)
from .settings import checkpoint_dir

FORMAT = "mnist-course-checkpoint/2"  # /2: "architecture" is a key (class name and fingerprint)
REQUIRED = ("val_accuracy", "test_accuracy", "train_seconds")
SPACE_NEEDED = (
    32 * 10**6
)  # asked for before training: many times the largest checkpoint (ann.pt, 2 MB)
FOLDER_FIX = "set COURSE_CHECKPOINT_DIR to a folder you can write to (`export COURSE_CHECKPOINT_DIR=~/mnist-checkpoints`), then restart Jupyter"
SPACE_FIX = "free some space on that disk and run the cell again, or " + FOLDER_FIX
RETRAIN = (
    "Train it again: the notebook that trains it replaces the file, load_or_train keeps it aside"
)


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unusable or cannot be written; the message says what to do."""


class CheckpointSaveError(CheckpointError):
    """A save failed (disk full, folder gone): the trained model is still in memory."""


# --- what architecture a model is ----------------------------------------------------------


def _code_tree(function: Callable) -> str:
    """`function`'s syntax tree without docstrings (comments never reach it); else its bytecode."""
    try:  # works in a notebook too: IPython keeps each cell's source in linecache
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        code = function.__code__
        return code.co_code.hex() + repr(code.co_names)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if ast.get_docstring(node, clean=False) is not None:
                node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


def _own_code(model: nn.Module) -> list[str]:
    """The code of each method of the model's own classes (network, custom blocks; not torch's)."""
    classes = {
        klass
        for module in model.modules()
        for klass in type(module).__mro__
        if klass is not object and klass.__module__.split(".")[0] != "torch"
    }
    return [
        f"{klass.__qualname__}.{name}: {_code_tree(function)}"
        for klass in sorted(classes, key=lambda k: k.__qualname__)
        for name, function in sorted(vars(klass).items())
        if inspect.isfunction(function)
    ]


def architecture_key(model: nn.Module) -> str:
    """'LeNet5:3f2a9c1e0b4d': the class name and a fingerprint of its layers, shapes and code."""
    shapes = [f"{name} {tuple(tensor.shape)}" for name, tensor in model.state_dict().items()]
    # repr shows every layer, activations too (ReLU vs Tanh); the code shows a changed forward.
    text = "\n".join([type(model).__name__, repr(model), *shapes, *_own_code(model)])
    return f"{type(model).__name__}:{hashlib.sha256(text.encode()).hexdigest()[:12]}"


# --- the folder ----------------------------------------------------------------------------


def checkpoint_path(name: str) -> Path:
    """Where checkpoint `name` (e.g. "cnn") lives: <checkpoint dir>/<name>.pt."""
    return checkpoint_dir() / f"{name}.pt"


def lock_file(path: Path) -> Path:
    """The lock file that writers of checkpoint `path` take turns on."""
    return path.with_name(f".{path.name}.lock")


def checkpoint_folder_problem(folder: Path, needed: int = SPACE_NEEDED) -> tuple[str, str] | None:
    """What stops saving in `folder` (not writable, disk full) and the fix, or None; only looks."""
    problem = folder_problem(folder)
    if problem:
        return problem, FOLDER_FIX
    free = free_bytes(folder)
    if free < needed:
        return (
            f"disk full: {folder} has {describe_bytes(free)} free, {describe_bytes(needed)} needed",
            SPACE_FIX,
        )
    return None


def ensure_checkpoint_folder(folder: Path | None = None, needed: int = SPACE_NEEDED) -> Path:
    """Check (before training) that the checkpoint folder can take a checkpoint, and create it."""
    folder = checkpoint_dir() if folder is None else Path(folder)
    found = checkpoint_folder_problem(folder, needed)
    if found:
        raise CheckpointError(f"Cannot save checkpoints: {found[0]}. What to do: {found[1]}.")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove_temporaries(path: Path) -> None:
    """Delete temporary files that killed saves left beside `path`; caller holds its lock."""
    for temporary, target in temporary_files(path.parent).items():
        if target == path.name:  # its writers wait for the lock we hold: nobody is writing it
            temporary.unlink(missing_ok=True)
            continue
        # Another checkpoint's: only when its lock is free, so a save running now keeps its file.
        with try_locked(lock_file(path.with_name(target))) as free, contextlib.suppress(OSError):
            if free:
                temporary.unlink(missing_ok=True)


# --- saving ---------------------------------------------------------------------------------


def _save_failed(path: Path, what: str) -> CheckpointSaveError:
    """The one-line error of a failed save: what happened, where, how to save the model later."""
    return CheckpointSaveError(
        f"Could not save {path.name}: {what}. The trained model is still in memory: once there is "
        f'room (or the folder is fixed), save it with save_checkpoint("{path}", model, metadata), '
        "naming your model and its metadata."
    )


def _what_failed(path: Path, error: BaseException, needed: int) -> str:
    """'disk full in <folder> (<free> free)', or the error that stopped the write."""
    free = free_bytes(path.parent)
    if is_disk_full(error) or free < needed:  # torch's "unexpected pos" often hides the errno
        return f"disk full in {path.parent} ({describe_bytes(free)} free)"
    return f"{type(error).__name__} in {path.parent} ({getattr(error, 'strerror', None) or error})"


def save_checkpoint(path: Path | str, model: nn.Module, metadata: dict[str, Any]) -> Path:
    """Write weights, architecture key and metadata (accuracies, train_seconds) atomically."""
    missing = [key for key in REQUIRED if key not in metadata]
    if missing:
        raise ValueError(f"checkpoint metadata needs {', '.join(map(repr, missing))}")
    path = Path(path)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    payload = {
        "format": FORMAT,
        "architecture": architecture_key(model),
        "state_dict": state,
        "metadata": metadata,
    }
    needed = sum(t.nbytes for t in state.values()) + 10**6  # the weights plus room for the rest
    found = checkpoint_folder_problem(path.parent, needed)
    if found:
        raise _save_failed(path, found[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with locked(lock_file(path)):
            _remove_temporaries(path)
            return atomic_write(
                path, lambda f: torch.save(payload, f)
            )  # removes its own on failure
    except (OSError, RuntimeError) as error:  # torch reports a full disk as a RuntimeError
        raise _save_failed(
            path, _what_failed(path, error, needed)
        ) from None  # not torch's C++ trace


# --- loading --------------------------------------------------------------------------------


def _payload_problem(payload: Any) -> str | None:
    """What makes a loaded file unusable as a checkpoint (marker, keys, types), or None."""
    if not isinstance(payload, dict) or not str(payload.get("format", "")).startswith(FORMAT[:-1]):
        return "is not a course checkpoint (no course marker)"
    if payload["format"] != FORMAT:  # /1 had no architecture key
        return f"was saved in another checkpoint format ({payload['format']}, not {FORMAT})"
    expected = {"architecture": str, "state_dict": dict, "metadata": dict}
    missing = [key for key in expected if key not in payload]
    if missing:
        return f"is incomplete (no {', '.join(map(repr, missing))})"
    wrong = [key for key, kind in expected.items() if not isinstance(payload[key], kind)]
    if wrong:
        return f"is damaged ({', '.join(map(repr, wrong))} of the wrong type)"
    wrong += [f"weight {k!r}" for k, v in payload["state_dict"].items() if not torch.is_tensor(v)]
    metadata = payload["metadata"]
    wrong += [
        f"metadata {key!r}"
        for key in REQUIRED
        if not isinstance(metadata.get(key), int | float) or isinstance(metadata.get(key), bool)
    ]
    return f"is damaged ({', '.join(wrong)} missing or of the wrong type)" if wrong else None


def _read(path: Path) -> dict[str, Any]:
    """The checkpoint's contents, checked; CheckpointError says what is wrong, not the fix."""
    if not path.is_file():
        raise CheckpointError(f"No checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # unpickling errors have many types; all mean "not ours"
        if "Unsupported global" in str(
            error
        ):  # code or objects; torch's advice to drop the guard: never
            raise CheckpointError(
                f"{path.name} holds objects a checkpoint never holds (refused by weights_only=True)"
            ) from None
        raise CheckpointError(
            f"{path.name} cannot be read (truncated or not a checkpoint: {type(error).__name__})"
        ) from None
    problem = _payload_problem(payload)
    if problem:
        raise CheckpointError(f"{path.name} {problem}")
    return payload


def _advised(path: Path, error: CheckpointError) -> CheckpointError:
    """The error read_checkpoint and load_checkpoint raise: what is wrong, where, what to do."""
    if not path.is_file():
        return CheckpointError(
            f"No checkpoint at {path}. Run the notebook that trains it, or use load_or_train."
        )
    return CheckpointError(f"{error}, in {path.parent}. {RETRAIN}.")


def read_checkpoint(path: Path | str) -> dict[str, Any]:
    """The checkpoint's contents (CPU weights, architecture key, metadata); no model touched."""
    try:
        return _read(Path(path))
    except CheckpointError as error:
        raise _advised(Path(path), error) from None


def checkpoint_metadata(name: str) -> dict[str, Any] | None:
    """The metadata saved with checkpoint `name` (e.g. 02's "ann"), or None and a one-line note."""
    path = checkpoint_path(name)
    if not path.is_file():
        print(f"No {path.name} in {path.parent}: run the notebook that trains it first.")
        return None
    try:
        return _read(path)["metadata"]
    except CheckpointError as error:
        print(f"{error}, in {path.parent}: not using it. {RETRAIN}.")
        return None


def _load_weights(path: Path, payload: dict[str, Any], model: nn.Module) -> None:
    """Put the payload's weights into `model`; CheckpointError when trained for another network."""
    saved, wanted = payload["architecture"], architecture_key(model)
    saved_class, wanted_class = saved.split(":")[0], type(model).__name__
    if saved_class != wanted_class:
        raise CheckpointError(f"{path.name} holds a {saved_class}, not a {wanted_class}")
    if saved != wanted:
        raise CheckpointError(
            f"{path.name} was trained for a different {wanted_class} "
            "(its layers or forward changed)"
        )
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError:  # same key, other weights: a damaged file
        raise CheckpointError(f"{path.name}: its weights do not fit this {wanted_class}") from None


def load_checkpoint(
    path: Path | str, model: nn.Module, device: torch.device | str = "cpu"
) -> dict[str, Any]:
    """Load weights into `model` (moved to `device`) and return the metadata; CheckpointError if unusable."""
    path = Path(path)
    try:
        payload = _read(path)
        _load_weights(path, payload, model)
    except CheckpointError as error:
        raise _advised(path, error) from None
    model.to(device)
    return payload["metadata"]


Trained = tuple[nn.Module, dict[str, Any]]  # a model and its metadata


def _matching(path: Path, build: Callable[[], nn.Module], settings: dict[str, Any]) -> Trained:
    """The checkpoint's model and metadata if trained with `settings` for `build()`'s network."""
    payload = _read(path)  # the metadata first: no model is built until the settings match
    metadata = payload["metadata"]
    if metadata.get("settings") != settings:
        raise CheckpointError(
            f"{path.name} was trained with other settings ({metadata.get('settings')})"
        )
    model = build()
    _load_weights(path, payload, model)
    return model, metadata


def load_or_train(
    name: str,
    build: Callable[[], nn.Module],
    settings: dict[str, Any],
    train: Callable[[], Trained],
    device: torch.device,
) -> Trained:
    """Checkpoint `name` in `build()` if it holds that network trained so; else `train()`, saved."""
    path = checkpoint_path(name)
    reason = f"no {path.name} yet"  # the line printed says why it trains
    if path.is_file():
        try:
            model, metadata = _matching(path, build, settings)
        except CheckpointError as error:
            reason = str(error)
        else:  # a matching checkpoint loads even from a read-only folder (a shared classroom copy)
            print(
                f"Loaded {path.name}: test accuracy {metadata['test_accuracy']:.2%} "
                f"(trained on {metadata.get('device', '?')})."
            )
            return model.to(device), metadata
    ensure_checkpoint_folder(
        path.parent
    )  # before training: a bad folder must not cost a training run
    with locked(lock_file(path)):
        if path.is_file():  # unusable: kept aside, nothing overwritten, nothing lost
            reason += f"; kept it as {keep_aside(path).name}"
    print(f"Training {name}: {reason}.")
    model, metadata = train()  # seeds and builds its own fresh model
    metadata = dict(metadata) | {"settings": settings}
    try:
        save_checkpoint(path, model, metadata)
        print(f"Saved {path}.")
    except CheckpointSaveError as error:  # the notebook goes on with the model it has
        print(error)
    return model.to(device), metadata
