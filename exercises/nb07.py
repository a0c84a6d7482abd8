"""Notebook 07 (CPU vs GPU timing): the exercises' checks, hints and solutions.

No check asserts a speed: timings depend on the machine and its load. The checks test how the
student measures (warm-up, median, eval and inference mode) on stand-ins whose durations they set,
and report what the student measured.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any, NamedTuple

import pandas as pd
import torch
from torch import nn

from exercises.checking import Exercise, Wrong, ____, call
from helpers.models import build_model, count_parameters, multiply_adds

__all__ = ["____", "ex1", "ex2", "ex3"]

# --- Exercise 1: the forward pass alone --------------------------------------------------------

FAST, SLOW = 0.004, 0.05  # seconds of the stand-in network's forward pass
SLOW_CALLS = {0, 1, 3, 5}  # two slow first calls (warm-up), then two one-off slow calls (noise)
WARMUP_CALLS = 2  # with 2 warm-up calls, the timed calls 2, 3, 4, ... are mostly fast


class _Call(NamedTuple):
    seconds: float
    training: bool
    grad: bool
    batch: int


class TimedStandIn(nn.Module):
    """A stand-in network whose forward pass sleeps for durations the check sets, and records
    how it was called: its first two calls are slow (warm-up), calls 3 and 5 slow (noise)."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(10))
        self.calls: list[_Call] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        started = time.perf_counter()
        time.sleep(SLOW if len(self.calls) in SLOW_CALLS else FAST)
        seconds = time.perf_counter() - started
        self.calls.append(_Call(seconds, self.training, torch.is_grad_enabled(), len(x)))
        return torch.zeros(len(x), 10, device=self.weight.device) + self.weight


def _as_number(value: Any, name: str) -> float:
    """`value` as a float (a Python number or a one-element tensor), or Wrong."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Wrong(f"{name} should be a number; it gave {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise Wrong(f"{name} should be a positive number; it gave {value!r}")
    return float(value)


def _check_forward_rate(forward_rate: Any) -> str:
    """Exercise 1: `forward_rate(net, images, device)`, images per second of the forward pass."""
    if not callable(forward_rate):
        raise Wrong(f"forward_rate should be a function; you gave {type(forward_rate).__name__}")
    net, images = TimedStandIn().train(), torch.zeros(64, 1, 28, 28)
    with torch.enable_grad():
        rate = call(forward_rate, net, images, torch.device("cpu"))
    calls = net.calls
    if not calls:
        raise Wrong("your forward_rate never ran the network `net` it was given")
    if any(c.batch != len(images) for c in calls):
        raise Wrong(
            f"your forward_rate ran the network on batches of {calls[0].batch} images; "
            f"time it on the `images` it is given ({len(images)} here)"
        )
    if any(c.training for c in calls):
        raise Wrong(
            "the network ran in training mode: call net.eval() first (dropout and BatchNorm "
            "behave differently in training)"
        )
    if any(c.grad for c in calls):
        raise Wrong(
            "the forward pass recorded a graph for gradients: run it inside "
            "`with torch.inference_mode():`"
        )
    if len(calls) < WARMUP_CALLS + 3:
        raise Wrong(
            f"your forward_rate ran the network {len(calls)} time(s): warm up twice, then time "
            "several repeats (time_repeats with repeats=5, warmup=2)"
        )
    rate = _as_number(rate, "your forward_rate")
    seconds, n = [c.seconds for c in calls], len(images)
    # what each way of timing would give, from the durations the stand-in recorded: the student's
    # timed calls are the last ones, after their warm-up calls
    windows = [seconds[w:] for w in range(WARMUP_CALLS, len(seconds) - 2)]

    def near(values: Any) -> bool:
        return any(math.isclose(rate, v, rel_tol=0.15) for v in values)

    fast_windows = [w for w in windows if statistics.median(w) < (FAST + SLOW) / 2]
    if near(n / statistics.median(window) for window in fast_windows):
        return (
            "on a stand-in network with slow warm-up and one-off slow calls, your function "
            "skipped the warm-up and took the median; the cell above prints what it measured."
        )
    if rate < 1:
        raise Wrong(
            f"your forward_rate returned {rate:.4f}: that looks like seconds per call; return "
            "images per second, len(images) / the median"
        )
    if near(1 / statistics.median(window) for window in windows):
        raise Wrong(
            f"your forward_rate returned {rate:,.1f}: calls per second; each call processes "
            f"len(images) = {n} images"
        )
    if near(n / statistics.mean(window) for window in windows):
        raise Wrong(
            "your rate follows the mean of the timed calls: one slow call (another program on "
            "the CPU) drags the mean down; take the median"
        )
    fast = n / statistics.median(windows[0])
    if rate < fast:
        raise Wrong(
            f"your rate is {fast / rate:.0f}x lower than most calls allow: the first calls "
            "(warm-up) are slow, so run 2 of them untimed, and take the median of the repeats"
        )
    raise Wrong(
        f"your rate is {rate / fast:.1f}x higher than the network's calls allow: time the whole "
        "`net(images)` call, and divide len(images) by the median time"
    )


ex1 = Exercise(
    "ex1",
    _check_forward_rate,
    hints=[
        "Put the network in evaluation mode with net.eval(); write a small function `forward()` "
        "that runs `net(images)` inside `with torch.inference_mode():`.",
        "`time_repeats(forward, device, repeats=5, warmup=2)` times it; its `.median` is in "
        "seconds per call.",
        "Return len(images) / timing.median: images per second.",
    ],
    solution="""
        def forward_rate(net, images, device):
            net.eval()                        # dropout off, BatchNorm uses its running statistics

            def forward():
                with torch.inference_mode():     # no graph kept for a backward pass
                    net(images)

            timing = time_repeats(forward, device, repeats=5, warmup=2)
            return len(images) / timing.median
    """,
    why="The forward pass alone skips the backward pass (about twice the forward pass's work for "
    "most layers), Adam's update of every weight, and the graph kept for gradients. time_repeats "
    "runs 2 untimed warm-up calls (memory allocation, and on a GPU kernel loading), synchronises "
    "a GPU around each timed call, and the median ignores one-off slow calls. How much cheaper "
    "inference is on your machine is what the cell prints: it depends on the machine.",
    answer_names=("forward_rate",),
)

# --- Exercise 2: the compact CNN, LeNet-5 and multiply-adds ------------------------------------

MODEL_NAMES = ("ann", "compact_cnn", "lenet5")
SWEEP_BATCHES = (64, 1024)
COUNT_OPTIONS = {
    "a": "the same images per second for every model",
    "b": "the same multiply-adds per second for every model (images/s x multiply-adds per image)",
    "c": "the model with the most parameters the slowest",
}
COUNT_EXPLANATIONS = {
    "a": "a model with 2.7x fewer multiply-adds per image would then process 2.7x more images "
    "per second; equal image rates would mean the count does not matter at all",
    "c": "parameters are not work: a convolution reuses its few weights at every position of the "
    "image (LeNet-5 has 9x fewer parameters than the ANN, but 0.78x its multiply-adds)",
}


def _check_macs(macs: Any) -> dict[str, int]:
    if not isinstance(macs, dict):
        raise Wrong(
            'macs should be a dict {"ann": ..., "compact_cnn": ..., "lenet5": ...}; '
            f"you gave {type(macs).__name__}"
        )
    if missing := [m for m in MODEL_NAMES if m not in macs]:
        raise Wrong(f"macs has no entry for {', '.join(map(repr, missing))}")
    counts = {}
    for name in MODEL_NAMES:
        model = build_model(name)
        counts[name] = multiply_adds(model)
        if macs[name] == count_parameters(model):
            raise Wrong(
                f"macs[{name!r}] is the number of parameters; multiply_adds counts the "
                "multiply-adds of one forward pass for one image"
            )
        if isinstance(macs[name], bool) or macs[name] != counts[name]:
            raise Wrong(
                f"macs[{name!r}] is {macs[name]!r}; count it with "
                f"multiply_adds(build_model({name!r}))"
            )
    return counts


def _check_sweep(sweep: Any) -> pd.DataFrame:
    if not isinstance(sweep, pd.DataFrame):
        raise Wrong(
            f"sweep should be the table throughput_sweep returns; you gave {type(sweep).__name__}"
        )
    needed = {"model", "device", "batch_size", "images_per_s", "median_s", "spread_s"}
    if missing := sorted(needed - set(sweep.columns)):
        raise Wrong(f"sweep has no column {', '.join(missing)}: make it with throughput_sweep")
    if missing := [m for m in MODEL_NAMES if m not in set(sweep["model"])]:
        raise Wrong(f"sweep has no rows for {', '.join(map(repr, missing))}: measure all three")
    if set(sweep["device"]) != {"cpu"}:
        raise Wrong(
            f"sweep was measured on {sorted(set(sweep['device']))}; measure on the CPU: "
            "devices=[torch.device('cpu')]"
        )
    if missing := [b for b in SWEEP_BATCHES if b not in set(sweep["batch_size"])]:
        raise Wrong(f"sweep has no rows at batch size {missing}: use batch sizes 64 and 1024")
    return sweep


def _check_compact_cnn(macs: Any, sweep: Any, answer: Any) -> str:
    """Exercise 2: multiply-adds per image, a CPU sweep of three models, what the count predicts."""
    counts = _check_macs(macs)
    table = _check_sweep(sweep)
    letter = answer.strip().strip("().").lower() if isinstance(answer, str) else None
    if letter not in COUNT_OPTIONS:
        raise Wrong(
            f'answer with one of the letters "a", "b", "c" (in quotes); you wrote {answer!r}'
        )
    if letter != "b":
        raise Wrong(f"not ({letter}) {COUNT_OPTIONS[letter]}: {COUNT_EXPLANATIONS[letter]}")
    rows = table[table["batch_size"] == max(SWEEP_BATCHES)].set_index("model")
    measured = ", ".join(
        f"{m} {rows.loc[m, 'images_per_s']:,.0f} images/s = "
        f"{rows.loc[m, 'images_per_s'] * counts[m] / 1e9:.2f} G "
        f"(±{rows.loc[m, 'spread_s'] / rows.loc[m, 'median_s'] / 2:.0%})"
        for m in MODEL_NAMES
    )
    reading = "only differences beyond the spread say the count missed something."
    if {"images_per_s_min", "images_per_s_max"} <= set(rows.columns):  # the repeats' range
        low = {m: rows.loc[m, "images_per_s_min"] * counts[m] for m in MODEL_NAMES}
        high = {m: rows.loc[m, "images_per_s_max"] * counts[m] for m in MODEL_NAMES}
        apart = [(a, b) for a in MODEL_NAMES for b in MODEL_NAMES if low[a] > high[b]]
        reading = (
            "on your run "
            + "; ".join(f"{a} ran more multiply-adds per second than {b}" for a, b in apart)
            + ", beyond the repeats' range: the count alone does not set the time here."
            if apart
            else "on your run the ranges overlap: within noise, the count is not contradicted."
        )
    return (
        f"if the count set the time, these would be equal. Your run, batch {max(SWEEP_BATCHES)}, "
        "images/s x forward multiply-adds per image (± half the repeats' spread): "
        f"{measured}; {reading}"
    )


ex2 = Exercise(
    "ex2",
    _check_compact_cnn,
    hints=[
        "macs: a dict comprehension over the three names with multiply_adds(build_model(m)). "
        "sweep: the same call as section 3's sweep, with your models, batch sizes and devices.",
        "throughput_sweep(['ann', 'compact_cnn', 'lenet5'], [64, 1024], [torch.device('cpu')], "
        "IMAGES_PER_MEASUREMENT, REPEATS, WARMUP, max_steps=MAX_STEPS)",
        "For the question: if time were proportional to multiply-adds, images/s x multiply-adds "
        "per image would be one constant: the machine's speed.",
    ],
    solution="""
        macs = {m: multiply_adds(build_model(m)) for m in ("ann", "compact_cnn", "lenet5")}
        sweep = throughput_sweep(["ann", "compact_cnn", "lenet5"], [64, 1024],
                                 [torch.device("cpu")], IMAGES_PER_MEASUREMENT, REPEATS, WARMUP,
                                 max_steps=MAX_STEPS)
        answer = "b"   # the same multiply-adds per second for every model
    """,
    why="The count measures the work, not the time: if it set the time, every model would run the "
    "same number of multiply-adds per second. The check prints this run's rates with their spread. "
    "Where they differ beyond it, something other than the count sets the time: how well each "
    "operation uses the CPU (a few large matrix products against many thin convolutions), work "
    "the count leaves out (dropout, BatchNorm and pooling; section 3's profile shows where the "
    "time goes) and the overhead per step. Which CNN is faster, and by how much, is what your "
    "table says for this machine, not something the count alone explains.",
    answer_names=("macs", "sweep", "answer"),
)

# --- Exercise 3: why the median -----------------------------------------------------------------

SLEEP_MS = 200  # the extra sleep of the 4th timed call
SLOW_TIMED_CALL = 3  # its index in the timed calls


def _check_median(times_ms: Any, mean_ms: Any, median_ms: Any) -> str:
    """Exercise 3: 10 timed calls, the 4th 0.2 s slower; the mean and the median of them."""
    if not isinstance(times_ms, (list, tuple)) or not all(
        isinstance(t, (int, float)) and not isinstance(t, bool) for t in times_ms
    ):
        raise Wrong(f"times_ms should be a list of numbers; it is {type(times_ms).__name__}")
    if len(times_ms) != 10:
        raise Wrong(f"times_ms holds {len(times_ms)} times; time 10 calls (repeats=10)")
    times = list(times_ms)
    middle = statistics.median(times)
    slow = [i for i, t in enumerate(times) if t - middle > 0.75 * SLEEP_MS]
    if not slow and max(times) < 1:
        raise Wrong(
            f"the times are all below 1: they look like seconds; times_ms is in milliseconds "
            f"(largest {max(times):.3f})"
        )
    if not slow:
        raise Wrong(
            f"no timed call is about {SLEEP_MS} ms slower than the others: make sometimes_slow "
            "sleep 0.2 s on its 4th timed call (the 2 warm-up calls come first: count them)"
        )
    if slow != [SLOW_TIMED_CALL]:
        where = ", ".join(str(i + 1) for i in slow)
        raise Wrong(
            f"the slow timed call is number {where}; the exercise asks for the 4th (the 2 warm-up "
            "calls are not in times_ms: the 4th timed call is the 6th call in all)"
        )
    for name, value, right, other in (
        ("mean_ms", mean_ms, statistics.mean(times), middle),
        ("median_ms", median_ms, middle, statistics.mean(times)),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Wrong(f"{name} should be a number; you gave {type(value).__name__}")
        if math.isclose(value, right, rel_tol=1e-6):
            continue
        if math.isclose(value, right / 1000, rel_tol=1e-6):
            raise Wrong(f"{name} is in seconds; the times are in milliseconds (times_ms)")
        if math.isclose(value, other, rel_tol=1e-6):
            raise Wrong(f"{name} is the {'median' if name == 'mean_ms' else 'mean'}: swapped?")
        if name == "median_ms" and math.isclose(value, times[len(times) // 2], rel_tol=1e-6):
            raise Wrong(
                "median_ms is the middle of the list as timed: sort it first (or use "
                "statistics.median)"
            )
        raise Wrong(f"{name} is {value:.2f}; compute it from times_ms with statistics")
    others = statistics.median(t for i, t in enumerate(times) if i != SLOW_TIMED_CALL)
    return (
        f"one slow call moved the mean to {statistics.mean(times):.1f} ms; the median stayed at "
        f"{middle:.1f} ms (the other nine calls' median: {others:.1f} ms)."
    )


ex3 = Exercise(
    "ex3",
    _check_median,
    hints=[
        "sometimes_slow counts its calls in call_count (declare `global call_count` inside it), "
        "runs step(), and sleeps when the count says it is the 4th timed call.",
        "time_repeats calls it 2 times untimed first, so the 4th timed call is call number "
        "2 + 4 = 6: `if call_count == 6: time.sleep(0.2)`.",
        "mean_ms = statistics.mean(times_ms) and median_ms = statistics.median(times_ms).",
    ],
    solution="""
        call_count = 0

        def sometimes_slow():
            global call_count
            call_count += 1
            step()
            if call_count == 2 + 4:            # 2 warm-up calls, then the 4th timed call
                time.sleep(0.2)

        slow = time_repeats(sometimes_slow, device, repeats=10, warmup=2)
        times_ms = [1000 * s for s in slow.times]
        mean_ms = statistics.mean(times_ms)
        median_ms = statistics.median(times_ms)
    """,
    why="One call 200 ms slower adds 200 / 10 = 20 ms to the mean of 10 calls, whatever the other "
    "nine did; the median is the middle of the sorted times, so one outlier moves it by at most "
    "one neighbour's difference. That is why timings report the median: another program taking "
    "the CPU for a moment is not part of what we want to measure.",
    answer_names=("times_ms", "mean_ms", "median_ms"),
)
