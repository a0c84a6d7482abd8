"""One call that makes a run repeatable."""

from __future__ import annotations

import random

import numpy as np
import torch

from .settings import SEED


def seed_everything(seed: int = SEED) -> torch.Generator:
    """Seed Python, NumPy and torch (all devices); return a torch generator seeded the same way."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA and MPS
    return torch.Generator().manual_seed(seed)
