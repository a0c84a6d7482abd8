"""The training-speed benchmark runs end to end in its quick mode and writes what it promises."""

import json

import pytest

from script_loader import load_script


@pytest.fixture(scope="module")
def benchmark():
    return load_script("benchmarks/training_speed.py")


def test_time_to_target_counts_training_seconds_until_first_crossing(benchmark):
    history = {"seconds": [10.0, 12.0, 11.0], "test_acc": [0.97, 0.986, 0.99]}
    assert benchmark.time_to_target(history) == 22.0
    assert benchmark.time_to_target({"seconds": [5.0], "test_acc": [0.9]}) is None


def test_quick_run_writes_every_figure(benchmark, tmp_path, good_archives, monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    out = tmp_path / "speed.json"
    benchmark.main(["--quick", "--output", str(out)])
    results = json.loads(out.read_text())
    for name in ("seeds_recipe", "course_cnn", "course_ann"):
        r = results[name]
        assert set(r) >= {"time_to_985_s", "test_accuracy", "images_per_s", "peak_rss_mb"}
        assert 0.1 < r["test_accuracy"] <= 1 and r["images_per_s"] > 0 and r["peak_rss_mb"] > 50
    assert results["course_cnn"]["epochs"] == 1 and results["quick"] is True
    assert {"cpu", "cores", "torch_threads", "torch"} <= set(results["machine"])
    assert "speedup_time_to_985" in results
