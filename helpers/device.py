"""Pick the best device, name it, wait for it to finish queued work, and time work on it."""

from __future__ import annotations

import time

import torch


def mps_available() -> bool:
    """True on an Apple-silicon Mac whose PyTorch build can use the GPU."""
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def pick_device(prefer: str | None = None) -> torch.device:
    """CUDA if present, then Apple MPS, then the CPU (or `prefer`, e.g. "cpu", when given)."""
    if prefer is not None:
        return torch.device(prefer)
    return torch.device(
        "cuda" if torch.cuda.is_available() else "mps" if mps_available() else "cpu"
    )


def describe_device(device: torch.device) -> str:
    """A human-readable line naming the device and, for the CPU, the threads torch uses."""
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "mps: Apple GPU (Metal)"
    return f"cpu: {torch.get_num_threads()} threads (no GPU found)"


def synchronize(device: torch.device) -> None:
    """Wait until all queued work on `device` has finished (GPUs run asynchronously)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


class Timer:
    """Context manager measuring wall seconds, synchronising the device at both ends."""

    def __init__(self, device: torch.device | str = "cpu") -> None:
        self.device, self.seconds = torch.device(device), 0.0

    def __enter__(self) -> Timer:
        synchronize(self.device)
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        synchronize(self.device)
        self.seconds = time.perf_counter() - self._start
