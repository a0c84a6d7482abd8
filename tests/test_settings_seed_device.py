"""Settings, seeding and the device helpers (device choice, synchronisation); timing is in test_timing."""

import random

import numpy as np
import pytest
import torch

from helpers import device as dev
from helpers.training import seed_everything
from helpers.settings import REPO_ROOT, checkpoint_dir, data_dir, describe_mode, epochs, fast_mode


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("0", False), ("", False), ("no", False)])
def test_fast_mode_reads_course_fast(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_FAST", value)
    assert fast_mode() is expected
    assert epochs(10) == (1 if expected else 10)
    assert ("FAST MODE" in describe_mode()) is expected


def test_folders_default_to_the_repo_and_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("COURSE_CHECKPOINT_DIR", raising=False)
    monkeypatch.setenv("COURSE_FAST", "0")
    assert data_dir() == REPO_ROOT / "data"
    assert checkpoint_dir() == REPO_ROOT / "checkpoints"
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path / "c"))
    assert data_dir() == tmp_path / "d" and checkpoint_dir() == tmp_path / "c"


def test_fast_mode_checkpoints_live_apart(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_FAST", "1")
    assert checkpoint_dir() == tmp_path / "fast"


def test_seed_everything_repeats_python_numpy_and_torch():
    def draw():
        g = seed_everything(7)
        return random.random(), np.random.rand(), torch.rand(3).tolist(), torch.rand(1, generator=g).item()

    assert draw() == draw()
    seed_everything(8)
    assert torch.rand(3).tolist() != draw()[2]


def test_pick_device_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert dev.pick_device().type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(dev, "mps_available", lambda: True)
    assert dev.pick_device().type == "mps"
    monkeypatch.setattr(dev, "mps_available", lambda: False)
    assert dev.pick_device().type == "cpu"
    assert dev.pick_device(prefer="cpu").type == "cpu"
    assert "no GPU" in dev.describe_device(torch.device("cpu"))


@pytest.mark.parametrize("kind", ["cpu", "cuda", "mps"])
def test_synchronize_waits_on_the_right_device(monkeypatch, kind):
    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda d=None: calls.append("cuda"))
    monkeypatch.setattr(torch.mps, "synchronize", lambda: calls.append("mps"))
    dev.synchronize(torch.device(kind))
    assert calls == ([] if kind == "cpu" else [kind])
