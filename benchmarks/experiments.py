"""Experiments behind the course recipes: each candidate trained on the fixed 55,000/5,000 split.

    uv run python benchmarks/experiments.py train CONFIG [CONFIG ...] --seeds 42 43 44
    uv run python benchmarks/experiments.py speed      # images/s of training steps, side by side
    uv run python benchmarks/experiments.py fast --per-class 200 300 500 --epochs 1 2 3
    uv run python benchmarks/experiments.py variations base shift1 --seeds 42 43 44 45 46
    uv run python benchmarks/experiments.py --threads 1 round3 current w02 --seeds 42 43 44 --screen
    uv run python benchmarks/experiments.py table      # results/experiments.jsonl -> EXPERIMENTS.md

(`variations` and `round3` train through helpers' own path; `--screen` trains epoch 1 only.)

Rules: the validation split is the first 5,000 indices of torch.randperm(60,000) with a Generator
seeded 42 (helpers.data.train_val_split with val_fraction=5000/60000); choices are made on
validation accuracy; test accuracy is measured once, at the end of each run, for the record.
Seconds are training seconds only (evaluation is timed apart). Runs are interleaved (seed-major) so
that compared configs share the machine's load; the load average is recorded before and after every
run.

Rounds 1 (`train`, `fast`, `speed`) used the models and loop defined here, copied from the course
as it was then (LeNet-5 without shifts); they are kept so that their records can be read and rerun,
and hold only the configurations that have records in results/experiments.jsonl. Rounds 2
(`variations`) and 3 (`round3`) train through helpers' own path (build_model, TensorLoader,
make_optimizer, fit, evaluate), so what they choose is what notebook 03 and the benchmark train.
The round-2 records came from a 2-core AMD EPYC with 2 torch threads, the round-3 records from a
2-core Intel Xeon with 1 torch thread (`--threads 1`, the machine was shared): the same seed gives
digits that differ by about 0.1 point between the two, so compare rows within a round.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch
from torch import nn
from training_speed import loadavg  # benchmarks/ is the script's folder, so on sys.path

HERE = Path(__file__).resolve().parent
LOG = HERE / "results" / "experiments.jsonl"
TABLE = HERE / "EXPERIMENTS.md"
TARGET = 0.985
N_VAL = 5000


# ------------------------------------------------------------------------------------------- models
class ANN(nn.Module):
    """784 -> 512 -> 256 -> 10, ReLU and dropout: the course ANN."""

    def __init__(self, dropout: float = 0.2) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 512), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(512, 256), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(256, 10),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class LeNet5(nn.Module):
    """LeNet-5: conv5x5 pad 2 -> c1, pool, conv5x5 -> c2, pool, fc 400-120-84-10; optional BN."""

    def __init__(
        self, c1: int = 6, c2: int = 16, bn: bool = False, pool_first: bool = False, kernel: int = 5
    ) -> None:
        super().__init__()
        pad = 2 if kernel == 5 else 0

        def stage(cin: int, cout: int, padding: int) -> list[nn.Module]:
            layers: list[nn.Module] = [nn.Conv2d(cin, cout, kernel, padding=padding, bias=not bn)]
            if bn:
                layers.append(nn.BatchNorm2d(cout))
            # max-pool and ReLU commute; pooling first runs the ReLU on 4x fewer values
            layers += [nn.MaxPool2d(2), nn.ReLU()] if pool_first else [nn.ReLU(), nn.MaxPool2d(2)]
            return layers

        self.features = nn.Sequential(*stage(1, c1, pad), *stage(c1, c2, 0))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c2 * 5 * 5, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


# ------------------------------------------------------------------------------------------ configs
@dataclass(frozen=True)
class Config:
    """One candidate recipe."""

    model: str = "lenet5"  # "lenet5", "ann", "compact" (3x3 kernels, the seeds' shape)
    epochs: int = 5
    batch_size: int = 128
    lr: float = 4e-3
    schedule: str = "onecycle"  # or "constant"
    pct_start: float = 0.3  # OneCycleLR's warm-up share of the steps (0.3 is PyTorch's default)
    bn: bool = False
    c1: int = 6
    c2: int = 16
    label_smoothing: float = 0.0
    weight_decay: float = 0.0
    pool_first: bool = False
    channels_last: bool = False
    threads: int = 0  # 0: torch's default
    eval_batch: int = 1000
    eval_every_epoch: bool = True
    compile: bool = False
    note: str = ""


BASE = Config(note="round 1's starting CNN recipe (LeNet-5, 5 ep, batch 128, OneCycle max lr 4e-3)")
BN = replace(BASE, bn=True, lr=1e-2, note="+ BatchNorm after each conv, max lr 1e-2")
CONFIGS: dict[str, Config] = {
    "cnn_base": BASE,
    "cnn_bn": BN,
    "cnn_bn_warm10": replace(
        BN, pct_start=0.1, note="BN, one-cycle warm-up 10% of steps (default 30%)"
    ),
    "cnn_bn_warm10_ls": replace(
        BN, pct_start=0.1, label_smoothing=0.1, note="BN, warm-up 10%, label smoothing 0.1"
    ),
    "cnn_bn_warm10_6ep": replace(BN, pct_start=0.1, epochs=6, note="BN, warm-up 10%, 6 epochs"),
    "cnn_bn_warm10_lr5e-3": replace(
        BN, pct_start=0.1, lr=5e-3, note="BN, warm-up 10%, max lr 5e-3"
    ),
    "cnn_bn_warm10_b64": replace(
        BN, pct_start=0.1, lr=5e-3, batch_size=64, note="BN, warm-up 10%, batch 64, max lr 5e-3"
    ),
    "cnn_bn_ls": replace(BN, label_smoothing=0.1, note="BN, label smoothing 0.1"),
    "cnn_bn_b256": replace(BN, batch_size=256, lr=2e-2, note="BN, batch 256, max lr 2e-2"),
    "cnn_bn_b64": replace(BN, batch_size=64, lr=5e-3, note="BN, batch 64, max lr 5e-3"),
    "cnn_bn_pf": replace(BN, pool_first=True, note="BN, pool before ReLU (same function, cheaper)"),
    "cnn_bn_wide": replace(BN, c1=16, c2=32, note="BN, widths 16/32 (LeNet shape kept)"),
    "cnn_bn_cl": replace(BN, channels_last=True, note="BN, channels_last"),
    "cnn_bn_1thread": replace(BN, threads=1, note="BN, 1 torch thread"),
    "cnn_bn_compile": replace(BN, compile=True, note="BN, torch.compile (compile time counted)"),
    "ann_base": Config(
        model="ann",
        epochs=10,
        batch_size=128,
        lr=1e-3,
        note="ANN_RECIPE (10 ep, batch 128, OneCycle 1e-3)",
    ),
}


def build(cfg: Config) -> nn.Module:
    """A fresh model for `cfg`."""
    if cfg.model == "ann":
        return ANN()
    if cfg.model == "compact":
        return LeNet5(cfg.c1, cfg.c2, cfg.bn, cfg.pool_first, kernel=3)
    return LeNet5(cfg.c1, cfg.c2, cfg.bn, cfg.pool_first)


# --------------------------------------------------------------------------------------------- data
Splits = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


def full_splits() -> Splits:
    """55,000 train / 5,000 validation (the first 5,000 of a randperm seeded 42), 10,000 test."""
    from helpers.data import mnist_tensors, train_val_split

    images, labels = mnist_tensors(train=True, fast=False)
    (train_x, train_y), (val_x, val_y) = train_val_split(
        images, labels, val_fraction=N_VAL / len(labels), seed=42
    )
    assert len(val_y) == N_VAL
    test_x, test_y = mnist_tensors(train=False, fast=False)
    return train_x, train_y, val_x, val_y, test_x, test_y


def balanced(labels: torch.Tensor, per_class: int) -> torch.Tensor:
    """Indices of the first `per_class` examples of each digit, in order."""
    picks = [torch.nonzero(labels == d).flatten()[:per_class] for d in range(10)]
    return torch.sort(torch.cat(picks)).values


def fast_splits(
    full: Splits, train_per_class: int, val_per_class: int, test_per_class: int
) -> Splits:
    """Balanced subsets of each split (the fast mode's shape)."""
    train_x, train_y, val_x, val_y, test_x, test_y = full
    a, b, c = (
        balanced(train_y, train_per_class),
        balanced(val_y, val_per_class),
        balanced(test_y, test_per_class),
    )
    return train_x[a], train_y[a], val_x[b], val_y[b], test_x[c], test_y[c]


# ----------------------------------------------------------------------------------------- training
@torch.inference_mode()
def accuracy(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int, channels_last: bool = False
) -> float:
    """Accuracy over all of (x, y)."""
    model.eval()
    correct = 0
    for i in range(0, len(y), batch):
        xb = x[i : i + batch]
        if channels_last:
            xb = xb.contiguous(memory_format=torch.channels_last)
        correct += (model(xb).argmax(1) == y[i : i + batch]).sum().item()
    return correct / len(y)


def train(cfg: Config, seed: int, splits: Splits, epochs: int | None = None) -> dict[str, Any]:
    """Train one candidate from seed `seed`; validation accuracy per epoch, test once at the end."""
    train_x, train_y, val_x, val_y, test_x, test_y = splits
    old_threads = torch.get_num_threads()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    n_epochs = epochs or cfg.epochs
    torch.manual_seed(seed)
    model = build(cfg)
    if cfg.channels_last:
        model = model.to(memory_format=torch.channels_last)
    generator = torch.Generator().manual_seed(seed)
    steps = n_epochs * -(-len(train_y) // cfg.batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    scheduler = (
        torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=cfg.lr, total_steps=steps, pct_start=cfg.pct_start
        )
        if cfg.schedule == "onecycle"
        else None
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
    step_model = model
    compile_s = 0.0
    if cfg.compile:
        start = time.perf_counter()
        step_model = torch.compile(model)
        step_model(train_x[: cfg.batch_size])  # compile now, its time counted in training
        compile_s = time.perf_counter() - start
    load_before = loadavg()
    seconds: list[float] = []
    val_acc: list[float] = []
    eval_s = 0.0
    for epoch in range(n_epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(train_y), generator=generator)
        for i in range(0, len(order), cfg.batch_size):
            idx = order[i : i + cfg.batch_size]
            xb, yb = train_x[idx], train_y[idx]
            if cfg.channels_last:
                xb = xb.contiguous(memory_format=torch.channels_last)
            loss = loss_fn(step_model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
        seconds.append(time.perf_counter() - start + (compile_s if epoch == 0 else 0.0))
        print(f"    epoch {epoch + 1}: {seconds[-1]:.1f} s", flush=True)
        if cfg.eval_every_epoch or epoch == n_epochs - 1:
            start = time.perf_counter()
            val_acc.append(accuracy(model, val_x, val_y, cfg.eval_batch, cfg.channels_last))
            eval_s += time.perf_counter() - start
    start = time.perf_counter()
    test_acc = accuracy(model, test_x, test_y, cfg.eval_batch, cfg.channels_last)
    eval_s += time.perf_counter() - start
    torch.set_num_threads(old_threads)
    cumulative = [sum(seconds[: i + 1]) for i in range(len(seconds))]
    to_target = (
        next((c for c, a in zip(cumulative, val_acc) if a >= TARGET), None)
        if cfg.eval_every_epoch
        else None
    )
    return {
        "seed": seed,
        "epochs": n_epochs,
        "val_acc": round(val_acc[-1], 4),
        "val_acc_per_epoch": [round(a, 4) for a in val_acc],
        "test_acc": round(test_acc, 4),
        "train_seconds": round(sum(seconds), 2),
        "seconds_per_epoch": [round(s, 2) for s in seconds],
        "val_time_to_985_s": None if to_target is None else round(to_target, 2),
        "eval_seconds": round(eval_s, 2),
        "compile_seconds": round(compile_s, 2),
        "load_before": load_before,
        "load_after": loadavg(),
        "threads": torch.get_num_threads() if not cfg.threads else cfg.threads,
    }


def log(record: dict[str, Any], path: Path) -> None:
    """Append one JSON record to the log."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        f.write(json.dumps(record) + "\n")


# ----------------------------------------------------------------------------------------- commands
def cmd_train(args: argparse.Namespace) -> None:
    splits = full_splits()
    for seed in args.seeds:  # seed-major: compared configs run side by side under the same load
        for name in args.configs:
            cfg = CONFIGS[name]
            result = train(cfg, seed, splits)
            record = {
                "kind": "full",
                "config": name,
                "settings": asdict(cfg),
                **result,
                "time": time.strftime("%H:%M:%S"),
            }
            log(record, args.log)
            print(
                f"{name:<18} seed {seed}: "
                f"val {result['val_acc']:.2%} {result['val_acc_per_epoch']} "
                f"test {result['test_acc']:.2%} train {result['train_seconds']:.1f} s "
                f"(to 98.5% val: {result['val_time_to_985_s']}) "
                f"load {(result['load_before'] or [0])[0]:.1f}"
                f"->{(result['load_after'] or [0])[0]:.1f}",
                flush=True,
            )


# Round 2: variations of the course's CNN_RECIPE, trained through helpers' own path (TensorLoader,
# fit, evaluate), so that the chosen one reproduces digit for digit in notebook 03 and the
# benchmark.
VARIATIONS: dict[str, dict[str, Any]] = {
    "base": {},  # CNN_RECIPE before the shifts
    "ls": {"label_smoothing": 0.1},
    "wd": {"weight_decay": 0.05},  # AdamW
    "6ep": {"epochs": 6},
    "b64": {"batch_size": 64, "lr": 5e-3},
    "shift1": {"shift": 1},
    "shift2": {"shift": 2},
    "ls_shift2": {"label_smoothing": 0.1, "shift": 2},
}


def train_variation(name: str, seed: int, splits: Any) -> dict[str, Any]:
    """CNN_RECIPE changed as VARIATIONS[name] says, seed `seed`; val each epoch, test at the end."""
    from helpers import CNN_RECIPE, TensorLoader, build_model, evaluate, fit, seed_everything

    change = VARIATIONS[name]
    recipe = replace(
        CNN_RECIPE,
        **(
            {"seed": seed, "shift": 0}
            | {k: v for k, v in change.items() if k in ("epochs", "batch_size", "lr", "shift")}
        ),
    )
    seed_everything(seed)
    model = build_model(recipe.model)
    train_loader = TensorLoader(
        splits.train_x,
        splits.train_y,
        recipe.batch_size,
        shuffle=True,
        seed=seed,
        shift=recipe.shift,
    )
    val_loader = TensorLoader(splits.val_x, splits.val_y, 1000, shuffle=False)
    decay = change.get("weight_decay", 0.0)
    optimizer = (torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=decay) if decay
                 else torch.optim.Adam(model.parameters(), lr=recipe.lr))  # fmt: skip
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer,
        max_lr=recipe.lr,
        total_steps=recipe.epochs * len(train_loader),
        pct_start=recipe.warmup,
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=change.get("label_smoothing", 0.0))
    history = fit(
        model,
        train_loader,
        val_loader,
        loss_fn,
        optimizer,
        recipe.epochs,
        torch.device("cpu"),
        scheduler,
        verbose=False,
    )
    _, test = evaluate(
        model,
        TensorLoader(splits.test_x, splits.test_y, 1000, shuffle=False),
        nn.CrossEntropyLoss(),
        torch.device("cpu"),
    )
    return {"kind": "variation", "config": name, "change": change, "seed": seed,
            "val": [round(v, 4) for v in history["val_acc"]], "test": round(test, 4),
            "secs": [round(s, 2) for s in history["seconds"]], "load": (loadavg() or [None])[0],
            "t": time.strftime("%H:%M:%S")}  # fmt: skip


# Round 3: can the course CNN reach 98.5% validation after its FIRST epoch (issue 21) without losing
# accuracy or training longer? Keys lr, warmup, batch_size, epochs are Recipe fields (a winner among
# them is one line of helpers/recipes.py); div_factor, warmup_steps (linear warm-up then cosine) and
# first_batch (a smaller batch in epoch 1 only) are not, and would need make_optimizer /
# train_recipe to grow a setting.
ROUND3: dict[str, dict[str, Any]] = {
    "current": {},  # CNN_RECIPE as it is: 10% warm-up to 1e-2, batch 128, 5 epochs, shifts of 1 px
    "w02": {"warmup": 0.02},
    "w05": {"warmup": 0.05},
    "w02_lr2e-2": {"warmup": 0.02, "lr": 2e-2},
    "w05_lr5e-3": {"warmup": 0.05, "lr": 5e-3},
    "w05_lr3e-3": {"warmup": 0.05, "lr": 3e-3},
    "w05_lr2e-3": {"warmup": 0.05, "lr": 2e-3},
    "w02_lr3e-3": {"warmup": 0.02, "lr": 3e-3},
    "b64_4ep_w05_lr5e-3": {"batch_size": 64, "epochs": 4, "warmup": 0.05, "lr": 5e-3},
    "b64_4ep_w05_lr3e-3": {"batch_size": 64, "epochs": 4, "warmup": 0.05, "lr": 3e-3},
    "div2_w10": {"div_factor": 2.0},  # one-cycle starting at lr/2 instead of lr/25
    "div2_w02_lr5e-3": {"div_factor": 2.0, "warmup": 0.02, "lr": 5e-3},
    "lin100_cos": {"warmup_steps": 100},  # linear warm-up over 100 steps to 1e-2, then cosine to 0
    "lin100_cos_lr5e-3": {"warmup_steps": 100, "lr": 5e-3},
    "b64first_w05_lr5e-3": {"first_batch": 64, "warmup": 0.05, "lr": 5e-3},
}
RECIPE_KEYS = ("lr", "warmup", "batch_size", "epochs")


def train_round3(name: str, seed: int, splits: Any, screen: bool = False) -> dict[str, Any]:
    """CNN_RECIPE changed as ROUND3[name] says, trained as train_recipe trains it.

    Through helpers' TensorLoader, make_optimizer, fit and evaluate; `screen`: only the first epoch
    of the full schedule (its validation accuracy is the full run's)."""
    import math

    from helpers import (
        CNN_RECIPE,
        TensorLoader,
        build_model,
        evaluate,
        fit,
        make_optimizer,
        seed_everything,
    )

    change = ROUND3[name]
    recipe = replace(CNN_RECIPE, seed=seed, **{k: v for k, v in change.items() if k in RECIPE_KEYS})
    device = torch.device("cpu")
    seed_everything(recipe.seed)  # then build, loaders and optimizer in train_recipe's order
    model = build_model(recipe.model)
    train_loader = TensorLoader(splits.train_x, splits.train_y, recipe.batch_size, shuffle=True,
                                seed=recipe.seed, shift=recipe.shift)  # fmt: skip
    first_loader = train_loader
    if "first_batch" in change:
        first_loader = TensorLoader(splits.train_x, splits.train_y, change["first_batch"],
                                    shuffle=True, seed=recipe.seed, shift=recipe.shift)  # fmt: skip
    val_loader = TensorLoader(splits.val_x, splits.val_y, 1000, shuffle=False)
    loss_fn = nn.CrossEntropyLoss()
    steps = len(first_loader) + (recipe.epochs - 1) * len(train_loader)
    if "div_factor" in change:
        optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer,
            max_lr=recipe.lr,
            total_steps=steps,
            pct_start=recipe.warmup,
            div_factor=change["div_factor"],
        )
    elif "warmup_steps" in change:
        optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
        w = change["warmup_steps"]
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer,
            lambda s: (
                (s + 1) / w if s < w else 0.5 * (1 + math.cos(math.pi * (s - w) / (steps - w)))
            ),
        )
    else:
        optimizer, scheduler = make_optimizer(model, recipe.lr, steps, recipe.warmup)
    n_epochs = 1 if screen else recipe.epochs
    history = fit(
        model, first_loader, val_loader, loss_fn, optimizer, 1, device, scheduler, verbose=False
    )
    if n_epochs > 1:
        rest = fit(
            model,
            train_loader,
            val_loader,
            loss_fn,
            optimizer,
            n_epochs - 1,
            device,
            scheduler,
            verbose=False,
        )
        history = {k: history[k] + rest[k] for k in history}
    test = None
    if not screen:
        _, test = evaluate(
            model, TensorLoader(splits.test_x, splits.test_y, 1000, shuffle=False), loss_fn, device
        )
    val = [round(v, 4) for v in history["val_acc"]]
    epochs_to_985 = next((i for i, v in enumerate(val, 1) if v >= TARGET), None)
    return {"kind": "round3", "config": name, "change": change, "seed": seed, "screen": screen,
            "val": val, "epochs_to_985": epochs_to_985,
            "test": None if test is None else round(test, 4),
            "secs": [round(s, 2) for s in history["seconds"]], "threads": torch.get_num_threads(),
            "load": (loadavg() or [None])[0], "t": time.strftime("%H:%M:%S")}  # fmt: skip


def cmd_round3(args: argparse.Namespace) -> None:
    from helpers import load_splits

    splits = load_splits()
    for seed in args.seeds:  # seed-major, as in round 2
        for name in args.configs:
            record = train_round3(name, seed, splits, screen=args.screen)
            log(record, args.log)
            print(json.dumps(record), flush=True)


def cmd_variations(args: argparse.Namespace) -> None:
    from helpers import load_splits

    splits = load_splits()
    for seed in args.seeds:  # seed-major: compared variations run side by side under the same load
        for name in args.configs:
            record = train_variation(name, seed, splits)
            log(record, args.log)
            print(json.dumps(record), flush=True)


def variations_table(records: list[dict[str, Any]]) -> list[str]:
    """Round 2 as Markdown: per variation, validation and test accuracy per seed and their means."""
    runs: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if r["kind"] == "variation":
            runs.setdefault(r["config"], []).append(r)
    lines = [
        "| variation of CNN_RECIPE | seeds | val acc % per seed (mean) | val acc % after epoch 2 "
        "| test acc % per seed (mean) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, rs in runs.items():
        val, test = [100 * r["val"][-1] for r in rs], [100 * r["test"] for r in rs]
        change = (
            ", ".join(f"{k} {v}" for k, v in rs[0]["change"].items())
            or "none (the recipe before the shifts)"
        )
        epoch2 = " / ".join(f"{100 * r['val'][1]:.2f}" for r in rs)
        seeds = ", ".join(str(r["seed"]) for r in rs)
        vals, tests = (" / ".join(f"{v:.2f}" for v in acc) for acc in (val, test))
        lines.append(
            f"| {name}: {change} | {seeds} | {vals} ({statistics.mean(val):.3f}) | {epoch2} "
            f"| {tests} ({statistics.mean(test):.3f}) |"
        )
    return lines


def round3_table(records: list[dict[str, Any]]) -> list[str]:
    """Round 3 as Markdown, per run: val after epoch 1, epochs to 98.5%, final val, test."""
    runs: dict[str, dict[int, dict[str, Any]]] = {}
    for r in records:
        if (
            r["kind"] == "round3"
        ):  # a full run replaces the screen (first epoch only) of the same candidate and seed
            if not r["screen"] or r["seed"] not in runs.get(r["config"], {}):
                runs.setdefault(r["config"], {})[r["seed"]] = r
    lines = [
        "| candidate: change to CNN_RECIPE | in Recipe? | seeds | val % after epoch 1 "
        "| epochs to 98.5% val | final val % | test % |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, by_seed in runs.items():
        rs = [by_seed[s] for s in sorted(by_seed)]
        change = (
            ", ".join(f"{k} {v}" for k, v in rs[0]["change"].items()) or "none (today's recipe)"
        )
        in_recipe = "yes" if set(rs[0]["change"]) <= set(RECIPE_KEYS) else "no"
        full = [r for r in rs if not r["screen"]]
        epochs = " / ".join(str(r["epochs_to_985"] or f">{len(r['val'])}") if not r["screen"] else
                            ("1" if r["val"][0] >= TARGET else ">1") for r in rs)  # fmt: skip
        final = (
            " / ".join(f"{100 * r['val'][-1]:.2f}" if not r["screen"] else "-" for r in rs)
            if full
            else "-"
        )
        test = (
            " / ".join(f"{100 * r['test']:.2f}" if not r["screen"] else "-" for r in rs)
            if full
            else "-"
        )
        first = " / ".join(f"{100 * r['val'][0]:.2f}" for r in rs)
        seeds = ", ".join(str(r["seed"]) for r in rs)
        lines.append(
            f"| {name}: {change} | {in_recipe} | {seeds} | {first} | {epochs} | {final} | {test} |"
        )
    return lines


def cmd_fast(args: argparse.Namespace) -> None:
    full = full_splits()
    for per_class in args.per_class:
        splits = fast_splits(full, per_class, args.val_per_class, args.test_per_class)
        for epochs in args.epochs:
            for batch in args.batch:
                for seed in args.seeds:
                    for name in args.configs:
                        cfg = replace(CONFIGS[name], batch_size=batch)
                        result = train(cfg, seed, splits, epochs=epochs)
                        record = {
                            "kind": "fast", "config": name, "settings": asdict(cfg),
                            "train_per_class": per_class, "val_per_class": args.val_per_class,
                            "test_per_class": args.test_per_class, **result,
                            "time": time.strftime("%H:%M:%S"),
                        }  # fmt: skip
                        log(record, args.log)
                        print(
                            f"fast {per_class}/class {epochs} ep batch {batch} {name:<10} "
                            f"seed {seed}: val {result['val_acc']:.2%} "
                            f"test {result['test_acc']:.2%} train {result['train_seconds']:.2f} s",
                            flush=True,
                        )


def step_speed(cfg: Config, x: torch.Tensor, y: torch.Tensor, steps: int) -> float:
    """Training images per second over `steps` batches after 3 warm-up batches."""
    old = torch.get_num_threads()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(0)
    model = build(cfg)
    if cfg.channels_last:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
    step_model = torch.compile(model) if cfg.compile else model
    b = cfg.batch_size

    def one(i: int) -> None:
        xb = x[(i * b) % 50000 : (i * b) % 50000 + b]
        if cfg.channels_last:
            xb = xb.contiguous(memory_format=torch.channels_last)
        loss = loss_fn(step_model(xb), y[(i * b) % 50000 : (i * b) % 50000 + b])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    model.train()
    for i in range(3):
        one(i)
    start = time.perf_counter()
    for i in range(steps):
        one(i)
    elapsed = time.perf_counter() - start
    torch.set_num_threads(old)
    return steps * b / elapsed


def eval_speed(cfg: Config, x: torch.Tensor, y: torch.Tensor) -> float:
    """Seconds to evaluate the 5,000 validation images at cfg.eval_batch."""
    model = build(cfg)
    accuracy(model, x[:1000], y[:1000], cfg.eval_batch)
    start = time.perf_counter()
    accuracy(model, x, y, cfg.eval_batch)
    return time.perf_counter() - start


def cmd_speed(args: argparse.Namespace) -> None:
    train_x, train_y, val_x, val_y, _, _ = full_splits()
    variants = {
        "cnn_base": BASE,
        "cnn_bn": BN,
        "cnn_bn_pf": CONFIGS["cnn_bn_pf"],
        "cnn_bn_cl": CONFIGS["cnn_bn_cl"],
        "cnn_bn_1thread": CONFIGS["cnn_bn_1thread"],
        "cnn_bn_b256": CONFIGS["cnn_bn_b256"],
        "cnn_bn_b64": CONFIGS["cnn_bn_b64"],
        "cnn_bn_wide": CONFIGS["cnn_bn_wide"],
    }
    if args.compile:
        variants["cnn_bn_compile"] = CONFIGS["cnn_bn_compile"]
    speeds: dict[str, list[float]] = {k: [] for k in variants}
    load_before = loadavg()
    for _ in range(args.repeats):  # interleaved repeats
        for name, cfg in variants.items():
            speeds[name].append(
                step_speed(cfg, train_x, train_y, max(20, args.images // cfg.batch_size))
            )
    evals: dict[int, list[float]] = {b: [] for b in (100, 500, 1000, 5000)}
    for _ in range(args.repeats):
        for b in evals:
            evals[b].append(eval_speed(replace(BN, eval_batch=b), val_x, val_y))
    record = {
        "kind": "speed",
        "images_per_s": {k: [round(v, 1) for v in vs] for k, vs in speeds.items()},
        "median_images_per_s": {k: round(statistics.median(vs), 1) for k, vs in speeds.items()},
        "eval_seconds_5000_by_batch": {
            str(b): round(statistics.median(v), 3) for b, v in evals.items()
        },
        "load_before": load_before,
        "load_after": loadavg(),
        "time": time.strftime("%H:%M:%S"),
    }
    log(record, args.log)
    print(json.dumps(record, indent=1))


def pcts(runs: list[dict[str, Any]], key: str, digits: int = 1) -> str:
    """Per-seed percentages joined by slashes."""
    return " / ".join(f"{100 * r[key]:.{digits}f}" for r in runs)


def median_range(values: list[float]) -> str:
    """'median (min-max)'."""
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def cmd_table(args: argparse.Namespace) -> None:
    records = [json.loads(line) for line in args.log.read_text().splitlines() if line.strip()]
    full: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if r["kind"] == "full":
            full.setdefault(r["config"], []).append(r)
    lines = [
        "| config | change | seeds | val acc % (per seed) | test acc % (per seed) "
        "| train s median (range) | val time to 98.5% s | load 1-min before/after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, runs in full.items():
        note = CONFIGS[name].note if name in CONFIGS else runs[0]["settings"]["note"]
        seeds = ", ".join(str(r["seed"]) for r in runs)
        ttt = [r["val_time_to_985_s"] for r in runs if r["val_time_to_985_s"] is not None]
        seconds = median_range([r["train_seconds"] for r in runs])
        loads = ", ".join(f"{r['load_before'][0]:.1f}/{r['load_after'][0]:.1f}" for r in runs)
        val, test = pcts(runs, "val_acc", 2), pcts(runs, "test_acc", 2)
        lines.append(
            f"| {name} | {note} | {seeds} | {val} | {test} "
            f"| {seconds} | {median_range(ttt) if ttt else '-'} | {loads} |"
        )
    fast_lines = [
        "| model | train/val/test per class | epochs | batch | seeds | val acc % | test acc % "
        "| train s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for r in records:
        if r["kind"] == "fast":
            key = (
                r["config"],
                r["train_per_class"],
                r["val_per_class"],
                r["test_per_class"],
                r["epochs"],
                r["settings"]["batch_size"],
            )
            groups.setdefault(key, []).append(r)
    for (name, tr, va, te, ep, b), runs in groups.items():
        fast_lines.append(
            f"| {name} | {tr}/{va}/{te} | {ep} | {b} | {', '.join(str(r['seed']) for r in runs)} "
            f"| {pcts(runs, 'val_acc')} | {pcts(runs, 'test_acc')} "
            f"| {median_range([r['train_seconds'] for r in runs])} |"
        )
    speed_lines = []
    for r in records:
        if r["kind"] == "speed":
            speed_lines.append(
                f"- {r['time']} UTC, load {r['load_before'][0]:.1f} -> {r['load_after'][0]:.1f}:"
            )
            speed_lines += [
                f"  - {k}: {v:,.0f} images/s (repeats: {r['images_per_s'][k]})"
                for k, v in r["median_images_per_s"].items()
            ]
            speed_lines.append(
                "  - evaluation of the 5,000 validation images, seconds by eval batch size: "
                f"{r['eval_seconds_5000_by_batch']}"
            )
    header = args.header.read_text() if args.header and args.header.is_file() else ""
    text = (
        header
        + "\n## Full-data candidates\n\n"
        + "\n".join(lines)
        + "\n\n## Fast-mode candidates\n\n"
        + "\n".join(fast_lines)
    )
    text += (
        "\n\n## Round 2: variations of the course recipe (helpers' own training path)\n\n"
        + "\n".join(variations_table(records))
    )
    text += (
        "\n\n## Round 3: a first epoch at 98.5% validation? (helpers' own training path)\n\n"
        + "\n".join(round3_table(records))
    )
    text += (
        "\n\n## Training-step throughput (side by side, interleaved repeats, medians)\n\n"
        + "\n".join(speed_lines)
        + "\n"
    )
    args.output.write_text(text)
    print(text)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("COURSE_FAST", "0")
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--log", type=Path, default=LOG)
    parser.add_argument(
        "--threads", type=int, default=0, help="torch threads for every run (0: torch's default)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train")
    p.add_argument("configs", nargs="+", choices=sorted(CONFIGS))
    p.add_argument("--seeds", type=int, nargs="+", default=[42])
    p = sub.add_parser("fast")
    p.add_argument("--configs", nargs="+", default=["cnn_bn", "ann_base"])
    p.add_argument("--per-class", type=int, nargs="+", default=[200])
    p.add_argument("--val-per-class", type=int, default=50)
    p.add_argument("--test-per-class", type=int, default=100)
    p.add_argument("--epochs", type=int, nargs="+", default=[1])
    p.add_argument("--batch", type=int, nargs="+", default=[128])
    p.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    p = sub.add_parser("variations")
    p.add_argument("configs", nargs="+", choices=sorted(VARIATIONS))
    p.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    p = sub.add_parser("round3")
    p.add_argument("configs", nargs="+", choices=sorted(ROUND3))
    p.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    p.add_argument("--screen", action="store_true", help="first epoch only (of the full schedule)")
    p = sub.add_parser("speed")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--images", type=int, default=6400)
    p.add_argument("--compile", action="store_true")
    p = sub.add_parser("table")
    p.add_argument("--output", type=Path, default=TABLE)
    p.add_argument("--header", type=Path, default=HERE / "results" / "experiments_header.md")
    args = parser.parse_args(argv)
    if args.threads and args.command != "speed":  # the speed comparison sets threads per variant
        torch.set_num_threads(args.threads)
    {
        "train": cmd_train,
        "fast": cmd_fast,
        "variations": cmd_variations,
        "round3": cmd_round3,
        "speed": cmd_speed,
        "table": cmd_table,
    }[args.command](args)


if __name__ == "__main__":
    main()
