"""Training throughput (helpers.timing): the right device is synchronised, the median is used."""

import pytest
import torch

from helpers import timing
from helpers.models import ANN
from helpers.timing import Timing


def test_throughput_arithmetic_uses_the_median():
    result = timing.Throughput(batch_size=64, steps=10, timing=Timing((9.0, 2.0, 1.0, 2.0, 100.0)))
    assert result.timing.median == 2.0
    assert result.images_per_second == 64 * 10 / 2.0
    assert result.seconds_per_step == 0.2
    assert result.seconds_per_epoch(60_000) == pytest.approx(60_000 / 320)


def test_training_throughput_times_the_training_loop(monkeypatch):
    calls = {}

    def fake_time_repeats(fn, device, repeats, warmup):
        calls.update(device=device, repeats=repeats, warmup=warmup)
        fn()  # one real pass: runs the training steps
        return Timing((3.0, 1.0, 2.0))

    steps_run = []
    real_step = timing.training.train_one_epoch
    monkeypatch.setattr(timing, "time_repeats", fake_time_repeats)
    monkeypatch.setattr(timing.training, "train_one_epoch", lambda m, loader, *a: steps_run.append(len(loader)) or real_step(m, loader, *a))
    result = timing.training_throughput(ANN(), batch_size=8, device="cpu", steps=5, repeats=3, warmup=2)
    assert calls == {"device": torch.device("cpu"), "repeats": 3, "warmup": 2}
    assert steps_run == [5]
    assert result.images_per_second == 8 * 5 / 2.0


@pytest.mark.parametrize("kind", ["cpu", "cuda", "mps"])
def test_synchronize_is_called_on_the_measured_device(monkeypatch, kind):
    synced = []
    monkeypatch.setattr(timing, "synchronize", lambda d: synced.append(d))
    # Run on the CPU but report the device the timer was given: only the device argument is checked here.
    monkeypatch.setattr(timing.training, "train_one_epoch", lambda *a: None)
    monkeypatch.setattr(ANN, "to", lambda self, d: self)
    timing.training_throughput(ANN(), 4, torch.device(kind), steps=2, repeats=3, warmup=1)
    assert len(synced) == 2 * 3  # before and after each timed repeat, never around the warm-up
    assert {d.type for d in synced} == {kind}


def test_real_data_is_reused_when_too_short():
    images, labels = torch.zeros(3, 1, 28, 28), torch.tensor([0, 1, 2])
    result = timing.training_throughput(ANN(), 4, "cpu", steps=2, repeats=1, warmup=0, data=(images, labels))
    assert result.batch_size * result.steps == 8 and result.images_per_second > 0


def test_steps_for_covers_the_images_within_bounds():
    assert timing.steps_for(64, 4096) == 64
    assert timing.steps_for(10, 4096, max_steps=100) == 100
    assert timing.steps_for(1024, 1024, min_steps=2) == 2


def test_sweep_has_one_row_per_combination(monkeypatch):
    fake = timing.Throughput(batch_size=0, steps=4, timing=Timing((2.0,)))
    monkeypatch.setattr(timing, "training_throughput", lambda m, b, d, s, r, w: timing.Throughput(b, s, fake.timing))
    table = timing.throughput_sweep(["ann", "lenet5"], [10, 100], [torch.device("cpu")], images=1000, progress=None)
    assert len(table) == 4
    assert table.loc[(table.model == "ann") & (table.batch_size == 100), "images_per_s"].item() == 100 * 10 / 2.0
    assert set(table.columns) >= {"model", "device", "batch_size", "images_per_s", "s_per_epoch", "ms_per_step"}


def test_step_cost_fit_recovers_overhead_and_per_image_cost():
    sizes = [10, 64, 256, 1024]
    overhead, per_image = timing.step_cost_fit(sizes, [0.5 + 0.01 * b for b in sizes])
    assert overhead == pytest.approx(0.5) and per_image == pytest.approx(0.01)
    overhead, per_image = timing.step_cost_fit(sizes, [0.01 * b for b in sizes[:3]] + [20.0])  # noisy: tilts below 0
    assert overhead == 0.0 and per_image > 0


def test_num_threads_restores_the_previous_setting():
    before = torch.get_num_threads()
    with timing.num_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(KeyError), timing.num_threads(1):
        raise KeyError("even after an error")
    assert torch.get_num_threads() == before


def test_timer_synchronises_before_and_after(monkeypatch):
    events = []
    monkeypatch.setattr(timing, "synchronize", lambda d: events.append(("sync", d.type)))
    clock = iter([10.0, 12.5])
    monkeypatch.setattr(timing.time, "perf_counter", lambda: next(clock))
    with timing.Timer(torch.device("cuda")) as t:
        events.append("work")
    assert events == [("sync", "cuda"), "work", ("sync", "cuda")]
    assert t.seconds == 2.5


def test_time_repeats_warms_up_then_takes_the_median(monkeypatch):
    monkeypatch.setattr(timing, "synchronize", lambda d: None)
    ticks = iter([0, 1, 10, 13, 20, 30, 40, 42])  # durations 1, 3, 10, 2
    monkeypatch.setattr(timing.time, "perf_counter", lambda: next(ticks))
    calls = []
    result = timing.time_repeats(lambda: calls.append(1), "cpu", repeats=4, warmup=2)
    assert len(calls) == 6  # 2 untimed warm-ups + 4 timed repeats
    assert result.times == (1, 3, 10, 2)
    assert result.median == 2.5 and result.spread == 9
    with pytest.raises(ValueError):
        timing.time_repeats(lambda: None, "cpu", repeats=0)
