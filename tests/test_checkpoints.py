"""Checkpoints: round trip, clear errors on bad files, and load_or_train."""

import pytest
import torch

from helpers.checkpoints import CheckpointError, checkpoint_path, load_checkpoint, load_or_train, save_checkpoint
from helpers.models import ANN, CompactCNN, LeNet5

META = {"test_accuracy": 0.99, "train_seconds": 12.5, "history": {"test_acc": [0.98, 0.99]}, "device": "cpu"}


@pytest.fixture(autouse=True)
def checkpoint_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_FAST", "0")
    return tmp_path


def test_round_trip_keeps_weights_and_metadata(tmp_path):
    model = LeNet5()
    save_checkpoint(tmp_path / "m.pt", model, META)
    other = LeNet5()
    meta = load_checkpoint(tmp_path / "m.pt", other, "cpu")
    assert meta == META
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), other.state_dict().values()))
    assert not list(tmp_path.glob("*.partial"))


def test_metadata_must_record_accuracy_and_time(tmp_path):
    with pytest.raises(ValueError, match="train_seconds"):
        save_checkpoint(tmp_path / "m.pt", LeNet5(), {"test_accuracy": 0.9})


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="No checkpoint"):
        load_checkpoint(tmp_path / "none.pt", LeNet5())


def test_other_architecture_is_refused(tmp_path):
    save_checkpoint(tmp_path / "m.pt", CompactCNN(), META)
    with pytest.raises(CheckpointError, match="holds a CompactCNN, not a LeNet5"):
        load_checkpoint(tmp_path / "m.pt", LeNet5())


def test_changed_layers_are_refused(tmp_path):
    save_checkpoint(tmp_path / "m.pt", ANN(hidden=(64,)), META)
    with pytest.raises(CheckpointError, match="do not fit"):
        load_checkpoint(tmp_path / "m.pt", ANN())


@pytest.mark.parametrize("content", [b"not a checkpoint at all", None])
def test_files_that_are_not_checkpoints(tmp_path, content):
    path = tmp_path / "m.pt"
    if content is None:
        torch.save(LeNet5().state_dict(), path)  # a bare state_dict: no marker, no metadata
    else:
        path.write_bytes(content)
    with pytest.raises(CheckpointError, match="not a (readable )?course checkpoint"):
        load_checkpoint(path, LeNet5())


def test_load_or_train_trains_once_then_loads(checkpoint_folder):
    calls = []

    def train(model):
        calls.append(1)
        return dict(META)

    settings = {"lr": 1e-3}
    first = load_or_train("cnn", LeNet5(), settings, train, torch.device("cpu"))
    second = load_or_train("cnn", LeNet5(), settings, train, torch.device("cpu"))
    assert len(calls) == 1 and first == second and second["settings"] == settings
    assert checkpoint_path("cnn") == checkpoint_folder / "cnn.pt"


def test_load_or_train_retrains_stale_or_foreign_and_keeps_the_old_file(checkpoint_folder, capsys):
    save_checkpoint(checkpoint_folder / "cnn.pt", LeNet5(), META | {"settings": {"lr": 0.02}})
    meta = load_or_train("cnn", LeNet5(), {"lr": 1e-3}, lambda m: dict(META), torch.device("cpu"))
    assert meta["settings"] == {"lr": 1e-3}
    assert "other settings" in capsys.readouterr().out
    assert (checkpoint_folder / "cnn.pt.old").is_file()

    save_checkpoint(checkpoint_folder / "cnn.pt", CompactCNN(), META)
    load_or_train("cnn", LeNet5(), {"lr": 1e-3}, lambda m: dict(META), torch.device("cpu"))
    assert "holds a CompactCNN" in capsys.readouterr().out
    assert load_checkpoint(checkpoint_folder / "cnn.pt", LeNet5())["settings"] == {"lr": 1e-3}
