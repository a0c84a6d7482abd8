"""Notebook 07's exercises: each check on the blank, typical wrong answers and the solution.

No test asserts a speed: exercise 1 runs on a stand-in network whose call durations the check sets.
"""

import statistics
import time

import pandas as pd
import torch
from exercise_cases import assert_exercise, assert_result

from exercises.nb07 import ex1, ex2, ex3
from helpers import build_model, multiply_adds, time_repeats

NAMESPACE = {  # the notebook's names the solutions use
    "torch": torch,
    "time": time,
    "statistics": statistics,
    "device": torch.device("cpu"),
    "time_repeats": time_repeats,
    "build_model": build_model,
    "multiply_adds": multiply_adds,
    "throughput_sweep": lambda models, batch_sizes, devices, *args, **kwargs: sweep_table(
        devices[0].type, models, batch_sizes
    ),  # helpers' sweep is tested in test_timing.py; here its table's shape is what matters
    "IMAGES_PER_MEASUREMENT": 64,
    "REPEATS": 2,
    "WARMUP": 0,
    "MAX_STEPS": 2,
    "step": lambda: None,
}


def rate_with(warmup=2, eval_mode=True, inference=True, summary=statistics.median, per_image=True):
    """A forward_rate written with one of the typical mistakes."""

    def forward_rate(net, images, device):
        if eval_mode:
            net.eval()

        def forward():
            with torch.inference_mode(inference):
                net(images)

        times = time_repeats(forward, device, repeats=5, warmup=warmup).times
        return (len(images) if per_image else 1) / summary(times)

    return forward_rate


def test_ex1_forward_rate():
    assert_exercise(
        ex1,
        namespace=NAMESPACE,
        wrong=[
            ((rate_with(eval_mode=False),), "training mode"),
            ((rate_with(inference=False),), "graph for gradients"),
            ((rate_with(warmup=0),), "warm-up"),
            ((rate_with(warmup=1),), "warm-up"),
            ((rate_with(summary=statistics.mean),), "take the median"),
            ((rate_with(per_image=False),), "calls per second"),
            (
                (lambda net, images, device: time_repeats(lambda: net(images), device).median,),
                "training mode",
            ),
            ((lambda net, images, device: 1000.0,), "never ran the network"),
        ],
    )


def seconds_not_rate(net, images, device):
    net.eval()
    with torch.inference_mode():
        return time_repeats(lambda: net(images), device, repeats=5, warmup=2).median


def test_ex1_seconds_instead_of_a_rate():
    assert_result(ex1, [seconds_not_rate], "wrong", "seconds per call")


def sweep_table(device="cpu", models=("ann", "compact_cnn", "lenet5"), batch_sizes=(64, 1024)):
    """A table shaped as throughput_sweep returns it, with made-up rates."""
    rows = [
        {
            "model": m,
            "device": device,
            "batch_size": b,
            "steps": 2,
            "median_s": 0.1,
            "spread_s": 0.01,
            "images_per_s": 2 * b / 0.1,
            "ms_per_step": 50.0,
            "s_per_epoch": 1.0,
        }
        for m in models
        for b in batch_sizes
    ]
    return pd.DataFrame(rows)


def test_ex2_compact_cnn_and_multiply_adds():
    macs = {m: multiply_adds(build_model(m)) for m in ("ann", "compact_cnn", "lenet5")}
    params = {m: sum(p.numel() for p in build_model(m).parameters()) for m in macs}
    table = sweep_table()
    assert_exercise(
        ex2,
        namespace=NAMESPACE,
        wrong=[
            ((params, table, "b"), "number of parameters"),
            (({"ann": macs["ann"], "lenet5": macs["lenet5"]}, table, "b"), "'compact_cnn'"),
            ((macs, sweep_table(device="cuda"), "b"), "measure on the CPU"),
            ((macs, sweep_table(models=("compact_cnn", "lenet5")), "b"), "no rows for 'ann'"),
            ((macs, table[table.batch_size == 64], "b"), "batch size [1024]"),
            ((macs, table, "a"), "not (a)"),
            ((macs, table, "c"), "parameters are not work"),
            ((macs, table, "yes"), 'one of the letters "a", "b", "c"'),
        ],
    )
    message = ex2.evaluate(macs, table, "B").message
    assert (
        "compact_cnn 20,480 images/s = 4.10 G" in message and "±5%" in message
    )  # 20,480 images/s x 199,968
    # with the repeats' range (throughput_sweep's min/max columns): overlap or not, said as such
    same = 1e10 / table.model.map(macs)  # every model the same multiply-adds per second
    ranged = table.assign(images_per_s_min=0.9 * same, images_per_s_max=1.1 * same)
    assert "ranges overlap" in ex2.evaluate(macs, ranged, "b").message
    ranged.loc[ranged.model == "ann", ["images_per_s_min", "images_per_s_max"]] *= 10
    assert "ann ran more multiply-adds per second than" in ex2.evaluate(macs, ranged, "b").message


def spike_at(index, base=8.0):
    return [base + 0.1 * i + (200.0 if i == index else 0.0) for i in range(10)]


def test_ex3_why_the_median():
    times = spike_at(3)
    mean, median = statistics.mean(times), statistics.median(times)
    assert_exercise(
        ex3,
        namespace=NAMESPACE,
        wrong=[
            ((spike_at(None), 8.5, 8.5), "no timed call"),
            ((spike_at(5), 28.5, 8.5), "slow timed call is number 6"),
            ((spike_at(1), 28.5, 8.5), "slow timed call is number 2"),
            (([t / 1000 for t in spike_at(None)], 0.01, 0.01), "look like seconds"),
            ((times[:5], mean, median), "holds 5 times"),
            ((times, median, mean), "mean_ms is the median"),
            ((times, mean, mean), "median_ms is the mean"),
            ((times, mean, median / 1000), "in seconds"),
            ((times, mean, times[5]), "sort it first"),
        ],
    )
    assert "moved the mean to 28.5 ms" in ex3.evaluate(times, mean, median).message
