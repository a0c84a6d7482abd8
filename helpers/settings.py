"""Course-wide settings, read from the environment each time they are asked for."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = 42
VAL_SIZE = 5_000  # validation images held out of MNIST's 60,000 training images (full mode)
TRAIN_SIZE = 60_000 - VAL_SIZE  # the images the models learn from (full mode)
# Fast mode: a fixed, class-balanced slice of the real images and a single epoch.
FAST_TRAIN_PER_CLASS = 500
FAST_VAL_PER_CLASS = 50
FAST_TEST_PER_CLASS = 100
FAST_EPOCHS = 1
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class SettingsError(ValueError):
    """A course environment variable holds a value it cannot read; `fix` lists the valid ones."""

    def __init__(self, found: str, fix: str) -> None:
        super().__init__(f"{found}. {fix[0].upper()}{fix[1:]}.")
        self.found, self.fix = found, fix


def fast_mode() -> bool:
    """True when COURSE_FAST asks for the small, one-epoch course (unset or empty: the full one)."""
    value = os.environ.get("COURSE_FAST", "").strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS + ("",):
        return False
    raise SettingsError(
        f"COURSE_FAST={os.environ['COURSE_FAST']!r} is not understood",
        f"use one of {', '.join(TRUE_WORDS)} (fast mode) "
        f"or {', '.join(FALSE_WORDS)} (the full course), "
        "then restart Jupyter",
    )


def epochs(full: int) -> int:
    """The number of epochs to train: `full`, or one in fast mode."""
    return FAST_EPOCHS if fast_mode() else full


def course_folder(variable: str, default: str) -> Path:
    """The folder named by `variable`, else <repo>/<default>; relative paths start at the repo."""
    path = Path(os.environ.get(variable, "").strip() or default).expanduser()
    return (REPO_ROOT / path).resolve()  # an absolute path stays itself


def mnist_mirror() -> Path | None:
    """The MNIST_MIRROR folder (the four MNIST archives, instead of the internet), or None."""
    value = os.environ.get("MNIST_MIRROR", "").strip()
    return course_folder("MNIST_MIRROR", value) if value else None


def data_dir() -> Path:
    """Where MNIST is stored: COURSE_DATA_DIR, else <repo>/data."""
    return course_folder("COURSE_DATA_DIR", "data")


def checkpoint_dir() -> Path:
    """Where models go: COURSE_CHECKPOINT_DIR or <repo>/checkpoints (+ fast/ in fast mode)."""
    base = course_folder("COURSE_CHECKPOINT_DIR", "checkpoints")
    # a quick test run never overwrites a fully trained model
    return base / "fast" if fast_mode() else base


def describe_mode() -> str:
    """One line for a notebook to print: which mode is on and what it means."""
    if fast_mode():
        return (
            f"FAST MODE (COURSE_FAST=1): {FAST_TRAIN_PER_CLASS * 10:,} training, "
            f"{FAST_VAL_PER_CLASS * 10:,} validation "
            f"and {FAST_TEST_PER_CLASS * 10:,} test images (balanced), {FAST_EPOCHS} epoch. "
            "Numbers will be lower than in the full course; set COURSE_FAST=0 for the real thing."
        )
    return (
        f"Full course (COURSE_FAST=0): all 70,000 images, {TRAIN_SIZE:,} to train, "
        f"{VAL_SIZE:,} to validate "
        "and 10,000 to test."
    )
