"""Notebook 04's exercises: each check on the blank, typical wrong answers and the solution.

The notebook trains with `train_recipe(build, recipe, device, splits, verbose)`; here a small copy
of it (`train_small`) builds the models directly and trains them on a few fast-mode images."""

import shutil
from dataclasses import dataclass

import pandas as pd
import pytest
import torch
from exercise_cases import assert_exercise, assert_result
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.tensorboard import SummaryWriter

from exercises.nb04 import ex1, ex2, ex3, ex4
from helpers import LeNet5, TensorLoader, Timer, fit, load_splits, seed_everything

CPU = torch.device("cpu")


@dataclass(frozen=True)
class Recipe:
    """The fields of helpers' Recipe that the exercises set."""

    epochs: int
    batch_size: int
    lr: float
    one_cycle: bool = True
    warmup: float = 0.3
    shift: int = 0
    seed: int = 42


def train_small(build, recipe, device, splits, verbose=True, test=True):
    """train_recipe's steps, constant lr only: seed, build, train on `splits`, validate."""
    seed_everything(recipe.seed)
    model = build()
    train = TensorLoader(splits.train_x, splits.train_y, recipe.batch_size, shuffle=True,
                         seed=recipe.seed)  # fmt: skip
    val = TensorLoader(splits.val_x, splits.val_y, 1000, shuffle=False)
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    history = fit(model, train, val, nn.CrossEntropyLoss(), optimizer, recipe.epochs, device,
                  None, verbose)  # fmt: skip
    return model, {"history": history, "val_accuracy": history["val_acc"][-1]}


@pytest.fixture(scope="module")
def splits():
    return load_splits()  # fast mode in the tests: 5,000 training and 500 validation images


class LeNet5Variant(nn.Module):
    """LeNet-5's layers, with or without BatchNorm and the convolutions' bias (students' slips)."""

    def __init__(self, batchnorm=False, bias=True, fc1_inputs=400):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2, bias=bias)
        self.bn1 = nn.BatchNorm2d(6) if batchnorm else nn.Identity()
        self.conv2 = nn.Conv2d(6, 16, 5, bias=bias)
        self.bn2 = nn.BatchNorm2d(16) if batchnorm else nn.Identity()
        self.pool, self.relu, self.flatten = nn.MaxPool2d(2), nn.ReLU(), nn.Flatten()
        self.fc1, self.fc2 = nn.Linear(fc1_inputs, 120), nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(self.relu(self.bn1(self.conv1(x))))
        x = self.pool(self.relu(self.bn2(self.conv2(x))))
        x = self.relu(self.fc1(self.flatten(x)))
        return self.fc3(self.relu(self.fc2(x)))


class Right(LeNet5Variant):
    pass


class KeptBatchNorm(LeNet5Variant):
    def __init__(self):
        super().__init__(batchnorm=True, bias=False)


class NoBias(LeNet5Variant):
    def __init__(self):
        super().__init__(bias=False)


class WrongFc1(LeNet5Variant):
    def __init__(self):
        super().__init__(fc1_inputs=256)


class StubForward(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x): ...


def runs(bn_low, bn_high, no_low, no_high):
    """results as the exercise asks: (network, lr) -> validation accuracy per seed."""
    return {("BN", 0.001): bn_low, ("BN", 0.02): bn_high,
            ("no BN", 0.001): no_low, ("no BN", 0.02): no_high}  # fmt: skip


def test_ex1_does_batchnorm_protect(splits):
    protected = runs([0.95, 0.96], [0.93, 0.94], [0.94, 0.95], [0.11, 0.35])  # drops 2 vs 60-83
    overlap = runs([0.95, 0.96], [0.93, 0.90], [0.94, 0.95], [0.91, 0.94])  # drops 2-6 vs 1-3
    sweep = splits._replace(train_x=splits.train_x[:2500], train_y=splits.train_y[:2500])
    assert_exercise(
        ex1,
        namespace={
            "nn": nn,
            "LeNet5": LeNet5,
            "Recipe": Recipe,
            "train_recipe": train_small,
            "sweep": sweep,
            "device": CPU,
            "LR_EPOCHS": 1,
            "BATCH_SIZE": 64,  # 40 steps on 2,500 images: seconds, and both networks learn
            "DEFAULT_LR": 1e-3,
            "SEEDS_LR": 0.02,
            "SEEDS": (0, 1),
        },
        wrong=[
            ((KeptBatchNorm, protected, "a"), "2 BatchNorm2d layer(s)"),
            ((NoBias, protected, "a"), "give the convolutions their bias back"),
            ((WrongFc1, protected, "a"), "raised RuntimeError"),
            ((Right(), protected, "a"), "the class itself"),
            ((Right, protected, "b"), "beyond these seeds' spread"),
            ((Right, overlap, "a"), "every drop without BatchNorm to be larger"),
            ((Right, overlap, "c"), "every drop with BatchNorm to be larger"),
            ((Right, runs([0.95], [0.93], [0.94], [0.2]), "a"), "use every seed in SEEDS"),
            ((Right, {("BN", 0.001): [0.9, 0.91]}, "a"), "no entry for ('BN', 0.02)"),
            ((Right, runs([95.0, 96.0], [0.93, 0.94], [0.94, 0.95], [0.1, 0.3]), "a"), "0 and 1"),
            ((Right, runs([0.95, 0.95], [0.93, 0.94], [0.9, 0.9], [0.1, 0.3]), "a"), "seed=seed"),
            ((Right, runs([0.95, 0.96], [0.93], [0.94, 0.95], [0.1, 0.3]), "a"), "the same seeds"),
            ((Right, runs([0.15, 0.2], [0.1, 0.1], [0.94, 0.95], [0.1, 0.3]), "a"), "reached only"),
            ((Right, [0.95, 0.93], "a"), "should be a dict"),
            ((Right, protected, "yes"), 'one of the letters "a", "b", "c"'),
        ],
    )
    assert_result(ex1, (Right, protected, "a"), "correct", "BatchNorm protected it")
    assert_result(ex1, (Right, overlap, "(b)"), "correct", "not shown")
    same_by_chance = runs([0.95, 0.95], [0.93, 0.94], [0.94, 0.95], [0.11, 0.35])  # one network
    assert_result(ex1, (Right, same_by_chance, "a"), "correct")
    assert_result(ex1, (StubForward, protected, "a"), "not attempted", "still returns ____")


def time_loading(loader, n):
    """The notebook's time_loading: seconds to fetch the first n batches."""
    from itertools import islice

    with Timer() as timer:
        for _ in islice(loader, n):
            pass
    return timer.seconds


def test_ex2_per_sample_without_pil(splits):
    x, y = splits.train_x[:200], splits.train_y[:200]
    pipeline = pd.DataFrame(
        [(10, "DataLoader + ToTensor (seeds)", 20, 0.774), (10, "TensorLoader (course)", 20, 0.03)],
        columns=["batch size", "pipeline", "batches", "median seconds"],
    ).set_index(["batch size", "pipeline"])
    loader = DataLoader(TensorDataset(x, y), batch_size=10, shuffle=True)

    def share(s, p, t):
        return (s - p) / s

    assert_exercise(
        ex2,
        namespace={
            "DataLoader": DataLoader,
            "train_x": x,
            "train_y": y,
            "time_loading": time_loading,
            "n_images": 200,
            "pipeline": pipeline,
        },
        wrong=[
            ((loader, lambda s, p, t: (s - t) / s), "counts the per-sample loop too"),
            ((loader, lambda s, p, t: p / s), "what is left without PIL"),
            ((loader, lambda s, p, t: (p - t) / s), "the per-sample loop's share"),
            ((loader, lambda s, p, t: 100 * (s - p) / s), "between 0 and 1"),
            ((loader, lambda s, p, t: s / p), "how many times slower"),
            ((loader, lambda s, p, t: p - s), "only PIL + ToTensor are removed"),
            ((loader, lambda s, p, t: s / 0), "raised ZeroDivisionError"),
            ((loader, 0.89), "should be a function"),
            ((DataLoader(TensorDataset(x, y), batch_size=10), share), "shuffle=True"),
            ((DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True), share), "batch size"),
            ((DataLoader(list(zip(x, y)), batch_size=10, shuffle=True), share), "TensorDataset"),
            ((TensorLoader(x, y, 10, shuffle=True), share), "should be a torch DataLoader"),
            ((DataLoader(TensorDataset(y, y), batch_size=10, shuffle=True), share), "train_x"),
        ],
    )


def history(*val_acc):
    n = len(val_acc)
    return {"train_loss": [0.5] * n, "train_acc": [0.8] * n, "val_loss": [0.5] * n,
            "val_acc": [float(a) for a in val_acc], "seconds": [1.0] * n}  # fmt: skip


def test_ex3_linear_scaling_from_the_course_batch(splits):
    one_epoch = history(0.83)
    right = lambda b: 1e-3 * b / 128  # noqa: E731
    batch_table = pd.DataFrame({"median validation accuracy (%)": [72.4]}, index=pd.Index([1024]))
    assert_exercise(
        ex3,
        namespace={
            "Recipe": Recipe,
            "train_recipe": train_small,
            "LeNet5": LeNet5,
            "device": CPU,
            "sweep": splits,  # fast mode: 5,000 images, 5 steps at batch 1,024
            "BATCH_LR": 1e-3,
            "BATCH_SIZE": 128,
            "SEEDS_LR": 0.02,
            "batch_table": batch_table,
        },
        wrong=[
            ((lambda b: 1e-3 * b / 256, one_epoch, 256), "batch 256 as the reference"),
            ((lambda b: 1e-3 * (b / 128) ** 0.5, one_epoch, 256), "square-root rule"),
            ((lambda b: 1e-3 * 128 / b, one_epoch, 256), "upside down"),
            ((lambda b: 4e-3, one_epoch, 256), "batch 256 as the reference"),
            ((lambda b: 8e-3, one_epoch, 256), "batch_size / BATCH_SIZE"),
            ((lambda b: 1e-3 * b / 100, one_epoch, 256), "batch_size / BATCH_SIZE"),
            ((right, history(0.8, 0.85), 256), "train one"),
            ((right, history(0.1), 256), "reached only"),
            ((right, [0.83], 256), "should be a history"),
            ((right, one_epoch, 1 / 256), "upside down"),
            ((right, one_epoch, 20), "the rule's lr for batch 10 is smaller"),
            ((right, one_epoch, 512), "0.02 / scaled_lr(10)"),
            ((right, one_epoch, "256"), "should be a number"),
            ((0.008, one_epoch, 256), "should be a function"),
        ],
    )


def log_to_tensorboard(run_dir, history: dict, settings) -> None:
    """The notebook's log_to_tensorboard: one run's per-epoch history as event files."""
    shutil.rmtree(run_dir, ignore_errors=True)
    with SummaryWriter(log_dir=str(run_dir)) as writer:
        writer.add_text("settings", str(settings))
        for epoch, values in enumerate(zip(*(history[key] for key in history)), start=1):
            for key, value in zip(history, values):
                group = (
                    "accuracy" if key.endswith("acc") else "loss" if key.endswith("loss") else "t"
                )
                writer.add_scalar(f"{group}/{key}", value, epoch)


def test_ex4_learning_rate_runs_in_tensorboard(tmp_path):
    lr_histories = {
        "lr 0.02 (seed)": history(0.939, 0.926),
        "lr 0.001": history(0.932, 0.956),
        "one-cycle, peak 0.01": history(0.957, 0.971),
    }
    lr_runs = {name: f"Recipe for {name}" for name in lr_histories}
    same = [tmp_path / "same" / "lr" / n for n in ("a", "b", "c")]
    for d in same:
        log_to_tensorboard(d, lr_histories["lr 0.001"], "")
    elsewhere = [tmp_path / "x" / n for n in ("a", "b", "c")]
    for d, h in zip(elsewhere, lr_histories.values()):
        log_to_tensorboard(d, h, "")
    other_tags = tmp_path / "tags" / "lr"
    for n, h in zip("abc", lr_histories.values()):
        with SummaryWriter(log_dir=str(other_tags / n)) as writer:
            writer.add_scalar("val_acc", h["val_acc"][0], 1)
    assert_exercise(
        ex4,
        namespace={
            "lr_histories": lr_histories,
            "lr_runs": lr_runs,
            "log_to_tensorboard": log_to_tensorboard,
            "LOG_DIR": tmp_path / "04",
        },
        wrong=[
            ((same,), "the same val_acc curve"),
            ((elsewhere,), "not under LOG_DIR / 'lr'"),
            ((same[:2],), "2 folder(s)"),
            (([same[0]] * 3,), "the same folder"),
            (([tmp_path / "lr" / n for n in "abc"],), "no TensorBoard event file"),
            (([other_tags / n for n in "abc"],), "no accuracy/val_acc curve"),
            ((str(same[0]),), "a list of the folders"),
            (([1, 2, 3],), "should hold folders"),
        ],
    )
