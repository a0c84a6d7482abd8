"""load_splits: the fixed 55,000 / 5,000 / 10,000 split, and balanced subsets of it in fast mode."""

import torch

from helpers import settings
from helpers.data import load_mnist, load_splits, to_tensors, train_val_split


def test_full_mode_is_the_seeded_55000_5000_split_and_the_test_set(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "0")
    splits = load_splits()
    assert [len(t) for t in splits] == [55_000, 55_000, 5_000, 5_000, 10_000, 10_000]
    images, labels = to_tensors(load_mnist(train=True))
    (_, _), (val_x, val_y) = train_val_split(images, labels, 5_000 / 60_000, seed=42)
    assert torch.equal(splits.val_y, val_y) and torch.equal(splits.val_x, val_x)
    # every digit is in the validation set
    assert sorted(torch.bincount(splits.val_y).tolist())[0] > 400


def test_fast_mode_takes_balanced_subsets_of_each_split(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    splits = load_splits()
    per_class = (
        settings.FAST_TRAIN_PER_CLASS,
        getattr(settings, "FAST_VAL_PER_CLASS", 50),
        settings.FAST_TEST_PER_CLASS,
    )
    for labels, n in zip((splits.train_y, splits.val_y, splits.test_y), per_class):
        assert torch.bincount(labels, minlength=10).tolist() == [n] * 10
    monkeypatch.setenv("COURSE_FAST", "0")
    full = load_splits()
    # a subset of the full split, in the same order
    assert torch.equal(splits.val_x[0], full.val_x[0])
