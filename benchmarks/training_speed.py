"""Training speed on this machine: the seeds' recipe against the course's CNN and ANN recipes.

    uv run python benchmarks/training_speed.py            # the real benchmark (7 to 8 minutes on 2 quiet cores)
    uv run python benchmarks/training_speed.py --quick    # a smoke run on the fast-mode subsets

One process trains, one after the other on the same machine and the same splits (55,000 train /
5,000 validation images of MNIST's training set, seed 42; the 10,000 test images):
  1. the seeds' recipe, twice: the compact CNN with a log_softmax head under CrossEntropyLoss,
     DataLoader(torchvision MNIST + ToTensor per sample, batch_size=10, shuffle=True), Adam lr=0.001,
     as the tutorials wrote it; it stops once validation accuracy reaches 98.5%;
  2. the course's CNN recipe with 3 seeds, by the very call notebook 03 makes (helpers.train_recipe);
  3. the course's ANN recipe with 3 seeds, by the call notebook 02 makes.
Every model is evaluated on the validation split after each epoch (evaluation time excluded from the
seconds) and on the test split once, at the end. Reported per recipe: the median and range over runs of
training seconds until validation accuracy first reaches 98.5%, of the final test accuracy and of the
training seconds, plus images per second and peak resident memory. The machine's load average is
recorded before and after every run, and so is the CPU time other processes used during it: a run during
which they kept more than a quarter of a core busy is marked `under_load`.
Results go to benchmarks/results/training_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil

from course_tools.memory import PeakMemory

RESULTS = Path(__file__).resolve().parent / "results" / "training_speed.json"
TARGET = 0.985
MAX_EPOCHS = 10
COURSE_SEEDS = (42, 43, 44)
SEEDS_REPEATS = 2
# A run is "under load" when other processes kept more than this many cores busy during it, on average.
# Not the load average: it counts our own training too (about 2 on 2 busy cores), and it decays over
# minutes, so every run after the first would look loaded by the run before it.
QUIET_OTHERS = 0.25


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fast-mode subsets, fast-mode epochs: checks the benchmark runs")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"where to write the JSON (default {RESULTS})")
    parser.add_argument(
        "--seeds-full", action="store_true", help=f"train the seeds' recipe all {MAX_EPOCHS} epochs instead of stopping at 98.5%%"
    )
    return parser.parse_args(argv)


def loadavg() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (None where the system does not say)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def busy_seconds() -> tuple[float, float]:
    """CPU seconds the whole machine, and this process (with its children), have been busy so far."""
    t = psutil.cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0)
    guest = getattr(t, "guest", 0.0) + getattr(t, "guest_nice", 0.0)  # Linux counts these in user already
    me = psutil.Process().cpu_times()
    return sum(t) - idle - guest, me.user + me.system + me.children_user + me.children_system


def time_to_target(history: dict[str, list[float]], target: float = TARGET, key: str = "val_acc") -> float | None:
    """Training seconds until accuracy `key` first reaches `target` (None if it never does)."""
    elapsed = 0.0
    for seconds, accuracy in zip(history["seconds"], history[key]):
        elapsed += seconds
        if accuracy >= target:
            return round(elapsed, 2)
    return None


def run_record(seed: int, history: dict[str, list[float]], test_accuracy: float, n_train: int) -> dict[str, Any]:
    """What one training run reports: its seed, epochs, time to 98.5%, accuracies and training seconds."""
    return {
        "seed": seed,
        "epochs": len(history["seconds"]),
        "time_to_985_s": time_to_target(history),
        "test_accuracy": round(float(test_accuracy), 4),
        "val_accuracy": round(history["val_acc"][-1], 4),
        "val_accuracy_per_epoch": [round(a, 4) for a in history["val_acc"]],
        "train_seconds": round(sum(history["seconds"]), 2),
        "n_train": n_train,
    }


def spread(values: list[float | None]) -> dict[str, Any]:
    """Median, min and max of the values that exist (None when none does)."""
    present = [v for v in values if v is not None]
    if not present:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": round(statistics.median(present), 4), "min": min(present), "max": max(present), "n": len(present)}


def summarise(runs: list[dict[str, Any]], n_train: int) -> dict[str, Any]:
    """The figures reported for one recipe over its runs: medians (today's keys) plus per-run lists and ranges."""
    times = [r["time_to_985_s"] for r in runs]
    accs = [r["test_accuracy"] for r in runs]
    secs = [r["train_seconds"] for r in runs]
    reached = [t for t in times if t is not None]
    median_run = sorted(runs, key=lambda r: r["train_seconds"])[len(runs) // 2]
    return {
        # median over runs; None when fewer than half of the runs reached the target
        "time_to_985_s": round(statistics.median(reached), 2) if len(reached) * 2 >= len(runs) and reached else None,
        "test_accuracy": round(statistics.median(accs), 4),
        "images_per_s": round(statistics.median(n_train * r["epochs"] / r["train_seconds"] for r in runs), 1),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        "epochs": median_run["epochs"],
        "train_seconds": round(statistics.median(secs), 2),
        "val_accuracy_per_epoch": median_run["val_accuracy_per_epoch"],
        "seeds": [r["seed"] for r in runs],
        "test_accuracy_per_seed": accs,
        "train_seconds_per_seed": secs,
        "time_to_985_s_per_seed": times,
        "val_accuracy_per_seed": [r["val_accuracy"] for r in runs],
        "range": {"test_accuracy": spread(accs), "train_seconds": spread(secs), "time_to_985_s": spread(times)},
        "load_before_after": [[r["load_before"], r["load_after"]] for r in runs],
        "other_cores_per_run": [r["other_cores"] for r in runs],
        "under_load": any(r["under_load"] for r in runs),
    }


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import torch

    cpu = platform.processor() or platform.machine()
    if Path("/proc/cpuinfo").is_file():
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def measured(run):
    """Decorator: time a run's peak memory and the load average around it, adding them to its record."""

    def wrapper(*args, **kwargs) -> dict[str, Any]:
        before, (machine_start, mine_start), start = loadavg(), busy_seconds(), time.perf_counter()
        with PeakMemory() as memory:
            record = run(*args, **kwargs)
        (machine_end, mine_end), wall = busy_seconds(), time.perf_counter() - start
        others = max(0.0, (machine_end - machine_start) - (mine_end - mine_start)) / wall
        return record | {
            "peak_rss_mb": round(memory.peak_mb, 1),
            "load_before": before,
            "load_after": loadavg(),
            "other_cores": round(others, 2),  # cores other processes kept busy, on average, during the run
            "under_load": others > QUIET_OTHERS,
        }

    return wrapper


@measured
def seeds_recipe(device, max_epochs: int, stop_at_target: bool, repeat: int) -> dict[str, Any]:
    """The tutorials' recipe: compact CNN with log_softmax, per-sample ToTensor DataLoader, batch 10, Adam 1e-3."""
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.utils.data import DataLoader, Subset
    from torchvision import transforms

    from helpers import fast_mode, load_mnist, seed_everything, settings, train_val_split
    from helpers.data import balanced_indices
    from helpers.settings import VAL_SIZE

    class ConvolutionalNetwork(nn.Module):  # the seeds' network, as they wrote it
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 3, 1)
            self.conv2 = nn.Conv2d(6, 16, 3, 1)
            self.fc1 = nn.Linear(5 * 5 * 16, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, X):
            X = F.relu(self.conv1(X))
            X = F.max_pool2d(X, 2, 2)
            X = F.relu(self.conv2(X))
            X = F.max_pool2d(X, 2, 2)
            X = X.view(-1, 5 * 5 * 16)
            X = F.relu(self.fc1(X))
            X = F.relu(self.fc2(X))
            X = self.fc3(X)
            return F.log_softmax(X, dim=1)

    seed_everything(settings.SEED + repeat)
    train_full = load_mnist(train=True, transform=transforms.ToTensor())
    test = load_mnist(train=False, transform=transforms.ToTensor())
    positions = torch.arange(len(train_full))  # the course's split (helpers.load_splits), as indices
    (train_idx, _), (val_idx, _) = train_val_split(positions, positions, VAL_SIZE / len(positions))
    if fast_mode():  # the same subsets the course's recipes see in fast mode
        train_idx = train_idx[balanced_indices(train_full.targets[train_idx], settings.FAST_TRAIN_PER_CLASS)]
        val_idx = val_idx[balanced_indices(train_full.targets[val_idx], settings.FAST_VAL_PER_CLASS)]
        test = Subset(test, balanced_indices(test.targets, settings.FAST_TEST_PER_CLASS).tolist())
    train_loader = DataLoader(Subset(train_full, train_idx.tolist()), batch_size=10, shuffle=True)
    val_loader = DataLoader(Subset(train_full, val_idx.tolist()), batch_size=1000)
    test_loader = DataLoader(test, batch_size=1000)
    model = ConvolutionalNetwork().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)

    @torch.inference_mode()
    def accuracy(loader) -> float:
        model.eval()
        correct = sum((model(x.to(device)).argmax(1) == y.to(device)).sum().item() for x, y in loader)
        return correct / len(loader.dataset)

    history: dict[str, list[float]] = {"seconds": [], "val_acc": []}
    for epoch in range(1, max_epochs + 1):
        model.train()
        start = time.perf_counter()
        for X_train, y_train in train_loader:
            loss = criterion(model(X_train.to(device)), y_train.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        history["seconds"].append(time.perf_counter() - start)
        history["val_acc"].append(accuracy(val_loader))
        print(
            f"  seeds' recipe (run {repeat + 1}), epoch {epoch}: validation accuracy {history['val_acc'][-1]:.2%}, "
            f"{history['seconds'][-1]:.1f} s",
            flush=True,
        )
        if stop_at_target and history["val_acc"][-1] >= TARGET:
            break
    return run_record(settings.SEED + repeat, history, accuracy(test_loader), len(train_idx))


@measured
def course_recipe(recipe, seed: int, device, splits) -> dict[str, Any]:
    """A course recipe with seed `seed`, trained by the same call the notebooks make."""
    from helpers import build_model, train_recipe

    _, metadata = train_recipe(lambda: build_model(recipe.model), replace(recipe, seed=seed),
                               device, splits, verbose=False)
    history, test_accuracy = metadata["history"], metadata["test_accuracy"]
    for i, (acc, sec) in enumerate(zip(history["val_acc"], history["seconds"]), 1):
        print(f"  {recipe.model} seed {seed}, epoch {i}: validation accuracy {acc:.2%}, {sec:.1f} s", flush=True)
    return run_record(seed, history, test_accuracy, len(splits.train_y))


def _range_text(r: dict[str, Any], key: str, fmt: str) -> str:
    s = r["range"][key]
    if s["median"] is None:
        return "not reached"
    return f"{format(s['median'], fmt)} ({format(s['min'], fmt)}-{format(s['max'], fmt)})"


def print_table(results: dict[str, Any]) -> None:
    """The results as an aligned text table: medians with (min-max) over runs."""
    print(f"\n{'recipe':<14}{'runs':>5}{'time to 98.5% (s)':>24}{'test acc':>24}{'train s':>22}{'peak RSS':>10}  load")
    for name in ("seeds_recipe", "course_cnn", "course_ann"):
        r = results[name]
        print(
            f"{name:<14}{len(r['seeds']):>5}{_range_text(r, 'time_to_985_s', '.1f'):>24}{_range_text(r, 'test_accuracy', '.4f'):>24}"
            f"{_range_text(r, 'train_seconds', '.1f'):>22}{r['peak_rss_mb']:>8.0f}MB  {'UNDER LOAD' if r['under_load'] else 'quiet'}"
            f" (others used up to {max(r['other_cores_per_run']):.2f} cores)"
        )
    for key, label in (("speedup_time_to_985", "time to 98.5%: seeds' recipe / course CNN"),
                       ("seeds_time_over_cnn_train", "seeds' time to 98.5% / course CNN's whole training")):  # fmt: skip
        value = results[key]
        print(f"{label}: {'n/a' if value is None else f'{value:.2f}x'}")
    print(f"load average before {results['load_before']}, after {results['load_after']}"
          + ("  -- TAKEN UNDER LOAD: do not quote these timings" if results["under_load"] else ""))  # fmt: skip


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator rounded, or None when either is missing."""
    return round(numerator / denominator, 2) if numerator and denominator else None


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    os.environ["COURSE_FAST"] = "1" if args.quick else "0"  # read by helpers when training starts
    import torch

    from helpers import ANN_RECIPE, CNN_RECIPE, load_splits

    device = torch.device("cpu")  # the laptop case this benchmark is about
    load_before = loadavg()
    print(f"training speed on {machine()['cpu']}, {torch.get_num_threads()} torch threads, "
          f"{'QUICK' if args.quick else 'full'} run, load average {load_before}", flush=True)  # fmt: skip
    # --quick checks the machinery, not the numbers: 2 seeds per course recipe, the seeds' recipe once.
    course_seeds, seeds_repeats = (COURSE_SEEDS[:2], 1) if args.quick else (COURSE_SEEDS, SEEDS_REPEATS)
    seeds_runs = [seeds_recipe(device, 1 if args.quick else MAX_EPOCHS, not args.seeds_full, repeat) for repeat in range(seeds_repeats)]
    results: dict[str, Any] = {"seeds_recipe": summarise(seeds_runs, seeds_runs[0]["n_train"])}
    splits = load_splits()
    for name, recipe in (("course_cnn", CNN_RECIPE), ("course_ann", ANN_RECIPE)):
        runs = [course_recipe(recipe, seed, device, splits) for seed in course_seeds]
        results[name] = summarise(runs, len(splits.train_y))
    seeds_time = results["seeds_recipe"]["time_to_985_s"]
    results["speedup_time_to_985"] = ratio(seeds_time, results["course_cnn"]["time_to_985_s"])
    results["seeds_time_over_cnn_train"] = ratio(seeds_time, results["course_cnn"]["train_seconds"])
    results["target_accuracy"] = TARGET
    results["target_measured_on"] = "validation (5,000 images held out of the training set)"
    results["quick"] = args.quick
    results["recipes"] = {"course_cnn": CNN_RECIPE.settings(), "course_ann": ANN_RECIPE.settings()}
    results["load_before"], results["load_after"] = load_before, loadavg()
    results["under_load"] = any(results[n]["under_load"] for n in ("seeds_recipe", "course_cnn", "course_ann"))
    results["quiet_other_cores"] = QUIET_OTHERS
    results["machine"] = machine()
    results["finished_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output}")
    return results


if __name__ == "__main__":
    main()
