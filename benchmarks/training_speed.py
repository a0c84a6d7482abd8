"""Training speed on this machine: the seeds' recipe against the course's CNN and ANN recipes.

    uv run python benchmarks/training_speed.py            # the real benchmark
    uv run python benchmarks/training_speed.py --quick    # a smoke run (seconds)

The real benchmark takes about 8.5 to 11 minutes on 2 quiet cores; the smoke run trains on the
fast-mode subsets, 1 epoch, 1 seed per recipe.

One process trains, one after the other on the same machine and the same splits (55,000 train /
5,000 validation images of MNIST's training set, split with seed 42; the 10,000 test images):
  1. the seeds' recipe with seeds 42, 43 and 44: the compact CNN with a log_softmax head under
     CrossEntropyLoss (so log_softmax is applied twice), DataLoader(torchvision MNIST + ToTensor per
     sample, batch_size=10, shuffle=True), Adam lr=0.001, as the tutorials wrote it; each run stops
     once validation accuracy reaches 98.5% (at most 10 epochs);
  2. the course's CNN recipe with seeds 42, 43 and 44, by the very call notebook 03 makes
     (helpers.train_recipe);
  3. the course's ANN recipe with the same seeds, by the call notebook 02 makes.
Every model is evaluated on the same 5,000 validation images after each epoch (evaluation time
excluded from the seconds for every recipe) and on the test split once, at the end. "Time to 98.5%"
is the training seconds until validation accuracy first reaches 98.5%, checked at the end of each
epoch.

Reported per run: seed, epochs, seconds per epoch, time to 98.5%, test accuracy, peak resident
memory, and the CPU time other processes used during it (`other_cores`; a run above 0.25 cores is
marked `under_load`: do not quote its seconds). The speedups are given as ranges over every pair
(seeds' recipe seed x course CNN seed): worst, median, best; the worst case is the headline.
Results go to benchmarks/results/training_speed.json (--quick: to a temporary file, never there).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil

from course_tools.memory import PeakMemory

RESULTS = Path(__file__).resolve().parent / "results" / "training_speed.json"
QUICK_RESULTS = Path(tempfile.gettempdir()) / "training_speed_quick.json"
TARGET = 0.985
MAX_EPOCHS = 10
COURSE_SEEDS = (42, 43, 44)
BASELINE_SEEDS = (42, 43, 44)  # the seeds' recipe: its time to 98.5% depends strongly on the seed
QUICK_TRAIN = 1_000  # --quick: the first 1,000 images of the fast-mode training subset, each recipe
# A run is "under load" when, on average, other processes kept more than this many cores busy
# during it.
# Not the load average: it counts our own training too (about 2 on 2 busy cores), and it decays over
# minutes, so every run after the first would look loaded by the run before it.
QUIET_OTHERS = 0.25


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=(
            "fast-mode subsets, 1 epoch, 1 seed per recipe: checks the benchmark runs "
            f"(writes {QUICK_RESULTS})"
        ),
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"where to write the JSON (default {RESULTS}; with --quick {QUICK_RESULTS})",
    )
    parser.add_argument(
        "--seeds-full",
        action="store_true",
        help=f"train the seeds' recipe all {MAX_EPOCHS} epochs instead of stopping at 98.5%%",
    )
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = QUICK_RESULTS if args.quick else RESULTS
    if args.quick and args.output.resolve() == RESULTS.resolve():
        parser.error(
            f"--quick never writes {RESULTS}: its figures are a smoke test, not a measurement"
        )
    return args


def loadavg() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (None where the system does not say)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def busy_seconds() -> tuple[float, float]:
    """CPU seconds the whole machine, and this process (with children), have been busy so far."""
    t = psutil.cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0)
    guest = getattr(t, "guest", 0.0) + getattr(
        t, "guest_nice", 0.0
    )  # Linux counts these in user already
    me = psutil.Process().cpu_times()
    return sum(t) - idle - guest, me.user + me.system + me.children_user + me.children_system


def time_to_target(
    history: dict[str, list[float]], target: float = TARGET, key: str = "val_acc"
) -> float | None:
    """Training seconds until accuracy `key` first reaches `target` (None if it never does)."""
    elapsed = 0.0
    for seconds, accuracy in zip(history["seconds"], history[key]):
        elapsed += seconds
        if accuracy >= target:
            return round(elapsed, 2)
    return None


def run_record(
    seed: int, history: dict[str, list[float]], test_accuracy: float, n_train: int
) -> dict[str, Any]:
    """What one run reports: its seed, epochs, time to 98.5%, accuracies and training seconds."""
    reached = [i for i, a in enumerate(history["val_acc"], 1) if a >= TARGET]
    return {
        "seed": seed,
        "epochs": len(history["seconds"]),
        "epochs_to_985": reached[0] if reached else None,
        "time_to_985_s": time_to_target(history),
        "seconds_per_epoch": [round(s, 2) for s in history["seconds"]],
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
    return {
        "median": round(statistics.median(present), 4),
        "min": min(present),
        "max": max(present),
        "n": len(present),
    }


def summarise(runs: list[dict[str, Any]], n_train: int) -> dict[str, Any]:
    """One recipe's figures over its runs: medians, per-run lists, ranges, and the runs."""
    times = [r["time_to_985_s"] for r in runs]
    accs = [r["test_accuracy"] for r in runs]
    secs = [r["train_seconds"] for r in runs]
    reached = [t for t in times if t is not None]
    median_run = sorted(runs, key=lambda r: r["train_seconds"])[len(runs) // 2]
    return {
        # median over runs; None when fewer than half of the runs reached the target
        "time_to_985_s": round(statistics.median(reached), 2)
        if len(reached) * 2 >= len(runs) and reached
        else None,
        "test_accuracy": round(statistics.median(accs), 4),
        "images_per_s": round(
            statistics.median(n_train * r["epochs"] / r["train_seconds"] for r in runs), 1
        ),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        "epochs": median_run["epochs"],
        "train_seconds": round(statistics.median(secs), 2),
        "val_accuracy_per_epoch": median_run["val_accuracy_per_epoch"],
        "seeds": [r["seed"] for r in runs],
        "test_accuracy_per_seed": accs,
        "train_seconds_per_seed": secs,
        "time_to_985_s_per_seed": times,
        "epochs_to_985_per_seed": [r["epochs_to_985"] for r in runs],
        "seconds_per_epoch_per_seed": [r["seconds_per_epoch"] for r in runs],
        "val_accuracy_per_seed": [r["val_accuracy"] for r in runs],
        "range": {
            "test_accuracy": spread(accs),
            "train_seconds": spread(secs),
            "time_to_985_s": spread(times),
        },
        "load_before_after": [[r["load_before"], r["load_after"]] for r in runs],
        "other_cores_per_run": [r["other_cores"] for r in runs],
        "under_load": any(r["under_load"] for r in runs),
        "runs": runs,
    }


def speedup_range(
    baseline: list[dict[str, Any]], course: list[dict[str, Any]], course_key: str
) -> dict[str, Any]:
    """Baseline time to 98.5% / course run's `course_key` seconds, over every seed pair.

    Over every (baseline seed, course seed) pair: worst (the smallest ratio: the headline), median
    and best; a pair where either run never reached 98.5% (or has no seconds) has no ratio and is
    counted in `missing`, and then the worst case is unknown (None)."""
    pairs, missing = [], 0
    for b in baseline:
        for c in course:
            value = ratio(b["time_to_985_s"], c[course_key])
            if value is None:
                missing += 1
            pairs.append({"baseline_seed": b["seed"], "course_seed": c["seed"], "ratio": value})
    values = [p["ratio"] for p in pairs if p["ratio"] is not None]
    return {
        "worst": min(values) if values and not missing else None,
        "median": round(statistics.median(values), 2) if values else None,
        "best": max(values) if values else None,
        "n_pairs": len(pairs),
        "missing": missing,
        "pairs": pairs,
    }


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import torch

    cpu = platform.processor() or platform.machine()
    if Path("/proc/cpuinfo").is_file():
        names = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
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
    """Decorator: add a run's peak memory and the load average around it to its record."""

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
            "other_cores": round(
                others, 2
            ),  # cores other processes kept busy, on average, during the run
            "under_load": others > QUIET_OTHERS,
        }

    return wrapper


@measured
def seeds_recipe(
    device, max_epochs: int, stop_at_target: bool, seed: int, n_train: int | None = None
) -> dict[str, Any]:
    """The tutorials' recipe: compact CNN, log_softmax, per-sample ToTensor, batch 10, Adam 1e-3."""
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

    seed_everything(seed)  # the split below stays the course's (seed 42) whatever the run's seed
    train_full = load_mnist(train=True, transform=transforms.ToTensor())
    test = load_mnist(train=False, transform=transforms.ToTensor())
    positions = torch.arange(
        len(train_full)
    )  # the course's split (helpers.load_splits), as indices
    (train_idx, _), (val_idx, _) = train_val_split(positions, positions, VAL_SIZE / len(positions))
    if fast_mode():  # the same subsets the course's recipes see in fast mode
        train_idx = train_idx[
            balanced_indices(train_full.targets[train_idx], settings.FAST_TRAIN_PER_CLASS)
        ]
        val_idx = val_idx[
            balanced_indices(train_full.targets[val_idx], settings.FAST_VAL_PER_CLASS)
        ]
        test = Subset(test, balanced_indices(test.targets, settings.FAST_TEST_PER_CLASS).tolist())
    train_idx = train_idx[:n_train]  # --quick: fewer (n_train None: all)
    train_loader = DataLoader(Subset(train_full, train_idx.tolist()), batch_size=10, shuffle=True)
    val_loader = DataLoader(Subset(train_full, val_idx.tolist()), batch_size=1000)
    test_loader = DataLoader(test, batch_size=1000)
    model = ConvolutionalNetwork().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)

    @torch.inference_mode()
    def accuracy(loader) -> float:
        model.eval()
        correct = sum(
            (model(x.to(device)).argmax(1) == y.to(device)).sum().item() for x, y in loader
        )
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
            f"  seeds' recipe seed {seed}, epoch {epoch}: "
            f"validation accuracy {history['val_acc'][-1]:.2%}, {history['seconds'][-1]:.1f} s",
            flush=True,
        )
        if stop_at_target and history["val_acc"][-1] >= TARGET:
            break
    return run_record(seed, history, accuracy(test_loader), len(train_idx))


@measured
def course_recipe(recipe, seed: int, device, splits) -> dict[str, Any]:
    """A course recipe with seed `seed`, trained by the same call the notebooks make."""
    from helpers import build_model, train_recipe

    _, metadata = train_recipe(lambda: build_model(recipe.model), replace(recipe, seed=seed),
                               device, splits, verbose=False)
    history, test_accuracy = metadata["history"], metadata["test_accuracy"]
    for i, (acc, sec) in enumerate(zip(history["val_acc"], history["seconds"]), 1):
        print(
            f"  {recipe.model} seed {seed}, epoch {i}: validation accuracy {acc:.2%}, {sec:.1f} s",
            flush=True,
        )
    return run_record(seed, history, test_accuracy, len(splits.train_y))


def _range_text(r: dict[str, Any], key: str, fmt: str) -> str:
    s = r["range"][key]
    if s["median"] is None:
        return "not reached"
    return f"{format(s['median'], fmt)} ({format(s['min'], fmt)}-{format(s['max'], fmt)})"


def print_table(results: dict[str, Any]) -> None:
    """The results as text: every run, each recipe's medians (min-max), then the speedup ranges."""
    print(
        f"\n{'recipe':<14}{'seed':>5}{'epochs':>7}{'to 98.5%':>9}{'s/epoch':>9}"
        f"{'time to 98.5%':>15}{'train s':>9}{'test acc':>10}{'others':>8}"
    )
    for name in ("seeds_recipe", "course_cnn", "course_ann"):
        for r in results[name]["runs"]:
            per_epoch = statistics.mean(r["seconds_per_epoch"])
            to_target = "-" if r["time_to_985_s"] is None else f"{r['time_to_985_s']:.1f}"
            loaded = "  UNDER LOAD" if r["under_load"] else ""
            print(
                f"{name:<14}{r['seed']:>5}{r['epochs']:>7}{r['epochs_to_985'] or '-':>9}"
                f"{per_epoch:>9.1f}{to_target:>15}{r['train_seconds']:>9.1f}"
                f"{r['test_accuracy']:>10.2%}{r['other_cores']:>8.2f}{loaded}"
            )
    print(
        f"\n{'recipe':<14}{'runs':>5}{'time to 98.5% (s)':>24}{'test acc':>24}{'train s':>22}"
        f"{'peak RSS':>10}"
    )
    for name in ("seeds_recipe", "course_cnn", "course_ann"):
        r = results[name]
        to_target = _range_text(r, "time_to_985_s", ".1f")
        accuracy = _range_text(r, "test_accuracy", ".4f")
        seconds = _range_text(r, "train_seconds", ".1f")
        print(
            f"{name:<14}{len(r['seeds']):>5}{to_target:>24}{accuracy:>24}{seconds:>22}"
            f"{r['peak_rss_mb']:>8.0f}MB"
        )
    speedups = (
        ("speedup_time_to_985", "time to 98.5%, seeds' recipe / course CNN"),
        ("seeds_time_over_cnn_train", "seeds' time to 98.5% / course CNN's whole training"),
    )
    for key, label in speedups:
        r = results[key]
        fmt = lambda v: "n/a" if v is None else f"{v:.1f}x"  # noqa: E731
        missing = f", {r['missing']} without a ratio" if r["missing"] else ""
        print(
            f"{label}: worst {fmt(r['worst'])} (the headline), median {fmt(r['median'])}, "
            f"best {fmt(r['best'])} over {r['n_pairs']} seed pairs{missing}"
        )
    quiet = "UNDER LOAD, do not quote these timings" if results["under_load"] else "quiet"
    print(
        f"load average before {results['load_before']}, after {results['load_after']}; "
        f"other processes used at most {results['max_other_cores']:.2f} cores during a run: {quiet}"
    )


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator rounded, or None when either is missing."""
    return round(numerator / denominator, 2) if numerator and denominator else None


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    os.environ["COURSE_FAST"] = "1" if args.quick else "0"  # read by helpers when training starts
    import torch

    device = torch.device("cpu")  # the laptop case this benchmark is about
    threads = torch.get_num_threads()
    # --quick is a smoke test: 1 thread never stalls on a busy machine (2 can take 10x as long).
    if args.quick:
        torch.set_num_threads(1)
    try:
        return run_all(args, device)
    finally:
        torch.set_num_threads(threads)


def run_all(args: argparse.Namespace, device) -> dict[str, Any]:
    """Train every recipe, summarise, print and write the results."""
    import torch

    from helpers import ANN_RECIPE, CNN_RECIPE, load_splits

    load_before = loadavg()
    print(
        f"training speed on {machine()['cpu']}, {torch.get_num_threads()} torch threads, "
        f"{'QUICK' if args.quick else 'full'} run, load average {load_before}",
        flush=True,
    )
    # --quick checks the machinery, not the numbers: 1 seed per recipe, 1 epoch, fast-mode subsets.
    baseline_seeds, course_seeds = (
        (BASELINE_SEEDS[:1], COURSE_SEEDS[:1]) if args.quick else (BASELINE_SEEDS, COURSE_SEEDS)
    )
    max_epochs = 1 if args.quick else MAX_EPOCHS
    n_train = QUICK_TRAIN if args.quick else None
    seeds_runs = [
        seeds_recipe(device, max_epochs, not args.seeds_full, seed, n_train)
        for seed in baseline_seeds
    ]
    results: dict[str, Any] = {"seeds_recipe": summarise(seeds_runs, seeds_runs[0]["n_train"])}
    splits = load_splits()
    if args.quick:
        splits = splits._replace(train_x=splits.train_x[:n_train], train_y=splits.train_y[:n_train])
    for name, recipe in (("course_cnn", CNN_RECIPE), ("course_ann", ANN_RECIPE)):
        runs = [course_recipe(recipe, seed, device, splits) for seed in course_seeds]
        results[name] = summarise(runs, len(splits.train_y))
    cnn_runs = results["course_cnn"]["runs"]
    results["speedup_time_to_985"] = speedup_range(seeds_runs, cnn_runs, "time_to_985_s")
    results["seeds_time_over_cnn_train"] = speedup_range(seeds_runs, cnn_runs, "train_seconds")
    results["speedup_headline"] = results["speedup_time_to_985"][
        "worst"
    ]  # the worst case over seed pairs
    results["target_accuracy"] = TARGET
    results["target_measured_on"] = (
        "validation (the course's 5,000 images held out of the training set, for every recipe)"
    )
    results["quick"] = args.quick
    results["recipes"] = {"course_cnn": CNN_RECIPE.settings(), "course_ann": ANN_RECIPE.settings()}
    results["load_before"], results["load_after"] = load_before, loadavg()
    names = ("seeds_recipe", "course_cnn", "course_ann")
    results["under_load"] = any(results[n]["under_load"] for n in names)
    results["max_other_cores"] = max(c for n in names for c in results[n]["other_cores_per_run"])
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
