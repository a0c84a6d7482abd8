"""Training throughput (helpers.timing): the right device is synchronised, the median is used."""

import time

import pytest
import torch

from helpers import timing
from helpers.device import Timer
from helpers.models import ANN
from helpers.timing import Timing


def test_throughput_arithmetic_uses_the_median():
    result = timing.Throughput(batch_size=64, steps=10, timing=Timing((9.0, 2.0, 1.0, 2.0, 100.0)))
    assert result.timing.median == 2.0
    assert result.images_per_second == 64 * 10 / 2.0
    assert result.seconds_per_step == 0.2
    assert result.seconds_per_epoch(60_000) == pytest.approx(60_000 / 320)


def test_training_throughput_trains_the_model_for_the_given_steps():
    model = ANN()
    before = [p.detach().clone() for p in model.parameters()]
    result = timing.training_throughput(
        model, batch_size=8, device="cpu", steps=5, repeats=3, warmup=2
    )
    assert (result.batch_size, result.steps, len(result.timing.times)) == (8, 5, 3)
    assert result.images_per_second == pytest.approx(8 * 5 / result.timing.median)
    # it really trained
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))


@pytest.mark.parametrize("kind", ["cpu", "cuda", "mps"])
def test_timer_waits_for_the_device_it_measures(monkeypatch, kind):
    # A machine without a GPU cannot observe a GPU wait, so torch's waits record themselves instead.
    waited = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda d=None: waited.append("cuda"))
    monkeypatch.setattr(torch.mps, "synchronize", lambda: waited.append("mps"))
    timing.time_repeats(lambda: None, torch.device(kind), repeats=3, warmup=1)
    # before and after each timed repeat, never around the warm-up
    assert waited == ([] if kind == "cpu" else [kind] * (2 * 3))


def test_real_data_is_reused_when_too_short():
    images, labels = torch.zeros(3, 1, 28, 28), torch.tensor([0, 1, 2])
    result = timing.training_throughput(
        ANN(), 4, "cpu", steps=2, repeats=1, warmup=0, data=(images, labels)
    )
    assert result.batch_size * result.steps == 8 and result.images_per_second > 0


def test_steps_for_covers_the_images_within_bounds():
    assert timing.steps_for(64, 4096) == 64
    assert timing.steps_for(10, 4096, max_steps=100) == 100
    assert timing.steps_for(1024, 1024, min_steps=2) == 2


def test_sweep_has_one_consistent_row_per_combination():
    lines = []
    table = timing.throughput_sweep(
        ["ann", "lenet5"],
        [10, 20],
        [torch.device("cpu")],
        images=40,
        repeats=1,
        warmup=0,
        progress=lines.append,
        max_steps=2,
    )
    assert list(zip(table.model, table.batch_size)) == [
        ("ann", 10),
        ("ann", 20),
        ("lenet5", 10),
        ("lenet5", 20),
    ]
    assert (table.device == "cpu").all() and (table.steps == 2).all()
    assert table.images_per_s.to_numpy() == pytest.approx(
        (table.batch_size * table.steps / table.median_s).to_numpy()
    )
    assert table.ms_per_step.to_numpy() == pytest.approx(1000 * table.median_s / table.steps)
    assert (table.s_per_epoch > 0).all() and len(lines) == 4 and "images/s" in lines[0]


def test_step_cost_fit_recovers_overhead_and_per_image_cost():
    sizes = [10, 64, 256, 1024]
    overhead, per_image = timing.step_cost_fit(sizes, [0.5 + 0.01 * b for b in sizes])
    assert overhead == pytest.approx(0.5) and per_image == pytest.approx(0.01)
    # noisy: tilts below 0
    overhead, per_image = timing.step_cost_fit(sizes, [0.01 * b for b in sizes[:3]] + [20.0])
    assert overhead == 0.0 and per_image > 0


def test_num_threads_restores_the_previous_setting():
    before = torch.get_num_threads()
    with timing.num_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(KeyError), timing.num_threads(1):
        raise KeyError("even after an error")
    assert torch.get_num_threads() == before


def test_timer_measures_wall_seconds():
    with Timer("cpu") as t:
        time.sleep(0.05)
    assert 0.05 <= t.seconds < 1.0


def test_time_repeats_warms_up_then_times_each_repeat():
    durations = iter([0.0, 0.0, 0.01, 0.03, 0.10, 0.02])  # 2 warm-ups, then 4 timed calls
    result = timing.time_repeats(lambda: time.sleep(next(durations)), "cpu", repeats=4, warmup=2)
    assert len(result.times) == 4
    # the slow call is the third repeat
    assert [round(t, 1) for t in result.times] == [0.0, 0.0, 0.1, 0.0]
    assert result.median < 0.05 < result.spread
    with pytest.raises(ValueError):
        timing.time_repeats(lambda: None, "cpu", repeats=0)
