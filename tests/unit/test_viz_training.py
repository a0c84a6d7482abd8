"""Figures of training (viz.training) draw what they are given (Agg backend, no window)."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from viz.training import plot_call_times, plot_history, plot_speedup, plot_throughput  # noqa: E402

H = {
    "train_loss": [1.0, 0.5],
    "train_acc": [0.7, 0.9],
    "val_loss": [0.9, 0.6],
    "val_acc": [0.75, 0.88],
    "seconds": [1, 1],
}


def test_history_plot_has_train_and_validation_curves_per_run():
    fig = plot_history({"ANN": H, "CNN": H})
    loss_ax, acc_ax = fig.axes
    assert len(loss_ax.lines) == 4 and len(acc_ax.lines) == 4
    assert list(acc_ax.lines[1].get_ydata()) == [75.0, 88.0]
    assert [t.get_text() for t in acc_ax.get_legend().get_texts()][:2] == [
        "ANN train",
        "ANN validation",
    ]


def test_history_plot_on_log_scales_shows_the_error_rate_and_one_legend_below():
    fig = plot_history({"ANN": H, "CNN": H}, log_scale=True, legend_below=True)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_yscale() == "log" and acc_ax.get_yscale() == "log"
    assert [round(v, 6) for v in acc_ax.lines[1].get_ydata()] == [25.0, 12.0]  # 100% - accuracy
    assert "log scale" in acc_ax.get_ylabel() and "log scale" in loss_ax.get_ylabel()
    assert loss_ax.get_legend() is None and acc_ax.get_legend() is None
    (legend,) = fig.legends
    assert len(legend.get_texts()) == 4
    fig.canvas.draw()
    top_of_legend = legend.get_window_extent().y1
    assert top_of_legend <= min(ax.get_window_extent().y0 for ax in fig.axes)  # under the panels


def test_call_times_and_throughput_and_speedup_plots():
    assert len(plot_call_times([0.02, 0.01, 0.01], "warm-up").axes[0].patches) == 3
    table = pd.DataFrame(
        {
            "model": ["ann"] * 2 + ["lenet5"] * 2,
            "device": ["cpu"] * 4,
            "batch_size": [10, 64] * 2,
            "images_per_s": [1e3, 5e3, 8e2, 2e3],
            "s_per_epoch": [60, 12, 75, 30],
        }
    )
    fig = plot_throughput(table, "throughput")
    assert len(fig.axes[0].lines) == 2 and fig.axes[0].get_xscale() == "log"
    speedup = pd.DataFrame({"ann": [0.9, 3.0], "lenet5": [1.1, 8.0]}, index=[10, 1024])
    assert len(plot_speedup(speedup, "speedup").axes[0].patches) == 4
