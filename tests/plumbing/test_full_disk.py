"""A full disk: found before training, never loses a trained model, never blamed on the network.

A real 1 MB tmpfs where the machine allows mounting one (root); the same cases with a failing write
always run.
"""

import errno
import shutil
import subprocess

import pytest
import torch
from torch import nn

import helpers._mnist_files
import helpers.checkpoints
from course_tools.environment import check_checkpoint_folder, check_mnist, format_report
from helpers._mnist_files import MnistDataError
from helpers.checkpoints import (
    CheckpointError,
    CheckpointSaveError,
    ensure_checkpoint_folder,
    load_or_train,
    read_checkpoint,
    save_checkpoint,
)
from helpers.data import load_mnist

META = {"val_accuracy": 0.9, "test_accuracy": 0.9, "train_seconds": 1.0}
CPU = torch.device("cpu")
NO_SPACE = OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs: a disk that really fills up (skipped where no tmpfs can be mounted)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
        )
    except FileNotFoundError:
        pytest.skip("no mount command here; the failing-write tests cover the same cases")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()})")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """COURSE_CHECKPOINT_DIR on an ordinary disk."""
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path / "ckpt"))
    monkeypatch.setenv("COURSE_FAST", "0")
    return tmp_path / "ckpt"


def big() -> nn.Module:
    """A model of 2 MB: more than the small disk holds."""
    torch.manual_seed(0)
    return nn.Linear(1000, 500)


def train_big(calls: list):
    calls.append(1)
    return big(), dict(META)


def only_files(folder) -> list[str]:
    """What is in `folder` apart from lock files."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


def assert_one_line_keeping_the_model(text: str, folder) -> None:
    assert text.count("\n") == 0 or text.endswith("\n") and text.count("\n") == 1, text
    assert "disk full" in text and str(folder) in text and "still in memory" in text
    assert "save_checkpoint(" in text and "Traceback" not in text and "inline_container" not in text


# --- before training --------------------------------------------------------------------------


def test_full_disk_is_found_before_training(small_disk, monkeypatch):
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(small_disk))
    monkeypatch.setenv("COURSE_FAST", "0")
    calls = []
    with pytest.raises(CheckpointError, match=f"disk full: {small_disk} has .* free"):
        load_or_train("m", big, {}, lambda: train_big(calls), CPU)
    assert calls == []
    with pytest.raises(CheckpointError, match="disk full.*What to do: free some space"):
        ensure_checkpoint_folder()  # what notebooks 02 and 03 call before they train
    check = check_checkpoint_folder()
    assert (
        not check.ok
        and "disk full" in check.found
        and "Verdict: 1 problem" in format_report([check])
    )


def test_low_space_is_found_before_training_anywhere(folder, monkeypatch):
    monkeypatch.setattr(helpers.checkpoints, "free_bytes", lambda path: 5_000)
    calls = []
    with pytest.raises(CheckpointError, match="disk full: .* has 5.0 kB free, 32.0 MB needed"):
        load_or_train("m", big, {}, lambda: train_big(calls), CPU)
    assert calls == [] and not check_checkpoint_folder().ok


# --- a save that fails anyway keeps the model ---------------------------------------------------


def test_disk_that_fills_during_the_save_keeps_the_model(small_disk, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(small_disk))
    monkeypatch.setenv("COURSE_FAST", "0")
    # Free space looked fine before training; something else filled the disk meanwhile.
    monkeypatch.setattr(helpers.checkpoints, "free_bytes", lambda path: 10**12)
    calls = []
    model, meta = load_or_train("m", big, {}, lambda: train_big(calls), CPU)
    out = capsys.readouterr().out
    assert calls == [1] and torch.equal(model.weight, big().weight)  # the trained model came back
    assert_one_line_keeping_the_model(out.splitlines()[-1], small_disk)
    assert only_files(small_disk) == []  # no half checkpoint, no temporary filling the disk
    with pytest.raises(CheckpointSaveError) as caught:
        save_checkpoint(small_disk / "m.pt", model, meta)
    assert_one_line_keeping_the_model(str(caught.value), small_disk)
    # Once there is room, the command the message gives saves it, and it loads.
    subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
    save_checkpoint(small_disk / "m.pt", model, meta)
    loaded, _ = load_or_train("m", big, {}, lambda: train_big(calls), CPU)
    assert calls == [1] and torch.equal(loaded.weight, model.weight)


def unexpected_pos() -> RuntimeError:
    """What torch.save raises when the disk fills: the errno only in the exception's context."""
    try:
        raise NO_SPACE
    except OSError:
        try:
            raise RuntimeError(
                "[enforce fail at inline_container.cc:671] . unexpected pos 1664 vs 1558"
            )
        except RuntimeError as error:
            return error


@pytest.mark.parametrize(
    "error, disk_full",
    [
        (unexpected_pos(), True),
        (NO_SPACE, True),
        (PermissionError(errno.EACCES, "Permission denied"), False),
    ],
    ids=["torch unexpected pos", "ENOSPC", "permission"],
)
def test_a_failed_write_keeps_the_model_and_leaves_nothing_half_written(
    folder, monkeypatch, capsys, error, disk_full
):
    old = big()
    nn.init.zeros_(old.weight)
    save_checkpoint(folder / "m.pt", old, META | {"settings": {"old": True}})
    before = (folder / "m.pt").read_bytes()

    def fails(payload, f):
        f.write(b"half a checkpoint")
        raise error

    monkeypatch.setattr(torch, "save", fails)
    calls = []
    model, _ = load_or_train("m", big, {}, lambda: train_big(calls), CPU)
    line = capsys.readouterr().out.splitlines()[-1]
    assert calls == [1] and model.weight.abs().sum() > 0  # the new model, not the old zeros
    assert line.startswith("Could not save m.pt: ") and "still in memory" in line
    assert ("disk full" in line) == disk_full and str(folder) in line
    assert not disk_full or "inline_container" not in line
    (kept,) = folder.glob("m.*.old.pt")  # the old one kept aside, untouched
    assert kept.read_bytes() == before and read_checkpoint(kept)["metadata"]["settings"] == {
        "old": True
    }
    assert only_files(folder) == [kept.name]  # no half m.pt, no temporary


# --- the data folder ------------------------------------------------------------------------------


def test_data_folder_on_a_full_disk_says_disk_full_not_no_network(
    small_disk, mirror_copy, monkeypatch
):
    monkeypatch.setenv("COURSE_DATA_DIR", str(small_disk / "data"))
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))
    with pytest.raises(MnistDataError) as caught:
        load_mnist(train=False)
    message = str(caught.value)
    assert "disk full" in message and str(small_disk) in message and "network" not in message
    assert "`export COURSE_DATA_DIR=~/mnist-data`" in message  # the command on one line, whole
    check = check_mnist()
    assert not check.ok and "disk full" in check.found


def test_data_disk_that_fills_while_copying_says_disk_full(small_disk, mirror_copy, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(small_disk / "data"))
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))
    monkeypatch.setattr(helpers._mnist_files, "free_bytes", lambda path: 10**12)  # looked fine
    with pytest.raises(MnistDataError, match="disk full") as caught:
        load_mnist(train=False)
    assert "network" not in str(caught.value)
    raw = small_disk / "data" / "MNIST" / "raw"
    assert not list(raw.glob(".*.tmp"))  # the half copy was removed


def test_a_failed_copy_is_called_disk_full(empty_data_dir, mirror_copy, monkeypatch):
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))

    def no_space(source, target):
        target.write(b"half")
        raise NO_SPACE

    monkeypatch.setattr(shutil, "copyfileobj", no_space)
    with pytest.raises(MnistDataError) as caught:
        load_mnist(train=False)
    message = str(caught.value)
    assert message.startswith("MNIST could not be stored: disk full") and "network" not in message
    assert "`export COURSE_DATA_DIR=~/mnist-data`" in message
    assert not list((empty_data_dir / "MNIST" / "raw").glob(".*.tmp"))
