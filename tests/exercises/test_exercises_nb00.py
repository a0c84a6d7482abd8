"""Notebook 00's exercises: each check on the blank, typical wrong answers and the solution."""

import torch
from exercise_cases import assert_exercise

from exercises.nb00 import ex1, ex2
from helpers import data_dir, pick_device

NAMESPACE = {"torch": torch, "data_dir": data_dir, "device": pick_device()}


def test_ex1_raw_folder():
    raw = data_dir() / "MNIST" / "raw"
    names = sorted(p.name for p in raw.iterdir()) if raw.is_dir() else []
    wrong = [
        ((data_dir(), names), "the data folder itself"),
        ((data_dir() / "MNIST", names), "one level deeper"),
        ((raw, [raw / name for name in names] or [raw / "x"]), "list just the names"),
        ((raw, "t10k-images-idx3-ubyte.gz"), "a list of names"),
        ((raw, [*names, "extra.gz"]), "that are not there"),
    ]
    if len(names) > 1:
        wrong.append(((str(raw), names[::-1]), "sort them"))
        wrong.append(((raw, names[1:]), "1 missing"))
    assert_exercise(ex1, namespace=NAMESPACE, wrong=wrong)
    assert ex1.evaluate(str(raw), names).status == "correct"  # a str path is fine


def test_ex2_ones_on_device():
    device = pick_device()
    assert_exercise(
        ex2,
        namespace=NAMESPACE,
        wrong=[
            ((torch.ones(3, 2, device=device), 6.0), "2 rows of 3"),
            ((torch.zeros(2, 3, device=device), 0.0), "other values than 1"),
            ((torch.ones(2, 3, device=device), torch.tensor(6.0)), ".item()"),
            ((torch.ones(2, 3, device=device), 3.0), "sum of all the entries"),
            (([[1, 1, 1], [1, 1, 1]], 6), "should be a tensor"),
        ],
    )
    assert ex2.evaluate(torch.ones(2, 3, device=device), 6).status == "correct"  # int is fine


def test_ex2_tensor_on_another_device(monkeypatch):
    """On a computer with a GPU, a tensor left on the CPU is wrong (simulated here)."""
    import exercises.nb00 as nb00

    monkeypatch.setattr(nb00, "pick_device", lambda: torch.device("cuda"))
    result = ex2.evaluate(torch.ones(2, 3), 6.0)
    assert result.status == "wrong" and "device=device" in result.message, result
