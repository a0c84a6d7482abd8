"""The figures of notebooks 05-07 draw what they are given (Agg backend, no window)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402

from helpers import plots_analysis as pa  # noqa: E402
from helpers.plots import show_digits  # noqa: E402


def test_confusion_matrix_labels_every_nonzero_cell():
    cm = np.array([[50, 2, 0], [1, 40, 0], [0, 3, 60]])
    fig = pa.plot_confusion_matrix(cm, "CNN")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"
    assert sorted(t.get_text() for t in ax.texts) == sorted(["50", "2", "1", "40", "3", "60"])


def test_mistake_titles_and_grid():
    titles = pa.mistake_titles([4, 7], [9, 1], [0.874, 0.5])
    assert titles == ["true 4 → pred 9 (87%)", "true 7 → pred 1 (50%)"]
    fig = show_digits(torch.zeros(2, 1, 28, 28), titles, ncols=6, suptitle="Mistakes", normalized=True)
    assert [ax.get_title() for ax in fig.axes[:2]] == titles and fig._suptitle.get_text() == "Mistakes"


def test_filters_one_panel_each():
    fig = pa.plot_filters(torch.randn(6, 1, 5, 5), "conv1")
    assert [ax.get_title() for ax in fig.axes[:6]] == [f"filter {i}" for i in range(6)]


def test_feature_maps_grid_rows_and_input_column():
    rows = {"conv1": torch.randn(6, 28, 28), "pool2": torch.rand(16, 5, 5)}
    fig = pa.plot_feature_maps(rows, "maps", inputs=[torch.zeros(1, 28, 28)] * 2)
    assert len(fig.axes) == 2 * 17
    assert fig.axes[0].get_ylabel() == "conv1\n6×28×28"
    assert fig.axes[0].get_title() == "input"


def test_projections_one_panel_per_method():
    points = np.random.default_rng(0).normal(size=(30, 2))
    fig = pa.plot_projections({"PCA": points, "t-SNE": points}, np.arange(30) % 10, "2-D")
    assert [ax.get_title() for ax in fig.axes] == ["PCA", "t-SNE"]
    assert len(fig.axes[0].collections) == 10


def test_call_times_and_throughput_and_speedup_plots():
    assert len(pa.plot_call_times([0.02, 0.01, 0.01], "warm-up").axes[0].patches) == 3
    table = pd.DataFrame(
        {"model": ["ann"] * 2 + ["lenet5"] * 2, "device": ["cpu"] * 4, "batch_size": [10, 64] * 2,
         "images_per_s": [1e3, 5e3, 8e2, 2e3], "s_per_epoch": [60, 12, 75, 30]}
    )
    fig = pa.plot_throughput(table, "throughput")
    assert len(fig.axes[0].lines) == 2 and fig.axes[0].get_xscale() == "log"
    speedup = pd.DataFrame({"ann": [0.9, 3.0], "lenet5": [1.1, 8.0]}, index=[10, 1024])
    assert len(pa.plot_speedup(speedup, "speedup").axes[0].patches) == 4
