"""Timing done right (warm-up, device synchronisation, repeats, the median); training throughput."""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from .data import TensorLoader
from .device import Timer
from .models import build_model
from .settings import SEED, TRAIN_SIZE
from .training import train_one_epoch

EPOCH_IMAGES = TRAIN_SIZE  # one epoch of the course's training split (notebook 01)


@dataclass(frozen=True)
class Timing:
    """Repeated measurements of one piece of work, in seconds."""

    times: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def spread(self) -> float:
        return max(self.times) - min(self.times)


def time_repeats(
    fn: Callable[[], object], device: torch.device | str, repeats: int = 5, warmup: int = 1
) -> Timing:
    """Run `fn` `warmup` times untimed, then `repeats` times timed with device synchronisation."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        with Timer(device) as t:
            fn()
        times.append(t.seconds)
    return Timing(tuple(times))


@dataclass(frozen=True)
class Throughput:
    """How fast `steps` training steps of `batch_size` images ran, and what follows from it."""

    batch_size: int
    steps: int
    timing: Timing

    @property
    def images_per_second(self) -> float:
        return self.batch_size * self.steps / self.timing.median

    @property
    def seconds_per_step(self) -> float:
        return self.timing.median / self.steps

    def seconds_per_epoch(self, images: int = EPOCH_IMAGES) -> float:
        """An epoch's training time extrapolated from the measured rate."""
        return images / self.images_per_second


def training_throughput(
    model: nn.Module,
    batch_size: int,
    device: torch.device | str,
    steps: int = 20,
    repeats: int = 3,
    warmup: int = 1,
    data: tuple[torch.Tensor, torch.Tensor] | None = None,
) -> Throughput:
    """Time `steps` steps of the course's train_one_epoch on `device` (random images by default)."""
    device, n = torch.device(device), batch_size * steps
    generator = torch.Generator().manual_seed(0)  # timing does not care what the images show
    images, labels = data or (
        torch.randn(n, 1, 28, 28, generator=generator),
        torch.randint(0, 10, (n,), generator=generator),
    )
    # exactly `steps` full batches, reusing images if there are too few
    pick = torch.arange(n) % len(labels)
    loader = TensorLoader(images[pick], labels[pick], batch_size, shuffle=True)
    model = model.to(device)
    loss_fn, optimizer = nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> None:
        train_one_epoch(model, loader, loss_fn, optimizer, device)

    return Throughput(batch_size, steps, time_repeats(step, device, repeats, warmup))


def steps_for(batch_size: int, images: int, min_steps: int = 2, max_steps: int = 100) -> int:
    """Enough steps to cover about `images` images, within [min_steps, max_steps]."""
    return int(np.clip(images // batch_size, min_steps, max_steps))


def throughput_sweep(
    model_names: Sequence[str],
    batch_sizes: Sequence[int],
    devices: Sequence[torch.device],
    images: int = 4096,
    repeats: int = 3,
    warmup: int = 1,
    progress: Callable[[str], None] | None = print,
    max_steps: int = 100,
) -> pd.DataFrame:
    """Training throughput of each model on each device and batch size, one row per measurement."""
    rows = []
    for device in devices:
        for name in model_names:
            for batch_size in batch_sizes:
                torch.manual_seed(SEED)  # the same initial weights for every measurement
                steps = steps_for(batch_size, images, max_steps=max_steps)
                result = training_throughput(
                    build_model(name), batch_size, device, steps, repeats, warmup
                )
                rows.append(
                    {
                        "model": name,
                        "device": device.type,
                        "batch_size": batch_size,
                        "steps": result.steps,
                        "median_s": result.timing.median,
                        "spread_s": result.timing.spread,
                        "images_per_s": result.images_per_second,
                        # the slowest and the fastest repeat, as rates: the repeats' range
                        "images_per_s_min": batch_size * steps / max(result.timing.times),
                        "images_per_s_max": batch_size * steps / min(result.timing.times),
                        "ms_per_step": 1000 * result.seconds_per_step,
                        "s_per_epoch": result.seconds_per_epoch(),
                    }
                )
                if progress is not None:
                    progress(
                        f"{device.type:>4}  {name:<7} batch {batch_size:>5}: "
                        f"{result.images_per_second:9,.0f} images/s"
                    )
    return pd.DataFrame(rows)


def step_cost_fit(batch_sizes: Sequence[int], ms_per_step: Sequence[float]) -> tuple[float, float]:
    """Fit ms per step = overhead + batch_size × per_image; return (overhead_ms, per_image_ms)."""
    x, y = np.asarray(batch_sizes, float), np.asarray(ms_per_step, float)
    per_image, overhead = np.polyfit(x, y, 1, w=1 / y)  # weights: relative errors count
    if overhead < 0:  # noisy timings can tilt the line below zero: refit through the origin instead
        overhead, per_image = 0.0, float(np.sum(x * y / y**2) / np.sum(x * x / y**2))
    return float(overhead), float(per_image)


@contextmanager
def num_threads(n: int) -> Iterator[int]:
    """Let torch use `n` CPU threads inside the `with` block, then restore the previous number."""
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield n
    finally:
        torch.set_num_threads(previous)


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence messages written straight to the process's stderr inside the block."""
    # torch.profiler's C++ backend (Kineto) prints start/stop lines that Python cannot filter.
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
