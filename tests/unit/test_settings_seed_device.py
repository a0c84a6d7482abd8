"""Settings (read strictly), seeding, and the device helpers (choice, synchronisation)."""

import os
import random

import numpy as np
import pytest
import torch

from helpers import device as dev
from helpers.settings import (
    REPO_ROOT,
    SettingsError,
    checkpoint_dir,
    data_dir,
    describe_mode,
    epochs,
    fast_mode,
)
from helpers.training import seed_everything


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        (" yes ", True),
        ("On", True),
        ("0", False),
        ("0 ", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", False),
    ],
)
def test_fast_mode_accepts_the_usual_true_false_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_FAST", value)
    assert fast_mode() is expected
    assert epochs(10) == (1 if expected else 10)
    assert ("FAST MODE" in describe_mode()) is expected


def test_fast_mode_unset_means_the_full_course(monkeypatch):
    monkeypatch.delenv("COURSE_FAST", raising=False)
    assert fast_mode() is False


@pytest.mark.parametrize("value", ["2", "y", "n", "fast", "-1", "0.5", "truee"])
def test_unknown_course_fast_value_is_an_error_listing_the_valid_ones(monkeypatch, value):
    monkeypatch.setenv("COURSE_FAST", value)
    with pytest.raises(SettingsError) as info:
        fast_mode()
    message = str(info.value)
    assert repr(value) in message
    assert all(word in message for word in ("1", "true", "yes", "on", "0", "false", "no", "off"))


def test_empty_course_fast_under_pytest_means_fast():
    import subprocess
    import sys

    code = "import os, runpy; runpy.run_path('conftest.py'); print(os.environ['COURSE_FAST'])"
    for value in ("", "  "):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=REPO_ROOT,
            env={**os.environ, "COURSE_FAST": value},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert out.strip() == "1"


def test_folders_default_to_the_repo_and_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("COURSE_CHECKPOINT_DIR", raising=False)
    monkeypatch.setenv("COURSE_FAST", "0")
    assert data_dir() == REPO_ROOT / "data"
    assert checkpoint_dir() == REPO_ROOT / "checkpoints"
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path / "c"))
    assert data_dir() == tmp_path / "d" and checkpoint_dir() == tmp_path / "c"


def test_relative_folders_are_read_from_the_course_root(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_FAST", "0")
    monkeypatch.setenv("COURSE_DATA_DIR", "my-data")
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", "../models")
    for cwd in (REPO_ROOT, REPO_ROOT / "notebooks", tmp_path):
        monkeypatch.chdir(cwd)
        assert data_dir() == REPO_ROOT / "my-data"
        assert checkpoint_dir() == (REPO_ROOT / "../models").resolve()


def test_fast_mode_checkpoints_live_apart(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_FAST", "1")
    assert checkpoint_dir() == tmp_path / "fast"


def test_seed_everything_repeats_python_numpy_and_torch():
    def draw():
        g = seed_everything(7)
        return (
            random.random(),
            np.random.rand(),
            torch.rand(3).tolist(),
            torch.rand(1, generator=g).item(),
        )

    assert draw() == draw()
    seed_everything(8)
    assert torch.rand(3).tolist() != draw()[2]


def test_pick_device_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert dev.pick_device().type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert dev.pick_device().type == "mps"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
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
