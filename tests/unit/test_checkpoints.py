"""Checkpoints: round trip, clear errors, never wrong (metadata first) or lost (safe writes)."""

import multiprocessing
import os

import pytest
import torch
from torch import nn

from helpers.checkpoints import (
    FORMAT,
    CheckpointError,
    architecture_key,
    checkpoint_metadata,
    checkpoint_path,
    load_checkpoint,
    load_or_train,
    lock_file,
    read_checkpoint,
    save_checkpoint,
)
from helpers.models import CompactCNN, LeNet5

META = {
    "val_accuracy": 0.985,
    "test_accuracy": 0.99,
    "train_seconds": 12.5,
    "history": {"val_acc": [0.98, 0.985]},
    "device": "cpu",
}
CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def checkpoint_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_FAST", "0")
    return tmp_path


def same_weights(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def tiny_build() -> nn.Module:
    return nn.Linear(4, 3)


def tiny_train(calls: list | None = None):
    """Fake training: seeds, builds a fresh model, takes a few steps; returns (model, metadata)."""
    if calls is not None:
        calls.append(1)
    torch.manual_seed(0)
    model = tiny_build()
    x, y = torch.randn(32, 4), torch.randint(0, 3, (32,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(5):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    return model, dict(META)


# --- saving and loading -------------------------------------------------------------------


def test_round_trip_keeps_weights_and_metadata(tmp_path):
    model = LeNet5()
    save_checkpoint(tmp_path / "m.pt", model, META)
    other = LeNet5()
    meta = load_checkpoint(tmp_path / "m.pt", other, "cpu")
    assert meta == META and same_weights(model, other)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".lock") == [
        "m.pt"
    ]  # no temporary left
    mask = os.umask(0)
    os.umask(mask)
    assert (
        tmp_path / "m.pt"
    ).stat().st_mode & 0o777 == 0o666 & ~mask  # an ordinary file, not a private temp


@pytest.mark.parametrize("missing", ["val_accuracy", "test_accuracy", "train_seconds"])
def test_metadata_must_record_accuracies_and_time(tmp_path, missing):
    meta = {k: v for k, v in META.items() if k != missing}
    with pytest.raises(ValueError, match=missing):
        save_checkpoint(tmp_path / "m.pt", LeNet5(), meta)


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="No checkpoint"):
        load_checkpoint(tmp_path / "none.pt", LeNet5())


def test_other_architecture_is_refused(tmp_path):
    save_checkpoint(tmp_path / "m.pt", CompactCNN(), META)
    with pytest.raises(CheckpointError, match="holds a CompactCNN, not a LeNet5"):
        load_checkpoint(tmp_path / "m.pt", LeNet5())


def test_changed_layers_are_refused(tmp_path):
    save_checkpoint(tmp_path / "m.pt", nn.Linear(4, 3), META)
    with pytest.raises(CheckpointError, match="different Linear .its layers or forward changed"):
        load_checkpoint(tmp_path / "m.pt", nn.Linear(5, 3))


@pytest.mark.parametrize("content", [b"not a checkpoint at all", None])
def test_files_that_are_not_checkpoints(tmp_path, content):
    path = tmp_path / "m.pt"
    if content is None:
        torch.save(LeNet5().state_dict(), path)  # a bare state_dict: no marker, no metadata
    else:
        path.write_bytes(content)
    with pytest.raises(CheckpointError, match="cannot be read|not a course checkpoint"):
        load_checkpoint(path, LeNet5())


def test_failed_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = save_checkpoint(tmp_path / "m.pt", LeNet5(), META)
    before = path.read_bytes()

    def crash(payload, f):
        f.write(b"half a checkpoint")
        raise KeyboardInterrupt  # the student pressed stop mid-save

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, LeNet5(), META)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


# --- load_or_train: never wrong -----------------------------------------------------------


def test_load_or_train_trains_once_then_loads(checkpoint_folder):
    calls = []
    settings = {"lr": 1e-3}
    first, meta1 = load_or_train("m", tiny_build, settings, lambda: tiny_train(calls), CPU)
    second, meta2 = load_or_train("m", tiny_build, settings, lambda: tiny_train(calls), CPU)
    assert len(calls) == 1 and meta1 == meta2 and meta2["settings"] == settings
    assert same_weights(first, second)
    assert checkpoint_path("m") == checkpoint_folder / "m.pt"


def test_metadata_is_read_before_any_model_is_built(checkpoint_folder):
    save_checkpoint(checkpoint_folder / "m.pt", tiny_build(), META | {"settings": {"lr": 0.02}})
    built = []

    def build():
        built.append(1)
        return tiny_build()

    load_or_train("m", build, {"lr": 1e-3}, tiny_train, CPU)
    assert built == []  # settings differ: no model was built, nothing loaded into one


def test_model_trained_in_place_of_a_rejected_checkpoint_equals_one_from_an_empty_folder(
    tmp_path, monkeypatch
):
    stale = tmp_path / "stale"
    stale.mkdir()
    trained_elsewhere = nn.Linear(4, 3)
    nn.init.constant_(
        trained_elsewhere.weight, 7.0
    )  # "full mode" weights where the fast ones belong
    save_checkpoint(stale / "m.pt", trained_elsewhere, META | {"settings": {"fast": False}})
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(stale))
    replaced, _ = load_or_train("m", tiny_build, {"fast": True}, tiny_train, CPU)
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path / "empty"))
    fresh, _ = load_or_train("m", tiny_build, {"fast": True}, tiny_train, CPU)
    assert same_weights(replaced, fresh) and not same_weights(replaced, trained_elsewhere)


def test_stale_or_foreign_checkpoints_are_retrained_and_kept(checkpoint_folder, capsys):
    save_checkpoint(checkpoint_folder / "m.pt", tiny_build(), META | {"settings": {"lr": 0.02}})
    _, meta = load_or_train("m", tiny_build, {"lr": 1e-3}, tiny_train, CPU)
    assert meta["settings"] == {"lr": 1e-3}
    assert "other settings" in capsys.readouterr().out

    save_checkpoint(checkpoint_folder / "m.pt", CompactCNN(), META | {"settings": {"lr": 1e-3}})
    load_or_train("m", tiny_build, {"lr": 1e-3}, tiny_train, CPU)
    assert "holds a CompactCNN" in capsys.readouterr().out
    assert read_checkpoint(checkpoint_folder / "m.pt")["architecture"].startswith("Linear:")


def test_kept_checkpoints_are_never_overwritten(checkpoint_folder):
    originals = []
    for lr in (0.1, 0.2, 0.3):  # three mismatches within the same second
        model = tiny_build()
        save_checkpoint(checkpoint_folder / "m.pt", model, META | {"settings": {"lr": lr}})
        originals.append(model)
        load_or_train("m", tiny_build, {"lr": 1e-3}, tiny_train, CPU)
    kept = sorted(checkpoint_folder.glob("m.*.old.pt"))
    assert len(kept) == 3
    kept_lrs = sorted(read_checkpoint(p)["metadata"]["settings"]["lr"] for p in kept)
    assert kept_lrs == [0.1, 0.2, 0.3]
    for model in originals:
        assert any(same_weights(model, _loaded(p)) for p in kept)


def _loaded(path):
    model = tiny_build()
    load_checkpoint(path, model)
    return model


def test_unreadable_checkpoint_is_kept_not_deleted(checkpoint_folder, capsys):
    (checkpoint_folder / "m.pt").write_bytes(b"garbage")
    load_or_train("m", tiny_build, {}, tiny_train, CPU)
    kept = list(checkpoint_folder.glob("m.*.old.pt"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"garbage"
    out = capsys.readouterr().out
    assert "m.pt cannot be read" in out and "kept it as m." in out
    assert "Delete it" not in out  # it was kept aside already: never advise what was done


# --- a checkpoint that cannot be used, for any reason, is kept aside and retrained ---------


class Hostile:
    """Unpickling this would create a file: weights_only must refuse it unopened."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def good_payload() -> dict:
    model = tiny_build()
    return {
        "format": FORMAT,
        "architecture": architecture_key(model),
        "state_dict": model.state_dict(),
        "metadata": dict(META) | {"settings": {}},
    }


def without(key: str) -> dict:
    return {k: v for k, v in good_payload().items() if k != key}


def with_metadata(**changes) -> dict:
    payload = good_payload()
    payload["metadata"] = {k: v for k, v in payload["metadata"].items() if k not in changes} | {
        k: v for k, v in changes.items() if v is not None
    }
    return payload


UNUSABLE = {
    "no metadata": lambda path: torch.save(without("metadata"), path),
    "no state_dict": lambda path: torch.save(without("state_dict"), path),
    "no architecture": lambda path: torch.save(without("architecture"), path),
    "metadata without test_accuracy": lambda path: torch.save(
        with_metadata(test_accuracy=None), path
    ),
    "accuracy as text": lambda path: torch.save(with_metadata(test_accuracy="99%"), path),
    "metadata a list": lambda path: torch.save(good_payload() | {"metadata": [1]}, path),
    "weights a list": lambda path: torch.save(good_payload() | {"state_dict": [1]}, path),
    "a weight not a tensor": lambda path: torch.save(
        good_payload() | {"state_dict": {"weight": [1.0]}}, path
    ),
    "format 1 (no key)": lambda path: torch.save(
        good_payload() | {"format": "mnist-course-checkpoint/1", "architecture": "Linear"}, path
    ),
    "not a dict": lambda path: torch.save([1, 2, 3], path),
    "empty file": lambda path: path.write_bytes(b""),
    "truncated": lambda path: (
        torch.save(good_payload(), path),
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    ),
    "hostile pickle": lambda path: torch.save(
        {"format": FORMAT, "x": Hostile(path.with_name("pwned"))}, path
    ),
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_checkpoint_is_a_clear_error_never_a_key_error(checkpoint_folder, case):
    UNUSABLE[case](checkpoint_folder / "m.pt")
    with pytest.raises(CheckpointError) as caught:
        read_checkpoint(checkpoint_folder / "m.pt")
    message = str(caught.value)
    assert message.startswith("m.pt ") and str(checkpoint_folder) in message and "\n" not in message
    assert (
        "weights_only=False" not in message
    )  # torch's advice to drop the guard is never passed on
    with pytest.raises(CheckpointError):
        load_checkpoint(checkpoint_folder / "m.pt", tiny_build())
    assert not (checkpoint_folder / "pwned").exists()


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_checkpoint_is_kept_aside_and_retrained(checkpoint_folder, capsys, case):
    UNUSABLE[case](checkpoint_folder / "m.pt")
    original = (checkpoint_folder / "m.pt").read_bytes()
    calls = []
    model, _ = load_or_train("m", tiny_build, {}, lambda: tiny_train(calls), CPU)
    lines = capsys.readouterr().out.splitlines()
    assert calls == [1] and lines[0].startswith("Training m: m.pt ") and "kept it as m." in lines[0]
    (kept,) = checkpoint_folder.glob("m.*.old.pt")
    assert kept.read_bytes() == original
    assert same_weights(model, _loaded(checkpoint_folder / "m.pt"))  # the new one is whole
    assert not (checkpoint_folder / "pwned").exists()


def test_checkpoint_metadata_reads_another_notebooks_result_safely(checkpoint_folder, capsys):
    assert checkpoint_metadata("ann") is None
    assert (
        capsys.readouterr().out
        == f"No ann.pt in {checkpoint_folder}: run the notebook that trains it first.\n"
    )
    save_checkpoint(checkpoint_folder / "ann.pt", tiny_build(), META)
    assert checkpoint_metadata("ann") == META and capsys.readouterr().out == ""
    for case in ("truncated", "hostile pickle", "no metadata"):
        UNUSABLE[case](checkpoint_folder / "ann.pt")
        assert checkpoint_metadata("ann") is None
        note = capsys.readouterr().out
        assert note.startswith("ann.pt ") and note.count("\n") == 1 and "not using it" in note
    assert not (checkpoint_folder / "pwned").exists()


# --- temporary files of killed saves: removed by the next save, never loaded ---------------


def _killed_mid_save(folder: str, name: str) -> None:
    """A child process that dies (SIGKILL) half-way through writing checkpoint `name`."""
    import signal

    def half_then_killed(payload, f):
        f.write(b"half a checkpoint")
        f.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    torch.save = half_then_killed  # in this child process only
    save_checkpoint(os.path.join(folder, name), tiny_build(), META)


def temporaries(folder):
    return sorted(p.name for p in folder.glob(".*.tmp"))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_temporaries_of_killed_saves_are_never_loaded_and_the_next_save_removes_them(
    checkpoint_folder, capsys
):
    context = multiprocessing.get_context("fork")
    for name in ("m.pt", "other.pt"):
        child = context.Process(target=_killed_mid_save, args=(str(checkpoint_folder), name))
        child.start()
        child.join(60)
        assert child.exitcode == -9  # SIGKILL: no handler ran, the temporary stays
        # other.pt's save removed m.pt's temporary before it was killed in its turn
        assert [t.split(".")[1] for t in temporaries(checkpoint_folder)] == [name[:-3]]
    calls = []
    load_or_train("m", tiny_build, {}, lambda: tiny_train(calls), CPU)
    assert calls == [1] and "no m.pt yet" in capsys.readouterr().out  # the half file was not loaded
    assert temporaries(checkpoint_folder) == []  # m's and other's: nobody was writing them


def test_a_save_in_progress_keeps_its_temporary(checkpoint_folder):
    import fcntl

    writing = checkpoint_folder / ".other.pt.abcd1234.tmp"
    writing.write_bytes(b"being written")
    with open(lock_file(checkpoint_folder / "other.pt"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another save of other.pt is running
        save_checkpoint(checkpoint_folder / "m.pt", tiny_build(), META)
        assert writing.exists()
    save_checkpoint(checkpoint_folder / "m.pt", tiny_build(), META)
    assert not writing.exists()


# --- the folder is checked before training ------------------------------------------------


def test_checkpoint_folder_that_is_a_file_fails_before_training(tmp_path, monkeypatch):
    file = tmp_path / "a-file"
    file.write_text("")
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(file))
    calls = []
    with pytest.raises(CheckpointError, match="is a file.*COURSE_CHECKPOINT_DIR"):
        load_or_train("m", tiny_build, {}, lambda: tiny_train(calls), CPU)
    assert calls == []


def test_unwritable_checkpoint_folder_fails_before_training(monkeypatch):
    monkeypatch.setenv(
        "COURSE_CHECKPOINT_DIR", "/proc/course-checkpoints"
    )  # unwritable, even for root
    calls = []
    with pytest.raises(CheckpointError, match="cannot be written.*COURSE_CHECKPOINT_DIR"):
        load_or_train("m", tiny_build, {}, lambda: tiny_train(calls), CPU)
    assert calls == []


def test_read_only_checkpoint_folder_fails_before_training(tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(folder))
    if os.access(folder, os.W_OK) and os.geteuid() == 0:
        folder.chmod(
            0o755
        )  # root writes anyway: simulate the read-only folder where the probe writes
        import tempfile

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    calls = []
    with pytest.raises(CheckpointError, match="cannot be written"):
        load_or_train("m", tiny_build, {}, lambda: tiny_train(calls), CPU)
    assert calls == []


def test_matching_checkpoint_loads_from_a_read_only_folder_but_a_stale_one_is_not_moved(
    checkpoint_folder, monkeypatch
):
    import helpers.checkpoints

    model, _ = load_or_train("m", tiny_build, {"lr": 1}, tiny_train, CPU)
    monkeypatch.setattr(
        helpers.checkpoints, "folder_problem", lambda folder: f"{folder} is read-only"
    )
    calls = []
    loaded, _ = load_or_train(
        "m", tiny_build, {"lr": 1}, lambda: tiny_train(calls), CPU
    )  # a shared copy
    assert same_weights(model, loaded) and calls == []
    before = (checkpoint_folder / "m.pt").read_bytes()
    with pytest.raises(CheckpointError, match="read-only.*COURSE_CHECKPOINT_DIR"):
        load_or_train("m", tiny_build, {"lr": 2}, lambda: tiny_train(calls), CPU)
    assert calls == [] and (checkpoint_folder / "m.pt").read_bytes() == before
    assert not list(checkpoint_folder.glob("*.old.pt"))


# --- concurrency: real processes ----------------------------------------------------------


def _writer(folder: str, seed: int, saves: int, errors) -> None:
    try:
        torch.manual_seed(seed)
        model = nn.Linear(64, 64)
        for i in range(saves):
            save_checkpoint(os.path.join(folder, "m.pt"), model, META | {"writer": seed, "i": i})
    except Exception as error:  # reported to the parent, which fails the test
        errors.put(f"writer {seed}: {type(error).__name__}: {error}")


def _reader(folder: str, stop, errors) -> None:
    path = os.path.join(folder, "m.pt")
    reads = 0
    while not stop.is_set() or reads == 0:
        if os.path.exists(path):
            try:
                payload = read_checkpoint(path)
                assert payload["metadata"]["val_accuracy"] == META["val_accuracy"]
                reads += 1
            except Exception as error:
                errors.put(f"reader: {type(error).__name__}: {error}")
    errors.put(f"reads:{reads}")


def test_concurrent_writers_and_a_reader_never_fail_or_see_a_broken_file(tmp_path):
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    errors, stop = context.Queue(), context.Event()
    reader = context.Process(target=_reader, args=(str(tmp_path), stop, errors))
    writers = [
        context.Process(target=_writer, args=(str(tmp_path), seed, 40, errors)) for seed in range(3)
    ]
    reader.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join(120)
    stop.set()
    reader.join(120)
    messages = []
    while len(messages) < 1 or not messages[-1].startswith("reads:"):
        messages.append(errors.get(timeout=30))
    problems = [m for m in messages if not m.startswith("reads:")]
    assert not problems, problems[:5]
    assert all(w.exitcode == 0 for w in writers) and reader.exitcode == 0
    assert int(messages[-1].split(":")[1]) > 0
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    assert read_checkpoint(tmp_path / "m.pt")["metadata"]["i"] == 39


# --- seeding on every training path: notebook 05's CNN is notebook 03's -------------------


def test_cnn_from_load_or_train_recipe_equals_the_one_train_recipe_gives(tmp_path, monkeypatch):
    """03 trains with train_recipe, 05 and 06 load_or_train_recipe: same settings, same model."""
    from dataclasses import replace

    from helpers.data import Splits
    from helpers.models import LeNet5
    from helpers.recipes import CNN_RECIPE, load_or_train_recipe, train_recipe

    monkeypatch.setenv("COURSE_FAST", "1")
    generator = torch.Generator().manual_seed(0)
    x, y = torch.randn(300, 1, 28, 28, generator=generator), torch.arange(300) % 10
    splits = Splits(x[:200], y[:200], x[200:250], y[200:250], x[250:], y[250:])
    recipe = replace(CNN_RECIPE, epochs=1)

    in_03, _ = train_recipe(LeNet5, recipe, CPU, splits, verbose=False)
    torch.rand(1000)  # whatever ran before in the notebook must not matter
    # empty folder: trained now
    in_05, meta = load_or_train_recipe("cnn", LeNet5, recipe, CPU, splits)
    in_06, _ = load_or_train_recipe(
        "cnn", LeNet5, recipe, CPU, splits
    )  # loaded from the checkpoint 05 saved
    assert same_weights(in_03, in_05) and same_weights(in_03, in_06)
    assert meta["settings"] == recipe.settings()
