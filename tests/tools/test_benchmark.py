"""The training-speed benchmark runs end to end in its quick mode and writes what it promises."""

import json
import subprocess
import sys
import time

import pytest
from script_loader import load_script


@pytest.fixture(scope="module")
def benchmark():
    return load_script("benchmarks/training_speed.py")


def test_time_to_target_counts_training_seconds_until_first_crossing(benchmark):
    history = {"seconds": [10.0, 12.0, 11.0], "val_acc": [0.97, 0.986, 0.99]}
    assert benchmark.time_to_target(history) == 22.0
    assert benchmark.time_to_target({"seconds": [5.0], "val_acc": [0.9]}) is None


def test_summary_reports_medians_ranges_and_per_seed_lists(benchmark):
    seeds = (
        (42, 9.0, 0.993, 20.0, False),
        (43, None, 0.994, 22.0, False),
        (44, 8.0, 0.995, 21.0, True),
    )
    runs = [
        {
            "seed": s,
            "epochs": 5,
            "epochs_to_985": None if t is None else 2,
            "seconds_per_epoch": [sec / 5] * 5,
            "time_to_985_s": t,
            "test_accuracy": a,
            "val_accuracy": a,
            "val_accuracy_per_epoch": [a],
            "train_seconds": sec,
            "peak_rss_mb": 900.0,
            "load_before": [0.1, 0, 0],
            "load_after": [2.0, 0, 0],
            "other_cores": 0.5 if u else 0.0,
            "under_load": u,
        }
        for s, t, a, sec, u in seeds
    ]
    summary = benchmark.summarise(runs, n_train=55_000)
    assert (
        summary["test_accuracy_per_seed"] == [0.993, 0.994, 0.995]
        and summary["test_accuracy"] == 0.994
    )
    assert (
        summary["train_seconds_per_seed"] == [20.0, 22.0, 21.0] and summary["train_seconds"] == 21.0
    )
    assert summary["time_to_985_s"] == 8.5  # median of the runs that reached it (2 of 3)
    assert summary["range"]["train_seconds"] == {"median": 21.0, "min": 20.0, "max": 22.0, "n": 3}
    assert summary["under_load"] is True and summary["other_cores_per_run"] == [0.0, 0.0, 0.5]
    assert summary["epochs_to_985_per_seed"] == [2, None, 2] and summary["runs"] == runs


def test_a_run_beside_another_busy_process_is_marked_under_load(benchmark):
    busy = subprocess.Popen(
        [sys.executable, "-c", "import time\nend = time.time() + 5\nwhile time.time() < end: pass"]
    )
    try:
        time.sleep(0.5)  # the loop is running
        record = benchmark.measured(lambda: time.sleep(1.5) or {})()
    finally:
        busy.kill()
        busy.wait()
    assert record["other_cores"] > 0.5 and record["under_load"] is True


def test_speedup_is_a_range_over_every_seed_pair_with_the_worst_case_first(benchmark):
    baseline = [{"seed": 42, "time_to_985_s": 60.0}, {"seed": 43, "time_to_985_s": 120.0}]
    course = [
        {"seed": 42, "time_to_985_s": 10.0},
        {"seed": 43, "time_to_985_s": 20.0},
        {"seed": 44, "time_to_985_s": 12.0},
    ]
    r = benchmark.speedup_range(baseline, course, "time_to_985_s")
    assert (r["worst"], r["median"], r["best"], r["n_pairs"], r["missing"]) == (
        3.0,
        6.0,
        12.0,
        6,
        0,
    )
    assert {"baseline_seed": 43, "course_seed": 44, "ratio": 10.0} in r["pairs"]
    course[1]["time_to_985_s"] = (
        None  # a course run that never reached 98.5%: the worst case is unknown
    )
    r = benchmark.speedup_range(baseline, course, "time_to_985_s")
    assert r["worst"] is None and r["missing"] == 2 and r["best"] == 12.0


def test_quick_never_writes_the_real_results(benchmark):
    assert benchmark.parse_args(["--quick"]).output == benchmark.QUICK_RESULTS != benchmark.RESULTS
    assert benchmark.parse_args([]).output == benchmark.RESULTS
    with pytest.raises(SystemExit):
        benchmark.parse_args(["--quick", "--output", str(benchmark.RESULTS)])


def test_quick_run_writes_every_figure(benchmark, tmp_path, good_archives, monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    out = tmp_path / "speed.json"
    benchmark.main(["--quick", "--output", str(out)])
    results = json.loads(out.read_text())
    for name in ("seeds_recipe", "course_cnn", "course_ann"):
        r = results[name]
        assert set(r) >= {
            "time_to_985_s",
            "test_accuracy",
            "images_per_s",
            "peak_rss_mb",
            "train_seconds",
            "range",
            "runs",
        }
        assert 0.1 < r["test_accuracy"] <= 1 and r["images_per_s"] > 0 and r["peak_rss_mb"] > 50
        assert (
            r["seeds"] == [42]
            and len(r["load_before_after"]) == 1
            and isinstance(r["under_load"], bool)
        )
        (run,) = r["runs"]  # --quick: one seed per recipe, one epoch
        assert (
            run["epochs"] == 1
            and len(run["seconds_per_epoch"]) == 1
            and run["seconds_per_epoch"][0] > 0
        )
        assert {
            "epochs_to_985",
            "time_to_985_s",
            "test_accuracy",
            "other_cores",
            "under_load",
        } <= set(run)
        assert r["epochs_to_985_per_seed"] == [run["epochs_to_985"]]
    for key in ("speedup_time_to_985", "seeds_time_over_cnn_train"):
        assert {"worst", "median", "best", "n_pairs", "missing", "pairs"} <= set(
            results[key]
        ) and results[key]["n_pairs"] == 1
    assert results["speedup_headline"] == results["speedup_time_to_985"]["worst"]
    assert (
        results["quick"] is True
        and isinstance(results["under_load"], bool)
        and results["max_other_cores"] >= 0
    )
    assert {"cpu", "cores", "torch_threads", "torch"} <= set(results["machine"])
    assert {"course_cnn", "course_ann"} <= set(results["recipes"]) and results[
        "target_accuracy"
    ] == 0.985
