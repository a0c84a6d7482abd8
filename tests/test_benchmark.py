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
    runs = [
        {"seed": s, "epochs": 5, "time_to_985_s": t, "test_accuracy": a, "val_accuracy": a, "val_accuracy_per_epoch": [a],
         "train_seconds": sec, "peak_rss_mb": 900.0, "load_before": [0.1, 0, 0], "load_after": [2.0, 0, 0], "other_cores": 0.5 if u else 0.0,
         "under_load": u}
        for s, t, a, sec, u in ((42, 9.0, 0.993, 20.0, False), (43, None, 0.994, 22.0, False), (44, 8.0, 0.995, 21.0, True))
    ]  # fmt: skip
    summary = benchmark.summarise(runs, n_train=55_000)
    assert summary["test_accuracy_per_seed"] == [0.993, 0.994, 0.995] and summary["test_accuracy"] == 0.994
    assert summary["train_seconds_per_seed"] == [20.0, 22.0, 21.0] and summary["train_seconds"] == 21.0
    assert summary["time_to_985_s"] == 8.5  # median of the runs that reached it (2 of 3)
    assert summary["range"]["train_seconds"] == {"median": 21.0, "min": 20.0, "max": 22.0, "n": 3}
    assert summary["under_load"] is True and summary["other_cores_per_run"] == [0.0, 0.0, 0.5]


def test_a_run_beside_another_busy_process_is_marked_under_load(benchmark):
    busy = subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 5\nwhile time.time() < end: pass"])
    try:
        time.sleep(0.5)  # the loop is running
        record = benchmark.measured(lambda: time.sleep(1.5) or {})()
    finally:
        busy.kill()
        busy.wait()
    assert record["other_cores"] > 0.5 and record["under_load"] is True


def test_quick_run_writes_every_figure(benchmark, tmp_path, good_archives, monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    out = tmp_path / "speed.json"
    benchmark.main(["--quick", "--output", str(out)])
    results = json.loads(out.read_text())
    for name in ("seeds_recipe", "course_cnn", "course_ann"):
        r = results[name]
        assert set(r) >= {"time_to_985_s", "test_accuracy", "images_per_s", "peak_rss_mb", "train_seconds", "range"}
        assert 0.1 < r["test_accuracy"] <= 1 and r["images_per_s"] > 0 and r["peak_rss_mb"] > 50
        assert len(r["load_before_after"]) == len(r["seeds"]) and isinstance(r["under_load"], bool)
    assert len(results["seeds_recipe"]["seeds"]) == 1  # --quick: once (twice in the real run)
    cnn = results["course_cnn"]
    assert cnn["seeds"] == [42, 43] and len(cnn["test_accuracy_per_seed"]) == 2 and len(cnn["train_seconds_per_seed"]) == 2
    assert cnn["test_accuracy"] == round(sum(cnn["test_accuracy_per_seed"]) / 2, 4)  # the median of two
    assert cnn["train_seconds"] == round(sum(cnn["train_seconds_per_seed"]) / 2, 2)
    assert results["quick"] is True and isinstance(results["under_load"], bool)
    assert {"cpu", "cores", "torch_threads", "torch"} <= set(results["machine"])
    assert {"speedup_time_to_985", "seeds_time_over_cnn_train", "load_before", "load_after"} <= set(results)
